"""File handling of a window: new, open, import, save, save as, revert,
export, recent files, the unsaved-changes prompt, and noticing a file changed
on disk.

File dialog filters come from the format registry, so a format registered
there appears here without a change to the editor. Errors are shown in a
dialog with every located problem; a failed save leaves the document as it
was (modified, autosaved), so nothing typed is lost. A model read from a
format other than the native ones is imported: Save asks for a native file
next to the original instead of overwriting it.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QFileSystemWatcher, QObject, QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox

from attackgraph.errors import AttackGraphError, ModelError
from attackgraph.formats import FORMATS, ModelFormat, format_for_path
from attackgraph.gui.document import NATIVE_FORMATS
from attackgraph.gui.text import plain
from attackgraph.model import AttackModel

if TYPE_CHECKING:
    from attackgraph.gui.mainwindow import MainWindow

__all__ = [
    "MAX_RECENT",
    "FileController",
    "export_filters",
    "import_filters",
    "open_filters",
    "save_filters",
]

MAX_RECENT = 10
Button = QMessageBox.StandardButton


def _patterns(fmt: ModelFormat) -> str:
    return " ".join(f"*{suffix}" for suffix in fmt.suffixes)


def open_filters() -> str:
    """Filters for Open: every format the registry reads."""
    readable = [f for f in FORMATS if f.check is not None]
    every = " ".join(_patterns(f) for f in readable)
    parts = [f"All models ({every})"] + [f"{f.description} ({_patterns(f)})" for f in readable]
    return ";;".join([*parts, "All files (*)"])


def import_filters() -> str:
    """Filters for Import: the formats of other tools first (a STIX bundle
    may be named ``*.json``: content decides), then every readable format."""
    foreign = [f for f in FORMATS if f.check is not None and f.name not in NATIVE_FORMATS]

    def patterns(fmt: ModelFormat) -> str:
        extra = (
            " *.json"
            if fmt.name in ("stix", "threat-dragon")
            else " *.json *.yaml *.yml"
            if fmt.name == "otm"
            else ""
        )
        return _patterns(fmt) + extra

    every = " ".join(_patterns(f) for f in foreign)
    parts = [f"Models of other tools ({every})"]
    parts += [f"{f.description} ({patterns(f)})" for f in foreign]
    return ";;".join([*parts, open_filters().split(";;")[0], "All files (*)"])


def save_filters() -> str:
    """Filters for Save As: the native formats, which keep everything."""
    native = [f for f in FORMATS if f.generate is not None and f.name in NATIVE_FORMATS]
    return ";;".join(f"{f.description} ({_patterns(f)})" for f in native)


def export_formats() -> list[ModelFormat]:
    """Formats other than the native ones that the registry writes."""
    return [f for f in FORMATS if f.generate is not None and f.name not in NATIVE_FORMATS]


def export_filters() -> str:
    """Filters for Export Model."""
    return ";;".join(f"{f.description} ({_patterns(f)})" for f in export_formats())


def _suffix_for(selected_filter: str, path: str, formats: list[ModelFormat]) -> str:
    """``path``, with the chosen filter's first suffix added when it has none."""
    if format_for_path(path) is not None:
        return path
    for fmt in formats:
        if selected_filter.startswith(fmt.description):
            return path + fmt.suffixes[0]
    return path + ".attackgraph.json"


