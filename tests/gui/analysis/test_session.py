"""The live analysis: off the GUI thread, after every edit, never stale, the
same as the CLI, instant what-if switches, cancellation."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from attackgraph.analysis import analyze, release_timeline
from attackgraph.errors import AnalysisCancelled
from attackgraph.formats import read_model
from attackgraph.gui.analysis import session as session_module
from attackgraph.gui.analysis.compute import AnalysisState
from attackgraph.gui.analysis.marks import ANALYSIS_LAYER, palette
from attackgraph.model import Mitigation

SAMPLES = sorted((Path(__file__).resolve().parents[3] / "samples").glob("*.attackgraph.json"))


def _cli(path: Path, options: list[str]) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "attackgraph", "analyze", str(path), "--format", "json", *options],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _named_as_whole_model(result: dict, whole: dict) -> dict:
    """The CLI's result of a filtered scenario with each chain named as the
    whole model's analysis names it (matched by key), as every view shows it."""
    names = {chain["key"]: chain["id"] for chain in whole["chains"]}
    renamed = {c["id"]: names.get(c["key"], "C-" + c["key"][:6]) for c in result["chains"]}
    chains = [{**c, "id": renamed[c["id"]]} for c in result["chains"]]
    mitigations = [
        {**m, "breaks": [renamed[c] for c in m["breaks"]]} for m in result["mitigations"]
    ]
    return {**result, "chains": chains, "mitigations": mitigations}


def _other_state(path: Path) -> AnalysisState:
    """A state of the sample that differs from the default: its last profile,
    its first release and its first mitigation switched."""
    model = read_model(path)
    profile = list(model.profiles)[-1] if model.profiles else None
    release = next(iter(model.releases), None)
    mitigations = list(model.mitigations)
    on = tuple(m for m in mitigations if model.mitigations[m].effective_status != "deployed")[:1]
    off = tuple(m for m in mitigations if model.mitigations[m].effective_status == "deployed")[:1]
    return AnalysisState(profile=profile, at_release=release, switch_on=on, switch_off=off)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name.split(".")[0])
def test_gui_results_equal_the_cli_on_every_sample(qtbot, settings, path):
    from attackgraph.gui.mainwindow import MainWindow

    window = MainWindow(settings=settings, autosave_s=3600)
    qtbot.addWidget(window)
    assert window.open_path(str(path))
    session = window.workbench.session
    assert session.wait()
    whole = _cli(path, [])
    assert session.analysis.to_json() == whole
    state = _other_state(path)
    session.set_profile(state.profile)
    session.set_release(state.at_release)
    session.set_switches(
        {**dict.fromkeys(state.switch_on, True), **dict.fromkeys(state.switch_off, False)}
    )
    assert session.wait()
    # Switches that the release makes redundant are dropped; the result is the same,
    # with every chain named by the whole model's id (one name in every view).
    shown = session.analysis.to_json()
    assert shown == _named_as_whole_model(_cli(path, state.cli_options()), whole)
    assert shown == _named_as_whole_model(_cli(path, session.state.cli_options()), whole)
    ids = {c["key"]: c["id"] for c in whole["chains"]}
    assert all(ids.get(c["key"], c["id"]) == c["id"] for c in shown["chains"])


def test_an_edit_runs_the_analysis_again_after_a_pause(window, session):
    model = window.document.model
    assert session.analysis.goal("G1").reachable
    before = session.revision
    model.add_mitigation(Mitigation("M9", "Deployed fix", ("S2",), status="deployed"))
    assert session.revision == before + 1 and session.stale and session.busy
    assert session.wait()
    assert not session.analysis.goal("G1").reachable
    assert session.analysis == analyze(model)


def test_moving_nodes_does_not_run_the_analysis(window, session):
    computed = session.computed
    window.document.model.set_position("S1", (900.0, 900.0))
    assert not session.stale and not session.busy and session.computed is computed


