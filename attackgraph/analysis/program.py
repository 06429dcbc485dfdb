"""The compact integer program behind optimal mitigation sets.

One binary ``x_m`` per candidate mitigation (effectiveness 1, not in
effect), one continuous ``a_v`` in [0, 1] per node that may or may not be
achieved depending on the choice, one row per edge into an OR node and one
per AND node (``X_v`` is the sum of ``x_m`` over the candidates blocking v)::

    entry v:             a_v + X_v >= 1
    OR v, predecessor p: a_v - a_p + X_v >= 0
    AND v:               a_v - sum(a_p) + X_v >= 1 - k      (k variable predecessors)
    chosen goal g:       a_g <= 0                          (budget: a_g + y_g <= 1)

Any feasible ``a`` lies above the achieved set of the chosen mitigations
(induction along a derivation), so ``a_g = 0`` proves g unachievable; and
the achieved set's indicator is itself feasible when g is unachievable. So
the program is exact with AND gates and cycles and needs no chains. Before
building it: nodes outside A(B) are never achieved (constant 0), nodes
achieved even with every candidate on are constant 1, and only ancestors
of the chosen goals matter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from attackgraph.analysis.compiled import least_fixpoint
from attackgraph.analysis.scenario import Scenario

__all__ = ["MitigationProgram", "build_program"]


@dataclass(frozen=True, slots=True)
class MitigationProgram:
    """The rows of the program in sparse form, ready for any MILP solver.

    Attributes
    ----------
    candidates : tuple of str
        Candidate mitigation ids; variable ``i`` is ``x`` of candidate ``i``.
    candidate_costs : tuple of float
        Their costs.
    node_vars : dict
        Variable index of ``a_v`` for each variable node index.
    goal_vars : dict
        For each chosen goal (node index) that can be blocked, the index of
        ``a_g``.
    targets : tuple of int
        Chosen goals reachable now (the ones to block).
    unblockable : tuple of int
        Chosen goals reachable even with every candidate switched on.
    rows : tuple of (tuple of (int, float), float)
        ``(terms, lower bound)`` of each ``>=`` row (no upper bound).
    variables : int
        Number of variables (candidates first, then nodes).
    """

    candidates: tuple[str, ...]
    candidate_costs: tuple[float, ...]
    node_vars: dict[int, int]
    goal_vars: dict[int, int]
    targets: tuple[int, ...]
    unblockable: tuple[int, ...]
    rows: tuple[tuple[tuple[tuple[int, float], ...], float], ...]
    variables: int


def build_program(
    scenario: Scenario, goals: Sequence[int], costs: dict[str, float]
) -> MitigationProgram:
    """Build the program for blocking ``goals`` in ``scenario``.

    Parameters
    ----------
    scenario : Scenario
        The resolved state (in-effect mitigations, profile, release).
    goals : sequence of int
        Chosen goal node indices.
    costs : dict
        Cost of each mitigation id.

    Returns
    -------
    MitigationProgram
        The program.
    """
    graph = scenario.graph
    preds = graph.preds
    in_effect = set(scenario.in_effect)
    candidates_all = [
        m for m in scenario.mitigation_blocks if scenario.full[m] and m not in in_effect
    ]
    achieved = least_fixpoint(graph, scenario.blocked)
    always = least_fixpoint(graph, scenario.blocked_with(candidates_all))
    targets = [g for g in goals if achieved[g]]
    unblockable = tuple(g for g in targets if always[g])
    blockable = [g for g in targets if not always[g]]
    # Variable nodes: ancestors of the goals to block, achieved now, not always.
    variable: set[int] = set()
    stack = list(blockable)
    while stack:
        v = stack.pop()
        if v in variable:
            continue
        variable.add(v)
        stack.extend(p for p in preds[v] if achieved[p] and not always[p] and p not in variable)
    blockers: dict[int, list[str]] = {}
    used: dict[str, int] = {}
    for mit in candidates_all:
        for v in scenario.mitigation_blocks[mit]:
            if v in variable:
                blockers.setdefault(v, []).append(mit)
                used.setdefault(mit, 0)
    candidates = tuple(m for m in candidates_all if m in used)
    var_of_mit = {m: i for i, m in enumerate(candidates)}
    order = sorted(variable)
    node_vars = {v: len(candidates) + i for i, v in enumerate(order)}
    rows: list[tuple[tuple[tuple[int, float], ...], float]] = []
    for v in order:
        x_terms = tuple((var_of_mit[m], 1.0) for m in blockers.get(v, ()))
        a_v = node_vars[v]
        if graph.is_entry[v]:
            rows.append((((a_v, 1.0), *x_terms), 1.0))
        elif graph.is_and[v]:
            inner = [(node_vars[p], -1.0) for p in preds[v] if p in variable]
            rows.append((((a_v, 1.0), *inner, *x_terms), 1.0 - len(inner)))
        else:
            sources = [p for p in preds[v] if achieved[p]]
            if any(always[p] for p in sources):
                rows.append((((a_v, 1.0), *x_terms), 1.0))
            else:
                for p in sources:
                    rows.append((((a_v, 1.0), (node_vars[p], -1.0), *x_terms), 0.0))
    return MitigationProgram(
        candidates=candidates,
        candidate_costs=tuple(costs[m] for m in candidates),
        node_vars=node_vars,
        goal_vars={g: node_vars[g] for g in blockable},
        targets=tuple(targets),
        unblockable=unblockable,
        rows=tuple(rows),
        variables=len(candidates) + len(order),
    )
