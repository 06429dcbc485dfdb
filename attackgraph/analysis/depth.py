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
a well-founded derivation: the achieved set after the defeat. Only ``d``
and the variables of nodes in cycles need to be integral: elsewhere the
support of a fractional ``a`` is itself a derivation. The set the
solver returns is checked by the least fixpoint before it is reported.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from attackgraph.analysis.compiled import least_fixpoint
from attackgraph.analysis.scenario import Scenario
from attackgraph.errors import AnalysisCancelled, AnalysisError

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
        out: dict[str, Any] = {
            "goal": self.goal,
            "depth": self.depth,
            "cut": list(self.cut),
            "single_points": list(self.single_points),
        }
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
        return {
            "min_depth": self.minimum,
            "goals": [g.to_json() for g in self.goals],
            "chains": [{"id": cid, "depth": d} for cid, d in self.chains.items()],
        }


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
    return sum(
        1 for m in _barriers(scenario) if any(v in members for v in scenario.mitigation_blocks[m])
    )


def goal_depths(
    scenario: Scenario,
    goals: Sequence[int],
    *,
    time_limit: float = 60.0,
    cancel: Callable[[], bool] | None = None,
) -> tuple[GoalDepth, ...]:
    """The depth, a cut and the single points of failure of each goal.

    Parameters
    ----------
    scenario : Scenario
        The resolved state (in effect, profile, release).
    goals : sequence of int
        Goal node indices.
    time_limit : float
        Seconds for the solver, over all goals of depth 2 or more (each solve
        gets at least half a second); a depth not proven within it is an
        upper bound (``proven`` false).
    cancel : callable, optional
        Asked before each solve; when it returns true the analysis stops with
        :class:`~attackgraph.errors.AnalysisCancelled`.

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
    out: list[GoalDepth | int] = []
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
        out.append(g)  # for the MILP
    deep = [g for g in out if isinstance(g, int)]
    if deep:
        program = _build_program(scenario, potential, barriers, deep)
        started = time.perf_counter()
        for i, g in enumerate(out):
            if isinstance(g, int):
                if cancel is not None and cancel():
                    raise AnalysisCancelled("the analysis was cancelled.")
                left = max(time_limit - (time.perf_counter() - started), 0.5)
                out[i] = _solve_depth(scenario, base, program, barriers, g, left)
    return tuple(item for item in out if isinstance(item, GoalDepth))


def _blocked_without(
    scenario: Scenario, base: bytearray, barriers: Sequence[str], defeated: set[str]
) -> bytearray:
    blocked = bytearray(base)
    for m in barriers:
        if m not in defeated:
            for v in scenario.mitigation_blocks[m]:
                blocked[v] = 1
    return blocked


@dataclass
class _Program:
    """The depth MILP over the ancestors of some goals, built once; each goal
    is one solve with its ``a_g`` fixed to 1."""

    relevant: list[str]
    var: dict[tuple[str, Any], int]
    objective: Any
    integrality: Any
    upper: Any
    constraints: list[Any]


def _build_program(
    scenario: Scenario, potential: bytearray, barriers: Sequence[str], goals: Sequence[int]
) -> _Program:
    import numpy as np
    from scipy.optimize import LinearConstraint
    from scipy.sparse import coo_matrix

    graph = scenario.graph
    preds, scc = graph.preds, graph.scc
    # The goals' ancestors that some defeat can achieve.
    seen = set(goals)
    stack = list(goals)
    while stack:
        v = stack.pop()
        for p in preds[v]:
            if p not in seen and potential[p]:
                seen.add(p)
                stack.append(p)
    nodes = sorted(seen)
    relevant = [m for m in barriers if any(v in seen for v in scenario.mitigation_blocks[m])]
    var: dict[tuple[str, Any], int] = {}

    def new(key: tuple[str, Any]) -> int:
        index = var.get(key)
        if index is None:
            index = var[key] = len(var)
        return index

    for m in relevant:
        new(("d", m))
    for v in nodes:
        new(("a", v))
    big = float(len(nodes) + 1)
    r_idx: list[int] = []
    c_idx: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []

    def row(terms: Sequence[tuple[int, float]], low: float, high: float) -> None:
        r = len(lo)
        for c, coef in terms:
            r_idx.append(r)
            c_idx.append(c)
            vals.append(coef)
        lo.append(low)
        hi.append(high)

    for m in relevant:
        d_m = var["d", m]
        for v in scenario.mitigation_blocks[m]:
            if v in seen:
                row(((var["a", v], 1.0), (d_m, -1.0)), -math.inf, 0.0)
    cyclic: set[int] = set()
    for v in nodes:
        if graph.is_entry[v]:
            continue
        a_v = var["a", v]
        ps = [p for p in preds[v] if p in seen]
        own = [p for p in ps if scc[p] == scc[v]]
        if own:
            cyclic.add(scc[v])
        if graph.is_and[v]:
            for p in ps:
                row(((a_v, 1.0), (var["a", p], -1.0)), -math.inf, 0.0)
            for p in own:  # t_v - t_p - n a_v >= 1 - n
                row(((new(("t", v)), 1.0), (new(("t", p)), -1.0), (a_v, -big)), 1.0 - big, math.inf)
        else:
            terms = [(a_v, 1.0)] + [(var["a", p], -1.0) for p in ps if scc[p] != scc[v]]
            for p in own:
                e = new(("e", (p, v)))
                terms.append((e, -1.0))
                row(((e, 1.0), (var["a", p], -1.0)), -math.inf, 0.0)
                row(((new(("t", v)), 1.0), (new(("t", p)), -1.0), (e, -big)), 1.0 - big, math.inf)
            row(terms, -math.inf, 0.0)
    n = len(var)
    integrality = np.ones(n)
    upper = np.ones(n)
    for key, i in var.items():
        if key[0] == "t":
            integrality[i] = 0
            upper[i] = big
        elif key[0] == "a" and scc[key[1]] not in cyclic:
            # Outside cycles the support of any a with integral d is a
            # derivation (every positive a_v is justified by positive
            # predecessors, all its barriers defeated): a may be fractional.
            integrality[i] = 0
    objective = np.zeros(n)
    for m in relevant:
        objective[var["d", m]] = 1.0
    constraints = []
    if lo:
        matrix = coo_matrix((vals, (r_idx, c_idx)), shape=(len(lo), n)).tocsr()
        constraints.append(LinearConstraint(matrix, np.array(lo), np.array(hi)))
    return _Program(relevant, var, objective, integrality, upper, constraints)


def _solve_depth(
    scenario: Scenario,
    base: bytearray,
    program: _Program,
    barriers: Sequence[str],
    goal: int,
    time_limit: float,
) -> GoalDepth:
    import numpy as np
    from scipy.optimize import Bounds, milp

    graph = scenario.graph
    var, relevant = program.var, program.relevant
    lower = np.zeros(len(var))
    lower[var["a", goal]] = 1.0
    result = milp(
        program.objective,
        integrality=program.integrality,
        bounds=Bounds(lower, program.upper),
        constraints=program.constraints,
        options={"time_limit": max(time_limit, 0.01), "mip_rel_gap": 0.0, "disp": False},
    )
    ident = graph.ids[goal]
    if result.x is None:  # no incumbent in time: defeating every relevant barrier works
        cut = tuple(relevant)
        proven = False
    else:
        cut = tuple(m for m in relevant if result.x[var["d", m]] > 0.5)
        dual = getattr(result, "mip_dual_bound", None)
        # Depths are integers: a bound above depth - 1 proves it least.
        proven = result.status == 0 or (
            dual is not None and math.isfinite(dual) and dual > len(cut) - 1 + 1e-6
        )
    check = least_fixpoint(graph, _blocked_without(scenario, base, barriers, set(cut)))
    if not check[goal]:
        raise AnalysisError(f"the depth solver returned a set that does not reopen {ident}")
    return GoalDepth(ident, len(cut), cut, (), proven)
