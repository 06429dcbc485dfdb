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
from fractions import Fraction
from typing import Any

from attackgraph.analysis.analyze import select_goals
from attackgraph.analysis.compiled import least_fixpoint
from attackgraph.analysis.exact import exact_sum, pow2_scale
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
            out["blocked_goals"] = None if self.blocked_goals is None else list(self.blocked_goals)
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


Row = tuple[tuple[tuple[int, float], ...], float, float]
"""``(terms, lower, upper)`` of an extra row, already scaled by its caller."""

PROOF_TOLERANCE = 1e-9
"""A solve is reported ``optimal`` when the set's exact cost is within this
fraction of the cheapest positive candidate cost of the proven bound (see
the README: "What optimal means")."""

MARGIN = 1e-6
"""Scaled slack of the tie-break row: ten times the solver's feasibility
tolerance, a millionth of the scaled smallest number."""

MAX_CUTS = 32
"""Sets over the budget by less than the solver's tolerance excluded, at most."""


@dataclass(frozen=True, slots=True)
class _Solved:
    status: str  # optimal | feasible | none
    chosen: tuple[str, ...]
    objective: float
    bound: float
    chosen_extra: tuple[int, ...] = ()


def _solve(
    program: MitigationProgram,
    *,
    objective: Sequence[float],
    extra_vars: int,
    extra_rows: Sequence[Row],
    goal_upper: bool,
    time_limit: float,
) -> tuple[_Solved, list[float] | None]:
    """Solve with HiGHS; returns the chosen candidates and the raw solution.

    The objective is scaled by a power of two (:func:`pow2_scale`) so that
    HiGHS's absolute gap (1e-6, not settable through SciPy) lies far below
    its smallest coefficient; the relative gap is 0. ``objective`` and
    ``bound`` of the result are unscaled. ``status`` is the solver's claim
    only: callers verify the returned set exactly before reporting it.
    """
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
    integrality[program.variables :] = 1
    lo_bounds = np.zeros(n)
    hi_bounds = np.ones(n)
    if goal_upper:
        for var in program.goal_vars.values():
            hi_bounds[var] = 0.0
    constraints = []
    if all_rows:
        matrix = coo_matrix((vals, (rows, cols)), shape=(len(all_rows), n)).tocsr()
        constraints.append(LinearConstraint(matrix, np.array(lower), np.array(upper)))
    scale = pow2_scale(objective)
    result = milp(
        np.asarray(objective, dtype=float) * scale,
        integrality=integrality,
        bounds=Bounds(lo_bounds, hi_bounds),
        constraints=constraints,
        options={"time_limit": max(time_limit, 0.01), "mip_rel_gap": 0.0, "disp": False},
    )
    if result.x is None:
        return _Solved("none", (), math.nan, math.nan), None
    chosen = tuple(m for i, m in enumerate(program.candidates) if result.x[i] > 0.5)
    extra = tuple(j for j in range(extra_vars) if result.x[program.variables + j] > 0.5)
    dual = getattr(result, "mip_dual_bound", None)
    fun = float(result.fun) / scale
    if dual is not None and math.isfinite(dual):
        bound = float(dual) / scale
    else:
        bound = fun if result.status == 0 else -math.inf
    status = "optimal" if result.status == 0 else "feasible"
    return _Solved(status, chosen, fun, bound, extra), list(result.x)


def _cost_of(program: MitigationProgram, chosen: Sequence[str]) -> Fraction:
    """Exact total cost of a set of candidates."""
    where = {m: i for i, m in enumerate(program.candidates)}
    return exact_sum(program.candidate_costs[where[m]] for m in chosen)


def _proof_slack(values: Sequence[float]) -> float:
    """The gap below which a bound proves a value optimal (see PROOF_TOLERANCE)."""
    positive = [v for v in values if v > 0]
    return PROOF_TOLERANCE * min(positive) if positive else 0.0


def _left(time_limit: float, started: float) -> float:
    """What remains of ``time_limit`` since ``started`` (``perf_counter``), for
    a solver call: the limit bounds the whole optimisation, not each call."""
    return max(time_limit - (time.perf_counter() - started), 0.01)


def _reachable_after(scenario: Scenario, chosen: Sequence[str], goals: Sequence[int]) -> list[int]:
    achieved = least_fixpoint(scenario.graph, scenario.blocked_with(chosen))
    return [g for g in goals if achieved[g]]


