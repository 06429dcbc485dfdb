"""Graphics items of the canvas. Items draw model objects; they never change
the model (the scene turns gestures into undo commands)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSceneHoverEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from attackgraph.gui.canvas.style import NO_COMPONENT, is_dark, node_path
from attackgraph.model import Component, Edge, Node
from attackgraph.render.layout import NODE_HEIGHT, NODE_WIDTH

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["EdgeItem", "FrameItem", "NodeItem", "wrap_text"]

HANDLE_RADIUS = 6.0


def wrap_text(text: str, metrics: QFontMetricsF, width: float, max_lines: int) -> list[str]:
    """Word-wrap ``text`` to ``width``; the last line is elided if it overflows."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if metrics.horizontalAdvance(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1:])]
    return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]


class NodeItem(QGraphicsItem):
    """An entry, step or goal: shape by kind, colour by component, label,
    technique ids, and an AND badge for ``gate: and``."""

    def __init__(self, node: Node, color: QColor | None) -> None:
        super().__init__()
        self.node = node
        self.color = color or QColor(NO_COMPONENT)
        self.edges: list[EdgeItem] = []
        self.hovered = False
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
            | QGraphicsItem.GraphicsItemFlag.ItemIsFocusable
        )
        self.setAcceptHoverEvents(True)
        self.setZValue(10)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._update_tooltip()

    # -------------------------------------------------------------- geometry
    @staticmethod
    def body_rect() -> QRectF:
        """The node's box, centred on its position."""
        return QRectF(-NODE_WIDTH / 2, -NODE_HEIGHT / 2, NODE_WIDTH, NODE_HEIGHT)

    def boundingRect(self) -> QRectF:
        return self.body_rect().adjusted(-4, -12, HANDLE_RADIUS + 4, 4)

    def shape(self) -> QPainterPath:
        path = node_path(self.node.kind, self.body_rect())
        path.addEllipse(self.handle_center(), HANDLE_RADIUS + 2, HANDLE_RADIUS + 2)
        return path

    def handle_center(self) -> QPointF:
        """Where a new edge starts when dragged out of this node."""
        return QPointF(NODE_WIDTH / 2, 0)

    def on_handle(self, local: QPointF) -> bool:
        """Whether a point (item coordinates) is on the connection handle."""
        delta = local - self.handle_center()
        return math.hypot(delta.x(), delta.y()) <= HANDLE_RADIUS + 3

    def out_point(self) -> QPointF:
        """Scene point where outgoing edges leave."""
        return self.mapToScene(QPointF(NODE_WIDTH / 2, 0))

    def in_point(self) -> QPointF:
        """Scene point where incoming edges arrive."""
        return self.mapToScene(QPointF(-NODE_WIDTH / 2, 0))

    # ---------------------------------------------------------------- state
    def set_node(self, node: Node, color: QColor | None) -> None:
        """Show a changed node."""
        self.node = node
        self.color = color or QColor(NO_COMPONENT)
        self._update_tooltip()
        self.update()

    def _update_tooltip(self) -> None:
        node = self.node
        parts = [f"<b>{_escape(node.label)}</b>", f"{node.kind} <code>{_escape(node.id)}</code>"]
        if node.gate == "and":
            parts.append("AND: needs all of its enablers")
        if node.techniques:
            parts.append("Techniques: " + _escape(", ".join(node.techniques)))
        if node.description:
            text = node.description if len(node.description) < 400 else \
                node.description[:400] + "…"
            parts.append(_escape(text))
        self.setToolTip("<br>".join(parts))

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.edges:
                edge.adjust()
            scene = self.scene()
            if scene is not None and hasattr(scene, "node_moved"):
                scene.node_moved(self)
        # Returning the value itself: super().itemChange() hands back None
        # for some changes, which PySide6 6.x over-releases at exit.
        return value

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = True
        self.update()
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = False
        self.update()
        super().hoverLeaveEvent(event)

    # --------------------------------------------------------------- paint
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        dark = is_dark()
        rect = self.body_rect()
        path = node_path(self.node.kind, rect)
        base = self.color
        fill = QColor(base).darker(260) if dark else QColor(base).lighter(185)
        if self.node.kind == "goal":
            fill = QColor("#4a1f24") if dark else QColor("#fde8e8")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QBrush(fill))
        selected = self.isSelected()
        border = QColor("#ffcc00") if selected else QColor(base).darker(130 if not dark else 80)
        painter.setPen(QPen(border, 3.0 if selected else 1.6))
        painter.drawPath(path)
        if self.node.kind == "goal":
            inner = node_path("goal", rect.adjusted(4, 4, -4, -4))
            painter.setPen(QPen(QColor("#c62828") if not dark else QColor("#ef9a9a"), 1.2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(inner)
        # Component strip on the left edge.
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(base))
        strip = QRectF(rect.left() + (6 if self.node.kind == "goal" else 0), rect.top() + 8,
                       5, rect.height() - 16)
        painter.drawRoundedRect(strip, 2, 2)
        text_color = QColor("#f0f0f0") if dark else QColor("#1d1d1f")
        self._paint_text(painter, rect, text_color, dark)
        if self.node.gate == "and":
            self._paint_badge(painter, rect)
        if self.hovered or selected:
            painter.setPen(QPen(QColor(base).darker(150), 1.2))
            painter.setBrush(QBrush(QColor("#ffffff")))
            painter.drawEllipse(self.handle_center(), HANDLE_RADIUS, HANDLE_RADIUS)

    def _paint_text(self, painter: QPainter, rect: QRectF, color: QColor, dark: bool) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(9.0)
        font.setBold(self.node.kind == "goal")
        metrics = QFontMetricsF(font)
        left = rect.left() + 14
        width = rect.width() - 30
        has_tech = bool(self.node.techniques)
        lines = wrap_text(self.node.label, metrics, width, 2 if has_tech else 3)
        line_height = metrics.height()
        small = QFont(font)
        small.setBold(False)
        small.setPointSizeF(7.2)
        small_metrics = QFontMetricsF(small)
        total = line_height * len(lines) + (small_metrics.height() if has_tech else 0)
        top = rect.center().y() - total / 2
        painter.setFont(font)
        painter.setPen(color)
        for i, line in enumerate(lines):
            painter.drawText(QPointF(left, top + metrics.ascent() + i * line_height), line)
        if has_tech:
            painter.setFont(small)
            painter.setPen(QColor("#9aa4b1") if dark else QColor("#5b6573"))
            tech = small_metrics.elidedText(" · ".join(self.node.techniques or ()),
                                            Qt.TextElideMode.ElideRight, width)
            painter.drawText(QPointF(left, top + len(lines) * line_height
                                     + small_metrics.ascent()), tech)

    def _paint_badge(self, painter: QPainter, rect: QRectF) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(7.0)
        font.setBold(True)
        badge = QRectF(rect.right() - 44, rect.top() - 9, 34, 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor("#37474f")))
        painter.drawRoundedRect(badge, 8, 8)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "AND")


