"""Undo commands: each changes the model through its API only.

A command does its work once in :meth:`ModelCommand.execute` (which may
raise :class:`~attackgraph.errors.ModelError` before anything is pushed);
the undo stack then calls ``undo``/``redo``, which replay a change already
known to be valid. Qt swallows exceptions raised inside ``redo``, so nothing
that can fail runs there the first time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from attackgraph.errors import ModelError
from attackgraph.model import AttackModel, Edge, Node, Removed

__all__ = [
    "AddEdgeCommand",
    "AddNodeCommand",
    "AddObjectCommand",
    "MacroCommand",
    "ModelCommand",
    "MoveNodesCommand",
    "MoveReleaseCommand",
    "NudgeNodesCommand",
    "RemoveEdgeCommand",
    "RemoveNodeCommand",
    "RemoveObjectCommand",
    "RenameCommand",
    "SetModelFieldCommand",
    "UpdateCommand",
]

_ADDERS = {
    "component": "add_component",
    "mitigation": "add_mitigation",
    "profile": "add_profile",
    "release": "add_release",
}


class ModelCommand(QUndoCommand):
    """Base: ``_do`` and ``_undo`` change the model; the first ``redo`` is
    the work :meth:`execute` already did."""

    def __init__(self, model: AttackModel, text: str) -> None:
        super().__init__(text)
        self.model = model
        self._done_once = False

    def execute(self) -> None:
        """Do the change now; raises ModelError (and changes nothing) if invalid."""
        self._do()
        self._done_once = True

    def redo(self) -> None:
        if self._done_once:
            self._done_once = False
            return
        self._do()

    def undo(self) -> None:
        self._undo()

    def _do(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class MacroCommand(ModelCommand):
    """Several commands as one undo entry (one user gesture)."""

    def __init__(self, model: AttackModel, text: str, children: Sequence[ModelCommand]) -> None:
        super().__init__(model, text)
        self.children_commands = list(children)

    def _do(self) -> None:
        done: list[ModelCommand] = []
        try:
            for child in self.children_commands:
                child._do()
                done.append(child)
        except ModelError:
            for child in reversed(done):
                child._undo()
            raise

    def _undo(self) -> None:
        for child in reversed(self.children_commands):
            child._undo()


class AddNodeCommand(ModelCommand):
    """Add a node at a position."""

    def __init__(
        self, model: AttackModel, node: Node, position: tuple[float, float] | None = None
    ) -> None:
        super().__init__(model, f"Add {node.kind} {node.label!r}")
        self.node = node
        self.position = position

    def _do(self) -> None:
        self.model.add_node(self.node, position=self.position)

    def _undo(self) -> None:
        self.model.remove_node(self.node.id)


class RemoveNodeCommand(ModelCommand):
    """Remove a node with its edges and mitigation references."""

    def __init__(self, model: AttackModel, node_id: str) -> None:
        super().__init__(model, f"Delete {node_id}")
        self.node_id = node_id
        self.removed: Removed | None = None

    def _do(self) -> None:
        self.removed = self.model.remove_node(self.node_id)

    def _undo(self) -> None:
        assert self.removed is not None
        self.model.restore(self.removed)


class AddEdgeCommand(ModelCommand):
    """Connect two nodes."""

    def __init__(self, model: AttackModel, edge: Edge) -> None:
        super().__init__(model, f"Connect {edge.source} to {edge.target}")
        self.edge = edge

    def _do(self) -> None:
        self.model.add_edge(self.edge)

    def _undo(self) -> None:
        self.model.remove_edge(*self.edge.key)


class RemoveEdgeCommand(ModelCommand):
    """Remove one edge."""

    def __init__(self, model: AttackModel, source: str, target: str) -> None:
        super().__init__(model, f"Disconnect {source} from {target}")
        self.key = (source, target)
        self.removed: Removed | None = None

    def _do(self) -> None:
        self.removed = self.model.remove_edge(*self.key)

    def _undo(self) -> None:
        assert self.removed is not None
        self.model.restore(self.removed)


class UpdateCommand(ModelCommand):
    """Change fields of a node, edge, component, mitigation, profile or release."""

    def __init__(
        self,
        model: AttackModel,
        kind: str,
        key: Any,
        changes: Mapping[str, Any],
        text: str | None = None,
    ) -> None:
        fields = ", ".join(changes)
        super().__init__(model, text or f"Change {fields} of {kind} {key}")
        self.kind = kind
        self.key = key
        self.changes = dict(changes)
        self.old: dict[str, Any] = {}

    def _update(self) -> Callable[..., Any]:
        if self.kind == "edge":
            return lambda **kw: self.model.update_edge(*self.key, **kw)
        method = getattr(self.model, f"update_{self.kind}")
        return lambda **kw: method(self.key, **kw)

    def _do(self) -> None:
        old = self._update()(**self.changes)
        self.old = {name: getattr(old, name) for name in self.changes}

    def _undo(self) -> None:
        self._update()(**self.old)


class RenameCommand(ModelCommand):
    """Change the id of an object and every reference to it."""

    def __init__(self, model: AttackModel, kind: str, old_id: str, new_id: str) -> None:
        super().__init__(model, f"Rename {kind} {old_id} to {new_id}")
        self.kind, self.old_id, self.new_id = kind, old_id, new_id

    def _do(self) -> None:
        getattr(self.model, f"rename_{self.kind}")(self.old_id, self.new_id)

    def _undo(self) -> None:
        getattr(self.model, f"rename_{self.kind}")(self.new_id, self.old_id)


class AddObjectCommand(ModelCommand):
    """Add a component, mitigation, profile or release."""

    def __init__(self, model: AttackModel, obj: Any, index: int | None = None) -> None:
        super().__init__(model, f"Add {obj.KIND} {obj.id}")
        self.obj, self.index = obj, index

    def _do(self) -> None:
        getattr(self.model, _ADDERS[self.obj.KIND])(self.obj, self.index)

    def _undo(self) -> None:
        getattr(self.model, f"remove_{self.obj.KIND}")(self.obj.id)


class RemoveObjectCommand(ModelCommand):
    """Remove a component, mitigation, profile or release."""

    def __init__(self, model: AttackModel, kind: str, ident: str) -> None:
        super().__init__(model, f"Delete {kind} {ident}")
        self.kind, self.ident = kind, ident
        self.removed: Removed | None = None

    def _do(self) -> None:
        self.removed = getattr(self.model, f"remove_{self.kind}")(self.ident)

    def _undo(self) -> None:
        assert self.removed is not None
        self.model.restore(self.removed)


class MoveNodesCommand(ModelCommand):
    """Move nodes (a drag of many nodes is one command)."""

    def __init__(
        self,
        model: AttackModel,
        old: Mapping[str, tuple[float, float] | None],
        new: Mapping[str, tuple[float, float] | None],
        text: str | None = None,
    ) -> None:
        count = len(new)
        super().__init__(model, text or f"Move {count} node{'s' if count != 1 else ''}")
        self.old, self.new = dict(old), dict(new)

    def _do(self) -> None:
        self.model.set_positions(self.new)

    def _undo(self) -> None:
        self.model.set_positions(self.old)


class NudgeNodesCommand(MoveNodesCommand):
    """Move nodes with the arrow keys; presses in a row on the same nodes
    merge into one undo entry."""

    MERGE_ID = 7301

    def id(self) -> int:
        return self.MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, NudgeNodesCommand) or set(other.new) != set(self.new):
            return False
        self.new = dict(other.new)
        return True


class SetModelFieldCommand(ModelCommand):
    """Change the model's title or description."""

    def __init__(self, model: AttackModel, field: str, value: Any) -> None:
        super().__init__(model, f"Change model {field}")
        self.field, self.value = field, value
        self.old: Any = getattr(model, field)

    def _do(self) -> None:
        getattr(self.model, f"set_{self.field}")(self.value)

    def _undo(self) -> None:
        getattr(self.model, f"set_{self.field}")(self.old)


class MoveReleaseCommand(ModelCommand):
    """Move a release to another place in the release order (oldest first),
    keeping every mitigation and node that refers to it."""

    def __init__(self, model: AttackModel, release_id: str, index: int) -> None:
        super().__init__(model, f"Move release {release_id}")
        self.release_id = release_id
        self.index = index
        self.old_index = model.release_index(release_id)

    def _move(self, index: int) -> None:
        removed = self.model.remove_release(self.release_id)
        try:
            self.model.add_release(removed.item, index)
        except ModelError:
            self.model.restore(removed)
            raise
        for _, old in removed.changed:
            field = "release" if old.KIND == "mitigation" else "release_fixed"
            getattr(self.model, f"update_{old.KIND}")(old.id, **{field: self.release_id})

    def _do(self) -> None:
        self._move(self.index)

    def _undo(self) -> None:
        self._move(self.old_index)
