"""``attackgraph validate``: exit codes and messages, in process and as a
real subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from attackgraph.cli import main
from tests.support import HOSTILE_CASES, base_doc

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, doc: object) -> Path:
    if path.suffix in (".yaml", ".yml"):
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    else:
        path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def valid(tmp_path: Path) -> Path:
    return _write(tmp_path / "good.attackgraph.json", base_doc())


@pytest.fixture
def invalid(tmp_path: Path) -> Path:
    doc = base_doc()
    doc["nodes"][1]["gate"] = "xor"
    doc["nodes"][2]["cost"] = -1
    return _write(tmp_path / "bad.attackgraph.json", doc)


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    doc = base_doc()
    doc["nodes"].append({"id": "S9", "kind": "step", "label": "orphan"})
    doc["edges"].append({"source": "S9", "target": "G1"})
    return _write(tmp_path / "warn.attackgraph.json", doc)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_valid_file_exits_0(capsys: pytest.CaptureFixture[str], valid: Path) -> None:
    code, out, err = run(capsys, "validate", str(valid))
    assert code == 0
    assert out == ""
    assert err == f"{valid}: valid (0 error(s), 0 warning(s))\n"


def test_invalid_file_exits_1_with_located_lines(
    capsys: pytest.CaptureFixture[str], invalid: Path
) -> None:
    code, out, err = run(capsys, "validate", str(invalid))
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert f"{invalid}: /nodes/1/gate: 'gate' must be 'or' or 'and', not 'xor'." in lines
    assert f"{invalid}: /nodes/2/cost: 'cost' must be at least 0, not -1." in lines
    assert lines[-1] == f"{invalid}: invalid (2 error(s), 0 warning(s))"


def test_yaml_errors_carry_line_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = base_doc()
    doc["nodes"][1]["gate"] = "xor"
    path = _write(tmp_path / "bad.attackgraph.yaml", doc)
    code, _, err = run(capsys, "validate", str(path))
    assert code == 1
    text = path.read_text().splitlines()
    line = next(i for i, t in enumerate(text, 1) if "gate: xor" in t)
    column = text[line - 1].index("gate") + 1
    assert f"{path}:{line}:{column}: /nodes/1/gate: 'gate' must be" in err


def test_yaml_syntax_error_gives_line_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format: attackgraph\ntitle: [a\nnodes: []\n")
    code, _, err = run(capsys, "validate", str(path))
    assert code == 1
    assert re.search(rf"^{re.escape(str(path))}:\d+:\d+: not valid YAML: ", err, re.M)


def test_warnings_are_marked_and_do_not_fail(
    capsys: pytest.CaptureFixture[str], warned: Path
) -> None:
    code, _, err = run(capsys, "validate", str(warned))
    assert code == 0
    assert f"{warned}: /nodes/3: warning: step 'S9' has no incoming edge" in err
    assert err.splitlines()[-1] == f"{warned}: valid (0 error(s), 1 warning(s))"


def test_quiet_prints_errors_only(
    capsys: pytest.CaptureFixture[str], warned: Path, invalid: Path
) -> None:
    code, _, err = run(capsys, "validate", "-q", str(warned))
    assert (code, err) == (0, "")
    code, _, err = run(capsys, "validate", "--quiet", str(invalid))
    assert code == 1
    assert len(err.splitlines()) == 2
    assert "invalid (" not in err


def test_every_file_is_checked(
    capsys: pytest.CaptureFixture[str], valid: Path, invalid: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.json"
    code, _, err = run(capsys, "validate", str(invalid), str(valid), str(missing))
    assert code == 1
    assert f"{valid}: valid" in err
    assert f"{invalid}: invalid (2 error(s)" in err
    assert f"{missing}: no such file." in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], valid: Path) -> None:
    assert main([]) == 2
    assert "usage:" in capsys.readouterr().err
    for args in (
        ["validate"],
        ["validate", "--bogus", str(valid)],
        ["--bogus"],
        ["no-such-command"],
    ):
        with pytest.raises(SystemExit) as info:
            main(args)
        assert info.value.code == 2, args
        err = capsys.readouterr().err
        assert "usage:" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("raw", "suffix"), [c[1:3] for c in HOSTILE_CASES], ids=[c[0] for c in HOSTILE_CASES]
)
def test_hostile_input_exits_1_without_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, raw: bytes, suffix: str
) -> None:
    path = tmp_path / f"hostile{suffix}"
    path.write_bytes(raw)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) >= 2
    for line in lines:
        assert line.startswith(f"{path}:"), line


def test_directory_and_size_limit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, valid: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 1 and f"{tmp_path}: this is a folder" in err
    monkeypatch.setenv("ATTACKGRAPH_MAX_FILE_MB", "0.0001")
    code, _, err = run(capsys, "validate", str(valid))
    assert code == 1 and "larger than the limit" in err


# ------------------------------------------------------------ subprocesses
def _subprocess(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "attackgraph", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def test_subprocess_exit_codes(valid: Path, invalid: Path, tmp_path: Path) -> None:
    ok = _subprocess("validate", str(valid))
    assert (ok.returncode, ok.stdout) == (0, "")
    bad = _subprocess("validate", str(invalid))
    assert bad.returncode == 1
    assert f"{invalid}: /nodes/1/gate: " in bad.stderr
    usage = _subprocess("validate")
    assert usage.returncode == 2 and "usage:" in usage.stderr
    nothing = _subprocess()
    assert nothing.returncode == 2
    for result in (ok, bad, usage, nothing):
        assert "Traceback" not in result.stdout + result.stderr


def test_subprocess_every_hostile_file_at_once(tmp_path: Path) -> None:
    paths = []
    for name, raw, suffix, _ in HOSTILE_CASES:
        path = tmp_path / f"{name}{suffix}"
        path.write_bytes(raw)
        paths.append(str(path))
    paths += [str(tmp_path / "missing.yaml"), str(tmp_path)]
    result = _subprocess("validate", *paths)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "larger than the limit" not in result.stderr  # each failed for its own reason
    for path in paths:
        assert f"{path}: invalid (" in result.stderr, path
    assert "nested too deeply" in result.stderr and "alias" in result.stderr


def test_subprocess_size_limit(valid: Path) -> None:
    result = _subprocess("validate", str(valid), env={"ATTACKGRAPH_MAX_FILE_MB": "0.0005"})
    assert result.returncode == 1
    assert f"{valid}: the file is " in result.stderr
    assert "larger than the limit" in result.stderr and "Traceback" not in result.stderr
