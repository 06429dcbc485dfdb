"""Small docks of the main window: the node palette and the problems list."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QDrag
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from attackgraph.errors import Problem
from attackgraph.formats.native import model_to_document
from attackgraph.gui.canvas.style import kind_icon
from attackgraph.gui.canvas.view import NODE_KIND_MIME
from attackgraph.gui.document import Document
from attackgraph.model import validate_document

__all__ = ["Palette", "ProblemsList"]

PALETTE_ITEMS = (
    ("entry", "Entry", "Where an attacker starts"),
    ("step", "Step", "An attack action (OR gate by default)"),
    ("goal", "Goal", "An outcome the defender must prevent"),
)


class Palette(QListWidget):
    """Node kinds to drag onto the canvas (or double-click to add at the centre).

    Signals
    -------
    addRequested(str)
        The user double-clicked a kind.
    """

    addRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        for kind, label, tip in PALETTE_ITEMS:
            item = QListWidgetItem(kind_icon(kind), label)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            item.setToolTip(f"{tip}. Drag onto the canvas, or double-click.")
            self.addItem(item)
        self.itemDoubleClicked.connect(
            lambda item: self.addRequested.emit(item.data(Qt.ItemDataRole.UserRole)))

    def startDrag(self, supported_actions: Qt.DropAction) -> None:
        item = self.currentItem()
        if item is None:
            return
        mime = QMimeData()
        mime.setData(NODE_KIND_MIME, item.data(Qt.ItemDataRole.UserRole).encode("ascii"))
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.exec(Qt.DropAction.CopyAction)


class ProblemsList(QListWidget):
    """Live validation errors and warnings of the document's model.

    Signals
    -------
    problemActivated(str)
        The JSON pointer of a clicked problem.
    """

    problemActivated = Signal(str)

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.problems: list[Problem] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.refresh)
        document.modelChanged.connect(lambda _event: self._timer.start())
        document.modelReplaced.connect(self._timer.start)
        self.itemActivated.connect(self._activate)
        self.itemClicked.connect(self._activate)
        self.refresh()

    def refresh(self) -> None:
        """Validate the model again and list what is found."""
        self.problems = validate_document(model_to_document(self.document.model))
        self.clear()
        if not self.problems:
            item = QListWidgetItem("No problems: the model is valid.")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addItem(item)
            return
        for problem in self.problems:
            label = f"{'Error' if problem.is_error else 'Warning'}: {problem.message}"
            item = QListWidgetItem(label)
            item.setToolTip(problem.pointer)
            item.setData(Qt.ItemDataRole.UserRole, problem.pointer)
            item.setForeground(QBrush(QColor("#d32f2f" if problem.is_error else "#b26a00")))
            self.addItem(item)

    def _activate(self, item: QListWidgetItem) -> None:
        pointer = item.data(Qt.ItemDataRole.UserRole)
        if pointer:
            self.problemActivated.emit(pointer)
