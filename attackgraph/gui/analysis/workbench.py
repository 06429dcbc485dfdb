"""The analysis workbench of a main window: the live session, its canvas
layers, the Chains and Coverage docks, the what-if columns of the
Mitigations dock, the analysis toolbar, the Analysis menu, the optimiser,
trainer mode and the exports.

The window creates one :class:`Workbench`; everything else hangs off it, so
the window itself only gains this one attribute.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QProgressBar, QToolButton

from attackgraph.analysis.scenario import check_ids
from attackgraph.errors import AnalysisError
from attackgraph.gui.analysis.chains import ChainsDock
from attackgraph.gui.analysis.coverage import CoverageDock
from attackgraph.gui.analysis.marks import (
    ANALYSIS_LAYER,
    HIGHLIGHT_LAYER,
    analysis_marks,
    chain_marks,
)
from attackgraph.gui.analysis.mitigations import WhatIfColumns
from attackgraph.gui.analysis.optimise import OptimiseDialog
from attackgraph.gui.analysis.session import AnalysisSession
from attackgraph.gui.analysis.toolbar import AnalysisToolbar
from attackgraph.gui.commands import SetModelFieldCommand
from attackgraph.gui.exports import EXPORTS, Exporter
from attackgraph.gui.icons import icon
from attackgraph.gui.present.story import Scene, with_scene
from attackgraph.gui.present.window import PresentationWindow
from attackgraph.gui.text import plain
from attackgraph.gui.theme import tone
from attackgraph.launch import ViewOptions
from attackgraph.render.overlay import Overlay as RenderOverlay
from attackgraph.render.overlay import build_overlay

if TYPE_CHECKING:
    from attackgraph.gui.mainwindow import MainWindow

__all__ = ["Workbench"]

BUSY_DELAY_MS = 300
"""Progress shows only for analyses that take longer than this."""
EXPORT_TIPS = {
    "diagram": "SVG, PNG, PDF, DOT or Mermaid through Graphviz, in the state shown (what-if, "
    "profile, release, highlighted chain)",
    "canvas": "The canvas as it looks now: PNG, SVG or PDF",
    "report": "HTML or Markdown report of the state shown, with the optimal set and timeline",
    "matrix": "The chain x mitigation matrix of the state shown, as CSV",
    "navigator": "An ATT&CK Navigator layer of the state shown: techniques on open chains "
    "scored and coloured apart from those only on broken chains",
}


class Workbench(QObject):
    """Everything the analysis adds to one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = AnalysisSession(window.document, self)
        self.drawn: RenderOverlay | None = None
        """The render layer's overlay last drawn on the canvas."""
        self.dark = window.theme.dark
        self.chains = ChainsDock(self.session)
        self.coverage = CoverageDock(self.session)
        self.what_if = WhatIfColumns(window.mitigations, self.session)
        self.optimiser: OptimiseDialog | None = None
        self.exporter = Exporter(self)
        self.presentation: PresentationWindow | None = None
        self.toolbar = AnalysisToolbar(self.session, window)
        self._build_docks()
        self._build_status()
        self._build_actions()
        self._connect()
        self.set_dark(self.dark)
        self._draw()

    # ------------------------------------------------------------ building
    def _build_docks(self) -> None:
        window = self.window
        bottom = Qt.DockWidgetArea.BottomDockWidgetArea
        window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        chains = window.add_dock("chains", "Chains", self.chains, bottom)
        coverage = window.add_dock("coverage", "Coverage", self.coverage, bottom)
        window.tabifyDockWidget(chains, coverage)
        chains.raise_()
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        window.installEventFilter(self)
        window.view.installEventFilter(self)

    def _build_status(self) -> None:
        bar = self.window.statusBar()
        self.busy_label = QLabel()
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(110)
        self.busy_bar.setMaximumHeight(14)
        self.busy_bar.setTextVisible(False)
        self.busy_cancel = QToolButton()
        self.busy_cancel.setIcon(icon("close"))
        self.busy_cancel.setAutoRaise(True)
        self.busy_cancel.setToolTip(
            "Cancel the analysis (it runs again after the next edit, or with F9)"
        )
        self.busy_cancel.clicked.connect(self.session.cancel)
        self.result_label = QLabel()
        for widget in (self.busy_label, self.busy_bar, self.busy_cancel):
            bar.insertPermanentWidget(0, widget)
            widget.hide()
        bar.insertPermanentWidget(0, self.result_label)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_DELAY_MS)
        self._busy_timer.timeout.connect(self._show_busy)

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: str | None = None,
        tip: str = "",
        icon_name: str | None = None,
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(f"{text.replace('&', '').rstrip('…')}: {tip}")
        if icon_name:
            action.setIcon(icon(icon_name))
        action.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
        self.window.addAction(action)
        return action

    def _build_actions(self) -> None:
        session = self.session
        self.act_rerun = self._action(
            "&Re-run Analysis", session.rerun, "F9", "Analyse the model again now"
        )
        self.act_reset = self._action(
            "Reset &What-if",
            session.reset_what_if,
            "Ctrl+Shift+W",
            "Every mitigation back to its saved status",
        )
        self.act_next = self._action(
            "&Next Chain",
            lambda: self.step_chain(1),
            "Alt+Down",
            "Highlight the next chain of the table",
        )
        self.act_previous = self._action(
            "&Previous Chain",
            lambda: self.step_chain(-1),
            "Alt+Up",
            "Highlight the previous chain of the table",
        )
        self.act_clear = self._action(
            "&Clear Chain Highlight",
            self.chains.clear_highlight,
            None,
            "Show every chain again (Esc on the canvas)",
        )
        self.act_chains = self._action(
            "Show &Chains",
            lambda: self.show_dock("chains"),
            "Ctrl+Shift+C",
            "The chains and goals of the analysis",
        )
        self.act_coverage = self._action(
            "Show C&overage Matrix",
            lambda: self.show_dock("coverage"),
            "Ctrl+Shift+M",
            "Chains against the mitigations that break them",
        )
        self.act_optimise = self._action(
            "&Optimise…",
            self.optimise,
            "Ctrl+Shift+O",
            "The cheapest mitigation set, and the Pareto frontier",
            "optimise",
        )
        self.act_present = self._action(
            "&Present Chain",
            lambda: self.present(),
            "F5",
            "Trainer mode: the highlighted chain full screen, step by step",
            "present",
        )
        self.act_story = self._action(
            "Present the &Story",
            lambda: self.present(story=True),
            "Shift+F5",
            "Trainer mode: the model's chains in order, then release by release",
        )
        self.act_add_story = self._action(
            "&Add Chain to the Story",
            self.add_to_story,
            None,
            "The highlighted chain becomes the story's next scene (saved in the model)",
        )
        menu = self.window.actions.menus["analysis"]
        first = menu.actions()[0] if menu.actions() else None
        for action in (self.act_rerun, self.act_reset):
            menu.insertAction(first, action)  # type: ignore[arg-type]
        menu.insertSeparator(first)  # type: ignore[arg-type]
        for action in (
            self.act_next,
            self.act_previous,
            self.act_clear,
            self.act_chains,
            self.act_coverage,
        ):
            menu.insertAction(first, action)  # type: ignore[arg-type]
        menu.insertSeparator(first)  # type: ignore[arg-type]
        menu.insertAction(first, self.act_optimise)  # type: ignore[arg-type]
        menu.insertSeparator(first)  # type: ignore[arg-type]
        for action in (self.act_present, self.act_story, self.act_add_story):
            menu.insertAction(first, action)  # type: ignore[arg-type]
        menu.insertSeparator(first)  # type: ignore[arg-type]
        self.window.actions.docks_menu.addAction(self.toolbar.toggleViewAction())
        self.export_actions = {}
        file_menu = self.window.actions.menus["file"]
        after = file_menu.actions()[file_menu.actions().index(self.window.actions.export) + 1]
        for kind, (text, _filters, _ext) in EXPORTS.items():
            action = self._action(
                f"Export {text}", lambda k=kind: self.exporter.dialog(k), None, EXPORT_TIPS[kind]
            )
            file_menu.insertAction(after, action)
            self.export_actions[kind] = action
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.act_optimise)
        self.toolbar.addAction(self.act_present)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)

    def _connect(self) -> None:
        session = self.session
        session.resultChanged.connect(self._draw)
        session.highlightChanged.connect(self._draw_highlight)
        session.highlightChanged.connect(self.bring_chain_into_view)
        session.busyChanged.connect(self._busy_changed)
        session.progress.connect(self._progress)
        session.failed.connect(self._failed)
        session.resultChanged.connect(self._limit_notice)
        self.window.theme.changed.connect(self.set_dark)
        self.chains.zoomRequested.connect(self.zoom_to_chain)
        self.chains.presentRequested.connect(lambda chain_id: self.present(chain_id))
        self.chains.storyRequested.connect(self.add_to_story)
        self.coverage.mitigationChosen.connect(self._mitigation_chosen)

    # ------------------------------------------------------------ canvas
    def set_dark(self, dark: bool) -> None:
        """Colours of the theme."""
        self.dark = dark
        self.chains.set_dark(dark)
        self.coverage.set_dark(dark)
        self.what_if.dark = dark
        self.toolbar.timeline.dark = dark
        self.toolbar.timeline.update()
        self.toolbar.refresh()
        self._show_result()
        for action, name in ((self.act_optimise, "optimise"), (self.act_present, "present")):
            action.setIcon(icon(name))
        self._draw()

    def _draw(self) -> None:
        session, scene = self.session, self.window.scene
        computed, analysis = session.computed, session.analysis
        if computed is None or analysis is None:
            self.drawn = None
            scene.set_overlay(ANALYSIS_LAYER, None)
        else:
            layer, self.drawn = analysis_marks(
                computed.model,
                analysis,
                dark=self.dark,
                graph=computed.graph,
                chain_edges=computed.chain_edges,
            )
            scene.set_overlay(ANALYSIS_LAYER, layer)
        self._draw_highlight()
        self._show_result()

    def _draw_highlight(self) -> None:
        session = self.session
        chain = session.highlighted_chain()
        computed = session.computed
        layer = None
        if chain is not None and computed is not None and session.analysis is not None:
            layer = chain_marks(computed.model, chain, session.analysis, dark=self.dark)
        scene = self.window.scene
        if layer is not None or HIGHLIGHT_LAYER in scene.overlays:
            scene.set_overlay(HIGHLIGHT_LAYER, layer)
        self.act_clear.setEnabled(chain is not None)

    def bring_chain_into_view(self) -> None:
        """Scroll the highlighted chain into view when part of it is off
        screen; zoom out (never in) when it is larger than the view."""
        chain = self.session.highlighted_chain()
        if chain is None:
            return
        view, scene = self.window.view, self.window.scene
        rect = scene.nodes_rect(chain.nodes)
        if not rect.isValid():
            return
        shown = view.mapToScene(view.viewport().rect()).boundingRect()
        if shown.contains(rect):
            return
        margin = 30 / max(view.zoom_level(), 0.01)
        wanted = rect.adjusted(-margin, -margin, margin, margin)
        if wanted.width() <= shown.width() and wanted.height() <= shown.height():
            view.ensureVisible(wanted, 0, 0)
        else:
            view.fit_rect(rect, max_zoom=min(1.0, view.zoom_level()))

    def zoom_to_chain(self, chain_id: str | None = None) -> None:
        """Show the whole highlighted chain (or ``chain_id``) on the canvas."""
        if chain_id is not None:
            self.session.set_highlight(chain_id)
        chain = self.session.highlighted_chain()
        if chain is None:
            return
        view, scene = self.window.view, self.window.scene
        rect = scene.nodes_rect(chain.nodes)
        if rect.isValid():
            view.fitInView(rect.adjusted(-80, -80, 80, 80), Qt.AspectRatioMode.KeepAspectRatio)
            if view.transform().m11() > 1.0:
                view.set_zoom(1.0)
                view.centerOn(rect.center())
            scene.follow_zoom(view.transform().m11())

    def step_chain(self, delta: int) -> None:
        """Highlight the next (or previous) chain in the Chains table's order."""
        dock = self.chains
        rows = dock.filter.rowCount()
        if not rows:
            return
        current = dock.chains.currentIndex()
        row = current.row() + delta if current.isValid() else (0 if delta > 0 else rows - 1)
        index = dock.filter.index(max(0, min(rows - 1, row)), 0)
        chain = dock.chain_table.chain(dock.filter.mapToSource(index).row())
        if chain is not None:
            self.session.set_highlight(chain.id)

    # ------------------------------------------------------------ tools
    def optimise(self) -> OptimiseDialog:
        """Show the optimiser (one dialog per window, never modal)."""
        if self.optimiser is None:
            self.optimiser = OptimiseDialog(self.session, self.window)
        else:
            self.optimiser.fill()
        self.optimiser.show()
        self.optimiser.raise_()
        return self.optimiser

    def present(
        self,
        chain_id: str | None = None,
        *,
        step: int = 0,
        story: bool = False,
        full_screen: bool = True,
    ) -> PresentationWindow:
        """Trainer mode on a chain (default: the highlighted one) or the story."""
        if self.presentation is not None:
            self.presentation.close()
        presentation = PresentationWindow(self)
        presentation.closed.connect(self._presentation_closed)
        self.presentation = presentation
        if story:
            presentation.present_story()
        else:
            presentation.present_chain(chain_id, step=step)
        if full_screen:
            presentation.showFullScreen()
        else:
            presentation.show()
        presentation.raise_()
        presentation.activateWindow()
        presentation.setFocus()
        return presentation

    def apply_view(self, view: ViewOptions, *, full_screen: bool = True) -> str | None:
        """Show what ``attackgraph gui`` view options ask for.

        Returns
        -------
        str or None
            Why it cannot be shown (an unknown id, a step out of range).
        """
        session, model = self.session, self.session.model
        try:
            if view.profile is not None:
                check_ids("profile", [view.profile], list(model.profiles))
            if view.at_release is not None:
                check_ids("release", [view.at_release], list(model.releases))
            check_ids("mitigation", [*view.switch_on, *view.switch_off], list(model.mitigations))
        except AnalysisError as exc:
            return str(exc)
        session.set_profile(view.profile)
        session.set_release(view.at_release)
        switches = {m: True for m in view.switch_on}
        switches.update({m: False for m in view.switch_off})
        session.set_switches(switches, reset=True)
        if not session.wait(120.0) or session.analysis is None:
            return session.error or "the analysis did not finish"
        if view.chain is not None:
            try:
                build_overlay(
                    session.computed.model if session.computed else model,
                    session.analysis,
                    chain=view.chain,
                )
            except AnalysisError as exc:
                return str(exc)
            session.set_highlight(view.chain)
        if view.present:
            presentation = self.present(
                view.chain, story=view.chain is None, full_screen=full_screen
            )
            session.wait(120.0)
            if view.step is not None:
                count = presentation.step_count()
                if view.step > count:
                    return f"--step {view.step}: the chain shown has {count} steps"
                presentation.step = view.step - 1
                presentation.update()
        return None

    def _presentation_closed(self) -> None:
        self.presentation = None
        self.window.activateWindow()
        self.window.view.setFocus()

    def add_to_story(self, chain_id: str | None = None) -> bool:
        """Add a chain (default: the highlighted one) to the model's story."""
        session = self.session
        chain = None
        if chain_id is not None and session.analysis is not None:
            try:
                chain = session.analysis.chain(chain_id)
            except KeyError:
                chain = None
        chain = chain or session.highlighted_chain()
        if chain is None:
            self.window.show_message("Highlight a chain first (choose it in the Chains dock).")
            return False
        model = session.model
        goal = model.nodes.get(chain.goal)
        title = f"Chain to {goal.label if goal else chain.goal}"
        extras = with_scene(model, Scene(title, chain.nodes, session.profile, session.at_release))
        done = self.window.scene.execute(SetModelFieldCommand(model, "extras", extras))
        if done:
            self.window.show_message(f"{chain.id} is now a scene of the story (Shift+F5 plays it).")
        return done

    def show_dock(self, name: str) -> None:
        """Show and raise one of the window's docks."""
        dock = self.window.docks[name]
        dock.show()
        dock.raise_()

    def _mitigation_chosen(self, mit_id: str) -> None:
        self.window.mitigations.choose(mit_id)
        self.window.inspector.inspect("mitigation", mit_id)

    # ------------------------------------------------------------ status
    def _show_result(self) -> None:
        analysis = self.session.analysis
        if analysis is None:
            self.result_label.setText("")
            return
        reachable = sum(g.reachable for g in analysis.goals)
        opened = sum(c.open for c in analysis.chains)
        colour = tone("danger" if reachable else "success").name()
        self.result_label.setText(f"⚑ {reachable}/{len(analysis.goals)} goals · {opened} open")
        self.result_label.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.result_label.setToolTip(
            f"The live analysis: {reachable} of {len(analysis.goals)} "
            f"goals reachable, {opened} of {len(analysis.chains)} "
            "listed chains open (F9 runs it again)"
        )

    def _busy_changed(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            for widget in (self.busy_label, self.busy_bar, self.busy_cancel):
                widget.hide()

    def _show_busy(self) -> None:
        if not self.session.busy:
            return
        self.busy_label.setText("Analysing…")
        for widget in (self.busy_label, self.busy_bar, self.busy_cancel):
            widget.show()

    def _progress(self, text: str) -> None:
        self.busy_label.setText(f"Analysing: {text}…")

    def _limit_notice(self) -> None:
        """A warning bar while the shown analysis was stopped by a memory or
        time limit (the chains found so far are listed)."""
        analysis = self.session.analysis
        notices = self.window.notices
        if analysis is not None and analysis.warnings and not self.session.provisional:
            text = analysis.warnings[0]
            notices.show_notice("analysis-limit", plain(text[:1].upper() + text[1:]), "warning")
        elif not self.session.provisional:
            notices.dismiss("analysis-limit")

    def _failed(self, message: str) -> None:
        self.window.show_message(f"Analysis: {plain(message)}")

    # ------------------------------------------------------------ events
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window.view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and self.session.highlighted_chain():
                self.chains.clear_highlight()
        elif (
            watched is self.window
            and event.type() == QEvent.Type.Show
            and self.window.settings.value("state") is None
        ):
            QTimer.singleShot(0, self._first_sizes)
        return False

    def _first_sizes(self) -> None:
        window = self.window
        # Room for about eight chains or matrix rows, and still most of the
        # height for the canvas on a small screen.
        height = max(220, min(300, int(window.height() * 0.36)))
        window.resizeDocks([window.docks["chains"]], [height], Qt.Orientation.Vertical)

    def close(self) -> None:
        """The window closes: stop the background work and the presentation."""
        if self.presentation is not None:
            self.presentation.close()
        self.session.cancel()
        self.session.timeline_runner.cancel()
