"""The main window: one document, its canvas, docks, menus and status bar.

The window wires the parts together; the work is done by the parts: the
scene and its tools (editing on the canvas), the inspector and the docks,
:class:`~attackgraph.gui.files.FileController` (files),
:class:`~attackgraph.gui.layout_worker.LayoutRunner` (layout) and
:class:`~attackgraph.gui.autosave.Autosaver` (recovery). Later features add
docks with :meth:`MainWindow.add_dock`, canvas overlays with
:meth:`CanvasScene.set_overlay` and actions to ``actions.menus["analysis"]``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from attackgraph._version import __version__
from attackgraph.gui import collector
from attackgraph.gui.actions import WindowActions
from attackgraph.gui.analysis.workbench import Workbench
from attackgraph.gui.autosave import Autosaver
from attackgraph.gui.canvas.minimap import Minimap
from attackgraph.gui.canvas.scene import CanvasScene
from attackgraph.gui.canvas.view import CanvasView
from attackgraph.gui.canvas_menu import CanvasMenu
from attackgraph.gui.dialogs import Preferences, PreferencesDialog, ShortcutsDialog
from attackgraph.gui.docks import MitigationsDock, Palette, ProblemsList
from attackgraph.gui.docks.library import LibraryDock
from attackgraph.gui.document import Document
from attackgraph.gui.editing import WindowEditing
from attackgraph.gui.files import FileController
from attackgraph.gui.find import FindBar
from attackgraph.gui.icons import icon
from attackgraph.gui.inspector import Inspector
from attackgraph.gui.layout_worker import LayoutRunner
from attackgraph.gui.library import LibraryController
from attackgraph.gui.notify import NoticeArea
from attackgraph.gui.placement import READABLE_ZOOM, Placement
from attackgraph.gui.theme import theme_manager, tone
from attackgraph.gui.windowplace import cascade_from
from attackgraph.render.layout.geometry import DEFAULT_GEOMETRY, CanvasGeometry

__all__ = ["READABLE_ZOOM", "MainWindow", "open_windows"]

_WINDOWS: list[MainWindow] = []


def open_windows() -> list[MainWindow]:
    """The main windows that are open, oldest first."""
    return [w for w in _WINDOWS if w.isVisible()]


DOCK_STATE_VERSION = 3
"""Version of the saved dock and toolbar arrangement; raise it when the set
of docks changes (2: the workbench's chains, coverage and mitigations; 3: the
library)."""


class MainWindow(QMainWindow):
    """One document in one window."""

    def __init__(
        self,
        document: Document | None = None,
        *,
        autosave_s: float | None = None,
        settings: QSettings | None = None,
        restore: bool = True,
        geometry: CanvasGeometry = DEFAULT_GEOMETRY,
    ) -> None:
        super().__init__()
        _WINDOWS.append(self)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.settings = settings or QSettings("attackgraph", "attackgraph")
        self.preferences = Preferences(self.settings)
        self.theme = theme_manager(self.preferences.theme)
        self.document = document or Document(parent=self)
        self.scene = CanvasScene(self.document, geometry)
        self.view = CanvasView(self.scene)
        self.minimap = Minimap(self.view)
        self.notices = NoticeArea()
        self.notices.dark = self.theme.dark
        central = QWidget()
        box = QVBoxLayout(central)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.notices)
        box.addWidget(self.view, 1)
        self.setCentralWidget(central)
        self.autosaver = Autosaver(
            self.document, self.preferences.autosave_seconds if autosave_s is None else autosave_s
        )
        self.files = FileController(self, self.settings)
        self.placement = Placement(self)
        self.editing = WindowEditing(self)
        self.find_bar = FindBar(self.scene)
        self.inspector = Inspector(self.scene)
        self.palette_widget = Palette()
        self.mitigations = MitigationsDock(self.scene)
        self.problems = ProblemsList(self.document)
        self.library_dock = LibraryDock()
        self.actions = WindowActions(self)
        self.canvas_menu = CanvasMenu(self)
        self.docks: dict[str, QDockWidget] = {}
        self._build_docks()
        self._build_status_bar()
        self._restored = False
        self._connect()
        self.workbench = Workbench(self)
        self.library = LibraryController(
            self.document,
            self.library_dock,
            selected_component=lambda: next(iter(self.scene.selected_component_ids()), None),
            view_center=self._view_center,
            message=lambda text: self.statusBar().showMessage(text, 10000),
            reveal=self._reveal_nodes,
            parent=self,
        )
        self.view.fragmentDropped.connect(
            lambda source, point: self.library.insert(
                source,
                at=(point.x(), point.y()),
                into=self.scene.component_at(point),
                use_selection=False,
            )
        )
        collector.install()  # worker threads never run the cycle collector
        self.setAcceptDrops(True)
        self.resize(1400, 860)
        if restore:
            self._restore_settings()
        self.actions.themes[self.theme.choice].setChecked(True)
        self.actions.overview.setChecked(self.preferences.show_overview)
        self.minimap.setVisible(self.preferences.show_overview)
        self._on_model_replaced()

    def _reveal_nodes(self, node_ids: list[str]) -> None:
        """Select nodes (just added) and scroll them into view."""
        self.scene.select(nodes=node_ids)
        self.view.ensureVisible(self.scene.selection_rect(), 40, 40)

    def _view_center(self) -> tuple[float, float]:
        """The scene point in the middle of the view."""
        center = self.view.mapToScene(self.view.viewport().rect().center())
        return (center.x(), center.y())

    # ----------------------------------------------------------- building
    def add_dock(
        self,
        name: str,
        title: str,
        widget: QWidget,
        area: Qt.DockWidgetArea,
        *,
        below: QDockWidget | None = None,
    ) -> QDockWidget:
        """Add a dock (its state is saved with the window's); View lists it."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        if below is not None:
            self.splitDockWidget(below, dock, Qt.Orientation.Vertical)
        else:
            self.addDockWidget(area, dock)
        self.actions.docks_menu.addAction(dock.toggleViewAction())
        self.docks[name] = dock
        return dock

    def _build_docks(self) -> None:
        right = Qt.DockWidgetArea.RightDockWidgetArea
        palette = self.add_dock(
            "palette", "Palette", self.palette_widget, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        palette.setMinimumWidth(96)
        inspector = self.add_dock("inspector", "Inspector", self.inspector, right)
        mitigations = self.add_dock(
            "mitigations", "Mitigations", self.mitigations, right, below=inspector
        )
        problems = self.add_dock("problems", "Problems", self.problems, right)
        self.tabifyDockWidget(mitigations, problems)
        library = self.add_dock("library", "Library", self.library_dock, right)
        self.tabifyDockWidget(problems, library)
        mitigations.raise_()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(120)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setIcon(icon("close"))
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.setToolTip("Cancel the layout")
        self.cancel_button.clicked.connect(self.layout_runner.cancel)
        self.layout_label = QLabel("Laying out…")
        for widget in (self.layout_label, self.progress, self.cancel_button):
            bar.addPermanentWidget(widget)
            widget.hide()
        self.problems_label = QLabel()
        self.counts_label = QLabel()
        self.zoom_label = QLabel()
        self.zoom_label.setToolTip("Zoom (Ctrl+1: 100 %, Ctrl+0: fit)")
        for widget in (self.problems_label, self.counts_label, self.zoom_label):
            bar.addPermanentWidget(widget)

    def _connect(self) -> None:
        # Bound methods only: Qt drops those connections when the window goes,
        # so a document or scene that outlives it never calls into a dead window.
        document, scene = self.document, self.scene
        for source in (
            scene.message,
            self.inspector.message,
            self.mitigations.message,
            self.find_bar.message,
        ):
            source.connect(self.show_message)
        document.undo_stack.cleanChanged.connect(self._update_title)
        document.undo_stack.indexChanged.connect(self._update_title)
        document.pathChanged.connect(self._update_title)
        document.modelReplaced.connect(self._on_model_replaced)
        document.modelChanged.connect(self._on_model_changed)
        self.palette_widget.addRequested.connect(self.editing.add_node)
        self.problems.problemActivated.connect(self.editing.select_pointer)
        self.problems.counted.connect(self._show_problem_count)
        self.mitigations.chosen.connect(self._mitigation_chosen)
        scene.activated.connect(self._activated)
        self.find_bar.finished.connect(self.view.setFocus)
        self.view.zoomChanged.connect(self._update_zoom)
        self.layout_runner.busyChanged.connect(self._layout_busy)
        self.theme.changed.connect(self._theme_changed)

    def show_message(self, text: str) -> None:
        """A sentence in the status bar for a few seconds."""
        self.statusBar().showMessage(text, 8000)

    def _mitigation_chosen(self, mit_id: str) -> None:
        self.inspector.inspect("mitigation", mit_id)

    # ---------------------------------------------------------- editing
    def open_path(self, path: str) -> bool:
        """Open a model file in this window (no question asked); True on success."""
        return self.files.open_path(path, ask=False)

    def commit_pending_edits(self) -> None:
        """Apply the inspector field being typed in (before save, close ...)."""
        self.inspector.commit_pending()

    def _activated(self, kind: str, key: object) -> None:
        self.docks["inspector"].show()
        self.docks["inspector"].raise_()
        self.inspector.inspect(kind, key)

    # ------------------------------------------------------------ layout
    @property
    def layout_runner(self) -> LayoutRunner:
        """The window's background layout runner."""
        return self.placement.runner

    def auto_layout(self, *, full: bool = True) -> None:
        """Lay out the model in the background; applied as one undo entry."""
        self.placement.auto_layout(full=full)

    def initial_view(self) -> None:
        """Show the model as it should look when it is opened."""
        self.placement.initial_view()
        self._update_zoom(self.view.zoom_level())
        self.placement.view_touched = False

    def _layout_busy(self, busy: bool) -> None:
        for widget in (self.layout_label, self.progress, self.cancel_button):
            widget.setVisible(busy)
        self.actions.layout.setEnabled(not busy)

    # ------------------------------------------------------------ model
    def _on_model_replaced(self) -> None:
        self.placement.place_opened_model()
        self.inspector.inspect("model")
        self._update_title()
        self._update_counts()
        QTimer.singleShot(0, self, self.initial_view)  # dropped if the window goes first

    def _on_model_changed(self, event: object) -> None:
        if getattr(event, "kind", "") in ("node", "edge", "mitigation"):
            self._update_counts()

    def _update_counts(self) -> None:
        model = self.document.model
        self.counts_label.setText(
            f"{len(model.nodes)} nodes · {len(model.edges)} edges · "
            f"{len(model.mitigations)} mitigations"
        )

    def _show_problem_count(self, errors: int, warnings: int) -> None:
        parts = []
        if errors:
            parts.append(f"{errors} error{'s' * (errors != 1)}")
        if warnings:
            parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
        self.problems_label.setText(", ".join(parts) if parts else "✓ valid")
        color = tone("danger" if errors else "warning" if warnings else "success").name()
        self.problems_label.setStyleSheet(f"color: {color}; font-weight: 600;")
        self.problems_label.setToolTip("Validation of the model (F8 lists the problems)")
        dock = self.docks.get("problems")
        if dock is not None:
            dock.setWindowTitle(f"Problems ({errors + warnings})" if parts else "Problems")

    def _update_zoom(self, level: float) -> None:
        self.zoom_label.setText(f"{level * 100:.0f} %")
        self.placement.view_touched = True

    def _update_title(self, *_args: object) -> None:
        # Qt shows "[*]" as "*" while the window is modified (and as the
        # platform's own mark where there is one).
        name = self.document.display_name.replace("[*]", "[**]")
        self.setWindowTitle(f"{name}[*] — attackgraph")
        self.setWindowModified(self.document.is_modified)

    def show_problems(self) -> None:
        """Show the problems dock, checked just now."""
        self.docks["problems"].show()
        self.docks["problems"].raise_()
        self.problems.refresh()

    # -------------------------------------------------------- appearance
    def set_overview_visible(self, visible: bool | None = None) -> None:
        """Show or hide the overview map (None: as the menu item says)."""
        shown = self.actions.overview.isChecked() if visible is None else visible
        self.actions.overview.setChecked(shown)
        self.preferences.show_overview = shown
        self.minimap.setVisible(shown)

    def set_theme(self, choice: str) -> None:
        """``system``, ``light`` or ``dark``."""
        self.preferences.theme = choice
        self.theme.set_choice(choice)
        self.actions.themes[self.theme.choice].setChecked(True)
        self._theme_changed(self.theme.dark)

    def _theme_changed(self, dark: bool) -> None:
        self.notices.dark = dark
        self.problems.recount()
        self.actions.refresh_icons()
        self.palette_widget.refresh_icons()
        self.scene.refresh_style()
        self.view.viewport().update()
        self.minimap.render_now()

    def show_preferences(self) -> None:
        """The preferences dialog (applied when accepted)."""
        dialog = PreferencesDialog(self.preferences, self)
        dialog.accepted.connect(lambda: self._apply_preferences(dialog))
        dialog.open()

    def _apply_preferences(self, dialog: PreferencesDialog) -> None:
        dialog.apply()
        for window in open_windows() or [self]:
            window.autosaver.set_interval(self.preferences.autosave_seconds)
        self.set_theme(self.preferences.theme)

    def show_shortcuts(self) -> None:
        """List the keyboard shortcuts and canvas gestures."""
        ShortcutsDialog(self.findChildren(type(self.actions.new)), self).show()

    def about(self) -> None:
        """Show the version and what the program is for."""
        QMessageBox.about(
            self,
            "About attackgraph",
            f"<b>attackgraph {__version__}</b><p>Model attack chains across "
            "cloud and device components, and find the mitigations that "
            "break them.</p>",
        )

    # ---------------------------------------------------------- windows
    def new_window(self) -> MainWindow:
        """Open another window on an empty model."""
        window = MainWindow(settings=self.settings)
        cascade_from(window, self)  # all of it on screen
        window.show()
        return window

    def quit_all(self) -> None:
        """Close every window (each asks about its unsaved changes)."""
        for window in reversed(open_windows()):
            if not window.close():
                return

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("state")
        if state is not None:
            # a state saved by a version with other docks is not restored:
            # its docks would keep their places and the new ones land anywhere
            self._restored = bool(self.restoreState(state, DOCK_STATE_VERSION))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._restored:
            self._restored = True
            self.resizeDocks(
                [self.docks["palette"], self.docks["inspector"]],
                [96, 340],
                Qt.Orientation.Horizontal,
            )
            self.resizeDocks(
                [self.docks["inspector"], self.docks["mitigations"]],
                [430, 230],
                Qt.Orientation.Vertical,
            )

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.files.check_disk()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("state", self.saveState(DOCK_STATE_VERSION))
        self.autosaver.discard()
        self.autosaver.timer.stop()
        self.layout_runner.cancel()
        self.workbench.close()
        self.files.forget_watch()
        if self in _WINDOWS:
            _WINDOWS.remove(self)
        event.accept()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files.open_path(paths[0])