def _prepare(
    model: AttackModel,
    profile: str | None,
    goals: Sequence[str] | None,
    at_release: str | None,
    switch_on: Sequence[str],
    switch_off: Sequence[str],
) -> tuple[Scenario, list[str], list[int], MitigationProgram]:
    goal_ids = select_goals(model, goals)
    scenario = resolve_scenario(
        model, profile=profile, at_release=at_release, switch_on=switch_on, switch_off=switch_off
    )
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
    scenario, goal_ids, goal_idx, program = _prepare(
        model, profile, goals, at_release, switch_on, switch_off
    )
    ids = scenario.graph.ids
    unblockable = tuple(ids[g] for g in program.unblockable)
    if budget is not None:
        return _budgeted(model, scenario, goal_ids, goal_idx, program, budget, time_limit, started)
    if unblockable:
        return Optimization(
            "infeasible",
            tuple(goal_ids),
            None,
            None,
            None,
            time.perf_counter() - started,
            unblockable,
        )
    if not program.goal_vars:
        return Optimization("optimal", tuple(goal_ids), 0.0, (), 0.0, time.perf_counter() - started)
    objective = [*program.candidate_costs, *([0.0] * (program.variables - len(program.candidates)))]
    solved, _ = _solve(
        program,
        objective=objective,
        extra_vars=0,
        extra_rows=(),
        goal_upper=True,
        time_limit=_left(time_limit, started),
    )
    if solved.status == "none":  # no incumbent in time: every candidate is a valid set
        chosen: tuple[str, ...] = program.candidates
        bound = 0.0
        status = "feasible"
    else:
        chosen, status = solved.chosen, solved.status
        bound = max(solved.bound, 0.0) if math.isfinite(solved.bound) else 0.0
    if _reachable_after(scenario, chosen, list(program.goal_vars)):
        raise AnalysisError("the solver returned a set that does not block the goals")
    exact_cost = _cost_of(program, chosen)
    cost = float(exact_cost)
    # The proof: the set's exact cost against the solver's lower bound.
    if status == "optimal" and exact_cost - Fraction(bound) > Fraction(
        _proof_slack(program.candidate_costs)
    ):
        status = "feasible"
    if status == "optimal":
        bound = cost
    return Optimization(
        status,
        tuple(goal_ids),
        cost,
        _file_order(model, chosen),
        min(bound, cost),
        time.perf_counter() - started,
    )


def _budget_rows(
    program: MitigationProgram, upper: float, scale: float, goal_list: Sequence[int]
) -> list[Row]:
    """The budget row (costs times ``scale`` at most ``upper``) and the goal
    indicator rows ``a_g + y_g <= 1``."""
    rows: list[Row] = [
        (tuple((i, c * scale) for i, c in enumerate(program.candidate_costs)), -math.inf, upper)
    ]
    for j, g in enumerate(goal_list):
        rows.append((((program.goal_vars[g], 1.0), (program.variables + j, 1.0)), -math.inf, 1.0))
    return rows


def _blocked_impact(
    scenario: Scenario, program: MitigationProgram, chosen: Sequence[str], impact: dict[int, float]
) -> Fraction:
    """Exact impact of the goals to block that ``chosen`` makes unreachable."""
    still = set(_reachable_after(scenario, chosen, list(program.goal_vars)))
    return exact_sum(impact[g] for g in program.goal_vars if g not in still)


