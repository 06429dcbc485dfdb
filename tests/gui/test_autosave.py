"""Autosave to a recovery file, and recovery after a real crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from attackgraph.formats import read_model
from attackgraph.gui.autosave import find_recoveries
from attackgraph.gui.recovery import offer_recovery, recover

CRASHING_EDITOR = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QPointF, QSettings
    from attackgraph.gui.app import make_app
    from attackgraph.gui.mainwindow import MainWindow

    app = make_app(offscreen=True)
    settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, autosave_s=3600)
    assert window.open_path(sys.argv[1])
    window.scene.add_node_at("goal", QPointF(2000, 2000), "Typed before the crash")
    window.inspector.flush()
    assert window.autosaver.save_now()
    print(window.autosaver.path, flush=True)
    os._exit(9)  # no cleanup at all: as if the process had been killed
""")


def _leave_crashed_copy(window, label: str) -> Path:
    """Edit, autosave, and copy the recovery file as a crashed process would
    leave it: with the pid of a process that no longer exists."""
    window.scene.add_node_at("step", window.view.mapToScene(0, 0), label)
    assert window.autosaver.save_now()
    crashed = window.autosaver.folder / "crashed.attackgraph.json"
    crashed.write_bytes(window.autosaver.path.read_bytes())
    data = json.loads(window.autosaver.path.with_suffix(".meta").read_text())
    data["pid"] = 2**22 + 12345
    crashed.with_suffix(".meta").write_text(json.dumps(data))
    return crashed


def test_autosave_writes_recovery_and_clean_save_removes_it(window):
    window.scene.add_node_at("step", window.view.mapToScene(0, 0))
    assert window.autosaver.save_now()
    recovery = window.autosaver.path
    assert json.loads(recovery.read_text())["nodes"][-1]["id"] == "S3"
    meta = json.loads(recovery.with_suffix(".meta").read_text())
    assert meta == {"pid": os.getpid(), "original": window.document.path}
    assert find_recoveries(window.autosaver.folder) == []  # our own process is alive
    assert window.files.save()
    assert not recovery.exists()


def test_nothing_is_written_without_changes(window):
    assert not window.autosaver.save_now()
    assert not window.autosaver.path.exists()


def test_autosave_interval_comes_from_the_preferences(qtbot, settings):
    from attackgraph.gui.mainwindow import MainWindow

    settings.setValue("autosave-seconds", 45)
    window = MainWindow(settings=settings)
    qtbot.addWidget(window)
    assert window.autosaver.timer.interval() == 45_000 and window.autosaver.timer.isActive()
    window.autosaver.set_interval(0)
    assert not window.autosaver.timer.isActive()


def test_autosave_failure_is_kept_quiet_and_retried(window, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    window.autosaver.folder = blocker
    window.autosaver.path = blocker / "x.attackgraph.json"
    window.scene.add_node_at("step", window.view.mapToScene(0, 0))
    assert not window.autosaver.save_now()
    assert window.autosaver.last_error


def test_recovery_after_a_real_crash(qtbot, window, tmp_path):
    original = window.document.path
    proc = subprocess.run(
        [sys.executable, "-c", CRASHING_EDITOR, original, str(tmp_path / "crash.ini")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ATTACKGRAPH_RECOVERY_DIR": str(window.autosaver.folder)},
    )
    assert proc.returncode == 9, proc.stderr
    left = Path(proc.stdout.strip().splitlines()[-1])
    found = find_recoveries(window.autosaver.folder)
    assert [r.path for r in found] == [left]
    assert found[0].original == original
    assert recover(window, found[0])
    model = window.document.model
    assert any(n.label == "Typed before the crash" for n in model.nodes.values())
    assert window.document.is_modified  # recovered work is unsaved work
    assert window.document.path == original  # Save writes the file it came from
    assert "Recovered" in window.notices.notices["recovered"].label.text()
    assert not left.exists()  # offered once
    assert window.files.save()
    assert any(n.label == "Typed before the crash" for n in read_model(original).nodes.values())


def test_the_recovery_offer_recovers_or_discards(window, tmp_path, monkeypatch):
    crashed = _leave_crashed_copy(window, "Lost?")
    window.document.undo_stack.setClean()
    window.files.new_file()
    recoveries = find_recoveries(window.autosaver.folder)
    assert [r.path for r in recoveries] == [crashed]

    def press(text):
        monkeypatch.setattr(
            QMessageBox,
            "clickedButton",
            lambda box: next(b for b in box.buttons() if b.text() == text),
        )

    press("Later")
    offer_recovery(window, recoveries)
    assert recoveries[0].path.exists() and window.document.model.nodes == {}
    press("Recover")
    offer_recovery(window, recoveries)
    assert any(n.label == "Lost?" for n in window.document.model.nodes.values())
    assert not recoveries[0].path.exists()


def test_a_damaged_recovery_file_is_reported_not_opened(window, tmp_path, monkeypatch):
    folder = window.autosaver.folder
    folder.mkdir(parents=True, exist_ok=True)
    damaged = folder / "old.attackgraph.json"
    damaged.write_text("{ not json")
    shown: list[str] = []
    monkeypatch.setattr(window.files, "show_error", lambda title, exc: shown.append(title))
    (found,) = find_recoveries(folder)
    assert not recover(window, found)
    assert shown and window.document.path.endswith("small.attackgraph.json")


def test_the_next_start_offers_the_crashed_work(qtbot, window, settings, monkeypatch):
    from attackgraph.gui.app import start_window

    _leave_crashed_copy(window, "Unsaved at the crash")
    offered: list[str] = []

    def choose_recover(box):
        offered.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose_recover)
    monkeypatch.setattr(
        QMessageBox,
        "clickedButton",
        lambda box: next(b for b in box.buttons() if b.text() == "Recover"),
    )
    started = start_window(window.document.path, settings)
    qtbot.addWidget(started)
    assert offered and "did not close normally" in offered[0]
    assert any(n.label == "Unsaved at the crash" for n in started.document.model.nodes.values())
    assert started.document.is_modified
