"""The problems dock: the model's validation errors and warnings, live.

Edits keep a model valid (the model refuses invalid ones), so what shows
here are mostly warnings: a step nothing leads to, a node that reaches no
goal, a mitigation that blocks only entries. Clicking one selects the
element it is about.

Below them come the warnings of the reader that opened the file and that no
validation repeats (an imported Attack Flow with several enablers and no
operator, a dangling reference, a display string instead of a technique
id), located in that file; they stay until another model is shown.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from attackgraph.errors import Problem
from attackgraph.formats.native import model_to_document
from attackgraph.gui.document import Document
from attackgraph.gui.workers import LatestRunner
from attackgraph.model import validate_document

__all__ = ["ProblemsList", "describe_pointer"]

ERROR_COLOR = "#d93025"
WARNING_COLOR = "#e8a317"
KIND_NAMES = {
    "nodes": "node",
    "edges": "edge",
    "mitigations": "mitigation",
    "components": "component",
    "profiles": "profile",
    "releases": "release",
}


def _dot(color: str) -> QIcon:
    pixmap = QPixmap(24, 24)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(color)))
    painter.drawEllipse(5, 5, 14, 14)
    painter.end()
    return QIcon(pixmap)


def describe_pointer(document: Document, pointer: str) -> str:
    """A readable name for the element a problem's JSON pointer names."""
    parts = pointer.strip("/").split("/")
    model = document.model
    try:
        index = int(parts[1])
        kind = parts[0]
        if kind == "edges":
            edge = model.edges[index]
            return f"edge {edge.source} → {edge.target}"
        store = {
            "nodes": model.nodes,
            "mitigations": model.mitigations,
            "components": model.components,
            "profiles": model.profiles,
            "releases": model.releases,
        }[kind]
        return f"{KIND_NAMES[kind]} {list(store)[index]}"
    except (IndexError, KeyError, ValueError):
        return pointer or "model"


class ProblemsList(QListWidget):
    """Live validation errors and warnings of the document's model.

    Signals
    -------
    problemActivated(str)
        The JSON pointer of a clicked problem.
    counted(int, int)
        Errors and warnings found by the last check (with the reader's).
    """

    problemActivated = Signal(str)
    counted = Signal(int, int)

    def __init__(self, document: Document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.problems: list[Problem] = []
        self.file_warnings: list[Problem] | None = None
        """The reader's warnings that validation does not repeat (None until
        the first check of a newly shown model)."""
        self.setIconSize(QSize(12, 12))
        self.setAlternatingRowColors(True)
        # long sentences wrap in the dock instead of running off its edge
        self.setWordWrap(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._icons = {True: _dot(ERROR_COLOR), False: _dot(WARNING_COLOR)}
        self._shown: list[tuple[Problem, str, bool]] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self.refresh_soon)
        # Large models take tens of milliseconds to check: off the GUI thread.
        self._runner = LatestRunner(self)
        self._runner.finished.connect(self._checked)
        document.modelChanged.connect(self._changed)
        document.modelReplaced.connect(self._replaced)
        self.itemActivated.connect(self._activate)
        self.itemClicked.connect(self._activate)
        self.refresh()

    def _changed(self, event: object) -> None:
        if getattr(event, "kind", None) != "layout":  # moving nodes changes no rule
            self._timer.start()

    def _replaced(self) -> None:
        self.file_warnings = None
        self.refresh()

    def refresh(self) -> None:
        """Validate the model now and list what is found."""
        self._timer.stop()
        self._runner.cancel()
        self._show(validate_document(model_to_document(self.document.model)))

    def refresh_soon(self) -> None:
        """Validate a snapshot of the model in the background."""
        snapshot = model_to_document(self.document.model)
        self._runner.start(lambda _cancel: validate_document(snapshot))

    def recount(self) -> None:
        """Say the counts again (``counted``), e.g. to redraw them in a new theme."""
        errors = sum(1 for p in self.problems if p.is_error)
        self.counted.emit(errors, len(self.problems) - errors + len(self.file_warnings or ()))

    def _checked(self, problems: list[Problem], _seconds: float) -> None:
        self._show(problems)

    def _show(self, problems: list[Problem]) -> None:
        self.problems = problems
        if self.file_warnings is None:
            repeated = {(p.pointer, p.message) for p in problems}
            self.file_warnings = [
                w for w in self.document.warnings if (w.pointer, w.message) not in repeated
            ]
        errors = sum(1 for p in self.problems if p.is_error)
        self.counted.emit(errors, len(self.problems) - errors + len(self.file_warnings))
        source = Path(self.document.imported_from or self.document.path or "").name
        rows = [(p, describe_pointer(self.document, p.pointer), False) for p in problems]
        rows += [(p, source or "the file", True) for p in self.file_warnings]
        if rows == self._shown:
            return  # most edits change no problem: the list stays as it is
        self._shown = rows
        self.clear()
        if not rows:
            item = QListWidgetItem("No problems: the model is valid.")
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addItem(item)
            return
        for problem, where, from_file in rows:
            if from_file:  # located in the file that was read, not in the model
                item = QListWidgetItem(self._icons[problem.is_error], problem.format(where))
                item.setToolTip(
                    f"Noted while reading {where} "
                    f"({self.document.source_description}):\n{problem.message}"
                )
            else:
                item = QListWidgetItem(self._icons[problem.is_error], f"{where}: {problem.message}")
                item.setToolTip(
                    f"{'Error' if problem.is_error else 'Warning'} at {problem.pointer or '/'}"
                )
                item.setData(Qt.ItemDataRole.UserRole, problem.pointer)
            self.addItem(item)

    def _activate(self, item: QListWidgetItem) -> None:
        pointer = item.data(Qt.ItemDataRole.UserRole)
        if pointer:
            self.problemActivated.emit(pointer)
