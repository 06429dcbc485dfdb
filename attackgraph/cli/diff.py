"""``attackgraph diff OLD NEW``: what changed between two models, and what
that does to the analysis. Exit 0 when they are the same, 1 when they
differ (as ``diff`` does)."""

from __future__ import annotations

import argparse
import sys

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "diff",
        help="show what changed between two models and in their analysis",
        description="Compare two models by id: components, nodes, edges, mitigations, "
        "profiles and releases added, removed or changed (field by field), then "
        "the analysis: chains opened and closed, goals newly reachable or safe, "
        "the change in the optimal set's cost. Canvas layout is not compared. "
        "Exit 0 when the models are the same, 1 when they differ.",
    )
    parser.add_argument("old", metavar="OLD", help="the earlier model (any readable format)")
    parser.add_argument("new", metavar="NEW", help="the later model")
    parser.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="text (default), json or html",
    )
    parser.add_argument(
        "--no-analysis",
        dest="analysis",
        action="store_false",
        help="compare the models only, not their analyses",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Compare and print; exit 0 if the models are the same, else 1."""
    from attackgraph.cli.common import EXIT_INVALID, EXIT_OK, load_model
    from attackgraph.cli.terminal import json_text
    from attackgraph.compare import diff_models
    from attackgraph.render.diff_report import diff_html, diff_text

    old = load_model(args.old)
    new = load_model(args.new)
    if old is None or new is None:
        return EXIT_INVALID
    result = diff_models(old, new, analysis=args.analysis)
    if args.format == "json":
        data = result.to_json()
        data = {"schema": data.pop("schema"), "old": args.old, "new": args.new, **data}
        sys.stdout.write(json_text(data))
        sys.stdout.write("\n")
    elif args.format == "html":
        sys.stdout.write(diff_html(result, args.old, args.new))
    else:
        sys.stdout.write(diff_text(result, args.old, args.new))
    return EXIT_OK if result.same else EXIT_INVALID
