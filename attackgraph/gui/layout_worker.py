"""Auto-layout off the GUI thread, with cancel.

Graphviz ``dot`` needs seconds on large models, so a layout runs in the
global thread pool on a snapshot of the model and reports back with a
signal. Each run has a ticket: a newer run or a cancel makes older results
stale, and stale results are dropped. Cancel also sets the run's
``threading.Event``, which stops ``dot`` early where the Graphviz backend
supports it.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from attackgraph.formats.native import document_to_model, model_to_document
from attackgraph.gui.layout import CanvasGeometry, LayoutPlan, compute_layout
from attackgraph.model import AttackModel

__all__ = ["LayoutRunner"]


class _Signals(QObject):
    done = Signal(int, object, float)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, ticket: int, snapshot: AttackModel, full: bool, prefer_dot: bool,
                 geometry: CanvasGeometry, cancel: threading.Event, signals: _Signals) -> None:
        super().__init__()
        self.ticket, self.snapshot, self.full, self.prefer_dot = ticket, snapshot, full, prefer_dot
        self.geometry, self.cancel, self.signals = geometry, cancel, signals

    def run(self) -> None:
        started = time.perf_counter()
        try:
            plan = compute_layout(self.snapshot, full=self.full, geometry=self.geometry,
                                  prefer_dot=self.prefer_dot, cancel=self.cancel)
        except Exception as exc:
            self.signals.failed.emit(self.ticket, f"{type(exc).__name__}: {exc}")
            return
        self.signals.done.emit(self.ticket, plan, time.perf_counter() - started)


class LayoutRunner(QObject):
    """Runs layouts in the background; only the newest result is delivered.

    Signals
    -------
    busyChanged(bool)
        A layout started (True) or ended, failed or was cancelled (False).
    finished(LayoutPlan, bool, float)
        The plan, whether it was a full layout, and the seconds it took.
    failed(str)
        The layout broke (an unexpected error, reported in a sentence).
    """

    busyChanged = Signal(bool)
    finished = Signal(object, bool, float)
    failed = Signal(str)

    def __init__(self, geometry: CanvasGeometry, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.geometry = geometry
        self._ticket = 0
        self._cancel = threading.Event()
        self._full = False
        self._signals = _Signals()
        self._signals.done.connect(self._deliver)
        self._signals.failed.connect(self._fail)
        self.busy = False

    def start(self, model: AttackModel, *, full: bool, prefer_dot: bool = True) -> None:
        """Lay out a snapshot of ``model``; earlier unfinished runs become stale."""
        self._cancel.set()
        self._cancel = threading.Event()
        self._ticket += 1
        self._full = full
        snapshot = document_to_model(model_to_document(model), check=False)
        QThreadPool.globalInstance().start(_Job(self._ticket, snapshot, full, prefer_dot,
                                                self.geometry, self._cancel, self._signals))
        self._set_busy(True)

    def cancel(self) -> None:
        """Stop waiting for the running layout (its result will be dropped)."""
        self._cancel.set()
        self._ticket += 1
        self._set_busy(False)

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Block until the thread pool is idle (for scripts and screenshots)."""
        return QThreadPool.globalInstance().waitForDone(int(timeout_s * 1000))

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busyChanged.emit(busy)

    def _deliver(self, ticket: int, plan: LayoutPlan, seconds: float) -> None:
        if ticket != self._ticket:
            return
        self._set_busy(False)
        self.finished.emit(plan, self._full, seconds)

    def _fail(self, ticket: int, message: str) -> None:
        if ticket != self._ticket:
            return
        self._set_busy(False)
        self.failed.emit(message)
