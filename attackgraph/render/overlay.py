"""What an analysis adds to a diagram: open and broken chains, the defences
in effect, blocked and fixed nodes, reachable goals and one highlighted chain.

:func:`build_overlay` turns an :class:`~attackgraph.analysis.Analysis` (the
CLI's, or the desktop app's live one) into an immutable :class:`Overlay`
that the DOT and Mermaid generators draw; :func:`analysis_overlay` runs the
analysis first, for callers that only have options.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from attackgraph.analysis import Analysis, ChainResult, analyze, resolve_scenario
from attackgraph.analysis.compiled import CompiledGraph, compile_model
from attackgraph.errors import AnalysisError
from attackgraph.model import AttackModel

__all__ = [
    "BROKEN",
    "IDLE",
    "OPEN",
    "Overlay",
    "analysis_overlay",
    "build_overlay",
    "state_caption",
]

OPEN = "open"
"""On at least one open chain."""
BROKEN = "broken"
"""On listed chains, all of them broken."""
IDLE = "idle"
"""On no listed chain."""


@dataclass(frozen=True)
class Overlay:
    """The analysis state a diagram shows.

    Attributes
    ----------
    analysis : Analysis
        The analysis drawn.
    node_state : dict
        ``OPEN``, ``BROKEN`` or ``IDLE`` for every node id.
    edge_state : dict
        The same for every ``(source, target)`` edge: an edge is open when
        both ends lie on one open chain.
    blocked : dict
        Node id to the in-effect mitigations of effectiveness 1 blocking it.
    reduced : dict
        Node id to the in-effect partial mitigations on it.
    fixed : frozenset of str
        Nodes removed by the analysed release.
    disallowed : frozenset of str
        Nodes the attacker profile does not allow.
    reachable_goals : frozenset of str
        Analysed goals that are reachable.
    defences : tuple of str
        In-effect mitigations, file order: drawn as defence nodes.
    highlight : ChainResult or None
        The chain to emphasise (others are dimmed).
    """

    analysis: Analysis
    node_state: Mapping[str, str]
    edge_state: Mapping[tuple[str, str], str]
    blocked: Mapping[str, tuple[str, ...]]
    reduced: Mapping[str, tuple[str, ...]]
    fixed: frozenset[str]
    disallowed: frozenset[str]
    reachable_goals: frozenset[str]
    defences: tuple[str, ...]
    highlight: ChainResult | None = None
    highlight_nodes: frozenset[str] = field(default=frozenset())

    @property
    def caption(self) -> str:
        """One line on the state shown, for the diagram's title."""
        return state_caption(self.analysis, self.highlight)


def state_caption(analysis: Analysis, highlight: ChainResult | None = None) -> str:
    """A sentence on what an analysis shows (profile, release, chains open).

    Examples
    --------
    >>> from attackgraph.analysis import Analysis
    >>> state_caption(Analysis("t", None, "R2", ("M1",), (), (), False, ()))
    'At release R2 · defences in effect: 1 · 0 of 0 chains open'
    """
    parts = []
    if analysis.profile:
        parts.append(f"Attacker profile {analysis.profile}")
    if analysis.at_release:
        parts.append(f"At release {analysis.at_release}")
    parts.append(f"defences in effect: {len(analysis.in_effect)}")
    open_count = sum(1 for c in analysis.chains if c.open)
    if analysis.truncated:
        parts.append(
            f"{open_count} of the {len(analysis.chains)} cheapest chains open (more exist)"
        )
    else:
        parts.append(f"{open_count} of {len(analysis.chains)} chains open")
    if highlight is not None:
        state = "open" if highlight.open else "broken"
        parts.append(f"highlighted: {highlight.id} ({state}) to {highlight.goal}")
    text = " · ".join(parts)
    return text[0].upper() + text[1:]


