"""Editing on the canvas: the scene's commands (add, delete, connect, nudge)
and the mouse and keyboard gestures that lead to them.

A mixin of :class:`~attackgraph.gui.canvas.scene.CanvasScene`, kept apart so
that the scene module stays about following the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent, QTransform
from PySide6.QtWidgets import QGraphicsSceneMouseEvent

from attackgraph.gui.canvas.edges import EdgeItem
from attackgraph.gui.canvas.frames import FrameItem
from attackgraph.gui.canvas.nodes import NodeItem
from attackgraph.gui.canvas.tools import ConnectTool, FrameDragTool, MoveTool
from attackgraph.gui.commands import (
    AddEdgeCommand,
    AddNodeCommand,
    MacroCommand,
    ModelCommand,
    NudgeNodesCommand,
    RemoveEdgeCommand,
    RemoveNodeCommand,
    RemoveObjectCommand,
)
from attackgraph.model import AttackModel, Edge, Node
from attackgraph.model.ids import new_id

if TYPE_CHECKING:
    pass

__all__ = ["GRID", "ID_PREFIX", "KIND_LABELS", "SceneEditing", "removal_order"]

KIND_LABELS = {"entry": "New entry", "step": "New step", "goal": "New goal"}
ID_PREFIX = {"entry": "E", "step": "S", "goal": "G"}
GRID = 24.0
NUDGE = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1),
         Qt.Key.Key_Down: (0, 1)}


class SceneEditing:
    """Commands and gestures of :class:`CanvasScene` (a mixin: ``self`` is the scene)."""

    _tool: Any

    # ------------------------------------------------------------- editing
    def execute(self, command: ModelCommand) -> bool:
        """Run a command; on refusal, say why in the status bar."""
        reason = self.document.execute(command)
        if reason is not None:
            self.message.emit(f"Not done: {reason}")
            return False
        return True

    def add_node_at(self, kind: str, position: QPointF, label: str | None = None) -> str | None:
        """Add a new node of ``kind`` centred at a scene position (one undo
        entry); inside a frame, the node joins that component."""
        node_id = new_id(ID_PREFIX[kind], self.model.nodes)
        component = self.component_at(position)
        node = Node(node_id, kind, label or KIND_LABELS[kind], component=component)
        point = (round(position.x(), 1), round(position.y(), 1))
        if self.execute(AddNodeCommand(self.model, node, point)):
            self.select(nodes=[node_id])
            return node_id
        return None

    def delete_selection(self) -> None:
        """Delete the selected nodes, edges and components as one undo entry."""
        node_ids = self.selected_node_ids()
        chosen = set(node_ids)
        commands: list[ModelCommand] = [
            RemoveEdgeCommand(self.model, *key) for key in self.selected_edge_keys()
            if key[0] not in chosen and key[1] not in chosen
        ]
        commands += [RemoveNodeCommand(self.model, nid)
                     for nid in removal_order(node_ids, self.model)]
        components = self.selected_component_ids()
        commands += [RemoveObjectCommand(self.model, "component", cid)
                     for cid in sorted(components, key=lambda c: -self._depths.get(c, 0))]
        if not commands:
            self.message.emit("Nothing to delete: select nodes, edges or a component first.")
            return
        count = len(commands)
        text = commands[0].text() if count == 1 else f"Delete {count} items"
        self.execute(MacroCommand(self.model, text, commands))

    def connect_nodes(self, source: str, target: str) -> bool:
        """Add the edge ``source -> target`` (refused with the reason if invalid)."""
        return self.execute(AddEdgeCommand(self.model, Edge(source, target)))

    def nudge_selection(self, dx: float, dy: float) -> bool:
        """Move the selected nodes by a few pixels (repeated nudges merge)."""
        ids = self.selected_node_ids()
        if not ids:
            return False
        new = {nid: (round(self.nodes[nid].pos().x() + dx, 1),
                     round(self.nodes[nid].pos().y() + dy, 1)) for nid in ids}
        return self.execute(NudgeNodesCommand(self.model, self.saved_positions(ids), new))

    # -------------------------------------------------------------- mouse
    def _cancel_tool(self) -> None:
        if isinstance(self._tool, ConnectTool):
            self._tool.cancel()
        self._tool = None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        pos = event.scenePos()
        item = self.itemAt(pos, self.views()[0].transform() if self.views() else QTransform())
        toggle = bool(event.modifiers() & (Qt.KeyboardModifier.ShiftModifier
                                           | Qt.KeyboardModifier.ControlModifier))
        if isinstance(item, NodeItem) and item.on_handle(item.mapFromScene(pos)):
            self._tool = ConnectTool(self, item)
            self.message.emit("Release over the node this one enables (Esc cancels).")
            event.accept()
            return
        if isinstance(item, EdgeItem):
            if toggle:
                self._set_edge_selection(self._selected_edges ^ {item.key})
            else:
                self.select(edges=[item.key])
            event.accept()
            return
        if not toggle:
            self._set_edge_selection(())
        super().mousePressEvent(event)
        if isinstance(item, FrameItem):
            self._tool = FrameDragTool(self, item, pos)
        elif isinstance(item, NodeItem):
            self._tool = MoveTool(self)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        tool = self._tool
        if isinstance(tool, ConnectTool | FrameDragTool):
            tool.move(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        tool, self._tool = self._tool, None
        if isinstance(tool, ConnectTool):
            edge = tool.finish(event.scenePos())
            if edge is None:
                self.message.emit("No edge: release the drag over another node.")
            elif self.connect_nodes(*edge):
                self.message.emit(f"Connected {edge[0]} to {edge[1]}.")
            event.accept()
            return
        super().mouseReleaseEvent(event)
        command = tool.finish() if isinstance(tool, FrameDragTool | MoveTool) else None
        if command is not None:
            self.execute(command)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = self.itemAt(event.scenePos(), self.views()[0].transform() if self.views()
                           else QTransform())
        if item is None:
            self.add_node_at("step", event.scenePos())
            event.accept()
            return
        if isinstance(item, NodeItem):
            self.activated.emit("node", item.node.id)
        elif isinstance(item, FrameItem):
            self.activated.emit("component", item.component.id)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self._tool is not None:
            self._cancel_tool()
            self.message.emit("Cancelled.")
            return
        step = NUDGE.get(Qt.Key(event.key()))
        if step is not None and self.selected_node_ids() and self._tool is None:
            size = 1.0 if event.modifiers() & Qt.KeyboardModifier.AltModifier else (
                GRID * 2 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else GRID / 2)
            self.nudge_selection(step[0] * size, step[1] * size)
            event.accept()
            return
        super().keyPressEvent(event)


def removal_order(node_ids: Iterable[str], model: AttackModel) -> list[str]:
    """The order to remove nodes in so no AND node is left without enablers
    half-way: a node's chosen successors go before it."""
    chosen = list(node_ids)
    inside = set(chosen)
    graph = model.graph
    order: list[str] = []
    seen: set[str] = set()
    for start in chosen:
        if start in seen:
            continue
        stack = [(start, iter(graph.successors(start)))]
        seen.add(start)
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                order.append(node)
            elif child in inside and child not in seen:
                seen.add(child)
                stack.append((child, iter(graph.successors(child))))
    return order
