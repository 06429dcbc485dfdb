"""Turning an inspector edit into the undo command that makes it."""

from __future__ import annotations

from typing import Any

from attackgraph.gui.commands import (
    ModelCommand,
    RenameCommand,
    SetModelFieldCommand,
    UpdateCommand,
)
from attackgraph.model import AttackModel

__all__ = ["current_object", "edit_command"]


def current_object(model: AttackModel, kind: str, key: Any) -> Any:
    """The object an inspector shows, or None when it is gone."""
    if kind == "edge":
        return model.graph.edges[key]["edge"] if model.graph.has_edge(*key) else None
    store = {
        "node": model.nodes,
        "mitigation": model.mitigations,
        "component": model.components,
        "profile": model.profiles,
        "release": model.releases,
    }.get(kind)
    return None if store is None else store.get(key)


def edit_command(
    model: AttackModel, kind: str, key: Any, field: str, value: Any
) -> ModelCommand | None:
    """The command that sets one field, or None when nothing would change.

    Changing a node into an entry also drops its gate (entries have none),
    so the one edit the user made is one undo entry that the model accepts.
    """
    if kind == "model":
        if getattr(model, field) == value:
            return None
        return SetModelFieldCommand(model, field, value)
    obj = current_object(model, kind, key)
    if obj is None:
        return None
    if field == "id":
        if value == key:
            return None
        return RenameCommand(model, kind, key, value)
    if getattr(obj, field) == value:
        return None
    changes: dict[str, Any] = {field: value}
    if kind == "node" and field == "kind" and value == "entry" and obj.gate is not None:
        changes["gate"] = None
    label = getattr(obj, "label", None) or str(key)
    return UpdateCommand(
        model, kind, key, changes, text=f"Change {field.replace('_', ' ')} of {label[:40]!r}"
    )
