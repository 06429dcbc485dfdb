"""``attackgraph validate FILE...``: every error and warning of each file."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "validate",
        help="check model files and print every error and warning",
        description="Check model files against the format's rules. Prints every problem as "
        "FILE: /pointer: sentence on standard error; exit 1 if any file has an "
        "error (warnings alone exit 0).",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="model files to check")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print errors only, not warnings or the summary"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Validate each file; exit 1 if any has an error."""
    from attackgraph.cli.common import EXIT_INVALID, EXIT_OK, print_problems
    from attackgraph.formats import check_file

    failed = 0
    for filename in args.files:
        checked = check_file(filename)
        shown = checked.errors if args.quiet else checked.problems
        print_problems(filename, shown)
        if checked.errors:
            failed += 1
        if not args.quiet:
            verdict = "invalid" if checked.errors else "valid"
            detail = f"{len(checked.errors)} error(s), {len(checked.warnings)} warning(s)"
            print(f"{filename}: {verdict} ({detail})", file=sys.stderr)
    return EXIT_INVALID if failed else EXIT_OK
