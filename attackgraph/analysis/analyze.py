"""The analysis of a model in one state: reachable goals, the cheapest chains
and the mitigations that break them, choke points, and the goals each
mitigation alone would make unreachable.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable, Sequence

from attackgraph.analysis.compiled import CompiledGraph
from attackgraph.analysis.depth import DepthResult, chain_depth, goal_depths
from attackgraph.analysis.limits import current_limits, limit_sentence
from attackgraph.analysis.necessity import killer_masks
from attackgraph.analysis.ordering import ChainOrder
from attackgraph.analysis.results import Analysis, ChainResult, GoalResult, MitigationResult
from attackgraph.analysis.scenario import Scenario, check_ids, resolve_scenario
from attackgraph.analysis.search import derivation_bounds, enumerate_chains
from attackgraph.errors import AnalysisError
from attackgraph.model import AttackModel

__all__ = [
    "analyze",
    "chain_order",
    "choke_points",
    "enabling_order",
    "open_chains",
    "select_goals",
]


def select_goals(model: AttackModel, goals: Sequence[str] | None) -> list[str]:
    """The goal ids to analyse, file order (all goals when ``goals`` is None).

    Raises
    ------
    AnalysisError
        When an id is not a goal of the model.
    """
    all_goals = [n.id for n in model.nodes.values() if n.kind == "goal"]
    if goals is None:
        return all_goals
    check_ids("goal", goals, all_goals)
    chosen = set(goals)
    return [g for g in all_goals if g in chosen]


def enabling_order(graph: CompiledGraph, nodes: frozenset[int]) -> list[int]:
    """The nodes of a chain, each after the nodes of the chain that enable it
    (ties in file order)."""
    need = {
        v: (len(graph.preds[v]) if graph.is_and[v] else 1) for v in nodes if not graph.is_entry[v]
    }
    ready = sorted(v for v in nodes if graph.is_entry[v])
    out: list[int] = []
    while ready:
        v = heapq.heappop(ready)
        out.append(v)
        for w in graph.succs[v]:
            if w in need and need[w] > 0:
                need[w] -= 1
                if need[w] == 0:
                    heapq.heappush(ready, w)
    return out


def choke_points(
    graph: CompiledGraph,
    usable: Sequence[int],
    goals: Sequence[int],
    best: list[int] | None = None,
    bound: list[float] | None = None,
) -> dict[int, list[int]]:
    """Nodes other than the goal in every chain of each goal.

    A node is in every chain exactly when blocking it alone makes the goal
    underivable from usable nodes, and it is then in any derivation of the
    goal; so the candidates are the nodes of the cheapest derivation, and one
    :func:`~attackgraph.analysis.necessity.killer_masks` pass decides them
    all, without enumerating chains.

    Returns
    -------
    dict
        Choke points of each goal (empty for a goal with no chain).
    """
    if best is None or bound is None:
        bound, best = derivation_bounds(graph, usable)
    candidates: dict[int, int] = {}
    for g in goals:
        if bound[g] == math.inf:
            continue
        stack = [g]
        while stack:
            v = stack.pop()
            if v in candidates:
                continue
            candidates[v] = len(candidates)
            if graph.is_and[v]:
                stack.extend(graph.preds[v])
            elif best[v] >= 0:
                stack.append(best[v])
    own = {v: 1 << bit for v, bit in candidates.items()}
    masks, _ = killer_masks(graph, bytes(1 - u for u in usable), own)
    out: dict[int, list[int]] = {}
    for g in goals:
        if bound[g] == math.inf:
            out[g] = []
            continue
        mask = masks[g]
        out[g] = [v for v, bit in candidates.items() if v != g and mask >> bit & 1]
    return out


def _mitigations_alone(
    scenario: Scenario, model: AttackModel
) -> tuple[dict[str, list[int]], bytearray]:
    """Goals each full, not-in-effect mitigation alone makes unachievable."""
    graph = scenario.graph
    in_effect = set(scenario.in_effect)
    candidates = [m for m in model.mitigations if scenario.full[m] and m not in in_effect]
    own: dict[int, int] = {}
    for bit, mit in enumerate(candidates):
        for v in scenario.mitigation_blocks[mit]:
            own[v] = own.get(v, 0) | (1 << bit)
    masks, achieved = killer_masks(graph, scenario.blocked, own)
    kills: dict[str, list[int]] = {m: [] for m in candidates}
    for g in range(graph.size):
        if graph.is_goal[g] and achieved[g]:
            mask = masks[g]
            for bit, mit in enumerate(candidates):
                if mask >> bit & 1:
                    kills[mit].append(g)
    return kills, achieved


def _partial_factors(
    model: AttackModel,
    scenario: Scenario,
) -> Callable[[Iterable[int]], list[float]]:
    """The effectiveness of the in-effect partial mitigations that touch a
    node set (each counted once, sorted by id)."""
    in_effect = set(scenario.in_effect)
    by_node: dict[int, list[str]] = {}
    for mit in model.mitigations.values():
        if not mit.is_full and mit.id in in_effect:
            for v in scenario.mitigation_blocks[mit.id]:
                by_node.setdefault(v, []).append(mit.id)

    def factors(nodes: Iterable[int]) -> list[float]:
        touching = {m for v in nodes for m in by_node.get(v, ())}
        return [scenario.effectiveness[m] for m in sorted(touching)]

    return factors


def chain_order(model: AttackModel, scenario: Scenario) -> ChainOrder:
    """The listing order of chains in a scenario (partial mitigations in effect
    lower probabilities)."""
    return ChainOrder.of(scenario.graph, _partial_factors(model, scenario))


def _chain_results(
    model: AttackModel,
    scenario: Scenario,
    order: ChainOrder,
    found: Sequence[tuple[int, frozenset[int]]],
    limit: int,
) -> tuple[list[ChainResult], list[tuple[int, bool]]]:
    """Sort found chains in the contract's order and describe the first
    ``limit``; also ``(goal, open)`` of every found chain."""
    graph = scenario.graph
    ids = graph.ids
    in_effect = set(scenario.in_effect)
    dead = bytearray(scenario.fixed)
    partial_by_node: dict[int, list[str]] = {}
    full_by_node: dict[int, list[str]] = {}
    for mit in model.mitigations.values():
        for v in scenario.mitigation_blocks[mit.id]:
            if mit.is_full:
                full_by_node.setdefault(v, []).append(mit.id)
                if mit.id in in_effect:
                    dead[v] = 1
            elif mit.id in in_effect:
                partial_by_node.setdefault(v, []).append(mit.id)
    rows = [(order.key(nodes), g, nodes) for g, nodes in found]
    rows.sort(key=lambda r: r[0])
    chains = []
    for number, (_, g, nodes) in enumerate(rows[:limit], start=1):
        sequence = enabling_order(graph, nodes)
        probability = math.prod(graph.probability[v] for v in sequence)
        for mit_id in sorted({m for v in nodes for m in partial_by_node.get(v, ())}):
            probability *= 1.0 - scenario.effectiveness[mit_id]
        broken_by = tuple(sorted({m for v in nodes for m in full_by_node.get(v, ())}))
        chains.append(
            ChainResult(
                f"C{number}",
                ids[g],
                tuple(ids[v] for v in sequence),
                math.fsum(graph.cost[v] for v in nodes),
                probability,
                not any(dead[v] for v in nodes),
                broken_by,
            )
        )
    return chains, [(g, not any(dead[v] for v in nodes)) for _, g, nodes in rows]


def open_chains(
    model: AttackModel,
    *,
    limit: int,
    profile: str | None = None,
    goals: Sequence[str] | None = None,
    switch_on: Sequence[str] = (),
    switch_off: Sequence[str] = (),
    at_release: str | None = None,
    warnings: list[str] | None = None,
) -> tuple[tuple[ChainResult, ...], bool]:
    """The cheapest open chains only (for ``check``).

    A chain is open when none of its nodes is blocked by an in-effect
    mitigation or fixed, and minimality does not depend on which nodes a
    search may use; so the open chains are exactly the chains found when
    the search avoids those nodes too.

    Returns
    -------
    chains : tuple of ChainResult
        At most ``limit`` open chains, cheapest first (ids ``C1``... in this
        list, not in the full analysis).
    complete : bool
        Whether these are all the open chains.

    A sentence naming the limit is appended to ``warnings`` (when given) if
    the search reached its memory or time limit.
    """
    goal_ids = select_goals(model, goals)
    scenario = resolve_scenario(
        model, profile=profile, switch_on=switch_on, switch_off=switch_off, at_release=at_release
    )
    graph = scenario.graph
    usable = bytearray(scenario.allowed)
    dead = scenario.blocked_with(())
    for v in range(graph.size):
        if dead[v]:
            usable[v] = 0
    order = chain_order(model, scenario)
    search = enumerate_chains(graph, usable, [graph.index[g] for g in goal_ids], limit, order=order)
    chains, _ = _chain_results(model, scenario, order, search.chains, limit)
    if search.stopped_by is not None and warnings is not None:
        warnings.append(limit_sentence(search.stopped_by, current_limits(), len(chains)))
    return tuple(chains), not search.truncated


def analyze(
    model: AttackModel,
    *,
    profile: str | None = None,
    goals: Sequence[str] | None = None,
    switch_on: Sequence[str] = (),
    switch_off: Sequence[str] = (),
    at_release: str | None = None,
    max_chains: int = 1000,
    graph: CompiledGraph | None = None,
    cancel: Callable[[], bool] | None = None,
    depth: bool = True,
) -> Analysis:
    """Analyse a model: goals, cheapest chains, mitigations, defence in depth.

    Parameters
    ----------
    model : AttackModel
        The model.
    profile : str, optional
        Restrict to the nodes this attacker profile allows.
    goals : sequence of str, optional
        Only these goals (default: every goal).
    switch_on, switch_off : sequence of str
        What-if: mitigations switched on / off on top of the deployed ones.
    at_release : str, optional
        The state of the model at this release.
    max_chains : int
        List at most this many chains in all.
    graph : CompiledGraph, optional
        A compiled snapshot of ``model`` to reuse.
    cancel : callable, optional
        Asked now and then during the chain search; when it returns true the
        analysis stops with :class:`~attackgraph.errors.AnalysisCancelled`.
    depth : bool
        Also compute the defence in depth (:mod:`~attackgraph.analysis.depth`).

    Returns
    -------
    Analysis
        The result.

    Raises
    ------
    AnalysisError
        Unknown profile, goal, mitigation or release id, or a negative
        ``max_chains``.

    Examples
    --------
    >>> from attackgraph.model import AttackModel, Node, Edge, Mitigation
    >>> m = AttackModel("demo")
    >>> m.add_all(nodes=[Node("E", "entry", "Phish"), Node("S", "step", "Escalate"),
    ...                  Node("G", "goal", "Admin")],
    ...           edges=[Edge("E", "S"), Edge("S", "G"), Edge("E", "G")],
    ...           mitigations=[Mitigation("M", "MFA", ("E",))])
    >>> result = analyze(m)
    >>> [c.nodes for c in result.chains]  # E -> S -> G has the shortcut E -> G
    [('E', 'G')]
    >>> result.chains[0].broken_by, result.goal("G").reachable
    (('M',), True)
    """
    if max_chains < 0:
        raise AnalysisError("--max-chains must be zero or more")
    goal_ids = select_goals(model, goals)
    scenario = resolve_scenario(
        model,
        profile=profile,
        switch_on=switch_on,
        switch_off=switch_off,
        at_release=at_release,
        graph=graph,
    )
    graph = scenario.graph
    ids = graph.ids
    goal_idx = [graph.index[g] for g in goal_ids]
    usable = scenario.allowed
    bound, best = derivation_bounds(graph, usable)
    order = chain_order(model, scenario)
    search = enumerate_chains(
        graph, usable, goal_idx, max_chains, bound=bound, order=order, cancel=cancel
    )

    mitigations = list(model.mitigations.values())
    in_effect = set(scenario.in_effect)
    chains, rows = _chain_results(model, scenario, order, search.chains, max_chains)
    breaks: dict[str, list[str]] = {m.id: [] for m in mitigations}
    for chain in chains:
        for mit_id in chain.broken_by:
            breaks[mit_id].append(chain.id)

    counts: dict[int, list[int]] = {g: [0, 0] for g in goal_idx}
    for g, is_open in rows:
        counts[g][0] += 1
        counts[g][1] += int(is_open)
    chokes = choke_points(graph, usable, goal_idx, best, bound)
    kills, achieved = _mitigations_alone(scenario, model)

    goal_results = []
    for g in goal_idx:
        node = model.nodes[ids[g]]
        exact = search.exhausted[g]
        goal_results.append(
            GoalResult(
                id=node.id,
                label=node.label,
                impact=node.effective_impact,
                reachable=bool(achieved[g] and usable[g]),
                chains=counts[g][0] if exact else None,
                open_chains=counts[g][1] if exact else None,
                choke_points=tuple(sorted(ids[v] for v in chokes[g])),
            )
        )
    chosen = set(goal_idx)
    mit_results = tuple(
        MitigationResult(
            id=mit.id,
            label=mit.label,
            in_effect=mit.id in in_effect,
            full=mit.is_full,
            cost=mit.effective_cost,
            breaks=tuple(breaks[mit.id]),
            makes_unreachable=tuple(ids[g] for g in kills.get(mit.id, ()) if g in chosen),
        )
        for mit in mitigations
    )
    return Analysis(
        title=model.title,
        profile=profile,
        at_release=at_release,
        in_effect=scenario.in_effect,
        goals=tuple(goal_results),
        chains=tuple(chains),
        truncated=search.truncated,
        mitigations=mit_results,
        ties_approximate=search.ties_approximate,
        depth=DepthResult(
            goal_depths(scenario, goal_idx, cancel=cancel),
            {c.id: chain_depth(scenario, [graph.index[v] for v in c.nodes]) for c in chains},
        )
        if depth
        else None,
        warnings=(limit_sentence(search.stopped_by, current_limits(), len(chains)),)
        if search.stopped_by is not None
        else (),
    )
