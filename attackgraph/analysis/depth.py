"""Defence in depth: how many in-effect mitigations an attacker must defeat
to reopen a goal or a chain.

Only mitigations of effectiveness 1 that are in effect count as barriers:
a partial mitigation (effectiveness below 1) never closes a chain, it only
lowers its probability (the format's probability rule), so an attacker
never has to defeat one to reopen anything and it adds 0 to a depth. Nodes
fixed by a release and nodes the profile does not allow stay blocked: a fix
removes the vulnerability (a bypass of a fix is a node of its own, as the
flagship's ``/proc/thread-self/mem`` step is), it is not a barrier that can
be defeated.

The **depth** of a goal is the least number of barriers whose removal puts
it in A(B) again (0 when it is reachable; ``None`` when even removing every
barrier leaves it unreachable). A **cut** is one such smallest set; the
**single points of failure** are the barriers that alone reopen the goal
(depth 1). The depth of a chain is the number of distinct barriers
blocking its nodes (``None`` when a node is fixed or not allowed).

Depth 1 is decided by one least fixpoint per barrier; larger depths by a
MILP over the goal's ancestors, exact with AND gates and cycles: binary
``a_v`` (achieved after the defeat), ``d_m`` (barrier defeated)::

    a_v <= d_m                         for each barrier m blocking v
    OR v:  a_v <= sum a_p (other components) + sum e_pv (own component)
    AND v: a_v <= a_p                  for each predecessor p
    e_pv <= a_p,  t_v - t_p >= 1 - n (1 - e_pv)   (AND: with a_v for e_pv)
    a_g = 1,  minimise sum d_m

The potentials ``t`` forbid a cycle justifying itself, so every solution is
a well-founded derivation: the achieved set after the defeat. The set the
solver returns is checked by the least fixpoint before it is reported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from attackgraph.analysis.compiled import least_fixpoint
from attackgraph.analysis.scenario import Scenario
from attackgraph.errors import AnalysisError

__all__ = ["DepthResult", "GoalDepth", "chain_depth", "goal_depths"]


@dataclass(frozen=True, slots=True)
class GoalDepth:
    """The defence in depth of one goal.

    Attributes
    ----------
    goal : str
        The goal id.
    depth : int or None
        Least number of in-effect mitigations to defeat to reopen it (0:
        reachable; None: no defeat of mitigations reopens it).
    cut : tuple of str
        One smallest set of mitigations whose defeat reopens it, file order.
    single_points : tuple of str
        Mitigations whose defeat alone reopens it, file order.
    proven : bool
        Whether ``depth`` is proven least (false only when the solver's time
        limit stopped it: ``depth`` is then an upper bound).
    """

    goal: str
    depth: int | None
    cut: tuple[str, ...]
    single_points: tuple[str, ...]
    proven: bool = True

    def to_json(self) -> dict[str, Any]:
        """The depth as ``analyze --format json`` writes it under ``depth.goals``."""
        out: dict[str, Any] = {"goal": self.goal, "depth": self.depth, "cut": list(self.cut),
                               "single_points": list(self.single_points)}
        if not self.proven:
            out["proven"] = False
        return out


@dataclass(frozen=True, slots=True)
class DepthResult:
    """Defence in depth of the analysed goals and the listed chains.

    Attributes
    ----------
    goals : tuple of GoalDepth
        Per goal, file order.
    chains : dict
        Depth of each listed chain by chain id.
    """

    goals: tuple[GoalDepth, ...]
    chains: dict[str, int | None]

    @property
    def minimum(self) -> int | None:
        """The least depth over the goals that can be reopened (None if none can)."""
        values = [g.depth for g in self.goals if g.depth is not None]
        return min(values) if values else None

    def goal(self, goal_id: str) -> GoalDepth:
        """The depth of one goal (``KeyError`` if it was not analysed)."""
        for item in self.goals:
            if item.goal == goal_id:
                return item
        raise KeyError(goal_id)

    def to_json(self) -> dict[str, Any]:
        """The ``depth`` object of ``analyze --format json``."""
        return {"min_depth": self.minimum, "goals": [g.to_json() for g in self.goals],
                "chains": [{"id": cid, "depth": d} for cid, d in self.chains.items()]}


def _barriers(scenario: Scenario) -> list[str]:
    """In-effect mitigations of effectiveness 1, file order."""
    in_effect = set(scenario.in_effect)
    return [m for m in scenario.mitigation_blocks if m in in_effect and scenario.full[m]]


def _base_blocked(scenario: Scenario) -> bytearray:
    """B without the barriers: fixed and disallowed nodes."""
    return bytearray(f or not a for f, a in zip(scenario.fixed, scenario.allowed, strict=True))


def chain_depth(scenario: Scenario, nodes: Sequence[int]) -> int | None:
    """Number of distinct barriers blocking a chain's nodes (None when a node
    is fixed or not allowed: no defeat of mitigations reopens it)."""
    base = _base_blocked(scenario)
    if any(base[v] for v in nodes):
        return None
    members = set(nodes)
    return sum(1 for m in _barriers(scenario)
               if any(v in members for v in scenario.mitigation_blocks[m]))


def goal_depths(scenario: Scenario, goals: Sequence[int], *,
                time_limit: float = 60.0) -> tuple[GoalDepth, ...]:
    """The depth, a cut and the single points of failure of each goal.

    Parameters
    ----------
    scenario : Scenario
        The resolved state (in effect, profile, release).
    goals : sequence of int
        Goal node indices.
    time_limit : float
        Seconds for the solver per goal of depth 2 or more.

    Returns
    -------
    tuple of GoalDepth
        One per goal, in the given order.
    """
    graph = scenario.graph
    barriers = _barriers(scenario)
    base = _base_blocked(scenario)
    potential = least_fixpoint(graph, base)
    current = least_fixpoint(graph, scenario.blocked)
    alone: dict[str, bytearray] = {}
    out = []
    for g in goals:
        ident = graph.ids[g]
        if current[g] and scenario.allowed[g]:
            out.append(GoalDepth(ident, 0, (), ()))
            continue
        if not potential[g]:
            out.append(GoalDepth(ident, None, (), ()))
            continue
        singles = []
        for m in barriers:
            if m not in alone:
                alone[m] = least_fixpoint(graph, _blocked_without(scenario, base, barriers, {m}))
            if alone[m][g]:
                singles.append(m)
        if singles:
            out.append(GoalDepth(ident, 1, (singles[0],), tuple(singles)))
            continue
        out.append(_solve_depth(scenario, base, potential, barriers, g, time_limit))
    return tuple(out)


def _blocked_without(scenario: Scenario, base: bytearray, barriers: Sequence[str],
                     defeated: set[str]) -> bytearray:
    blocked = bytearray(base)
    for m in barriers:
        if m not in defeated:
            for v in scenario.mitigation_blocks[m]:
                blocked[v] = 1
    return blocked


def _solve_depth(scenario: Scenario, base: bytearray, potential: bytearray,
                 barriers: Sequence[str], goal: int, time_limit: float) -> GoalDepth:
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    graph = scenario.graph
    preds = graph.preds
    # The goal's ancestors that some defeat can achieve.
    nodes: list[int] = []
    seen = {goal}
    stack = [goal]
    while stack:
        v = stack.pop()
        nodes.append(v)
        for p in preds[v]:
            if p not in seen and potential[p]:
                seen.add(p)
                stack.append(p)
    nodes.sort()
    relevant = [m for m in barriers if any(v in seen for v in scenario.mitigation_blocks[m])]
    var: dict[tuple[str, Any], int] = {}

    def new(key: tuple[str, Any]) -> int:
        if key not in var:
            var[key] = len(var)
        return var[key]

    for m in relevant:
        new(("d", m))
    for v in nodes:
        new(("a", v))
    big = float(len(nodes) + 1)
    rows: list[tuple[list[tuple[int, float]], float, float]] = []
    for m in relevant:
        for v in scenario.mitigation_blocks[m]:
            if v in seen:
                rows.append(([(var["a", v], 1.0), (var["d", m], -1.0)], -math.inf, 0.0))
    for v in nodes:
        if graph.is_entry[v]:
            continue
        own = [p for p in preds[v] if p in seen and graph.scc[p] == graph.scc[v]]
        other = [p for p in preds[v] if p in seen and graph.scc[p] != graph.scc[v]]
        a_v = var["a", v]
        if graph.is_and[v]:
            for p in own + other:
                rows.append(([(a_v, 1.0), (var["a", p], -1.0)], -math.inf, 0.0))
            for p in own:  # t_v - t_p - n a_v >= 1 - n
                rows.append(([(new(("t", v)), 1.0), (new(("t", p)), -1.0), (a_v, -big)],
                             1.0 - big, math.inf))
        else:
            terms = [(a_v, 1.0)] + [(var["a", p], -1.0) for p in other]
            for p in own:
                e = new(("e", (p, v)))
                terms.append((e, -1.0))
                rows.append(([(e, 1.0), (var["a", p], -1.0)], -math.inf, 0.0))
                rows.append(([(new(("t", v)), 1.0), (new(("t", p)), -1.0), (e, -big)],
                             1.0 - big, math.inf))
            rows.append((terms, -math.inf, 0.0))
    n = len(var)
    integrality = np.ones(n)
    lower = np.zeros(n)
    upper = np.ones(n)
    for key, i in var.items():
        if key[0] == "t":
            integrality[i] = 0
            upper[i] = big
    lower[var["a", goal]] = 1.0
    objective = np.zeros(n)
    for m in relevant:
        objective[var["d", m]] = 1.0
    r_idx, c_idx, vals, lo, hi = [], [], [], [], []
    for r, (terms, low, high) in enumerate(rows):
        for c, coef in terms:
            r_idx.append(r)
            c_idx.append(c)
            vals.append(coef)
        lo.append(low)
        hi.append(high)
    constraints = []
    if rows:
        matrix = coo_matrix((vals, (r_idx, c_idx)), shape=(len(rows), n)).tocsr()
        constraints.append(LinearConstraint(matrix, np.array(lo), np.array(hi)))
    result = milp(objective, integrality=integrality, bounds=Bounds(lower, upper),
                  constraints=constraints,
                  options={"time_limit": max(time_limit, 0.01), "mip_rel_gap": 0.0,
                           "disp": False})
    ident = graph.ids[goal]
    if result.x is None:  # no incumbent in time: defeating every relevant barrier works
        cut = tuple(relevant)
        proven = False
    else:
        cut = tuple(m for m in relevant if result.x[var["d", m]] > 0.5)
        dual = getattr(result, "mip_dual_bound", None)
        # Depths are integers: a bound above depth - 1 proves it least.
        proven = result.status == 0 or (dual is not None and math.isfinite(dual)
                                        and dual > len(cut) - 1 + 1e-6)
    check = least_fixpoint(graph, _blocked_without(scenario, base, barriers, set(cut)))
    if not check[goal]:
        raise AnalysisError(f"the depth solver returned a set that does not reopen {ident}")
    return GoalDepth(ident, len(cut), cut, (), proven)
