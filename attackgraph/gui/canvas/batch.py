"""The overview of a large model's edges: one path of straight segments.

Zoomed out on thousands of edges, drawing each curve costs more than a
frame's time, and no one can tell curves apart anyway. The scene then hides
the plain edge items and shows this single item instead, which Qt draws in
one call. Edges that an overlay marks or the user selected keep their own
items, so highlights still show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from attackgraph.gui.canvas import style

if TYPE_CHECKING:
    from attackgraph.gui.canvas.edges import EdgeItem
    from attackgraph.gui.canvas.nodes import NodeItem

__all__ = ["BATCH_MIN_EDGES", "BATCH_MIN_NODES", "EdgeBatch", "NodeBatch"]

BATCH_MIN_EDGES = 1200
"""Models with fewer edges always draw every edge itself."""
BATCH_MIN_NODES = 600
"""Models with fewer nodes always draw every node itself."""
ENTER_ZOOM, LEAVE_ZOOM = 0.35, 0.42
"""The overview starts below the first zoom and ends above the second (no flicker)."""


class EdgeBatch(QGraphicsPathItem):
    """Every plain edge as a straight segment, drawn by Qt in one go."""

    def __init__(self, edges: Callable[[], Iterable[EdgeItem]]) -> None:
        super().__init__()
        self._edges = edges
        self.active = False
        self.setZValue(4)
        self.setAcceptedMouseButtons(self.acceptedMouseButtons().NoButton)
        self.setVisible(False)
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(30)
        self._timer.timeout.connect(self.rebuild)
        self.refresh_style()

    def refresh_style(self) -> None:
        """The theme's edge colour, one device pixel wide at every zoom."""
        pen = QPen(style.current().edge, 1.0)
        pen.setCosmetic(True)
        self.setPen(pen)

    def want(self, zoom: float, edge_count: int) -> bool:
        """Whether the overview should be on at ``zoom``."""
        if edge_count < BATCH_MIN_EDGES:
            return False
        return zoom < (LEAVE_ZOOM if self.active else ENTER_ZOOM)

    def set_active(self, active: bool) -> None:
        """Switch the overview on (hiding plain edge items) or off."""
        if active == self.active:
            return
        self.active = active
        for edge in self._edges():
            edge.update_visibility()
        if active:
            self.rebuild()
        self.setVisible(active)

    def changed(self) -> None:
        """An edge moved or changed: draw the overview again soon."""
        if self.active:
            self._timer.start()

    def rebuild(self) -> None:
        """Collect the plain edges' segments into the path."""
        self._timer.stop()
        path = QPainterPath()
        for edge in self._edges():
            if edge.batched():
                line = edge.path()
                path.moveTo(line.pointAtPercent(0.0))
                path.lineTo(edge.arrow.polygon().at(0))
        self.setPath(path)


class NodeBatch(QGraphicsItem):
    """Every plain node of a large model as a coloured box, when so far zoomed
    out that a node is a few pixels wide (the node items then skip drawing,
    and their cached pictures are dropped)."""

    ZOOM = 0.16
    """Below this zoom nodes are bare boxes (see ``nodes.SHAPES_ONLY_LOD``)."""

    def __init__(self, nodes: Callable[[], Iterable[NodeItem]]) -> None:
        super().__init__()
        self._nodes = nodes
        self.active = False
        self._groups: list[tuple[QColor, list[QRectF]]] = []
        self._bounds = QRectF()
        self.setZValue(9)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setVisible(False)
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(20)
        self._timer.timeout.connect(self.refresh)

    def want(self, zoom: float, node_count: int) -> bool:
        """Whether the node overview should be on at ``zoom``."""
        return node_count >= BATCH_MIN_NODES and zoom < self.ZOOM

    def set_active(self, active: bool) -> None:
        """Switch the node overview on or off."""
        if active == self.active:
            return
        self.active = active
        mode = (
            QGraphicsItem.CacheMode.NoCache
            if active
            else QGraphicsItem.CacheMode.DeviceCoordinateCache
        )
        for node in self._nodes():
            node.setCacheMode(mode)
            node.update_contents(active)
            node.update()
        if active:
            self.refresh()
        self.setVisible(active)

    def changed(self) -> None:
        """A node moved or changed: collect the boxes again soon."""
        if self.active:
            self._timer.start()

    def refresh(self) -> None:
        """Collect the plain nodes' boxes, by colour."""
        from attackgraph.gui.canvas import style

        self._timer.stop()
        theme = style.current()
        groups: dict[int, tuple[QColor, list[QRectF]]] = {}
        bounds = QRectF()
        for node in self._nodes():
            if not node.batched():
                continue
            color = theme.goal if node.node.kind == "goal" else node.color
            rect = node.body_rect().translated(node.pos())
            groups.setdefault(color.rgba(), (color, []))[1].append(rect)
            bounds = bounds.united(rect)
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds
        self._groups = list(groups.values())
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        for color, rects in self._groups:
            painter.setBrush(QBrush(color))
            painter.drawRects(rects)
