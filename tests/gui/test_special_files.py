"""A FIFO never blocks the GUI thread: opening one, or the open model's file
turning into one under the file watcher (issue 12)."""

from __future__ import annotations

import os
import threading

import pytest

from attackgraph.analysis.limits import restore_limits, set_limits

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


BLOCKED: list[str] = []


def _watchdog(path: str) -> threading.Timer:
    """If the GUI thread blocks on the FIFO, a writer unblocks it after a few
    seconds and records it (so the test fails instead of hanging)."""

    def unblock() -> None:
        try:  # succeeds only while a reader waits on the FIFO
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            return
        BLOCKED.append(path)
        os.close(fd)

    BLOCKED.clear()
    timer = threading.Timer(3.0, unblock)
    timer.daemon = True
    timer.start()
    return timer


def test_opening_a_fifo_is_an_error_not_a_hang(window, tmp_path, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        window.files,
        "show_error",
        lambda title, exc, name=None: shown.extend(
            [str(exc), *(p.message for p in getattr(exc, "problems", []))]
        ),
    )
    fifo = tmp_path / "pipe.attackgraph.json"
    os.mkfifo(fifo)
    timer = _watchdog(str(fifo))
    try:
        assert not window.open_path(str(fifo))
    finally:
        timer.cancel()
    assert BLOCKED == []
    assert window.document.path.endswith("small.attackgraph.json")
    assert any("named pipe (FIFO), not a regular file" in text for text in shown), shown


def test_watched_file_replaced_by_a_fifo_does_not_block(window, tmp_path) -> None:
    path = tmp_path / "small.attackgraph.json"
    window.scene.add_node_at("step", window.view.mapToScene(0, 0), "unsaved edit")
    os.remove(path)
    os.mkfifo(path)
    timer = _watchdog(str(path))
    try:
        window.files.check_disk()
    finally:
        timer.cancel()
    assert BLOCKED == []
    assert any(n.label == "unsaved edit" for n in window.document.model.nodes.values())
    assert window.autosaver.save_now()  # autosave still works: the edit is safe


def test_analysis_stopped_by_a_limit_shows_a_warning(window, tmp_path, qtbot) -> None:
    from tests.cli.test_reliability import and_bomb

    previous = set_limits(max_seconds=0.001)
    try:
        assert window.open_path(and_bomb(tmp_path, 24))
        window.workbench.session.rerun()
        assert window.workbench.session.wait(30)
        qtbot.waitUntil(lambda: "analysis-limit" in window.notices.notices, timeout=20_000)
    finally:
        restore_limits(previous)
    assert window.workbench.session.analysis.truncated and window.workbench.session.analysis.chains
    text = window.notices.notices["analysis-limit"].label.text()
    assert "time limit" in text and "--max-seconds" in text
