"""Optimal mitigation sets: the cheapest set of mitigations that makes the
chosen goals unreachable, the best set within a budget, and the Pareto
frontier of cost against the impact left reachable.

The integer program of :mod:`attackgraph.analysis.program` is solved with
HiGHS through ``scipy.optimize.milp`` (benchmarked against OR-Tools CP-SAT,
see ``benchmarks/README.md``); its dual bound is the proof of optimality.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from attackgraph.analysis.analyze import select_goals
from attackgraph.analysis.compiled import least_fixpoint
from attackgraph.analysis.program import MitigationProgram, build_program
from attackgraph.analysis.scenario import Scenario, resolve_scenario
from attackgraph.errors import AnalysisError
from attackgraph.model import AttackModel

__all__ = ["FrontierPoint", "Optimization", "optimal_mitigations", "pareto_frontier"]


@dataclass(frozen=True, slots=True)
class Optimization:
    """An optimal (or best found) mitigation set and its proof.

    Attributes
    ----------
    status : {"optimal", "feasible", "infeasible"}
        ``optimal``: proven (``bound`` equals the objective); ``feasible``:
        the time limit stopped the search; ``infeasible``: some chosen goal
        stays reachable whatever is switched on.
    goals : tuple of str
        The goals considered.
    cost : float or None
        Total cost of ``mitigations``.
    mitigations : tuple of str or None
        The chosen mitigations, file order.
    bound : float or None
        Proven bound on the objective: a lower bound on the cost, or with a
        budget an upper bound on ``impact_blocked``.
    seconds : float
        Solving time.
    unblockable : tuple of str
        Goals that no choice makes unreachable.
    budget : float or None
        The budget, when one was given.
    blocked_goals : tuple of str or None
        With a budget: the goals the set makes unreachable (goals already
        unreachable included).
    impact_blocked : float or None
        With a budget: their total impact.
    """

    status: str
    goals: tuple[str, ...]
    cost: float | None
    mitigations: tuple[str, ...] | None
    bound: float | None
    seconds: float
    unblockable: tuple[str, ...] = ()
    budget: float | None = None
    blocked_goals: tuple[str, ...] | None = None
    impact_blocked: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The result as the ``optimize --format json`` contract writes it."""
        out: dict[str, Any] = {
            "schema": "attackgraph.optimization/1",
            "status": self.status,
            "goals": list(self.goals),
            "cost": self.cost,
            "mitigations": None if self.mitigations is None else list(self.mitigations),
            "bound": self.bound,
            "seconds": round(self.seconds, 3),
        }
        if self.status == "infeasible":
            out["unblockable"] = list(self.unblockable)
        if self.budget is not None:
            out["blocked_goals"] = (None if self.blocked_goals is None
                                    else list(self.blocked_goals))
            out["impact_blocked"] = self.impact_blocked
        return out


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    """One point of the Pareto frontier.

    Attributes
    ----------
    cost : float
        Least cost that leaves at most ``impact_left`` reachable.
    impact_left : float
        Total impact of the chosen goals still reachable.
    mitigations : tuple of str
        A set attaining it.
    blocked_goals : tuple of str
        The goals it makes unreachable.
    """

    cost: float
    impact_left: float
    mitigations: tuple[str, ...]
    blocked_goals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Solved:
    status: str  # optimal | feasible | none
    chosen: tuple[str, ...]
    objective: float
    bound: float


