"""The overview: the whole model in a small picture in a corner of the canvas,
with the visible part outlined; click or drag in it to go somewhere.

The picture is rendered once per change of the model (debounced), not per
frame; only the outline follows the view as it pans and zooms.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from attackgraph.gui.canvas import style
from attackgraph.gui.canvas.view import CanvasView

__all__ = ["Minimap"]

MAX_SIZE = QSize(240, 150)
MARGIN = 12


class Minimap(QWidget):
    """An overview of a canvas view, drawn over its bottom-right corner."""

    def __init__(self, view: CanvasView) -> None:
        super().__init__(view)
        self.view = view
        self._pixmap = QPixmap()
        self._source = QRectF()
        self._target = QRectF()
        self._dragging = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(350)
        self._timer.timeout.connect(self.render_now)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move the view")
        view.viewChanged.connect(self._place)
        view.canvas.changed.connect(self.schedule)
        self._place()
        self.schedule()

    def schedule(self, *_changed: object) -> None:
        """Render the picture again soon (after changes settle)."""
        if self.isVisible() and not self._dragging:
            self._timer.start()

    def showEvent(self, event: object) -> None:  # type: ignore[override]
        super().showEvent(event)
        self._place()
        self.render_now()

    def _content(self) -> QRectF:
        """The model's extent, measured when the picture is rendered (measuring
        thousands of items on every scroll step would cost a frame)."""
        if not self._source.isValid():
            self._source = self.view.content_rect().adjusted(-40, -40, 40, 40)
        return QRectF(self._source)

    def _place(self) -> None:
        viewport = self.view.viewport().geometry()
        source = self._content()
        if not source.isValid():
            self.resize(0, 0)
            return
        scale = min(MAX_SIZE.width() / source.width(), MAX_SIZE.height() / source.height())
        size = QSize(max(40, int(source.width() * scale)), max(30, int(source.height() * scale)))
        self.resize(size)
        self.move(
            viewport.right() - size.width() - MARGIN, viewport.bottom() - size.height() - MARGIN
        )
        self.update()

    def render_now(self) -> None:
        """Render the model into the cached picture."""
        self._timer.stop()
        source = self.view.content_rect().adjusted(-40, -40, 40, 40)
        self._source = QRectF(source)
        if not source.isValid():
            return
        self._place()
        if self.width() < 10:
            return
        ratio = self.devicePixelRatioF()
        pixmap = QPixmap(int(self.width() * ratio), int(self.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(style.current().background)
        # Qt keeps one "needs repainting" mark per cached item, whatever the
        # device: a render here before the view has painted its pending
        # changes would use the mark up, and the canvas would keep showing
        # the items' old pictures. So the view paints first.
        self.view.viewport().repaint()
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        target = QRectF(0, 0, self.width(), self.height())
        self.view.canvas.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
        painter.end()
        self._pixmap, self._source, self._target = pixmap, source, target
        self.update()

    def _to_scene(self, point: QPointF) -> QPointF:
        source, target = self._source, self._target
        scale = min(target.width() / source.width(), target.height() / source.height())
        left = (target.width() - source.width() * scale) / 2
        top = (target.height() - source.height() * scale) / 2
        return QPointF(
            source.left() + (point.x() - left) / scale, source.top() + (point.y() - top) / scale
        )

    def _to_map(self, rect: QRectF) -> QRectF:
        source, target = self._source, self._target
        scale = min(target.width() / source.width(), target.height() / source.height())
        left = (target.width() - source.width() * scale) / 2
        top = (target.height() - source.height() * scale) / 2
        return QRectF(
            left + (rect.left() - source.left()) * scale,
            top + (rect.top() - source.top()) * scale,
            rect.width() * scale,
            rect.height() * scale,
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        theme = style.current()
        border = QColor(theme.muted)
        border.setAlphaF(0.6)
        painter.setPen(QPen(border, 1))
        painter.setBrush(theme.background)
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        if not self._pixmap.isNull():
            painter.drawPixmap(0, 0, self._pixmap)
        if self._source.isValid():
            visible = self._to_map(self.view.visible_scene_rect()).intersected(
                QRectF(self.rect()).adjusted(1, 1, -1, -1)
            )
            fill = QColor(theme.selection)
            fill.setAlphaF(0.12)
            painter.setBrush(fill)
            painter.setPen(QPen(theme.selection, 1.5))
            painter.drawRect(visible)
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._source.isValid():
            self._dragging = True
            self.view.centerOn(self._to_scene(event.position()))
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._dragging:
            self.view.centerOn(self._to_scene(event.position()))
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._dragging = False
        event.accept()
