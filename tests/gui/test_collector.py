"""Python's cycle collector runs on the GUI thread only (see
attackgraph.gui.collector for the hang it prevents)."""

from __future__ import annotations

import gc
import threading
import weakref

from attackgraph.gui import collector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_window_moves_collection_to_the_gui_thread(window):
    assert not gc.isenabled()
    assert collector.install() is collector.install()  # once per application


def test_the_timer_collects_cycles_on_the_gui_thread(window, qtbot):
    found_on: list[str] = []
    ran = collector.install()
    assert ran is not None
    original = ran.check

    def check() -> int:
        found_on.append(threading.current_thread().name)
        return original()

    ran.timer.timeout.disconnect()
    ran.timer.timeout.connect(check)
    ran.threshold = (0, 0, 0)  # collect every generation at the next tick
    try:
        cycle = _Cycle()
        gone = weakref.ref(cycle)
        del cycle
        assert gone() is not None  # automatic collection is off
        qtbot.waitUntil(lambda: gone() is None, timeout=20000)  # 1 s ticks, a loaded CI
        assert set(found_on) == {threading.main_thread().name}
    finally:
        ran.threshold = gc.get_threshold()
        ran.timer.timeout.disconnect()
        ran.timer.timeout.connect(original)
