"""Labels for a zoomed-out canvas: readable text over nodes too small for it.

Below :data:`LAYER_LOD` a node is too small on screen to hold its label, so
the nodes draw only their shapes and each view draws labels over them at a fixed
screen size (:data:`SCREEN_PX`: they grow in the scene as the view zooms
out). Where labels would overlap, the most important win: the selected or
hovered node, goals, choke points, nodes an overlay highlights, then the
rest; dimmed nodes come last. The choice is made for the whole viewport at
once (so partial repaints agree) and kept until the view or a node changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QTransform
from PySide6.QtWidgets import QGraphicsView, QStyleOptionGraphicsItem

from attackgraph.gui.canvas import style

if TYPE_CHECKING:
    from attackgraph.gui.canvas.nodes import NodeItem

__all__ = ["LAYER_LOD", "SCREEN_PX", "LabelLayer", "label_priority"]

LAYER_LOD = 0.3
"""Below this zoom this layer labels the nodes (above it they label themselves)."""
SCREEN_PX = 11.0
"""The labels' font size on screen, in device pixels."""
MAX_WIDTH = 150.0
"""Widest label on screen, in device pixels (longer labels wrap)."""
MAX_LINES = 3
PAD = 3.0
CELL = 48.0


def label_priority(node: NodeItem) -> int:
    """Lower wins a place: selected or hovered, goals, choke points,
    highlighted nodes, other nodes, faded and then dimmed ones."""
    mark = node.mark
    if node.isSelected() or node.hovered:
        return 0
    if mark.dimmed:
        return 6
    if mark.faded:
        return 5
    if node.node.kind == "goal":
        return 1
    if any("choke" in flag.text for flag in mark.flags):
        return 2
    if mark.accent:
        return 3
    return 4


class _Grid:
    """Placed screen rectangles, bucketed for quick overlap tests."""

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[QRectF]] = {}

    def _keys(self, rect: QRectF) -> Iterable[tuple[int, int]]:
        for gx in range(int(rect.left() // CELL), int(rect.right() // CELL) + 1):
            for gy in range(int(rect.top() // CELL), int(rect.bottom() // CELL) + 1):
                yield gx, gy

    def free(self, rect: QRectF) -> bool:
        return not any(other.intersects(rect) for key in self._keys(rect)
                       for other in self._cells.get(key, ()))

    def add(self, rect: QRectF) -> None:
        for key in self._keys(rect):
            self._cells.setdefault(key, []).append(rect)


class LabelLayer:
    """Draws the labels of a zoomed-out canvas over a view's foreground (see
    the module's text); the scene owns one and tells it what changed."""

    def __init__(self, nodes: Callable[[], Iterable[NodeItem]],
                 views: Callable[[], Iterable[QGraphicsView]]) -> None:
        self._nodes = nodes
        self._views = views
        self._placed: list[tuple[QRectF, list[str], NodeItem]] = []
        self._key: tuple[float, ...] | None = None
        self.active = False

    def changed(self) -> None:
        """A node moved or changed: choose again at the next paint."""
        self._key = None
        if self.active:
            for view in self._views():
                view.viewport().update()

    def placed(self) -> list[tuple[QRectF, list[str], NodeItem]]:
        """The labels last chosen: screen box, lines, node (for tests)."""
        return list(self._placed)

    def _choose(self, transform: QTransform, viewport: QRectF) -> None:
        metrics = style.label_metrics(SCREEN_PX)
        line_height = metrics.height()
        grid = _Grid()
        placed: list[tuple[QRectF, list[str], NodeItem]] = []
        inverse, _ = transform.inverted()
        seen = inverse.mapRect(viewport.adjusted(-MAX_WIDTH, -40, MAX_WIDTH, 40))
        visible = [n for n in self._nodes() if seen.contains(n.pos()) and n.isVisible()]
        visible.sort(key=label_priority)
        for node in visible:
            lines = node.label_lines(metrics, MAX_WIDTH, MAX_LINES) or [node.node.id]
            width = max(metrics.horizontalAdvance(line) for line in lines) + 2 * PAD
            height = line_height * len(lines) + 2 * PAD
            centre = transform.map(node.pos())
            box = QRectF(centre.x() - width / 2, centre.y() - height / 2, width, height)
            if not box.intersects(viewport) or not grid.free(box):
                continue
            grid.add(box.adjusted(-2, -1, 2, 1))
            placed.append((box, lines, node))
        self._placed = placed

    def paint(self, painter: QPainter, view: QGraphicsView) -> None:
        """Draw over ``view`` (from its ``drawForeground``; the painter is in
        scene coordinates)."""
        transform = painter.worldTransform()
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(transform)
        self.active = lod < LAYER_LOD
        if not self.active:
            return
        viewport = QRectF(view.viewport().rect())
        key = (transform.m11(), transform.m22(), transform.dx(), transform.dy(),
               viewport.width(), viewport.height())
        if key != self._key:
            self._choose(transform, viewport)
            self._key = key
        theme = style.current()
        metrics = style.label_metrics(SCREEN_PX)
        painter.save()
        painter.setWorldTransform(QTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(style.label_font(SCREEN_PX))
        fill = QColor(theme.label_box)
        fill.setAlpha(225)
        border = QPen(QColor(theme.edge), 0.8)
        for box, lines, node in self._placed:
            painter.setOpacity(0.55 if node.mark.dimmed else 1.0)
            painter.setPen(border if node.node.kind != "goal" else QPen(theme.goal, 1.4))
            painter.setBrush(QBrush(fill))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(theme.text)
            for i, line in enumerate(lines):
                painter.drawText(QPointF(box.left() + PAD,
                                         box.top() + PAD + metrics.ascent()
                                         + i * metrics.height()), line)
        painter.restore()
