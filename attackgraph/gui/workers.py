"""Work off the GUI thread whose newest result is the only one that counts.

:class:`LatestRunner` runs a function in Qt's global thread pool and hands
its result back on the GUI thread. Every start takes a ticket; a newer start
or a cancel makes the older runs stale, and stale results are dropped, so a
view never shows an answer to a question that is no longer asked. The
function gets a ``threading.Event`` it may watch to stop early when cancelled.
Layout, validation and (later) analysis all run this way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

__all__ = ["LatestRunner"]


class _Signals(QObject):
    done = Signal(int, object, float)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(
        self,
        ticket: int,
        work: Callable[[threading.Event], Any],
        cancel: threading.Event,
        signals: _Signals,
    ) -> None:
        super().__init__()
        self.ticket, self.work, self.cancel, self.signals = ticket, work, cancel, signals

    def run(self) -> None:
        started = time.perf_counter()
        try:
            result = self.work(self.cancel)
        except Exception as exc:  # reported to the user in a sentence, never a crash
            self.signals.failed.emit(self.ticket, f"{type(exc).__name__}: {exc}")
            return
        self.signals.done.emit(self.ticket, result, time.perf_counter() - started)


class LatestRunner(QObject):
    """Runs one kind of background work; only the newest result is delivered.

    Signals
    -------
    busyChanged(bool)
        Work started (True), or the newest run ended, failed or was cancelled.
    finished(object, float)
        The newest run's result and the seconds it took.
    failed(str)
        The newest run raised; the error in a sentence.
    """

    busyChanged = Signal(bool)
    finished = Signal(object, float)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticket = 0
        self._cancel = threading.Event()
        self._signals = _Signals()
        self._signals.done.connect(self._deliver)
        self._signals.failed.connect(self._fail)
        self.busy = False

    def start(self, work: Callable[[threading.Event], Any]) -> None:
        """Run ``work(cancel_event)`` in the background; earlier runs become stale.

        ``work`` must not touch Qt widgets or the live model: give it a snapshot.
        """
        self._cancel.set()
        self._cancel = threading.Event()
        self._ticket += 1
        QThreadPool.globalInstance().start(_Job(self._ticket, work, self._cancel, self._signals))
        self._set_busy(True)

    def cancel(self) -> None:
        """Stop waiting for the running work (its result will be dropped)."""
        self._cancel.set()
        self._ticket += 1
        self._set_busy(False)

    @staticmethod
    def wait(timeout_s: float = 60.0) -> bool:
        """Block until the thread pool is idle (for scripts and tests)."""
        return QThreadPool.globalInstance().waitForDone(int(timeout_s * 1000))

    def _set_busy(self, busy: bool) -> None:
        if busy != self.busy:
            self.busy = busy
            self.busyChanged.emit(busy)

    def _deliver(self, ticket: int, result: Any, seconds: float) -> None:
        if ticket == self._ticket:
            self._set_busy(False)
            self.finished.emit(result, seconds)

    def _fail(self, ticket: int, message: str) -> None:
        if ticket == self._ticket:
            self._set_busy(False)
            self.failed.emit(message)
