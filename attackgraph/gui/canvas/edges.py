"""Edge items: "enables" relations as curves with arrow heads.

An edge leaves its source on the right and arrives at its target on the
left (the flow is left to right); several edges at one side fan out along
it, ordered by the other end's height, so arrow heads never stack. A
forward edge is an S-curve with horizontal tangents; an edge that goes back
(a cycle) loops around below its ends instead of cutting through them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from attackgraph.gui.canvas import style
from attackgraph.gui.canvas.overlay import PLAIN_EDGE, EdgeMark
from attackgraph.model import Edge

if TYPE_CHECKING:
    from attackgraph.gui.canvas.nodes import NodeItem

__all__ = ["EdgeItem", "edge_path"]

ARROW_LENGTH = 10.0
ARROW_HALF_WIDTH = 5.0


def edge_path(start: QPointF, end: QPointF, clearance: float) -> QPainterPath:
    """The curve from ``start`` (leaving rightwards) to ``end`` (arriving
    from the left), stopping short of ``end`` by the arrow head.

    Parameters
    ----------
    start, end : QPointF
        The ends, in scene coordinates.
    clearance : float
        How far below the lower end a backward edge loops.
    """
    tip = QPointF(end.x() - ARROW_LENGTH, end.y())
    path = QPainterPath(start)
    dx = tip.x() - start.x()
    if dx >= 24.0:
        bend = max(dx * 0.5, 30.0)
        path.cubicTo(QPointF(start.x() + bend, start.y()), QPointF(tip.x() - bend, tip.y()), tip)
        return path
    # Backward (or nearly vertical) edge: out to the right, under both ends,
    # and in from the left.
    below = max(start.y(), tip.y()) + clearance
    reach = 36.0
    path.cubicTo(QPointF(start.x() + reach * 1.6, start.y()),
                 QPointF(start.x() + reach * 1.6, below), QPointF(start.x(), below))
    path.lineTo(QPointF(tip.x(), below))
    path.cubicTo(QPointF(tip.x() - reach * 1.6, below), QPointF(tip.x() - reach * 1.6, tip.y()),
                 tip)
    return path


class EdgeItem(QGraphicsItem):
    """An edge of the model between two node items."""

    def __init__(self, edge: Edge, source: NodeItem, target: NodeItem) -> None:
        super().__init__()
        self.edge = edge
        self.source = source
        self.target = target
        self.mark: EdgeMark = PLAIN_EDGE
        source.out_edges.append(self)
        target.in_edges.append(self)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(5)
        self._path = QPainterPath()
        self._arrow = QPolygonF()
        self._bounds = QRectF()
        self._shape: QPainterPath | None = None
        self.adjust()

    @property
    def key(self) -> tuple[str, str]:
        """``(source id, target id)``."""
        return self.edge.key

    def detach(self) -> None:
        """Forget the end items (before removal) and re-fan their other edges."""
        if self in self.source.out_edges:
            self.source.out_edges.remove(self)
        if self in self.target.in_edges:
            self.target.in_edges.remove(self)
        for other in (*self.source.out_edges, *self.target.in_edges):
            other.adjust()

    def set_edge(self, edge: Edge) -> None:
        """Show a changed edge (its label)."""
        self.edge = edge
        self.adjust()
        self.update()

    def set_mark(self, mark: EdgeMark) -> None:
        """Show an overlay's mark."""
        if mark != self.mark:
            self.mark = mark
            self.update()

    def adjust(self) -> None:
        """Recompute the curve after an end moved or the fans changed."""
        start = self.source.out_port(self)
        end = self.target.in_port(self)
        clearance = self.source.geometry.node_height * 0.5 + 18.0
        path = edge_path(start, end, clearance)
        arrow = QPolygonF([end, QPointF(end.x() - ARROW_LENGTH, end.y() - ARROW_HALF_WIDTH),
                           QPointF(end.x() - ARROW_LENGTH, end.y() + ARROW_HALF_WIDTH)])
        bounds = path.boundingRect().united(arrow.boundingRect())
        if self.edge.label:
            mid = path.pointAtPercent(0.5)
            bounds = bounds.united(QRectF(mid.x() - 160, mid.y() - 20, 320, 40))
        self.prepareGeometryChange()
        self._path, self._arrow, self._shape = path, arrow, None
        self._bounds = bounds.adjusted(-4, -4, 4, 4)

    def path(self) -> QPainterPath:
        """The curve, in scene coordinates (the item sits at the origin)."""
        return self._path

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            self._shape = stroker.createStroke(self._path)
            self._shape.addPolygon(self._arrow)
        return self._shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        lod = QStyleOptionGraphicsItem.levelOfDetailFromTransform(painter.worldTransform())
        theme = style.current()
        selected = self.isSelected()
        color = QColor(theme.selection if selected else (self.mark.accent or theme.edge))
        if self.mark.dimmed and not selected:
            painter.setOpacity(0.18)
        width = self.mark.width or 1.4
        if selected:
            width = max(width, 2.6)
        if self.target.node.gate == "and" and not selected and self.mark.accent is None:
            color = QColor(theme.and_badge)
        if lod < 0.16:
            painter.setPen(QPen(color, 0))
            painter.drawPath(self._path)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, width / min(1.0, max(lod, 0.35)), Qt.PenStyle.SolidLine,
                            style.PEN_CAP))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawPolygon(self._arrow)
        if self.edge.label and lod >= 0.4:
            self._paint_label(painter, theme, lod)

    def _paint_label(self, painter: QPainter, theme: style.CanvasStyle, lod: float) -> None:
        font = style.label_font(max(10.0, 7.5 / lod))
        metrics = QFontMetricsF(font)
        text = metrics.elidedText(self.edge.label or "", Qt.TextElideMode.ElideRight,
                                  150 * max(1.0, 0.75 / lod))
        mid = self._path.pointAtPercent(0.5)
        box = QRectF(0, 0, metrics.horizontalAdvance(text) + 10, metrics.height() + 4)
        box.moveCenter(mid)
        painter.setPen(QPen(theme.edge, 0.8))
        painter.setBrush(QBrush(theme.label_box))
        painter.drawRoundedRect(box, 5, 5)
        painter.setFont(font)
        painter.setPen(theme.muted)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
