"""Python's cycle collector, run on the GUI thread only.

The collector runs in whichever thread happens to allocate when a threshold
is crossed. When that is a worker thread and the garbage holds Qt
connections (a closed window's slots), collecting them disconnects signals:
Qt takes its connection lock, then PySide needs the GIL, while the GUI
thread holds the GIL and waits for that lock. The application hung that way
in a test run. So automatic collection is switched off once a window exists,
and the same generational thresholds are checked from a timer on the GUI
thread instead (the approach pyqtgraph and others take for the same reason).
Reference counting frees everything that is not in a cycle as before.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

__all__ = ["INTERVAL_MS", "MainThreadCollector", "install"]

INTERVAL_MS = 1000
"""How often the thresholds are checked."""


class MainThreadCollector(QObject):
    """Runs :func:`gc.collect` from the GUI thread's event loop."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        gc.disable()
        self.timer.start()

    def check(self) -> int:
        """Collect the generations whose thresholds are crossed, as the
        automatic collector would; returns the number of objects found."""
        first, second, third = gc.get_count()
        found = 0
        if first > self.threshold[0]:
            found += gc.collect(0)
            if second > self.threshold[1]:
                found += gc.collect(1)
                if third > self.threshold[2]:
                    found += gc.collect(2)
        return found


def install() -> MainThreadCollector | None:
    """Switch to collecting on the GUI thread (once per application).

    Returns
    -------
    MainThreadCollector or None
        The collector, or None when there is no application yet.
    """
    app = QCoreApplication.instance()
    if app is None:
        return None
    existing = app.findChild(MainThreadCollector)
    if existing is not None:
        return existing
    return MainThreadCollector(app)
