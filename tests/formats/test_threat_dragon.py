"""OWASP Threat Dragon models: reading (v2, v1), writing, round trips, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attackgraph.cli import main
from attackgraph.formats import check_file, format_for_path, read_model, reader_for
from attackgraph.formats.threat_dragon import (
    check_threat_dragon,
    generate_threat_dragon,
    sniff_threat_dragon,
)
from tests.formats.threat_files import (
    DATA,
    SAMPLES,
    assert_imported,
    real_files,
    same,
    schema,
    schema_errors,
)
from tests.support import rich_model

SMALL = DATA / "small.threat-dragon.json"


def test_small_file_maps_boundaries_elements_threats_and_mitigations() -> None:
    checked = check_file(SMALL)
    assert checked.format == "threat-dragon" and checked.model is not None, checked.problems
    model = checked.model
    comps = model.components
    assert comps["data-centre"].kind == "network"
    assert comps["web-server"].parent == "data-centre"  # drawn inside the box
    assert comps["orders-db"].parent == "data-centre"
    assert comps["customer"].kind == "human" and comps["customer"].parent is None
    goals = {n.label: n for n in model.nodes.values() if n.kind == "goal"}
    assert set(goals) == {
        "Session hijacking",
        "Orders read by an intruder",
        "Log tampering",
        "Man in the middle",
    }
    assert goals["Session hijacking"].extras["x-threat-dragon"]["severity"] == "High"
    mits = {m.label: m for m in model.mitigations.values()}
    assert mits["Rotate session ids at login."].status == "proposed"
    assert mits["Encrypt the database at rest."].status == "deployed"  # Mitigated threat
    assert mits["Marked not applicable in Threat Dragon"].blocks == (goals["Log tampering"].id,)
    [entry] = [n for n in model.nodes.values() if n.kind == "entry"]
    assert {e.target for e in model.edges if e.source == entry.id} == {"at-customer"}
    assert any("no attack paths" in p.message for p in checked.warnings)


def test_written_file_reads_back_unchanged_and_keeps_nesting() -> None:
    model = read_model(SMALL)
    text = generate_threat_dragon(model)
    doc = json.loads(text)
    cells = doc["detail"]["diagrams"][0]["cells"]
    shapes = {c["data"]["name"]: c["shape"] for c in cells}
    assert shapes["Data centre"] == "trust-boundary-box" and shapes["Customer"] == "actor"
    web = next(c for c in cells if c["data"]["name"] == "Web server")
    assert web["data"]["threats"][0]["title"] == "Session hijacking"
    assert "Rotate session ids" in web["data"]["threats"][0]["mitigation"]
    flows = {c["id"]: c for c in cells if c["shape"] == "flow"}  # the drawn flows
    assert (flows["f1"]["source"], flows["f1"]["target"]) == ({"cell": "user"}, {"cell": "web"})
    assert [t["title"] for t in flows["f1"]["data"]["threats"]] == ["Man in the middle"]
    back = check_threat_dragon(text.encode())
    assert back.model is not None and same(back.model, model), back.problems


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name.split(".")[0])
def test_native_models_round_trip(path: Path) -> None:
    model = read_model(path)
    back = check_threat_dragon(generate_threat_dragon(model).encode())
    assert back.model is not None and same(back.model, model), back.problems


def test_rich_model_round_trips() -> None:
    model = rich_model()
    back = check_threat_dragon(generate_threat_dragon(model).encode())
    assert back.model is not None and same(back.model, model), back.problems


def test_version_1_model_is_read() -> None:
    v1 = {
        "summary": {"title": "Old model"},
        "detail": {
            "diagrams": [
                {
                    "title": "D",
                    "id": 0,
                    "diagramJson": {
                        "cells": [
                            {
                                "type": "tm.Actor",
                                "id": "a",
                                "name": "User",
                                "position": {"x": 0, "y": 0},
                                "size": {"width": 100, "height": 50},
                            },
                            {
                                "type": "tm.Process",
                                "id": "p",
                                "name": "API",
                                "position": {"x": 200, "y": 0},
                                "size": {"width": 100, "height": 100},
                                "threats": [
                                    {
                                        "title": "Injection",
                                        "status": "Open",
                                        "severity": "High",
                                        "type": "Tampering",
                                        "mitigation": "Validate input.",
                                    }
                                ],
                            },
                            {
                                "type": "tm.Flow",
                                "id": "f",
                                "source": {"id": "a"},
                                "target": {"id": "p"},
                            },
                        ]
                    },
                }
            ]
        },
    }
    checked = check_threat_dragon(json.dumps(v1).encode())
    assert checked.model is not None, checked.problems
    [goal] = [n for n in checked.model.nodes.values() if n.kind == "goal"]
    assert goal.label == "Injection" and goal.component == "api"


def test_sniffing_and_names(tmp_path: Path) -> None:
    raw = SMALL.read_bytes()
    assert sniff_threat_dragon(raw)
    plain = tmp_path / "model.json"
    plain.write_bytes(raw)
    assert reader_for(plain, raw).name == "threat-dragon"
    assert format_for_path("m.threat-dragon.json").name == "threat-dragon"  # type: ignore[union-attr]


def test_convert_both_ways(tmp_path: Path) -> None:
    out = tmp_path / "model.threat-dragon.json"
    assert main(["convert", "-q", str(SMALL), str(out)]) == 0
    back = tmp_path / "back.attackgraph.yaml"
    assert main(["convert", "-q", str(out), str(back)]) == 0
    assert same(read_model(back), read_model(SMALL))


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (b'{"summary": {"title": "x"}, "detail": {"diagrams": [', "JSON"),
        (b'{"summary": {"title": "x"}, "detail": {"diagrams": 5}}', "must be a list"),
        (b'{"summary": {"title": "x"}, "detail": {"diagrams": []}}', "no threats"),
        (b'{"summary": 1, "detail": 2}', "'summary' and 'detail'"),
        (b'{"summary": {}, "detail": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested too deeply"),
        (b'{"summary": {"title": "\xff"}, "detail": {}}', "not UTF-8"),
    ],
)
def test_hostile_files_give_errors(content: bytes, fragment: str) -> None:
    checked = check_threat_dragon(content)
    assert checked.model is None
    assert any(fragment.lower() in p.message.lower() for p in checked.errors), checked.errors


def test_wrong_types_everywhere_are_warnings_not_crashes() -> None:
    doc = json.loads(SMALL.read_text(encoding="utf-8"))
    bad = [None, 3, "x", [], {}, [None], {"cell": 5}, True, -1e300]
    cells = doc["detail"]["diagrams"][0]["cells"]
    for index, cell in enumerate(cells):
        for key in list(cell) + [f"data.{k}" for k in cell.get("data", {})]:
            for value in bad:
                broken = json.loads(json.dumps(doc))
                target = broken["detail"]["diagrams"][0]["cells"][index]
                if key.startswith("data."):
                    target = target["data"]
                target[key.removeprefix("data.")] = value
                checked = check_threat_dragon(json.dumps(broken).encode())
                assert checked.model is not None or checked.errors


def test_real_files_import() -> None:
    imported = 0
    for path in real_files("td", "*.json"):
        checked = check_file(path)
        assert checked.format == "threat-dragon", path
        imported += assert_imported(checked, path.name) is not None
    assert imported >= 2


def test_written_files_pass_the_threat_dragon_schema() -> None:
    td_schema = schema("td_v2_schema.json")
    models = [read_model(p) for p in SAMPLES] + [read_model(SMALL), rich_model()]
    for path in real_files("td", "*.json"):
        checked = check_file(path)
        if checked.model is not None:
            models.append(checked.model)
    for model in models:
        doc = json.loads(generate_threat_dragon(model))
        assert schema_errors(doc, td_schema) == [], model.title
        back = check_threat_dragon(json.dumps(doc).encode())
        assert back.model is not None and same(back.model, model), model.title
    assert schema_errors(json.loads(SMALL.read_text(encoding="utf-8")), td_schema) == []
