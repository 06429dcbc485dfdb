"""``attackgraph check FILE``: a CI gate on the number of open chains."""

from __future__ import annotations

import argparse
import json
import sys

from attackgraph.cli.analysis_text import add_state_options, count_argument, state_kwargs

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "check",
        help="fail (exit 1) when more chains to the goals are open than allowed",
        description="For CI: exit 0 when the number of open chains to the chosen goals is at "
                    "most --max-open-chains (default 0), exit 1 otherwise, printing the open "
                    "chains.",
    )
    add_state_options(parser)
    parser.add_argument("--max-open-chains", metavar="N", type=count_argument, default=0,
                        help="open chains allowed (default 0)")
    parser.add_argument("--max-chains", metavar="N", type=count_argument, default=1000,
                        help="print at most N open chains (default 1000)")
    parser.add_argument("--format", choices=("text", "json", "csv"), default="text",
                        help="text (default); json: the verdict and the open chains; csv: "
                             "the open chains as a chain x mitigation matrix")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Count the open chains and compare with the policy."""
    from attackgraph.analysis.analyze import open_chains
    from attackgraph.cli.analysis_text import chain_lines, chains_csv
    from attackgraph.cli.common import EXIT_INVALID, EXIT_OK, load_model, usage_error
    from attackgraph.errors import AnalysisError

    model = load_model(args.file)
    if model is None:
        return EXIT_INVALID
    allowed = args.max_open_chains
    warnings: list[str] = []
    try:
        found, complete = open_chains(model, limit=max(allowed + 1, args.max_chains),
                                      warnings=warnings, **state_kwargs(args))
    except AnalysisError as exc:
        return usage_error(str(exc))
    for warning in warnings:
        print(f"attackgraph: warning: {warning}", file=sys.stderr)
    count = len(found)
    # a search stopped by its memory or time limit proves nothing: fail closed
    ok = count <= allowed and not warnings
    shown = found[:args.max_chains]
    if args.format == "json":
        json.dump({"schema": "attackgraph.check/1", "ok": ok, "max_open_chains": allowed,
                   "open_chains": count if complete else None,
                   "chains": [c.to_json() for c in shown],
                   **({"truncated": True, "warnings": warnings} if warnings else {})},
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        sys.stdout.write(chains_csv(shown, list(model.mitigations)))
    elif ok:
        print(f"{args.file}: ok: {count} open chain(s), at most {allowed} allowed")
    elif warnings and count <= allowed:
        print(f"{args.file}: FAILED: {count} open chain(s) found before the search stopped "
              f"at its limit, at most {allowed} allowed; more may exist")
        for chain in shown:
            print("\n".join(chain_lines(chain)))
    else:
        total = f"{count}" if complete else f"more than {count - 1}"
        print(f"{args.file}: FAILED: {total} open chain(s), at most {allowed} allowed")
        for chain in shown:
            print("\n".join(chain_lines(chain)))
    return EXIT_OK if ok else EXIT_INVALID
