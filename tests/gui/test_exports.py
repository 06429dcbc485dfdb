"""Exports from the app: the same files as ``attackgraph export`` with the
state the workbench shows, the canvas as it looks, progress and cancel."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QImage

from attackgraph.gui import exports as exports_module
from attackgraph.gui.analysis.compute import AnalysisState, ModelSnapshot
from attackgraph.gui.app import flagship_path
from attackgraph.gui.exports import canvas_bytes, export_files

STATE = AnalysisState(
    profile="physical-access", at_release="20.06", switch_on=("uid-map-integrity",)
)


def _cli(out, *options: str) -> bytes:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "attackgraph",
            "export",
            str(flagship_path()),
            "-o",
            str(out),
            *STATE.cli_options(),
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return out.read_bytes()


@pytest.fixture
def flagship_state(flagship):
    session = flagship.workbench.session
    session.set_profile(STATE.profile)
    session.set_release(STATE.at_release)
    session.set_switches(dict.fromkeys(STATE.switch_on, True))
    assert session.wait()
    session.set_highlight("C12")
    return flagship


@pytest.mark.parametrize("name", ["matrix.csv", "diagram.dot", "flow.mmd"])
def test_exports_are_the_clis_with_the_same_state(flagship_state, tmp_path, name):
    exporter = flagship_state.workbench.exporter
    kind = "matrix" if name.endswith(".csv") else "diagram"
    target = tmp_path / f"gui-{name}"
    assert exporter.export(kind, str(target))
    assert exporter.wait()
    chain = flagship_state.workbench.session.highlighted_chain().id
    options = () if kind == "matrix" else ("--chain", chain)
    assert target.read_bytes() == _cli(tmp_path / f"cli-{name}", *options)


@pytest.mark.graphviz
def test_diagram_and_report_exports(flagship_state, tmp_path):
    exporter = flagship_state.workbench.exporter
    written: list[str] = []
    exporter.exported.connect(written.append)
    for name in ("d.svg", "d.png", "d.pdf", "r.html", "r.md"):
        kind = "report" if name.startswith("r") else "diagram"
        assert exporter.export(kind, str(tmp_path / name))
        assert exporter.wait()
    assert written == [str(tmp_path / n) for n in ("d.svg", "d.png", "d.pdf", "r.html", "r.md")]
    svg = ET.parse(tmp_path / "d.svg").getroot()
    assert svg.tag.endswith("svg") and b"attackgraph-model" in (tmp_path / "d.svg").read_bytes()
    assert QImage(str(tmp_path / "d.png")).width() > 500
    assert (tmp_path / "d.pdf").read_bytes().startswith(b"%PDF")
    html = (tmp_path / "r.html").read_text()
    assert "what-if with uid-map-integrity" in html and "attacker profile physical-access" in html
    assert (tmp_path / "r.diagram.svg").exists()
    assert "uid-map-integrity" in (tmp_path / "r.md").read_text()


def test_the_canvas_as_shown(flagship_state, tmp_path):
    scene = flagship_state.scene
    png = canvas_bytes(scene, "png", scale=0.5)
    image = QImage.fromData(png)
    rect = scene.itemsBoundingRect()
    assert abs(image.width() - (rect.width() + 80) * 0.5) < 2
    assert (
        len(
            {
                image.pixel(x, y)
                for x in range(0, image.width(), 13)
                for y in range(0, image.height(), 11)
            }
        )
        > 30
    )
    svg = canvas_bytes(scene, "svg")
    ET.fromstring(svg)  # well-formed
    assert b"<image" not in svg  # drawn as vectors, not cached pictures
    assert canvas_bytes(scene, "pdf").startswith(b"%PDF")
    assert scene.overlays["chain"].dim_others  # the export left the view as it was
    exporter = flagship_state.workbench.exporter
    assert exporter.export("canvas", str(tmp_path / "c.png"))
    assert QImage(str(tmp_path / "c.png")).width() > 1000


def test_a_wrong_extension_is_refused(flagship, tmp_path, modal_dialogs):
    assert not flagship.workbench.exporter.export("canvas", str(tmp_path / "x.dot"))
    assert "a canvas export is one of .png, .svg, .pdf" in modal_dialogs[-1]
    assert not (tmp_path / "x.dot").exists()


def test_a_slow_export_shows_progress_and_can_be_cancelled(flagship, tmp_path, monkeypatch):
    started = threading.Event()

    def slow(snapshot, state, kind, path, *, highlight, mitigations, cancel, page="drawing"):
        started.set()
        while not cancel.is_set():
            time.sleep(0.01)
        return {path: b"too late"}

    monkeypatch.setattr(exports_module, "PROGRESS_DELAY_MS", 0)
    monkeypatch.setattr(exports_module, "export_files", slow)
    exporter = flagship.workbench.exporter
    exporter._progress_timer.setInterval(0)
    target = tmp_path / "slow.html"
    assert exporter.export("report", str(target))
    assert started.wait(2)
    deadline = time.monotonic() + 2
    while exporter.progress is None and time.monotonic() < deadline:
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
    assert exporter.progress is not None and exporter.progress.isVisible()
    from PySide6.QtWidgets import QPushButton

    exporter.progress.findChild(QPushButton).click()  # the user presses Cancel
    assert exporter.wait()
    assert not target.exists() and not exporter.progress.isVisible()
    assert "cancelled" in flagship.statusBar().currentMessage()


def test_export_files_is_qt_free_and_uses_the_highlight(tmp_path):
    from attackgraph.formats import read_model

    snapshot = ModelSnapshot.of(read_model(flagship_path()))
    files = export_files(
        snapshot,
        STATE,
        "diagram",
        str(tmp_path / "x.dot"),
        highlight=frozenset({"compromised-app", "proc-self-mem"}),
    )
    assert list(files) == [str(tmp_path / "x.dot")]
    with pytest.raises(ValueError, match=r"one of \.svg"):
        export_files(snapshot, STATE, "diagram", str(tmp_path / "x.txt"))


def test_navigator_layer_export_is_the_clis_with_the_same_state(flagship_state, tmp_path):
    exporter = flagship_state.workbench.exporter
    target = tmp_path / "gui-layer.json"
    assert exporter.export("navigator", str(target))
    assert exporter.wait()
    assert target.read_bytes() == _cli(tmp_path / "cli-layer.json", "--format", "navigator")
    assert "navigator" in flagship_state.workbench.export_actions