def _solve(program: MitigationProgram, *, objective: Sequence[float], extra_vars: int,
           extra_rows: Sequence[tuple[tuple[tuple[int, float], ...], float, float]],
           goal_upper: bool, time_limit: float) -> tuple[_Solved, list[float] | None]:
    """Solve with HiGHS; returns the chosen candidates and the raw solution."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_matrix

    n = program.variables + extra_vars
    rows, cols, vals, lower, upper = [], [], [], [], []
    all_rows = [(terms, lo, math.inf) for terms, lo in program.rows] + list(extra_rows)
    for r, (terms, lo, hi) in enumerate(all_rows):
        for col, coef in terms:
            rows.append(r)
            cols.append(col)
            vals.append(coef)
        lower.append(lo)
        upper.append(hi)
    k = len(program.candidates)
    integrality = np.zeros(n)
    integrality[:k] = 1
    integrality[program.variables:] = 1
    lo_bounds = np.zeros(n)
    hi_bounds = np.ones(n)
    if goal_upper:
        for var in program.goal_vars.values():
            hi_bounds[var] = 0.0
    constraints = []
    if all_rows:
        matrix = coo_matrix((vals, (rows, cols)), shape=(len(all_rows), n)).tocsr()
        constraints.append(LinearConstraint(matrix, np.array(lower), np.array(upper)))
    result = milp(np.asarray(objective, dtype=float), integrality=integrality,
                  bounds=Bounds(lo_bounds, hi_bounds), constraints=constraints,
                  options={"time_limit": max(time_limit, 0.01), "mip_rel_gap": 0.0,
                           "disp": False})
    if result.x is None:
        return _Solved("none", (), math.nan, math.nan), None
    chosen = tuple(m for i, m in enumerate(program.candidates) if result.x[i] > 0.5)
    dual = getattr(result, "mip_dual_bound", None)
    if result.status == 0:
        status = "optimal"
        bound = float(result.fun)
    else:
        status = "feasible"
        bound = float(dual) if dual is not None and math.isfinite(dual) else -math.inf
    return _Solved(status, chosen, float(result.fun), bound), list(result.x)


def _left(time_limit: float, started: float) -> float:
    """What remains of ``time_limit`` since ``started`` (``perf_counter``), for
    a solver call: the limit bounds the whole optimisation, not each call."""
    return max(time_limit - (time.perf_counter() - started), 0.01)


def _reachable_after(scenario: Scenario, chosen: Sequence[str], goals: Sequence[int]) -> list[int]:
    achieved = least_fixpoint(scenario.graph, scenario.blocked_with(chosen))
    return [g for g in goals if achieved[g]]


def _prepare(model: AttackModel, profile: str | None, goals: Sequence[str] | None,
             at_release: str | None, switch_on: Sequence[str], switch_off: Sequence[str],
             ) -> tuple[Scenario, list[str], list[int], MitigationProgram]:
    goal_ids = select_goals(model, goals)
    scenario = resolve_scenario(model, profile=profile, at_release=at_release,
                                switch_on=switch_on, switch_off=switch_off)
    goal_idx = [scenario.graph.index[g] for g in goal_ids]
    costs = {m.id: m.effective_cost for m in model.mitigations.values()}
    return scenario, goal_ids, goal_idx, build_program(scenario, goal_idx, costs)


def _file_order(model: AttackModel, chosen: Sequence[str]) -> tuple[str, ...]:
    wanted = set(chosen)
    return tuple(m for m in model.mitigations if m in wanted)


def optimal_mitigations(
    model: AttackModel,
    *,
    goals: Sequence[str] | None = None,
    profile: str | None = None,
    at_release: str | None = None,
    switch_on: Sequence[str] = (),
    switch_off: Sequence[str] = (),
    budget: float | None = None,
    time_limit: float = 60.0,
) -> Optimization:
    """The cheapest mitigation set that makes the goals unreachable.

    Parameters
    ----------
    model : AttackModel
        The model.
    goals : sequence of str, optional
        Goals to protect (default: every goal).
    profile, at_release : str, optional
        Attacker profile and release, as for :func:`~attackgraph.analysis.analyze`.
    switch_on, switch_off : sequence of str
        What-if switches applied before optimising.
    budget : float, optional
        Instead: the set of cost at most ``budget`` that maximises the total
        impact of the goals made unreachable (ties: the cheapest).
    time_limit : float
        Seconds for the solver (per solve); past it the best set found is
        reported as ``feasible``.

    Returns
    -------
    Optimization
        The set and its proof.

    Raises
    ------
    AnalysisError
        Unknown ids or a negative budget.

    Examples
    --------
    >>> from attackgraph.model import AttackModel, Node, Edge, Mitigation
    >>> m = AttackModel("demo")
    >>> m.add_all(nodes=[Node("E", "entry", "e"), Node("S", "step", "s"),
    ...                  Node("G", "goal", "g")], edges=[Edge("E", "S"), Edge("S", "G")],
    ...           mitigations=[Mitigation("M1", "a", ("E",), cost=5),
    ...                        Mitigation("M2", "b", ("S",), cost=2)])
    >>> result = optimal_mitigations(m)
    >>> result.status, result.cost, result.mitigations
    ('optimal', 2.0, ('M2',))
    """
    if budget is not None and (budget < 0 or not math.isfinite(budget)):
        raise AnalysisError("the budget must be a finite number >= 0")
    started = time.perf_counter()
    scenario, goal_ids, goal_idx, program = _prepare(model, profile, goals, at_release,
                                                     switch_on, switch_off)
    ids = scenario.graph.ids
    unblockable = tuple(ids[g] for g in program.unblockable)
    if budget is not None:
        return _budgeted(model, scenario, goal_ids, goal_idx, program, budget, time_limit,
                         started)
    if unblockable:
        return Optimization("infeasible", tuple(goal_ids), None, None, None,
                            time.perf_counter() - started, unblockable)
    if not program.goal_vars:
        return Optimization("optimal", tuple(goal_ids), 0.0, (), 0.0,
                            time.perf_counter() - started)
    objective = [*program.candidate_costs, *([0.0] * (program.variables
                                                      - len(program.candidates)))]
    solved, _ = _solve(program, objective=objective, extra_vars=0, extra_rows=(),
                       goal_upper=True, time_limit=_left(time_limit, started))
    if solved.status == "none":  # no incumbent in time: every candidate is a valid set
        chosen: tuple[str, ...] = program.candidates
        bound = 0.0
        status = "feasible"
    else:
        chosen, status = solved.chosen, solved.status
        bound = max(solved.bound, 0.0) if math.isfinite(solved.bound) else 0.0
    if _reachable_after(scenario, chosen, list(program.goal_vars)):
        raise AnalysisError("the solver returned a set that does not block the goals")
    cost = math.fsum(program.candidate_costs[program.candidates.index(m)] for m in chosen)
    if status == "optimal":
        bound = cost
    return Optimization(status, tuple(goal_ids), cost, _file_order(model, chosen),
                        min(bound, cost), time.perf_counter() - started)


def _budget_rows(program: MitigationProgram, budget: float, goal_list: Sequence[int],
                 ) -> list[tuple[tuple[tuple[int, float], ...], float, float]]:
    rows: list[tuple[tuple[tuple[int, float], ...], float, float]] = [
        (tuple((i, c) for i, c in enumerate(program.candidate_costs)), -math.inf,
         budget * (1 + 1e-12) + 1e-9)]
    for j, g in enumerate(goal_list):
        rows.append((((program.goal_vars[g], 1.0), (program.variables + j, 1.0)), -math.inf,
                     1.0))
    return rows


def _budgeted(model: AttackModel, scenario: Scenario, goal_ids: list[str], goal_idx: list[int],
              program: MitigationProgram, budget: float, time_limit: float, started: float,
              ) -> Optimization:
    ids = scenario.graph.ids
    impact = {g: model.nodes[ids[g]].effective_impact for g in goal_idx}
    already = [g for g in goal_idx if g not in program.targets]
    goal_list = list(program.goal_vars)
    k, n = len(program.candidates), program.variables
    status = "optimal"
    chosen: tuple[str, ...] = ()
    bound = 0.0
    if goal_list:
        rows = _budget_rows(program, budget, goal_list)
        objective = [0.0] * n + [-impact[g] for g in goal_list]
        solved, x = _solve(program, objective=objective, extra_vars=len(goal_list),
                           extra_rows=rows, goal_upper=False,
                           time_limit=_left(time_limit, started))
        if solved.status != "none" and x is not None:
            best = -solved.objective
            bound = (-solved.bound if math.isfinite(solved.bound)
                     else math.fsum(impact[g] for g in goal_list))
            status = solved.status
            chosen = solved.chosen
            # Among the sets blocking that much impact, the cheapest.
            rows.append((tuple((n + j, impact[g]) for j, g in enumerate(goal_list)),
                         best - 1e-9 * max(1.0, best), math.inf))
            objective = [*program.candidate_costs, *([0.0] * (n - k + len(goal_list)))]
            second, _ = _solve(program, objective=objective, extra_vars=len(goal_list),
                               extra_rows=rows, goal_upper=False,
                               time_limit=_left(time_limit, started))
            if second.status != "none":
                chosen = second.chosen
                if second.status != "optimal":
                    status = "feasible"
        else:  # no incumbent in time: nothing chosen, the trivial bound
            status, bound = "feasible", math.fsum(impact[g] for g in goal_list)
    still = set(_reachable_after(scenario, chosen, program.targets))
    blocked = [g for g in goal_idx if g in already or (g in program.targets and g not in still)]
    cost = math.fsum(program.candidate_costs[program.candidates.index(m)] for m in chosen)
    impact_blocked = math.fsum(impact[g] for g in blocked)
    base = math.fsum(impact[g] for g in already)
    bound_total = impact_blocked if status == "optimal" else base + bound
    return Optimization(status, tuple(goal_ids), cost, _file_order(model, chosen),
                        bound_total, time.perf_counter() - started,
                        tuple(ids[g] for g in program.unblockable), budget,
                        tuple(ids[g] for g in blocked), impact_blocked)


def pareto_frontier(
    model: AttackModel,
    *,
    goals: Sequence[str] | None = None,
    profile: str | None = None,
    at_release: str | None = None,
    switch_on: Sequence[str] = (),
    switch_off: Sequence[str] = (),
    time_limit: float = 60.0,
    max_points: int = 64,
) -> tuple[FrontierPoint, ...]:
    """The Pareto frontier of defender cost against impact left reachable.

    Each point is the least cost at which the impact left reachable drops to
    its value, with a set attaining it; points go from cost 0 upwards.

    Returns
    -------
    tuple of FrontierPoint
        The frontier, cheapest first.
    """
    scenario, _, goal_idx, program = _prepare(model, profile, goals, at_release,
                                              switch_on, switch_off)
    ids = scenario.graph.ids
    impact = {g: model.nodes[ids[g]].effective_impact for g in goal_idx}
    left_total = math.fsum(impact[g] for g in program.targets)
    goal_list = list(program.goal_vars)
    k, n = len(program.candidates), program.variables
    points = [FrontierPoint(0.0, left_total, (), ())]
    goal_list = [g for g in goal_list if impact[g] > 0]
    # Impact gains below this are ignored: the solver's integrality tolerance
    # would let a fractional goal variable fake smaller ones.
    step = 1e-3 * min((impact[g] for g in goal_list), default=1.0)
    target = step
    while goal_list and len(points) < max_points:
        rows = [(((program.goal_vars[g], 1.0), (n + j, 1.0)), -math.inf, 1.0)
                for j, g in enumerate(goal_list)]
        rows.append((tuple((n + j, impact[g]) for j, g in enumerate(goal_list)), target,
                     math.inf))
        objective = [*program.candidate_costs, *([0.0] * (n - k + len(goal_list)))]
        solved, _ = _solve(program, objective=objective, extra_vars=len(goal_list),
                           extra_rows=rows, goal_upper=False, time_limit=time_limit)
        if solved.status == "none":
            break
        cost = math.fsum(program.candidate_costs[program.candidates.index(m)]
                         for m in solved.chosen)
        # The most impact blocked at that cost (a cheaper point never blocks more).
        best = _budgeted(model, scenario, [ids[g] for g in goal_idx], goal_idx, program,
                         cost, time_limit, time.perf_counter())
        blocked = tuple(g for g in (best.blocked_goals or ()) if scenario.graph.index[g]
                        in program.targets)
        left = left_total - math.fsum(impact[scenario.graph.index[g]] for g in blocked)
        if left >= points[-1].impact_left - 1e-9:
            break
        if cost <= points[-1].cost + 1e-12:
            points[-1] = FrontierPoint(cost, left, best.mitigations or (), blocked)
        else:
            points.append(FrontierPoint(cost, left, best.mitigations or (), blocked))
        target = (left_total - left) + step
        if left <= 1e-12:
            break
    return tuple(points)
