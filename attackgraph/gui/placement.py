"""Where a window's nodes go: the layout of a model that arrives without
positions, Auto Layout on request, and the first view of a model.

Positions a file already has are pinned; nodes without one are placed at
once by the built-in layout (so the canvas is never a heap at the origin)
and, when Graphviz can do better, again by ``dot`` in the background, unless
the user moved them meanwhile. Neither is an edit of the user's: the
document stays unmodified. Auto Layout replaces every position as one undo
entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPointF, QTimer
from PySide6.QtGui import QAction

from attackgraph.gui.commands import MoveNodesCommand
from attackgraph.gui.layout_worker import LayoutRunner
from attackgraph.render.backend import dot_available
from attackgraph.render.layout import DOT_LAYOUT_LIMIT, LayoutPlan, compute_layout, flow_direction

if TYPE_CHECKING:
    from attackgraph.gui.mainwindow import MainWindow

__all__ = ["FIT_IS_READABLE", "READABLE_ZOOM", "Placement"]

READABLE_ZOOM = 0.55
"""The zoom a model opens at when fitting it whole would make labels unreadable."""
FIT_IS_READABLE = 0.5
FIT_MARGIN = 72.0
FILE_POSITIONS_KEY = "canvas/use-file-positions"


class Placement(QObject):
    """Layouts and the first view of one window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.runner = LayoutRunner(window.scene.geometry, self)
        self.runner.finished.connect(self._apply)
        self.runner.failed.connect(self._failed)
        self._provisional: dict[str, tuple[float, float]] = {}
        self._by_user = False
        self.view_touched = False
        self.file_positions: dict[str, tuple[float, float]] = {}
        """An imported flow's own top-to-bottom or bottom-to-top positions
        (empty for others)."""
        self.file_positions_action = QAction("Use the File's &Positions", self)
        self.file_positions_action.setCheckable(True)
        self.file_positions_action.setChecked(
            str(window.settings.value(FILE_POSITIONS_KEY, "false")).lower() == "true"
        )
        self.file_positions_action.setStatusTip(
            "Imported flows whose positions run top to bottom (MITRE Attack Flow Builder): "
            "keep them and draw top to bottom, instead of a new left-to-right layout"
        )
        self.file_positions_action.toggled.connect(self._use_file_positions)

    def graphviz_allowed(self) -> tuple[bool, str]:
        """Whether ``dot`` may be used, and why not."""
        if not self.window.preferences.use_graphviz:
            return False, "Graphviz is switched off in the preferences"
        if not dot_available():
            return False, "Graphviz is not installed (sudo apt install graphviz)"
        return True, ""

    def auto_layout(self, *, full: bool = True) -> None:
        """Lay out the model in the background; applied as one undo entry."""
        use_dot, _why = self.graphviz_allowed()
        self._by_user = True
        self.runner.start(self.window.document.model, full=full, prefer_dot=use_dot)

    def place_opened_model(self) -> None:
        """Give the nodes of a just opened model that have no position one."""
        window = self.window
        model = window.document.model
        geometry = window.scene.geometry
        self._provisional = {}
        self.file_positions = {}
        if (
            window.document.imported_from
            and model.layout
            and flow_direction((e.key for e in model.edges), model.layout) != "LR"
        ):
            # Another tool's top-to-bottom (or bottom-to-top) drawing: kept aside
            # (View > Use the File's Positions), by default laid out anew left to right.
            self.file_positions = dict(model.layout)
            if not self.file_positions_action.isChecked():
                model.set_positions(dict.fromkeys(model.layout))
        missing = [nid for nid in model.nodes if nid not in model.layout]
        if not missing:
            return
        use_dot, why = self.graphviz_allowed()
        big = len(model.nodes) > DOT_LAYOUT_LIMIT
        if use_dot and not big:  # the snapshot is taken now, before the quick placement
            self._by_user = False
            self.runner.start(model, full=len(missing) == len(model.nodes))
        else:
            if "not installed" in why:
                window.notices.show_notice(
                    "graphviz", f"{why}: the built-in layout is used.", "info"
                )
            reason = why or (
                f"more than {DOT_LAYOUT_LIMIT} nodes, where Graphviz dot would take too long"
            )
            text = (
                f"Built-in layout placed {len(missing)} node{'s' * (len(missing) != 1)}: {reason}."
            )
            # with the window as context: the call is dropped if the window goes first
            QTimer.singleShot(0, window, lambda: window.statusBar().showMessage(text, 12000))
        placed = compute_layout(model, full=False, geometry=geometry, prefer_dot=False).positions
        model.set_positions(placed)  # before any edit: not an undoable change
        if use_dot and not big:
            self._provisional = placed
        window.scene.refresh_frames()

    def _apply(self, plan: LayoutPlan, full: bool, seconds: float) -> None:
        window = self.window
        model = window.document.model
        positions = {n: p for n, p in plan.positions.items() if n in model.nodes}
        if self._by_user:
            self._by_user = False
            if positions:
                window.scene.execute(
                    MoveNodesCommand(
                        model, window.scene.saved_positions(positions), positions, "Auto layout"
                    )
                )
            window.view.fit_all()
        else:  # the better layout of the nodes a file had no position for
            layout = model.layout
            keep = {
                n: p
                for n, p in positions.items()
                if n in self._provisional and layout.get(n) == self._provisional[n]
            }
            model.set_positions(keep)
            self._provisional = {}
            if not self.view_touched:
                QTimer.singleShot(0, self, self.initial_view)
        window.scene.refresh_frames()
        window.statusBar().showMessage(f"{plan.summary} ({seconds:.2f} s)", 8000)
        if plan.engine != "graphviz" and "not installed" in plan.note:
            window.notices.show_notice(
                "graphviz",
                "Graphviz is not installed, so the built-in "
                "layout is used: sudo apt install graphviz.",
                "info",
            )

    def _use_file_positions(self, use: bool) -> None:
        """The View menu's choice: remembered, and applied (one undo entry) to an
        imported flow that has top-to-bottom positions of its own."""
        window = self.window
        window.settings.setValue(FILE_POSITIONS_KEY, "true" if use else "false")
        model = window.document.model
        if not self.file_positions:
            return
        if not use:
            self.auto_layout(full=True)
            return
        positions = {n: p for n, p in self.file_positions.items() if n in model.nodes}
        window.scene.execute(
            MoveNodesCommand(
                model,
                window.scene.saved_positions(positions),
                positions,
                "Use the file's positions",
            )
        )
        window.scene.flow.refresh()
        window.view.fit_all()

    def _failed(self, text: str) -> None:
        self.window.statusBar().showMessage(f"The layout failed: {text}", 15000)

    def initial_view(self) -> None:
        """Fit the model if its labels stay readable; else show its top-left
        part (where chains start) at a readable zoom."""
        view = self.window.view
        rect = view.content_rect()
        viewport = view.viewport().rect()
        if not rect.isValid() or viewport.width() < 50:
            return
        fit = min(
            viewport.width() / (rect.width() + FIT_MARGIN),
            viewport.height() / (rect.height() + FIT_MARGIN),
        )
        if fit >= FIT_IS_READABLE:
            view.fit_all()
        else:
            view.set_zoom(READABLE_ZOOM)
            half_w = viewport.width() / READABLE_ZOOM / 2
            half_h = viewport.height() / READABLE_ZOOM / 2
            margin = 24.0
            view.centerOn(
                QPointF(
                    rect.left() - margin + half_w,
                    min(rect.top() - margin + half_h, rect.center().y()),
                )
            )
        self.view_touched = False
        self.window.minimap.render_now()
