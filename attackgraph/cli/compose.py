"""``attackgraph compose MODEL FRAGMENT --into C --connect PORT=NODE -o OUT``:
insert a fragment into a model, its ids made unique and its ports wired."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "compose",
        help="insert a fragment (a component with its chains) into a model",
        description="Insert FRAGMENT (a fragment file, or library:ID for one of the bundled "
        "starter fragments; `attackgraph library` lists them) into MODEL: its ids "
        "are made unique, its top components go into --into, and each --connect "
        "PORT=NODE adds an edge NODE -> PORT for an in-port or PORT -> NODE for "
        "an out-port (in:PORT=NODE or out:PORT=NODE when a port is both). The "
        "model records the instance (source, version, ids) so that `attackgraph "
        "library MODEL --update` can bring it up to a newer library version.",
    )
    parser.add_argument("model", metavar="MODEL", help="the model (any readable format)")
    parser.add_argument("fragment", metavar="FRAGMENT", help="a fragment file, or library:ID")
    parser.add_argument(
        "--into",
        metavar="COMPONENT",
        help="the component to put the fragment in (default: top level)",
    )
    parser.add_argument(
        "--connect",
        metavar="PORT=NODE",
        action="append",
        default=[],
        help="wire a port to a node of the model (repeat)",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="where to write the composed model (native JSON or YAML)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Insert and write OUT; exit 1 with located problems."""
    from attackgraph.cli.common import (
        EXIT_INVALID,
        EXIT_OK,
        load_model,
        print_problems,
        usage_error,
    )
    from attackgraph.errors import AttackGraphError, ModelError
    from attackgraph.formats import format_for_path
    from attackgraph.formats.native import document_to_model, model_to_document, write_model
    from attackgraph.fragments import (
        bundled_library,
        insert_fragment,
        parse_connection,
        read_fragment,
    )

    target = format_for_path(args.output)
    if target is None or target.name not in ("json", "yaml"):
        return usage_error(
            f"cannot write {args.output!r}: name it .json or .yaml (a composed "
            f"model keeps its fragment records, which only the native format "
            f"holds)."
        )
    try:
        connections = [parse_connection(text) for text in args.connect]
    except ValueError as exc:
        return usage_error(f"--connect: {exc}")
    model = load_model(args.model)
    if model is None:
        return EXIT_INVALID
    if args.fragment.startswith("library:"):
        library = bundled_library()
        fragment = library.get(args.fragment.removeprefix("library:"))
        if fragment is None:
            names = ", ".join(f.id for f in library.fragments)
            print(
                f"{args.fragment}: no such fragment in the library (it has: {names}).",
                file=sys.stderr,
            )
            return EXIT_INVALID
    else:
        try:
            fragment = read_fragment(args.fragment)
        except ModelError as exc:
            print_problems(args.fragment, exc.problems or [])
            return EXIT_INVALID
    try:
        result = insert_fragment(
            model_to_document(model), fragment, into=args.into, connect=connections
        )
        write_model(document_to_model(result.document), args.output, syntax=target.name)
    except ModelError as exc:
        print_problems(
            args.output if exc.problems and exc.problems[0].pointer.startswith("/") else "compose",
            exc.problems or [],
        )
        if not exc.problems:
            print(f"compose: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except AttackGraphError as exc:
        print(f"{args.output}: {exc}", file=sys.stderr)
        return EXIT_INVALID
    print_problems(args.output, result.warnings)
    renamed = {k.split(":", 1)[1]: v for k, v in result.ids.items() if k.split(":", 1)[1] != v}
    print(
        f"{args.output}: inserted {fragment.id} {fragment.version} "
        f"({len(fragment.document.get('nodes', []))} node(s), "
        f"{len(connections)} connection(s))"
        + (f"; renamed {', '.join(f'{a} -> {b}' for a, b in renamed.items())}" if renamed else ""),
        file=sys.stderr,
    )
    return EXIT_OK
