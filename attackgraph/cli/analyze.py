"""``attackgraph analyze FILE``: goals, cheapest chains and the mitigations
that break them."""

from __future__ import annotations

import argparse
import json
import sys

from attackgraph.cli.analysis_text import add_state_options, count_argument, state_kwargs

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "analyze",
        help="list the cheapest attack chains and the mitigations that break them",
        description="Analyse a model: which goals are reachable, the cheapest chains "
        "(minimal node sets that achieve a goal) with the mitigations that "
        "break each, choke points, and the mitigations ranked by chains broken.",
    )
    add_state_options(parser)
    parser.add_argument(
        "--max-chains",
        metavar="N",
        type=count_argument,
        default=1000,
        help="list at most N chains in total (default 1000)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="text (default), json, or csv (chain x mitigation matrix)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Analyse the model and print the result."""
    from attackgraph.analysis import analyze
    from attackgraph.cli.analysis_text import analysis_csv, analysis_text
    from attackgraph.cli.common import EXIT_INVALID, EXIT_OK, load_model, usage_error
    from attackgraph.errors import AnalysisError

    model = load_model(args.file)
    if model is None:
        return EXIT_INVALID
    kwargs = state_kwargs(args)
    try:
        result = analyze(model, max_chains=args.max_chains, **kwargs)
    except AnalysisError as exc:
        return usage_error(str(exc))
    for warning in result.warnings:
        print(f"attackgraph: warning: {warning}", file=sys.stderr)
    if args.format == "json":
        json.dump(result.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.format == "csv":
        sys.stdout.write(analysis_csv(result))
    else:
        from attackgraph.analysis.optimize import optimal_mitigations

        reachable = [g.id for g in result.goals if g.reachable]
        optimization = None
        if reachable:
            optimization = optimal_mitigations(
                model,
                goals=reachable,
                profile=args.profile,
                at_release=args.at_release,
                switch_on=kwargs["switch_on"],
                switch_off=kwargs["switch_off"],
                time_limit=10.0,
            )
        sys.stdout.write(analysis_text(result, optimization))
    return EXIT_OK
