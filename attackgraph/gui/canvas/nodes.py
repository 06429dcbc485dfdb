"""Node items: entries, steps and goals as cards on the canvas.

A node is drawn by kind (a tag for entries, a card for steps, an octagon for
goals), tinted and striped with its component's colour, with its label,
technique ids, an AND badge and an arc across the incoming edges of an
``and`` gate. Drawing adapts to the zoom: full detail when text is legible,
larger short labels in the overview, bare shapes when thousands of nodes are
on screen.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from attackgraph.gui.canvas import style
from attackgraph.gui.canvas.labels import LAYER_LOD
from attackgraph.gui.canvas.overlay import PLAIN_NODE, NodeMark
from attackgraph.gui.text import escape_html
from attackgraph.model import Node
from attackgraph.render.layout.geometry import DEFAULT_GEOMETRY, CanvasGeometry

if TYPE_CHECKING:
    from attackgraph.gui.canvas.edges import EdgeItem

__all__ = ["NodeItem", "wrap_text"]

HANDLE_RADIUS = 7.0
LABEL_PX = 13.0
TECH_PX = 10.0
MIN_SCREEN_PX = 8.5
"""Smallest label size on screen, in device pixels: zoomed out further, the
label grows (and shows fewer words) instead of shrinking."""
DETAIL_LOD = MIN_SCREEN_PX / LABEL_PX
"""Below this zoom the overview drawing is used (the sizes meet there)."""
SHAPES_ONLY_LOD = 0.16
FLOOR_SCREEN_PX = 7.0
"""Between :data:`LAYER_LOD` and :data:`DETAIL_LOD` a label shrinks down to
this screen size (rather than being cut) to fit its node."""


def _quantised(pixels: float) -> float:
    """A label size rounded to steps of about 6 %, so that the zoom steps of a
    wheel reuse the wrapped lines (and cached pictures look alike)."""
    return round(1.06 ** round(math.log(pixels, 1.06)), 2)


def wrap_text(text: str, metrics: QFontMetricsF, width: float, max_lines: int) -> list[str]:
    """Word-wrap ``text`` to ``width``; the last line is elided if text is left over."""
    if max_lines <= 0:
        return []
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
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
        last = metrics.elidedText(lines[-1], Qt.TextElideMode.ElideRight, width)
        if last == lines[-1]:  # fits only because the words were joined: mark the cut
            last = metrics.elidedText(lines[-1] + " …", Qt.TextElideMode.ElideRight, width)
        lines[-1] = last
    return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]


class NodeItem(QGraphicsItem):
    """One node of the model; the scene keeps it in step with the model."""

    def __init__(
        self, node: Node, color: QColor | None, geometry: CanvasGeometry = DEFAULT_GEOMETRY
    ) -> None:
        super().__init__()
        self.node = node
        self.color = QColor(color) if color is not None else QColor(style.NO_COMPONENT)
        self.geometry = geometry
        self.in_edges: list[EdgeItem] = []
        self.out_edges: list[EdgeItem] = []
        self.mark: NodeMark = PLAIN_NODE
        self.hovered = False
        self.handle_hot = False
        """A press here would start a connection (the scene lights the handle)."""
        self.drop_hot = False
        """A connection being drawn would land here (a ring in the connect colour)."""
        self._text_cache: dict[tuple[int, bool, int], list[str]] = {}
        self._fit_cache: dict[tuple[float, float, bool], tuple[float, list[str], bool]] = {}
        self._paint_key: tuple[bool, int, str] | None = None
        self._paint_cache: tuple[QBrush, QPen] = (QBrush(), QPen())
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setAcceptHoverEvents(True)
        self.setZValue(10)
        # A picture per zoom level: panning then only copies pixels.
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        w, h = geometry.node_width, geometry.node_height
        self._body = QRectF(-w / 2, -h / 2, w, h)
        self._bounds = self._body.adjusted(-22, -28, HANDLE_RADIUS + 6, 28)
        self._update_tooltip()

    # -------------------------------------------------------------- geometry
    def body_rect(self) -> QRectF:
        """The node's box, centred on its position."""
        return QRectF(self._body)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        path = style.node_path(self.node.kind, self.body_rect())
        path.addEllipse(self.handle_center(), HANDLE_RADIUS + 3, HANDLE_RADIUS + 3)
        return path

    def handle_center(self) -> QPointF:
        """Where a new edge starts when dragged out of this node."""
        return QPointF(self.geometry.node_width / 2, 0)

    def on_handle(self, local: QPointF) -> bool:
        """Whether a point (item coordinates) is on the connection handle."""
        delta = local - self.handle_center()
        return math.hypot(delta.x(), delta.y()) <= HANDLE_RADIUS + 3

    def scene_box(self) -> tuple[float, float, float, float]:
        """The body in scene coordinates, as ``(left, top, right, bottom)``."""
        x, y = self.pos().x(), self.pos().y()
        w, h = self.geometry.node_width / 2, self.geometry.node_height / 2
        return (x - w, y - h, x + w, y + h)

    def direction(self) -> str:
        """The scene's flow direction (``"LR"`` or ``"TB"``), which ports follow."""
        return getattr(self.scene(), "direction", "LR")

    def _port_offset(
        self, edge: EdgeItem, edges: list[EdgeItem], incoming: bool, across: bool = False
    ) -> float:
        """Offset of an edge's end along its side: several edges fan out
        (vertically for a left-to-right flow, ``across`` for top to bottom)."""
        count = len(edges)
        if count <= 1:
            return 0.0
        if across:
            ordered = sorted(edges, key=lambda e: (e.source if incoming else e.target).pos().x())
            spread = min(18.0, (self.geometry.node_width - 40.0) / (count - 1))
        else:
            ordered = sorted(edges, key=lambda e: (e.source if incoming else e.target).pos().y())
            spread = min(12.0, (self.geometry.node_height - 24.0) / (count - 1))
        return (ordered.index(edge) - (count - 1) / 2.0) * spread

    def out_port(self, edge: EdgeItem) -> QPointF:
        """Scene point where ``edge`` leaves this node (right side; bottom when
        the flow runs top to bottom, top when it runs bottom to top)."""
        direction = self.direction()
        if direction in ("TB", "BT"):
            offset = self._port_offset(edge, self.out_edges, incoming=False, across=True)
            side = 1 if direction == "TB" else -1
            return self.mapToScene(QPointF(offset, side * self.geometry.node_height / 2))
        offset = self._port_offset(edge, self.out_edges, incoming=False)
        x = self.geometry.node_width / 2
        if self.node.kind == "entry":  # the tag's point: follow its slanted sides
            notch = min(self.geometry.node_height / 2.4, 22.0)
            x -= notch * abs(offset) / (self.geometry.node_height / 2)
        return self.mapToScene(QPointF(x, offset))

    def in_port(self, edge: EdgeItem) -> QPointF:
        """Scene point where ``edge`` arrives at this node (left side; top for
        a top-to-bottom flow, bottom for a bottom-to-top one)."""
        direction = self.direction()
        if direction in ("TB", "BT"):
            offset = self._port_offset(edge, self.in_edges, incoming=True, across=True)
            side = -1 if direction == "TB" else 1
            return self.mapToScene(QPointF(offset, side * self.geometry.node_height / 2))
        offset = self._port_offset(edge, self.in_edges, incoming=True)
        return self.mapToScene(QPointF(-self.geometry.node_width / 2, offset))

    def connect_point(self) -> QPointF:
        """Scene point where a connection being dragged starts."""
        return self.mapToScene(self.handle_center())

    # ---------------------------------------------------------------- state
    def set_node(self, node: Node, color: QColor | None) -> None:
        """Show a changed node."""
        if node.kind != self.node.kind or color != self.color:
            self._batch_changed()
        if node.label != self.node.label or bool(node.techniques) != bool(self.node.techniques):
            self._text_cache.clear()
            self._fit_cache.clear()
            labels = getattr(self.scene(), "label_layer", None)
            if labels is not None:
                labels.changed()
        self.node = node
        self.color = QColor(color) if color is not None else QColor(style.NO_COMPONENT)
        self._update_tooltip()
        self.update()

    def set_mark(self, mark: NodeMark) -> None:
        """Show an overlay's mark (dimmed, accent ring, badges)."""
        if mark != self.mark:
            self.mark = mark
            self._update_tooltip()
            self.update()
            self._batch_changed()

    def batched(self) -> bool:
        """Whether the overview of a large model may draw this node for it."""
        return (
            self.mark == PLAIN_NODE
            and not self.isSelected()
            and not self.drop_hot
            and not self.handle_hot
        )

    def set_hot(self, handle: bool | None = None, drop: bool | None = None) -> None:
        """Light the connect handle (a press would connect) or ring the node
        (a connection would land here); None leaves a state as it is."""
        if handle is not None:
            self.handle_hot = handle
        if drop is not None:
            self.drop_hot = drop
        self.update()
        self._batch_changed()

    def _batch_changed(self) -> None:
        labels = getattr(self.scene(), "label_layer", None)
        if labels is not None:
            labels.changed()
        batch = getattr(self.scene(), "node_batch", None)
        if batch is not None:
            self.update_contents(batch.active)
            batch.changed()

    def update_contents(self, overview: bool) -> None:
        """While the scene's overview draws this node, Qt skips painting the item
        (it stays selectable and clickable)."""
        skip = overview and self.batched()
        flag = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
        if bool(self.flags() & flag) != skip:
            self.setFlag(flag, skip)

    def _update_tooltip(self) -> None:
        node = self.node
        parts = [
            f"<b>{escape_html(node.label)}</b>",
            f"{node.kind} <code>{escape_html(node.id)}</code>",
        ]
        if node.gate == "and":
            parts.append("<b>AND</b>: needs all of its enablers")
        if node.techniques:
            parts.append("Techniques: " + escape_html(", ".join(node.techniques)))
        for badge in (*self.mark.flags, *self.mark.badges):
            if badge.tooltip:
                parts.append(escape_html(badge.tooltip))
        if node.description:
            text = node.description if len(node.description) < 400 else node.description[:400] + "…"
            parts.append(escape_html(text))
        self.setToolTip("<br>".join(parts))

    def adjust_edges(self) -> None:
        """Re-route this node's edges and the fans at their other ends."""
        for edge in self.in_edges:
            edge.adjust()
            for sibling in edge.source.out_edges:
                if sibling is not edge:
                    sibling.adjust()
        for edge in self.out_edges:
            edge.adjust()
            for sibling in edge.target.in_edges:
                if sibling is not edge:
                    sibling.adjust()

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            self.adjust_edges()
            scene = self.scene()
            if scene is not None and hasattr(scene, "node_moved"):
                scene.node_moved(self)
            self._batch_changed()
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self._batch_changed()
        elif change in (
            QGraphicsItem.GraphicsItemChange.ItemSceneChange,
            QGraphicsItem.GraphicsItemChange.ItemSceneHasChanged,
        ):
            # leaving the old scene, then joining the new one: both choose labels anew
            labels = getattr(self.scene(), "label_layer", None)
            if labels is not None:
                labels.changed()
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

    @staticmethod
    def _shift_as_control(event: QGraphicsSceneMouseEvent) -> None:
        # Shift-click adds to (or takes from) the selection, as Ctrl-click does.
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            event.setModifiers(event.modifiers() | Qt.KeyboardModifier.ControlModifier)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self._shift_as_control(event)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self._shift_as_control(event)
        super().mouseReleaseEvent(event)

    # --------------------------------------------------------------- paint
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        lod = style.paint_lod(painter)
        theme = style.current()
        rect = self._body
        kind = self.node.kind
        selected = self.isSelected()
        if self.mark.dimmed:
            painter.setOpacity(0.22)
        elif self.mark.faded:
            painter.setOpacity(0.55)
        if lod < SHAPES_ONLY_LOD:
            self._paint_shape_only(painter, rect, theme, selected)
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        shapes = style.node_shapes(kind, rect)
        if self.mark.accent or selected or self.drop_hot:
            ring = QColor(
                theme.connect
                if self.drop_hot
                else theme.selection
                if selected
                else self.mark.accent
            )
            width = 2.5 / max(lod, 0.3)
            pen = QPen(ring, width)
            if self.mark.dashed and not selected and not self.drop_hot:
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            grow = 3.0 + width / 2
            painter.drawPath(style.node_path(kind, rect.adjusted(-grow, -grow, grow, grow)))
        fill, border = self._colors(theme)
        painter.setBrush(fill)
        painter.setPen(border)
        painter.drawPath(shapes.outline)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.color)
        painter.drawPath(shapes.strip)
        if kind == "goal":
            painter.setPen(QPen(theme.goal, 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(shapes.inner)
        if lod >= LAYER_LOD:  # else the scene's label layer draws it, readable
            self._paint_text(painter, rect, theme, lod)
        if self.node.gate == "and":
            self._paint_and(painter, rect, theme, lod)
        if self.mark.badges or self.mark.flags:
            self._paint_badges(painter, rect, lod)
        if self.handle_hot or ((self.hovered or selected) and lod >= 0.3):
            hot = self.handle_hot
            radius = HANDLE_RADIUS * (1.35 if hot else 1.0) * max(1.0, 0.6 / lod)
            painter.setPen(QPen(theme.node_fill if hot else theme.connect, 1.6))
            painter.setBrush(QBrush(theme.connect if hot else theme.node_fill))
            painter.drawEllipse(self.handle_center(), radius, radius)
            painter.drawLine(
                self.handle_center() + QPointF(-3.5, 0), self.handle_center() + QPointF(3.5, 0)
            )
            painter.drawLine(
                self.handle_center() + QPointF(0, -3.5), self.handle_center() + QPointF(0, 3.5)
            )

    def _colors(self, theme: style.CanvasStyle) -> tuple[QBrush, QPen]:
        """The card's fill and border pen (kept until the theme or colour changes)."""
        key = (theme.dark, self.color.rgba(), self.node.kind)
        if self._paint_key != key:
            goal = self.node.kind == "goal"
            fill = theme.goal_fill if goal else theme.node_tint(self.color)
            border = theme.goal if goal else theme.frame_ink(self.color)
            self._paint_cache = (QBrush(fill), QPen(border, 2.0 if goal else 1.3))
            self._paint_key = key
        return self._paint_cache

    def _paint_shape_only(
        self, painter: QPainter, rect: QRectF, theme: style.CanvasStyle, selected: bool
    ) -> None:
        color = theme.goal if self.node.kind == "goal" else self.color
        painter.setPen(QPen(theme.selection, 0) if selected else Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawRect(rect)

    def _text_box(self, rect: QRectF, detail: bool) -> QRectF:
        """Where the label goes; zoomed out, the padding shrinks to fit more."""
        notch = min(rect.height() / 2.4, 22.0)
        if detail:
            left = 18.0 if self.node.kind == "goal" else 16.0
            right = {"entry": notch + 4.0, "goal": 14.0}.get(self.node.kind, 12.0)
            return rect.adjusted(left, 7.0, -right, -7.0)
        right = {"entry": notch * 0.6, "goal": 8.0}.get(self.node.kind, 5.0)
        return rect.adjusted(10.0, 3.0, -right, -3.0)

    def _lines(
        self, metrics: QFontMetricsF, pixels: int, width: float, count: int, detail: bool
    ) -> list[str]:
        key = (pixels * 100 + count, detail, round(width))
        lines = self._text_cache.get(key)
        if lines is None:
            lines = wrap_text(self.node.label, metrics, width, count)
            if len(self._text_cache) > 48:
                self._text_cache.clear()
            self._text_cache[key] = lines
        return lines

    def label_lines(self, metrics: QFontMetricsF, width: float, count: int) -> list[str]:
        """The label wrapped to ``width`` in at most ``count`` lines (for the
        zoomed-out label layer, whose font is ``metrics``'; cached)."""
        return self._lines(metrics, -int(metrics.height() * 10), width, count, False)

    def _whole(self, lines: list[str]) -> bool:
        return " ".join(lines) == " ".join(self.node.label.split())

    def _fit_label(
        self, box: QRectF, largest: float, smallest: float, tech: bool, bold: bool
    ) -> tuple[float, list[str], bool]:
        """The font size at which the whole label wraps into ``box``: the
        largest, one between, or the smallest (three tries at most, since a
        node is wrapped the first time it is painted at a zoom), giving up the
        technique line first; at ``smallest`` the last line is elided if it
        must be."""
        middle = _quantised((largest * smallest) ** 0.5)
        sizes = [largest] + [p for p in (middle, smallest) if p < largest]
        options = (True, False) if tech else (False,)
        for pixels in sizes:
            metrics = style.label_metrics(pixels, bold=bold)
            last = pixels == sizes[-1]
            for with_tech in options:
                room = box.height() - (TECH_PX + 3 if with_tech else 0.0)
                count = max(1, int(room // metrics.height()))
                lines = self._lines(metrics, int(pixels * 10), box.width(), count, with_tech)
                if self._whole(lines) or (last and not with_tech):
                    return pixels, lines, with_tech
        raise AssertionError("unreachable: the last size always returns")

    def _paint_text(
        self, painter: QPainter, rect: QRectF, theme: style.CanvasStyle, lod: float
    ) -> None:
        detail = lod >= DETAIL_LOD
        box = self._text_box(rect, detail)
        bold = self.node.kind == "goal"
        if detail:
            largest = LABEL_PX
            smallest = max(9.0, FLOOR_SCREEN_PX / lod)
        else:
            largest = _quantised(max(LABEL_PX, MIN_SCREEN_PX / lod))
            smallest = _quantised(FLOOR_SCREEN_PX / lod)
        key = (largest, smallest, detail)
        fitted = self._fit_cache.get(key)
        if fitted is None:
            fitted = self._fit_label(
                box, largest, min(largest, smallest), detail and bool(self.node.techniques), bold
            )
            if len(self._fit_cache) > 24:
                self._fit_cache.clear()
            self._fit_cache[key] = fitted
        pixels, lines, has_tech = fitted
        font = style.label_font(pixels, bold=bold)
        metrics = style.label_metrics(pixels, bold=bold)
        line_height = metrics.height()
        tech_height = TECH_PX + 3 if has_tech else 0.0
        total = line_height * len(lines) + tech_height
        top = box.center().y() - total / 2
        painter.setFont(font)
        painter.setPen(theme.text)
        for i, line in enumerate(lines):
            painter.drawText(QPointF(box.left(), top + metrics.ascent() + i * line_height), line)
        if has_tech:
            small = style.label_font(TECH_PX, mono=True)
            small_metrics = style.label_metrics(TECH_PX, mono=True)
            painter.setFont(small)
            painter.setPen(theme.muted)
            text = small_metrics.elidedText(
                " · ".join(self.node.techniques or ()), Qt.TextElideMode.ElideRight, box.width()
            )
            painter.drawText(
                QPointF(box.left(), top + len(lines) * line_height + 2 + small_metrics.ascent()),
                text,
            )

    def _pill(
        self,
        painter: QPainter,
        text: str,
        color: QColor,
        anchor: QPointF,
        lod: float,
        align_right: bool,
    ) -> float:
        """Draw a badge pill whose top-right (or top-left) corner is ``anchor``;
        returns its width."""
        scale = 1.0 if lod >= DETAIL_LOD else min(2.2, DETAIL_LOD / lod)
        font = style.label_font(round(9.5 * scale, 1), bold=True)
        metrics = style.label_metrics(round(9.5 * scale, 1), bold=True)
        width = metrics.horizontalAdvance(text) + 12 * scale
        height = 16 * scale
        left = anchor.x() - width if align_right else anchor.x()
        # Zoomed out the pill grows outwards, so it does not cover the label.
        outwards = (height - 16) * (1 if anchor.y() > 0 else -1)
        pill = QRectF(left, anchor.y() - height / 2 + outwards / 2, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(color))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        return width

    def _paint_and(
        self, painter: QPainter, rect: QRectF, theme: style.CanvasStyle, lod: float
    ) -> None:
        self._pill(
            painter,
            "AND",
            theme.and_badge,
            QPointF(rect.right() - 14, rect.top()),
            lod,
            align_right=True,
        )
        if len(self.in_edges) >= 2:
            direction = self.direction()
            across = direction in ("TB", "BT")
            offsets = [
                self._port_offset(e, self.in_edges, incoming=True, across=across)
                for e in self.in_edges
            ]
            low, high = min(offsets) - 5, max(offsets) + 5
            if across:  # the arc spans the incoming edges above (or below) the node
                sign = 1 if direction == "TB" else -1
                y = rect.top() - 12 if direction == "TB" else rect.bottom() + 12
                arc = QPainterPath(QPointF(low, y))
                arc.quadTo(QPointF((low + high) / 2, y - 9 * sign), QPointF(high, y))
            else:
                x = rect.left() - 12
                arc = QPainterPath(QPointF(x, low))
                arc.quadTo(QPointF(x - 9, (low + high) / 2), QPointF(x, high))
            painter.setPen(QPen(theme.and_badge, 2.0, Qt.PenStyle.SolidLine, style.PEN_CAP))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(arc)

    def _paint_badges(self, painter: QPainter, rect: QRectF, lod: float) -> None:
        if self.mark.dimmed or self.mark.faded:  # pills stay readable on a faint node
            painter.setOpacity(0.8)
        for pills, y in ((self.mark.badges, rect.bottom()), (self.mark.flags, rect.top())):
            x = rect.left() + 12
            for badge in pills[:4]:
                x += (
                    self._pill(
                        painter,
                        badge.text,
                        QColor(badge.color),
                        QPointF(x, y),
                        lod,
                        align_right=False,
                    )
                    + 4
                )
