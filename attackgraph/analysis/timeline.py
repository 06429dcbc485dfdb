"""The release timeline: how chains close release by release."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from attackgraph.analysis.analyze import analyze
from attackgraph.analysis.compiled import compile_model
from attackgraph.model import AttackModel

__all__ = ["ReleaseState", "release_timeline"]


@dataclass(frozen=True, slots=True)
class ReleaseState:
    """The model's state at one release.

    Attributes
    ----------
    release, label : str
        The release.
    date : str or None
        Its date (``YYYY-MM-DD``), when the model gives one.
    open_chains : int or None
        Open chains to the followed goals; None when there were too many to
        count within the chain limit.
    reachable_goals : tuple of str
        Followed goals still reachable, file order.
    in_effect : tuple of str
        Mitigations in effect at this release, file order.
    new_mitigations : tuple of str
        In-effect mitigations that this release ships (their ``release``).
    closed_chains : tuple of tuple of str
        Node sets (sorted ids) of the chains open at the previous release
        and no longer open here (among the listed chains).
    min_depth : int or None
        Defence in depth: the least number of in-effect mitigations to
        defeat to reopen a followed goal (0 when one is reachable; None when
        no defeat of mitigations reopens any).
    depths : tuple of (str, int or None)
        The depth of each followed goal, file order.
    """

    release: str
    label: str
    date: str | None
    open_chains: int | None
    reachable_goals: tuple[str, ...]
    in_effect: tuple[str, ...]
    new_mitigations: tuple[str, ...]
    closed_chains: tuple[tuple[str, ...], ...]
    min_depth: int | None = None
    depths: tuple[tuple[str, int | None], ...] = ()


def release_timeline(
    model: AttackModel,
    *,
    profile: str | None = None,
    goals: Sequence[str] | None = None,
    max_chains: int = 1000,
    cancel: Callable[[], bool] | None = None,
) -> tuple[ReleaseState, ...]:
    """The state at every release of a model, oldest first.

    Parameters
    ----------
    model : AttackModel
        The model.
    profile : str, optional
        Attacker profile.
    goals : sequence of str, optional
        Goals to follow (default: every goal).
    max_chains : int
        Chain limit of each release's analysis.
    cancel : callable, optional
        As for :func:`~attackgraph.analysis.analyze`.

    Returns
    -------
    tuple of ReleaseState
        One per release; empty for a model without releases.

    Examples
    --------
    >>> from attackgraph.model import AttackModel, Node, Edge, Mitigation, Release
    >>> m = AttackModel("demo")
    >>> m.add_all(nodes=[Node("E", "entry", "e"), Node("G", "goal", "g")],
    ...           edges=[Edge("E", "G")], releases=[Release("r1", "1"), Release("r2", "2")],
    ...           mitigations=[Mitigation("M", "fix", ("E",), release="r2")])
    >>> [(s.release, s.open_chains, s.new_mitigations) for s in release_timeline(m)]
    [('r1', 1, ()), ('r2', 0, ('M',))]
    """
    graph = compile_model(model)
    states: list[ReleaseState] = []
    previous_open: set[tuple[str, ...]] = set()
    for release in model.releases.values():
        result = analyze(
            model,
            profile=profile,
            goals=goals,
            at_release=release.id,
            max_chains=max_chains,
            graph=graph,
            cancel=cancel,
        )
        counts = [g.open_chains for g in result.goals]
        now_open = {tuple(sorted(c.nodes)) for c in result.chains if c.open}
        listed = {tuple(sorted(c.nodes)) for c in result.chains}
        states.append(
            ReleaseState(
                release=release.id,
                label=release.label,
                date=release.date,
                open_chains=None if None in counts else sum(c for c in counts if c is not None),
                reachable_goals=tuple(g.id for g in result.goals if g.reachable),
                in_effect=result.in_effect,
                new_mitigations=tuple(
                    m for m in result.in_effect if model.mitigations[m].release == release.id
                ),
                closed_chains=tuple(sorted(c for c in previous_open - now_open if c in listed)),
                min_depth=result.depth.minimum if result.depth else None,
                depths=tuple((d.goal, d.depth) for d in result.depth.goals) if result.depth else (),
            )
        )
        previous_open = now_open
    return tuple(states)
