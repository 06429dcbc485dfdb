"""Formatting of analysis results for the terminal (80 columns) and CSV.

Shared by ``analyze``, ``optimize`` and ``check``; imports no heavy module,
only the result types for annotations.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from attackgraph.render.text import number

if TYPE_CHECKING:
    from attackgraph.analysis.optimize import Optimization
    from attackgraph.analysis.results import Analysis, ChainResult

__all__ = [
    "add_state_options",
    "analysis_csv",
    "analysis_text",
    "chain_lines",
    "chains_csv",
    "count_argument",
    "number",
    "optimization_text",
    "state_kwargs",
]

WIDTH = 80


def add_state_options(parser: argparse.ArgumentParser, *, what_if: bool = True) -> None:
    """The options that choose the analysed state (``--profile`` ...)."""
    parser.add_argument("file", metavar="FILE", help="model file")
    parser.add_argument(
        "--profile", metavar="ID", help="restrict to what this attacker profile allows"
    )
    parser.add_argument(
        "--goal",
        metavar="ID",
        action="append",
        dest="goals",
        help="only this goal (repeatable; default: every goal)",
    )
    if what_if:
        parser.add_argument(
            "--with",
            metavar="M",
            action="append",
            dest="switch_on",
            default=[],
            help="what-if: switch mitigation M on (repeatable)",
        )
        parser.add_argument(
            "--without",
            metavar="M",
            action="append",
            dest="switch_off",
            default=[],
            help="what-if: switch mitigation M off (repeatable)",
        )
    parser.add_argument("--at-release", metavar="R", help="the state of the model at release R")
    add_limit_options(parser)


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """``--max-memory`` and ``--max-seconds``: the bounds of the chain search."""
    parser.add_argument(
        "--max-memory",
        metavar="MB",
        type=positive_number,
        default=None,
        help="memory bound of the chain search in MiB (default 384, or "
        "ATTACKGRAPH_MAX_MEMORY_MB); reaching it lists the chains found "
        "so far and marks the result truncated",
    )
    parser.add_argument(
        "--max-seconds",
        metavar="S",
        type=positive_number,
        default=None,
        help="time bound of the chain search in seconds (default 60, or ATTACKGRAPH_MAX_SECONDS)",
    )


def positive_number(text: str) -> float:
    """An ``argparse`` type: a finite number above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("must be a number") from None
    if not (value > 0 and value < float("inf")):
        raise argparse.ArgumentTypeError("must be a finite number above zero")
    return value


