"""Frame items: components as translucent, titled, nested frames.

A frame covers its component's nodes and its child components' frames (see
:func:`attackgraph.render.layout.geometry.frame_rects`); the scene sets its
rectangle. Only the title band takes the mouse: clicking it selects the
component, dragging it moves everything inside. The band shows a picture of
the component's kind, so cloud, device, network and physical parts differ by
shape as well as by colour family.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from attackgraph.gui.canvas import style
from attackgraph.gui.text import escape_html
from attackgraph.model import Component
from attackgraph.render.layout.geometry import DEFAULT_GEOMETRY, CanvasGeometry, Rect

__all__ = ["FrameItem"]

TITLE_PX = 12.0
KIND_NAMES = {"supply-chain": "supply chain"}


class FrameItem(QGraphicsItem):
    """One component's frame."""

    def __init__(
        self,
        component: Component,
        color: QColor,
        depth: int,
        geometry: CanvasGeometry = DEFAULT_GEOMETRY,
    ) -> None:
        super().__init__()
        self.component = component
        self.color = QColor(color)
        self.depth = depth
        self.geometry = geometry
        self._rect = QRectF()
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(-50 + depth)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self._update_tooltip()

    def set_component(self, component: Component, color: QColor, depth: int) -> None:
        """Show a changed component."""
        self.component, self.color, self.depth = component, QColor(color), depth
        self.setZValue(-50 + depth)
        self._update_tooltip()
        self.update()

    def _update_tooltip(self) -> None:
        comp = self.component
        text = (
            f"<b>{escape_html(comp.label)}</b><br>{comp.kind} component "
            f"<code>{escape_html(comp.id)}</code>"
        )
        if comp.description:
            text += "<br>" + escape_html(comp.description[:400])
        self.setToolTip(
            text + "<br><i>Drag the title to move it; drop nodes inside to add them.</i>"
        )

    def set_rect(self, rect: Rect | None) -> None:
        """Place the frame (None hides it: the component holds no nodes)."""
        new = (
            QRectF()
            if rect is None
            else QRectF(QPointF(rect[0], rect[1]), QPointF(rect[2], rect[3]))
        )
        if new != self._rect:
            self.prepareGeometryChange()
            self._rect = new
        self.setVisible(new.isValid())

    def frame_rect(self) -> QRectF:
        """The frame in scene coordinates (invalid when hidden)."""
        return QRectF(self._rect)

    def header_rect(self) -> QRectF:
        """The title band."""
        return QRectF(
            self._rect.left(), self._rect.top(), self._rect.width(), self.geometry.frame_header + 4
        )

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-3, -3, 3, 3)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        if self._rect.isValid():
            path.addRect(self.header_rect())
        return path

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        if not self._rect.isValid():
            return
        lod = style.paint_lod(painter)
        theme = style.current()
        rect = self._rect
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, lod >= 0.5)  # big fills
        fill = QColor(self.color)
        fill.setAlphaF(0.08 if theme.dark else 0.055)
        ink = theme.frame_ink(self.color)
        border = QColor(self.color)
        border.setAlphaF(0.85)
        selected = self.isSelected()
        pen = QPen(theme.selection if selected else border, 2.4 if selected else 1.3)
        if self.component.kind == "cloud":
            pen.setStyle(Qt.PenStyle.DashLine)
        radius = 10.0
        painter.setPen(pen)
        painter.setBrush(QBrush(fill))
        if lod >= 0.5:
            painter.drawRoundedRect(rect, radius, radius)
        else:  # the corners are a few pixels: a plain rectangle fills much faster
            painter.drawRect(rect)
        band = QRectF(rect.left(), rect.top(), rect.width(), self.geometry.frame_header)
        band_fill = QColor(self.color)
        band_fill.setAlphaF(0.22 if theme.dark else 0.16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(band_fill))
        painter.drawPath(_top_rounded(band, radius))
        self._paint_title(painter, band, ink, theme, lod)

    def _paint_title(
        self, painter: QPainter, band: QRectF, ink: QColor, theme: style.CanvasStyle, lod: float
    ) -> None:
        # Zoomed out, the title grows to stay legible, into the frame's top
        # margin at most: the layouts keep that room free of nodes.
        room = self.geometry.frame_header + self.geometry.frame_margin - 4
        pixels = min(max(TITLE_PX, 9.5 / max(lod, 0.05)), room / 1.2)
        font = style.label_font(pixels, bold=True)
        metrics = QFontMetricsF(font)
        height = max(band.height(), min(metrics.height() + 6, room + 4))
        glyph_size = min(height - 8, pixels * 1.25)
        left = band.left() + 9
        glyph = QRectF(left, band.top() + (height - glyph_size) / 2, glyph_size, glyph_size)
        painter.setPen(QPen(ink, max(1.3, 1.3 * pixels / TITLE_PX)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(style.kind_glyph(self.component.kind, glyph))
        text_left = glyph.right() + 7
        kind = KIND_NAMES.get(self.component.kind, self.component.kind).upper()
        small = style.label_font(pixels * 0.78, bold=True)
        small_metrics = QFontMetricsF(small)
        kind_width = small_metrics.horizontalAdvance(kind) + 10
        room = band.right() - text_left - 10
        show_kind = room > kind_width + metrics.horizontalAdvance("M" * 8)
        title_room = room - (kind_width if show_kind else 0)
        title = metrics.elidedText(
            self.component.label, Qt.TextElideMode.ElideRight, max(title_room, 0)
        )
        baseline = band.top() + (height + metrics.ascent() - metrics.descent()) / 2
        painter.setFont(font)
        painter.setPen(ink)
        painter.drawText(QPointF(text_left, baseline), title)
        if show_kind:
            painter.setFont(small)
            muted = QColor(ink)
            muted.setAlphaF(0.75)
            painter.setPen(muted)
            painter.drawText(QPointF(band.right() - kind_width, baseline), kind)


def _top_rounded(rect: QRectF, radius: float) -> QPainterPath:
    """A rectangle with its two top corners rounded (a frame's title band)."""
    left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
    path = QPainterPath(QPointF(left, bottom))
    path.lineTo(left, top + radius)
    path.quadTo(left, top, left + radius, top)
    path.lineTo(right - radius, top)
    path.quadTo(right, top, right, top + radius)
    path.lineTo(right, bottom)
    path.closeSubpath()
    return path
