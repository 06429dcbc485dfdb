"""Edge items: "enables" relations as curves with arrow heads.

An edge leaves its source on the right and arrives at its target on the
left (the flow is left to right; in a drawing whose positions run top to
bottom, it leaves at the bottom and arrives at the top); several edges at one side fan out along
it, ordered by the other end's height, so arrow heads never stack. A
forward edge is an S-curve with horizontal tangents; an edge that goes back
(a cycle) loops around below its ends instead of cutting through them.

Edges are the most numerous items, so they are drawn by Qt itself (a path
item with an arrow-head child, cosmetic pens): no Python runs per edge when
the canvas is painted. Their selection is kept by the scene, since Qt's own
would draw a dashed box around each selected curve.
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
    QTransform,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from attackgraph.gui.canvas import style
from attackgraph.gui.canvas.overlay import PLAIN_EDGE, EdgeMark
from attackgraph.model import Edge

if TYPE_CHECKING:
    from attackgraph.gui.canvas.nodes import NodeItem

__all__ = ["EdgeItem", "edge_path"]

ARROW_LENGTH = 10.0
ARROW_HALF_WIDTH = 5.0
HIT_WIDTH = 10.0
ROOM = 340.0
"""Widest an edge label may be (scene units)."""


_TRANSPOSE = QTransform(0, 1, 1, 0, 0, 0)
"""Swaps x and y: a top-to-bottom drawing is a left-to-right one transposed."""


_TURN = QTransform(0, -1, 1, 0, 0, 0)
"""(a, b) -> (b, -a): a bottom-to-top drawing is a left-to-right one turned."""


def _flip(point: QPointF) -> QPointF:
    return QPointF(point.y(), point.x())


def _unturn(point: QPointF) -> QPointF:
    return QPointF(-point.y(), point.x())


def edge_path(
    start: QPointF, end: QPointF, clearance: float, direction: str = "LR"
) -> QPainterPath:
    """The curve from ``start`` (leaving rightwards) to ``end`` (arriving
    from the left), stopping short of ``end`` by the arrow head; with
    ``direction="TB"`` it leaves downwards and arrives from above, with
    ``"BT"`` upwards, arriving from below.

    Parameters
    ----------
    start, end : QPointF
        The ends, in scene coordinates.
    clearance : float
        How far below (``"TB"``: right of) the ends a backward edge loops.
    direction : {"LR", "TB", "BT"}
        The flow's direction, which the ports follow.
    """
    if direction == "TB":
        return _TRANSPOSE.map(edge_path(_flip(start), _flip(end), clearance))
    if direction == "BT":
        return _TURN.map(edge_path(_unturn(start), _unturn(end), clearance))
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
    path.cubicTo(
        QPointF(start.x() + reach * 1.6, start.y()),
        QPointF(start.x() + reach * 1.6, below),
        QPointF(start.x(), below),
    )
    path.lineTo(QPointF(tip.x(), below))
    path.cubicTo(
        QPointF(tip.x() - reach * 1.6, below), QPointF(tip.x() - reach * 1.6, tip.y()), tip
    )
    return path


class _Label(QGraphicsItem):
    """An edge's label in a small rounded box (only labelled edges have one)."""

    def __init__(self, parent: EdgeItem) -> None:
        super().__init__(parent)
        self.text = ""
        self.centre = QPointF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def place(self, text: str, centre: QPointF) -> None:
        """Show ``text`` centred on ``centre`` (the middle of the curve)."""
        self.prepareGeometryChange()
        self.text, self.centre = text, centre

    def boundingRect(self) -> QRectF:
        return QRectF(self.centre.x() - 170, self.centre.y() - 22, 340, 44)

    def covered(self, point: QPointF) -> bool:
        """Whether a node other than the edge's ends lies under ``point``."""
        scene = self.scene()
        if scene is None:
            return False
        edge = self.parentItem()
        ends = (edge.source, edge.target)
        return any(
            hasattr(item, "body_rect")
            and item not in ends
            and item.body_rect().translated(item.pos()).contains(point)
            for item in scene.items(point)
        )

    def room(self, band: float = 30.0) -> float:
        """How wide the label may be (scene units): the free space around its
        centre between the nodes beside it (the edge's ends or any other), so
        that it never covers node text; 0 when a node is under or right above
        or below it (within ``band``, the label's height)."""
        scene = self.scene()
        if scene is None:
            return 0.0
        cx, cy = self.centre.x(), self.centre.y()
        half = ROOM / 2
        for item in scene.items(QRectF(cx - half, cy - band / 2, 2 * half, band)):
            if not hasattr(item, "body_rect"):
                continue
            body = item.body_rect().translated(item.pos())
            if body.right() <= cx:
                half = min(half, cx - body.right())
            elif body.left() >= cx:
                half = min(half, body.left() - cx)
            else:
                return 0.0
        return 2 * half - 8.0

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        from attackgraph.gui.canvas.nodes import wrap_text

        lod = style.paint_lod(painter)
        if lod < 0.4 or not self.text:
            return
        font = style.label_font(max(10.0, 7.5 / lod))
        metrics = QFontMetricsF(font)
        width = min(self.room(2 * metrics.height() + 6), 150 * max(1.0, 0.75 / lod)) - 10
        words = self.text.split() or [""]
        if width < min(metrics.horizontalAdvance(words[0]), 8 * metrics.averageCharWidth()):
            return  # no room for a word: the edge's tooltip has it
        lines = wrap_text(self.text, metrics, width, 2)
        box = QRectF(
            0,
            0,
            max(metrics.horizontalAdvance(line) for line in lines) + 10,
            metrics.height() * len(lines) + 4,
        )
        box.moveCenter(self.centre)
        theme = style.current()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(theme.edge, 0.8))
        painter.setBrush(QBrush(theme.label_box))
        painter.drawRoundedRect(box, 5, 5)
        painter.setFont(font)
        painter.setPen(theme.muted)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "\n".join(lines))


