"""Hostile input: every case ends in a located, readable problem, never a
traceback, a hang or a memory blow-up, and never runs code."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from attackgraph.errors import FormatError, ModelError
from attackgraph.formats import check_file, read_model
from attackgraph.formats.native import check_bytes, check_text, parse_model
from attackgraph.formats.native.parse import (
    DEFAULT_MAX_BYTES,
    max_file_bytes,
    parse_json,
    parse_text,
    parse_yaml,
)
from tests.support import HOSTILE_CASES, alias_bomb, base_doc

LOCATED = {  # cases where the parser knows the line and column
    "non-utf8": (1, 15),
    "nul-json": (1, 12),
    "nul-yaml": (1, 9),
    "json-syntax": (3, 14),
    "yaml-syntax": (5, 1),
    "yaml-python-tag": (1, 9),
    "duplicate-yaml-key": (4, 1),
    "yaml-unhashable-key": (1, 3),
    "yaml-nan": (5, 34),
}


@pytest.mark.parametrize(
    ("raw", "suffix", "fragment"), [c[1:] for c in HOSTILE_CASES], ids=[c[0] for c in HOSTILE_CASES]
)
def test_hostile_file_gives_a_clear_problem(
    tmp_path: Path, request: pytest.FixtureRequest, raw: bytes, suffix: str, fragment: str
) -> None:
    path = tmp_path / f"hostile{suffix}"
    path.write_bytes(raw)
    started = time.monotonic()
    checked = check_file(path)
    elapsed = time.monotonic() - started
    assert checked.model is None
    assert checked.errors, checked.problems
    first = checked.errors[0]
    assert any(fragment in p.message for p in checked.errors), checked.errors
    for problem in checked.problems:
        assert problem.message and "\n" not in problem.message
        assert "Traceback" not in problem.message
        assert problem.message.endswith("."), problem.message
        assert len(problem.message) < 400
    case = request.node.callspec.id
    if case in LOCATED:
        assert (first.line, first.column) == LOCATED[case], first
    with pytest.raises(ModelError) as info:
        read_model(path)
    assert info.value.problems == checked.problems
    assert elapsed < 10, f"{case} took {elapsed:.1f} s"  # a generous bound: no hang


def test_yaml_python_tags_never_execute(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payloads = [
        f"format: !!python/object/apply:os.system ['touch {marker}']\n",
        f"!!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path "
        f"['{marker}']]\n",
        f"x-a: !!python/object/new:subprocess.Popen [['touch', '{marker}']]\n",
        f"x-a: !!python/name:os.system\nx-b: !!python/object/apply:os.system ['touch {marker}']\n",
        f"x-a: !<tag:yaml.org,2002:python/object/apply:os.system> ['touch {marker}']\n",
        "format: !!binary aGVsbG8=\n",
        "x-a: !!set {a, b}\n",
        "x-a: !custom thing\n",
    ]
    for payload in payloads:
        checked = check_text(payload, "yaml")
        assert checked.model is None, payload
        assert checked.errors, payload
        assert not marker.exists(), payload


def test_alias_bomb_fails_fast() -> None:
    started = time.monotonic()
    checked = check_bytes(alias_bomb(levels=9), "yaml")
    assert checked.model is None
    assert "alias" in checked.errors[0].message
    assert checked.errors[0].line is not None
    assert time.monotonic() - started < 5


def test_modest_aliases_are_allowed() -> None:
    text = (
        "format: attackgraph\nversion: 1\ntitle: t\n"
        "nodes:\n"
        "  - &step {id: S1, kind: step, label: s, refs: &refs [CVE-1, CVE-2]}\n"
        "  - {id: G1, kind: goal, label: g, refs: *refs}\n"
        "edges:\n  - {source: S1, target: G1}\n"
        "x-again: *step\n"
    )
    checked = check_text(text, "yaml")
    assert checked.errors == []
    assert checked.model is not None
    assert checked.model.nodes["G1"].refs == ("CVE-1", "CVE-2")


def test_yaml_merge_keys_still_work_and_are_not_duplicates() -> None:
    text = (
        "format: attackgraph\nversion: 1\ntitle: t\n"
        "x-base: &base {kind: step, label: shared}\n"
        "nodes:\n"
        "  - {<<: *base, id: S1, label: own}\n"
        "  - {id: G1, kind: goal, label: g}\n"
        "edges: [{source: S1, target: G1}]\n"
    )
    checked = check_text(text, "yaml")
    assert checked.model is not None, checked.problems
    assert checked.model.nodes["S1"].label == "own"


def test_size_limit_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.attackgraph.json"
    doc = base_doc()
    doc["description"] = "x" * 5000
    import json

    path.write_text(json.dumps(doc), encoding="utf-8")
    assert check_file(path).errors == []
    monkeypatch.setenv("ATTACKGRAPH_MAX_FILE_MB", "0.001")
    assert max_file_bytes() == 1048
    checked = check_file(path)
    assert checked.model is None
    message = checked.errors[0].message
    assert "larger than the limit" in message and "ATTACKGRAPH_MAX_FILE_MB" in message
    assert "limit of 1.02 KiB" in message and " KiB, larger" in message, message
    small = tmp_path / "small.attackgraph.json"
    small.write_text('{"format": "attackgraph", "version": 1, "title": "t", "nodes": []}')
    assert check_file(small).errors == []


@pytest.mark.parametrize("value", ["", "abc", "0", "-5", "  "])
def test_size_limit_falls_back_to_default(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("ATTACKGRAPH_MAX_FILE_MB", value)
    assert max_file_bytes() == DEFAULT_MAX_BYTES


def test_size_limit_without_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATTACKGRAPH_MAX_FILE_MB", raising=False)
    assert max_file_bytes() == 64 * 1024 * 1024


def test_directory_missing_and_unreadable_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert "folder" in check_file(tmp_path).errors[0].message
    assert "no such file" in check_file(tmp_path / "absent.json").errors[0].message
    locked = tmp_path / "locked.attackgraph.json"
    locked.write_text("{}")
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the OS say no instead
        import attackgraph.fileio as fileio

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(fileio, "open", refuse, raising=False)
    checked = check_file(locked)
    assert checked.model is None
    assert "permission denied" in checked.errors[0].message


def test_special_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATTACKGRAPH_MAX_FILE_MB", "0.001")
    checked = check_file("/dev/zero")  # endless, and stat() says size 0
    assert checked.model is None
    assert "not a regular file" in checked.errors[0].message


def test_bom_is_accepted() -> None:
    import json

    raw = b"\xef\xbb\xbf" + json.dumps(base_doc()).encode()
    assert check_bytes(raw, "json").errors == []


def test_parsers_raise_format_errors_directly() -> None:
    with pytest.raises(FormatError) as info:
        parse_json('{"a": [1, 2}')
    assert (info.value.line, info.value.column) == (1, 12)
    with pytest.raises(FormatError) as info:
        parse_yaml("a: [1, 2\n")
    assert info.value.line == 2
    with pytest.raises(FormatError, match="empty"):
        parse_text("   ")
    with pytest.raises(FormatError, match="empty"):
        parse_yaml("# only a comment\n")
    assert parse_text("[1]").syntax == "json"
    assert parse_text("a: 1").syntax == "yaml"


def test_yaml_dates_stay_strings() -> None:
    parsed = parse_yaml("date: 2020-06-30\n")
    assert parsed.data == {"date": "2020-06-30"}


def test_parse_model_raises_model_error_with_located_problems() -> None:
    with pytest.raises(ModelError) as info:
        parse_model("format: attackgraph\nversion: 1\ntitle: t\nnodes: 5\n", "yaml")
    assert [(p.pointer, p.line, p.column) for p in info.value.errors] == [("/nodes", 4, 1)]
    assert str(info.value) == "the model has 1 error(s)."


def test_nesting_up_to_the_limit_reads_and_writes_back() -> None:
    from attackgraph.formats.native import generate_json, generate_yaml
    from attackgraph.formats.native.parse import MAX_DEPTH

    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH  # the innermost list is at the limit
    text = f'{{"format": "attackgraph", "version": 1, "title": "t", "nodes": [], "x-deep": {deep}}}'
    model = parse_model(text)
    for generate, syntax in ((generate_json, "json"), (generate_yaml, "yaml")):
        written = generate(model)
        assert generate(parse_model(written, syntax)) == written  # type: ignore[arg-type]
    too_deep = text.replace(deep, "[" + deep + "]")
    checked = check_text(too_deep)
    assert checked.model is None
    assert "nested more than" in checked.errors[0].message


def test_a_200_mb_file_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.attackgraph.json"
    with open(path, "wb") as handle:  # sparse: 200 MB on paper, nothing on disk
        handle.truncate(200 * 1024 * 1024)
    started = time.monotonic()
    checked = check_file(path)
    assert time.monotonic() - started < 2
    assert checked.model is None
    message = checked.errors[0].message
    assert "200 MiB" in message and "limit of 64 MiB" in message
    assert "ATTACKGRAPH_MAX_FILE_MB" in message
