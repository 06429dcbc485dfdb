"""``attackgraph analyze``: the JSON contract field by field, CSV, text, errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from attackgraph.analysis import chain_key
from attackgraph.cli import main
from tests.cli.analysis_models import write_demo, write_invalid


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(tmp_path, capsys):
    code, out, err = run(capsys, "analyze", write_demo(tmp_path), "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == [
        "schema",
        "title",
        "profile",
        "in_effect",
        "goals",
        "chains",
        "truncated",
        "mitigations",
        "order_within_ties",
        "depth",
    ]
    assert data["order_within_ties"] == "exact"
    assert data["depth"]["min_depth"] == 0
    assert [g["goal"] for g in data["depth"]["goals"]] == ["G1", "G2"]
    assert data["schema"] == "attackgraph.analysis/1"
    assert data["title"] == "demo" and data["profile"] is None
    assert data["in_effect"] == ["M2", "M4"]
    assert data["truncated"] is False
    goals = {g["id"]: g for g in data["goals"]}
    assert list(goals) == ["G1", "G2"]
    assert list(goals["G1"]) == [
        "id",
        "label",
        "reachable",
        "chains",
        "open_chains",
        "choke_points",
    ]
    assert goals["G1"] == {
        "id": "G1",
        "label": "Domain admin",
        "reachable": True,
        "chains": 2,
        "open_chains": 1,
        "choke_points": ["S1", "S4"],
    }
    assert goals["G2"] == {
        "id": "G2",
        "label": "Data theft",
        "reachable": False,
        "chains": 1,
        "open_chains": 0,
        "choke_points": ["E2"],
    }
    chains = data["chains"]
    assert [c["id"] for c in chains] == ["C1", "C2", "C3"]
    assert list(chains[0]) == [
        "id",
        "goal",
        "nodes",
        "cost",
        "probability",
        "open",
        "broken_by",
        "key",
    ]
    assert chains[0] == {
        "id": "C1",
        "goal": "G2",
        "nodes": ["E2", "G2"],
        "cost": 2.0,
        "probability": 1.0,
        "open": False,
        "broken_by": ["M2"],
        "key": chain_key(["G2", "E2"]),
    }
    # equal cost: the sorted node ids decide (E1... before E2...)
    assert chains[1] == {
        "id": "C2",
        "goal": "G1",
        "nodes": ["E1", "S1", "S4", "G1"],
        "cost": 4.0,
        "probability": 0.25,
        "open": True,
        "broken_by": ["M1", "M3"],
        "key": chain_key(["E1", "S1", "S4", "G1"]),
    }
    assert chains[2]["nodes"] == ["E2", "S1", "S4", "G1"] and chains[2]["open"] is False
    assert chains[2]["broken_by"] == ["M2", "M3"]
    mits = data["mitigations"]
    assert [m["id"] for m in mits] == ["M1", "M2", "M3", "M4"]
    assert list(mits[0]) == ["id", "label", "in_effect", "breaks"]
    assert mits[0] == {"id": "M1", "label": "MFA", "in_effect": False, "breaks": ["C2"]}
    assert mits[1]["breaks"] == ["C1", "C3"] and mits[1]["in_effect"] is True
    assert mits[3] == {"id": "M4", "label": "Training", "in_effect": True, "breaks": []}


def test_what_if_profile_release_and_goal(tmp_path, capsys):
    path = write_demo(tmp_path)
    _, out, _ = run(
        capsys,
        "analyze",
        path,
        "--format",
        "json",
        "--with",
        "M1",
        "--without",
        "M2",
        "--goal",
        "G2",
    )
    data = json.loads(out)
    assert data["in_effect"] == ["M1", "M4"]
    assert [g["id"] for g in data["goals"]] == ["G2"] and data["goals"][0]["reachable"]
    assert {c["goal"] for c in data["chains"]} == {"G2"}
    _, out, _ = run(capsys, "analyze", path, "--format", "json", "--profile", "remote")
    data = json.loads(out)
    assert data["profile"] == "remote"
    assert all("E1" not in c["nodes"] for c in data["chains"])
    _, out, _ = run(capsys, "analyze", path, "--format", "json", "--at-release", "R2")
    data = json.loads(out)
    assert data["in_effect"] == ["M2", "M3", "M4"]  # deployed without a release, or shipped
    assert data["goals"][0]["reachable"] is False


def test_max_chains_truncates(tmp_path, capsys):
    _, out, _ = run(
        capsys, "analyze", write_demo(tmp_path), "--format", "json", "--max-chains", "1"
    )
    data = json.loads(out)
    assert len(data["chains"]) == 1 and data["truncated"] is True
    assert data["goals"][0]["chains"] is None and data["goals"][0]["open_chains"] is None


def test_csv_matrix(tmp_path, capsys):
    code, out, _ = run(capsys, "analyze", write_demo(tmp_path), "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "chain",
        "goal",
        "cost",
        "probability",
        "open",
        "nodes",
        "M1",
        "M2",
        "M3",
        "M4",
    ]
    assert rows[2][:6] == ["C2", "G1", "4", "0.25", "true", "E1 > S1 > S4 > G1"]
    assert rows[2][6:] == ["1", "0", "1", "0"]


def test_text_fits_80_columns(tmp_path, capsys):
    code, out, _ = run(capsys, "analyze", write_demo(tmp_path))
    assert code == 0
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "C2" in out and "Optimal mitigation set" in out and "M1" in out


@pytest.mark.parametrize(
    "argv, word",
    [
        (["--goal", "G9"], "G1, G2"),
        (["--goal", "S1"], "G1, G2"),
        (["--profile", "nobody"], "remote"),
        (["--with", "M9"], "M1, M2, M3, M4"),
        (["--without", "M9"], "M1"),
        (["--at-release", "R9"], "R1, R2"),
    ],
)
def test_unknown_ids_are_usage_errors(tmp_path, capsys, argv, word):
    code, out, err = run(capsys, "analyze", write_demo(tmp_path), *argv)
    assert code == 2 and out == ""
    assert word in err and "Traceback" not in err


def test_invalid_file_prints_located_errors(tmp_path, capsys):
    path = write_invalid(tmp_path)
    code, out, err = run(capsys, "analyze", path, "--format", "json")
    assert code == 1 and out == ""
    assert f"{path}: /nodes/2/gate" in err or "/nodes/2/gate" in err


def test_missing_file_and_bad_option(tmp_path, capsys):
    code, _, err = run(capsys, "analyze", str(tmp_path / "none.attackgraph.json"))
    assert code == 1 and err
    with pytest.raises(SystemExit) as exc:
        main(["analyze", write_demo(tmp_path), "--max-chains", "-1"])
    assert exc.value.code == 2
