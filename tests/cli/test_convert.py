"""``attackgraph convert`` and reading interchange formats from every command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from attackgraph.cli import main
from attackgraph.formats import read_model
from attackgraph.formats.native import generate_json
from tests.formats.flows import condition_flow, encode, operator_flow
from tests.support import rich_model

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def native(tmp_path: Path) -> Path:
    path = tmp_path / "model.attackgraph.json"
    path.write_text(generate_json(rich_model()), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".stix.json", ".graphml", ".deciduous.yaml", ".yaml", ".afb"])
def test_convert_there_and_back(
    tmp_path: Path, native: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"out{suffix}"
    assert main(["convert", str(native), str(out)]) == 0
    err = capsys.readouterr().err
    assert f"-> {out}" in err and "node(s)" in err
    back = tmp_path / "back.json"
    assert main(["convert", "-q", str(out), str(back)]) == 0
    labels = {n.label for n in read_model(back).nodes.values()}
    assert labels >= {n.label for n in rich_model().nodes.values()}
    if suffix != ".afb":  # a Builder file has no place for node ids
        assert set(read_model(back).nodes) == set(rich_model().nodes)


def test_convert_stix_named_json_to_native(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = tmp_path / "flow.json"
    flow.write_bytes(encode(condition_flow()))
    out = tmp_path / "model.yaml"
    assert main(["convert", str(flow), str(out)]) == 0
    err = capsys.readouterr().err
    assert "warning: the condition's false branch" in err
    assert "label: 'false'" in out.read_text() or 'label: "false"' in out.read_text()


def test_convert_with_to_overrides_the_name(tmp_path: Path, native: Path) -> None:
    out = tmp_path / "export.txt"
    assert main(["convert", str(native), str(out), "--to", "graphml"]) == 0
    assert out.read_text().startswith("<?xml")


@pytest.mark.parametrize(
    ("name", "extra", "fragment"),
    [
        ("x.docx", [], "does not say which format"),
        ("x.json", ["--to", "pdf"], "--to 'pdf' is not a format"),
    ],
)
def test_convert_usage_errors(
    tmp_path: Path,
    native: Path,
    name: str,
    extra: list[str],
    fragment: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["convert", str(native), str(tmp_path / name), *extra]) == 2
    assert fragment in capsys.readouterr().err
    assert not (tmp_path / name).exists()


def test_convert_invalid_input_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.stix.json"
    bad.write_text('{"type": "bundle",\n "objects": [,]}')
    out = tmp_path / "out.json"
    assert main(["convert", str(bad), str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err and "not valid JSON" in err
    assert not out.exists()


def test_convert_unwritable_target_exits_1(
    tmp_path: Path, native: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "missing-folder" / "out.stix.json"
    assert main(["convert", str(native), str(out)]) == 1
    assert "folder does not exist" in capsys.readouterr().err


def test_every_reading_command_opens_attack_flow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flow = tmp_path / "flow.stix.json"
    flow.write_bytes(encode(operator_flow()))
    assert main(["validate", str(flow)]) == 0
    assert main(["analyze", str(flow), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["title"] == "Fixture flow"
    assert main(["check", str(flow), "--max-open-chains", "100"]) == 0


def test_convert_subprocess_has_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.graphml"
    bad.write_text("<graphml><graph>")
    result = subprocess.run(
        [sys.executable, "-m", "attackgraph", "convert", str(bad), str(tmp_path / "x.json")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "not well-formed XML" in result.stderr
