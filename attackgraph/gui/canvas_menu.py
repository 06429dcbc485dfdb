"""The canvas's context menus and its keyboard editing commands.

A right-click shows the usual actions for what is under the pointer, as in
draw.io and yEd: on a node (connect, rename, gate, kind, component, group,
cut, copy, delete), on an edge (label, reverse, delete), on a component's
frame (rename, kind, add a node inside, select its contents, delete) and on
the empty canvas (add an entry, step or goal there, paste, select all,
layout, fit). Keys on the canvas: ``E``, ``S``, ``G`` add an entry, step or
goal under the pointer (or in the middle of the view), ``C`` connects the
selected nodes (the ones selected first enable the one selected last), ``F2``
renames the selection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu

from attackgraph.gui.canvas.edges import EdgeItem
from attackgraph.gui.canvas.frames import FrameItem
from attackgraph.gui.canvas.nodes import NodeItem
from attackgraph.gui.commands import (
    AddEdgeCommand,
    MacroCommand,
    ModelCommand,
    RemoveEdgeCommand,
    UpdateCommand,
)
from attackgraph.gui.inspector.fields import LineEditor
from attackgraph.model import Edge
from attackgraph.model.schema import COMPONENT_KINDS

if TYPE_CHECKING:
    from attackgraph.gui.mainwindow import MainWindow

__all__ = ["ADD_KEYS", "CanvasMenu"]

ADD_KEYS = {"entry": "E", "step": "S", "goal": "G"}
"""Keys that add a node of each kind on the canvas."""


class CanvasMenu(QObject):
    """Context menus and keyboard editing of one window's canvas."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        view = window.view
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._requested)
        self.add_here = {
            kind: self._key_action(
                f"Add {kind.capitalize()} Here", key, lambda k=kind: self.add_node(k)
            )
            for kind, key in ADD_KEYS.items()
        }
        self.connect_selected = self._key_action(
            "Co&nnect Selected Nodes",
            "C",
            self.connect_selection,
            "Connect the selected nodes: the ones selected first enable the one selected last",
        )
        self.rename = self._key_action(
            "&Rename…",
            "F2",
            self.rename_selection,
            "Edit the label of the selected node, edge or component",
        )
        edit = window.actions.menus.get("edit")
        if edit is not None:
            anchor = window.actions.group
            for action in (self.connect_selected, self.rename):
                edit.insertAction(anchor, action)

    def _key_action(self, text: str, key: str, slot: Callable[[], Any], tip: str = "") -> QAction:
        """An action whose key works while the canvas has the keyboard focus.

        The view handles the key itself (not Qt's shortcut map), so a letter
        typed in a text field or in another window never triggers it; menus
        show the key after a tab.
        """
        action = QAction(f"{text}\t{key}", self.window)
        action.triggered.connect(lambda _=False: slot())
        if tip:
            action.setStatusTip(tip)
        self.window.view.key_commands[QKeySequence(key)[0].key()] = action.trigger
        return action

    # ------------------------------------------------------------ commands
    def _pointer_scene_pos(self) -> QPointF:
        """The pointer on the canvas, or the middle of the view when it is elsewhere."""
        view = self.window.view
        local = view.viewport().mapFromGlobal(QCursor.pos())
        if not view.viewport().rect().contains(local):
            local = view.viewport().rect().center()
        return view.mapToScene(local)

    def add_node(self, kind: str, at: QPointF | None = None) -> None:
        """Add a node of ``kind`` at ``at`` (under the pointer by default)."""
        self.window.scene.add_node_at(kind, at if at is not None else self._pointer_scene_pos())
        self.window.view.setFocus()

    def connect_selection(self) -> None:
        """Connect the nodes selected first to the one selected last (one undo entry)."""
        scene = self.window.scene
        ordered = scene.selection_in_order()
        if len(ordered) < 2:
            scene.message.emit(
                "To connect: select the enabling node, Shift+click the node "
                "it enables, then press C."
            )
            return
        self.connect_many(ordered[:-1], ordered[-1])

    def connect_many(self, sources: list[str], target: str) -> bool:
        """Connect each of ``sources`` to ``target`` (already connected ones are skipped)."""
        scene = self.window.scene
        model = scene.model
        new = [s for s in sources if s != target and not model.graph.has_edge(s, target)]
        if not new:
            scene.message.emit("Already connected.")
            return False
        commands: list[ModelCommand] = [AddEdgeCommand(model, Edge(s, target)) for s in new]
        text = commands[0].text() if len(commands) == 1 else f"Connect {len(new)} nodes to {target}"
        if scene.execute(
            commands[0] if len(commands) == 1 else MacroCommand(model, text, commands)
        ):
            scene.message.emit(f"Connected {', '.join(new)} to {target}.")
            return True
        return False

    def rename_selection(self) -> None:
        """Show the selected object's label field in the inspector, ready to type."""
        scene = self.window.scene
        nodes, edges = scene.selected_node_ids(), scene.selected_edge_keys()
        comps = scene.selected_component_ids()
        if nodes:
            self.edit_label("node", nodes[0])
        elif edges:
            self.edit_label("edge", edges[0])
        elif comps:
            self.edit_label("component", comps[0])
        else:
            scene.message.emit("Select a node, edge or component to rename.")

    def edit_label(self, kind: str, key: Any) -> None:
        """Open ``kind``/``key`` in the inspector with its label field focused."""
        inspector = self.window.inspector
        inspector.inspect(kind, key)
        inspector.flush()
        editors = getattr(inspector.form, "editors", {})
        editor = editors.get("label")
        if isinstance(editor, LineEditor):
            editor.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            editor.edit.selectAll()

    def _update_nodes(self, node_ids: list[str], changes: dict[str, Any], text: str) -> None:
        scene = self.window.scene
        model = scene.model
        commands: list[ModelCommand] = [
            UpdateCommand(model, "node", n, changes)
            for n in node_ids
            if any(getattr(model.nodes[n], f) != v for f, v in changes.items())
        ]
        if commands:
            scene.execute(
                commands[0] if len(commands) == 1 else MacroCommand(model, text, commands)
            )

    def reverse_edge(self, key: tuple[str, str]) -> None:
        """Turn an edge around (one undo entry; refused if the result is invalid)."""
        scene = self.window.scene
        model = scene.model
        edge = model.edge(*key)
        reversed_edge = edge.replace(source=key[1], target=key[0])
        scene.execute(
            MacroCommand(
                model,
                f"Reverse {key[0]} to {key[1]}",
                [RemoveEdgeCommand(model, *key), AddEdgeCommand(model, reversed_edge)],
            )
        )

    # --------------------------------------------------------------- menus
    def _requested(self, point: QPoint) -> None:
        view = self.window.view
        menu = self.menu_at(view.mapToScene(point))
        self.popup(menu, view.viewport().mapToGlobal(point))
        menu.deleteLater()

    def popup(self, menu: QMenu, where: QPoint) -> None:
        """Show ``menu`` at a global point until it closes."""
        menu.exec(where)

    def menu_at(self, pos: QPointF) -> QMenu:
        """The context menu for what is at a scene point (selecting it first,
        unless it is already part of the selection)."""
        scene = self.window.scene
        item = scene.context_item(pos)
        menu = QMenu(self.window.view)
        if isinstance(item, NodeItem):
            if not item.isSelected():
                scene.select(nodes=[item.node.id])
            self._node_menu(menu, item)
        elif isinstance(item, EdgeItem):
            scene.select(edges=[item.key])
            self._edge_menu(menu, item)
        elif isinstance(item, FrameItem):
            scene.select(components=[item.component.id])
            self._frame_menu(menu, item, pos)
        else:
            self._canvas_menu(menu, pos)
        return menu

    def _add(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], Any],
        checked: bool | None = None,
        enabled: bool = True,
    ) -> QAction:
        action = menu.addAction(text)
        if checked is not None:
            action.setCheckable(True)
            action.setChecked(checked)
        action.setEnabled(enabled)
        action.triggered.connect(lambda _=False: slot())
        return action

    def _node_menu(self, menu: QMenu, item: NodeItem) -> None:
        scene, actions = self.window.scene, self.window.actions
        model = scene.model
        node = item.node
        selected = scene.selected_node_ids()
        others = [n for n in scene.selection_in_order() if n != node.id]
        self._add(
            menu, "Connect from Here (click the target)", lambda: scene.begin_connect(node.id)
        )
        if others and node.kind != "entry":
            last = scene.selection_in_order()[-1] == node.id
            self._add(
                menu,
                f"Connect Selected to {node.id}" + "\tC" * last,
                lambda: self.connect_many(others, node.id),
            )
        menu.addSeparator()
        menu.addAction(self.rename)
        if node.kind != "entry":
            is_and = node.gate == "and"
            self._add(
                menu,
                "AND: Needs All Its Enablers",
                lambda: self._update_nodes(
                    selected, {"gate": None if is_and else "and"}, "Change gate"
                ),
                checked=is_and,
            )
        kinds = menu.addMenu("Kind")
        for kind in ("entry", "step", "goal"):
            self._add(
                kinds,
                kind.capitalize(),
                lambda k=kind: self._update_nodes(selected, {"kind": k}, f"Make {k}"),
                checked=node.kind == kind,
            )
        into = menu.addMenu("Put in Component")
        self._add(
            into,
            "None",
            lambda: self._update_nodes(selected, {"component": None}, "Take out of component"),
            checked=node.component is None,
        )
        for cid, comp in model.components.items():
            self._add(
                into,
                f"{comp.label} ({cid})",
                lambda c=cid: self._update_nodes(selected, {"component": c}, f"Put into {c}"),
                checked=node.component == cid,
            )
        menu.addAction(actions.group)
        menu.addSeparator()
        menu.addActions([actions.cut, actions.copy, actions.duplicate, actions.delete])

    def _edge_menu(self, menu: QMenu, item: EdgeItem) -> None:
        key = item.key
        self._add(menu, "Edit Label…\tF2", lambda: self.edit_label("edge", key))
        self._add(menu, "Reverse Direction", lambda: self.reverse_edge(key))
        menu.addSeparator()
        menu.addAction(self.window.actions.delete)

    def _frame_menu(self, menu: QMenu, item: FrameItem, pos: QPointF) -> None:
        scene = self.window.scene
        comp = item.component
        menu.addAction(self.rename)
        kinds = menu.addMenu("Kind")
        for kind in COMPONENT_KINDS:
            self._add(
                kinds,
                kind,
                lambda k=kind: scene.execute(
                    UpdateCommand(scene.model, "component", comp.id, {"kind": k})
                ),
                checked=comp.kind == kind,
            )
        menu.addSeparator()
        inside = (
            QPointF(pos.x(), item.frame_rect().top() + item.frame_rect().height() / 2)
            if pos.y() < item.frame_rect().top() + 40
            else pos
        )
        for kind in ("entry", "step", "goal"):
            self._add(
                menu, f"Add {kind.capitalize()} Inside", lambda k=kind: self.add_node(k, inside)
            )
        self._add(menu, "Select Its Nodes", lambda: scene.select(nodes=scene.nodes_within(comp.id)))
        self._add(menu, "Save as Fragment…", lambda: self.save_fragment(comp.id))
        menu.addSeparator()
        self._add(menu, "Delete Component (keep its nodes)", self.window.actions.delete.trigger)

    def save_fragment(self, component_id: str) -> None:
        """Ask where, then save a component with all it holds as a library fragment."""
        start = f"{component_id}.fragment.json"
        path, _ = QFileDialog.getSaveFileName(
            self.window,
            "Save Component as Fragment",
            start,
            "Fragments (*.fragment.json *.fragment.yaml)",
        )
        if path:
            self.window.library.save_component(component_id, path)

    def _canvas_menu(self, menu: QMenu, pos: QPointF) -> None:
        actions = self.window.actions
        for kind in ("entry", "step", "goal"):
            self._add(
                menu,
                f"Add {kind.capitalize()} Here\t{ADD_KEYS[kind]}",
                lambda k=kind: self.add_node(k, pos),
            )
        menu.addSeparator()
        menu.addActions([actions.paste, actions.select_all])
        menu.addSeparator()
        menu.addActions([actions.layout, actions.fit])