def test_a_result_for_an_older_revision_is_never_shown(window, session, monkeypatch):
    real = session_module.compute
    first = threading.Event()

    def slow_first(snapshot, state, revision, **kwargs):
        if not first.is_set():
            first.set()
            time.sleep(0.4)  # the edit below lands while this run is under way
        return real(snapshot, state, revision, **kwargs)

    monkeypatch.setattr(session_module, "compute", slow_first)
    shown: list[int] = []
    session.resultChanged.connect(lambda: shown.append(session.computed.revision))
    model = window.document.model
    model.update_mitigation("M2", status="deployed")
    session.rerun()  # starts the slow run at once
    assert first.wait(2)
    model.update_mitigation("M2", status="proposed")
    assert session.wait()
    assert shown and all(rev == session.revision for rev in shown)
    assert session.analysis.goal("G1").reachable  # M2 is no longer deployed
    assert session.analysis == analyze(model)


def test_a_newer_run_cancels_the_older_one_through_the_engine(window, session, monkeypatch):
    asked: list[object] = []
    started = threading.Event()

    def waits_for_cancel(snapshot, state, revision, *, cancel, progress, **_):
        asked.append(cancel)
        started.set()
        deadline = time.monotonic() + 5
        while not cancel() and time.monotonic() < deadline:
            time.sleep(0.005)
        raise AnalysisCancelled("cancelled")

    monkeypatch.setattr(session_module, "compute", waits_for_cancel)
    session.rerun()
    assert started.wait(2)
    first = asked[0]
    assert not first()
    monkeypatch.undo()
    session.rerun()
    assert first()  # the engine's cancel now says stop
    assert session.wait()
    assert session.error is None


def test_the_user_can_cancel_and_the_views_say_they_are_out_of_date(window, session, monkeypatch):
    started = threading.Event()

    def waits_for_cancel(snapshot, state, revision, *, cancel, progress, **_):
        progress("finding the cheapest chains")
        started.set()
        while not cancel():
            time.sleep(0.005)
        raise AnalysisCancelled("cancelled")

    monkeypatch.setattr(session_module, "compute", waits_for_cancel)
    progress: list[str] = []
    session.progress.connect(progress.append)
    window.document.model.update_node("S1", label="Exploit the kernel")
    session.rerun()
    assert started.wait(2)
    for _ in range(20):
        window.workbench.window.repaint()
    session.cancel()
    assert not session.busy and session.stale and "cancelled" in session.error
    dock = window.workbench.chains
    assert "out of date" in dock.state_label.text()
    monkeypatch.undo()
    session.rerun()
    assert session.wait() and not session.stale
    assert dock.state_label.text() == ""


def test_a_switch_shows_at_once_then_the_full_analysis_follows(window, session):
    scene = window.scene
    assert scene.nodes["G1"].mark.accent == palette(False).open
    session.switch("M1", True)  # no event processed yet: the what-if answered
    assert session.provisional and session.overrides == {"M1": True}
    assert not session.analysis.goal("G1").reachable
    assert "M1" in session.analysis.in_effect
    assert scene.nodes["S1"].mark.accent == palette(False).blocked
    assert any("⊘" in b.text for b in scene.nodes["S1"].mark.badges)
    assert any("safe" in f.text for f in scene.nodes["G1"].mark.flags)
    assert session.wait()
    assert not session.provisional
    assert session.analysis == analyze(window.document.model, switch_on=["M1"])
    session.reset_what_if()
    assert session.overrides == {} and session.analysis.goal("G1").reachable


def test_switching_back_to_the_saved_status_is_no_switch(window, session):
    model = window.document.model
    model.update_mitigation("M2", status="deployed")
    assert session.wait()
    session.switch("M2", True)
    assert session.overrides == {}
    session.switch("M2", False)
    assert session.overrides == {"M2": False}
    assert session.wait() and "M2" not in session.analysis.in_effect


def test_a_switch_that_a_release_makes_redundant_is_dropped(window, session):
    session.switch("M1", True)
    assert session.wait()
    session.set_release("R1")  # M1 ships in R1: in effect anyway
    assert session.wait()
    assert session.overrides == {} and "M1" in session.analysis.in_effect