class EdgeItem(QGraphicsPathItem):
    """An "enables" edge: a curve with an arrow head and an optional label."""

    def __init__(self, edge: Edge, source: NodeItem, target: NodeItem) -> None:
        super().__init__()
        self.edge = edge
        self.source = source
        self.target = target
        source.edges.append(self)
        target.edges.append(self)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(5)
        self._arrow = QPolygonF()
        self.adjust()

    def detach(self) -> None:
        """Forget the end items (before removal)."""
        for end in (self.source, self.target):
            if self in end.edges:
                end.edges.remove(self)

    def set_edge(self, edge: Edge) -> None:
        """Show a changed edge (its label)."""
        self.edge = edge
        self.adjust()

    def adjust(self) -> None:
        """Recompute the curve after an end moved."""
        start, end = self.source.out_point(), self.target.in_point()
        dx = max(abs(end.x() - start.x()) / 2, 40.0)
        path = QPainterPath(start)
        path.cubicTo(QPointF(start.x() + dx, start.y()), QPointF(end.x() - dx, end.y()),
                     end - QPointF(8, 0))
        self.prepareGeometryChange()
        self.setPath(path)
        self._arrow = QPolygonF([end, end + QPointF(-11, -5.5), end + QPointF(-11, 5.5)])

    def boundingRect(self) -> QRectF:
        rect = super().boundingRect().united(self._arrow.boundingRect())
        return rect.adjusted(-60, -20, 60, 20) if self.edge.label else rect.adjusted(-4, -4, 4, 4)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(10)
        return stroker.createStroke(self.path())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        dark = is_dark()
        color = QColor("#ffcc00") if self.isSelected() else \
            (QColor("#9aa4b1") if dark else QColor("#55606e"))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, 2.6 if self.isSelected() else 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawPolygon(self._arrow)
        if self.edge.label:
            font = QFont(painter.font())
            font.setPointSizeF(7.5)
            painter.setFont(font)
            metrics = QFontMetricsF(font)
            text = metrics.elidedText(self.edge.label, Qt.TextElideMode.ElideRight, 140)
            mid = self.path().pointAtPercent(0.5)
            box = metrics.boundingRect(text).adjusted(-4, -2, 4, 2)
            box.moveCenter(mid)
            painter.setBrush(QBrush(QColor("#2b2b2b") if dark else QColor("#ffffff")))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(QColor("#e0e0e0") if dark else QColor("#333333"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


class FrameItem(QGraphicsItem):
    """A component: a translucent, named frame around its nodes (nested)."""

    def __init__(self, component: Component, color: QColor, depth: int) -> None:
        super().__init__()
        self.component = component
        self.color = color
        self.depth = depth
        self._rect = QRectF()
        self.setZValue(-10 + depth)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_component(self, component: Component, color: QColor, depth: int) -> None:
        """Show a changed component."""
        self.component, self.color, self.depth = component, color, depth
        self.setZValue(-10 + depth)
        self.update()

    def fit(self, rects: Iterable[QRectF], levels_below: int) -> None:
        """Cover the given scene rectangles, with room for the title."""
        united = QRectF()
        for rect in rects:
            united = united.united(rect)
        margin = 14 + 10 * levels_below
        new = united.adjusted(-margin, -margin - 18, margin, margin) if united.isValid() \
            else QRectF()
        if new != self._rect:
            self.prepareGeometryChange()
            self._rect = new

    def frame_rect(self) -> QRectF:
        """The frame in scene coordinates."""
        return self._rect

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        if not self._rect.isValid():
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(self.color)
        fill.setAlpha(34 if is_dark() else 26)
        pen_color = QColor(self.color)
        pen_color.setAlpha(170)
        pen = QPen(pen_color, 1.4)
        if self.component.kind == "cloud":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(self._rect, 14, 14)
        font = QFont(painter.font())
        font.setPointSizeF(8.5)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(self.color).lighter(140) if is_dark() else QColor(self.color)
                       .darker(140))
        title = f"{self.component.label}  ·  {self.component.kind}"
        metrics = QFontMetricsF(font)
        title = metrics.elidedText(title, Qt.TextElideMode.ElideRight, self._rect.width() - 24)
        painter.drawText(QPointF(self._rect.left() + 12, self._rect.top() + 16), title)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