def build_overlay(
    model: AttackModel,
    analysis: Analysis,
    *,
    chain: str | None = None,
    graph: CompiledGraph | None = None,
    chain_edges: dict[tuple[str, ...], tuple[tuple[str, str], ...]] | None = None,
) -> Overlay:
    """The overlay of ``analysis`` on ``model``.

    Parameters
    ----------
    model : AttackModel
        The analysed model.
    analysis : Analysis
        Its analysis (any state: what-if, profile, release).
    chain : str, optional
        Id of a listed chain to highlight (``C3``).
    graph : CompiledGraph, optional
        A compiled snapshot of ``model`` to reuse.
    chain_edges : dict, optional
        A cache of the edges inside each chain (by its node tuple), read and
        filled in; give the same dict only for analyses of the same,
        unchanged model.

    Returns
    -------
    Overlay

    Raises
    ------
    AnalysisError
        ``chain`` is not one of the listed chains.
    """
    highlight = None
    if chain is not None:
        try:
            highlight = analysis.chain(chain)
        except KeyError:
            listed = len(analysis.chains)
            raise AnalysisError(
                f"unknown chain {chain!r}; the analysis lists {listed} chain(s): C1 to C{listed}"
                if listed
                else f"unknown chain {chain!r}; the analysis lists no chains"
            ) from None
    in_effect = set(analysis.in_effect)
    scenario = resolve_scenario(
        model,
        profile=analysis.profile,
        at_release=analysis.at_release,
        switch_on=analysis.in_effect,
        switch_off=[m for m in model.mitigations if m not in in_effect],
        graph=graph,
    )
    ids = scenario.graph.ids
    fixed = frozenset(ids[i] for i, f in enumerate(scenario.fixed) if f)
    disallowed = frozenset(ids[i] for i, a in enumerate(scenario.allowed) if not a)

    # One pass over the listed chains (a thousand on a large model, and this
    # runs on every what-if switch in the editor): open wins over broken.
    open_nodes: set[str] = set()
    broken_nodes: set[str] = set()
    open_edges: set[tuple[str, str]] = set()
    broken_edges: set[tuple[str, str]] = set()
    successors = model.graph.succ
    cache = chain_edges if chain_edges is not None else {}
    for result in analysis.chains:
        nodes, edges = (open_nodes, open_edges) if result.open else (broken_nodes, broken_edges)
        nodes.update(result.nodes)
        inside = cache.get(result.nodes)
        if inside is None:
            members = frozenset(result.nodes)
            inside = tuple(
                (node_id, succ)
                for node_id in result.nodes
                for succ in successors[node_id]
                if succ in members
            )
            cache[result.nodes] = inside
        edges.update(inside)
    node_state = dict.fromkeys(model.nodes, IDLE)
    node_state.update(dict.fromkeys(broken_nodes, BROKEN))
    node_state.update(dict.fromkeys(open_nodes, OPEN))
    edge_state = dict.fromkeys(model.graph.edges, IDLE)
    edge_state.update(dict.fromkeys(broken_edges, BROKEN))
    edge_state.update(dict.fromkeys(open_edges, OPEN))

    blocked: dict[str, list[str]] = {}
    reduced: dict[str, list[str]] = {}
    for mit in model.mitigations.values():
        if mit.id not in in_effect:
            continue
        target = blocked if mit.is_full else reduced
        for node_id in mit.blocks:
            target.setdefault(node_id, []).append(mit.id)
    return Overlay(
        analysis=analysis,
        node_state=node_state,
        edge_state=edge_state,
        blocked={k: tuple(v) for k, v in blocked.items()},
        reduced={k: tuple(v) for k, v in reduced.items()},
        fixed=fixed,
        disallowed=disallowed,
        reachable_goals=frozenset(g.id for g in analysis.goals if g.reachable),
        defences=tuple(m for m in model.mitigations if m in in_effect),
        highlight=highlight,
        highlight_nodes=frozenset(highlight.nodes) if highlight else frozenset(),
    )


def analysis_overlay(
    model: AttackModel,
    *,
    profile: str | None = None,
    goals: Sequence[str] | None = None,
    switch_on: Sequence[str] = (),
    switch_off: Sequence[str] = (),
    at_release: str | None = None,
    max_chains: int = 1000,
    chain: str | None = None,
) -> Overlay:
    """Analyse ``model`` in the given state and build its overlay.

    The parameters are those of :func:`~attackgraph.analysis.analyze`, plus
    ``chain`` as for :func:`build_overlay`.

    Raises
    ------
    AnalysisError
        Unknown ids.
    """
    graph = compile_model(model)
    result = analyze(
        model,
        profile=profile,
        goals=goals,
        switch_on=switch_on,
        switch_off=switch_off,
        at_release=at_release,
        max_chains=max_chains,
        graph=graph,
        depth=False,
    )  # the diagram does not show depth
    return build_overlay(model, result, chain=chain, graph=graph)