def test_switches_follow_renamed_and_removed_mitigations(window, session):
    model = window.document.model
    session.switch("M1", True)
    model.rename_mitigation("M1", "patch")
    assert session.overrides == {"patch": True}
    model.remove_mitigation("patch")
    assert session.overrides == {}
    assert session.wait()


def test_a_removed_profile_or_release_is_no_longer_chosen(window, session):
    model = window.document.model
    session.set_profile("P1")
    session.set_release("R2")
    assert session.wait() and session.analysis.profile == "P1"
    model.remove_profile("P1")
    model.remove_release("R2")
    assert session.profile is None and session.at_release is None
    assert session.wait() and session.analysis.profile is None


def test_opening_another_model_starts_afresh(window, session, tmp_path):
    from attackgraph.formats import write_model
    from tests.gui.conftest import small_model

    session.switch("M1", True)
    session.set_profile("P1")
    session.set_highlight("C1")
    other = small_model()
    other.set_title("other")
    path = tmp_path / "other.attackgraph.json"
    write_model(other, path)
    assert window.open_path(str(path))
    assert session.overrides == {} and session.profile is None
    assert session.highlighted_chain() is None
    assert session.wait() and session.analysis.title == "other"


def test_the_timeline_is_the_engines(window, session):
    assert session.wait()
    deadline = time.monotonic() + 10
    while not session.timeline and time.monotonic() < deadline:
        from PySide6.QtWidgets import QApplication

        QApplication.processEvents()
    assert session.timeline == release_timeline(window.document.model)
    bar = window.workbench.toolbar.timeline
    assert set(bar.states) == {"R1", "R2"}


def test_the_canvas_layer_marks_open_chains_choke_points_and_goals(window, session):
    scene, colours = window.scene, palette(False)
    layer = scene.overlays[ANALYSIS_LAYER]
    assert layer.edges[("S2", "G1")].accent == colours.open
    goal = scene.nodes["G1"].mark
    assert any("reachable" in f.text for f in goal.flags)
    assert any("choke" in f.text for f in scene.nodes["S1"].mark.flags)
    assert scene.nodes["E1"].mark.accent is None  # on no chain
    session.set_release("R1")  # M1 ships: the chain is broken
    assert session.wait()
    assert layer is not scene.overlays[ANALYSIS_LAYER]
    edge = scene.overlays[ANALYSIS_LAYER].edges[("S2", "G1")]
    # grey and thin; solid (dashes on a thousand long curves cost frames)
    assert edge.accent == colours.broken and not edge.dashed and edge.width < 1.4
    assert scene.nodes["S2"].mark.dashed and scene.nodes["S2"].mark.faded


def test_partial_mitigations_look_different(window, session):
    window.document.model.add_mitigation(
        Mitigation("M5", "Harden", ("S1",), status="deployed", effectiveness=0.5)
    )
    assert session.wait()
    badges = [b.text for b in window.scene.nodes["S1"].mark.badges]
    assert "◐ −50 %" in badges
    assert window.scene.nodes["S1"].mark.accent == palette(False).open  # still open


def test_a_failing_analysis_says_why(window, session, monkeypatch):
    messages: list[str] = []
    session.failed.connect(messages.append)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(session_module, "compute", broken)
    window.document.model.update_node("S1", label="Exploit again")
    assert not session.wait(5)  # the model moved on and no result could be made
    assert messages == ["disk on fire"]
    assert "disk on fire" in window.statusBar().currentMessage()


def test_the_canvas_shows_new_marks_even_when_the_overview_map_renders_first(window, session):
    # Qt keeps one repaint mark per cached item for every device: the
    # overview map rendering the scene first used it up, and the canvas kept
    # the nodes' old pictures (red rings on chains a release had broken).
    from PySide6.QtWidgets import QGraphicsItem

    viewport = window.view.viewport()
    window.minimap.render_now()
    viewport.repaint()
    session.set_release("R1")
    assert session.wait()
    window.minimap.render_now()
    shown = viewport.grab().toImage()
    for item in window.scene.nodes.values():  # fresh pictures of every node
        mode = item.cacheMode()
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        item.setCacheMode(mode)
    assert shown == viewport.grab().toImage()
