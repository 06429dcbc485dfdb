"""Immutable results of the analyses; the CLI and the GUI only format them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from attackgraph.analysis.depth import DepthResult

__all__ = [
    "Analysis",
    "ChainResult",
    "GoalResult",
    "MitigationResult",
    "chain_key",
    "unlisted_chain_name",
]


def chain_key(nodes: Iterable[str]) -> str:
    """A chain's stable identity: 12 hex digits of a SHA-256 of its sorted node ids.

    The same node set has the same key in every scenario (profile, release,
    what-if) and in every run, whatever its rank in the listing.

    Examples
    --------
    >>> chain_key(["E1", "S1", "G1"]) == chain_key(["G1", "E1", "S1"])
    True
    >>> len(chain_key(["E1", "G1"]))
    12
    """
    text = "\n".join(sorted(nodes))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def unlisted_chain_name(key: str) -> str:
    """The name of a chain that the whole model's analysis does not list
    (it was cut by ``--max-chains``): ``C-`` and the key's first 6 digits.

    Examples
    --------
    >>> unlisted_chain_name("3fa2b1c0d9e8")
    'C-3fa2b1'
    """
    return f"C-{key[:6]}"


@dataclass(frozen=True, slots=True)
class ChainResult:
    """One chain: a minimal node set that achieves a goal.

    Attributes
    ----------
    id : str
        ``C1``, ``C2``, ... in listing order.
    goal : str
        The goal it achieves.
    nodes : tuple of str
        Its nodes in an enabling order (each after the nodes that enable it).
    cost : float
        Sum of the nodes' costs.
    probability : float
        Product of the nodes' probabilities, times ``1 - effectiveness`` for
        each in-effect partial mitigation blocking one of its nodes.
    open : bool
        No in-effect mitigation breaks it and no node of it is fixed.
    broken_by : tuple of str
        Every mitigation of effectiveness 1 blocking one of its nodes, sorted.
    key : str
        Its stable identity (:func:`chain_key` of its nodes).
    """

    id: str
    goal: str
    nodes: tuple[str, ...]
    cost: float
    probability: float
    open: bool
    broken_by: tuple[str, ...]

    @property
    def key(self) -> str:
        """Its stable identity, the same in every scenario (:func:`chain_key`)."""
        return chain_key(self.nodes)

    def to_json(self) -> dict[str, Any]:
        """The chain as the ``analyze --format json`` contract writes it (plus
        ``key``, an added field)."""
        return {
            "id": self.id,
            "goal": self.goal,
            "nodes": list(self.nodes),
            "cost": self.cost,
            "probability": self.probability,
            "open": self.open,
            "broken_by": list(self.broken_by),
            "key": self.key,
        }


@dataclass(frozen=True, slots=True)
class GoalResult:
    """The state of one goal.

    Attributes
    ----------
    id, label : str
        The goal node.
    impact : float
        The goal's impact.
    reachable : bool
        Allowed and in A(B): it has an open chain.
    chains, open_chains : int or None
        Number of chains (open chains) of the goal; None when the
        enumeration stopped before finding them all.
    choke_points : tuple of str
        Nodes other than the goal in every chain of it, sorted.
    """

    id: str
    label: str
    impact: float
    reachable: bool
    chains: int | None
    open_chains: int | None
    choke_points: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The goal as the ``analyze --format json`` contract writes it."""
        return {
            "id": self.id,
            "label": self.label,
            "reachable": self.reachable,
            "chains": self.chains,
            "open_chains": self.open_chains,
            "choke_points": list(self.choke_points),
        }