class EdgeItem(QGraphicsPathItem):
    """An edge of the model between two node items."""

    def __init__(self, edge: Edge, source: NodeItem, target: NodeItem) -> None:
        super().__init__()
        self.edge = edge
        self.source = source
        self.target = target
        self.mark: EdgeMark = PLAIN_EDGE
        self.selected = False
        source.out_edges.append(self)
        target.in_edges.append(self)
        self.setZValue(5)
        self.setBrush(Qt.BrushStyle.NoBrush)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.arrow = QGraphicsPolygonItem(self)
        self.arrow.setPen(Qt.PenStyle.NoPen)
        self.arrow.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.label: _Label | None = None
        self.loops = False
        self._hit: QPainterPath | None = None
        self.refresh_style()
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

    def set_mark(self, mark: EdgeMark) -> None:
        """Show an overlay's mark."""
        if mark != self.mark:
            self.mark = mark
            self.refresh_style()

    def set_selected(self, selected: bool) -> None:
        """Show the edge as selected (the scene keeps the selection)."""
        if selected != self.selected:
            self.selected = selected
            self.refresh_style()

    def refresh_style(self) -> None:
        """Colour and width for the theme, the selection, the overlay and the
        target's gate (edges into an AND node share the AND colour)."""
        theme = style.current()
        if self.selected:
            color, width = QColor(theme.selection), 2.6
        else:
            color = (
                QColor(self.mark.accent)
                if self.mark.accent
                else (
                    QColor(theme.and_badge)
                    if self.target.node.gate == "and"
                    else QColor(theme.edge)
                )
            )
            width = self.mark.width or 1.4
        dashed = self.mark.dashed and not self.selected
        pen = QPen(
            color, width, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine, style.PEN_CAP
        )
        pen.setCosmetic(True)  # as thick at every zoom: readable when zoomed out
        self.setPen(pen)
        self.arrow.setBrush(QBrush(color))
        self.setOpacity(0.18 if self.mark.dimmed and not self.selected else 1.0)
        self.update_visibility()

    def batched(self) -> bool:
        """Whether the overview draws this edge (it is plain and not selected)."""
        return not self.selected and self.mark == PLAIN_EDGE

    def update_visibility(self) -> None:
        """Hide the item while the scene's overview draws it."""
        scene = self.scene()
        batch = getattr(scene, "edge_batch", None)
        hidden = batch is not None and batch.active and self.batched()
        if self.isVisible() == hidden:
            self.setVisible(not hidden)
            if batch is not None:
                batch.changed()

    def adjust(self) -> None:
        """Recompute the curve after an end moved or the fans changed."""
        start = self.source.out_port(self)
        end = self.target.in_port(self)
        direction = self.source.direction()
        geometry = self.source.geometry
        clearance = (
            geometry.node_height if direction == "LR" else geometry.node_width
        ) * 0.5 + 18.0
        path = edge_path(start, end, clearance, direction)
        # A backward edge loops around its ends; a forward one stays between them.
        self.loops = path.elementCount() > 4
        self.setPath(path)
        # After setPath: its prepareGeometryChange asked shape() for the old
        # bounds, which cached the old curve's hit band (stale bounds and hits).
        self._hit = None
        if direction in ("TB", "BT"):
            back = -ARROW_LENGTH if direction == "TB" else ARROW_LENGTH
            self.arrow.setPolygon(
                QPolygonF(
                    [
                        end,
                        QPointF(end.x() - ARROW_HALF_WIDTH, end.y() + back),
                        QPointF(end.x() + ARROW_HALF_WIDTH, end.y() + back),
                    ]
                )
            )
        else:
            self.arrow.setPolygon(
                QPolygonF(
                    [
                        end,
                        QPointF(end.x() - ARROW_LENGTH, end.y() - ARROW_HALF_WIDTH),
                        QPointF(end.x() - ARROW_LENGTH, end.y() + ARROW_HALF_WIDTH),
                    ]
                )
            )
        batch = getattr(self.scene(), "edge_batch", None)
        if batch is not None:
            batch.changed()
        if self.edge.label:
            if self.label is None:
                self.label = _Label(self)
            centre = path.pointAtPercent(0.5)
            if self.label.covered(centre):  # the middle is under another node
                centre = next(
                    (
                        p
                        for p in map(path.pointAtPercent, (0.35, 0.65, 0.2, 0.8))
                        if not self.label.covered(p)
                    ),
                    centre,
                )
            self.label.place(self.edge.label, centre)
            self.setToolTip(self.edge.label)
        elif self.label is not None:
            self.setToolTip("")
            self.label.setParentItem(None)
            if self.label.scene() is not None:
                self.label.scene().removeItem(self.label)
            self.label = None

    def shape(self) -> QPainterPath:
        if self._hit is None:  # a band around the curve, so edges are easy to click
            stroker = QPainterPathStroker()
            stroker.setWidth(HIT_WIDTH)
            self._hit = stroker.createStroke(self.path())
        return self._hit
