"""One name per chain in every view of a model.

The whole model's analysis (no profile, release, goal choice or what-if:
the base scenario of ``attackgraph analyze``) numbers its chains ``C1``,
``C2``, ... in listing order. A view in another scenario lists other chains
in another order; it names each chain by the whole model's id of the same
node set (matched by :func:`~attackgraph.analysis.results.chain_key`), so
"C7" is the same chain in the editor, the docks, the trainer and the
reports. A chain the whole model's analysis does not list (cut by
``max_chains``) is named ``C-`` and the first six digits of its key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from attackgraph.analysis.analyze import analyze
from attackgraph.analysis.compiled import CompiledGraph
from attackgraph.analysis.results import Analysis
from attackgraph.model import AttackModel

__all__ = ["is_base_scenario", "name_by_whole_model", "whole_model_names"]


def is_base_scenario(
    *,
    profile: str | None = None,
    at_release: str | None = None,
    goals: Sequence[str] | None = None,
    switch_on: Sequence[str] = (),
    switch_off: Sequence[str] = (),
) -> bool:
    """Whether these ``analyze`` options are the whole model's analysis."""
    return (
        profile is None
        and at_release is None
        and goals is None
        and not switch_on
        and not switch_off
    )


def whole_model_names(
    model: AttackModel,
    *,
    max_chains: int = 1000,
    graph: CompiledGraph | None = None,
    cancel: Callable[[], bool] | None = None,
) -> dict[str, str]:
    """The whole model's chain ids by chain key."""
    return analyze(
        model, max_chains=max_chains, graph=graph, cancel=cancel, depth=False
    ).chain_names()


def name_by_whole_model(
    model: AttackModel,
    analysis: Analysis,
    *,
    max_chains: int = 1000,
    cancel: Callable[[], bool] | None = None,
    **scenario: object,
) -> Analysis:
    """``analysis`` (made with the ``analyze`` options ``scenario``) with its
    chains named by the whole model's ids; unchanged for the base scenario."""
    if is_base_scenario(**scenario):  # type: ignore[arg-type]
        return analysis
    return analysis.named_as(whole_model_names(model, max_chains=max_chains, cancel=cancel))
