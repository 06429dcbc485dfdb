"""Trainer mode: a full-screen presentation of a chain, one step at a time.

Keys are clicker-friendly: a presenter's remote sends Page Down / Page Up
(also Right / Left, Space, Enter, Backspace). Number keys switch the
chain's defences on and off so the room sees where it breaks (0 puts them
all back); N and P go to the next and previous chain (the Chains table's
order and filter), S plays the model's story (several chains, then the
releases one by one), T swaps the light and dark theme, B or . blanks the
screen, Esc returns to the editor as it was.

The presentation shares the window's analysis session: switching a
defence here is the same what-if as in the Mitigations dock, shown through
the incremental what-if at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QCloseEvent, QColor, QKeyEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from attackgraph.analysis import ChainResult
from attackgraph.gui.canvas import style
from attackgraph.gui.present.painter import (
    Hit,
    paint_chain,
    paint_message,
    paint_releases,
    theme_for,
)
from attackgraph.gui.present.story import Scene, default_story, find_chain, read_story
from attackgraph.gui.present.views import ChainView, ReleaseView, build_chain_view
from attackgraph.render.text import one_line

if TYPE_CHECKING:
    from attackgraph.gui.analysis.workbench import Workbench

__all__ = ["PresentationWindow"]

NEXT_KEYS = {
    Qt.Key.Key_Right,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageDown,
    Qt.Key.Key_Space,
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
}
BACK_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace}


class PresentationWindow(QWidget):
    """The presentation of one window's model.

    Signals
    -------
    closed()
        The presentation ended (Esc); the editor is back as it was.
    """

    closed = Signal()

    def __init__(self, workbench: Workbench) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setWindowTitle("attackgraph: presentation")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.workbench = workbench
        self.session = workbench.session
        self.dark = workbench.dark
        self.blank = False
        self.scenes: list[Scene] = []
        self.scene_index = -1
        """The story scene shown (-1: not playing the story)."""
        self.chain_nodes: frozenset[str] | None = None
        self.releases = False
        self.step = 0
        self.notes: list[str] = []
        self._hits: list[Hit] = []
        session = self.session
        self._saved = (session.profile, session.at_release, dict(session.overrides))
        session.resultChanged.connect(self.update)
        session.timelineChanged.connect(self.update)
        session.stateChanged.connect(self.update)

    # ------------------------------------------------------------ choosing
    def present_chain(self, chain: ChainResult | str | None = None, *, step: int = 0) -> None:
        """Show a chain (a listed chain, its id, or the highlighted or first open one)."""
        self.scene_index = -1
        self.releases = False
        analysis = self.session.analysis
        if isinstance(chain, str) and analysis is not None:
            try:
                chain = analysis.chain(chain)
            except KeyError:
                chain = None
        if chain is None:
            chain = self.session.highlighted_chain()
        if chain is None and analysis is not None:
            chain = next((c for c in analysis.chains if c.open), None) or (
                analysis.chains[0] if analysis.chains else None
            )
        self.chain_nodes = frozenset(chain.nodes) if isinstance(chain, ChainResult) else None
        self.step = max(0, step)
        self._clamp()
        self.update()

    def present_story(self, start: int = 0) -> None:
        """Play the model's story from scene ``start``."""
        scenes, self.notes = read_story(self.session.model)
        if not scenes:
            scenes = default_story(self.session.model, max_chains=self.session.max_chains)
        self.scenes = scenes
        if not scenes:
            self.scene_index = -1
            self.chain_nodes = None
            self.releases = False
            self.update()
            return
        self.enter_scene(max(0, min(start, len(scenes) - 1)))

    def enter_scene(self, index: int, *, at_end: bool = False) -> None:
        """Show story scene ``index`` (from its first step, or its last)."""
        scene = self.scenes[index]
        self.scene_index = index
        session = self.session
        session.set_profile(scene.profile)
        session.set_release(scene.at_release)
        session.reset_what_if()
        self.releases = scene.timeline
        self.chain_nodes = None if scene.timeline else frozenset(scene.chain or ())
        self.step = 10**6 if at_end else 0
        self._clamp()
        self.update()

    # ------------------------------------------------------------ state
    def current_chain(self) -> ChainResult | None:
        """The presented chain in the session's current result."""
        analysis = self.session.analysis
        if analysis is None or self.chain_nodes is None:
            return None
        return find_chain(analysis, self.chain_nodes)

    def step_count(self) -> int:
        """Steps of what is shown (nodes of the chain, or releases)."""
        if self.releases:
            return len(self.session.timeline) or len(self.session.model.releases)
        chain = self.current_chain()
        return len(chain.nodes) if chain else (len(self.chain_nodes) if self.chain_nodes else 0)

    def _clamp(self) -> None:
        self.step = max(0, min(self.step, self.step_count() - 1))

    def chain_view(self) -> ChainView | None:
        """What the screen shows for a chain (None: nothing to show)."""
        chain = self.current_chain()
        session = self.session
        computed, analysis = session.computed, session.analysis
        if chain is None or computed is None or analysis is None:
            return None
        model = computed.model
        index = next((i for i, c in enumerate(computed.analysis.chains) if c.id == chain.id), -1)
        partial = (
            computed.partial_touching[index]
            if 0 <= index < len(computed.partial_touching)
            and computed.analysis.chains[index].nodes == chain.nodes
            else ()
        )
        colours = {cid: c.name() for cid, c in style.component_colors(model).items()}
        goal = model.nodes.get(chain.goal)
        goal_label = one_line(goal.label) if goal else chain.goal
        if self.scene_index >= 0:
            scene = self.scenes[self.scene_index]
            kicker = (
                f"Story {self.scene_index + 1} of {len(self.scenes)} · chain {chain.id} "
                f"→ {goal_label}"
            )
            title = scene.title
        else:
            kicker = f"Chain {chain.id} of {len(analysis.chains)}"
            title = f"To: {goal_label}"
        self._clamp()
        return build_chain_view(
            model,
            analysis,
            chain,
            step=self.step,
            kicker=kicker,
            title=title,
            context=self.context(),
            partial=partial,
            colours=colours,
        )

    def release_view(self) -> ReleaseView | None:
        """What the screen shows for the release timeline."""
        states = self.session.timeline
        if not states:
            return None
        model = self.session.model
        labels = {m.id: one_line(m.label) for m in model.mitigations.values()}
        labels.update({n.id: one_line(n.label) for n in model.nodes.values()})
        self._clamp()
        state = states[self.step]
        title = one_line(state.label or state.release)
        position = (
            f"Story {self.scene_index + 1} of {len(self.scenes)} · "
            if self.scene_index >= 0
            else ""
        )
        analysis = self.session.analysis
        before = None
        if (
            analysis is not None
            and analysis.at_release is None
            and all(g.open_chains is not None for g in analysis.goals)
        ):
            before = sum(g.open_chains or 0 for g in analysis.goals)
        return ReleaseView(
            f"{position}Release by release", title, tuple(states), self.step, labels, before
        )

    def context(self) -> str:
        """Profile, release and what-if in words."""
        session = self.session
        model = session.model
        parts = []
        if session.profile in model.profiles:
            parts.append(f"Attacker: {one_line(model.profiles[session.profile].label)}")
        if session.at_release:
            parts.append(f"At release {session.at_release}")
        if session.overrides:
            parts.append(f"what-if: {len(session.overrides)} switched")
        return " · ".join(parts) or "As deployed, any attacker"

    def component_label(self, comp_id: str) -> str:
        """A component with its parents (``Device › Kernel``)."""
        comps = self.session.model.components
        names, seen, current = [], set(), comp_id
        while current in comps and current not in seen:
            seen.add(current)
            names.append(one_line(comps[current].label))
            current = comps[current].parent
        return " › ".join(reversed(names[:3]))

    # ------------------------------------------------------------ moving
    def next_step(self) -> None:
        """The next step (in a story: past the last one, the next scene)."""
        if self.step < self.step_count() - 1:
            self.step += 1
        elif 0 <= self.scene_index < len(self.scenes) - 1:
            self.enter_scene(self.scene_index + 1)
            return
        self.update()

    def previous_step(self) -> None:
        """The step before (in a story: before the first, the previous scene's last)."""
        if self.step > 0:
            self.step -= 1
        elif self.scene_index > 0:
            self.enter_scene(self.scene_index - 1, at_end=True)
            return
        self.update()

    def next_chain(self, delta: int = 1) -> None:
        """The next chain of the Chains table (in a story: the next scene)."""
        if self.scene_index >= 0:
            target = self.scene_index + delta
            if 0 <= target < len(self.scenes):
                self.enter_scene(target)
            return
        dock = self.workbench.chains
        ids = [
            dock.chain_table.chain(dock.filter.mapToSource(dock.filter.index(r, 0)).row())
            for r in range(dock.filter.rowCount())
        ]
        chains = [c for c in ids if c is not None]
        if not chains:
            return
        current = self.current_chain()
        position = next((i for i, c in enumerate(chains) if current and c.id == current.id), -1)
        target = chains[(position + delta) % len(chains)] if position >= 0 else chains[0]
        self.present_chain(target)

    def toggle_defence(self, key: int) -> None:
        """Switch the chain's defence number ``key`` on or off."""
        view = self.chain_view()
        if view is None:
            return
        for defence in view.defences:
            if defence.key == key:
                self.session.switch(defence.id, not defence.on)
                return

    def reset_defences(self) -> None:
        """Every defence back to its saved status."""
        self.session.reset_what_if()

    def set_dark(self, dark: bool) -> None:
        """The light or the dark theme."""
        self.dark = dark
        self.update()

    def leave(self) -> None:
        """Back to editing, with the state from before the presentation."""
        self.close()

    # ------------------------------------------------------------ events
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if self.blank and key != Qt.Key.Key_Escape:
            self.blank = False  # any key brings the picture back, and does only that
            self.update()
            return
        if key == Qt.Key.Key_Escape:
            self.leave()
        elif key in NEXT_KEYS:
            (self.previous_step if shift and key == Qt.Key.Key_Space else self.next_step)()
        elif key in BACK_KEYS:
            self.previous_step()
        elif key == Qt.Key.Key_Home:
            self.step = 0
            self.update()
        elif key == Qt.Key.Key_End:
            self.step = max(self.step_count() - 1, 0)
            self.update()
        elif key in (Qt.Key.Key_N, Qt.Key.Key_Tab):
            self.next_chain(-1 if shift else 1)
        elif key in (Qt.Key.Key_P, Qt.Key.Key_Backtab):
            self.next_chain(-1)
        elif key == Qt.Key.Key_S:
            self.present_story()
        elif key == Qt.Key.Key_T:
            self.set_dark(not self.dark)
        elif key in (Qt.Key.Key_B, Qt.Key.Key_Period):
            self.blank = True
            self.update()
        elif key == Qt.Key.Key_0:
            self.reset_defences()
        elif Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            self.toggle_defence(int(key) - int(Qt.Key.Key_0))
        elif key == Qt.Key.Key_F11 or key == Qt.Key.Key_F5:
            self.showNormal() if self.isFullScreen() else self.showFullScreen()
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:
        return False  # Tab goes to the next chain, not to a child widget

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        for hit in reversed(self._hits):
            if hit.rect.contains(pos):
                if hit.action == "defence":
                    self.toggle_defence(hit.value)
                else:
                    self.step = hit.value
                    self.update()
                return
        if event.button() == Qt.MouseButton.LeftButton:
            self.next_step()
        elif event.button() == Qt.MouseButton.RightButton:
            self.previous_step()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = QRectF(self.rect())
        theme = theme_for(self.dark)
        if self.blank:
            painter.fillRect(rect, QColor("#000000" if self.dark else "#ffffff"))
            painter.end()
            return
        self._hits = []
        if self.releases:
            view = self.release_view()
            if view is not None:
                self._hits = paint_releases(painter, rect, theme, view)
            else:
                paint_message(
                    painter,
                    rect,
                    theme,
                    "Release by release",
                    "The timeline is being computed…"
                    if self.session.model.releases
                    else "The model has no releases.",
                )
        else:
            chain_view = self.chain_view()
            if chain_view is not None:
                self._hits = paint_chain(painter, rect, theme, chain_view, self.component_label)
            else:
                paint_message(painter, rect, theme, *self._why_nothing())
        painter.end()

    def _why_nothing(self) -> tuple[str, str]:
        session = self.session
        if session.analysis is None:
            return "Analysing…", session.error or "The chains appear in a moment."
        if self.chain_nodes is not None:
            return (
                "This chain is not listed here",
                "With the chosen attacker profile or release it is not one of the listed "
                "chains. Press N for the next chain or S for the story.",
            )
        return "No chain to present", "The model has no chain to a goal. Esc returns to editing."

    def closeEvent(self, event: QCloseEvent) -> None:
        session = self.session
        highlight = self.current_chain()
        profile, release, overrides = self._saved
        session.set_profile(profile)
        session.set_release(release)
        session.set_switches(overrides, reset=True)
        if highlight is not None:
            session.set_highlight_nodes(highlight.nodes)
        super().closeEvent(event)
        self.closed.emit()