@dataclass(frozen=True, slots=True)
class MitigationResult:
    """What one mitigation does.

    Attributes
    ----------
    id, label : str
        The mitigation.
    in_effect : bool
        Whether it is in effect in the analysed state.
    full : bool
        Effectiveness 1 (it breaks chains rather than lowering probability).
    cost : float
        Defender cost.
    breaks : tuple of str
        Listed chains it breaks, in chain order.
    makes_unreachable : tuple of str
        Goals, reachable now, that become unreachable when this mitigation
        alone is switched on (empty for in-effect or partial mitigations).
    """

    id: str
    label: str
    in_effect: bool
    full: bool
    cost: float
    breaks: tuple[str, ...]
    makes_unreachable: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The mitigation as the ``analyze --format json`` contract writes it."""
        return {
            "id": self.id,
            "label": self.label,
            "in_effect": self.in_effect,
            "breaks": list(self.breaks),
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    """The analysis of a model in one state.

    Attributes
    ----------
    title : str
        Model title.
    profile : str or None
        Attacker profile id.
    at_release : str or None
        Release id.
    in_effect : tuple of str
        In-effect mitigation ids, file order.
    goals : tuple of GoalResult
        The analysed goals, file order.
    chains : tuple of ChainResult
        The cheapest chains, in the contract's order.
    truncated : bool
        Whether more chains exist than are listed.
    mitigations : tuple of MitigationResult
        Every mitigation, file order.
    ties_approximate : bool
        Whether the chains at the listing's cut are tied (to 12 significant
        digits) with unlisted ones and their order within the tie is not
        proven exact (JSON ``order_within_ties``: ``approximate``).
    depth : DepthResult or None
        Defence in depth of each goal and listed chain, when computed.
    warnings : tuple of str
        Sentences about a result that is not complete, e.g. the chain search
        reached its memory or time limit (then ``truncated`` is true).
    """

    title: str
    profile: str | None
    at_release: str | None
    in_effect: tuple[str, ...]
    goals: tuple[GoalResult, ...]
    chains: tuple[ChainResult, ...]
    truncated: bool
    mitigations: tuple[MitigationResult, ...]
    ties_approximate: bool = False
    depth: DepthResult | None = None
    warnings: tuple[str, ...] = ()

    def goal(self, goal_id: str) -> GoalResult:
        """The result of one goal (``KeyError`` if it was not analysed)."""
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        raise KeyError(goal_id)

    def chain(self, chain_id: str) -> ChainResult:
        """One listed chain by id (``KeyError`` if it is not listed)."""
        for chain in self.chains:
            if chain.id == chain_id:
                return chain
        raise KeyError(chain_id)

    def chain_names(self) -> dict[str, str]:
        """Each listed chain's id by its :attr:`ChainResult.key`."""
        return {chain.key: chain.id for chain in self.chains}

    def named_as(self, names: Mapping[str, str]) -> Analysis:
        """The same analysis with every chain named as ``names`` says.

        ``names`` maps chain keys to ids, normally the whole model's analysis
        (:meth:`chain_names` of the base scenario: no profile, release or
        what-if), so that a chain has one name in every view whatever the
        view's profile, release or switches; a chain missing from ``names``
        is named by :func:`unlisted_chain_name`. The listing order stays this
        analysis's order; ``mitigations[].breaks`` follow the new names.
        """
        renamed = {c.id: names.get(c.key) or unlisted_chain_name(c.key) for c in self.chains}
        if all(old == new for old, new in renamed.items()):
            return self
        chains = tuple(replace(c, id=renamed[c.id]) for c in self.chains)
        mitigations = tuple(
            replace(m, breaks=tuple(renamed.get(c, c) for c in m.breaks)) for m in self.mitigations
        )
        return replace(self, chains=chains, mitigations=mitigations)

    def mitigation(self, mit_id: str) -> MitigationResult:
        """The result of one mitigation (``KeyError`` if unknown)."""
        for mit in self.mitigations:
            if mit.id == mit_id:
                return mit
        raise KeyError(mit_id)

    def to_json(self) -> dict[str, Any]:
        """The whole analysis as the ``analyze --format json`` contract writes it."""
        return {
            "schema": "attackgraph.analysis/1",
            "title": self.title,
            "profile": self.profile,
            "in_effect": list(self.in_effect),
            "goals": [g.to_json() for g in self.goals],
            "chains": [c.to_json() for c in self.chains],
            "truncated": self.truncated,
            "mitigations": [m.to_json() for m in self.mitigations],
            "order_within_ties": "approximate" if self.ties_approximate else "exact",
            **({} if self.depth is None else {"depth": self.depth.to_json()}),
            **({"warnings": list(self.warnings)} if self.warnings else {}),
        }
