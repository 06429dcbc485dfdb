"""The Graphviz backend: output, failures, timeout, cancellation, missing dot
(the canvas layout that goes through it is tested in test_layout)."""

from __future__ import annotations

import os
import stat
import threading
import time
from pathlib import Path

import pytest

from attackgraph.errors import RenderError
from attackgraph.render import backend
from attackgraph.render.backend import INSTALL_HINT, RenderCancelled, run_graphviz
from tests.render.hostile import needs_dot


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
    svg = run_graphviz("digraph { a -> b }", "svg")
    assert b"<svg" in svg
    with pytest.raises(RenderError, match="Graphviz dot failed"):
        run_graphviz("digraph { a -> }", "svg")
    cancel = threading.Event()  # an unset event does not disturb a normal run
    assert b"<svg" in run_graphviz("digraph { a -> b }", "svg", cancel=cancel)


@pytest.mark.graphviz
@needs_dot
def test_large_input_through_the_polling_loop() -> None:
    # more than a pipe buffer each way, with a cancel event (polling path)
    source = (
        "digraph {\n"
        + "".join(f'n{i} -> n{i + 1} [label="{"x" * 40}"];\n' for i in range(3000))
        + "}\n"
    )
    out = run_graphviz(source, "plain", cancel=threading.Event(), timeout=120)
    assert out.count(b"\nnode ") == 3001


def test_a_slow_reader_gets_all_its_input_while_cancel_is_watched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An engine that starts reading late: its input outlasts the first
    # polling slice. It must still arrive whole (a pipe fed only during the
    # first slice left both sides waiting until the timeout).
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\nsleep 0.3\nwc -c\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    source = "x" * 1_000_000
    started = time.monotonic()
    out = run_graphviz(source, "svg", cancel=threading.Event(), timeout=20)
    assert int(out.split()[0]) == 1_000_000
    assert time.monotonic() - started < 10
