"""Autosave to a recovery file, and recovery after a crash.

While a document has unsaved changes, its model is written every few
seconds (30 by default) to a recovery file in the user's data folder. A clean
close removes it; a recovery file left behind by a process that is gone is
offered at the next start.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from attackgraph.errors import FormatError
from attackgraph.fileio import atomic_write_text, read_limited
from attackgraph.formats.native import generate_json
from attackgraph.gui.document import Document

__all__ = ["Autosaver", "Recovery", "find_recoveries", "recovery_folder"]

DEFAULT_INTERVAL_S = 30


def recovery_folder() -> Path:
    """Where recovery files live (``ATTACKGRAPH_RECOVERY_DIR`` overrides)."""
    override = os.environ.get("ATTACKGRAPH_RECOVERY_DIR")
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".attackgraph") / "recovery"


@dataclass(frozen=True)
class Recovery:
    """A recovery file left by a process that ended without saving.

    Parameters
    ----------
    path : Path
        The recovered model (native JSON).
    original : str or None
        The file the user was editing, if it had one.
    saved_at : float
        When it was written (seconds since the epoch).
    """

    path: Path
    original: str | None
    saved_at: float

    def discard(self) -> None:
        """Delete the recovery file and its note."""
        for file in (self.path, _meta_path(self.path)):
            with contextlib.suppress(OSError):
                file.unlink()


def _meta_path(path: Path) -> Path:
    return path.with_suffix(".meta")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def find_recoveries(folder: Path | None = None) -> list[Recovery]:
    """Recovery files whose process is gone, newest first."""
    folder = folder or recovery_folder()
    found: list[Recovery] = []
    if not folder.is_dir():
        return found
    for path in folder.glob("*.attackgraph.json"):
        try:
            meta = json.loads(read_limited(_meta_path(path), 1 << 16).decode("utf-8"))
            pid = int(meta.get("pid", 0))
        except (OSError, ValueError, TypeError, AttributeError, FormatError):
            meta, pid = {}, 0
        if pid and pid != os.getpid() and _alive(pid):
            continue
        if pid == os.getpid():
            continue
        original = meta.get("original") if isinstance(meta.get("original"), str) else None
        found.append(Recovery(path, original, path.stat().st_mtime))
    return sorted(found, key=lambda r: -r.saved_at)


class Autosaver(QObject):
    """Writes a document's unsaved state to its recovery file on a timer."""

    def __init__(
        self, document: Document, interval_s: float = DEFAULT_INTERVAL_S, folder: Path | None = None
    ) -> None:
        super().__init__(document)
        self.document = document
        self.folder = folder or recovery_folder()
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.path = self.folder / f"{stamp}-{os.getpid()}-{id(document):x}.attackgraph.json"
        self.last_error: str | None = None
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.save_now)
        self.set_interval(interval_s)
        document.undo_stack.cleanChanged.connect(self._on_clean_changed)

    def set_interval(self, seconds: float) -> None:
        """Autosave every ``seconds`` (0 switches autosave off)."""
        if seconds <= 0:
            self.timer.stop()
            return
        self.timer.setInterval(int(seconds * 1000))
        self.timer.start()

    def save_now(self) -> bool:
        """Write the recovery file if there are unsaved changes."""
        if not self.document.is_modified:
            return False
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.path, generate_json(self.document.model))
            meta = {"pid": os.getpid(), "original": self.document.path}
            atomic_write_text(_meta_path(self.path), json.dumps(meta))
        except (FormatError, OSError) as exc:
            self.last_error = str(exc)
            return False
        self.last_error = None
        return True

    def _on_clean_changed(self, clean: bool) -> None:
        if clean:
            self.discard()

    def discard(self) -> None:
        """Remove the recovery file (after a save or a deliberate close)."""
        Recovery(self.path, None, 0.0).discard()
