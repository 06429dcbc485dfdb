"""The live analysis of a window: the state the workbench looks at (profile,
release, what-if switches, the highlighted chain) and its result, always for
the model as it is now.

Every edit bumps the document's revision and starts a new analysis after a
short pause (typing a label is one run, not ten); a newer run cancels the
older one through the engine's ``cancel``, and a result is accepted only for
the revision and the state it was asked for, so no view ever shows an
answer to an older question. A mitigation switch first goes through the
incremental :class:`~attackgraph.analysis.WhatIf` (exact for reachability
and open chains, well under a millisecond) and shows at once; the full
analysis follows behind it and replaces that provisional result.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from attackgraph.analysis import Analysis, ChainResult, ReleaseState, WhatIf, release_timeline
from attackgraph.errors import AnalysisCancelled
from attackgraph.gui.analysis.compute import (
    AnalysisState,
    Computed,
    ModelSnapshot,
    compute,
    provisional_analysis,
)
from attackgraph.gui.document import Document
from attackgraph.gui.workers import LatestRunner
from attackgraph.model import ModelEvent

__all__ = ["AnalysisSession"]

DEBOUNCE_MS = 150
"""Pause after an edit before the analysis runs again."""
_QUIET_KINDS = ("layout",)
"""Model events that cannot change the analysis (positions)."""


class _Relay(QObject):
    """Carries progress phrases from the worker thread to the GUI thread."""

    said = Signal(int, str)


class AnalysisSession(QObject):
    """The analysis state of one document and its latest result.

    Signals
    -------
    stateChanged()
        The profile, release or what-if changed (a result follows).
    resultChanged()
        :attr:`analysis` changed: a full result or a provisional one.
    highlightChanged()
        Another chain (or none) is highlighted.
    busyChanged(bool)
        An analysis started or the last one ended.
    progress(str)
        What the running analysis does now.
    failed(str)
        The analysis could not be made (a sentence).
    timelineChanged()
        :attr:`timeline` changed.
    """

    stateChanged = Signal()
    resultChanged = Signal()
    highlightChanged = Signal()
    busyChanged = Signal(bool)
    progress = Signal(str)
    failed = Signal(str)
    timelineChanged = Signal()

    def __init__(
        self, document: Document, parent: QObject | None = None, *, debounce_ms: int = DEBOUNCE_MS
    ) -> None:
        super().__init__(parent)
        self.document = document
        self.profile: str | None = None
        self.at_release: str | None = None
        self.goals: tuple[str, ...] | None = None
        self.max_chains = 1000
        self.overrides: dict[str, bool] = {}
        """What-if switches: mitigation id to in effect (True) or not."""
        self.revision = 0
        self.computed: Computed | None = None
        self.analysis: Analysis | None = None
        """The result shown now (see :attr:`provisional`)."""
        self.provisional = False
        """Whether :attr:`analysis` comes from the incremental what-if and the
        full analysis is still to come."""
        self.error: str | None = None
        self.timeline: tuple[ReleaseState, ...] = ()
        self._timeline_key: tuple[Any, ...] | None = None
        self._names: tuple[int, Any] = (-1, None)
        self._highlight: frozenset[str] | None = None
        self._whatif: WhatIf | None = None
        self._busy = False
        self._ticket = 0
        self._clock = QElapsedTimer()
        self._relay = _Relay()
        self._relay.said.connect(self._said)
        self.runner = LatestRunner(self)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.runner.busyChanged.connect(lambda _busy: self._update_busy())
        self.timeline_runner = LatestRunner(self)
        self.timeline_runner.finished.connect(self._timeline_finished)
        self.timeline_runner.failed.connect(lambda _message: None)  # the next run retries
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.rerun)
        document.modelChanged.connect(self._on_model_event)
        document.modelReplaced.connect(self._on_model_replaced)
        self.rerun()

    # ------------------------------------------------------------- state
    @property
    def model(self) -> Any:
        """The document's live model."""
        return self.document.model

    @property
    def state(self) -> AnalysisState:
        """The state asked for now, as ``analyze`` options."""
        order = list(self.model.mitigations)
        on = tuple(m for m in order if self.overrides.get(m) is True)
        off = tuple(m for m in order if self.overrides.get(m) is False)
        return AnalysisState(self.profile, self.at_release, on, off, self.goals, self.max_chains)

    @property
    def stale(self) -> bool:
        """Whether the model or the state moved on since the shown result."""
        computed = self.computed
        return (
            computed is None
            or computed.revision != self.revision
            or (not self.provisional and computed.state != self.state)
        )

    @property
    def busy(self) -> bool:
        """Whether an analysis is running or about to run."""
        return self._busy

    def in_effect(self, mit_id: str) -> bool:
        """Whether a mitigation is in effect in the shown result."""
        if self.analysis is None:
            return False
        return mit_id in set(self.analysis.in_effect)

    def is_switched(self, mit_id: str) -> bool:
        """Whether the what-if switches this mitigation."""
        return mit_id in self.overrides

    def set_profile(self, profile: str | None) -> None:
        """Analyse for another attacker profile (None: any attacker)."""
        if profile != self.profile:
            self.profile = profile
            self._state_changed()

    def set_release(self, release: str | None) -> None:
        """Analyse the model at a release (None: as deployed)."""
        if release != self.at_release:
            self.at_release = release
            self._state_changed()

    def set_goals(self, goals: Iterable[str] | None) -> None:
        """Analyse only some goals (None: every goal)."""
        chosen = None if goals is None else tuple(g for g in self.model.nodes if g in set(goals))
        if chosen != self.goals:
            self.goals = chosen
            self._state_changed()

    def switch(self, mit_id: str, on: bool) -> None:
        """Switch one mitigation on or off for the what-if."""
        self.set_switches({mit_id: on})

    def set_switches(self, switches: dict[str, bool], *, reset: bool = False) -> None:
        """Switch several mitigations at once (one update of every view).

        Parameters
        ----------
        switches : dict
            Mitigation id to in effect or not.
        reset : bool
            Drop the other switches first (the what-if becomes exactly this).
        """
        known = self.model.mitigations
        wanted = dict(self.overrides) if not reset else {}
        for mit_id, on in switches.items():
            if mit_id in known:
                wanted[mit_id] = bool(on)
        base = self._base_in_effect()
        if base is not None:
            wanted = {m: v for m, v in wanted.items() if v != (m in base)}
        if wanted == self.overrides:
            return
        target = {
            m: wanted.get(m, base is not None and m in base)
            for m in set(wanted) | set(self.overrides)
        }
        self.overrides = wanted
        self.stateChanged.emit()
        self._instant(target)
        self._schedule()

    def reset_what_if(self) -> None:
        """Back to the saved statuses (no switch)."""
        if self.overrides:
            self.set_switches({}, reset=True)

    def _base_in_effect(self) -> frozenset[str] | None:
        computed = self.computed
        if (
            computed is None
            or computed.revision != self.revision
            or computed.state.profile != self.profile
            or computed.state.at_release != self.at_release
        ):
            return None
        return computed.base_in_effect

    # ---------------------------------------------------------- highlight
    def set_highlight(self, chain_id: str | None) -> None:
        """Highlight a listed chain of the shown result (None: none)."""
        nodes: frozenset[str] | None = None
        if chain_id is not None and self.analysis is not None:
            try:
                nodes = frozenset(self.analysis.chain(chain_id).nodes)
            except KeyError:
                nodes = None
        self.set_highlight_nodes(nodes)

    def set_highlight_nodes(self, nodes: Iterable[str] | None) -> None:
        """Highlight the chain with these nodes, whenever it is listed."""
        chosen = frozenset(nodes) if nodes is not None else None
        if chosen != self._highlight:
            self._highlight = chosen
            self.highlightChanged.emit()

    def highlighted_chain(self) -> ChainResult | None:
        """The highlighted chain in the shown result (it keeps its node set
        when ids change after an edit)."""
        if self._highlight is None or self.analysis is None:
            return None
        for chain in self.analysis.chains:
            if len(chain.nodes) == len(self._highlight) and self._highlight.issuperset(chain.nodes):
                return chain
        return None

    # ---------------------------------------------------------- running
    def rerun(self) -> None:
        """Analyse the model now (a running analysis is cancelled)."""
        self._timer.stop()
        snapshot = ModelSnapshot.of(self.model)
        state, revision = self.state, self.revision
        self._ticket += 1
        ticket, relay = self._ticket, self._relay

        names = self._names[1] if self._names[0] == revision else None

        def work(cancel: threading.Event) -> tuple[Computed, WhatIf]:
            return compute(
                snapshot,
                state,
                revision,
                cancel=cancel.is_set,
                progress=lambda text: relay.said.emit(ticket, text),
                names=names,
            )

        self._clock.start()
        self.runner.start(work)

    def cancel(self) -> None:
        """Stop the running analysis; the views say that they are out of date."""
        self._timer.stop()
        if self.runner.busy:
            self.runner.cancel()
            self.error = "The analysis was cancelled; the views show an earlier state."
            self.failed.emit(self.error)
        self._update_busy()

    def elapsed(self) -> float:
        """Seconds the running analysis has taken so far."""
        return self._clock.elapsed() / 1000 if self._clock.isValid() else 0.0

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Process events until the result is current (for scripts and tests)."""
        from PySide6.QtWidgets import QApplication

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            QApplication.processEvents()
            if not self._busy and not self._timer.isActive() and not self.stale:
                return True
            if not self._busy and not self._timer.isActive() and self.error:
                return False
            time.sleep(0.002)
        return False

    def _schedule(self) -> None:
        if self.runner.busy:
            self.runner.cancel()  # its answer is for an older state: drop it now
        self._timer.start()
        self._update_busy()

    def _state_changed(self) -> None:
        self.stateChanged.emit()
        self.rerun()

    def _update_busy(self) -> None:
        busy = self.runner.busy or self._timer.isActive()
        if busy != self._busy:
            self._busy = busy
            self.busyChanged.emit(busy)

    def _said(self, ticket: int, text: str) -> None:
        if ticket == self._ticket:
            self.progress.emit(text)

    def _instant(self, target: dict[str, bool]) -> None:
        """Show switches at once through the what-if, when it is current."""
        computed, whatif = self.computed, self._whatif
        if (
            whatif is None
            or computed is None
            or self._base_in_effect() is None
            or computed.state.goals != self.goals
            or computed.state.max_chains != self.max_chains
        ):
            return
        for mit_id, on in target.items():
            whatif.switch(mit_id, on)
        self.analysis = provisional_analysis(computed, whatif)
        self.provisional = True
        self.resultChanged.emit()

    def _finished(self, result: tuple[Computed, WhatIf], _seconds: float) -> None:
        computed, whatif = result
        if computed.revision != self.revision or computed.state != self.state:
            self._update_busy()
            return  # an answer to an older question (a newer run is on its way)
        redundant = {m for m, v in self.overrides.items() if v == (m in computed.base_in_effect)}
        if redundant:  # e.g. switched on, and in effect anyway at the chosen release
            self.overrides = {m: v for m, v in self.overrides.items() if m not in redundant}
            computed = replace(computed, state=self.state)
            self.stateChanged.emit()
        self.computed, self._whatif = computed, whatif
        self._names = (computed.revision, computed.names)
        self.analysis = computed.analysis
        self.provisional = False
        self.error = None
        self._update_busy()
        self.resultChanged.emit()
        self._start_timeline(computed)

    def _failed(self, message: str) -> None:
        if "AnalysisCancelled" in message:
            return
        self.error = message.split(": ", 1)[-1]
        self._update_busy()
        self.failed.emit(self.error)

    # ---------------------------------------------------------- timeline
    def _start_timeline(self, computed: Computed) -> None:
        model = computed.model
        key = (
            computed.revision,
            computed.state.profile,
            computed.state.goals,
            computed.state.max_chains,
        )
        if key == self._timeline_key:
            return
        self._timeline_key = key
        if not model.releases:
            if self.timeline:
                self.timeline = ()
                self.timelineChanged.emit()
            return
        state = computed.state

        def work(cancel: threading.Event) -> tuple[Any, tuple[ReleaseState, ...]]:
            try:
                return key, release_timeline(
                    model,
                    profile=state.profile,
                    goals=state.goals,
                    max_chains=state.max_chains,
                    cancel=cancel.is_set,
                )
            except AnalysisCancelled:
                return None, ()

        self.timeline_runner.start(work)

    def _timeline_finished(
        self, result: tuple[Any, tuple[ReleaseState, ...]], _seconds: float
    ) -> None:
        key, timeline = result
        if key is not None and key == self._timeline_key:
            self.timeline = timeline
            self.timelineChanged.emit()

    # ---------------------------------------------------------- model
    def _on_model_event(self, event: ModelEvent) -> None:
        if event.kind in _QUIET_KINDS:
            return
        self.revision += 1
        if event.kind == "mitigation":
            if event.action == "renamed" and event.old in self.overrides:
                self.overrides[event.new] = self.overrides.pop(event.old)
            elif event.action == "removed":
                self.overrides.pop(event.key, None)
        elif event.kind == "profile":
            if event.action == "renamed" and event.old == self.profile:
                self.profile = event.new
            elif event.action == "removed" and event.key == self.profile:
                self.profile = None
                self.stateChanged.emit()
        elif event.kind == "release":
            if event.action == "renamed" and event.old == self.at_release:
                self.at_release = event.new
            elif event.action == "removed" and event.key == self.at_release:
                self.at_release = None
                self.stateChanged.emit()
        elif event.kind == "node" and self.goals is not None:
            self.goals = tuple(g for g in self.goals if g in self.model.nodes) or None
        self._schedule()

    def _on_model_replaced(self) -> None:
        self.revision += 1
        self.profile = self.at_release = None
        self.goals = None
        self.overrides = {}
        self.computed = self.analysis = None
        self._whatif = None
        self.provisional = False
        self.timeline = ()
        self._timeline_key = None
        self._highlight = None
        self.stateChanged.emit()
        self.highlightChanged.emit()
        self.timelineChanged.emit()
        self.resultChanged.emit()
        self.rerun()
