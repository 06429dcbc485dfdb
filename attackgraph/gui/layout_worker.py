"""Auto-layout off the GUI thread.

Graphviz ``dot`` needs seconds on large models, so layout runs in the
global thread pool on a snapshot of the model and reports back with a
signal; a newer request makes older results stale (they are dropped).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from attackgraph.formats.native import document_to_model, model_to_document
from attackgraph.model import AttackModel
from attackgraph.render.layout import auto_layout

__all__ = ["LayoutRunner"]


class _Signals(QObject):
    finished = Signal(int, object, str)


class _Job(QRunnable):
    def __init__(self, ticket: int, snapshot: AttackModel, prefer_dot: bool,
                 signals: _Signals) -> None:
        super().__init__()
        self.ticket, self.snapshot, self.prefer_dot, self.signals = (
            ticket, snapshot, prefer_dot, signals)

    def run(self) -> None:
        positions, note = auto_layout(self.snapshot, prefer_dot=self.prefer_dot)
        self.signals.finished.emit(self.ticket, positions, note)


class LayoutRunner(QObject):
    """Runs layouts in the background; ``finished`` carries the newest result.

    Signals
    -------
    finished(dict, str)
        ``{node id: (x, y)}`` and a note on how the layout was made.
    """

    finished = Signal(object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ticket = 0
        self._signals = _Signals()
        self._signals.finished.connect(self._deliver)
        self.busy = False

    def start(self, model: AttackModel, *, prefer_dot: bool = True) -> None:
        """Lay out a snapshot of ``model``; earlier unfinished runs become stale."""
        self._ticket += 1
        self.busy = True
        snapshot = document_to_model(model_to_document(model), check=False)
        QThreadPool.globalInstance().start(_Job(self._ticket, snapshot, prefer_dot,
                                                self._signals))

    def cancel(self) -> None:
        """Forget the running layout (its result will be dropped)."""
        self._ticket += 1
        self.busy = False

    def _deliver(self, ticket: int, positions: dict, note: str) -> None:
        if ticket != self._ticket:
            return
        self.busy = False
        self.finished.emit(positions, note)
