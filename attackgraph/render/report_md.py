"""The Markdown report, for wikis and pull requests: the tables of the HTML
report, with the diagram and the plots as SVG files written beside it.

Every table cell goes through
:func:`~attackgraph.render.text.markdown_text` (no Markdown, HTML or link
can come from a label); the model description stays Markdown with raw HTML,
images and dangerous links defused (:func:`~attackgraph.render.markdown.markdown_source`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

from attackgraph._version import __version__
from attackgraph.analysis import ChainResult
from attackgraph.model import AttackModel
from attackgraph.render.diagram import render_diagram
from attackgraph.render.dot import DiagramOptions
from attackgraph.render.markdown import markdown_source
from attackgraph.render.overlay import build_overlay
from attackgraph.render.report_data import ReportData
from attackgraph.render.report_html import (
    depth_of,
    least_depth,
    number,
    state_summary,
    timeline_points,
)
from attackgraph.render.text import markdown_cell, markdown_text

__all__ = ["MarkdownReport", "markdown_report"]


@dataclass(frozen=True, slots=True)
class MarkdownReport:
    """A Markdown report and the files it references.

    Attributes
    ----------
    text : str
        The Markdown document.
    attachments : dict
        File name (relative to the document) to content: the diagram and
        the plots as SVG.
    """

    text: str
    attachments: dict[str, bytes]


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> list[str]:
    rule = ["---:" if i in numeric else "---" for i in range(len(head))]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _code(value: str) -> str:
    # ids match [A-Za-z0-9][A-Za-z0-9_.:-]*, so a code span cannot be broken
    return f"`{value}`" if value and "`" not in value else markdown_text(value)


def _codes(values: Sequence[str]) -> str:
    return ", ".join(_code(v) for v in values) if values else "–"


def _chain_rows(chains: Sequence[ChainResult], in_effect: set[str]) -> list[list[str]]:
    rows = []
    for chain in chains:
        broken = [f"**{_code(m)}**" if m in in_effect else _code(m) for m in chain.broken_by]
        steps = " › ".join(_code(n) for n in chain.nodes)
        rows.append(
            [
                f"**{chain.id}**",
                _code(chain.goal),
                steps,
                number(chain.cost),
                f"{chain.probability:.3g}",
                "open" if chain.open else "broken",
                ", ".join(broken) or "–",
            ]
        )
    return rows


def markdown_report(
    model: AttackModel,
    data: ReportData,
    *,
    stem: str,
    chain: str | None = None,
    options: DiagramOptions | None = None,
    timeout: float = 120.0,
    cancel: threading.Event | None = None,
) -> MarkdownReport:
    """The Markdown report of ``model`` in the state of ``data``.

    Parameters
    ----------
    model : AttackModel
    data : ReportData
        From :func:`~attackgraph.render.report_data.collect_report`.
    stem : str
        Base name of the attachments (``report`` gives ``report.diagram.svg``).
    chain : str, optional
        Chain to highlight in the diagram.
    options : DiagramOptions, optional
    timeout : float
        Seconds for Graphviz.
    cancel : threading.Event, optional

    Returns
    -------
    MarkdownReport

    Raises
    ------
    RenderError
        Graphviz is missing or failed.
    """
    result = data.analysis
    in_effect = set(result.in_effect)
    overlay = build_overlay(model, result, chain=chain)
    diagram = render_diagram(
        model,
        "svg",
        overlay=overlay,
        options=options or DiagramOptions(title=False),
        timeout=timeout,
        cancel=cancel,
    )
    attachments = {f"{stem}.diagram.svg": diagram}
    reachable = [g for g in result.goals if g.reachable]
    lines = [
        f"# {markdown_text(model.title)}",
        "",
        f"*{markdown_text(state_summary(data))} · {len(model.nodes)} nodes, "
        f"{len(model.edges)} edges, {len(model.mitigations)} mitigations*",
        "",
    ]
    opt = data.optimization
    if opt is None:
        fix = "nothing to add (no goal is reachable)"
    elif opt.status == "infeasible":
        fix = "none: " + _codes(list(opt.unblockable)) + " stay reachable whatever is added"
    else:
        fix = (
            f"cost **{number(opt.cost)}** ({len(opt.mitigations or ())} mitigation(s), "
            f"{'proven optimal' if opt.status == 'optimal' else 'best found in time'})"
        )
    lines += [
        f"- **Goals reachable:** {len(reachable)} of {len(result.goals)}",
        f"- **Open chains:** {data.open_chains} ({len(result.chains)}"
        f"{'+' if result.truncated else ''} chains listed)",
        f"- **Cheapest set closing every reachable goal:** {fix}",
        f"- **Mitigations in effect:** {len(result.in_effect)} of {len(result.mitigations)}",
    ]
    if result.depth is not None:
        lines.append(
            f"- **Least defence in depth:** {least_depth(result.depth.minimum)} "
            "(in-effect mitigations an attacker must defeat to reopen a goal)"
        )
    lines.append("")
    if model.description:
        lines += ["## About this model", "", markdown_source(model.description), ""]
    lines += [
        "## Diagram",
        "",
        f"![Diagram of {markdown_text(model.title)}]({stem}.diagram.svg)",
        "",
        "*Red: open chains and reachable goals; grey dashed: broken chains; green: "
        "mitigations in effect and the steps they block. The SVG carries the model: "
        "`attackgraph` opens it.*",
        "",
    ]
    lines += ["## Goals", ""]
    lines += _table(
        [
            "Goal",
            "Id",
            "Impact",
            "State",
            "Chains",
            "Open",
            "Choke points",
            "Depth",
            "Held by (defeat to reopen)",
        ],
        [
            [
                markdown_text(g.label),
                _code(g.id),
                number(g.impact),
                "**reachable**" if g.reachable else "safe",
                number(g.chains),
                number(g.open_chains),
                _codes(list(g.choke_points)),
                depth_of(result, g.id)[0] or "–",
                _codes(depth_of(result, g.id)[1]),
            ]
            for g in result.goals
        ],
        {2, 4, 5, 7},
    )
    head = ["Chain", "Goal", "Steps", "Cost", "p", "State", "Broken by (bold: in effect)"]
    opened = [c for c in result.chains if c.open]
    broken = [c for c in result.chains if not c.open]
    lines += ["## Chains", "", f"### Open chains ({len(opened)})", ""]
    lines += (
        _table(head, _chain_rows(opened, in_effect), {3, 4})
        if opened
        else ["No listed chain is open.", ""]
    )
    lines += [f"### Broken chains ({len(broken)})", ""]
    lines += (
        _table(head, _chain_rows(broken, in_effect), {3, 4})
        if broken
        else ["No listed chain is broken.", ""]
    )
    mits = [m for m in result.mitigations if m.full and m.breaks]
    lines += ["## Chain × mitigation matrix", ""]
    if mits and result.chains:
        lines += _table(
            ["Chain", *(_code(m.id) for m in mits)],
            [
                [f"**{c.id}**", *("●" if m.id in c.broken_by else "" for m in mits)]
                for c in result.chains
            ],
            set(),
        )
    else:
        lines += ["No mitigation breaks a listed chain.", ""]
    lines += ["## Mitigations", ""]
    rows = []
    for res in result.mitigations:
        mit = model.mitigations[res.id]
        rows.append(
            [
                markdown_text(mit.label),
                _code(mit.id),
                "**in effect**" if res.in_effect else markdown_text(mit.effective_status),
                "full" if mit.is_full else f"partial {mit.effective_effectiveness:.0%}",
                number(mit.effective_cost),
                _code(mit.release) if mit.release else "–",
                markdown_cell(mit.property or "–"),
                str(len(res.breaks)),
                _codes(list(res.makes_unreachable)),
            ]
        )
    lines += _table(
        [
            "Mitigation",
            "Id",
            "Status",
            "Blocks",
            "Cost",
            "Release",
            "Property",
            "Chains broken",
            "Alone makes unreachable",
        ],
        rows,
        {4, 7},
    )
    lines += ["## Optimal mitigation set", "", f"{fix[0].upper()}{fix[1:]}.", ""]
    if opt is not None and opt.mitigations:
        lines += _table(
            ["Mitigation", "Id", "Cost"],
            [
                [
                    markdown_text(model.mitigations[m].label),
                    _code(m),
                    number(model.mitigations[m].effective_cost),
                ]
                for m in opt.mitigations
            ],
            {2},
        )
    if data.frontier:
        from attackgraph.render.plots import pareto_svg

        lines += ["### Budget variants (Pareto frontier)", ""]
        lines += _table(
            ["Point", "Budget", "Impact left", "Deploy", "Goals closed"],
            [
                [
                    f"**P{i}**",
                    number(p.cost),
                    number(p.impact_left),
                    _codes(list(p.mitigations)),
                    _codes(list(p.blocked_goals)),
                ]
                for i, p in enumerate(data.frontier, start=1)
            ],
            {1, 2},
        )
        plot = pareto_svg(
            [(p.cost, p.impact_left, len(p.mitigations)) for p in data.frontier],
            total_impact=data.total_impact,
        )
        attachments[f"{stem}.pareto.svg"] = plot.encode("utf-8")
        lines += [f"![Pareto frontier: defender cost against impact left]({stem}.pareto.svg)", ""]
    lines += ["## Release timeline", ""]
    if data.timeline:
        from attackgraph.render.plots import timeline_svg

        lines += _table(
            [
                "Release",
                "Label",
                "Date",
                "Ships",
                "In effect",
                "Open chains",
                "Chains closed",
                "Reachable goals",
                "Least depth",
            ],
            [
                [
                    _code(r.release),
                    markdown_text(r.label),
                    markdown_cell(r.date or "–"),
                    _codes(list(r.new_mitigations)),
                    str(len(r.in_effect)),
                    number(r.open_chains),
                    str(len(r.closed_chains)),
                    _codes(list(r.reachable_goals)),
                    least_depth(r.min_depth, bool(r.depths)) or "–",
                ]
                for r in data.timeline
            ],
            {4, 5, 6, 8},
        )
        plot = timeline_svg(timeline_points(data.timeline))
        attachments[f"{stem}.timeline.svg"] = plot.encode("utf-8")
        lines += [f"![Open chains per release]({stem}.timeline.svg)", ""]
    else:
        lines += ["The model defines no releases.", ""]
    lines += ["## Attacker profiles", ""]
    if data.profiles:
        lines += _table(
            ["Profile", "Id", "Access", "Top skill", "Open chains", "Reachable goals"],
            [
                [
                    markdown_text(p.label),
                    _code(p.profile),
                    ", ".join(p.access),
                    p.max_skill,
                    f"{p.open_chains}{'' if p.exact else '+'}",
                    _codes(list(p.reachable)),
                ]
                for p in data.profiles
            ],
            {4},
        )
    else:
        lines += ["The model defines no attacker profiles.", ""]
    lines += ["---", "", f"*Generated by attackgraph {__version__}.*", ""]
    return MarkdownReport("\n".join(lines), attachments)
