"""The palette: node kinds to drag onto the canvas (or double-click)."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QDrag, QMouseEvent
from PySide6.QtWidgets import QApplication, QListView, QListWidget, QListWidgetItem, QWidget

from attackgraph.gui.canvas.view import NODE_KIND_MIME
from attackgraph.gui.icons import kind_icon

__all__ = ["PALETTE_ITEMS", "Palette"]

PALETTE_ITEMS = (
    ("entry", "Entry", "Where an attacker starts (no incoming edges)"),
    ("step", "Step", "An attack action; OR gate by default, AND needs all enablers"),
    ("goal", "Goal", "An outcome the defender must prevent"),
)


class Palette(QListWidget):
    """Node kinds to drag onto the canvas, or to double-click (the node then
    appears in the middle of the view).

    Signals
    -------
    addRequested(str)
        The user double-clicked (or pressed Enter on) a kind.
    """

    addRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QListWidget.DragDropMode.DragOnly)
        self.setIconSize(QSize(34, 34))
        self.setSpacing(4)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setGridSize(QSize(76, 62))
        self.setWrapping(False)
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.refresh_icons()
        self.itemActivated.connect(
            lambda item: self.addRequested.emit(item.data(Qt.ItemDataRole.UserRole))
        )

    def refresh_icons(self) -> None:
        """(Re)draw the items in the current theme."""
        self.clear()
        for kind, label, tip in PALETTE_ITEMS:
            item = QListWidgetItem(kind_icon(kind), label)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            item.setToolTip(
                f"{tip}.\nDrag onto the canvas, or double-click to add it in the "
                "middle of the view."
            )
            self.addItem(item)

    def sizeHint(self) -> QSize:
        return QSize(84, 3 * 66 + 8)

    # The drag starts here rather than in QAbstractItemView's state machine,
    # which under X11 (real input, xdotool) did not leave its pressed state
    # for a drag in this static icon view.
    def mousePressEvent(self, event: QMouseEvent) -> None:
        super().mousePressEvent(event)
        item = self.itemAt(event.position().toPoint())
        self._press: tuple[QPoint, QListWidgetItem] | None = (
            (event.position().toPoint(), item)
            if item is not None and event.button() == Qt.MouseButton.LeftButton
            else None
        )
        if item is not None:
            self.setCurrentItem(item)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        press = getattr(self, "_press", None)
        if press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            distance = (event.position().toPoint() - press[0]).manhattanLength()
            if distance >= QApplication.startDragDistance():
                self._press = None
                self.setCurrentItem(press[1])
                self.startDrag(Qt.DropAction.CopyAction)
                return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        super().mouseReleaseEvent(event)

    def startDrag(self, supported_actions: Qt.DropAction) -> None:
        item = self.currentItem()
        if item is None:
            return
        mime = QMimeData()
        mime.setData(NODE_KIND_MIME, item.data(Qt.ItemDataRole.UserRole).encode("ascii"))
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(item.icon().pixmap(QSize(40, 40)))
        drag.exec(Qt.DropAction.CopyAction)
