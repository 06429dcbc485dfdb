"""What the presentation shows, as plain values built from the session's
analysis: one chain step by step (:class:`ChainView`), or the releases one
by one (:class:`ReleaseView`). The painter draws these; the window builds
them and hit-tests what was drawn."""

from __future__ import annotations

from dataclasses import dataclass, field

from attackgraph.analysis import Analysis, ChainResult, ReleaseState
from attackgraph.model import AttackModel, Component, Node

__all__ = ["ChainView", "Defence", "ReleaseView", "build_chain_view"]


@dataclass(frozen=True)
class Defence:
    """A mitigation the room can switch: its key, name and effect."""

    key: int
    id: str
    label: str
    on: bool
    partial: bool
    effectiveness: float
    blocks: tuple[int, ...]
    """Positions in the chain of the steps it blocks."""


@dataclass(frozen=True)
class ChainView:
    """One chain on screen.

    Attributes
    ----------
    kicker : str
        The small line above the title (story position, scene).
    title : str
        The big line.
    chain : ChainResult
        The chain in the shown state.
    steps : tuple of Node
        Its nodes in order.
    components : dict
        Component of each step that has one.
    colours : dict
        Component id to colour ``#rrggbb``.
    step : int
        The current step (0-based).
    broken_at : int or None
        The first step an in-effect mitigation blocks (or a release fixed).
    defences : tuple of Defence
        The mitigations that touch the chain, numbered from 1.
    context : str
        Profile, release and what-if in words.
    fixed : frozenset of int
        Steps the shown release removed.
    """

    kicker: str
    title: str
    chain: ChainResult
    steps: tuple[Node, ...]
    components: dict[str, Component]
    colours: dict[str, str]
    step: int
    broken_at: int | None
    defences: tuple[Defence, ...]
    context: str
    fixed: frozenset[int] = field(default_factory=frozenset)

    @property
    def current(self) -> Node:
        """The step shown large."""
        return self.steps[self.step]

    def blocking(self, index: int) -> list[Defence]:
        """In-effect full defences that block step ``index``."""
        return [d for d in self.defences if d.on and not d.partial and index in d.blocks]


@dataclass(frozen=True)
class ReleaseView:
    """The release timeline, one release at a time."""

    kicker: str
    title: str
    states: tuple[ReleaseState, ...]
    step: int
    labels: dict[str, str]
    """Mitigation and goal labels by id."""
    before: int | None
    """Open chains as deployed (before the first release), when known."""

    @property
    def current(self) -> ReleaseState:
        """The release shown large."""
        return self.states[self.step]


def build_chain_view(
    model: AttackModel,
    analysis: Analysis,
    chain: ChainResult,
    *,
    step: int,
    kicker: str,
    title: str,
    context: str,
    partial: tuple[str, ...] = (),
    colours: dict[str, str] | None = None,
) -> ChainView:
    """The view of ``chain`` (from ``analysis`` of ``model``) at ``step``.

    Parameters
    ----------
    partial : tuple of str
        The partial mitigations touching the chain (after the full ones in
        the numbering).
    """
    steps = tuple(model.nodes[n] for n in chain.nodes if n in model.nodes)
    position = {node.id: i for i, node in enumerate(steps)}
    in_effect = set(analysis.in_effect)
    defences = []
    for mit_id in (*chain.broken_by, *partial):
        mit = model.mitigations.get(mit_id)
        if mit is None or len(defences) >= 9:
            continue
        defences.append(
            Defence(
                len(defences) + 1,
                mit.id,
                mit.label,
                mit.id in in_effect,
                not mit.is_full,
                mit.effective_effectiveness,
                tuple(sorted(position[n] for n in mit.blocks if n in position)),
            )
        )
    fixed_release = analysis.at_release
    fixed: set[int] = set()
    if fixed_release is not None:
        limit = model.release_index(fixed_release)
        for i, node in enumerate(steps):
            if node.release_fixed is not None and model.release_index(node.release_fixed) <= limit:
                fixed.add(i)
    blocked = {i for d in defences if d.on and not d.partial for i in d.blocks} | fixed
    comps = {
        node.id: model.components[node.component]
        for node in steps
        if node.component in model.components
    }
    return ChainView(
        kicker,
        title,
        chain,
        steps,
        comps,
        colours or {},
        max(0, min(step, len(steps) - 1)),
        min(blocked) if blocked else None,
        tuple(defences),
        context,
        frozenset(fixed),
    )
