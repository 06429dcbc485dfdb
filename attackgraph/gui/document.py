"""The open document: a model, its undo stack and its file.

:class:`Document` bridges the model's plain callbacks to Qt signals, so the
views never subscribe to the model directly, and it is the only object that
reads or writes the document's file. It remembers what the file looked like
when it was last read or written, so that a change by another program is
noticed even where file-system notifications are missed.

A file becomes the document's file only when a native format read it and
its name says that same format; anything else (a STIX bundle named
``flow.json``, a Builder file, a diagram) is imported: Save asks for a new
native file instead of overwriting the original in another format.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from attackgraph.errors import FormatError, ModelError, Problem
from attackgraph.formats import check_file, format_for_path, write_model
from attackgraph.gui.commands import ModelCommand
from attackgraph.model import AttackModel, ModelEvent

__all__ = ["NATIVE_FORMATS", "DiskStamp", "Document", "is_native"]

NATIVE_FORMATS = ("json", "yaml")
"""Formats that hold everything the editor keeps; others are imported and exported."""


def is_native(path: str, read_by: str | None) -> bool:
    """Whether a file read by the format ``read_by`` may be saved back to
    ``path``: a native format read it, and the name says that same format.

    Examples
    --------
    >>> is_native("m.attackgraph.json", "json"), is_native("flow.json", "stix")
    (True, False)
    >>> is_native("m.json", "yaml"), is_native("notes.txt", "json")
    (False, False)
    """
    by_name = format_for_path(path)
    return read_by in NATIVE_FORMATS and by_name is not None and by_name.name == read_by


@dataclass(frozen=True)
class DiskStamp:
    """What a file looked like: modification time, size and content hash."""

    mtime_ns: int
    size: int
    digest: str

    @classmethod
    def of(cls, path: str) -> DiskStamp | None:
        """The stamp of ``path`` now (None if it cannot be read)."""
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):  # a FIFO would block the GUI thread
                return cls(info.st_mtime_ns, -1, f"special file {info.st_mode:o}")
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with open(descriptor, "rb") as handle:
                if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped meanwhile
                    return cls(info.st_mtime_ns, -1, "special file")
                digest = hashlib.sha256()
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        except OSError:
            return None
        return cls(info.st_mtime_ns, info.st_size, digest.hexdigest())


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

    def __init__(
        self,
        model: AttackModel | None = None,
        path: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self._model = model or AttackModel()
        self._model.subscribe(self._forward)
        self._path = path
        self._stamp: DiskStamp | None = DiskStamp.of(path) if path else None
        self.imported_from: str | None = None
        """The file a model in another format was imported from (no path then)."""
        self.source_format: str | None = None
        """The registered format that read the model's file (None for a new model)."""
        self.warnings: list[Problem] = []
        """What the reader warned about when the file was read (import
        ambiguities, validation warnings), located in that file."""

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
        if self._path:
            return Path(self._path).name
        if self.imported_from:
            return f"{Path(self.imported_from).name} (imported)"
        return self._model.title or "Untitled"

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
    def replace_model(
        self,
        model: AttackModel,
        path: str | None,
        *,
        modified: bool = False,
        imported_from: str | None = None,
        warnings: list[Problem] | None = None,
        source_format: str | None = None,
    ) -> None:
        """Show another model; the undo history starts afresh.

        Parameters
        ----------
        model : AttackModel
        path : str or None
            Its file (None for a new or imported model).
        modified : bool
            Count the model as unsaved (a recovered model, for instance).
        imported_from : str or None
            The file of another format the model was read from.
        warnings : list of Problem, optional
            What reading the file warned about.
        source_format : str, optional
            The format that read it.
        """
        self._model.unsubscribe(self._forward)
        self._model = model
        self._model.subscribe(self._forward)
        self.undo_stack.clear()
        if modified:
            self.undo_stack.resetClean()
        self._path = os.path.abspath(path) if path else None
        self._stamp = DiskStamp.of(self._path) if self._path else None
        self.imported_from = os.path.abspath(imported_from) if imported_from else None
        self.warnings = list(warnings or ())
        self.source_format = source_format
        self.modelReplaced.emit()
        self.pathChanged.emit(self._path or "")

    def load(self, path: str) -> None:
        """Open a model file (any readable format).

        The file becomes the document's file when a native format read it
        and its name says that format (Save writes it back the same way);
        otherwise the model is imported and Save asks for a native file, so
        the original is never overwritten in another format.

        Raises
        ------
        ModelError
            With every located problem; the current model stays.
        """
        checked = check_file(path)
        if checked.model is None:
            raise ModelError(f"{Path(path).name} cannot be opened.", checked.problems)
        native = is_native(path, checked.format)
        self.replace_model(
            checked.model,
            path if native else None,
            imported_from=None if native else path,
            warnings=checked.warnings,
            source_format=checked.format,
        )

    @property
    def source_description(self) -> str:
        """What read the document's file, for messages ("MITRE Attack Flow ...")."""
        fmt = format_for_path("", self.source_format) if self.source_format else None
        return fmt.description if fmt is not None else "attackgraph model"

    def suggested_file_name(self) -> str:
        """A native file name for Save As: the imported file's name with the
        attackgraph suffix, the current file, or one from the title."""
        if self._path:
            return self._path
        if self.imported_from:
            source = Path(self.imported_from)
            fmt = format_for_path(source.name)
            name = source.name
            for suffix in fmt.suffixes if fmt is not None else ():
                if name.lower().endswith(suffix):
                    name = name[: -len(suffix)]
                    break
            else:
                name = source.stem
            return str(source.with_name((name or "model") + ".attackgraph.json"))
        return ""

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
        fmt = format_for_path(target)
        if fmt is None:
            raise FormatError(
                f"{Path(target).name} does not end in .attackgraph.json or "
                ".attackgraph.yaml, so it is unclear how to write it."
            )
        if fmt.name not in NATIVE_FORMATS:
            raise FormatError(
                f"{Path(target).name} would be a {fmt.description} file, which "
                "does not keep everything; use Export for it, or save as "
                ".attackgraph.json or .attackgraph.yaml."
            )
        write_model(self._model, target, backup=True)
        self.undo_stack.setClean()
        target = os.path.abspath(target)
        self._stamp = DiskStamp.of(target)
        if target != self._path:
            self._path = target
            self.imported_from = None
            self.pathChanged.emit(self._path)

    def export(self, path: str, format_name: str | None = None) -> None:
        """Write the model in another format without changing the document's file.

        Raises
        ------
        FormatError
            Unknown format, or the file cannot be written.
        """
        write_model(self._model, path, format_name=format_name)

    def changed_on_disk(self) -> bool:
        """Whether the file is no longer what this document last read or wrote
        (also when it was removed)."""
        if not self._path:
            return False
        now = DiskStamp.of(self._path)
        if now is None or self._stamp is None:
            return now != self._stamp
        if (now.mtime_ns, now.size) == (self._stamp.mtime_ns, self._stamp.size):
            return False
        return now.digest != self._stamp.digest

    def accept_disk_version(self) -> None:
        """Stop reporting the current file content as changed (the user keeps
        their version and will overwrite it on save)."""
        if self._path:
            self._stamp = DiskStamp.of(self._path)
