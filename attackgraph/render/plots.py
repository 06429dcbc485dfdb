"""Report plots with matplotlib, as SVG text: the Pareto frontier (defender
cost against impact left reachable) and the release timeline (open chains
per release).

matplotlib is imported lazily and only through its object-oriented API
(``Figure`` with the SVG canvas), never ``pyplot`` or ``matplotlib.use``, so
no global backend is chosen for a desktop app that embeds plots itself.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

from attackgraph.render import style
from attackgraph.render.text import one_line

__all__ = ["pareto_svg", "timeline_svg"]

_RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "attackgraph",
    "font.family": ["DejaVu Sans", "sans-serif"],
    "font.size": 9.5,
    "axes.edgecolor": "#8a8f98",
    "axes.labelcolor": style.INK,
    "xtick.color": "#5f6670",
    "ytick.color": "#5f6670",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e6e9ed",
    "grid.linewidth": 0.8,
}


def _plain(text: object) -> str:
    """Text matplotlib shows as is (no mathtext)."""
    return one_line(text).replace("$", r"\$")


def _figure(width: float, height: float) -> tuple[Any, Any, Any]:
    import matplotlib
    from matplotlib.figure import Figure

    context = matplotlib.rc_context(_RC)
    context.__enter__()
    fig = Figure(figsize=(width, height), layout="constrained")
    return context, fig, fig.subplots()


def _svg(context: Any, fig: Any, prefix: str) -> str:
    """The figure as an ``<svg>`` element whose ids all start with ``prefix``,
    so that several plots can share one HTML page."""
    try:
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        context.__exit__(None, None, None)
    text = buffer.getvalue()
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    ids = set(_ID.findall(text))

    def rename(match: re.Match[str]) -> str:
        ident = match.group(2)
        return match.group(1) + (f"{prefix}-{ident}" if ident in ids else ident)

    return _REF.sub(rename, text)


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(\bid="|href="#|url\(#)([^")]+)')


def pareto_svg(points: Sequence[tuple[float, float, int]], *, total_impact: float) -> str:
    """The Pareto frontier as an SVG step plot.

    Parameters
    ----------
    points : sequence of (cost, impact_left, mitigation_count)
        The frontier, cheapest first (point ``P1`` is the first).
    total_impact : float
        Impact reachable with nothing added (the y-axis top).

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    context, fig, ax = _figure(7.4, 3.3)
    costs = [p[0] for p in points]
    impacts = [p[1] for p in points]
    if costs:
        ax.step(
            [*costs, costs[-1] * 1.08 + 0.5],
            [*impacts, impacts[-1]],
            where="post",
            color=style.OPEN,
            linewidth=1.8,
            zorder=2,
        )
        ax.scatter(
            costs, impacts, s=36, color=style.OPEN, edgecolor="white", linewidth=1.2, zorder=3
        )
        for number, (cost, impact, count) in enumerate(points, start=1):
            ax.annotate(
                _plain(f"P{number} ({count})"),
                (cost, impact),
                xytext=(6, 6),
                textcoords="offset points",
                fontsize=8.5,
                color=style.INK,
            )
    ax.set_xlabel("defender cost of the added mitigations")
    ax.set_ylabel("goal impact left reachable")
    ax.set_ylim(bottom=0, top=max(total_impact, max(impacts, default=0)) * 1.15 + 0.01)
    ax.set_xlim(left=-0.02 * (max(costs, default=1) or 1))
    return _svg(context, fig, "pareto")


def timeline_svg(rows: Sequence[tuple[str, int, bool]]) -> str:
    """Open chains per release as an SVG bar chart.

    Parameters
    ----------
    rows : sequence of (release id, open chains, exact)
        In release order; ``exact`` False marks a count that could not be
        made (shown as ``?``).

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    context, fig, ax = _figure(7.4, 2.9)
    names = [_plain(r[0]) for r in rows]
    counts = [r[1] for r in rows]
    colours = [style.OPEN if c else style.DEFENCE for c in counts]
    bars = ax.bar(range(len(rows)), counts, color=colours, width=0.6, zorder=2)
    for bar, (_, count, exact) in zip(bars, rows, strict=True):
        ax.annotate(
            f"{count}" if exact else "?",
            (bar.get_x() + bar.get_width() / 2, bar.get_height()),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=9,
            color=style.INK,
        )
    ax.set_xticks(
        range(len(rows)),
        names,
        rotation=0 if len(rows) < 8 else 45,
        ha="center" if len(rows) < 8 else "right",
    )
    ax.set_ylabel("open chains")
    ax.set_ylim(0, max(counts, default=0) * 1.2 + 1)
    ax.grid(axis="x", visible=False)
    return _svg(context, fig, "timeline")
