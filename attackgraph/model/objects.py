"""Plain, immutable domain objects: components, nodes, edges, mitigations,
profiles and releases, exactly as the format specification defines them.

Optional keys that a file leaves out are ``None`` here, so that a model
re-saves exactly as it was read; the ``effective_*`` properties give the
specification's defaults. ``extras`` keeps ``x-`` keys in file order.
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from attackgraph.errors import ModelError
from attackgraph.model.schema import (
    ACCESS_VALUES,
    COMPONENT_FIELDS,
    EDGE_FIELDS,
    MITIGATION_FIELDS,
    NODE_FIELDS,
    PROFILE_FIELDS,
    RELEASE_FIELDS,
    Field,
)

__all__ = ["Component", "Edge", "Mitigation", "ModelObject", "Node", "Profile", "Release"]

Number = int | float
_LIST_TYPES = ("strings", "ids", "enums")


_NAMES: dict[type, tuple[frozenset[str], tuple[str, ...]]] = {}


def _names(cls: type[ModelObject]) -> tuple[frozenset[str], tuple[str, ...]]:
    """A kind's field names, and those that hold lists (cached)."""
    found = (
        frozenset(spec.name for spec in cls.FIELDS),
        tuple(spec.name for spec in cls.FIELDS if spec.type in _LIST_TYPES),
    )
    _NAMES[cls] = found
    return found


@dataclass(frozen=True, slots=True)
class ModelObject:
    """Base of the domain objects: conversion to and from the format's dicts."""

    FIELDS: ClassVar[tuple[Field, ...]] = ()
    KIND: ClassVar[str] = "object"

    def to_dict(self) -> dict[str, Any]:
        """The object as the format writes it: keys in specification order,
        absent optional keys left out, then the ``x-`` keys.

        Returns
        -------
        dict
            A fresh, JSON-compatible dict.
        """
        out: dict[str, Any] = {}
        for spec in self.FIELDS:
            value = getattr(self, spec.name)
            if value is None:
                continue
            out[spec.name] = list(value) if spec.type in _LIST_TYPES else value
        out.update(getattr(self, "extras", {}))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Build from a dict that has passed validation.

        Parameters
        ----------
        data : Mapping
            The object's keys; ``x-`` keys go to ``extras``.

        Returns
        -------
        ModelObject
            The object (unchecked: validate the document first).
        """
        names, lists = _NAMES.get(cls) or _names(cls)
        if data.keys() <= names:  # the common case: no extension keys
            kwargs: dict[str, Any] = dict(data)
        else:
            kwargs = {k: v for k, v in data.items() if k in names}
            extras = {k: v for k, v in data.items() if isinstance(k, str) and k.startswith("x-")}
            if extras:
                kwargs["extras"] = extras
        for name in lists:
            if name in kwargs:
                kwargs[name] = tuple(kwargs[name])
        return cls(**kwargs)

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (lists given as any sequence).

        Raises
        ------
        ModelError
            A name is not a field of this kind of object.
        """
        known = {f.name for f in dataclasses.fields(self)}
        for name in changes:
            if name not in known:
                raise ModelError(
                    f"A {self.KIND} has no field {name!r}; its fields are "
                    f"{', '.join(sorted(known))}."
                )
        for spec in self.FIELDS:
            if spec.type in _LIST_TYPES and changes.get(spec.name) is not None:
                changes[spec.name] = tuple(changes[spec.name])
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Component(ModelObject):
    """A system part where steps happen (cloud service, device layer, ...)."""

    FIELDS: ClassVar[tuple[Field, ...]] = COMPONENT_FIELDS
    KIND: ClassVar[str] = "component"

    id: str
    label: str
    kind: str
    parent: str | None = None
    description: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict, compare=True)


@dataclass(frozen=True, slots=True)
class Node(ModelObject):
    """An entry, step or goal of the attack graph."""

    FIELDS: ClassVar[tuple[Field, ...]] = NODE_FIELDS
    KIND: ClassVar[str] = "node"

    id: str
    kind: str
    label: str
    component: str | None = None
    gate: str | None = None
    access: str | None = None
    skill: str | None = None
    cost: Number | None = None
    probability: Number | None = None
    impact: Number | None = None
    techniques: tuple[str, ...] | None = None
    refs: tuple[str, ...] | None = None
    release_fixed: str | None = None
    description: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def effective_gate(self) -> str:
        """``and`` or ``or`` (the default, and what an entry behaves as)."""
        return self.gate or "or"

    @property
    def effective_cost(self) -> float:
        """Attacker effort, default 1."""
        return 1.0 if self.cost is None else float(self.cost)

    @property
    def effective_probability(self) -> float:
        """Chance of success when tried, default 1."""
        return 1.0 if self.probability is None else float(self.probability)

    @property
    def effective_impact(self) -> float:
        """Weight of a goal's outcome, default 1."""
        return 1.0 if self.impact is None else float(self.impact)


@dataclass(frozen=True, slots=True)
class Edge(ModelObject):
    """``source`` enables ``target`` (subject to the target's gate)."""

    FIELDS: ClassVar[tuple[Field, ...]] = EDGE_FIELDS
    KIND: ClassVar[str] = "edge"

    source: str
    target: str
    label: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        """``(source, target)``, unique among a model's edges."""
        return (self.source, self.target)


@dataclass(frozen=True, slots=True)
class Mitigation(ModelObject):
    """A defence and the nodes it blocks."""

    FIELDS: ClassVar[tuple[Field, ...]] = MITIGATION_FIELDS
    KIND: ClassVar[str] = "mitigation"

    id: str
    label: str
    blocks: tuple[str, ...]
    cost: Number | None = None
    effectiveness: Number | None = None
    status: str | None = None
    release: str | None = None
    property: str | None = None
    refs: tuple[str, ...] | None = None
    description: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    @builtins.property
    def effective_cost(self) -> float:
        """Defender cost, default 1."""
        return 1.0 if self.cost is None else float(self.cost)

    @builtins.property
    def effective_effectiveness(self) -> float:
        """1 blocks fully; below 1 only lowers chain probability. Default 1."""
        return 1.0 if self.effectiveness is None else float(self.effectiveness)

    @builtins.property
    def effective_status(self) -> str:
        """``proposed`` (default), ``planned`` or ``deployed``."""
        return self.status or "proposed"

    @builtins.property
    def is_full(self) -> bool:
        """Whether this mitigation makes its blocked nodes unachievable."""
        return self.effective_effectiveness >= 1.0


@dataclass(frozen=True, slots=True)
class Profile(ModelObject):
    """An attacker profile: the positions it reaches and its top skill."""

    FIELDS: ClassVar[tuple[Field, ...]] = PROFILE_FIELDS
    KIND: ClassVar[str] = "profile"

    id: str
    label: str
    access: tuple[str, ...] | None = None
    max_skill: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def effective_access(self) -> tuple[str, ...]:
        """The positions this attacker reaches (default: all four)."""
        return ACCESS_VALUES if self.access is None else self.access

    @property
    def effective_max_skill(self) -> str:
        """The highest skill this attacker has (default ``expert``)."""
        return self.max_skill or "expert"


@dataclass(frozen=True, slots=True)
class Release(ModelObject):
    """A product release; a model's releases are ordered oldest first."""

    FIELDS: ClassVar[tuple[Field, ...]] = RELEASE_FIELDS
    KIND: ClassVar[str] = "release"

    id: str
    label: str
    date: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)
