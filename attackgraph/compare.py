"""The semantic difference between two models, and what it does to the analysis.

:func:`diff_models` compares by id (components, nodes, mitigations, profiles,
releases; edges by source and target) with field-level changes, and then
analyses both models: chains opened and closed (a chain is its goal and its
node set, whatever its ``C`` number), goals newly reachable or newly safe,
and the change in the cost of the optimal mitigation set. Canvas positions
(``layout``) are not part of a model's meaning and are not compared; the
order of releases is. Results are frozen dataclasses; Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from attackgraph.analysis import Analysis, ChainResult, analyze, optimal_mitigations
from attackgraph.model import AttackModel
from attackgraph.model.objects import ModelObject

__all__ = [
    "KINDS",
    "AnalysisDiff",
    "ChainChange",
    "FieldChange",
    "ModelDiff",
    "ObjectChange",
    "diff_models",
]

KINDS = ("model", "components", "nodes", "edges", "mitigations", "profiles", "releases")
"""The groups of a diff, in the order reports show them."""


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one object: ``old`` and ``new`` values (None: absent)."""

    field: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        """``{"field", "old", "new"}``."""
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True, slots=True)
class ObjectChange:
    """An object added, removed or changed.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    key : str
        The id (``source -> target`` for an edge, the field for ``model``).
    change : {"added", "removed", "changed"}
    fields : tuple of FieldChange
        For ``changed``: the fields that differ, in specification order.
    label : str
        The object's label (new one if it has both), for readers.
    """

    kind: str
    key: str
    change: str
    fields: tuple[FieldChange, ...] = ()
    label: str = ""

    def to_json(self) -> dict[str, Any]:
        """The change as ``diff --format json`` writes it."""
        out: dict[str, Any] = {"id": self.key, "change": self.change}
        if self.kind == "edges":
            source, target = self.key.split(" -> ")
            out = {"source": source, "target": target, "change": self.change}
        if self.label:
            out["label"] = self.label
        if self.fields:
            out["fields"] = [f.to_json() for f in self.fields]
        return out


