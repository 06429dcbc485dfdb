"""Issue 12 in the CLI: clean terminals, bounded analysis, special files, backups."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from attackgraph.cli import main
from tests.support import base_doc

ESC = "\x1b"
HOSTILE = f"T{ESC}]52;c;aGk=\x07{ESC}[2J\x9b31m\u202eend\r"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def hostile_model(tmp_path: Path) -> str:
    doc = base_doc()
    doc["title"] = HOSTILE
    doc["nodes"][1]["label"] = f"L{ESC}]0;retitled\x07"
    doc["nodes"][1]["techniques"] = ["T1190"]
    doc["mitigations"][0]["label"] = f"M{ESC}[8mhidden"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(doc))
    return str(path)


def and_bomb(tmp_path: Path, width: int = 40) -> str:
    """One AND step over ``width`` two-way alternatives: 2**width minimal chains."""
    nodes, edges = [], []
    for i in range(width):
        for side in "ab":
            nodes.append({"id": f"E{i}{side}", "kind": "entry", "label": f"e{i}{side}"})
            edges.append({"source": f"E{i}{side}", "target": f"S{i}"})
        nodes.append({"id": f"S{i}", "kind": "step", "label": f"s{i}"})
        edges.append({"source": f"S{i}", "target": "A"})
    nodes += [
        {"id": "A", "kind": "step", "gate": "and", "label": "all"},
        {"id": "G", "kind": "goal", "label": "goal"},
    ]
    edges.append({"source": "A", "target": "G"})
    path = tmp_path / "bomb.json"
    path.write_text(
        json.dumps(
            {"format": "attackgraph", "version": 1, "title": "bomb", "nodes": nodes, "edges": edges}
        )
    )
    return str(path)


UNSAFE = [chr(c) for c in (*range(0, 9), *range(11, 32), *range(0x7F, 0xA0))] + ["\u202e"]


@pytest.mark.parametrize(
    "argv",
    [
        ["analyze", "{f}"],
        ["analyze", "{f}", "--format", "json"],
        ["analyze", "{f}", "--format", "csv"],
        ["suggest", "{f}"],
        ["suggest", "{f}", "--format", "json"],
        ["optimize", "{f}"],
        ["optimize", "{f}", "--format", "json"],
        ["check", "{f}"],
        ["validate", "{f}"],
        ["diff", "{f}", "{g}"],
        ["diff", "{f}", "{g}", "--format", "json"],
        ["convert", "{f}", "{o}.deciduous.yaml"],
        ["export", "{f}", "-o", "{o}.md"],
    ],
)
def test_no_control_character_reaches_the_terminal(tmp_path, capsys, argv) -> None:
    evil = hostile_model(tmp_path)
    other = tmp_path / "other.json"
    other.write_text(json.dumps(base_doc()))
    args = [a.format(f=evil, g=other, o=tmp_path / "out") for a in argv]
    _code, out, err = run(capsys, *args)
    assert out or err or argv[0] == "export"
    for text in (out, err):
        assert not [c for c in UNSAFE if c in text], repr(text[:400])
    if "json" in argv:
        data = json.loads(out)
        if "title" in data:
            assert data["title"] == HOSTILE  # escaped, not altered


def test_long_id_in_a_warning_is_cut(tmp_path, capsys) -> None:
    doc = base_doc()
    doc["nodes"].append({"id": "X" * 5_000_000, "kind": "step", "label": "lonely"})
    path = tmp_path / "long.json"
    path.write_text(json.dumps(doc))
    _code, out, err = run(capsys, "validate", str(path))
    assert len(out) + len(err) < 20_000


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("command", ["validate", "analyze", "convert", "export"])
def test_fifo_input_is_refused(tmp_path, capsys, command) -> None:
    fifo = tmp_path / "m.json"
    os.mkfifo(fifo)
    extra = {"convert": [str(tmp_path / "o.yaml")], "export": ["-o", str(tmp_path / "o.svg")]}
    code, _out, err = run(capsys, command, str(fifo), *extra.get(command, []))
    assert code == 1
    assert "named pipe (FIFO), not a regular file" in err


def test_bounded_analysis_lists_what_it_found(tmp_path, capsys) -> None:
    bomb = and_bomb(tmp_path)
    code, out, err = run(capsys, "analyze", bomb, "--format", "json", "--max-memory", "40")
    assert code == 0
    data = json.loads(out)
    assert data["truncated"] is True
    assert data["chains"], "the chains found so far are listed"
    assert len(data["chains"][0]["nodes"]) == 2 * 40 + 2  # one entry per alternative, S*, A, G
    assert data["goals"][0]["chains"] is None
    assert "memory limit of 40 MiB" in data["warnings"][0]
    assert "memory limit of 40 MiB" in err and "--max-memory" in err


def test_time_limit_stops_the_search(tmp_path, capsys) -> None:
    code, out, _err = run(
        capsys, "analyze", and_bomb(tmp_path), "--format", "json", "--max-seconds", "0.3"
    )
    data = json.loads(out)
    assert code == 0 and data["truncated"] is True
    assert "time limit of 0.3 s" in data["warnings"][0]


def test_environment_sets_the_memory_bound(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("ATTACKGRAPH_MAX_MEMORY_MB", "30")
    _code, out, _err = run(capsys, "analyze", and_bomb(tmp_path), "--format", "json")
    assert "memory limit of 30 MiB" in json.loads(out)["warnings"][0]


def test_check_fails_closed_when_a_limit_stops_it(tmp_path, capsys) -> None:
    code, out, err = run(
        capsys, "check", and_bomb(tmp_path), "--max-open-chains", "5", "--max-memory", "30"
    )
    assert code == 1
    assert "FAILED" in out and "memory limit" in err


def test_a_complete_analysis_has_no_warnings(tmp_path, capsys) -> None:
    _code, out, _err = run(capsys, "analyze", and_bomb(tmp_path, 4), "--format", "json")
    data = json.loads(out)
    assert data["truncated"] is False and "warnings" not in data
    assert data["goals"][0]["chains"] == 16


def test_convert_and_export_keep_the_overwritten_file_as_backup(tmp_path, capsys) -> None:
    source = tmp_path / "m.json"
    source.write_text(json.dumps(base_doc()))
    for argv, out in (
        (["convert", str(source)], tmp_path / "o.graphml"),
        (["export", str(source), "-o"], tmp_path / "o.csv"),
        (["export", str(source), "-o"], tmp_path / "o.yaml"),
    ):
        out.write_text("previous version")
        assert run(capsys, *argv, str(out))[0] == 0
        assert (tmp_path / (out.name + "~")).read_text() == "previous version"
        assert out.read_text() != "previous version"


def test_export_timeout_bounds_the_python_work_too(tmp_path, capsys) -> None:
    doc = base_doc()
    doc["description"] = "d" * (16 << 20)
    source = tmp_path / "huge.json"
    source.write_text(json.dumps(doc))
    out = tmp_path / "o.yaml"
    out.write_text("old")
    code, _out, err = run(capsys, "export", str(source), "-o", str(out), "--timeout", "0.01")
    assert code == 3
    assert "longer than --timeout 0.01 s" in err
    assert out.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_optimize_time_limit_covers_the_whole_command(tmp_path, capsys, monkeypatch) -> None:
    import scipy.optimize

    import attackgraph.cli.optimize as cli_optimize

    given: list[float] = []
    real_milp = scipy.optimize.milp

    def spy(*args, **kwargs):
        given.append(kwargs["options"]["time_limit"])
        return real_milp(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "milp", spy)
    ticks = iter([100.0, 101.5, *[101.6] * 50])  # reading the model "took" 1.5 s
    monkeypatch.setattr(cli_optimize.time, "monotonic", lambda: next(ticks))
    source = tmp_path / "m.json"
    source.write_text(json.dumps(base_doc()))
    assert run(capsys, "optimize", str(source), "--time-limit", "2")[0] == 0
    assert given and all(limit <= 2 - 1.5 - 0.1 + 1e-9 for limit in given)


def test_export_says_when_a_limit_stopped_the_analysis(tmp_path, capsys) -> None:
    out = tmp_path / "m.csv"
    code, _out, err = run(
        capsys, "export", and_bomb(tmp_path), "-o", str(out), "--max-memory", "30"
    )
    assert code == 0 and out.exists()
    assert "memory limit of 30 MiB" in err
