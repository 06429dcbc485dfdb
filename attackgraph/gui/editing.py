"""Edit commands of a window that act on the canvas selection: add, select
all, cut, copy, paste, duplicate, group into a component, and going to the
element a problem names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPointF

from attackgraph.gui.clipboard import (
    copy_fragment,
    fragment_center,
    fragment_commands,
    make_fragment,
    read_fragment,
)
from attackgraph.gui.commands import AddObjectCommand, MacroCommand, ModelCommand, UpdateCommand
from attackgraph.model import AttackModel, Component
from attackgraph.model.ids import new_id

if TYPE_CHECKING:
    from attackgraph.gui.mainwindow import MainWindow

__all__ = ["PASTE_SHIFT", "WindowEditing", "default_component_kind"]

PASTE_SHIFT = (40.0, 40.0)


def _nodes(count: int) -> str:
    return f"{count} node{'s' * (count != 1)}"


def default_component_kind(
    model: AttackModel, parent: str | None = None, node_ids: Iterable[str] = ()
) -> str:
    """The kind a new component starts with: its parent's; else the kind of
    the components its nodes come from, when they agree; else the kind most
    components of the model have; else ``"other"`` (the user picks)."""
    comps = model.components
    if parent in comps:
        return comps[parent].kind
    kinds = {
        comps[c].kind
        for n in node_ids
        if (c := model.nodes[n].component) is not None and c in comps
    }
    if len(kinds) == 1:
        return kinds.pop()
    counts = Counter(c.kind for c in comps.values() if c.parent is None)
    return counts.most_common(1)[0][0] if counts else "other"


class WindowEditing(QObject):
    """The Edit menu's commands on the canvas of one window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def _say(self, text: str, ms: int = 4000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def add_node(self, kind: str) -> None:
        """Add a node of ``kind`` in the middle of the view."""
        view = self.window.view
        self.window.scene.add_node_at(kind, view.mapToScene(view.viewport().rect().center()))
        view.setFocus()

    def select_all(self) -> None:
        """Select every node and edge."""
        scene = self.window.scene
        scene.select(nodes=list(scene.nodes), edges=list(scene.edges))

    def copy(self) -> bool:
        """Copy the selected nodes (and the edges among them) to the clipboard."""
        ids = self.window.scene.selected_node_ids()
        if not ids:
            self._say("Nothing to copy: select nodes first.")
            return False
        copy_fragment(self.window.document.model, ids)
        self._say(f"Copied {_nodes(len(ids))}.")
        return True

    def cut(self) -> None:
        """Copy, then delete the selection (the delete is one undo entry)."""
        if self.copy():
            self.window.scene.delete_selection()

    def paste(self) -> None:
        """Paste nodes from the clipboard (also from another window or program
        instance), with fresh ids where they clash: next to the originals when
        they are in view, else in the middle of the view."""
        fragment = read_fragment()
        if fragment is None:
            self._say("Nothing to paste: copy nodes first.")
            return
        visible = self.window.view.visible_scene_rect()
        centre = fragment_center(fragment)
        target = visible.center()
        if centre is not None and visible.contains(QPointF(*centre)):
            shift = PASTE_SHIFT
        elif centre is not None:
            shift = (target.x() - centre[0], target.y() - centre[1])
        else:
            shift = (0.0, 0.0)
        self._add_fragment(fragment, shift, (target.x(), target.y()))

    def duplicate(self) -> None:
        """Copy the selected nodes next to themselves."""
        ids = self.window.scene.selected_node_ids()
        if ids:
            self._add_fragment(
                make_fragment(self.window.document.model, ids), PASTE_SHIFT, (0.0, 0.0)
            )

    def _add_fragment(
        self, fragment: dict[str, Any], shift: tuple[float, float], anchor: tuple[float, float]
    ) -> None:
        built = fragment_commands(self.window.document.model, fragment, shift, anchor)
        if built is None:
            return
        command, new_ids = built
        if self.window.scene.execute(command):
            self.window.scene.select(nodes=new_ids)
            self._say(f"Pasted {_nodes(len(new_ids))}.")

    def group_selection(self) -> None:
        """Put the selected nodes into a new component (one undo entry) inside
        the component they share, of its kind."""
        window = self.window
        ids = window.scene.selected_node_ids()
        if not ids:
            self._say("Select the nodes to group first.", 5000)
            return
        model = window.document.model
        current = {model.nodes[n].component for n in ids}
        parent = current.pop() if len(current) == 1 else None
        kind = default_component_kind(model, parent, ids)
        comp = Component(new_id("K", model.components), "New component", kind, parent=parent)
        commands: list[ModelCommand] = [AddObjectCommand(model, comp)]
        commands += [UpdateCommand(model, "node", n, {"component": comp.id}) for n in ids]
        if window.scene.execute(
            MacroCommand(model, f"Group {_nodes(len(ids))} into {comp.id}", commands)
        ):
            window.scene.refresh_frames()
            window.scene.select(components=[comp.id])
            window.canvas_menu.edit_label("component", comp.id)  # type its name now

    def select_pointer(self, pointer: str) -> None:
        """Select (and show) the element a problem's JSON pointer names."""
        window = self.window
        scene, model = window.scene, window.document.model
        parts = pointer.strip("/").split("/")
        try:
            kind, index = parts[0], int(parts[1])
        except (IndexError, ValueError):
            window.inspector.inspect("model")
            return
        if kind == "nodes" and index < len(model.nodes):
            nid = list(model.nodes)[index]
            scene.select(nodes=[nid])
            window.view.centerOn(scene.nodes[nid])
        elif kind == "edges" and index < len(model.edges):
            key = model.edges[index].key
            scene.select(edges=[key])
            window.view.centerOn(scene.edges[key].boundingRect().center())
        elif kind == "mitigations" and index < len(model.mitigations):
            mid = list(model.mitigations)[index]
            window.mitigations.choose(mid)
            window.inspector.inspect("mitigation", mid)
        elif kind == "components" and index < len(model.components):
            scene.select(components=[list(model.components)[index]])
        elif kind in ("profiles", "releases"):
            window.inspector.inspect("model")
