"""Open Threat Model (OTM 0.2): reading, writing, round trips, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from attackgraph.cli import main
from attackgraph.formats import check_file, format_for_path, read_model, reader_for
from attackgraph.formats.otm import check_otm, generate_otm, sniff_otm
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

SMALL = DATA / "small.otm.yaml"


def test_small_file_maps_zones_components_threats_and_mitigations() -> None:
    checked = check_file(SMALL)
    assert checked.format == "otm" and checked.model is not None, checked.problems
    model = checked.model
    assert model.title == "Payments API"
    comps = model.components
    assert (
        comps["internet"].kind == "network"
        and comps["internet"].extras["x-otm"]["trustZone"] is True
    )
    assert comps["payments-api"].parent == "private-network"
    assert comps["card-database"].parent == "payments-api"  # component in component
    goals = {n.label: n for n in model.nodes.values() if n.kind == "goal"}
    assert set(goals) == {
        "Broken authentication",
        "SQL injection",
        "Traffic sniffing inside the network",
    }
    assert goals["Broken authentication"].component == "payments-api"
    assert goals["Broken authentication"].probability == 0.8
    assert goals["SQL injection"].refs == ("CWE-89",)
    # a threat on a data flow sits on its destination
    assert goals["Traffic sniffing inside the network"].component == "card-database"
    [entry] = [n for n in model.nodes.values() if n.kind == "entry"]
    # the attacker starts in the least trusted zone (the mobile app)
    starts = {e.target for e in model.edges if e.source == entry.id}
    assert starts == {"at-mobile-app"}
    mits = model.mitigations
    mfa, prepared = mits["multi-factor-authentication"], mits["prepared-statements"]
    assert mfa.status == "proposed" and prepared.status == "deployed"
    assert mfa.blocks == (goals["Broken authentication"].id,)
    assert mfa.extras["x-otm"]["mitigation"] == "mfa"
    assert any("no attack paths" in p.message for p in checked.warnings)
    assert all(p.line is not None for p in checked.warnings if p.pointer)


def test_written_file_is_otm_and_reads_back_unchanged() -> None:
    model = read_model(SMALL)
    text = generate_otm(model)
    doc = json.loads(text)
    assert doc["otmVersion"] == "0.2.0"
    assert {z["id"] for z in doc["trustZones"]} == {"internet", "private"}
    assert {t["name"] for t in doc["threats"]} >= {"SQL injection", "Broken authentication"}
    api = next(c for c in doc["components"] if c["id"] == "api")
    assert api["threats"][0]["mitigations"] == [{"mitigation": "mfa", "state": "required"}]
    flow = next(f for f in doc["dataflows"] if f["id"] == "api-to-db")  # kept, with its
    assert [t["threat"] for t in flow["threats"]] == ["sniffing"]  # threat
    back = check_otm(text.encode())
    assert back.model is not None and same(back.model, model)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name.split(".")[0])
def test_native_models_round_trip(path: Path) -> None:
    model = read_model(path)
    back = check_otm(generate_otm(model).encode())
    assert back.model is not None and same(back.model, model), back.problems


def test_rich_model_round_trips() -> None:
    model = rich_model()
    back = check_otm(generate_otm(model).encode())
    assert back.model is not None and same(back.model, model), back.problems


def test_yaml_and_json_are_sniffed(tmp_path: Path) -> None:
    raw = SMALL.read_bytes()
    assert sniff_otm(raw)
    assert not sniff_otm(b'{"format": "attackgraph", "description": "otmVersion: 1"}')
    as_json = tmp_path / "model.json"
    as_json.write_text(json.dumps(yaml.safe_load(raw)), encoding="utf-8")
    assert reader_for(as_json, as_json.read_bytes()).name == "otm"
    assert format_for_path("x.otm.json").name == "otm"  # type: ignore[union-attr]


def test_convert_both_ways(tmp_path: Path) -> None:
    out = tmp_path / "model.otm.json"
    assert main(["convert", "-q", str(SMALL), str(out)]) == 0
    back = tmp_path / "back.attackgraph.json"
    assert main(["convert", "-q", str(out), str(back)]) == 0
    assert same(read_model(back), read_model(SMALL))


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty"),
        (b"otmVersion: 0.2.0\nproject: [1\n", "YAML"),
        (b'{"otmVersion": "0.2.0", "project": {"name": "x", "id": "x"}}', "no threats"),
        (b'{"otmVersion": "0.2.0", "project": 3, "components": "nope"}', "must be a list"),
        (b"[1, 2]", "otmVersion"),
        (
            b"otmVersion: 0.2.0\n"
            + b"".join(
                b"l%d: &l%d [%s]\n" % (i, i, b",".join([b"*l%d" % (i - 1) if i else b"1"] * 10))
                for i in range(9)
            ),
            "alias bomb",
        ),
        (
            b'{"otmVersion": "0.2.0", "project": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            "nested too deeply",
        ),
    ],
)
def test_hostile_files_give_located_errors(content: bytes, fragment: str) -> None:
    checked = check_otm(content)
    assert checked.model is None
    assert any(fragment.lower() in p.message.lower() for p in checked.errors), checked.errors


def test_wrong_types_everywhere_are_warnings_not_crashes() -> None:
    doc = yaml.safe_load(SMALL.read_bytes())
    bad = [None, 3, "x", [], {}, [None], {"a": None}, True]
    for section in ("trustZones", "components", "dataflows", "threats", "mitigations"):
        for index in range(len(doc[section])):
            for key in list(doc[section][index]):
                for value in bad:
                    broken = json.loads(json.dumps(doc))
                    broken[section][index][key] = value
                    checked = check_otm(json.dumps(broken).encode())
                    assert checked.model is not None or checked.errors


def test_real_files_import() -> None:
    imported = 0
    for path in real_files("otm"):
        checked = check_file(path)
        assert checked.format == "otm", path
        imported += assert_imported(checked, path.name) is not None
    assert imported >= 2


def test_written_files_pass_the_otm_schema() -> None:
    otm_schema = schema("otm_schema.json")
    models = [read_model(p) for p in SAMPLES] + [read_model(SMALL), rich_model()]
    for path in real_files("otm"):
        checked = check_file(path)
        if checked.model is not None:
            models.append(checked.model)
    for model in models:
        doc = json.loads(generate_otm(model))
        assert schema_errors(doc, otm_schema) == [], model.title
        back = check_otm(json.dumps(doc).encode())
        assert back.model is not None and same(back.model, model), model.title
    assert schema_errors(yaml.safe_load(SMALL.read_bytes()), otm_schema) == []
