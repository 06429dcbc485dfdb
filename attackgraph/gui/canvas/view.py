"""The canvas view: zoom (wheel, keys), pan (middle button, space-drag),
fit to window, rubber-band selection (Shift adds), and drops from the palette."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from attackgraph.gui.canvas.labels import LAYER_LOD
from attackgraph.gui.canvas.scene import CanvasScene

__all__ = ["FRAGMENT_MIME", "MAX_ZOOM", "MIN_ZOOM", "NODE_KIND_MIME", "CanvasView"]

NODE_KIND_MIME = "application/x-attackgraph-node-kind"
FRAGMENT_MIME = "application/x-attackgraph-fragment"
"""Drag payload of the Library dock: a fragment's source (``library:ID`` or a path)."""
_ACCEPTED = (NODE_KIND_MIME, FRAGMENT_MIME)
MIN_ZOOM, MAX_ZOOM = 0.03, 4.0
FIT_MARGIN = 36.0
LABEL_ROOM_X, LABEL_ROOM_Y = 80.0, 28.0
"""Screen pixels left beside a fitted drawing for its zoomed-out labels."""


class CanvasView(QGraphicsView):
    """A view of a :class:`CanvasScene`.

    Signals
    -------
    zoomChanged(float)
        The scale changed (1.0 is 100 %).
    viewChanged()
        The visible part of the scene moved or changed size.
    fragmentDropped(str, QPointF)
        A library fragment (its source) was dropped at a scene point.
    """

    zoomChanged = Signal(float)
    fragmentDropped = Signal(str, QPointF)
    viewChanged = Signal()

    def __init__(self, scene: CanvasScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._panning = False
        self._pan_start = QPointF()
        self._space = False
        self._last_pos: QPointF | None = None
        self.key_commands: dict[int, Callable[[], object]] = {}
        """Plain keys (no Ctrl or Alt) that run a command while the canvas has
        the focus (E, S, G add a node, C connects...)."""
        self.horizontalScrollBar().valueChanged.connect(lambda _v: self.viewChanged.emit())
        self.verticalScrollBar().valueChanged.connect(lambda _v: self.viewChanged.emit())

    @property
    def canvas(self) -> CanvasScene:
        """The scene shown."""
        return self.scene()  # type: ignore[return-value]

    # ------------------------------------------------------------------ zoom
    def zoom_level(self) -> float:
        """The current scale (1.0 is 100 %)."""
        return self.transform().m11()

    def zoom_by(self, factor: float, anchor_under_mouse: bool = False) -> None:
        """Zoom in (factor > 1) or out, within sensible limits."""
        current = self.zoom_level()
        factor = max(MIN_ZOOM / current, min(MAX_ZOOM / current, factor))
        if abs(factor - 1.0) < 1e-6:
            return
        self.setTransformationAnchor(
            QGraphicsView.ViewportAnchor.AnchorUnderMouse
            if anchor_under_mouse
            else QGraphicsView.ViewportAnchor.AnchorViewCenter
        )
        self.scale(factor, factor)
        self.canvas.follow_zoom(self.zoom_level())
        self.zoomChanged.emit(self.zoom_level())
        self.viewChanged.emit()

    def set_zoom(self, level: float) -> None:
        """Zoom to an absolute scale, keeping the centre."""
        self.zoom_by(level / self.zoom_level())

    def content_rect(self) -> QRectF:
        """The scene rectangle that holds every node and frame."""
        scene = self.scene()
        if scene is None:
            return QRectF()
        flow = getattr(scene, "flow", None)
        return flow.content_rect() if flow is not None else scene.itemsBoundingRect()

    def fit_rect(self, rect: QRectF, max_zoom: float = 1.0) -> None:
        """Show ``rect`` whole, at most at ``max_zoom``."""
        if not rect.isValid():
            return
        self.fitInView(
            rect.adjusted(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN),
            Qt.AspectRatioMode.KeepAspectRatio,
        )
        zoom = self.zoom_level()
        if zoom < LAYER_LOD:  # labels keep their screen size: leave them room at the sides
            pad_x, pad_y = LABEL_ROOM_X / zoom, LABEL_ROOM_Y / zoom
            self.fitInView(
                rect.adjusted(-pad_x, -pad_y, pad_x, pad_y), Qt.AspectRatioMode.KeepAspectRatio
            )
        if self.zoom_level() > max_zoom:
            self.set_zoom(max_zoom)
            self.centerOn(rect.center())
        self.canvas.follow_zoom(self.zoom_level())
        self.zoomChanged.emit(self.zoom_level())
        self.viewChanged.emit()

    def fit_all(self) -> None:
        """Show the whole model (as it is now: the scene rectangle is fitted
        to the drawing first, so a layout's new extent counts at once)."""
        self.canvas.flow.refresh()
        self.fit_rect(self.content_rect())

    def fit_selection(self) -> None:
        """Show the selected items (the whole model when nothing is selected)."""
        rect = self.canvas.selection_rect()
        self.fit_rect(rect if rect.isValid() else self.content_rect(), max_zoom=1.5)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        labels = getattr(self.scene(), "label_layer", None)
        if labels is not None:  # readable labels over a zoomed-out drawing
            labels.paint(painter, self, rect)

    def visible_scene_rect(self) -> QRectF:
        """The part of the scene on screen."""
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            bar = self.horizontalScrollBar()
            bar.setValue(bar.value() - (delta.y() or delta.x()))
            event.accept()
            return
        if delta.y():
            self.zoom_by(1.0015 ** delta.y(), anchor_under_mouse=True)
            event.accept()
        else:
            super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.viewChanged.emit()

    # ------------------------------------------------------------------- pan
    def _begin_pan(self, pos: QPointF) -> None:
        self._panning = True
        self._pan_start = pos
        self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    def pan_by(self, dx: float, dy: float) -> None:
        """Scroll the view by screen pixels."""
        self.horizontalScrollBar().setValue(int(self.horizontalScrollBar().value() + dx))
        self.verticalScrollBar().setValue(int(self.verticalScrollBar().value() + dy))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (
            self._space and event.button() == Qt.MouseButton.LeftButton
        ):
            self._begin_pan(event.position())
            event.accept()
            return
        if (
            event.button() == Qt.MouseButton.LeftButton
            and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            and self.itemAt(event.position().toPoint()) is None
        ):
            # Shift + rubber band adds to the selection (Qt does that for Ctrl).
            event = QMouseEvent(
                event.type(),
                event.position(),
                event.globalPosition(),
                event.button(),
                event.buttons(),
                event.modifiers() | Qt.KeyboardModifier.ControlModifier,
            )
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._panning:
            delta = event.position() - self._pan_start
            self._pan_start = event.position()
            self.pan_by(-delta.x(), -delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)
        self._last_pos = event.position()
        if not self._space and event.buttons() == Qt.MouseButton.NoButton:
            # What a press here would do: connect (cross), move, select.
            self.viewport().setCursor(self.canvas.hover_cursor)

    def _modifiers_changed(self, modifiers: Qt.KeyboardModifier) -> None:
        """Shift or Alt went down or up: show whether a drag here now connects."""
        if self._space or self._last_pos is None:
            return
        self.canvas.hover_at(self.mapToScene(self._last_pos.toPoint()), modifiers)
        self.viewport().setCursor(self.canvas.hover_cursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._panning:
            self._panning = False
            self.viewport().setCursor(
                Qt.CursorShape.OpenHandCursor if self._space else Qt.CursorShape.ArrowCursor
            )
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Shift, Qt.Key.Key_Alt):
            self._modifiers_changed(event.modifiers())
        command = self.key_commands.get(event.key())
        plain = not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.MetaModifier
            | Qt.KeyboardModifier.ShiftModifier
        )
        if command is not None and plain and not event.isAutoRepeat():
            command()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Shift, Qt.Key.Key_Alt):
            self._modifiers_changed(event.modifiers())
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: QEvent) -> None:  # type: ignore[override]
        if self._space:  # the key release went elsewhere
            self._space = False
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
        super().focusOutEvent(event)

    # ----------------------------------------------------------------- drops
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(event.mimeData().hasFormat(kind) for kind in _ACCEPTED):
            event.acceptProposedAction()
        else:
            event.ignore()  # files go to the main window

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if any(event.mimeData().hasFormat(kind) for kind in _ACCEPTED):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        data = event.mimeData()
        if data.hasFormat(FRAGMENT_MIME):
            source = bytes(data.data(FRAGMENT_MIME).data()).decode("utf-8", "replace")
            self.fragmentDropped.emit(source, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
            self.setFocus()
            return
        if not data.hasFormat(NODE_KIND_MIME):
            event.ignore()
            return
        kind = bytes(data.data(NODE_KIND_MIME).data()).decode("ascii", "replace")
        if kind in ("entry", "step", "goal"):
            self.canvas.add_node_at(kind, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
            self.setFocus()
