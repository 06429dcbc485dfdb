"""``attackgraph convert IN OUT``: any model format to any other."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run"]


def _format_names(writable: bool) -> list[str]:
    from attackgraph.formats import FORMATS

    return [f.name for f in FORMATS if (f.generate if writable else f.check) is not None]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "convert",
        help="convert a model between formats (native, Attack Flow, Deciduous, GraphML, "
        "ADTool, OTM, Threat Dragon; TMT and MulVAL read)",
        description="Read IN in any format attackgraph imports (also Microsoft Threat Modeling "
        "Tool .tm7 and MulVAL AttackGraph.xml or VERTICES.CSV/ARCS.CSV) and write "
        "it to OUT in the format OUT's name says: .json/.yaml native, .stix.json "
        "Attack Flow STIX 2.1, .afb Attack Flow Builder, .deciduous.yaml "
        "Deciduous, .graphml GraphML, .adtree.xml ADTool, .otm.json Open Threat "
        "Model, .threat-dragon.json Threat Dragon. Warnings about IN, and what "
        "OUT's format cannot hold, go to standard error; errors exit 1.",
    )
    parser.add_argument("input", metavar="IN", help="the model file to read")
    parser.add_argument("output", metavar="OUT", help="the file to write")
    parser.add_argument(
        "--to",
        metavar="FORMAT",
        dest="to_format",
        help="write this format whatever OUT's name (json, yaml, stix, afb, "
        "deciduous, graphml, adtool, otm, threat-dragon)",
    )
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print errors only, not warnings or the summary"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Convert, printing the input's problems; exit 1 on an invalid input."""
    from attackgraph.cli.common import EXIT_INVALID, EXIT_OK, print_problems, usage_error
    from attackgraph.errors import FormatError
    from attackgraph.formats import check_file, format_for_path, write_model

    target = format_for_path(args.output, args.to_format)
    if target is None or target.generate is None:
        known = ", ".join(_format_names(writable=True))
        if args.to_format:
            return usage_error(
                f"--to {args.to_format!r} is not a format attackgraph writes (choose from {known})."
            )
        what = (
            f"attackgraph reads {target.description}s but does not write them"
            if target
            else "its name does not say which format to write"
        )
        return usage_error(
            f"cannot write {args.output!r}: {what}; name it .json, .yaml, "
            f".stix.json, .afb, .deciduous.yaml or .graphml, or pass --to "
            f"({known})."
        )
    checked = check_file(args.input)
    if checked.model is None:
        print_problems(args.input, checked.problems)
        return EXIT_INVALID
    if not args.quiet:
        print_problems(args.input, checked.warnings)
    try:
        write_model(checked.model, args.output, format_name=target.name, backup=True)
    except FormatError as exc:
        print(f"{args.output}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if not args.quiet:
        model = checked.model
        print(
            f"{args.input} -> {args.output} ({target.description}): {len(model.nodes)} "
            f"node(s), {len(model.edges)} edge(s), {len(model.mitigations)} mitigation(s)",
            file=sys.stderr,
        )
        if target.limitations:
            print(f"note: {target.limitations}", file=sys.stderr)
    return EXIT_OK