def count_argument(text: str) -> int:
    """An ``argparse`` type: an integer of zero or more."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be zero or more")
    return value


def state_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """Keyword arguments of the analyses from the state options."""
    return {
        "profile": args.profile,
        "goals": args.goals,
        "switch_on": tuple(getattr(args, "switch_on", ()) or ()),
        "switch_off": tuple(getattr(args, "switch_off", ()) or ()),
        "at_release": args.at_release,
    }


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
    ) or [indent]


def _ids(values: Sequence[str]) -> str:
    return ", ".join(values) if values else "-"


def chain_lines(chain: ChainResult) -> list[str]:
    """A chain in a few lines: header, nodes, breaking mitigations."""
    state = "open" if chain.open else "broken"
    head = f"{chain.id:<5} cost {number(chain.cost):<6} p {chain.probability:<9.3g} {state:<6}"
    lines = _wrap(f"{head} -> {chain.goal}", "")
    lines += _wrap(" > ".join(chain.nodes), "      ")
    lines += _wrap(f"broken by: {_ids(chain.broken_by)}", "      ")
    return lines


def analysis_text(
    result: Analysis, optimization: Optimization | None = None, top_chains: int = 20
) -> str:
    """The readable report of ``analyze``."""
    lines = [f"{result.title}"[:WIDTH]]
    context = []
    if result.profile:
        context.append(f"profile {result.profile}")
    if result.at_release:
        context.append(f"at release {result.at_release}")
    if context:
        lines.append(", ".join(context))
    lines += _wrap(f"In effect: {_ids(result.in_effect)}", "")
    width = min(max((len(g.id) for g in result.goals), default=4), 40)
    lines += ["", "Goals", f"  {'goal':<{width}} {'reachable':<9} {'chains':>6} {'open':>6}"]
    for goal in result.goals:
        chains = "?" if goal.chains is None else str(goal.chains)
        opened = "?" if goal.open_chains is None else str(goal.open_chains)
        lines.append(
            f"  {goal.id:<{width}} {'yes' if goal.reachable else 'no':<9} {chains:>6} {opened:>6}"[
                :WIDTH
            ]
        )
        if goal.choke_points:
            lines += _wrap("choke points: " + _ids(goal.choke_points), "    ")
    lines += depth_lines(result)
    shown = result.chains[:top_chains]
    more = " (more exist)" if result.truncated else ""
    lines += [
        "",
        f"Cheapest chains: {len(result.chains)} listed{more}"
        + (f", first {len(shown)} shown" if len(shown) < len(result.chains) else ""),
    ]
    if result.ties_approximate:
        lines += _wrap(
            "Order within ties at the cut is approximate: more chains tie with "
            "the last listed ones than the search could settle.",
            "  ",
        )
    for chain in shown:
        lines += chain_lines(chain)
    ranked = sorted(result.mitigations, key=lambda m: -len(m.breaks))
    width = min(max((len(m.id) for m in ranked), default=10), 40)
    lines += [
        "",
        "Mitigations by listed chains broken",
        f"  {'mitigation':<{width}} {'breaks':>6}  state",
    ]
    for mit in ranked:
        state = "in effect" if mit.in_effect else ("partial" if not mit.full else "")
        lines.append(f"  {mit.id:<{width}} {len(mit.breaks):>6}  {state}"[:WIDTH])
        if mit.makes_unreachable:
            lines += _wrap("alone makes unreachable: " + _ids(mit.makes_unreachable), "    ")
    if optimization is not None:
        lines += ["", *optimization_text(optimization).splitlines()]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def depth_lines(result: Analysis) -> list[str]:
    """The "Defence in depth" section: per goal, how many in-effect
    mitigations an attacker must defeat to reopen it, and the cut."""
    depth = result.depth
    if depth is None:
        return []
    width = min(max((len(g.goal) for g in depth.goals), default=4), 40)
    minimum = "-" if depth.minimum is None else str(depth.minimum)
    lines = ["", f"Defence in depth (minimum {minimum})", f"  {'goal':<{width}} {'depth':>5}  cut"]
    for goal in depth.goals:
        value = "-" if goal.depth is None else str(goal.depth) + ("" if goal.proven else "?")
        cut = (
            _ids(goal.cut)
            if goal.depth
            else ("reachable" if goal.depth == 0 else "closed by fixes or profile")
        )
        lines += _wrap(f"{goal.goal:<{width}} {value:>5}  {cut}", "  ")
        if goal.depth == 1 and len(goal.single_points) > 1:
            lines += _wrap("single points of failure: " + _ids(goal.single_points), "    ")
    return lines


def optimization_text(result: Optimization) -> str:
    """The readable report of ``optimize``."""
    lines = ["Optimal mitigation set"]
    lines += _wrap(f"Goals: {_ids(result.goals)}", "  ")
    lines.append(f"  Status: {result.status} ({result.seconds:.2f} s)")
    if result.status == "infeasible":
        lines += _wrap(
            "Unblockable goals (reachable whatever is switched on): " + _ids(result.unblockable),
            "  ",
        )
        return "\n".join(lines) + "\n"
    if result.budget is not None:
        lines.append(f"  Budget: {number(result.budget)}")
    lines += _wrap(f"Mitigations: {_ids(result.mitigations or ())}", "  ")
    lines.append(f"  Cost: {number(result.cost)}   proven bound: {number(result.bound)}")
    if result.budget is not None:
        lines += _wrap(f"Blocked goals: {_ids(result.blocked_goals or ())}", "  ")
        lines.append(f"  Impact blocked: {number(result.impact_blocked)}")
    return "\n".join(lines) + "\n"


def analysis_csv(result: Analysis) -> str:
    """The chain x mitigation matrix: one row per listed chain, one column per
    mitigation (``1`` when it breaks the chain, else ``0``)."""
    return chains_csv(result.chains, [m.id for m in result.mitigations])


def chains_csv(chains: Sequence[ChainResult], mit_ids: Sequence[str]) -> str:
    """Chains as a chain x mitigation matrix (see :func:`analysis_csv`); the
    render layer's CSV writer, shared with ``export``."""
    from attackgraph.render.table import chains_csv as matrix

    return matrix(chains, mit_ids)
