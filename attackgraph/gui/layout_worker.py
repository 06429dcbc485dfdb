"""Auto-layout off the GUI thread, with cancel.

Graphviz ``dot`` needs seconds on large models, so a layout runs on a
snapshot of the model through a :class:`~attackgraph.gui.workers.LatestRunner`:
a newer run or a cancel makes older results stale (they are dropped), and
cancel also sets the run's ``threading.Event``, which kills a running ``dot``
(:func:`attackgraph.render.layout.compute_layout` does the work).
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from attackgraph.formats.native import document_to_model, model_to_document
from attackgraph.gui.workers import LatestRunner
from attackgraph.model import AttackModel
from attackgraph.render.layout import CanvasGeometry, LayoutPlan, compute_layout

__all__ = ["LayoutRunner"]


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
        self._full = False
        self._runner = LatestRunner(self)
        self._runner.busyChanged.connect(self.busyChanged)
        self._runner.finished.connect(self._deliver)
        self._runner.failed.connect(self.failed)

    @property
    def busy(self) -> bool:
        """Whether a layout is running."""
        return self._runner.busy

    def start(self, model: AttackModel, *, full: bool, prefer_dot: bool = True) -> None:
        """Lay out a snapshot of ``model``; earlier unfinished runs become stale."""
        snapshot = document_to_model(model_to_document(model), check=False)
        geometry = self.geometry
        self._full = full

        def work(cancel: threading.Event) -> LayoutPlan:
            return compute_layout(
                snapshot, full=full, geometry=geometry, prefer_dot=prefer_dot, cancel=cancel
            )

        self._runner.start(work)

    def cancel(self) -> None:
        """Stop waiting for the running layout (its result will be dropped)."""
        self._runner.cancel()

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Block until the thread pool is idle (for scripts and screenshots)."""
        return self._runner.wait(timeout_s)

    def _deliver(self, plan: LayoutPlan, seconds: float) -> None:
        self.finished.emit(plan, self._full, seconds)