def _slug(title: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-.").lower()
    return slug[:60] or "model"


class FileController(QObject):
    """The file operations of one window."""

    def __init__(self, window: MainWindow, settings: QSettings) -> None:
        super().__init__(window)
        self.window = window
        self.document = window.document
        self.settings = settings
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(lambda _path: self._check_soon.start())
        self._check_soon = QTimer(self)
        self._check_soon.setSingleShot(True)
        self._check_soon.setInterval(200)  # writers replace files in several steps
        self._check_soon.timeout.connect(self.check_disk)
        self._saving = False
        self.recent_menu: QMenu | None = None
        self.document.pathChanged.connect(self._on_path_changed)

    # ------------------------------------------------------------ dialogs
    def _folder(self) -> str:
        if self.document.path:
            return str(Path(self.document.path).parent)
        folder = self.settings.value("last-folder", "")
        return folder if isinstance(folder, str) else ""

    def show_error(self, title: str, exc: Exception, file_name: str | None = None) -> None:
        """A warning dialog with the error and every located problem (located
        in ``file_name``, by default the document's file)."""
        name = file_name or Path(self.document.path or "model").name
        problems = getattr(exc, "problems", [])
        lines = [p.format(name) for p in problems[:200]]
        if len(problems) > 200:
            lines.append(f"… and {len(problems) - 200} more")
        box = QMessageBox(
            QMessageBox.Icon.Warning, plain(title), plain(str(exc)), parent=self.window
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        if lines:
            box.setInformativeText(plain("\n".join(lines[:6]) + ("\n…" if len(lines) > 6 else "")))
            box.setDetailedText("\n".join(lines))
        box.setStandardButtons(Button.Ok)
        if QApplication.platformName() == "offscreen":
            box.open()  # never block a headless run
        else:
            box.exec()

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False if the user cancels."""
        self.window.commit_pending_edits()
        if not self.document.is_modified:
            return True
        answer = QMessageBox.question(
            self.window,
            "Unsaved changes",
            plain(f"Save the changes to {self.document.display_name} before closing it?"),
            Button.Save | Button.Discard | Button.Cancel,
            Button.Save,
        )
        if answer == Button.Save:
            return self.save()
        return answer == Button.Discard

    # ------------------------------------------------------------- opening
    def new_file(self) -> None:
        """Start an empty model."""
        if self.maybe_save():
            self.document.replace_model(AttackModel("Untitled model"), None)
            self.window.notices.dismiss("imported")

    def open_dialog(self) -> None:
        """Choose a file and open it."""
        self._choose_and_open("Open model", open_filters())

    def import_dialog(self) -> None:
        """Choose a model of another tool (Attack Flow, Deciduous, GraphML, an
        attackgraph diagram) and import it."""
        self._choose_and_open("Import model", import_filters())

    def _choose_and_open(self, caption: str, filters: str) -> None:
        if not self.maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self.window, caption, self._folder(), filters)
        if path:
            self.open_path(path, ask=False)

    def open_path(self, path: str, *, ask: bool = True) -> bool:
        """Open ``path`` (asking about unsaved changes first when ``ask``);
        on error show the located problems. True on success."""
        if ask and not self.maybe_save():
            return False
        try:
            self.document.load(path)
        except ModelError as exc:
            self.show_error(f"{Path(path).name} cannot be opened", exc, Path(path).name)
            return False
        self.settings.setValue("last-folder", str(Path(path).resolve().parent))
        self.add_recent(os.path.abspath(path))
        warnings = len(self.document.warnings)
        noted = (
            f" with {warnings} warning{'s' * (warnings != 1)} (see Problems)" if warnings else ""
        )
        status = self.window.statusBar()
        notices = self.window.notices
        if self.document.imported_from:
            status.showMessage(f"Imported {Path(path).name}{noted}.", 12000)
            notices.show_notice(
                "imported",
                f"Imported {Path(path).name} ({self.document.source_description}). "
                "Save writes a new attackgraph model; the original file stays as it is.",
                "info",
                [("Save As…", self.save_as)],
            )
        else:
            notices.dismiss("imported")
            status.showMessage(f"Opened {Path(path).name}{noted}.", 10000 if warnings else 5000)
        if self.window.problems.file_warnings:  # what the import could not map: show it
            self.window.docks["problems"].show()
            self.window.docks["problems"].raise_()
        return True

    def revert(self) -> None:
        """Reload the file (or import the imported one again), dropping the
        unsaved changes (after asking)."""
        path = self.document.path or self.document.imported_from
        if not path:
            self.window.statusBar().showMessage(
                "Nothing to revert to: the model has no file yet.", 6000
            )
            return
        if self.document.is_modified:
            answer = QMessageBox.question(
                self.window,
                "Revert",
                plain(f"Drop every change since {Path(path).name} was last saved?"),
                Button.Discard | Button.Cancel,
                Button.Cancel,
            )
            if answer != Button.Discard:
                return
        self.open_path(path, ask=False)

    # -------------------------------------------------------------- saving
    def save(self) -> bool:
        """Save to the current file (or ask for one)."""
        if self.document.path is None:
            return self.save_as()
        return self.save_to(self.document.path)

    def save_as(self) -> bool:
        """Ask for a file name and save there."""
        start = self.document.suggested_file_name() or str(
            Path(self._folder()) / (_slug(self.document.model.title) + ".attackgraph.json")
        )
        path, chosen = QFileDialog.getSaveFileName(
            self.window, "Save model as", start, save_filters()
        )
        if not path:
            return False
        native = [f for f in FORMATS if f.name in NATIVE_FORMATS]
        return self.save_to(_suffix_for(chosen, path, native))

    def save_to(self, path: str) -> bool:
        """Write the model to ``path``; on failure show why and keep the changes."""
        self.window.commit_pending_edits()
        self._saving = True
        try:
            self.document.save(path)
        except AttackGraphError as exc:
            self.show_error("The model was not saved", exc, Path(path).name)
            return False
        finally:
            self._saving = False
        self.add_recent(self.document.path or path)
        self.window.notices.dismiss("disk")
        self.window.notices.dismiss("imported")
        self.window.statusBar().showMessage(f"Saved {path}.", 5000)
        return True

    def export_dialog(self) -> bool:
        """Write the model in another format (the document keeps its file)."""
        formats = export_formats()
        if not formats:
            self.window.statusBar().showMessage("No other model format is available.", 6000)
            return False
        last = self.settings.value("export/last-folder", "")  # shared with File > Export
        folder = last if isinstance(last, str) and last and os.path.isdir(last) else self._folder()
        start = str(Path(folder) / _slug(self.document.model.title))
        path, chosen = QFileDialog.getSaveFileName(
            self.window, "Export model", start, export_filters()
        )
        if not path:
            return False
        path = _suffix_for(chosen, path, formats)
        self.settings.setValue("export/last-folder", str(Path(path).resolve().parent))
        try:
            self.document.export(path)
        except AttackGraphError as exc:
            self.show_error("The model was not exported", exc)
            return False
        self.window.statusBar().showMessage(f"Exported {path}.", 5000)
        return True

    # --------------------------------------------------------- recent files
    def recent_files(self) -> list[str]:
        """Recently opened or saved files, newest first."""
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if isinstance(v, str)]

    def add_recent(self, path: str) -> None:
        """Put ``path`` at the top of the recent files."""
        files = [path] + [p for p in self.recent_files() if p != path]
        self.settings.setValue("recent", files[:MAX_RECENT])
        self.update_recent_menu()

    def update_recent_menu(self) -> None:
        """Rebuild File > Open Recent."""
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        files = self.recent_files()
        for number, path in enumerate(files, start=1):
            shown = f"{Path(path).name}   —   {Path(path).parent}".replace("&", "&&")
            action = menu.addAction(f"&{number % 10}  {shown}")
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if files:
            menu.addSeparator()
            menu.addAction("Clear List", self._clear_recent)
        menu.setEnabled(bool(files))

    def _clear_recent(self) -> None:
        self.settings.setValue("recent", [])
        self.update_recent_menu()

    # --------------------------------------------------------- disk watch
    def _on_path_changed(self, path: str) -> None:
        for watched in self.watcher.files():
            self.watcher.removePath(watched)
        if path and os.path.exists(path):
            self.watcher.addPath(path)
        self.window.notices.dismiss("disk")

    def check_disk(self) -> None:
        """Notice a change of the document's file by another program."""
        path = self.document.path
        if self._saving or not path:
            return
        if path not in self.watcher.files() and os.path.exists(path):
            self.watcher.addPath(path)  # an atomic replace drops the watch
        if not self.document.changed_on_disk():
            return
        notices = self.window.notices
        name = Path(path).name
        if not os.path.exists(path):
            self.document.accept_disk_version()
            notices.show_notice(
                "disk",
                f"{name} was removed or renamed by another program. Save writes it again.",
                "warning",
                [("Save", self.save)],
            )
            return
        if not self.document.is_modified:
            if self.open_path(path, ask=False):
                notices.show_notice(
                    "disk", f"{name} was changed by another program and has been reloaded.", "info"
                )
            return
        self.document.accept_disk_version()
        notices.show_notice(
            "disk",
            f"{name} was changed by another program, and you have unsaved changes. "
            "Saving overwrites the other version.",
            "warning",
            [
                ("Reload from Disk", lambda: self.open_path(path, ask=False)),
                ("Keep Mine", lambda: None),
            ],
        )

    def forget_watch(self) -> None:
        """Stop watching (the window closes)."""
        with contextlib.suppress(RuntimeError):
            for watched in self.watcher.files():
                self.watcher.removePath(watched)
