"""Analyses of attack-graph models: achievability, chains and the
mitigations that break them, choke points, what-if, profiles, releases and
optimal mitigation sets. Pure Python, Qt-free; results are frozen dataclasses.

Modules: :mod:`~.compiled` (integer-indexed snapshot, least fixpoint),
:mod:`~.scenario` (in-effect mitigations, profile, release),
:mod:`~.search` (best-first chain enumeration), :mod:`~.necessity`
(single blockers that cut a node: choke points, "this mitigation alone"),
:mod:`~.analyze` (the analysis), :mod:`~.program` and :mod:`~.optimize`
(optimal mitigation sets), :mod:`~.whatif` (incremental switches), :mod:`~.timeline` (releases),
:mod:`~.depth` (defence in depth), :mod:`~.exact` (exact sums and the solver's scaling).
"""

from attackgraph.analysis.analyze import analyze, open_chains, select_goals
from attackgraph.analysis.depth import DepthResult, GoalDepth
from attackgraph.analysis.optimize import (
    FrontierPoint,
    Optimization,
    optimal_mitigations,
    pareto_frontier,
)
from attackgraph.analysis.results import (
    Analysis,
    ChainResult,
    GoalResult,
    MitigationResult,
    chain_key,
    unlisted_chain_name,
)
from attackgraph.analysis.scenario import Scenario, resolve_scenario
from attackgraph.analysis.timeline import ReleaseState, release_timeline
from attackgraph.analysis.whatif import WhatIf, WhatIfChange

__all__ = [
    "Analysis",
    "ChainResult",
    "DepthResult",
    "FrontierPoint",
    "GoalDepth",
    "GoalResult",
    "MitigationResult",
    "Optimization",
    "ReleaseState",
    "Scenario",
    "WhatIf",
    "WhatIfChange",
    "analyze",
    "chain_key",
    "open_chains",
    "optimal_mitigations",
    "pareto_frontier",
    "release_timeline",
    "resolve_scenario",
    "select_goals",
    "unlisted_chain_name",
]
