"""The state an analysis looks at: in-effect mitigations, what-if switches,
an attacker profile and a release, resolved against a model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from attackgraph.analysis.compiled import CompiledGraph, compile_model
from attackgraph.errors import AnalysisError
from attackgraph.model import AttackModel
from attackgraph.model.schema import SKILLS

__all__ = ["Scenario", "check_ids", "resolve_scenario"]


def check_ids(kind: str, given: Iterable[str], valid: Sequence[str]) -> None:
    """Raise :class:`AnalysisError` naming the valid ids if one is unknown.

    Parameters
    ----------
    kind : str
        What the ids name (``"goal"``, ``"mitigation"``, ...).
    given : iterable of str
        The ids asked for.
    valid : sequence of str
        The ids the model has.

    Examples
    --------
    >>> check_ids("goal", ["G9"], ["G1", "G2"])
    Traceback (most recent call last):
    ...
    attackgraph.errors.AnalysisError: unknown goal 'G9'; valid goals: G1, G2
    """
    known = set(valid)
    for ident in given:
        if ident not in known:
            shown = ", ".join(valid) if valid else "(none)"
            if len(valid) > 40:
                shown = ", ".join(valid[:40]) + f", ... ({len(valid)} in all)"
            raise AnalysisError(f"unknown {kind} {ident!r}; valid {kind}s: {shown}")


@dataclass(frozen=True, slots=True)
class Scenario:
    """A model's state resolved for one analysis.

    Attributes
    ----------
    graph : CompiledGraph
        The compiled graph.
    profile : str or None
        The attacker profile id.
    at_release : str or None
        The release id.
    in_effect : tuple of str
        In-effect mitigation ids, file order.
    allowed : bytes
        ``1`` where the profile allows the node.
    fixed : bytes
        ``1`` where the node is fixed by ``at_release``.
    blocked : bytes
        The set B of the semantics: nodes blocked by in-effect mitigations
        of effectiveness 1, disallowed nodes and fixed nodes.
    mitigation_blocks : dict
        Node indices blocked by each mitigation id.
    full : dict
        Whether each mitigation has effectiveness 1.
    effectiveness : dict
        Effectiveness of each mitigation.
    """

    graph: CompiledGraph
    profile: str | None
    at_release: str | None
    in_effect: tuple[str, ...]
    allowed: bytes
    fixed: bytes
    blocked: bytes
    mitigation_blocks: dict[str, tuple[int, ...]]
    full: dict[str, bool]
    effectiveness: dict[str, float]

    def blocked_with(self, extra: Iterable[str]) -> bytearray:
        """B with the full mitigations ``extra`` switched on as well."""
        blocked = bytearray(self.blocked)
        for mit in extra:
            if self.full[mit]:
                for v in self.mitigation_blocks[mit]:
                    blocked[v] = 1
        return blocked

    @property
    def disallowed(self) -> bytearray:
        """The nodes the profile does not allow (B when chains are built)."""
        return bytearray(1 - a for a in self.allowed)


def _allowed(model: AttackModel, profile_id: str | None) -> bytearray:
    nodes = list(model.nodes.values())
    if profile_id is None:
        return bytearray(b"\x01" * len(nodes))
    profile = model.profiles[profile_id]
    access = set(profile.effective_access)
    top = SKILLS.index(profile.effective_max_skill)
    return bytearray(
        int(
            (node.access is None or node.access in access)
            and (node.skill is None or SKILLS.index(node.skill) <= top)
        )
        for node in nodes
    )


def resolve_scenario(
    model: AttackModel,
    *,
    profile: str | None = None,
    switch_on: Sequence[str] = (),
    switch_off: Sequence[str] = (),
    at_release: str | None = None,
    graph: CompiledGraph | None = None,
) -> Scenario:
    """Resolve what-if switches, a profile and a release against a model.

    Parameters
    ----------
    model : AttackModel
        The model.
    profile : str, optional
        Attacker profile id.
    switch_on, switch_off : sequence of str
        Mitigations switched on / off on top of the deployed ones.
    at_release : str, optional
        Release id: the state of the model at that release.
    graph : CompiledGraph, optional
        A compiled snapshot of ``model`` to reuse.

    Returns
    -------
    Scenario
        The resolved state.

    Raises
    ------
    AnalysisError
        For an unknown profile, mitigation or release id.
    """
    if profile is not None:
        check_ids("profile", [profile], list(model.profiles))
    check_ids("mitigation", [*switch_on, *switch_off], list(model.mitigations))
    if at_release is not None:
        check_ids("release", [at_release], list(model.releases))
    graph = graph or compile_model(model)
    release_index = None if at_release is None else model.release_index(at_release)
    base: list[str] = []
    for mit in model.mitigations.values():
        if release_index is None or mit.release is None:
            active = mit.effective_status == "deployed"
        else:
            active = model.release_index(mit.release) <= release_index
        if active:
            base.append(mit.id)
    on, off = set(switch_on), set(switch_off)
    in_effect = tuple(m for m in model.mitigations if (m in base or m in on) and m not in off)
    allowed = _allowed(model, profile)
    fixed = bytearray(len(graph.ids))
    if release_index is not None:
        for i, node in enumerate(model.nodes.values()):
            if (
                node.release_fixed is not None
                and model.release_index(node.release_fixed) <= release_index
            ):
                fixed[i] = 1
    blocks = {m.id: tuple(graph.index[v] for v in m.blocks) for m in model.mitigations.values()}
    full = {m.id: m.is_full for m in model.mitigations.values()}
    blocked = bytearray(1 - a for a in allowed)
    for v, f in enumerate(fixed):
        if f:
            blocked[v] = 1
    for mit in in_effect:
        if full[mit]:
            for v in blocks[mit]:
                blocked[v] = 1
    return Scenario(
        graph=graph,
        profile=profile,
        at_release=at_release,
        in_effect=in_effect,
        allowed=bytes(allowed),
        fixed=bytes(fixed),
        blocked=bytes(blocked),
        mitigation_blocks=blocks,
        full=full,
        effectiveness={m.id: m.effective_effectiveness for m in model.mitigations.values()},
    )
