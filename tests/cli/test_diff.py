"""``attackgraph diff``: model changes by id with fields, analysis changes,
formats, exit codes."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from attackgraph.cli import main
from tests.cli.analysis_models import DEMO, write_invalid
from tests.render.hostile import hostile_doc


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _write(tmp_path: Path, name: str, doc: dict) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[str, str]:
    old = copy.deepcopy(DEMO)
    new = copy.deepcopy(DEMO)
    new["nodes"][2]["label"] = "Initial foothold"  # S1 changed
    new["nodes"][2]["cost"] = 3
    new["nodes"].append({"id": "S9", "kind": "step", "label": "Pivot"})
    new["edges"].append({"source": "E1", "target": "S9"})
    new["edges"].append({"source": "S9", "target": "G2"})  # opens a chain to G2
    new["mitigations"][2]["status"] = "deployed"  # M3 closes C2 (E1 > ... > G1)
    del new["profiles"][0]
    new["layout"] = {"E1": [10.0, 20.0]}  # ignored
    return _write(tmp_path, "old.json", old), _write(tmp_path, "new.json", new)


def test_same_models_exit_0(tmp_path, capsys) -> None:
    path = _write(tmp_path, "a.json", DEMO)
    moved = copy.deepcopy(DEMO)
    moved["layout"] = {"E1": [1.0, 2.0]}
    other = _write(tmp_path, "b.json", moved)
    code, out, _ = run(capsys, "diff", path, other)
    assert code == 0 and "the models are the same" in " ".join(out.split())


def test_text_lists_changes_by_id_with_fields(pair, capsys) -> None:
    code, out, err = run(capsys, "diff", *pair)
    assert code == 1 and err == ""
    assert "~ S1" in out and 'label: "Foothold" -> "Initial foothold"' in out
    assert "cost: - -> 3" in out
    assert "+ S9" in out and "+ E1 -> S9" in out and "+ S9 -> G2" in out
    assert "~ M3" in out and 'status: - -> "deployed"' in out
    assert "- remote" in out
    assert "layout" not in out.split("(canvas layout is not compared)")[1]
    assert "goals newly reachable: G2" in out and "goals newly safe: G1" in out
    assert "chains opened: 1" in out and "E1 > S9 > G2 (a new chain)" in out
    assert "chains closed: 1" in out and "now broken by M3" in out
    assert "optimal set cost:" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_json_contract(pair, capsys) -> None:
    code, out, _ = run(capsys, "diff", *pair, "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["schema"] == "attackgraph.diff/1" and data["same"] is False
    assert data["old"].endswith("old.json") and data["new"].endswith("new.json")
    model = data["model"]
    assert list(model) == [
        "model",
        "components",
        "nodes",
        "edges",
        "mitigations",
        "profiles",
        "releases",
    ]
    nodes = {n["id"]: n for n in model["nodes"]}
    assert nodes["S9"]["change"] == "added"
    assert nodes["S1"]["fields"] == [
        {"field": "label", "old": "Foothold", "new": "Initial foothold"},
        {"field": "cost", "old": None, "new": 3},
    ]
    assert {"source": "S9", "target": "G2", "change": "added"} in model["edges"]
    assert model["profiles"] == [{"id": "remote", "change": "removed", "label": "Remote"}]
    analysis = data["analysis"]
    assert [c["nodes"] for c in analysis["chains_opened"]] == [["E1", "S9", "G2"]]
    assert analysis["chains_opened"][0]["reason"] == "a new chain"
    closed = analysis["chains_closed"]
    assert [c["nodes"] for c in closed] == [["E1", "S1", "S4", "G1"]]
    assert closed[0]["reason"] == "now broken by M3" and closed[0]["new_id"] is not None
    assert analysis["goals_newly_reachable"] == ["G2"]
    assert analysis["goals_newly_safe"] == ["G1"]
    assert analysis["optimal_cost"]["old"] == 2.0
    assert analysis["complete"] is True


def test_html_is_a_page(pair, capsys) -> None:
    code, out, _ = run(capsys, "diff", *pair, "--format", "html")
    assert code == 1
    ET.fromstring(out.split("\n", 1)[1])
    assert "Initial foothold" in out and "Chains opened (1)" in out
    assert "<script" not in out.lower()


def test_no_analysis(pair, capsys) -> None:
    code, out, _ = run(capsys, "diff", *pair, "--no-analysis", "--format", "json")
    assert code == 1 and json.loads(out)["analysis"] is None


def test_release_order_and_model_fields(tmp_path, capsys) -> None:
    new = copy.deepcopy(DEMO)
    new["releases"].reverse()
    new["title"] = "demo v2"
    new["x-owner"] = "team"
    code, out, _ = run(
        capsys,
        "diff",
        _write(tmp_path, "a.json", DEMO),
        _write(tmp_path, "b.json", new),
        "--format",
        "json",
    )
    fields = {f["field"]: f for f in json.loads(out)["model"]["model"]}
    assert code == 1
    assert fields["title"] == {"field": "title", "old": "demo", "new": "demo v2"}
    assert fields["x-owner"]["new"] == "team"
    assert fields["release order"]["new"] == ["R2", "R1"]


def test_hostile_labels_are_inert_in_text_and_html(tmp_path, capsys) -> None:
    old = hostile_doc()
    new = copy.deepcopy(old)
    for node in new["nodes"]:
        node["label"] = node["label"][::-1]
    a, b = _write(tmp_path, "a.json", old), _write(tmp_path, "b.json", new)
    code, out, _ = run(capsys, "diff", a, b)
    assert code == 1 and "\x1b" not in out and "\u202e" not in out
    code, out, _ = run(capsys, "diff", a, b, "--format", "html")
    ET.fromstring(out.split("\n", 1)[1])
    assert "<script" not in out.lower()


def test_invalid_input_exits_1_with_located_errors(tmp_path, capsys) -> None:
    good = _write(tmp_path, "a.json", DEMO)
    code, out, err = run(capsys, "diff", good, write_invalid(tmp_path))
    assert code == 1 and out == "" and "/nodes/2/gate" in err
    code, _, err = run(capsys, "diff", good, str(tmp_path / "missing.json"))
    assert code == 1 and "no such file" in err