@dataclass(frozen=True, slots=True)
class ChainChange:
    """A chain that opened or closed between the two models.

    Attributes
    ----------
    goal : str
    nodes : tuple of str
        In enabling order.
    old_id, new_id : str or None
        Its listed id in each analysis (None where it does not exist).
    reason : str
        Why it closed or opened, in words.
    """

    goal: str
    nodes: tuple[str, ...]
    old_id: str | None
    new_id: str | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        """The chain as ``diff --format json`` writes it."""
        return {
            "goal": self.goal,
            "nodes": list(self.nodes),
            "old_id": self.old_id,
            "new_id": self.new_id,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class AnalysisDiff:
    """How the analysis changed (deployed defences, every goal).

    Attributes
    ----------
    opened, closed : tuple of ChainChange
        Chains open now that were not, and chains no longer open.
    newly_reachable, newly_safe : tuple of str
        Goals reachable now and not before; reachable before and not now
        (goals removed from the model are model changes, not listed here).
    old_open, new_open : int
        Open listed chains in each model.
    old_cost, new_cost : float or None
        Cost of the optimal set protecting every goal (None: infeasible).
    complete : bool
        Whether both analyses listed every chain.
    """

    opened: tuple[ChainChange, ...]
    closed: tuple[ChainChange, ...]
    newly_reachable: tuple[str, ...]
    newly_safe: tuple[str, ...]
    old_open: int
    new_open: int
    old_cost: float | None
    new_cost: float | None
    complete: bool

    @property
    def cost_change(self) -> float | None:
        """``new_cost - old_cost`` (None if either is infeasible)."""
        if self.old_cost is None or self.new_cost is None:
            return None
        return self.new_cost - self.old_cost

    @property
    def changed(self) -> bool:
        """Whether any analysis figure differs."""
        return bool(
            self.opened
            or self.closed
            or self.newly_reachable
            or self.newly_safe
            or self.old_cost != self.new_cost
        )

    def to_json(self) -> dict[str, Any]:
        """The analysis change as ``diff --format json`` writes it."""
        return {
            "chains_opened": [c.to_json() for c in self.opened],
            "chains_closed": [c.to_json() for c in self.closed],
            "goals_newly_reachable": list(self.newly_reachable),
            "goals_newly_safe": list(self.newly_safe),
            "open_chains": {"old": self.old_open, "new": self.new_open},
            "optimal_cost": {
                "old": self.old_cost,
                "new": self.new_cost,
                "change": self.cost_change,
            },
            "complete": self.complete,
        }


@dataclass(frozen=True, slots=True)
class ModelDiff:
    """The difference between two models.

    Attributes
    ----------
    old_title, new_title : str
    changes : tuple of ObjectChange
        Grouped by :data:`KINDS`, each group in file order (removed objects
        in the old file's order after the others).
    analysis : AnalysisDiff or None
        None when the analysis was not asked for.
    """

    old_title: str
    new_title: str
    changes: tuple[ObjectChange, ...]
    analysis: AnalysisDiff | None

    @property
    def same(self) -> bool:
        """Whether the models mean the same (layout aside)."""
        return not self.changes

    def of_kind(self, kind: str) -> tuple[ObjectChange, ...]:
        """The changes of one group of :data:`KINDS`."""
        return tuple(c for c in self.changes if c.kind == kind)

    def to_json(self) -> dict[str, Any]:
        """The whole diff as ``diff --format json`` writes it."""
        model: dict[str, Any] = {}
        for kind in KINDS:
            items = self.of_kind(kind)
            if kind == "model":
                model["model"] = [f.to_json() for c in items for f in c.fields]
            else:
                model[kind] = [c.to_json() for c in items]
        return {
            "schema": "attackgraph.diff/1",
            "same": self.same,
            "old_title": self.old_title,
            "new_title": self.new_title,
            "model": model,
            "analysis": None if self.analysis is None else self.analysis.to_json(),
        }


def _fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    keys = list(new) + [k for k in old if k not in new]
    return tuple(FieldChange(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k))


def _objects(
    kind: str,
    old: Mapping[str, ModelObject],
    new: Mapping[str, ModelObject],
) -> list[ObjectChange]:
    out = []
    for key, obj in new.items():
        label = str(getattr(obj, "label", "") or "")
        if key not in old:
            out.append(ObjectChange(kind, key, "added", label=label))
            continue
        fields = _fields(old[key].to_dict(), obj.to_dict())
        if fields:
            out.append(ObjectChange(kind, key, "changed", fields, label))
    out += [
        ObjectChange(kind, key, "removed", label=str(getattr(obj, "label", "") or ""))
        for key, obj in old.items()
        if key not in new
    ]
    return out


def _model_fields(old: AttackModel, new: AttackModel) -> list[ObjectChange]:
    before = {"title": old.title, "description": old.description, **old.extras}
    after = {"title": new.title, "description": new.description, **new.extras}
    fields = list(_fields(before, after))
    common_old = [r for r in old.releases if r in new.releases]
    common_new = [r for r in new.releases if r in old.releases]
    if common_old != common_new:
        fields.append(FieldChange("release order", list(old.releases), list(new.releases)))
    return [ObjectChange("model", f.field, "changed", (f,)) for f in fields]


def _chain_key(chain: ChainResult) -> tuple[str, frozenset[str]]:
    return chain.goal, frozenset(chain.nodes)


def _optimal_cost(model: AttackModel, time_limit: float) -> float | None:
    result = optimal_mitigations(model, time_limit=time_limit)
    return None if result.cost is None else float(result.cost)


def _analysis_diff(
    old_model: AttackModel, new_model: AttackModel, old: Analysis, new: Analysis, time_limit: float
) -> AnalysisDiff:
    old_chains = {_chain_key(c): c for c in old.chains}
    new_chains = {_chain_key(c): c for c in new.chains}
    old_open = {k for k, c in old_chains.items() if c.open}
    new_open = {k for k, c in new_chains.items() if c.open}
    new_effect = set(new.in_effect)
    opened, closed = [], []
    for key, chain in new_chains.items():
        if key in new_open and key not in old_open:
            before = old_chains.get(key)
            if before is None:
                reason = "a new chain"
            else:
                gone = sorted(set(old.in_effect) & set(before.broken_by) - new_effect)
                reason = ("no longer broken by " + ", ".join(gone)) if gone else "reopened"
            opened.append(
                ChainChange(
                    chain.goal, chain.nodes, before.id if before else None, chain.id, reason
                )
            )
    for key, chain in old_chains.items():
        if key in old_open and key not in new_open:
            after = new_chains.get(key)
            if after is None:
                reason = "the chain no longer exists"
            else:
                now = sorted(new_effect & set(after.broken_by))
                reason = ("now broken by " + ", ".join(now)) if now else "now fixed or blocked"
            closed.append(
                ChainChange(chain.goal, chain.nodes, chain.id, after.id if after else None, reason)
            )
    old_reach = {g.id for g in old.goals if g.reachable}
    new_reach = {g.id for g in new.goals if g.reachable}
    new_goals = {g.id for g in new.goals}
    return AnalysisDiff(
        opened=tuple(opened),
        closed=tuple(closed),
        newly_reachable=tuple(g.id for g in new.goals if g.id in new_reach - old_reach),
        newly_safe=tuple(
            g.id for g in old.goals if g.id in old_reach - new_reach and g.id in new_goals
        ),
        old_open=len(old_open),
        new_open=len(new_open),
        old_cost=_optimal_cost(old_model, time_limit),
        new_cost=_optimal_cost(new_model, time_limit),
        complete=not (old.truncated or new.truncated),
    )


def diff_models(
    old: AttackModel,
    new: AttackModel,
    *,
    analysis: bool = True,
    max_chains: int = 1000,
    time_limit: float = 10.0,
    analyses: Sequence[Analysis] | None = None,
) -> ModelDiff:
    """Compare two models.

    Parameters
    ----------
    old, new : AttackModel
        The two versions.
    analysis : bool
        Also compare their analyses (deployed defences, every goal).
    max_chains : int
        Chains listed by each analysis.
    time_limit : float
        Seconds for each optimal-set computation.
    analyses : pair of Analysis, optional
        The two analyses, when the caller has them already.

    Returns
    -------
    ModelDiff

    Examples
    --------
    >>> from attackgraph.model import Edge, Node
    >>> a = AttackModel("m"); b = AttackModel("m")
    >>> for m in (a, b):
    ...     m.add_node(Node("E", "entry", "e")); m.add_node(Node("G", "goal", "g"))
    >>> b.add_edge(Edge("E", "G"))
    >>> d = diff_models(a, b)
    >>> [(c.kind, c.key, c.change) for c in d.changes], d.analysis.newly_reachable
    ([('edges', 'E -> G', 'added')], ('G',))
    """
    changes = _model_fields(old, new)
    changes += _objects("components", old.components, new.components)
    changes += _objects("nodes", old.nodes, new.nodes)
    old_edges = {f"{e.source} -> {e.target}": e for e in old.edges}
    new_edges = {f"{e.source} -> {e.target}": e for e in new.edges}
    changes += _objects("edges", old_edges, new_edges)
    changes += _objects("mitigations", old.mitigations, new.mitigations)
    changes += _objects("profiles", old.profiles, new.profiles)
    changes += _objects("releases", old.releases, new.releases)
    result = None
    if analysis:
        if analyses is None:
            analyses = (
                analyze(old, max_chains=max_chains, depth=False),
                analyze(new, max_chains=max_chains, depth=False),
            )
        result = _analysis_diff(old, new, analyses[0], analyses[1], time_limit)
    return ModelDiff(old.title, new.title, tuple(changes), result)
