"""The memory and time bounds of the chain search (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

from attackgraph.analysis import analyze
from attackgraph.analysis.limits import (
    SearchLimits,
    current_limits,
    restore_limits,
    set_limits,
)
from attackgraph.analysis.scenario import resolve_scenario
from attackgraph.analysis.search import enumerate_chains, is_minimal
from attackgraph.formats import read_model
from tests.cli.test_reliability import and_bomb


def _bomb(tmp_path: Path, width: int = 30):  # type: ignore[no-untyped-def]
    return read_model(and_bomb(tmp_path, width))


def test_memory_bound_stops_the_search_with_a_minimal_chain(tmp_path: Path) -> None:
    model = _bomb(tmp_path)
    scenario = resolve_scenario(model)
    graph = scenario.graph
    goal = graph.index["G"]
    result = enumerate_chains(
        graph, scenario.allowed, [goal], 1000, limits=SearchLimits(max_memory_mb=8, max_seconds=60)
    )
    assert result.stopped_by == "memory" and result.truncated
    assert result.exhausted[goal] is False
    assert result.chains
    for g, nodes in result.chains:
        assert is_minimal(graph, nodes, g)


def test_time_bound_names_itself(tmp_path: Path) -> None:
    model = _bomb(tmp_path)
    previous = set_limits(max_seconds=0.01)
    try:
        result = analyze(model)
    finally:
        restore_limits(previous)
    assert result.truncated and result.goals[0].chains is None
    assert "time limit of 0.01 s" in result.warnings[0]
    assert json.loads(json.dumps(result.to_json()))["warnings"] == list(result.warnings)


def test_no_limit_reached_means_no_warning(tmp_path: Path) -> None:
    result = analyze(_bomb(tmp_path, 5))
    assert not result.truncated and result.warnings == ()
    assert "warnings" not in result.to_json()
    assert result.goals[0].chains == 32


def test_limits_come_from_the_environment_and_set_limits(monkeypatch) -> None:
    monkeypatch.setenv("ATTACKGRAPH_MAX_MEMORY_MB", "123")
    monkeypatch.setenv("ATTACKGRAPH_MAX_SECONDS", "nonsense")
    assert current_limits() == SearchLimits(123, 60.0)
    previous = set_limits(max_seconds=7)
    try:
        assert current_limits() == SearchLimits(123, 7)
    finally:
        restore_limits(previous)
    assert current_limits().max_seconds == 60.0
    assert current_limits().max_memory_mb < 1024  # the default stays well under 1 GB
    monkeypatch.delenv("ATTACKGRAPH_MAX_MEMORY_MB")
    assert current_limits().max_memory_mb < 1024
