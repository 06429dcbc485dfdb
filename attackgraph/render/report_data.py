"""Everything a report shows, computed once: the analysis in the chosen
state, the optimal set and the Pareto frontier (budget variants), the
release timeline and the attacker profiles.

:func:`collect_report` is shared by the HTML and Markdown reports and by
the desktop app, which passes its own live analysis in.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from attackgraph.analysis import (
    Analysis,
    FrontierPoint,
    Optimization,
    ReleaseState,
    analyze,
    optimal_mitigations,
    pareto_frontier,
    release_timeline,
)
from attackgraph.analysis.naming import name_by_whole_model
from attackgraph.errors import AnalysisCancelled
from attackgraph.model import AttackModel
from attackgraph.render.backend import RenderCancelled

__all__ = ["ProfileRow", "ReportData", "collect_report"]


@dataclass(frozen=True, slots=True)
class ProfileRow:
    """The state of the model for one attacker profile.

    Attributes
    ----------
    profile, label : str
    access : tuple of str
        Positions the attacker reaches.
    max_skill : str
    open_chains : int
    exact : bool
    reachable : tuple of str
    """

    profile: str
    label: str
    access: tuple[str, ...]
    max_skill: str
    open_chains: int
    exact: bool
    reachable: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportData:
    """The content of a report.

    Attributes
    ----------
    analysis : Analysis
        The analysis in the chosen state.
    switch_on, switch_off : tuple of str
        The what-if switches it includes.
    optimization : Optimization or None
        Cheapest set that makes the reachable goals unreachable (None when
        no goal is reachable).
    frontier : tuple of FrontierPoint
        Cost against impact left reachable: the budget variants.
    total_impact : float
        Impact of the analysed goals reachable now.
    timeline : tuple of ReleaseState
        The engine's release timeline (profile and goals applied; what-if
        switches are not, a release being a state of its own).
    profiles : tuple of ProfileRow
        One row per attacker profile.
    """

    analysis: Analysis
    switch_on: tuple[str, ...]
    switch_off: tuple[str, ...]
    optimization: Optimization | None
    frontier: tuple[FrontierPoint, ...]
    total_impact: float
    timeline: tuple[ReleaseState, ...]
    profiles: tuple[ProfileRow, ...]

    @property
    def open_chains(self) -> int:
        """Open chains to the analysed goals (listed ones if truncated)."""
        return _open_count(self.analysis)[0]


def _open_count(result: Analysis) -> tuple[int, bool]:
    counts = [g.open_chains for g in result.goals]
    if all(c is not None for c in counts):
        return sum(c for c in counts if c is not None), True
    return sum(1 for c in result.chains if c.open), False


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise RenderCancelled("The report was cancelled.")


def collect_report(
    model: AttackModel,
    *,
    analysis: Analysis | None = None,
    profile: str | None = None,
    goals: Sequence[str] | None = None,
    switch_on: Sequence[str] = (),
    switch_off: Sequence[str] = (),
    at_release: str | None = None,
    max_chains: int = 1000,
    time_limit: float = 10.0,
    cancel: threading.Event | None = None,
) -> ReportData:
    """Compute the content of a report.

    Parameters
    ----------
    model : AttackModel
        The model.
    analysis : Analysis, optional
        An analysis already made with these options (the app's live one);
        computed when omitted.
    profile, goals, switch_on, switch_off, at_release, max_chains
        The state, as for :func:`~attackgraph.analysis.analyze`.
    time_limit : float
        Seconds for each optimisation.
    cancel : threading.Event, optional
        Set it to stop: checked inside the analyses and between the steps.

    Returns
    -------
    ReportData

    Raises
    ------
    RenderCancelled
        ``cancel`` was set.
    AnalysisError
        Unknown ids.
    """
    try:
        return _collect(
            model,
            analysis,
            profile,
            goals,
            tuple(switch_on),
            tuple(switch_off),
            at_release,
            max_chains,
            time_limit,
            cancel,
        )
    except AnalysisCancelled as exc:
        raise RenderCancelled(str(exc)) from None


def _collect(
    model: AttackModel,
    analysis: Analysis | None,
    profile: str | None,
    goals: Sequence[str] | None,
    switch_on: tuple[str, ...],
    switch_off: tuple[str, ...],
    at_release: str | None,
    max_chains: int,
    time_limit: float,
    cancel: threading.Event | None,
) -> ReportData:
    stop = cancel.is_set if cancel is not None else None
    state = {"profile": profile, "goals": goals, "switch_on": switch_on, "switch_off": switch_off}
    if analysis is None:
        analysis = name_by_whole_model(
            model,
            analyze(model, at_release=at_release, max_chains=max_chains, cancel=stop, **state),
            max_chains=max_chains,
            cancel=stop,
            at_release=at_release,
            **state,
        )
    _check(cancel)
    reachable = [g.id for g in analysis.goals if g.reachable]
    optimization = None
    frontier: tuple[FrontierPoint, ...] = ()
    opt_state = {
        "profile": profile,
        "at_release": at_release,
        "switch_on": switch_on,
        "switch_off": switch_off,
    }
    if reachable:
        optimization = optimal_mitigations(
            model, goals=reachable, time_limit=time_limit, **opt_state
        )
        _check(cancel)
        frontier = pareto_frontier(
            model, goals=[g.id for g in analysis.goals], time_limit=time_limit, **opt_state
        )
    total = math.fsum(g.impact for g in analysis.goals if g.reachable)
    _check(cancel)
    timeline = release_timeline(
        model, profile=profile, goals=goals, max_chains=max_chains, cancel=stop
    )
    profiles = []
    for prof in model.profiles.values():
        result = analyze(
            model,
            at_release=at_release,
            max_chains=max_chains,
            cancel=stop,
            depth=False,
            **{**state, "profile": prof.id},
        )
        count, exact = _open_count(result)
        profiles.append(
            ProfileRow(
                prof.id,
                prof.label,
                tuple(prof.effective_access),
                prof.effective_max_skill,
                count,
                exact,
                tuple(g.id for g in result.goals if g.reachable),
            )
        )
    _check(cancel)
    return ReportData(
        analysis,
        switch_on,
        switch_off,
        optimization,
        tuple(frontier),
        total,
        timeline,
        tuple(profiles),
    )
