"""The HTML report: one self-contained file a reviewer can read offline,
print, or attach to a ticket.

Title and description, summary figures, the diagram inline (SVG), goals,
chains with the mitigations that break them, the chain x mitigation matrix,
mitigations, the optimal set with its budget variants and Pareto plot, the
release timeline and the attacker profiles. No script, no network load
(a Content Security Policy forbids both); model text is always escaped.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from attackgraph._version import __version__
from attackgraph.analysis import Analysis, ChainResult, ReleaseState
from attackgraph.model import AttackModel
from attackgraph.render.diagram import inline_svg, render_diagram
from attackgraph.render.dot import DiagramOptions
from attackgraph.render.html import Markup, esc, join, page, tag
from attackgraph.render.markdown import markdown_html
from attackgraph.render.overlay import build_overlay
from attackgraph.render.report_data import ReportData
from attackgraph.render.text import number, one_line

__all__ = ["MATRIX_ROWS", "html_report", "number", "state_summary", "timeline_points"]

MATRIX_ROWS = 300
"""Chains shown in the HTML matrix (the CSV export has them all)."""


def timeline_points(rows: Sequence[ReleaseState]) -> list[tuple[str, int, bool]]:
    """``(release, open chains, exact)`` for the timeline plot (a count too
    large to enumerate is drawn as 0 and marked)."""
    return [(r.release, r.open_chains or 0, r.open_chains is not None) for r in rows]


def state_summary(data: ReportData) -> str:
    """The analysed state in words: profile, release, what-if."""
    result = data.analysis
    parts = []
    if result.profile:
        parts.append(f"attacker profile {result.profile}")
    parts.append(f"at release {result.at_release}" if result.at_release else "deployed defences")
    if data.switch_on:
        parts.append("what-if with " + ", ".join(data.switch_on))
    if data.switch_off:
        parts.append("what-if without " + ", ".join(data.switch_off))
    return "; ".join(parts)


def _ids(values: tuple[str, ...] | list[str], labels: dict[str, str]) -> Markup:
    if not values:
        return Markup('<span class="muted">–</span>')
    return join((tag("span", v, class_="id", title=labels.get(v, v)) for v in values), ", ")


def depth_of(result: Analysis, goal_id: str) -> tuple[str, list[str]]:
    """A goal's depth as text (``–``: nothing reopens it, empty: not computed)
    and the mitigations holding it: the single points of failure at depth 1,
    else one smallest cut."""
    if result.depth is None:
        return "", []
    try:
        item = result.depth.goal(goal_id)
    except KeyError:
        return "", []
    if item.depth is None:
        return "–", []
    text = f"{item.depth}{'' if item.proven else '?'}"
    return text, list(item.single_points if item.depth == 1 else item.cut)


def least_depth(value: int | None, computed: bool = True) -> str:
    """The least depth over goals as text."""
    return "" if not computed else ("–" if value is None else str(value))


def _card(figure: str, what: str, kind: str = "") -> Markup:
    return tag(
        "div",
        tag("div", figure, class_="figure"),
        tag("div", what, class_="what"),
        class_=f"card {kind}".strip(),
    )


def _table(
    head: list[str | Markup], rows: list[list[object]], numeric: set[int], class_: str | None = None
) -> Markup:
    header = tag(
        "tr", *(tag("th", h, class_="num" if i in numeric else None) for i, h in enumerate(head))
    )
    body = [
        tag(
            "tr", *(tag("td", c, class_="num" if i in numeric else None) for i, c in enumerate(row))
        )
        for row in rows
    ]
    return tag("table", tag("thead", header), tag("tbody", *body), class_=class_)


def _state_tag(is_open: bool) -> Markup:
    word = "open" if is_open else "broken"
    return tag("span", word, class_=f"tag {word}")


class _Report:
    def __init__(self, model: AttackModel, data: ReportData) -> None:
        self.model = model
        self.data = data
        self.result: Analysis = data.analysis
        self.labels = {nid: one_line(n.label) for nid, n in model.nodes.items()}
        self.labels.update({mid: one_line(m.label) for mid, m in model.mitigations.items()})
        self.in_effect = set(self.result.in_effect)

    def summary(self) -> Markup:
        result, data = self.result, self.data
        reachable = [g for g in result.goals if g.reachable]
        opt = data.optimization
        if opt is None:
            fix = _card("0", "cost to make every goal unreachable: nothing to add", "good")
        elif opt.status == "infeasible":
            fix = _card(
                "none",
                "no set of mitigations makes every goal unreachable: "
                + ", ".join(opt.unblockable)
                + " stay reachable",
                "bad",
            )
        else:
            count = len(opt.mitigations or ())
            proof = "proven optimal" if opt.status == "optimal" else "best found in time"
            fix = _card(
                number(opt.cost),
                f"cost of the cheapest set that closes every "
                f"reachable goal: {count} mitigation(s), {proof}",
            )
        listed = len(result.chains)
        more = "+" if result.truncated else ""
        return tag(
            "div",
            _card(
                f"{len(reachable)} of {len(result.goals)}",
                "goals reachable",
                "bad" if reachable else "good",
            ),
            _card(
                str(data.open_chains),
                f"open chains ({listed}{more} chains listed)",
                "bad" if data.open_chains else "good",
            ),
            fix,
            _card(f"{len(result.in_effect)} of {len(result.mitigations)}", "mitigations in effect"),
            *(
                [
                    _card(
                        least_depth(result.depth.minimum),
                        "least defence in depth: "
                        "in-effect mitigations an attacker must defeat to reopen a goal",
                        "bad" if result.depth.minimum in (0, 1) else "good",
                    )
                ]
                if result.depth is not None
                else []
            ),
            class_="cards",
        )

    def goals(self) -> Markup:
        rows = []
        for goal in self.result.goals:
            state = tag(
                "span",
                "reachable" if goal.reachable else "safe",
                class_=f"tag {'reachable' if goal.reachable else 'safe'}",
            )
            depth, holding = depth_of(self.result, goal.id)
            rows.append(
                [
                    tag("bdi", goal.label),
                    tag("span", goal.id, class_="id"),
                    number(goal.impact),
                    state,
                    number(goal.chains),
                    number(goal.open_chains),
                    _ids(list(goal.choke_points), self.labels),
                    depth,
                    _ids(holding, self.labels),
                ]
            )
        return _table(
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
            rows,
            {2, 4, 5, 7},
        )

    def steps(self, chain: ChainResult) -> Markup:
        return join(
            (tag("span", n, class_="id", title=self.labels.get(n, n)) for n in chain.nodes), " › "
        )

    def chain_table(self, chains: list[ChainResult]) -> Markup:
        rows = []
        for chain in chains:
            broken = [
                tag(
                    "span",
                    m,
                    class_="id" + (" tag effect" if m in self.in_effect else ""),
                    title=self.labels.get(m, m),
                )
                for m in chain.broken_by
            ]
            rows.append(
                [
                    tag("b", chain.id),
                    tag("span", chain.goal, class_="id", title=self.labels.get(chain.goal)),
                    self.steps(chain),
                    number(chain.cost),
                    f"{chain.probability:.3g}",
                    _state_tag(chain.open),
                    join(broken, ", ") if broken else "–",
                ]
            )
        return _table(
            [
                "Chain",
                "Goal",
                "Steps (hover for labels)",
                "Cost",
                "p",
                "State",
                "Broken by (green: in effect)",
            ],
            rows,
            {3, 4},
            class_="chains",
        )

    def chains(self) -> Markup:
        opened = [c for c in self.result.chains if c.open]
        broken = [c for c in self.result.chains if not c.open]
        parts = [tag("h3", f"Open chains ({len(opened)})")]
        parts.append(
            self.chain_table(opened)
            if opened
            else tag("p", "No listed chain is open.", class_="muted")
        )
        parts.append(tag("h3", f"Broken chains ({len(broken)})"))
        parts.append(
            self.chain_table(broken)
            if broken
            else tag("p", "No listed chain is broken.", class_="muted")
        )
        if self.result.truncated:
            parts.append(
                tag(
                    "p",
                    f"The {len(self.result.chains)} cheapest chains are listed; "
                    "more exist (raise --max-chains).",
                    class_="muted",
                )
            )
        return Markup("".join(parts))

    def matrix(self) -> Markup:
        mits = [m for m in self.result.mitigations if m.full and m.breaks]
        chains = self.result.chains[:MATRIX_ROWS]
        if not mits or not chains:
            return tag("p", "No mitigation breaks a listed chain.", class_="muted")
        head = [tag("th", "Chain")] + [
            tag(
                "th",
                m.id,
                class_="m" + (" effect" if m.id in self.in_effect else ""),
                title=self.labels.get(m.id),
            )
            for m in mits
        ]
        rows = []
        for chain in chains:
            broken = set(chain.broken_by)
            cells = [tag("th", chain.id, title=f"{chain.goal}: " + " > ".join(chain.nodes))]
            for m in mits:
                mark = "●" if m.id in broken else ""
                effect = " effect" if mark and m.id in self.in_effect else ""
                cells.append(tag("td", mark, class_="x" + effect))
            rows.append(tag("tr", *cells, class_="open" if chain.open else None))
        note = ""
        if len(self.result.chains) > MATRIX_ROWS:
            note = tag(
                "p",
                f"First {MATRIX_ROWS} of {len(self.result.chains)} chains; the CSV "
                "export has the whole matrix.",
                class_="muted",
            )
        table = tag("table", tag("thead", tag("tr", *head)), tag("tbody", *rows), class_="matrix")
        return Markup(tag("div", table, class_="matrix-wrap") + note)

    def mitigations(self) -> Markup:
        rows = []
        for result in self.result.mitigations:
            mit = self.model.mitigations[result.id]
            if result.in_effect:
                state = tag("span", "in effect", class_="tag effect")
            else:
                state = tag("span", mit.effective_status, class_="tag broken")
            kind = (
                "full"
                if mit.is_full
                else tag("span", f"partial {mit.effective_effectiveness:.0%}", class_="tag partial")
            )
            rows.append(
                [
                    tag("bdi", mit.label),
                    tag("span", mit.id, class_="id"),
                    state,
                    kind,
                    number(mit.effective_cost),
                    esc(mit.release or "–"),
                    tag("bdi", mit.property or "–"),
                    str(len(result.breaks)),
                    _ids(list(result.makes_unreachable), self.labels),
                ]
            )
        return _table(
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

    def optimal(self) -> Markup:
        opt, data = self.data.optimization, self.data
        parts: list[Markup] = []
        if opt is None:
            parts.append(tag("p", "No goal is reachable in this state: nothing to add."))
        elif opt.status == "infeasible":
            parts.append(
                tag(
                    "p",
                    "Even every available mitigation together leaves "
                    + ", ".join(opt.unblockable)
                    + " reachable.",
                )
            )
        else:
            proof = (
                "proven optimal"
                if opt.status == "optimal"
                else f"best found within the time limit (proven lower bound {number(opt.bound)})"
            )
            rows = [
                [
                    tag("bdi", self.labels.get(m, m)),
                    tag("span", m, class_="id"),
                    number(self.model.mitigations[m].effective_cost),
                ]
                for m in opt.mitigations or ()
            ]
            parts.append(
                tag(
                    "p",
                    f"Switching on these {len(rows)} mitigation(s), total cost "
                    f"{number(opt.cost)} ({proof}), makes every goal reachable now "
                    "unreachable:",
                )
            )
            parts.append(_table(["Mitigation", "Id", "Cost"], rows, {2}))
        if data.frontier:
            parts.append(tag("h3", "Budget variants (Pareto frontier)"))
            rows = []
            for number_, point in enumerate(data.frontier, start=1):
                rows.append(
                    [
                        tag("b", f"P{number_}"),
                        number(point.cost),
                        number(point.impact_left),
                        _ids(list(point.mitigations), self.labels),
                        _ids(list(point.blocked_goals), self.labels),
                    ]
                )
            parts.append(
                _table(["Point", "Budget", "Impact left", "Deploy", "Goals closed"], rows, {1, 2})
            )
            from attackgraph.render.plots import pareto_svg

            points = [(p.cost, p.impact_left, len(p.mitigations)) for p in data.frontier]
            plot = pareto_svg(points, total_impact=data.total_impact)
            parts.append(
                tag(
                    "figure",
                    Markup(plot),
                    tag(
                        "figcaption",
                        "Least defender cost for each level of goal impact left "
                        "reachable; each point's label gives the number of mitigations it adds.",
                    ),
                    class_="plot",
                )
            )
        return Markup("".join(parts))

    def timeline(self) -> Markup:
        rows = self.data.timeline
        if not rows:
            return tag("p", "The model defines no releases.", class_="muted")
        table = _table(
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
                    tag("span", r.release, class_="id"),
                    tag("bdi", r.label),
                    esc(r.date or "–"),
                    _ids(list(r.new_mitigations), self.labels),
                    str(len(r.in_effect)),
                    number(r.open_chains),
                    str(len(r.closed_chains)),
                    _ids(list(r.reachable_goals), self.labels),
                    least_depth(r.min_depth, bool(r.depths)),
                ]
                for r in rows
            ],
            {4, 5, 6, 8},
        )
        from attackgraph.render.plots import timeline_svg

        plot = timeline_svg(timeline_points(rows))
        note = (
            " What-if switches are not applied here."
            if self.data.switch_on or self.data.switch_off
            else ""
        )
        return Markup(
            table
            + tag(
                "figure",
                Markup(plot),
                tag(
                    "figcaption",
                    "Open chains at each release: the fixes and mitigations shipped "
                    "up to that release are in effect. Least depth: the fewest in-effect "
                    "mitigations an attacker must defeat to reopen a goal "
                    f"(–: none reopens one).{note}",
                ),
                class_="plot",
            )
        )

    def profiles(self) -> Markup:
        rows = self.data.profiles
        if not rows:
            return tag("p", "The model defines no attacker profiles.", class_="muted")
        return _table(
            ["Profile", "Id", "Access", "Top skill", "Open chains", "Reachable goals"],
            [
                [
                    tag("bdi", r.label),
                    tag("span", r.profile, class_="id"),
                    ", ".join(r.access),
                    r.max_skill,
                    f"{r.open_chains}{'' if r.exact else '+'}",
                    _ids(list(r.reachable), self.labels),
                ]
                for r in rows
            ],
            {4},
        )


def html_report(
    model: AttackModel,
    data: ReportData,
    *,
    chain: str | None = None,
    options: DiagramOptions | None = None,
    diagram_svg: bytes | None = None,
    timeout: float = 120.0,
    cancel: threading.Event | None = None,
) -> str:
    """The HTML report of ``model`` in the state of ``data``.

    Parameters
    ----------
    model : AttackModel
        The model.
    data : ReportData
        From :func:`~attackgraph.render.report_data.collect_report`.
    chain : str, optional
        Chain to highlight in the diagram.
    options : DiagramOptions, optional
        Diagram options (mitigations shown or hidden ...).
    diagram_svg : bytes, optional
        A diagram already rendered (skips Graphviz).
    timeout : float
        Seconds for Graphviz.
    cancel : threading.Event, optional
        Stops the Graphviz run.

    Returns
    -------
    str
        The whole document.

    Raises
    ------
    RenderError
        Graphviz is missing, failed or was cancelled.
    AnalysisError
        ``chain`` is not a listed chain.
    """
    report = _Report(model, data)
    if diagram_svg is None:
        overlay = build_overlay(model, data.analysis, chain=chain)
        diagram_svg = render_diagram(
            model,
            "svg",
            overlay=overlay,
            options=options or DiagramOptions(title=False),
            embed=False,
            timeout=timeout,
            cancel=cancel,
        )
    meta = (
        f"{len(model.nodes)} nodes, {len(model.edges)} edges, {len(model.components)} "
        f"components, {len(model.mitigations)} mitigations · state: {state_summary(data)}"
    )
    body = [
        tag("h1", tag("bdi", one_line(model.title))),
        tag("p", meta, class_="meta"),
    ]
    body.append(report.summary())
    if model.description:
        body.append(tag("div", markdown_html(model.description), class_="description"))
    sections = [
        (
            "diagram",
            "Diagram",
            Markup(
                tag("input", type="checkbox", id="zoom", class_="zoom")
                + tag("label", "Actual size", for_="zoom", class_="zoom")
                + tag(
                    "figure",
                    tag("div", Markup(inline_svg(diagram_svg)), class_="diagram"),
                    tag(
                        "figcaption",
                        "Red: open chains and reachable goals; grey dashed: "
                        "broken chains; green: mitigations in effect and the steps they block. "
                        "Hover a node for its description.",
                    ),
                )
            ),
        ),
        ("goals", "Goals", report.goals()),
        ("chains", "Chains", report.chains()),
        ("matrix", "Chain × mitigation matrix", report.matrix()),
        ("mitigations", "Mitigations", report.mitigations()),
        ("optimal", "Optimal mitigation set", report.optimal()),
        ("timeline", "Release timeline", report.timeline()),
        ("profiles", "Attacker profiles", report.profiles()),
    ]
    body.insert(
        2, tag("nav", join((tag("a", title, href=f"#{key}") for key, title, _ in sections), " · "))
    )
    for key, title, content in sections:
        body += [tag("h2", title, id=key), content]
    body += [
        tag(
            "footer",
            f"Generated by attackgraph {__version__}. Chains are minimal sets of "
            "steps that achieve a goal, cheapest first; a chain is broken by any "
            "mitigation of effectiveness 1 that blocks one of its steps.",
        ),
    ]
    return page(f"{one_line(model.title)} · attackgraph report", Markup("".join(body)))
