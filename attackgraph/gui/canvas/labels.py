"""Labels for a zoomed-out canvas: readable text over nodes too small for it.

Below :data:`LAYER_LOD` a node is too small on screen to hold its label, so
the nodes draw only their shapes and each view draws labels over them at a
fixed screen size (:data:`SCREEN_PX`: they grow in the scene as the view
zooms out). Where labels would overlap, the most important win: selected
nodes, goals, choke points, nodes an overlay highlights, then the
rest; dimmed nodes come last. The choice is made for a region around the
viewport at once (so partial repaints agree, and a pan reuses it) and kept
until the zoom or a node changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QStaticText, QTransform
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
MAX_LABELS = 300
QUICK_S = 0.2
"""Within this many seconds of a choice, a zoom step moves the chosen labels
instead of choosing again (choosing costs 10-20 ms on 2,000 nodes)."""
"""At most this many labels on screen (a wall of text reads as none)."""
PAD = 3.0
CELL = 48.0
FINE = 12.0


def label_priority(node: NodeItem) -> int:
    """Lower wins a place: selected, goals, choke points, highlighted nodes,
    other nodes, faded and then dimmed ones."""
    mark = node.mark
    if node.isSelected():
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
        self._taken: set[tuple[int, int]] = set()

    @staticmethod
    def _keys(rect: QRectF, size: float) -> list[tuple[int, int]]:
        x0, x1 = int(rect.left() // size), int(rect.right() // size)
        y0, y1 = int(rect.top() // size), int(rect.bottom() // size)
        return [(gx, gy) for gx in range(x0, x1 + 1) for gy in range(y0, y1 + 1)]

    def taken(self, x: float, y: float) -> bool:
        """Whether a label already covers (or nearly covers) the point: one
        set look-up, so crowded candidates are turned away cheaply."""
        return (int(x // FINE), int(y // FINE)) in self._taken

    def free(self, rect: QRectF) -> bool:
        """Whether ``rect`` overlaps no placed rectangle."""
        cells = self._cells
        for key in self._keys(rect, CELL):
            for other in cells.get(key, ()):
                if other.intersects(rect):
                    return False
        return True

    def add(self, rect: QRectF) -> None:
        """Place ``rect``."""
        for key in self._keys(rect, CELL):
            self._cells.setdefault(key, []).append(rect)
        self._taken.update(self._keys(rect, FINE))


class LabelLayer:
    """Draws the labels of a zoomed-out canvas over a view's foreground (see
    the module's text); the scene owns one and tells it what changed."""

    def __init__(
        self, nodes: Callable[[], Iterable[NodeItem]], views: Callable[[], Iterable[QGraphicsView]]
    ) -> None:
        self._nodes = nodes
        self._views = views
        self._placed: list[tuple[QRectF, list[str], NodeItem]] = []
        self._key: tuple[float, ...] | None = None
        self._region = QRectF()
        self._order: list[tuple[float, float, NodeItem]] | None = None
        self._static: dict[str, QStaticText] = {}
        self._sizes: dict[NodeItem, tuple[str, list[str], float, float]] = {}
        self._chosen_at = 0.0
        self._settle = QTimer()
        self._settle.setSingleShot(True)
        self._settle.setInterval(int(QUICK_S * 1000))
        self._settle.timeout.connect(self.rechoose)
        self.active = False

    def changed(self) -> None:
        """A node moved or changed: order the nodes and choose again at the
        next paint."""
        self._order = None
        self.rechoose()

    def rechoose(self) -> None:
        """Choose the labels again at the next paint (the nodes are as they were)."""
        self._key = None
        if self.active:
            for view in self._views():
                view.viewport().update()

    def placed(self) -> list[tuple[QRectF, list[str], NodeItem]]:
        """The labels last chosen: box (in zoomed scene coordinates: scene
        coordinates times the zoom), lines, node (for tests)."""
        return list(self._placed)

    def _candidates(self) -> list[tuple[float, float, NodeItem]]:
        """Every shown node's position, most important first (kept until a
        node changes, so a zoom or pan step only maps points)."""
        if self._order is None:
            nodes = [n for n in self._nodes() if n.isVisible()]
            if len(self._sizes) > 2 * len(nodes) + 100:  # forget removed nodes
                self._sizes.clear()
            nodes.sort(key=label_priority)
            self._order = [(n.pos().x(), n.pos().y(), n) for n in nodes]
        return self._order

    def _choose(self, m11: float, m22: float, region: QRectF) -> None:
        """Choose labels for ``region``, in zoomed scene coordinates (scene
        coordinates times the zoom, without the scroll offset)."""
        metrics = style.label_metrics(SCREEN_PX)
        line_height = metrics.height()
        grid = _Grid()
        placed: list[tuple[QRectF, list[str], NodeItem]] = []
        sizes = self._sizes
        reach = region.adjusted(-MAX_WIDTH / 2, -30, MAX_WIDTH / 2, 30)
        left, top, right, bottom = reach.left(), reach.top(), reach.right(), reach.bottom()
        for x, y, node in self._candidates():
            cx, cy = x * m11, y * m22  # the view has no rotation or shear
            if not (left <= cx <= right and top <= cy <= bottom) or grid.taken(cx, cy):
                continue
            size = sizes.get(node)
            if size is None or size[0] != node.node.label:
                lines = node.label_lines(metrics, MAX_WIDTH, MAX_LINES) or [node.node.id]
                size = (
                    node.node.label,
                    lines,
                    max(metrics.horizontalAdvance(line) for line in lines) + 2 * PAD,
                    line_height * len(lines) + 2 * PAD,
                )
                sizes[node] = size
            _, lines, width, height = size
            box = QRectF(cx - width / 2, cy - height / 2, width, height)
            if not grid.free(box):
                continue
            grid.add(box.adjusted(-2, -1, 2, 1))
            placed.append((box, lines, node))
            if len(placed) >= MAX_LABELS:
                break
        self._placed = placed

    def paint(self, painter: QPainter, view: QGraphicsView, exposed: QRectF) -> None:
        """Draw over ``view`` (from its ``drawForeground``; the painter is in
        scene coordinates) the labels that reach into ``exposed`` (scene
        coordinates: after a pan step, only the strip that came into view)."""
        transform = painter.worldTransform()
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(transform)
        self.active = lod < LAYER_LOD
        if not self.active:
            return
        m11, m22, dx, dy = transform.m11(), transform.m22(), transform.dx(), transform.dy()
        visible = QRectF(view.viewport().rect()).translated(-dx, -dy)
        # Chosen for a region around the viewport, so panning reuses the choice
        # and labels do not jump while the drawing scrolls.
        if self._key is None or self._key != (m11, m22) or not self._region.contains(visible):
            region = visible.adjusted(
                -visible.width() / 4,
                -visible.height() / 4,
                visible.width() / 4,
                visible.height() / 4,
            )
            now = time.monotonic()
            if (
                self._key is not None
                and self._key != (m11, m22)
                and self._placed
                and (self._settle.isActive() or now - self._chosen_at < QUICK_S)
            ):
                # In a burst of wheel steps the labels follow their nodes, and
                # are chosen again once the wheel rests.
                self._placed = [
                    (
                        QRectF(
                            node.x() * m11 - box.width() / 2,
                            node.y() * m22 - box.height() / 2,
                            box.width(),
                            box.height(),
                        ),
                        lines,
                        node,
                    )
                    for box, lines, node in self._placed
                ]
                self._settle.start()
            else:
                self._choose(m11, m22, region)
                self._chosen_at = now
            self._region = region
            self._key = (m11, m22)
        theme = style.current()
        metrics = style.label_metrics(SCREEN_PX)
        font = style.label_font(SCREEN_PX)
        painter.save()
        painter.setWorldTransform(QTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(font)
        fill = QColor(theme.label_box)
        fill.setAlpha(225)
        pens = {False: QPen(QColor(theme.edge), 0.8), True: QPen(theme.goal, 1.4)}
        painter.setBrush(QBrush(fill))
        shown = transform.mapRect(exposed).translated(-dx, -dy).adjusted(-2, -2, 2, 2)
        boxes: list[tuple[QRectF, list[str], bool, bool]] = []
        for zoomed, lines, node in self._placed:
            if zoomed.intersects(shown):
                boxes.append(
                    (zoomed.translated(dx, dy), lines, node.node.kind == "goal", node.mark.dimmed)
                )
        # Boxes first, in one call per look, then the text in one pen.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for goal in (False, True):
            for dimmed in (False, True):
                rects = [box for box, _lines, g, d in boxes if g == goal and d == dimmed]
                if rects:
                    painter.setOpacity(0.55 if dimmed else 1.0)
                    painter.setPen(pens[goal])
                    painter.drawRects(rects)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(theme.text)
        height = metrics.height()
        for box, lines, _goal, dimmed in boxes:
            painter.setOpacity(0.55 if dimmed else 1.0)
            for i, line in enumerate(lines):
                text = self._static.get(line)
                if text is None:  # laid out once, then only drawn
                    text = QStaticText(line)
                    text.setTextFormat(Qt.TextFormat.PlainText)
                    text.prepare(QTransform(), font)
                    if len(self._static) > 6000:
                        self._static.clear()
                    self._static[line] = text
                painter.drawStaticText(
                    QPointF(box.left() + PAD, box.top() + PAD + i * height), text
                )
        painter.restore()
