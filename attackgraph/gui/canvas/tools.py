"""Mouse gestures of the canvas, one small class each.

Each tool lives for one gesture (press, moves, release) and turns it into
at most one undo command, which the scene runs: dragging a connection from a
node's handle, dragging a component by its title band, and moving nodes
(which may drop them into another component's frame).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsLineItem

from attackgraph.gui.canvas import style
from attackgraph.gui.canvas.frames import FrameItem
from attackgraph.gui.canvas.nodes import NodeItem
from attackgraph.gui.commands import MacroCommand, ModelCommand, MoveNodesCommand, UpdateCommand

if TYPE_CHECKING:
    from attackgraph.gui.canvas.scene import CanvasScene

__all__ = ["ConnectTool", "FrameDragTool", "MoveTool"]

Point = tuple[float, float]


class ConnectTool:
    """Drag from a node's handle to another node to add an edge."""

    def __init__(self, scene: CanvasScene, source: NodeItem) -> None:
        self.scene = scene
        self.source = source
        self.target: NodeItem | None = None
        start = source.connect_point()
        self.line = QGraphicsLineItem(QLineF(start, start))
        self.line.setPen(QPen(style.current().connect, 2.0, Qt.PenStyle.DashLine))
        self.line.setZValue(100)
        scene.addItem(self.line)

    def move(self, pos: QPointF) -> None:
        """Follow the pointer and light up the node under it."""
        self.line.setLine(QLineF(self.source.connect_point(), pos))
        target = self.scene.node_at(pos)
        target = None if target is self.source else target
        if target is not self.target:
            if self.target is not None:
                self.target.hovered = False
                self.target.update()
            self.target = target
            if target is not None:
                target.hovered = True
                target.update()

    def finish(self, pos: QPointF) -> tuple[str, str] | None:
        """The edge to add, or None when released over no other node."""
        self.move(pos)
        target = self.target
        self.cancel()
        if target is None:
            return None
        return (self.source.node.id, target.node.id)

    def cancel(self) -> None:
        """Remove the rubber line."""
        if self.target is not None:
            self.target.hovered = False
            self.target.update()
            self.target = None
        if self.line.scene() is not None:
            self.scene.removeItem(self.line)


class FrameDragTool:
    """Drag a component by its title band: its nodes (and nested ones) move along."""

    def __init__(self, scene: CanvasScene, frame: FrameItem, pos: QPointF) -> None:
        self.scene = scene
        self.frame = frame
        self.start = QPointF(pos)
        members = scene.nodes_within(frame.component.id)
        self.old: dict[str, Point] = {nid: (scene.nodes[nid].pos().x(), scene.nodes[nid].pos().y())
                                      for nid in members}
        self.moved = False

    def move(self, pos: QPointF) -> None:
        """Move the members with the pointer (the model changes on release)."""
        delta = pos - self.start
        self.moved = self.moved or abs(delta.x()) + abs(delta.y()) > 2
        with self.scene.syncing():
            for nid, (x, y) in self.old.items():
                self.scene.nodes[nid].setPos(x + delta.x(), y + delta.y())
        self.scene.refresh_frames()

    def finish(self) -> ModelCommand | None:
        """One command for the whole drag (None if nothing moved)."""
        if not self.moved or not self.old:
            return None
        new = {nid: (round(self.scene.nodes[nid].pos().x(), 1),
                     round(self.scene.nodes[nid].pos().y(), 1)) for nid in self.old}
        return MoveNodesCommand(self.scene.model, self.scene.saved_positions(new), new,
                                f"Move component {self.frame.component.label!r}")


class MoveTool:
    """Moving selected nodes by dragging: one command on release, which also
    assigns a node dropped into another component's frame to that component."""

    def __init__(self, scene: CanvasScene) -> None:
        self.scene = scene
        self.old: dict[str, Point] = {nid: (item.pos().x(), item.pos().y())
                                      for nid, item in scene.nodes.items() if item.isSelected()}
        self.frames: dict[str, QRectF] = {cid: f.frame_rect() for cid, f in scene.frames.items()
                                          if f.isVisible()}

    def finish(self) -> ModelCommand | None:
        """The command for the drag, or None when nothing moved."""
        scene = self.scene
        new = {nid: (round(scene.nodes[nid].pos().x(), 1), round(scene.nodes[nid].pos().y(), 1))
               for nid in self.old if nid in scene.nodes}
        moved = {nid: pos for nid, pos in new.items() if pos != self.old[nid]}
        if not moved:
            return None
        move = MoveNodesCommand(scene.model, scene.saved_positions(moved), moved)
        commands: list[ModelCommand] = [move]
        for nid, pos in moved.items():
            target = scene.component_at(QPointF(*pos), self.frames)
            if target != scene.model.nodes[nid].component:
                commands.append(UpdateCommand(scene.model, "node", nid, {"component": target}))
        if len(commands) == 1:
            return move
        assigned = len(commands) - 1
        text = f"{move.text()} into a component" if assigned == len(moved) else move.text()
        return MacroCommand(scene.model, text, commands)
