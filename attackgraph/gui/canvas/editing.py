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
from PySide6.QtWidgets import QGraphicsItem, QGraphicsSceneMouseEvent

from attackgraph.gui.canvas.edges import EdgeItem
from attackgraph.gui.canvas.frames import FrameItem
from attackgraph.gui.canvas.nodes import NodeItem
from attackgraph.gui.canvas.tools import (
    CONNECT_MODIFIERS,
    ConnectTool,
    FrameDragTool,
    MoveTool,
    PendingConnect,
    handle_hit,
    scene_zoom,
)
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
HOVER_CURSORS = {
    "connect": Qt.CursorShape.CrossCursor,
    "connect-drag": Qt.CursorShape.CrossCursor,
    "move": Qt.CursorShape.SizeAllCursor,
    "frame": Qt.CursorShape.SizeAllCursor,
    "edge": Qt.CursorShape.PointingHandCursor,
    "select": Qt.CursorShape.ArrowCursor,
}
"""The pointer over what a press would do (the view shows it)."""
NUDGE = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}


class SceneEditing:
    """Commands and gestures of :class:`CanvasScene` (a mixin: ``self`` is the scene)."""

    _tool: Any
    _selection_order: list[str]
    _swallow_release = False
    hover_cursor: Qt.CursorShape = Qt.CursorShape.ArrowCursor

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
            RemoveEdgeCommand(self.model, *key)
            for key in self.selected_edge_keys()
            if key[0] not in chosen and key[1] not in chosen
        ]
        commands += [
            RemoveNodeCommand(self.model, nid) for nid in removal_order(node_ids, self.model)
        ]
        components = self.selected_component_ids()
        commands += [
            RemoveObjectCommand(self.model, "component", cid)
            for cid in sorted(components, key=lambda c: -self._depths.get(c, 0))
        ]
        if not commands:
            self.message.emit("Nothing to delete: select nodes, edges or a component first.")
            return
        count = len(commands)
        text = commands[0].text() if count == 1 else f"Delete {count} items"
        # The format needs at least one blocked node per mitigation: one whose
        # every blocked node goes is deleted too (in the same undo entry).
        orphans = [
            m for m in self.model.mitigations.values() if m.blocks and set(m.blocks) <= chosen
        ]
        if orphans:
            names = ", ".join(f"{m.id} ({m.label!r})" for m in orphans[:3])
            names += f" and {len(orphans) - 3} more" if len(orphans) > 3 else ""
            text += f" and mitigation{'s' * (len(orphans) > 1)} {names}"
        if self.execute(MacroCommand(self.model, text, commands)) and orphans:
            plural = len(orphans) > 1
            nodes = "the deleted node" + "s" * (len(chosen) > 1)
            self.message.emit(
                f"Deleted {count} item{'s' * (count > 1)} and mitigation{'s' * plural} {names}: "
                f"{'they' if plural else 'it'} blocked only {nodes} (a mitigation must block "
                "at least one node). Undo (Ctrl+Z) restores everything."
            )

    def connect_nodes(self, source: str, target: str) -> bool:
        """Add the edge ``source -> target`` (refused with the reason if invalid)."""
        return self.execute(AddEdgeCommand(self.model, Edge(source, target)))

    def nudge_selection(self, dx: float, dy: float) -> bool:
        """Move the selected nodes by a few pixels (repeated nudges merge)."""
        ids = self.selected_node_ids()
        if not ids:
            return False
        new = {
            nid: (
                round(self.nodes[nid].pos().x() + dx, 1),
                round(self.nodes[nid].pos().y() + dy, 1),
            )
            for nid in ids
        }
        return self.execute(NudgeNodesCommand(self.model, self.saved_positions(ids), new))

    def selection_in_order(self) -> list[str]:
        """The selected nodes, in the order they were selected."""
        chosen = set(self.selected_node_ids())
        order = [n for n in self._selection_order if n in chosen]
        return order + [n for n in self.selected_node_ids() if n not in order]

    def _track_selection_order(self) -> None:
        chosen = set(self.selected_node_ids())
        kept = [n for n in self._selection_order if n in chosen]
        self._selection_order = kept + sorted(chosen - set(kept))

    def context_item(self, pos: QPointF) -> QGraphicsItem | None:
        """The node, edge or frame a right-click at ``pos`` is about."""
        return self._pick(pos)

    def begin_connect(self, node_id: str) -> None:
        """Start a connection from a node that follows the pointer without a
        held button; the next click on a node ends it (Esc cancels)."""
        self._cancel_tool()
        item = self.nodes.get(node_id)
        if item is None:
            return
        self._start_connect(item)
        self._tool.by_click = True
        self.message.emit(f"Connecting from {node_id}: click the node it enables. Esc cancels.")

    # -------------------------------------------------------------- mouse
    def _cancel_tool(self) -> None:
        if isinstance(self._tool, ConnectTool):
            self._tool.cancel()
        self._tool = None

    def _pick(self, pos: QPointF) -> QGraphicsItem | None:
        """The topmost item under ``pos`` that takes a left press (labels and
        arrow heads, which do not, are looked through)."""
        views = self.views()
        transform = views[0].transform() if views else QTransform()
        for item in self.items(
            pos, Qt.ItemSelectionMode.IntersectsItemShape, Qt.SortOrder.DescendingOrder, transform
        ):
            if item.acceptedMouseButtons() & Qt.MouseButton.LeftButton and item.isVisible():
                return item
        return None

    def press_action(
        self,
        pos: QPointF,
        modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    ) -> tuple[str, Any]:
        """What a left press at ``pos`` would do: ``("connect", node)``,
        ``("connect-drag", node)`` (a drag connects, a click toggles the
        selection), ``("move", node)``, ``("edge", edge)``, ``("frame", frame)``
        or ``("select", None)`` (a rubber band on the empty canvas)."""
        if modifiers & CONNECT_MODIFIERS:
            node = self.node_at(pos)
            if node is not None:
                return ("connect-drag", node)
        node = handle_hit(self, pos, scene_zoom(self))
        if node is not None:
            return ("connect", node)
        item = self._pick(pos)
        if isinstance(item, NodeItem):
            return ("move", item)
        if isinstance(item, EdgeItem):
            return ("edge", item)
        if isinstance(item, FrameItem):
            return ("frame", item)
        return ("select", None)

    def _start_connect(self, node: NodeItem) -> None:
        self._tool = ConnectTool(self, node)
        self.message.emit(
            f"Connecting from {node.node.id}: release over the node it enables "
            "(anywhere on it). Esc cancels."
        )

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            if isinstance(self._tool, ConnectTool) and self._tool.by_click:
                self._cancel_tool()
                self.message.emit("Cancelled.")
            super().mousePressEvent(event)
            return
        pos = event.scenePos()
        if isinstance(self._tool, ConnectTool) and self._tool.by_click:
            tool, self._tool = self._tool, None
            self._swallow_release = True  # the click ends the connection
            self._finish_connect(tool, pos)
            event.accept()
            return
        if self._tool is not None:  # a press while a gesture runs (a lost release)
            self._cancel_tool()
        toggle = bool(
            event.modifiers()
            & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
        )
        action, item = self.press_action(pos, event.modifiers())
        if action == "connect":
            self._start_connect(item)
            event.accept()
            return
        if action == "connect-drag":
            self._tool = PendingConnect(self, item, event.screenPos())
            event.accept()
            return
        if action == "edge":
            if toggle:
                self._set_edge_selection(self._selected_edges ^ {item.key})
            else:
                self.select(edges=[item.key])
            event.accept()
            return
        if not toggle:
            self._set_edge_selection(())
        super().mousePressEvent(event)
        grabber = self.mouseGrabberItem()
        if isinstance(grabber, FrameItem):
            self._tool = FrameDragTool(self, grabber, pos)
        elif isinstance(grabber, NodeItem):
            self._tool = MoveTool(self)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        tool = self._tool
        if isinstance(tool, PendingConnect):
            if tool.dragged(QPointF(event.screenPos())):
                self._start_connect(tool.node)
                self._tool.move(event.scenePos())
            event.accept()
            return
        if isinstance(tool, ConnectTool | FrameDragTool):
            tool.move(event.scenePos())
            event.accept()
            return
        if tool is None and event.buttons() == Qt.MouseButton.NoButton:
            self.hover_at(event.scenePos(), event.modifiers())
        super().mouseMoveEvent(event)

    def hover_at(self, pos: QPointF, modifiers: Qt.KeyboardModifier) -> None:
        """Show what a press here would do: a cross and a lit handle where it
        connects, a move cursor over a node's body."""
        action, item = self.press_action(pos, modifiers)
        hot = item if action in ("connect", "connect-drag") else None
        previous = getattr(self, "_hot", None)
        if previous is not hot:
            for node in (previous, hot):
                if node is not None and node.scene() is self:
                    node.set_hot(handle=node is hot)
            self._hot = hot
        self.hover_cursor = HOVER_CURSORS[action]

    def _finish_connect(self, tool: ConnectTool, pos: QPointF) -> None:
        edge = tool.finish(pos)
        if edge is None:
            self.message.emit("No edge: end the connection over another node.")
        elif self.connect_nodes(*edge):
            self.message.emit(f"Connected {edge[0]} to {edge[1]}.")

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._swallow_release or (isinstance(self._tool, ConnectTool) and self._tool.by_click):
            # The release of the click that ended a connection, or of the
            # menu click that started one (which goes on following the pointer).
            self._swallow_release = False
            event.accept()
            return
        tool, self._tool = self._tool, None
        if isinstance(tool, PendingConnect):
            tool.click()
            event.accept()
            return
        if isinstance(tool, ConnectTool):
            self._finish_connect(tool, event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        command = tool.finish() if isinstance(tool, FrameDragTool | MoveTool) else None
        if command is not None:
            self.execute(command)
        else:
            self._resync_positions()

    def _resync_positions(self) -> None:
        """Put back any node Qt moved outside a gesture (no model change may
        happen without an undo entry)."""
        layout = self.model.layout
        with self.syncing():
            for item in self.selectedItems():  # Qt moves only selected items
                if not isinstance(item, NodeItem):
                    continue
                saved = layout.get(item.node.id)
                if saved is not None and (
                    abs(item.pos().x() - saved[0]) > 0.01 or abs(item.pos().y() - saved[1]) > 0.01
                ):
                    item.setPos(QPointF(*saved))

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        item = self._pick(event.scenePos())  # edge labels and arrow heads are looked through
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
            size = (
                1.0
                if event.modifiers() & Qt.KeyboardModifier.AltModifier
                else (
                    GRID * 2 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else GRID / 2
                )
            )
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
