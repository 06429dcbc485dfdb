"""Mouse gestures of the canvas, one small class each.

Each tool lives for one gesture (press, moves, release) and turns it into
at most one undo command, which the scene runs: dragging a connection from a
node's handle, dragging a component by its title band, and moving nodes
(which may drop them into another component's frame).

Aim is forgiven as in draw.io and yEd, with hit areas measured in screen
pixels so they feel the same at every zoom: a press within
:data:`CONNECT_HIT_PX` of a node's connect handle (the ``+`` on its right
side) starts a connection even where an edge already leaves the node, a
Shift- (or Alt-) drag from anywhere on a node connects too, and a release
anywhere on the target node, or within :data:`DROP_HIT_PX` of it, connects.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QApplication, QGraphicsLineItem

from attackgraph.gui.canvas import style
from attackgraph.gui.canvas.frames import FrameItem
from attackgraph.gui.canvas.nodes import HANDLE_RADIUS, NodeItem
from attackgraph.gui.commands import MacroCommand, ModelCommand, MoveNodesCommand, UpdateCommand

if TYPE_CHECKING:
    from attackgraph.gui.canvas.scene import CanvasScene

__all__ = [
    "CONNECT_HIT_PX",
    "CONNECT_MODIFIERS",
    "DROP_HIT_PX",
    "ConnectTool",
    "FrameDragTool",
    "MoveTool",
    "PendingConnect",
    "drop_target",
    "handle_hit",
    "scene_zoom",
]

Point = tuple[float, float]

CONNECT_HIT_PX = 14.0
"""Radius, in screen pixels, around a node's connect handle where a press
starts a connection (capped below half the node's width when zoomed far out,
so its left half still moves it)."""
DROP_HIT_PX = 10.0
"""How far, in screen pixels, outside a node a connection may be released
and still land on it."""
CONNECT_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier
"""With one of these held, a drag from anywhere on a node draws an edge
(a click without a drag still toggles the node's selection)."""


def scene_zoom(scene: CanvasScene) -> float:
    """The zoom of the scene's (first) view, 1.0 when it has none."""
    views = scene.views()
    return max(views[0].transform().m11(), 1e-3) if views else 1.0


def handle_hit(scene: CanvasScene, pos: QPointF, zoom: float) -> NodeItem | None:
    """The node whose connect handle is nearest to ``pos``, if within the
    hit radius (edges and other items over the handle do not hide it)."""
    width = scene.geometry.node_width
    reach = max(HANDLE_RADIUS + 4.0, min(CONNECT_HIT_PX / zoom, width * 0.45))
    box = QRectF(pos.x() - reach, pos.y() - reach, 2 * reach, 2 * reach)
    best: tuple[float, NodeItem] | None = None
    for item in scene.items(box):
        if not isinstance(item, NodeItem) or not item.isVisible():
            continue
        centre = item.connect_point()
        distance = math.hypot(centre.x() - pos.x(), centre.y() - pos.y())
        if distance <= reach and (best is None or distance < best[0]):
            best = (distance, item)
    return None if best is None else best[1]


def drop_target(
    scene: CanvasScene, pos: QPointF, zoom: float, source: NodeItem | None = None
) -> NodeItem | None:
    """The node a connection released at ``pos`` lands on: the node under
    the pointer, else the nearest whose box is within :data:`DROP_HIT_PX`."""
    under = [n for n in (scene.node_at(pos),) if n is not None and n is not source]
    if under:
        return under[0]
    reach = DROP_HIT_PX / zoom
    box = QRectF(pos.x() - reach, pos.y() - reach, 2 * reach, 2 * reach)
    best: tuple[float, NodeItem] | None = None
    for item in scene.items(box):
        if not isinstance(item, NodeItem) or item is source or not item.isVisible():
            continue
        left, top, right, bottom = item.scene_box()
        dx = max(left - pos.x(), 0.0, pos.x() - right)
        dy = max(top - pos.y(), 0.0, pos.y() - bottom)
        distance = math.hypot(dx, dy)
        if distance <= reach and (best is None or distance < best[0]):
            best = (distance, item)
    return None if best is None else best[1]


class ConnectTool:
    """Drag from a node's handle to another node to add an edge."""

    def __init__(self, scene: CanvasScene, source: NodeItem) -> None:
        self.scene = scene
        self.source = source
        self.target: NodeItem | None = None
        self.by_click = False
        """Started from a menu: follows the pointer; a click ends it."""
        start = source.connect_point()
        self.line = QGraphicsLineItem(QLineF(start, start))
        self.line.setPen(QPen(style.current().connect, 2.0, Qt.PenStyle.DashLine))
        self.line.setZValue(100)
        scene.addItem(self.line)

    def move(self, pos: QPointF) -> None:
        """Follow the pointer and light up the node it would connect to."""
        target = drop_target(self.scene, pos, scene_zoom(self.scene), self.source)
        end = pos if target is None else QPointF(*_nearest_left(target, pos))
        self.line.setLine(QLineF(self.source.connect_point(), end))
        if target is not self.target:
            if self.target is not None:
                self.target.set_hot(drop=False)
            self.target = target
            if target is not None:
                target.set_hot(drop=True)

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
            self.target.set_hot(drop=False)
            self.target = None
        if self.line.scene() is not None:
            self.scene.removeItem(self.line)


def _nearest_left(target: NodeItem, pos: QPointF) -> Point:
    """Where the rubber line ends on a lit-up target: its left side, where
    the edge will arrive."""
    left, top, _right, bottom = target.scene_box()
    return (left, min(max(pos.y(), top + 8.0), bottom - 8.0))


class PendingConnect:
    """A Shift- or Alt-press on a node: a drag becomes a connection, a click
    toggles the node's selection (as Shift-click does elsewhere)."""

    def __init__(self, scene: CanvasScene, node: NodeItem, screen: QPointF) -> None:
        self.scene = scene
        self.node = node
        self.screen = QPointF(screen)

    def dragged(self, screen: QPointF) -> bool:
        """Whether the pointer went farther than the platform's drag distance."""
        delta = screen - self.screen
        return abs(delta.x()) + abs(delta.y()) >= QApplication.startDragDistance()

    def click(self) -> None:
        """No drag happened: toggle the node's selection."""
        self.node.setSelected(not self.node.isSelected())


class FrameDragTool:
    """Drag a component by its title band: its nodes (and nested ones) move along."""

    def __init__(self, scene: CanvasScene, frame: FrameItem, pos: QPointF) -> None:
        self.scene = scene
        self.frame = frame
        self.start = QPointF(pos)
        members = scene.nodes_within(frame.component.id)
        self.old: dict[str, Point] = {
            nid: (scene.nodes[nid].pos().x(), scene.nodes[nid].pos().y()) for nid in members
        }
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
        new = {
            nid: (
                round(self.scene.nodes[nid].pos().x(), 1),
                round(self.scene.nodes[nid].pos().y(), 1),
            )
            for nid in self.old
        }
        return MoveNodesCommand(
            self.scene.model,
            self.scene.saved_positions(new),
            new,
            f"Move component {self.frame.component.label!r}",
        )


class MoveTool:
    """Moving selected nodes by dragging: one command on release, which also
    assigns a node dropped into another component's frame to that component."""

    def __init__(self, scene: CanvasScene) -> None:
        self.scene = scene
        self.old: dict[str, Point] = {
            nid: (item.pos().x(), item.pos().y())
            for nid, item in scene.nodes.items()
            if item.isSelected()
        }
        self.frames: dict[str, QRectF] = {
            cid: f.frame_rect() for cid, f in scene.frames.items() if f.isVisible()
        }

    def finish(self) -> ModelCommand | None:
        """The command for the drag, or None when nothing moved."""
        scene = self.scene
        new = {
            nid: (round(scene.nodes[nid].pos().x(), 1), round(scene.nodes[nid].pos().y(), 1))
            for nid in self.old
            if nid in scene.nodes
        }
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
