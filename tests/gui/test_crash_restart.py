"""A GUI killed with ``kill -9`` after an edit offers the edit when it starts again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from attackgraph.formats import write_model
from attackgraph.formats.native.codec import document_to_model
from attackgraph.gui.app import start_window
from tests.support import rich_doc

ROOT = Path(__file__).resolve().parent.parent.parent

CRASH_AFTER_EDIT = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QPointF, QSettings
    from attackgraph.gui.app import make_app
    from attackgraph.gui.mainwindow import MainWindow

    app = make_app(offscreen=True)
    window = MainWindow(settings=QSettings(sys.argv[2], QSettings.Format.IniFormat),
                        autosave_s=3600)
    assert window.open_path(sys.argv[1])
    window.scene.add_node_at("goal", QPointF(900, 900), "Edited before the crash")
    window.inspector.flush()
    assert window.autosaver.save_now()
    print("ready", flush=True)
    import time
    time.sleep(60)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_gui_killed_then_restarted_offers_the_edit(qtbot, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "m.attackgraph.json"
    write_model(document_to_model(rich_doc()), path)
    settings_file = str(tmp_path / "s.ini")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASH_AFTER_EDIT, str(path), settings_file],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", (
        proc.stderr.read() if proc.stderr else ""
    )
    os.kill(proc.pid, signal.SIGKILL)  # a real crash: no cleanup at all
    proc.wait(timeout=30)
    offered: list[str] = []

    def choose(box: QMessageBox) -> int:
        offered.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose)
    monkeypatch.setattr(
        QMessageBox,
        "clickedButton",
        lambda box: next(b for b in box.buttons() if b.text() == "Recover"),
    )
    window = start_window(str(path), QSettings(settings_file, QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert offered and "did not close normally" in offered[0]
    labels = [n.label for n in window.document.model.nodes.values()]
    assert "Edited before the crash" in labels
    assert window.document.is_modified
    assert json.loads(path.read_text())["title"] == rich_doc()["title"]  # the file untouched
