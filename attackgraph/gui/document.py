"""The open document: a model, its undo stack and its file.

:class:`Document` bridges the model's plain callbacks to Qt signals, so the
views never subscribe to the model directly, and it is the only object that
reads or writes the document's file.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from attackgraph.errors import FormatError, ModelError
from attackgraph.formats import check_file, format_for_path, write_model
from attackgraph.gui.commands import ModelCommand
from attackgraph.model import AttackModel, ModelEvent

__all__ = ["Document"]


class Document(QObject):
    """A model being edited.

    Signals
    -------
    modelReplaced()
        A different model is now shown (new, open, revert).
    modelChanged(ModelEvent)
        The model changed (every mutation, also from undo and redo).
    pathChanged(str)
        The document's file changed (save as, open).
    """

    modelReplaced = Signal()
    modelChanged = Signal(object)
    pathChanged = Signal(str)

    def __init__(self, model: AttackModel | None = None, path: str | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._model = model or AttackModel()
        self._model.subscribe(self._forward)
        self._path = path
        self.warnings: list = []

    # ---------------------------------------------------------------- access
    @property
    def model(self) -> AttackModel:
        """The model being edited."""
        return self._model

    @property
    def path(self) -> str | None:
        """The file the document was read from or saved to, if any."""
        return self._path

    @property
    def display_name(self) -> str:
        """The file name, or the model title for an unsaved document."""
        return Path(self._path).name if self._path else (self._model.title or "Untitled")

    @property
    def is_modified(self) -> bool:
        """Whether there are changes since the last save or open."""
        return not self.undo_stack.isClean()

    # --------------------------------------------------------------- editing
    def execute(self, command: ModelCommand) -> str | None:
        """Do a command and put it on the undo stack.

        Returns
        -------
        str or None
            The reason, when the model refused the change (nothing changed).
        """
        try:
            command.execute()
        except ModelError as exc:
            return str(exc)
        self.undo_stack.push(command)
        return None

    def _forward(self, event: ModelEvent) -> None:
        self.modelChanged.emit(event)

    # ----------------------------------------------------------------- files
    def replace_model(self, model: AttackModel, path: str | None) -> None:
        """Show another model; the undo history starts afresh."""
        self._model.unsubscribe(self._forward)
        self._model = model
        self._model.subscribe(self._forward)
        self.undo_stack.clear()
        self._path = path
        self.modelReplaced.emit()
        self.pathChanged.emit(path or "")

    def load(self, path: str) -> None:
        """Open a model file (any readable format).

        Raises
        ------
        ModelError
            With every located problem; the current model stays.
        """
        checked = check_file(path)
        if checked.model is None:
            raise ModelError(f"{path} cannot be opened.", checked.problems)
        self.warnings = checked.warnings
        native = format_for_path(path)
        keep_path = native is not None and native.name in ("json", "yaml")
        self.replace_model(checked.model, os.path.abspath(path) if keep_path else None)

    def save(self, path: str | None = None) -> None:
        """Write the model atomically, keeping the previous file as ``NAME~``.

        Raises
        ------
        FormatError
            The file cannot be written; the document stays modified.
        """
        target = path or self._path
        if target is None:
            raise FormatError("the document has no file name yet; use Save As.")
        write_model(self._model, target, backup=True)
        self.undo_stack.setClean()
        if target != self._path:
            self._path = os.path.abspath(target)
            self.pathChanged.emit(self._path)
