"""The window's actions, menus and toolbar.

Shortcuts come from ``QKeySequence.StandardKey`` where Qt has one, so they
follow each desktop's conventions. Later features add their actions to the
menus kept in :attr:`WindowActions.menus` (``"analysis"`` is for the analysis
workbench).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from attackgraph.gui.icons import icon, kind_icon
from attackgraph.gui.theme import THEMES

if TYPE_CHECKING:
    from attackgraph.gui.mainwindow import MainWindow

__all__ = ["WindowActions"]

Key = QKeySequence.StandardKey


class WindowActions:
    """Every action of a main window, with its menus and toolbar."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._icons: dict[QAction, str] = {}
        self.menus: dict[str, QMenu] = {}
        w = window
        files, scene, view = w.files, w.scene, w.view
        stack = w.document.undo_stack
        self.new = self._make("&New", files.new_file, Key.New, "new", "Start an empty model")
        self.new_window = self._make(
            "New &Window",
            w.new_window,
            "Ctrl+Shift+N",
            None,
            "Open another window (copy and paste between them)",
        )
        self.open = self._make(
            "&Open…",
            files.open_dialog,
            Key.Open,
            "open",
            "Open a model file (any supported format)",
        )
        self.import_model = self._make(
            "&Import…",
            files.import_dialog,
            "Ctrl+I",
            None,
            "Import a model of another tool (MITRE Attack Flow, Deciduous, GraphML, an "
            "attackgraph diagram); Save then writes a new attackgraph model",
        )
        self.save = self._make("&Save", files.save, Key.Save, "save", "Save the model")
        self.save_as = self._make(
            "Save &As…", files.save_as, Key.SaveAs, None, "Save the model under another name"
        )
        self.revert = self._make(
            "Re&vert", files.revert, None, None, "Reload the file, dropping the unsaved changes"
        )
        self.export = self._make(
            "&Export Model As…",
            files.export_dialog,
            None,
            None,
            "Write the model in another format",
        )
        self.quit = self._make("&Quit", w.quit_all, Key.Quit, None, "Close every window")
        self.undo = stack.createUndoAction(window, "&Undo")
        self.undo.setShortcut(QKeySequence(Key.Undo))
        self._icons[self.undo] = "undo"
        self.redo = stack.createRedoAction(window, "&Redo")
        self.redo.setShortcuts(QKeySequence.keyBindings(Key.Redo))
        self._icons[self.redo] = "redo"
        self.cut = self._make("Cu&t", w.editing.cut, Key.Cut, "cut")
        self.copy = self._make("&Copy", w.editing.copy, Key.Copy, "copy")
        self.paste = self._make("&Paste", w.editing.paste, Key.Paste, "paste")
        self.duplicate = self._make(
            "D&uplicate",
            w.editing.duplicate,
            "Ctrl+D",
            None,
            "Copy the selected nodes next to themselves",
        )
        self.delete = self._make(
            "&Delete",
            scene.delete_selection,
            Key.Delete,
            "delete",
            "Delete the selected nodes, edges or components",
        )
        self.delete.setShortcuts([QKeySequence(Key.Delete), QKeySequence("Backspace")])
        self.select_all = self._make("Select &All", w.editing.select_all, Key.SelectAll, "select")
        self.find = self._make(
            "&Find…", w.find_bar.focus, Key.Find, "find", "Find nodes by label, id or technique"
        )
        self.find_next = self._make("Find &Next", lambda: w.find_bar.step(1), Key.FindNext)
        self.find_previous = self._make(
            "Find Pre&vious", lambda: w.find_bar.step(-1), Key.FindPrevious
        )
        self.group = self._make(
            "&Group into Component",
            w.editing.group_selection,
            "Ctrl+G",
            "component",
            "Put the selected nodes into a new component",
        )
        self.add = {
            kind: self._make(
                f"Add {kind.capitalize()}",
                lambda _=False, k=kind: w.editing.add_node(k),
                None,
                None,
                f"Add a new {kind} in the middle of the view (on the "
                f"canvas, {kind[0].upper()} adds one under the pointer)",
            )
            for kind in ("entry", "step", "goal")
        }
        self.preferences = self._make(
            "Pre&ferences…",
            w.show_preferences,
            Key.Preferences,
            None,
            "Autosave, theme and layout settings",
        )
        self.zoom_in = self._make("Zoom &In", lambda: view.zoom_by(1.25), Key.ZoomIn, "zoom-in")
        self.zoom_in.setShortcuts([QKeySequence(Key.ZoomIn), QKeySequence("Ctrl+=")])
        self.zoom_out = self._make("Zoom &Out", lambda: view.zoom_by(0.8), Key.ZoomOut, "zoom-out")
        self.actual_size = self._make("&Actual Size", lambda: view.set_zoom(1.0), "Ctrl+1")
        self.fit = self._make(
            "&Fit to Window", view.fit_all, "Ctrl+0", "fit", "Show the whole model"
        )
        self.fit_selection = self._make(
            "Zoom to &Selection",
            view.fit_selection,
            "Ctrl+Shift+0",
            None,
            "Show the selected items",
        )
        self.layout = self._make(
            "Auto &Layout",
            lambda: w.auto_layout(full=True),
            "Ctrl+L",
            "layout",
            "Lay out every node again (Graphviz dot, with component clusters)",
        )
        self.cancel_layout = self._make("Cancel Layout", w.layout_runner.cancel, None, None)
        self.overview = self._make(
            "&Overview Map",
            w.set_overview_visible,
            "Ctrl+M",
            None,
            "Show the whole model in a corner of the canvas",
        )
        self.overview.setCheckable(True)
        self.problems = self._make(
            "Show &Problems",
            w.show_problems,
            "F8",
            "problems",
            "List the validation errors and warnings",
        )
        self.shortcuts = self._make("&Keyboard Shortcuts", w.show_shortcuts, Key.HelpContents, None)
        self.about = self._make("&About attackgraph", w.about, None, "about")
        self.theme_group = QActionGroup(window)
        self.themes: dict[str, QAction] = {}
        for name in THEMES:
            action = QAction(
                name.capitalize() if name != "system" else "Follow the System",
                window,
                checkable=True,
            )
            action.triggered.connect(lambda _=False, n=name: w.set_theme(n))
            self.theme_group.addAction(action)
            self.themes[name] = action
        self.toolbar = self._build_toolbar()
        self._build_menus()
        self.refresh_icons()

    def _make(
        self,
        text: str,
        slot: Callable[..., Any],
        shortcut: Any = None,
        icon_name: str | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{text.replace('&', '').rstrip('…')}: {tip}")
        if icon_name:
            self._icons[action] = icon_name
        action.triggered.connect(lambda _checked=False: slot())
        self.window.addAction(action)
        return action

    def refresh_icons(self) -> None:
        """Draw the icons again (the theme changed)."""
        for action, name in self._icons.items():
            action.setIcon(icon(name))
        for kind, action in self.add.items():
            action.setIcon(kind_icon(kind))

    def _build_menus(self) -> None:
        bar = self.window.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new, self.new_window, self.open])
        recent = file_menu.addMenu("Open &Recent")
        file_menu.addAction(self.import_model)
        self.window.files.recent_menu = recent
        self.window.files.update_recent_menu()
        file_menu.addSeparator()
        file_menu.addActions([self.save, self.save_as, self.revert])
        file_menu.addSeparator()
        file_menu.addAction(self.export)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        edit = bar.addMenu("&Edit")
        edit.addActions([self.undo, self.redo])
        edit.addSeparator()
        edit.addActions([self.cut, self.copy, self.paste, self.duplicate, self.delete])
        edit.addSeparator()
        edit.addActions([self.select_all, self.find, self.find_next, self.find_previous])
        edit.addSeparator()
        edit.addActions([*self.add.values(), self.group])
        edit.addSeparator()
        edit.addAction(self.preferences)
        view = bar.addMenu("&View")
        view.addActions(
            [self.zoom_in, self.zoom_out, self.actual_size, self.fit, self.fit_selection]
        )
        view.addSeparator()
        view.addActions([self.layout, self.window.placement.file_positions_action, self.overview])
        theme = view.addMenu("&Theme")
        theme.addActions(list(self.themes.values()))
        view.addSeparator()
        self.docks_menu = view
        analysis = bar.addMenu("&Analysis")
        analysis.addAction(self.problems)
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.shortcuts, self.about])
        self.menus = {
            "file": file_menu,
            "edit": edit,
            "view": view,
            "analysis": analysis,
            "help": help_menu,
            "theme": theme,
        }

    def _build_toolbar(self) -> QToolBar:
        tools = QToolBar("Main toolbar", self.window)
        tools.setObjectName("main-toolbar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        tools.addActions([self.new, self.open, self.save])
        tools.addSeparator()
        tools.addActions([self.undo, self.redo])
        tools.addSeparator()
        for action in self.add.values():
            tools.addAction(action)
        tools.addAction(self.group)
        tools.addAction(self.delete)
        tools.addSeparator()
        tools.addActions([self.zoom_out, self.zoom_in, self.fit, self.layout])
        tools.addSeparator()
        tools.addWidget(self.window.find_bar)
        self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, tools)
        return tools
