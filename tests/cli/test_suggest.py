"""``attackgraph suggest``: catalog mitigations per step."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attackgraph.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = str(ROOT / "samples" / "mirai-2016.attackgraph.json")


def test_suggest_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", SAMPLE]) == 0
    out = capsys.readouterr().out
    assert "default-cred-login" in out and "[T1110.001, T1078.001]" in out
    assert "M1032  Multi-factor Authentication" in out
    assert "P5     Certificate-based authentication" in out and "via M1027, M1032" in out
    assert "ATT&CK® Enterprise mitigations v18.1" in out
    assert "permission of The MITRE Corporation" in out


def test_suggest_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", SAMPLE, "--format", "json", "--node", "default-cred-login"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "attackgraph.suggestions/1"
    assert [c["version"] for c in doc["catalogs"]] == ["18.1", "MSR-TR-2017-16"]
    [node] = doc["nodes"]
    ids = [s["id"] for s in node["suggestions"]]
    assert "M1032" in ids and "P5" in ids
    first = node["suggestions"][0]
    assert set(first) >= {"catalog", "id", "label", "techniques", "via_parent", "existing"}


def test_suggest_one_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", SAMPLE, "--catalog", "seven-properties", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # without the ATT&CK catalog the Seven Properties have no way to techniques
    assert all(n["suggestions"] == [] for n in doc["nodes"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--catalog", "nope"], "unknown catalog 'nope'"),
        (["--node", "ghost"], "no node 'ghost'"),
    ],
)
def test_suggest_usage_errors(
    args: list[str], fragment: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suggest", SAMPLE, *args]) == 2
    assert fragment in capsys.readouterr().err


def test_suggest_invalid_model_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "attackgraph", "version": 1, "title": 3, "nodes": []}')
    assert main(["suggest", str(bad)]) == 1
    assert "/title" in capsys.readouterr().err


def test_suggest_without_techniques(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = tmp_path / "m.json"
    plain.write_text(
        '{"format": "attackgraph", "version": 1, "title": "t", "nodes": '
        '[{"id": "E1", "kind": "entry", "label": "e"}]}'
    )
    assert main(["suggest", str(plain)]) == 0
    assert "No node has technique ids" in capsys.readouterr().out
