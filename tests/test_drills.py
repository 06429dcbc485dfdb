"""Kill drills (issue 12): ``kill -9`` at random moments during ``convert``
and during the GUI's save, and a GUI crash followed by a restart.

After every kill the target is the old or the new complete file, the backup
``NAME~`` is a complete earlier version (never lost once made), and the next
save leaves no temporary file behind. A few trials run by default; the
slow-marked drills run 50 each (``ATTACKGRAPH_DRILLS=1``). The GUI crash and
restart drill is ``tests/gui/test_crash_restart.py``.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from attackgraph.fileio import atomic_write_text
from attackgraph.formats import read_model, write_model
from attackgraph.formats.native import generate_yaml
from attackgraph.formats.native.codec import document_to_model
from tests.support import rich_doc

ROOT = Path(__file__).resolve().parent.parent

CONVERT_LOOP = textwrap.dedent("""
    import sys
    from attackgraph.cli import main
    a, b, out = sys.argv[1:4]
    print("ready", flush=True)
    while True:
        for source in (a, b):
            if main(["convert", "--quiet", source, out]) != 0:
                sys.exit(5)
""")

GUI_SAVE_LOOP = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QPointF, QSettings
    from attackgraph.gui.app import make_app
    from attackgraph.gui.mainwindow import MainWindow

    app = make_app(offscreen=True)
    window = MainWindow(settings=QSettings(sys.argv[2], QSettings.Format.IniFormat),
                        autosave_s=3600)
    assert window.open_path(sys.argv[1])
    print("ready", flush=True)
    count = 0
    while True:
        count += 1
        window.scene.add_node_at("step", QPointF(40.0 * count, 300.0), f"saved {count}")
        window.inspector.flush()
        if not window.files.save():
            sys.exit(5)
""")


def _big_model(title: str, extra: int):  # type: ignore[no-untyped-def]
    doc = rich_doc()
    doc["title"] = title
    doc["description"] = "x" * 200_000  # a save long enough to be hit
    for i in range(extra):
        doc["nodes"].append({"id": f"P{i}", "kind": "step", "label": f"padding {i}"})
        doc["edges"].append({"source": "E1", "target": f"P{i}"})
        doc["edges"].append({"source": f"P{i}", "target": "G1"})
    return document_to_model(doc)


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _start(script: str, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "ATTACKGRAPH_RECOVERY_DIR": args[-1] + ".recovery",
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
    return proc


def _kill_at_random(proc: subprocess.Popen[str], rng: random.Random, most: float) -> None:
    time.sleep(rng.uniform(0.0, most))
    assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def convert_drill(folder: Path, trials: int, seed: int = 12) -> int:
    """Kill ``convert`` ``trials`` times; returns how many kills left a temp file."""
    rng = random.Random(seed)
    a, b = folder / "a.attackgraph.json", folder / "b.attackgraph.json"
    write_model(_big_model("version A", 150), a)
    write_model(_big_model("version B", 160), b)
    out = folder / "out.attackgraph.yaml"
    complete = {generate_yaml(read_model(a)), generate_yaml(read_model(b))}
    out.write_text(next(iter(complete)), encoding="utf-8")
    hits = 0
    backup = out.with_name(out.name + "~")
    for _trial in range(trials):
        had_backup = backup.exists()
        proc = _start(CONVERT_LOOP, str(a), str(b), str(out))
        _kill_at_random(proc, rng, 1.5)
        assert out.read_text(encoding="utf-8") in complete  # old or new, never half
        if had_backup or backup.exists():  # once made, never lost, always complete
            assert backup.read_text(encoding="utf-8") in complete
        hits += bool(_temps(folder))
    atomic_write_text(out, out.read_text(encoding="utf-8"), backup=True)  # the next save
    assert _temps(folder) == []
    return hits


def gui_save_drill(folder: Path, trials: int, seed: int = 21) -> int:
    """Kill the GUI while it saves, ``trials`` times; returns kills that left a temp."""
    rng = random.Random(seed)
    path = folder / "m.attackgraph.json"
    write_model(_big_model("gui", 100), path)
    hits = 0
    backup = path.with_name(path.name + "~")
    for trial in range(trials):
        had_backup = backup.exists()
        before = read_model(path)
        proc = _start(GUI_SAVE_LOOP, str(path), str(folder / f"s{trial}.ini"))
        _kill_at_random(proc, rng, 2.0)
        after = read_model(path)  # complete and valid, whatever the moment
        assert set(before.nodes) <= set(after.nodes)
        if had_backup or backup.exists():  # once made, never lost, always complete
            assert set(read_model(backup).nodes) <= set(after.nodes)
        hits += bool(_temps(folder))
    text = path.read_text(encoding="utf-8")
    atomic_write_text(path, text, backup=True)
    assert _temps(folder) == []
    return hits


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_kill_during_convert_a_few_times(tmp_path: Path) -> None:
    convert_drill(tmp_path, 3)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_kill_during_gui_save_a_few_times(tmp_path: Path) -> None:
    gui_save_drill(tmp_path, 1)


LONG = pytest.mark.skipif(
    os.environ.get("ATTACKGRAPH_DRILLS") != "1",
    reason="50 kills each take minutes: set ATTACKGRAPH_DRILLS=1",
)


@pytest.mark.slow
@LONG
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_kill_during_convert_50_times(tmp_path: Path) -> None:
    hits = convert_drill(tmp_path, 50)
    print(f"convert drill: 50 kills, {hits} left a temporary file for the next save")


@pytest.mark.slow
@LONG
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_kill_during_gui_save_50_times(tmp_path: Path) -> None:
    hits = gui_save_drill(tmp_path, 50)
    print(f"GUI save drill: 50 kills, {hits} left a temporary file for the next save")
