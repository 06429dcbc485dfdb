"""The Graphviz backend: output, failures, timeout, cancellation, missing dot;
and the canvas layout that goes through it."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from attackgraph.errors import RenderError
from attackgraph.model import AttackModel, Edge, Node
from attackgraph.render import backend
from attackgraph.render.backend import INSTALL_HINT, RenderCancelled, run_graphviz
from attackgraph.render.layout import (
    DOT_LAYOUT_LIMIT,
    NODE_HEIGHT,
    NODE_WIDTH,
    auto_layout,
    graphviz_layout,
    layered_layout,
)
from tests.render.hostile import hostile_model, needs_dot, small_model


@pytest.fixture
def slow_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake ``dot`` that sleeps, first on the PATH."""
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\ncat > /dev/null\nsleep 30\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    return fake


def test_missing_dot_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend.shutil, "which", lambda name: None)
    with pytest.raises(RenderError) as info:
        run_graphviz("digraph {}", "svg")
    assert str(info.value) == INSTALL_HINT
    assert "apt install graphviz" in INSTALL_HINT
    assert not backend.dot_available()


def test_timeout_stops_the_run(slow_dot: Path) -> None:
    started = time.monotonic()
    with pytest.raises(RenderError, match=r"longer than 0\.3 s"):
        run_graphviz("digraph {}", "svg", timeout=0.3)
    assert time.monotonic() - started < 10


def test_cancel_stops_a_running_layout(slow_dot: Path) -> None:
    cancel = threading.Event()
    timer = threading.Timer(0.3, cancel.set)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(RenderCancelled):
            run_graphviz("digraph {}", "json", timeout=60, cancel=cancel)
    finally:
        timer.cancel()
    assert time.monotonic() - started < 5


def test_cancel_before_start_runs_nothing(slow_dot: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    started = time.monotonic()
    with pytest.raises(RenderCancelled):
        run_graphviz("digraph {}", "svg", cancel=cancel)
    assert time.monotonic() - started < 1


@pytest.mark.graphviz
@needs_dot
def test_dot_output_and_failure() -> None:
    svg = run_graphviz('digraph { a -> b }', "svg")
    assert b"<svg" in svg
    with pytest.raises(RenderError, match="Graphviz dot failed"):
        run_graphviz("digraph { a -> }", "svg")
    cancel = threading.Event()  # an unset event does not disturb a normal run
    assert b"<svg" in run_graphviz('digraph { a -> b }', "svg", cancel=cancel)


@pytest.mark.graphviz
@needs_dot
def test_large_input_through_the_polling_loop() -> None:
    # more than a pipe buffer each way, with a cancel event (polling path)
    source = "digraph {\n" + "".join(f'n{i} -> n{i + 1} [label="{"x" * 40}"];\n'
                                     for i in range(3000)) + "}\n"
    out = run_graphviz(source, "plain", cancel=threading.Event(), timeout=120)
    assert out.count(b"\nnode ") == 3001


@pytest.mark.graphviz
@needs_dot
def test_graphviz_layout_places_every_node_left_to_right() -> None:
    model = small_model()
    positions = graphviz_layout(model)
    assert list(positions) == list(model.nodes)
    assert positions["E1"][0] < positions["S1"][0] < positions["S3"][0] < positions["G1"][0]
    # boxes of the canvas size do not overlap
    for a in positions:
        for b in positions:
            if a < b:
                (xa, ya), (xb, yb) = positions[a], positions[b]
                assert abs(xa - xb) >= NODE_WIDTH * 0.99 or abs(ya - yb) >= NODE_HEIGHT * 0.99


@pytest.mark.graphviz
@needs_dot
def test_graphviz_layout_with_awkward_ids() -> None:
    model = hostile_model()  # ids "cluster_0", "node", "end", "a--b"
    positions = graphviz_layout(model)
    assert set(positions) == set(model.nodes)


@pytest.mark.graphviz
@needs_dot
def test_graphviz_layout_can_be_cancelled() -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(RenderCancelled):
        graphviz_layout(small_model(), cancel=cancel)


def test_auto_layout_falls_back_without_dot(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend.shutil, "which", lambda name: None)
    model = small_model()
    positions, note = auto_layout(model)
    assert note.startswith("built-in layout") and "Graphviz is not installed" in note
    assert positions == layered_layout(model)


def test_auto_layout_uses_the_built_in_layout_for_big_models() -> None:
    model = AttackModel()
    for i in range(DOT_LAYOUT_LIMIT + 1):
        model.add_node(Node(f"N{i}", "entry" if i == 0 else "step", "n"))
        if i:
            model.add_edge(Edge(f"N{i - 1}", f"N{i}"))
    _, note = auto_layout(model)
    assert note == "built-in layout (large model)"


@pytest.mark.graphviz
@needs_dot
def test_graphviz_json_names_are_the_model_ids() -> None:
    from attackgraph.render.dot import layout_dot

    raw = run_graphviz(layout_dot(small_model(), width=NODE_WIDTH, height=NODE_HEIGHT), "json")
    names = {o["name"] for o in json.loads(raw)["objects"] if "nodes" not in o}
    assert names == set(small_model().nodes)
