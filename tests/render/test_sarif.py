"""SARIF 2.1.0 from ``attackgraph check --format sarif``: one result per open
chain at the goal's line, rules per goal, the policy as the level; the log
passes the SARIF 2.1.0 schema when a copy is given."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from attackgraph.cli import main
from attackgraph.formats import read_model
from attackgraph.formats.native import generate_yaml

HOSTILE_LABEL = 'Goal </script><b>"x"</b>\u202e & ${{ secrets.TOKEN }}'
DOC = {
    "format": "attackgraph",
    "version": 1,
    "title": "Two goals",
    "nodes": [
        {"id": "net", "kind": "entry", "label": "Internet"},
        {"id": "vpn", "kind": "step", "label": "VPN exploit"},
        {"id": "phish", "kind": "step", "label": "Phishing"},
        {"id": "data", "kind": "goal", "label": HOSTILE_LABEL, "impact": 5},
        {"id": "admin", "kind": "goal", "label": "Domain admin"},
    ],
    "edges": [
        {"source": "net", "target": "vpn"},
        {"source": "net", "target": "phish"},
        {"source": "vpn", "target": "data"},
        {"source": "phish", "target": "data"},
        {"source": "phish", "target": "admin"},
    ],
    "mitigations": [{"id": "mfa", "label": "MFA", "blocks": ["phish"]}],
}


def check_schema(log: dict[str, Any]) -> None:
    """Validate against the OASIS SARIF 2.1.0 schema when ATTACKGRAPH_SARIF_SCHEMA
    names a copy (oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json)."""
    path = os.environ.get("ATTACKGRAPH_SARIF_SCHEMA")
    if not path or not Path(path).is_file():
        return
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in jsonschema.Draft4Validator(schema).iter_errors(log)
    ]
    assert not errors, errors


def sarif(capsys, path: Path, *options: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", str(path), "--format", "sarif", *options])
    out, err = capsys.readouterr()
    assert not err
    return code, json.loads(out)


def line_of(path: Path, text: str) -> int:
    return next(
        i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line
    )


@pytest.mark.parametrize("syntax", ["json", "yaml"])
def test_each_open_chain_is_a_result_at_its_goal(tmp_path, capsys, syntax) -> None:
    path = tmp_path / f"m.attackgraph.{syntax}"
    if syntax == "json":
        path.write_text(json.dumps(DOC, indent=2), encoding="utf-8")
    else:
        from attackgraph.formats.native import document_to_model

        path.write_text(generate_yaml(document_to_model(DOC)), encoding="utf-8")
    code, log = sarif(capsys, path)
    check_schema(log)
    assert code == 1
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    results = run["results"]
    assert len(results) == 3  # net>vpn>data, net>phish>data, net>phish>admin
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == ["attackgraph/open-chain/data", "attackgraph/open-chain/admin"] or sorted(
        rules
    ) == ["attackgraph/open-chain/admin", "attackgraph/open-chain/data"]
    for result in results:
        goal = result["ruleId"].rsplit("/", 1)[1]
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error"
        location = result["locations"][0]
        assert (
            location["logicalLocations"][0]["fullyQualifiedName"]
            == f"/nodes/{[n['id'] for n in DOC['nodes']].index(goal)}"
        )
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == path.as_uri()  # outside the cwd
        needle = f'"id": "{goal}"' if syntax == "json" else f"id: {goal}"
        assert physical["region"]["startLine"] == line_of(path, needle)
        assert result["relatedLocations"]
        assert len(result["partialFingerprints"]["attackChain/v1"]) == 64
    data_result = next(r for r in results if r["ruleId"].endswith("/data"))
    assert HOSTILE_LABEL in data_result["message"]["text"]  # plain JSON text, kept exactly


def test_policy_sets_the_level_and_fingerprints_are_stable(tmp_path, capsys) -> None:
    path = tmp_path / "m.attackgraph.json"
    path.write_text(json.dumps(DOC), encoding="utf-8")
    code, log = sarif(capsys, path, "--max-open-chains", "3")
    assert code == 0
    assert {r["level"] for r in log["runs"][0]["results"]} == {"warning"}
    moved = dict(DOC, description="a new line\n" * 3)
    path.write_text(json.dumps(moved, indent=4), encoding="utf-8")
    _, again = sarif(capsys, path, "--max-open-chains", "3")
    assert [r["partialFingerprints"] for r in again["runs"][0]["results"]] == [
        r["partialFingerprints"] for r in log["runs"][0]["results"]
    ]
    code, safe = sarif(capsys, path, "--with", "mfa")
    check_schema(safe)
    assert code == 1 and len(safe["runs"][0]["results"]) == 1


def test_no_open_chain_is_an_empty_valid_log(tmp_path, capsys) -> None:
    path = tmp_path / "m.attackgraph.json"
    path.write_text(json.dumps(DOC), encoding="utf-8")
    code, log = sarif(capsys, path, "--goal", "admin", "--with", "mfa")
    check_schema(log)
    assert code == 0 and log["runs"][0]["results"] == []


def test_imported_formats_point_at_the_file(tmp_path, capsys) -> None:
    path = tmp_path / "m.graphml"
    assert main(["convert", "samples/mirai-2016.attackgraph.json", str(path)]) == 0
    capsys.readouterr()
    _, log = sarif(capsys, path)
    check_schema(log)
    result = log["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 1,
    }


@pytest.mark.parametrize(
    "sample", sorted(Path("samples").glob("*.attackgraph.json")), ids=lambda p: p.name.split(".")[0]
)
def test_samples(capsys, sample: Path) -> None:
    _, log = sarif(capsys, sample, "--max-chains", "50")
    check_schema(log)
    model = read_model(sample)
    for result in log["runs"][0]["results"]:
        goal = result["ruleId"].rsplit("/", 1)[1]
        assert model.nodes[goal].kind == "goal"
        assert (
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == sample.as_posix()
        )
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == line_of(
            sample, f'"id": "{goal}"'
        )


@pytest.mark.parametrize("syntax", ["json", "yaml"])
def test_an_invalid_model_is_a_log_of_its_problems(tmp_path, capsys, syntax) -> None:
    doc = json.loads(json.dumps(DOC))
    doc["nodes"][1]["gate"] = "xor"
    path = tmp_path / f"bad.attackgraph.{syntax}"
    path.write_text(
        json.dumps(doc, indent=2)
        if syntax == "json"
        else "format: attackgraph\nversion: 1\ntitle: t\nnodes:\n"
        "  - {id: e, kind: entry, label: E}\n"
        "  - {id: g, kind: goal, label: G, gate: xor}\n",
        encoding="utf-8",
    )
    code = main(["check", str(path), "--format", "sarif"])
    out, err = capsys.readouterr()
    assert code == 1 and "gate" in err
    log = json.loads(out)
    check_schema(log)
    result = log["runs"][0]["results"][0]
    assert result["ruleId"] == "attackgraph/invalid-model" and result["level"] == "error"
    assert "/nodes/1/gate" in result["message"]["text"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == line_of(path, "xor")
