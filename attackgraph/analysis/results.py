"""Immutable results of the analyses; the CLI and the GUI only format them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Analysis", "ChainResult", "GoalResult", "MitigationResult"]


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
    """

    id: str
    goal: str
    nodes: tuple[str, ...]
    cost: float
    probability: float
    open: bool
    broken_by: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The chain as the ``analyze --format json`` contract writes it."""
        return {"id": self.id, "goal": self.goal, "nodes": list(self.nodes), "cost": self.cost,
                "probability": self.probability, "open": self.open,
                "broken_by": list(self.broken_by)}


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
        return {"id": self.id, "label": self.label, "reachable": self.reachable,
                "chains": self.chains, "open_chains": self.open_chains,
                "choke_points": list(self.choke_points)}


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
        return {"id": self.id, "label": self.label, "in_effect": self.in_effect,
                "breaks": list(self.breaks)}


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
            **({"warnings": list(self.warnings)} if self.warnings else {}),
        }
