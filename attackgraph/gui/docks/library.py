"""The Library dock: fragments to search and drag onto the canvas, and the
model's inserted fragments whose library copy changed."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from attackgraph.fragments import Fragment, Library, Outdated
from attackgraph.gui.canvas.view import FRAGMENT_MIME
from attackgraph.gui.text import plain

__all__ = ["FRAGMENT_MIME", "FragmentList", "LibraryDock"]


_SOURCE = Qt.ItemDataRole.UserRole


class FragmentList(QListWidget):
    """Fragments; dragging one carries its source in :data:`FRAGMENT_MIME`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QListWidget.DragDropMode.DragOnly)
        self.setUniformItemSizes(True)
        self.setWordWrap(False)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        item = self.currentItem()
        if item is None:
            return
        data = QMimeData()
        data.setData(FRAGMENT_MIME, str(item.data(_SOURCE)).encode("utf-8"))
        data.setText(item.text())
        drag = QDrag(self)
        drag.setMimeData(data)
        drag.exec(Qt.DropAction.CopyAction)

    def sizeHint(self) -> QSize:
        return QSize(260, 220)


class LibraryDock(QWidget):
    """Search the library, insert a fragment, update outdated instances.

    Signals
    -------
    insertRequested(str)
        Insert the fragment with this source where the view is.
    updateRequested(str)
        Update this inserted instance (its first component id).
    """

    insertRequested = Signal(str)
    updateRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = Library(())
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search fragments (words, technique ids)")
        self.search.setClearButtonEnabled(True)
        self.list = FragmentList(self)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.insert_button = QPushButton("Insert", self)
        self.insert_button.setToolTip(
            "Insert the fragment in the middle of the view, into the "
            "selected component (or drag it onto the canvas)."
        )
        self.outdated_label = QLabel("Inserted fragments with a newer library version:", self)
        self.outdated = QListWidget(self)
        self.outdated.setMaximumHeight(110)
        self.update_button = QPushButton("Update", self)
        self.update_button.setToolTip(
            "Bring the selected instance up to the library version, "
            "keeping your edits where they do not conflict."
        )
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.insert_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 3)
        layout.addWidget(self.details, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.outdated_label)
        layout.addWidget(self.outdated)
        layout.addWidget(self.update_button, 0, Qt.AlignmentFlag.AlignRight)
        self.search.textChanged.connect(self._refill)
        self.list.currentItemChanged.connect(self._show_details)
        self.list.itemActivated.connect(lambda item: self.insertRequested.emit(item.data(_SOURCE)))
        self.insert_button.clicked.connect(self._insert_current)
        self.update_button.clicked.connect(self._update_current)
        self.outdated.currentItemChanged.connect(
            lambda item, _old: self.update_button.setEnabled(item is not None)
        )
        self.set_outdated([])

    # ---------------------------------------------------------------- queries
    def current_source(self) -> str | None:
        """The source of the selected fragment."""
        item = self.list.currentItem()
        return None if item is None else str(item.data(_SOURCE))

    def shown(self) -> list[str]:
        """The sources of the fragments listed now, in order."""
        return [str(self.list.item(i).data(_SOURCE)) for i in range(self.list.count())]

    # ---------------------------------------------------------------- filling
    def set_library(self, library: Library) -> None:
        """Show the fragments of ``library``."""
        self._library = library
        self._refill()

    def set_outdated(self, items: list[Outdated]) -> None:
        """List the instances whose library copy changed."""
        self.outdated.clear()
        for entry in items:
            where = ", ".join(entry.instance.components)
            row = QListWidgetItem(
                f"{entry.instance.id} {entry.instance.version} -> "
                f"{entry.fragment.version} ({where})"
            )
            row.setData(
                _SOURCE,
                entry.instance.components[0] if entry.instance.components else entry.instance.id,
            )
            row.setToolTip(plain("\n".join(entry.changes) or "A new version, same content."))
            self.outdated.addItem(row)
        visible = bool(items)
        self.outdated_label.setVisible(visible)
        self.outdated.setVisible(visible)
        self.update_button.setVisible(visible)
        self.update_button.setEnabled(False)

    def _refill(self) -> None:
        current = self.current_source()
        text = self.search.text().strip()
        found = self._library.search(text) if text else list(self._library.fragments)
        self.list.clear()
        for fragment in found:
            item = QListWidgetItem(fragment.title)
            item.setData(_SOURCE, fragment.source or fragment.id)
            item.setToolTip(plain(_tooltip(fragment)))
            self.list.addItem(item)
            if item.data(_SOURCE) == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._show_details(self.list.currentItem(), None)

    def _show_details(self, item: QListWidgetItem | None, _old: object) -> None:
        fragment = None if item is None else self._find(str(item.data(_SOURCE)))
        self.insert_button.setEnabled(fragment is not None)
        if fragment is None:
            self.details.setText("No fragment matches." if self.search.text() else "")
            return
        summary = fragment.description.split("\n\n", 1)[0]
        self.details.setText(
            f"{fragment.id} {fragment.version}\n"
            f"in: {', '.join(fragment.ports_in) or '-'}\n"
            f"out: {', '.join(fragment.ports_out) or '-'}\n\n"
            f"{summary if len(summary) <= 420 else summary[:419] + '…'}"
        )

    def _find(self, source: str) -> Fragment | None:
        return next((f for f in self._library.fragments if (f.source or f.id) == source), None)

    def _insert_current(self) -> None:
        source = self.current_source()
        if source:
            self.insertRequested.emit(source)

    def _update_current(self) -> None:
        item = self.outdated.currentItem()
        if item is not None:
            self.updateRequested.emit(str(item.data(_SOURCE)))


def _tooltip(fragment: Fragment) -> str:
    nodes = len(fragment.document.get("nodes", []))
    mitigations = len(fragment.document.get("mitigations", []))
    return (
        f"{fragment.title}\n{nodes} nodes, {mitigations} mitigations\n"
        f"in-ports: {', '.join(fragment.ports_in) or '-'}\n"
        f"out-ports: {', '.join(fragment.ports_out) or '-'}\n"
        "Drag onto the canvas (into a component's frame to nest it), or double-click."
    )
