"""``attackgraph optimize``: the JSON contract, budgets, infeasibility, errors."""

from __future__ import annotations

import json

import pytest

from attackgraph.cli import main
from tests.cli.analysis_models import DEMO, write_demo, write_invalid


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(tmp_path, capsys):
    code, out, err = run(capsys, "optimize", write_demo(tmp_path), "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert list(data) == ["schema", "status", "goals", "cost", "mitigations", "bound", "seconds"]
    assert data["schema"] == "attackgraph.optimization/1"
    assert data["status"] == "optimal"
    assert data["goals"] == ["G1", "G2"]
    assert data["cost"] == 2.0 and data["bound"] == 2.0 and data["mitigations"] == ["M1"]
    assert isinstance(data["seconds"], float)


def test_goal_profile_and_release(tmp_path, capsys):
    path = write_demo(tmp_path)
    _, out, _ = run(
        capsys, "optimize", path, "--format", "json", "--goal", "G1", "--profile", "remote"
    )
    data = json.loads(out)
    assert data["goals"] == ["G1"] and data["cost"] == 0.0 and data["mitigations"] == []
    _, out, _ = run(capsys, "optimize", path, "--format", "json", "--at-release", "R1")
    data = json.loads(out)
    # at R1 the firewall (deployed, no release) is in effect but EDR is not shipped yet
    assert data["status"] == "optimal" and data["cost"] == 2.0


def test_infeasible(tmp_path, capsys):
    doc = json.loads(json.dumps(DEMO))
    doc["mitigations"] = [m for m in doc["mitigations"] if m["id"] != "M1"]
    for m in doc["mitigations"]:
        m.pop("status", None)
    doc["mitigations"] = [m for m in doc["mitigations"] if m["id"] != "M2"]
    _, out, _ = run(capsys, "optimize", write_demo(tmp_path, doc), "--format", "json")
    data = json.loads(out)
    assert data["status"] == "infeasible"
    assert data["cost"] is None and data["mitigations"] is None and data["bound"] is None
    assert data["unblockable"] == ["G2"]


def test_budget(tmp_path, capsys):
    doc = json.loads(json.dumps(DEMO))
    doc["mitigations"][1].pop("status")
    _, out, _ = run(
        capsys, "optimize", write_demo(tmp_path, doc), "--format", "json", "--budget", "3"
    )
    data = json.loads(out)
    assert data["blocked_goals"] == ["G2"] and data["impact_blocked"] == 2.0
    assert data["mitigations"] == ["M2"] and data["cost"] == 3.0
    assert data["status"] == "optimal"
    _, out, _ = run(
        capsys, "optimize", write_demo(tmp_path, doc), "--format", "json", "--budget", "7"
    )
    data = json.loads(out)
    assert data["blocked_goals"] == ["G1", "G2"] and data["impact_blocked"] == 7.0
    assert data["mitigations"] == ["M1", "M2"] and data["cost"] == 5.0


def test_text(tmp_path, capsys):
    code, out, _ = run(capsys, "optimize", write_demo(tmp_path))
    assert code == 0 and "optimal" in out and "M1" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_errors(tmp_path, capsys):
    code, out, err = run(capsys, "optimize", write_demo(tmp_path), "--goal", "nope")
    assert code == 2 and "G1, G2" in err and out == ""
    code, out, err = run(capsys, "optimize", write_invalid(tmp_path))
    assert code == 1 and "/nodes/2/gate" in err
    with pytest.raises(SystemExit) as exc:
        main(["optimize", write_demo(tmp_path), "--budget", "-2"])
    assert exc.value.code == 2
