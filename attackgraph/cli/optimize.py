"""``attackgraph optimize FILE``: the cheapest mitigation set that makes the
chosen goals unreachable, with its proof."""

from __future__ import annotations

import argparse
import json
import math
import sys
import time

from attackgraph.cli.analysis_text import add_state_options

__all__ = ["add_parser", "run"]


def _non_negative(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError("must be a number >= 0")
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "optimize",
        help="find the cheapest mitigation set that makes the goals unreachable",
        description="Find, with an exact method, the cheapest set of proposed or planned "
        "mitigations (effectiveness 1) whose deployment makes the chosen goals "
        "unreachable; with --budget, the set within budget that blocks the most "
        "goal impact. Reports the proof: status, cost and proven bound.",
    )
    add_state_options(parser, what_if=False)
    parser.add_argument(
        "--budget",
        metavar="B",
        type=_non_negative,
        help="maximise the impact blocked at a total cost of at most B",
    )
    parser.add_argument(
        "--time-limit",
        metavar="SECONDS",
        type=_non_negative,
        default=60.0,
        help="stop the search after this long (default 60)",
    )
    parser.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json"
    )
    parser.set_defaults(run=run)


_MARGIN = 0.1
"""Seconds kept from ``--time-limit`` for the work after the solver."""


def run(args: argparse.Namespace) -> int:
    """Optimise and print the result."""
    from attackgraph.analysis.optimize import optimal_mitigations
    from attackgraph.cli.analysis_text import optimization_text
    from attackgraph.cli.common import EXIT_INVALID, EXIT_OK, load_model, usage_error
    from attackgraph.errors import AnalysisError

    started = getattr(args, "started", None) or time.monotonic()
    import scipy.optimize  # noqa: F401 - loaded now so that the limit covers its import

    model = load_model(args.file)
    if model is None:
        return EXIT_INVALID
    # --time-limit bounds the whole command: reading and compiling the model
    # count, and the margin pays for checking and printing the result
    left = max(args.time_limit - (time.monotonic() - started) - _MARGIN, 0.01)
    try:
        result = optimal_mitigations(
            model,
            goals=args.goals,
            profile=args.profile,
            at_release=args.at_release,
            budget=args.budget,
            time_limit=left,
        )
    except AnalysisError as exc:
        return usage_error(str(exc))
    if args.format == "json":
        json.dump(result.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(optimization_text(result))
    return EXIT_OK