def _budgeted(
    model: AttackModel,
    scenario: Scenario,
    goal_ids: list[str],
    goal_idx: list[int],
    program: MitigationProgram,
    budget: float | Fraction,
    time_limit: float,
    started: float,
) -> Optimization:
    """Most impact blocked within the budget, exactly: the solver works on
    scaled rows, every set it returns is checked with exact arithmetic (its
    cost against the budget, the impact it blocks by the least fixpoint)."""
    ids = scenario.graph.ids
    impact = {g: model.nodes[ids[g]].effective_impact for g in goal_idx}
    already = [g for g in goal_idx if g not in program.targets]
    goal_list = list(program.goal_vars)
    k, n = len(program.candidates), program.variables
    exact_budget = Fraction(budget)
    status = "optimal"
    chosen: tuple[str, ...] = ()
    bound = 0.0
    if goal_list:
        cost_scale = pow2_scale(program.candidate_costs)
        impact_scale = pow2_scale([impact[g] for g in goal_list])
        objective = [0.0] * n + [-impact[g] for g in goal_list]
        upper = float(exact_budget * Fraction(cost_scale))
        rows = _budget_rows(program, upper, cost_scale, goal_list)
        where = {m: i for i, m in enumerate(program.candidates)}
        solved = _Solved("none", (), math.nan, math.nan)
        for _ in range(MAX_CUTS):
            left = _left(time_limit, started)
            solved, _ = _solve(
                program,
                objective=objective,
                extra_vars=len(goal_list),
                extra_rows=rows,
                goal_upper=False,
                time_limit=left,
            )
            if solved.status == "none" or _cost_of(program, solved.chosen) <= exact_budget:
                break
            # Over the budget within the solver's feasibility tolerance: exclude
            # that set and its supersets (all over the budget too), exactly.
            rows.append(
                (tuple((where[m], 1.0) for m in solved.chosen), -math.inf, len(solved.chosen) - 1.0)
            )
        else:
            solved = _Solved("none", (), math.nan, math.nan)
        if solved.status != "none":
            chosen = solved.chosen
            best = _blocked_impact(scenario, program, chosen, impact)
            bound = (
                -solved.bound
                if math.isfinite(solved.bound)
                else math.fsum(impact[g] for g in goal_list)
            )
            status = solved.status
            if float(best) < bound - _proof_slack(list(impact.values())):
                status = "feasible"
            # Among the sets blocking that much impact, the cheapest.
            rows.append(
                (
                    tuple((n + j, impact[g] * impact_scale) for j, g in enumerate(goal_list)),
                    float(best * Fraction(impact_scale)) - MARGIN,
                    math.inf,
                )
            )
            objective = [*program.candidate_costs, *([0.0] * (n - k + len(goal_list)))]
            second, _ = _solve(
                program,
                objective=objective,
                extra_vars=len(goal_list),
                extra_rows=rows,
                goal_upper=False,
                time_limit=_left(time_limit, started),
            )
            if (
                second.status != "none"
                and _cost_of(program, second.chosen) <= exact_budget
                and _blocked_impact(scenario, program, second.chosen, impact) >= best
            ):
                chosen = second.chosen
        else:  # no incumbent in time: nothing chosen, the trivial bound
            status, bound = "feasible", math.fsum(impact[g] for g in goal_list)
    still = set(_reachable_after(scenario, chosen, program.targets))
    blocked = [g for g in goal_idx if g in already or (g in program.targets and g not in still)]
    cost = float(_cost_of(program, chosen))
    impact_blocked = float(exact_sum(impact[g] for g in blocked))
    base = math.fsum(impact[g] for g in already)
    bound_total = impact_blocked if status == "optimal" else max(base + bound, impact_blocked)
    return Optimization(
        status,
        tuple(goal_ids),
        cost,
        _file_order(model, chosen),
        bound_total,
        time.perf_counter() - started,
        tuple(ids[g] for g in program.unblockable),
        float(budget),
        tuple(ids[g] for g in blocked),
        impact_blocked,
    )


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
    scenario, _, goal_idx, program = _prepare(
        model, profile, goals, at_release, switch_on, switch_off
    )
    ids = scenario.graph.ids
    impact = {g: model.nodes[ids[g]].effective_impact for g in goal_idx}
    total = exact_sum(impact[g] for g in program.targets)
    goal_list = list(program.goal_vars)
    k, n = len(program.candidates), program.variables
    points = [FrontierPoint(0.0, float(total), (), ())]
    last_cost, last_left = Fraction(0), total
    goal_list = [g for g in goal_list if impact[g] > 0]
    scale = pow2_scale([impact[g] for g in goal_list])
    # Impact gains below this are ignored: the solver's integrality tolerance
    # would let a fractional goal variable fake smaller ones.
    step = 1e-3 * min((impact[g] * scale for g in goal_list), default=1.0)
    target = step
    while goal_list and len(points) < max_points:
        rows: list[Row] = [
            (((program.goal_vars[g], 1.0), (n + j, 1.0)), -math.inf, 1.0)
            for j, g in enumerate(goal_list)
        ]
        rows.append(
            (tuple((n + j, impact[g] * scale) for j, g in enumerate(goal_list)), target, math.inf)
        )
        objective = [*program.candidate_costs, *([0.0] * (n - k + len(goal_list)))]
        solved, _ = _solve(
            program,
            objective=objective,
            extra_vars=len(goal_list),
            extra_rows=rows,
            goal_upper=False,
            time_limit=time_limit,
        )
        if solved.status == "none":
            break
        cost = _cost_of(program, solved.chosen)
        # The most impact blocked at that cost (a cheaper point never blocks more).
        best = _budgeted(
            model,
            scenario,
            [ids[g] for g in goal_idx],
            goal_idx,
            program,
            cost,
            time_limit,
            time.perf_counter(),
        )
        blocked = tuple(
            g for g in (best.blocked_goals or ()) if scenario.graph.index[g] in program.targets
        )
        left = total - exact_sum(impact[scenario.graph.index[g]] for g in blocked)
        if left >= last_left:
            break
        cost = _cost_of(program, best.mitigations or ())
        point = FrontierPoint(float(cost), float(left), best.mitigations or (), blocked)
        if cost <= last_cost:
            points[-1] = point
        else:
            points.append(point)
        last_cost, last_left = cost, left
        target = float((total - left) * Fraction(scale)) + step
        if left == 0:
            break
    return tuple(points)
