"""The main window: canvas, docks, menus, files."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QStyle,
    QWidget,
)

from attackgraph._version import __version__
from attackgraph.errors import AttackGraphError, ModelError
from attackgraph.formats import FORMATS
from attackgraph.gui.autosave import Autosaver
from attackgraph.gui.canvas.items import EdgeItem, NodeItem
from attackgraph.gui.canvas.scene import CanvasScene
from attackgraph.gui.canvas.style import kind_icon
from attackgraph.gui.canvas.view import CanvasView
from attackgraph.gui.clipboard import copy_fragment, fragment_commands, make_fragment, read_fragment
from attackgraph.gui.commands import MoveNodesCommand
from attackgraph.gui.docks import Palette, ProblemsList
from attackgraph.gui.document import Document
from attackgraph.gui.inspector import Inspector
from attackgraph.gui.layout_worker import LayoutRunner
from attackgraph.model import AttackModel

__all__ = ["MainWindow"]

MAX_RECENT = 10


def _filters() -> str:
    native = " ".join(f"*{s}" for f in FORMATS if f.check for s in f.suffixes)
    return f"Models ({native});;All files (*)"


class MainWindow(QMainWindow):
    """One document in one window."""

    def __init__(self, document: Document | None = None, *, autosave_s: float = 30.0,
                 settings: QSettings | None = None, restore: bool = True) -> None:
        super().__init__()
        self._restored = False
        self.document = document or Document()
        self.settings = settings or QSettings("attackgraph", "attackgraph")
        self.scene = CanvasScene(self.document)
        self.view = CanvasView(self.scene)
        self.setCentralWidget(self.view)
        self.layout_runner = LayoutRunner(self)
        self.layout_runner.finished.connect(self._apply_layout)
        self._layout_undoable = False
        self.autosaver = Autosaver(self.document, autosave_s)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._file_changed_on_disk)
        self._find_hits: list[str] = []
        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_docks()
        self.zoom_label = QLabel()
        self.statusBar().addPermanentWidget(self.zoom_label)
        self.scene.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.document.undo_stack.cleanChanged.connect(self._update_title)
        self.document.pathChanged.connect(self._on_path_changed)
        self.document.modelReplaced.connect(self._on_model_replaced)
        self.document.modelChanged.connect(lambda _e: self._update_title())
        self.setAcceptDrops(True)
        self.resize(1400, 860)
        if restore:
            self._restore_settings()
        self._on_model_replaced()
        self._on_path_changed(self.document.path or "")

    # --------------------------------------------------------------- actions
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        key = QKeySequence.StandardKey
        stack = self.document.undo_stack
        self.act_new = self._action("&New", self.new_file, key.New, "Start an empty model")
        self.act_open = self._action("&Open…", self.open_dialog, key.Open, "Open a model file")
        self.act_save = self._action("&Save", self.save, key.Save, "Save the model")
        self.act_save_as = self._action("Save &As…", self.save_as, key.SaveAs,
                                        "Save the model under another name")
        self.act_revert = self._action("&Revert", self.revert, None,
                                       "Reload the file, dropping unsaved changes")
        self.act_quit = self._action("&Quit", self.close, key.Quit)
        self.act_undo = stack.createUndoAction(self, "&Undo")
        self.act_undo.setShortcut(QKeySequence(key.Undo))
        self.act_redo = stack.createRedoAction(self, "&Redo")
        self.act_redo.setShortcut(QKeySequence(key.Redo))
        self.act_cut = self._action("Cu&t", self.cut, key.Cut)
        self.act_copy = self._action("&Copy", self.copy, key.Copy)
        self.act_paste = self._action("&Paste", self.paste, key.Paste)
        self.act_duplicate = self._action("D&uplicate", self.duplicate, "Ctrl+D")
        self.act_delete = self._action("&Delete", self.scene.delete_selection, key.Delete)
        self.act_select_all = self._action("Select &All", self.select_all, key.SelectAll)
        self.act_find = self._action("&Find…", self.focus_find, key.Find)
        self.act_zoom_in = self._action("Zoom &In", lambda: self._zoom(1.25), key.ZoomIn)
        self.act_zoom_out = self._action("Zoom &Out", lambda: self._zoom(0.8), key.ZoomOut)
        self.act_fit = self._action("&Fit to Window", self.view.fit_all, "Ctrl+0")
        self.act_layout = self._action("Auto &Layout", lambda: self.auto_layout(True),
                                       "Ctrl+L", "Lay out every node again (Graphviz dot)")
        self.act_add = {kind: self._action(f"Add {kind.capitalize()}",
                                           lambda _=False, k=kind: self.add_node(k))
                        for kind in ("entry", "step", "goal")}
        self.act_problems = self._action("Show &Problems", self._show_problems, None,
                                         "List the validation errors and warnings")
        self.act_about = self._action("&About attackgraph", self.about)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.act_new, self.act_open])
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        file_menu.addActions([self.act_save, self.act_save_as, self.act_revert])
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.act_undo, self.act_redo])
        edit.addSeparator()
        edit.addActions([self.act_cut, self.act_copy, self.act_paste, self.act_duplicate,
                         self.act_delete])
        edit.addSeparator()
        edit.addActions([self.act_select_all, self.act_find])
        edit.addSeparator()
        edit.addActions(list(self.act_add.values()))
        view = bar.addMenu("&View")
        view.addActions([self.act_zoom_in, self.act_zoom_out, self.act_fit])
        view.addSeparator()
        view.addAction(self.act_layout)
        self.view_menu = view
        analysis = bar.addMenu("&Analysis")
        analysis.addAction(self.act_problems)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.act_about)
        self._update_recent_menu()

    def _set_icons(self) -> None:
        style = self.style()
        pixmap = QStyle.StandardPixmap
        for action, icon in (
            (self.act_new, pixmap.SP_FileIcon),
            (self.act_open, pixmap.SP_DialogOpenButton),
            (self.act_save, pixmap.SP_DialogSaveButton),
            (self.act_undo, pixmap.SP_ArrowBack),
            (self.act_redo, pixmap.SP_ArrowForward),
            (self.act_delete, pixmap.SP_TrashIcon),
        ):
            action.setIcon(style.standardIcon(icon))
        for kind, action in self.act_add.items():
            action.setIcon(kind_icon(kind))
        self.act_fit.setIcon(style.standardIcon(pixmap.SP_TitleBarMaxButton))
        self.act_layout.setIcon(style.standardIcon(pixmap.SP_BrowserReload))

    def _build_toolbar(self) -> None:
        self._set_icons()
        tools = self.addToolBar("Main")
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.setObjectName("main-toolbar")
        tools.addActions([self.act_new, self.act_open, self.act_save])
        tools.addSeparator()
        tools.addActions([self.act_undo, self.act_redo])
        tools.addSeparator()
        tools.addActions(list(self.act_add.values()))
        tools.addSeparator()
        tools.addActions([self.act_fit, self.act_layout])
        tools.addSeparator()
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("Find label, id or technique (Ctrl+F)")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.setMaximumWidth(320)
        self.find_edit.returnPressed.connect(self.find_next)
        tools.addWidget(self.find_edit)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower()}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _build_docks(self) -> None:
        self.view_menu.addSeparator()
        self.palette_widget = Palette()
        self.palette_widget.addRequested.connect(self.add_node)
        self.palette_dock = self._dock("Palette", self.palette_widget,
                                       Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector = Inspector(self.scene)
        self.inspector_dock = self._dock("Inspector", self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.problems = ProblemsList(self.document)
        self.problems.problemActivated.connect(self.select_pointer)
        self.problems_dock = self._dock("Problems", self.problems,
                                        Qt.DockWidgetArea.BottomDockWidgetArea)
        self.palette_widget.setMaximumHeight(110)

    def _default_dock_sizes(self) -> None:
        self.resizeDocks([self.palette_dock, self.inspector_dock], [170, 360],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([self.problems_dock], [110], Qt.Orientation.Vertical)

    # --------------------------------------------------------------- editing
    def add_node(self, kind: str) -> None:
        """Add a node of ``kind`` at the centre of the view."""
        centre = self.view.mapToScene(self.view.viewport().rect().center())
        self.scene.add_node_at(kind, centre)

    def select_all(self) -> None:
        """Select every node and edge."""
        for item in self.scene.items():
            if isinstance(item, (NodeItem, EdgeItem)):
                item.setSelected(True)

    def copy(self) -> None:
        """Copy the selected nodes (and the edges among them)."""
        ids = self.scene.selected_node_ids()
        if ids:
            copy_fragment(self.document.model, ids)
            self.statusBar().showMessage(f"Copied {len(ids)} node(s).", 4000)

    def cut(self) -> None:
        """Copy, then delete the selection (one undo entry for the delete)."""
        self.copy()
        self.scene.delete_selection()

    def paste(self) -> None:
        """Paste nodes from the clipboard with fresh ids where needed."""
        fragment = read_fragment()
        if fragment is None:
            self.statusBar().showMessage("Nothing to paste: copy nodes first.", 4000)
            return
        self._add_fragment(fragment)

    def duplicate(self) -> None:
        """Copy the selected nodes next to themselves."""
        ids = self.scene.selected_node_ids()
        if ids:
            self._add_fragment(make_fragment(self.document.model, ids))

    def _add_fragment(self, fragment: dict) -> None:
        built = fragment_commands(self.document.model, fragment)
        if built is None:
            return
        command, new_ids = built
        if self.scene.execute(command):
            self.scene.clearSelection()
            for nid in new_ids:
                self.scene.nodes[nid].setSelected(True)

    def focus_find(self) -> None:
        """Put the cursor in the find field."""
        self.find_edit.setFocus()
        self.find_edit.selectAll()

    def find_matches(self, text: str) -> list[str]:
        """Node ids whose label, id or technique contains ``text`` (any case)."""
        needle = text.strip().lower()
        if not needle:
            return []
        return [
            nid for nid, node in self.document.model.nodes.items()
            if needle in node.label.lower() or needle in nid.lower()
            or any(needle in t.lower() for t in node.techniques or ())
        ]

    def find_next(self) -> None:
        """Select the next node matching the find field and centre on it."""
        hits = self.find_matches(self.find_edit.text())
        if not hits:
            self.statusBar().showMessage("No node matches.", 4000)
            return
        current = self.scene.selected_node_ids()
        start = hits.index(current[0]) + 1 if len(current) == 1 and current[0] in hits else 0
        nid = hits[start % len(hits)]
        self.scene.clearSelection()
        item = self.scene.nodes[nid]
        item.setSelected(True)
        self.view.centerOn(item)
        self.statusBar().showMessage(f"Match {start % len(hits) + 1} of {len(hits)}: {nid}",
                                     4000)

    def select_pointer(self, pointer: str) -> None:
        """Select the element a JSON pointer of a problem names."""
        parts = pointer.strip("/").split("/")
        model = self.document.model
        with contextlib.suppress(ValueError, IndexError, KeyError):
            if parts[0] == "nodes":
                nid = list(model.nodes)[int(parts[1])]
                self.scene.clearSelection()
                self.scene.nodes[nid].setSelected(True)
                self.view.centerOn(self.scene.nodes[nid])
            elif parts[0] == "edges":
                key = model.edges[int(parts[1])].key
                self.scene.clearSelection()
                self.scene.edges[key].setSelected(True)
                self.view.centerOn(self.scene.edges[key])

    def _zoom(self, factor: float) -> None:
        self.view.zoom_by(factor)
        self._update_zoom()

    def _update_zoom(self) -> None:
        self.zoom_label.setText(f"{self.view.zoom_level() * 100:.0f} %")

    def _show_problems(self) -> None:
        self.problems_dock.show()
        self.problems_dock.raise_()
        self.problems.refresh()

    # ---------------------------------------------------------------- layout
    def auto_layout(self, undoable: bool = True) -> None:
        """Lay out every node in the background (one undo entry when applied)."""
        self._layout_undoable = undoable
        self.statusBar().showMessage("Laying out…")
        self.layout_runner.start(self.document.model)

    def _apply_layout(self, positions: dict, note: str) -> None:
        model = self.document.model
        positions = {nid: pos for nid, pos in positions.items() if nid in model.nodes}
        if self._layout_undoable:
            self.scene.execute(MoveNodesCommand(
                model, {nid: model.layout.get(nid) for nid in positions}, positions,
                "Auto layout"))
        else:  # a file opened without positions: not an edit of the user's
            model.set_positions({nid: pos for nid, pos in positions.items()
                                 if nid not in model.layout})
        self.scene.update_frames()
        self.view.fit_all()
        self._update_zoom()
        self.statusBar().showMessage(f"Layout: {note}.", 6000)

    # ----------------------------------------------------------------- files
    def _on_model_replaced(self) -> None:
        model = self.document.model
        missing = [nid for nid in model.nodes if nid not in model.layout]
        if missing:
            self.auto_layout(undoable=False)
        else:
            QTimer.singleShot(0, self._fit_later)
        self._update_title()

    def _fit_later(self) -> None:
        self.view.fit_all()
        self._update_zoom()

    def _update_title(self) -> None:
        mark = "*" if self.document.is_modified else ""
        self.setWindowTitle(f"{self.document.display_name}{mark} — attackgraph")
        self.setWindowModified(self.document.is_modified)

    def _on_path_changed(self, path: str) -> None:
        for watched in self.watcher.files():
            self.watcher.removePath(watched)
        if path:
            self.watcher.addPath(path)
            self._add_recent(path)
        self._update_title()

    def _file_changed_on_disk(self, path: str) -> None:
        if path != self.document.path:
            return
        if not os.path.exists(path):
            self.statusBar().showMessage("The file was removed or renamed on disk; "
                                         "Save writes it again.", 10000)
            return
        if not self.document.is_modified:
            with contextlib.suppress(AttackGraphError):
                self.document.load(path)
                self.statusBar().showMessage("The file changed on disk and was reloaded.",
                                             8000)
                return
        self.statusBar().showMessage("The file changed on disk. Save overwrites it; "
                                     "File > Revert loads the disk version.", 15000)
        if path not in self.watcher.files():
            self.watcher.addPath(path)

    def maybe_save(self) -> bool:
        """Ask about unsaved changes; False if the user cancels."""
        if not self.document.is_modified:
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes",
            f"Save the changes to {self.document.display_name}?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def new_file(self) -> None:
        """Start an empty model."""
        if self.maybe_save():
            self.document.replace_model(AttackModel("Untitled model"), None)

    def open_dialog(self) -> None:
        """Choose a file and open it."""
        if not self.maybe_save():
            return
        folder = str(Path(self.document.path).parent) if self.document.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open model", folder, _filters())
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Open ``path``; on error show the located problems. True on success."""
        try:
            self.document.load(path)
        except ModelError as exc:
            self._show_error(f"{Path(path).name} cannot be opened", exc)
            return False
        if self.document.warnings:
            self.statusBar().showMessage(
                f"Opened with {len(self.document.warnings)} warning(s): see Problems.", 8000)
        return True

    def _show_error(self, title: str, exc: Exception) -> None:
        lines = [p.format(os.path.basename(self.document.path or "model"))
                 for p in getattr(exc, "problems", [])][:40]
        box = QMessageBox(QMessageBox.Icon.Warning, title, str(exc), parent=self)
        if lines:
            box.setDetailedText("\n".join(lines))
            box.setInformativeText(lines[0])
        box.open() if QApplication.platformName() == "offscreen" else box.exec()

    def save(self) -> bool:
        """Save to the current file (or ask for one)."""
        if self.document.path is None:
            return self.save_as()
        return self._save_to(self.document.path)

    def save_as(self) -> bool:
        """Ask for a file name and save there."""
        start = self.document.path or f"{self.document.model.title}.attackgraph.json"
        path, _ = QFileDialog.getSaveFileName(self, "Save model as", start, _filters())
        return bool(path) and self._save_to(path)

    def _save_to(self, path: str) -> bool:
        self.watcher.blockSignals(True)
        try:
            self.document.save(path)
        except AttackGraphError as exc:
            self._show_error("The model was not saved", exc)
            return False
        finally:
            self.watcher.blockSignals(False)
        self.statusBar().showMessage(f"Saved {path}.", 5000)
        return True

    def revert(self) -> None:
        """Reload the document's file."""
        if self.document.path:
            self.open_path(self.document.path)

    # ----------------------------------------------------------- recent files
    def recent_files(self) -> list[str]:
        """Recently opened or saved files, newest first."""
        value = self.settings.value("recent", [])
        if isinstance(value, str):
            value = [value]
        return [v for v in (value or []) if isinstance(v, str)]

    def _add_recent(self, path: str) -> None:
        files = [path] + [p for p in self.recent_files() if p != path]
        self.settings.setValue("recent", files[:MAX_RECENT])
        self._update_recent_menu()

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_files():
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.maybe_save()
                                     and self.open_path(p))
        self.recent_menu.setEnabled(bool(self.recent_files()))

    # ------------------------------------------------------ window lifecycle
    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("state")
        if state is not None:
            self._restored = bool(self.restoreState(state))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._restored:
            self._restored = True
            self._default_dock_sizes()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("state", self.saveState())
        self.autosaver.discard()
        self.layout_runner.cancel()
        event.accept()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if urls and self.maybe_save():
            self.open_path(urls[0])
            event.acceptProposedAction()

    def about(self) -> None:
        """Show the version and what the program is for."""
        QMessageBox.about(self, "About attackgraph",
                          f"<b>attackgraph {__version__}</b><p>Model attack chains across "
                          "cloud and device components, and find the mitigations that "
                          "break them.</p>")
