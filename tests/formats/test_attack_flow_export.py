"""Attack Flow STIX export: the shape the Attack Flow 2.0 schema demands
(checked here by hand, without the schema file), and round trips."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from attackgraph.errors import FormatError
from attackgraph.formats.attack_flow import (
    check_afb,
    check_stix,
    generate_afb,
    generate_stix,
    model_to_bundle,
)
from attackgraph.formats.native import document_to_model, generate_json
from attackgraph.model import AttackModel, Edge, Mitigation, Node
from tests.formats.flows import (
    builder_v3_document,
    bundle,
    condition_flow,
    encode,
    obj,
    operator_flow,
)
from tests.support import rich_model

AF = "extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4"
STIX_ID = re.compile(
    r"^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-"
    r"[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,}Z$")
REQUIRED = {
    "attack-flow": ("name", "start_refs", "scope"),
    "attack-action": ("name",),
    "attack-asset": ("name",),
    "attack-condition": ("description",),
    "attack-operator": ("operator",),
}
ALLOWED = {  # the schema's properties per type, plus the STIX common ones
    "attack-flow": {"name", "description", "scope", "start_refs"},
    "attack-action": {
        "name",
        "tactic_id",
        "tactic_ref",
        "technique_id",
        "technique_ref",
        "description",
        "execution_start",
        "execution_end",
        "command_ref",
        "asset_refs",
        "effect_refs",
    },
    "attack-asset": {"name", "description", "object_ref"},
    "attack-condition": {
        "description",
        "pattern",
        "pattern_type",
        "pattern_version",
        "on_true_refs",
        "on_false_refs",
    },
    "attack-operator": {"operator", "effect_refs"},
}
COMMON = {
    "type",
    "spec_version",
    "id",
    "created",
    "modified",
    "created_by_ref",
    "labels",
    "revoked",
    "confidence",
    "lang",
    "external_references",
    "object_marking_refs",
    "granular_markings",
    "extensions",
}
REF_TARGETS = {
    "effect_refs": r"^(attack-action|attack-operator|attack-condition)--",
    "on_true_refs": r"^(attack-action|attack-operator|attack-condition)--",
    "on_false_refs": r"^(attack-action|attack-operator|attack-condition)--",
    "asset_refs": r"^attack-asset--",
    "start_refs": r"^(attack-action|attack-condition)--",
}


def shape_errors(bundle: dict[str, Any]) -> list[str]:
    """Every way ``bundle`` breaks the Attack Flow 2.0 / STIX 2.1 rules we rely on."""
    errors = []
    if bundle.get("type") != "bundle" or not str(bundle.get("id")).startswith("bundle--"):
        errors.append("not a bundle")
    objects = bundle["objects"]
    ids = [o["id"] for o in objects]
    if len(ids) != len(set(ids)):
        errors.append("duplicate ids")
    if sum(o["type"] == "attack-flow" for o in objects) != 1:
        errors.append("not exactly one attack-flow")
    known = set(ids)
    for o in objects:
        where = o["id"]
        if not STIX_ID.match(o["id"]) or not o["id"].startswith(o["type"] + "--"):
            errors.append(f"{where}: bad id")
        for key in ("created", "modified"):
            if not TIMESTAMP.match(str(o.get(key))):
                errors.append(f"{where}: bad {key}")
        if o.get("spec_version") != "2.1":
            errors.append(f"{where}: spec_version")
        kind = o["type"]
        if kind in REQUIRED:
            if o.get("extensions", {}).get(AF) != {"extension_type": "new-sdo"}:
                errors.append(f"{where}: no Attack Flow extension")
            errors += [f"{where}: missing {k}" for k in REQUIRED[kind] if k not in o]
            errors += [f"{where}: unknown {k}" for k in o if k not in ALLOWED[kind] | COMMON]
        for key, pattern in REF_TARGETS.items():
            if key in o:
                if not o[key]:
                    errors.append(f"{where}: empty {key}")
                for ref in o[key]:
                    if ref not in known or not re.match(pattern, ref):
                        errors.append(f"{where}: {key} -> {ref}")
        for key in ("source_ref", "target_ref", "created_by_ref"):
            if key in o and o[key] not in known:
                errors.append(f"{where}: dangling {key}")
        for ext_id, ext in o.get("extensions", {}).items():
            if not re.match(r"^extension-definition--[0-9a-f-]{36}$", ext_id):
                errors.append(f"{where}: extension key {ext_id}")
            for key, value in ext.items():
                if not re.match(r"^([a-z][a-z0-9_]{2,249}|id)$", key):
                    errors.append(f"{where}: extension property {key}")
                if value in ([], None):
                    errors.append(f"{where}: empty extension property {key}")
        if kind == "attack-operator" and o.get("operator") not in ("AND", "OR"):
            errors.append(f"{where}: operator")
        if kind == "attack-flow" and o.get("scope") not in (
            "incident",
            "campaign",
            "threat-actor",
            "malware",
            "emulation-plan",
            "attack-tree",
            "other",
        ):
            errors.append(f"{where}: scope")
    return errors


def _shape(model: AttackModel) -> tuple[Any, ...]:
    return (
        {n.id: (n.kind, n.label, n.effective_gate) for n in model.nodes.values()},
        [(e.source, e.target, e.label) for e in model.edges],
        {m.id: m.blocks for m in model.mitigations.values()},
    )


def _strip_stix(doc: dict[str, Any]) -> dict[str, Any]:
    doc.pop("x-stix", None)
    for key in ("nodes", "mitigations"):
        for item in doc.get(key, []):
            item.pop("x-stix", None)
    return doc


def test_rich_model_exports_a_valid_bundle_and_round_trips() -> None:
    model = rich_model()
    bundle = model_to_bundle(model)
    assert shape_errors(bundle) == []
    again = check_stix(encode(bundle))
    assert again.model is not None, again.problems
    assert again.problems == []
    assert _strip_stix(json.loads(generate_json(again.model))) == json.loads(generate_json(model))


def test_and_gate_goes_out_as_an_operator_and_comes_back_as_a_gate() -> None:
    model = AttackModel("gates")
    model.add_all(
        nodes=[
            Node("E1", "entry", "a"),
            Node("E2", "entry", "b"),
            Node("G1", "goal", "both", gate="and"),
        ],
        edges=[Edge("E1", "G1"), Edge("E2", "G1")],
    )
    bundle = model_to_bundle(model)
    operators = [o for o in bundle["objects"] if o["type"] == "attack-operator"]
    assert len(operators) == 1 and operators[0]["operator"] == "AND"
    goal = next(o for o in bundle["objects"] if o.get("name") == "both")
    assert operators[0]["effect_refs"] == [goal["id"]]
    firsts = [o for o in bundle["objects"] if o.get("name") in ("a", "b")]
    assert all(o["effect_refs"] == [operators[0]["id"]] for o in firsts)
    again = check_stix(encode(bundle)).model
    assert _shape(again) == _shape(model)
    assert list(again.nodes) == ["E1", "E2", "G1"]


def test_mitigations_go_out_as_courses_of_action() -> None:
    model = AttackModel("m")
    model.add_all(
        nodes=[Node("E1", "entry", "in"), Node("G1", "goal", "out")],
        edges=[Edge("E1", "G1")],
        mitigations=[
            Mitigation(
                "M1",
                "Patch",
                ("G1",),
                cost=2,
                status="planned",
                refs=("M1051", "https://example.org/fix", "internal ticket 7"),
            )
        ],
    )
    bundle = model_to_bundle(model)
    coa = next(o for o in bundle["objects"] if o["type"] == "course-of-action")
    assert coa["name"] == "Patch"
    assert {
        "source_name": "mitre-attack",
        "external_id": "M1051",
        "url": "https://attack.mitre.org/mitigations/M1051",
    } in coa["external_references"]
    rel = next(o for o in bundle["objects"] if o.get("relationship_type") == "mitigates")
    assert rel["source_ref"] == coa["id"]
    assert shape_errors(bundle) == []
    again = check_stix(encode(bundle)).model
    assert again.mitigations["M1"].refs == ("M1051", "https://example.org/fix", "internal ticket 7")
    assert again.mitigations["M1"].status == "planned"
    assert again.mitigations["M1"].cost == 2


@pytest.mark.parametrize("fixture", [operator_flow, condition_flow])
def test_imported_flows_re_export_to_the_same_objects(fixture) -> None:
    original = fixture()
    model = check_stix(encode(original)).model
    bundle = model_to_bundle(model)
    assert shape_errors(bundle) == []
    ours = {o["id"]: o["type"] for o in bundle["objects"] if o["type"].startswith("attack-")}
    theirs = {o["id"]: o["type"] for o in original["objects"] if o["type"].startswith("attack-")}
    assert ours == theirs
    again = check_stix(encode(bundle)).model
    assert _shape(again) == _shape(model)


def test_condition_branches_are_written_back() -> None:
    model = check_stix(encode(condition_flow())).model
    bundle = model_to_bundle(model)
    cond = next(o for o in bundle["objects"] if o["type"] == "attack-condition")
    assert len(cond["on_true_refs"]) == 1 and len(cond["on_false_refs"]) == 1
    assert cond["description"] == "The portal is unpatched"


def test_export_is_deterministic_with_source_date_epoch(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    model = rich_model()
    first = generate_stix(model)
    assert generate_stix(model) == first
    assert '"created": "2023-11-14T22:13:20.000Z"' in first
    again = check_stix(first.encode()).model
    assert generate_stix(again) == first  # ids and timestamps survive the round trip


def test_ids_follow_the_model_not_the_moment() -> None:
    model = rich_model()
    ids = [o["id"] for o in model_to_bundle(model)["objects"]]
    assert ids == [o["id"] for o in model_to_bundle(rich_model())["objects"]]
    other = document_to_model(
        {
            "format": "attackgraph",
            "version": 1,
            "title": "other",
            "nodes": [{"id": "E1", "kind": "entry", "label": "x"}],
        }
    )
    assert not set(ids[4:]) & {o["id"] for o in model_to_bundle(other)["objects"]}


def test_empty_model_cannot_be_a_flow() -> None:
    with pytest.raises(FormatError, match="no nodes"):
        generate_stix(AttackModel("empty"))


def test_tampered_extras_never_make_an_invalid_bundle() -> None:
    model = AttackModel("t")
    model.add_node(
        Node(
            "E1",
            "entry",
            "x",
            extras={
                "x-stix": {
                    "type": "attack-action",
                    "id": "not-a-stix-id",
                    "tactic_ref": "bogus",
                    "confidence": 500,
                    "execution_start": "yesterday",
                    "created": "never",
                }
            },
        )
    )
    bundle = model_to_bundle(model)
    assert shape_errors(bundle) == []
    action = next(o for o in bundle["objects"] if o["type"] == "attack-action")
    assert not {"tactic_ref", "confidence", "execution_start"} & set(action)


# ------------------------------------------- .afb writer, author, confidence
def _afb_lines(doc: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """Every line as (source block, source anchor, target block, target anchor)."""
    where: dict[str, tuple[str, str]] = {}
    anchor_of: dict[str, tuple[str, str]] = {}
    for o in doc["objects"]:
        for name, anchor in o.get("anchors", {}).items():
            anchor_of[anchor] = (o["instance"], name)
    for o in doc["objects"]:
        for latch in o.get("latches", []):
            where[latch] = anchor_of[o["instance"]]
    return [
        (*where[o["source"]], *where[o["target"]])
        for o in doc["objects"]
        if o["id"] == "dynamic_line"
    ]


def test_condition_as_the_source_of_any_line_is_written() -> None:
    """FIN13 Case 1 and 2: a condition's plain lines (relationships) to an
    action and to an asset crashed the writer; they leave from its 330 anchor."""
    model = check_afb(encode(builder_v3_document())).model
    doc = json.loads(generate_afb(model))
    blocks = {o["instance"]: o for o in doc["objects"] if "anchors" in o}
    named = {
        dict(o["properties"]).get("name") or dict(o["properties"]).get("description"): i
        for i, o in blocks.items()
    }
    lines = _afb_lines(doc)
    cond = named["A host answers"]
    assert (cond, "branch:True", named["Exploit it"], "90") in lines
    assert (cond, "330", named["Own the domain"], "90") in lines
    assert (named["Patch the host"], "180", named["Exploit it"], "0") in lines
    assert all(a in blocks[s]["anchors"] and b in blocks[t]["anchors"] for s, a, t, b in lines)
    again = check_afb(generate_afb(model).encode()).model
    assert {(e.source, e.target, e.label) for e in again.edges} == {
        (e.source, e.target, e.label) for e in model.edges
    }


def test_author_and_confidence_survive_both_formats() -> None:
    model = check_afb(encode(builder_v3_document())).model
    bundle_out = model_to_bundle(model)
    assert shape_errors(bundle_out) == []
    flow = next(o for o in bundle_out["objects"] if o["type"] == "attack-flow")
    author = next(o for o in bundle_out["objects"] if o["id"] == flow["created_by_ref"])
    assert (author["type"], author["name"], author["identity_class"]) == (
        "identity",
        "Ana Analyst",
        "individual",
    )
    confidences = {
        o["name"]: o.get("confidence")
        for o in bundle_out["objects"]
        if o["type"] == "attack-action"
    }
    assert confidences["Scan the network"] == 70 and confidences["Steal credentials"] == 100
    doc = json.loads(generate_afb(model))
    flow_props = dict(doc["objects"][0]["properties"])
    assert dict(flow_props["author"])["name"] == "Ana Analyst"
    scan = next(
        o
        for o in doc["objects"]
        if o["id"] == "action" and dict(o["properties"])["name"] == "Scan the network"
    )
    assert dict(scan["properties"])["confidence"] == "probable"
    assert dict(dict(scan["properties"])["ttp"]) == {"tactic": "TA0007", "technique": "T1046"}
    for text, reader in ((generate_stix(model), check_stix), (generate_afb(model), check_afb)):
        again = reader(text.encode()).model
        assert again.extras["x-stix"]["author"] == model.extras["x-stix"]["author"]
        assert again.nodes["scan-the-network"].extras["x-stix"]["confidence"] == 70


@pytest.mark.parametrize(
    ("value", "term"),
    [
        (0, "speculative"),
        (1, "very-doubtful"),
        (38, "doubtful"),
        (60, "even-odds"),
        (85, "very-probable"),
        (100, "certain"),
    ],
)
def test_stix_confidence_becomes_the_builders_term(value: int, term: str) -> None:
    action = obj("attack-action", 1, name="A", confidence=value)
    model = check_stix(encode(bundle(action))).model
    action_out = next(o for o in model_to_bundle(model)["objects"] if o["type"] == "attack-action")
    assert action_out["confidence"] == value
    block = next(o for o in json.loads(generate_afb(model))["objects"] if o["id"] == "action")
    assert dict(block["properties"])["confidence"] == term


def test_a_model_without_author_gets_one_the_builder_accepts() -> None:
    doc = json.loads(generate_afb(rich_model()))
    author = dict(dict(doc["objects"][0]["properties"])["author"])
    assert author["name"] == "Unknown" and author["identity_class"] == "unknown"
    assert "created_by_ref" not in next(
        o for o in model_to_bundle(rich_model())["objects"] if o["type"] == "attack-flow"
    )


# ------------------------------------------------------------ mitigations
def _mitigated_model() -> AttackModel:
    model = AttackModel("Mitigated")
    model.add_all(
        nodes=[
            Node("phish", "entry", "Phish"),
            Node("vpn", "entry", "Exposed VPN"),
            Node("admin", "goal", "Domain admin"),
        ],
        edges=[Edge("phish", "admin"), Edge("vpn", "admin")],
        mitigations=[
            Mitigation(
                "mfa", "MFA", ("phish",), status="deployed", description="Phishing-resistant MFA."
            ),
            Mitigation("patch", "Patch the VPN", ("vpn",)),
        ],
    )
    return model


def test_mitigations_carry_their_status_and_chain_results() -> None:
    bundle_out = model_to_bundle(_mitigated_model())
    coas = {o["name"]: o for o in bundle_out["objects"] if o["type"] == "course-of-action"}
    assert coas["MFA"]["description"].startswith(
        "Phishing-resistant MFA.\n\nattackgraph analysis: deployed, in effect. Breaks 1 of "
        "the 2 attack chains found: Phish > Domain admin."
    )
    assert coas["Patch the VPN"]["description"] == (
        "attackgraph analysis: proposed, not in effect. Breaks 1 of the 2 attack chains "
        "found (1 of them open): Exposed VPN > Domain admin. On its own it makes "
        "unreachable: Domain admin."
    )
    mitigates = {
        (r["source_ref"], r["target_ref"])
        for r in bundle_out["objects"]
        if r["type"] == "relationship" and r["relationship_type"] == "mitigates"
    }
    assert len(mitigates) == 2


def test_mitigations_come_back_from_stix_and_afb_without_the_analysis() -> None:
    model = _mitigated_model()
    for text, reader in ((generate_stix(model), check_stix), (generate_afb(model), check_afb)):
        again = reader(text.encode()).model
        by_label = {m.label: m for m in again.mitigations.values()}
        assert by_label["MFA"].description == "Phishing-resistant MFA."
        assert by_label["MFA"].effective_status == "deployed"
        assert by_label["Patch the VPN"].description is None
        assert by_label["Patch the VPN"].effective_status == "proposed"
        blocked = {m.label: {again.nodes[b].label for b in m.blocks} for m in by_label.values()}
        assert blocked == {"MFA": {"Phish"}, "Patch the VPN": {"Exposed VPN"}}


def test_the_placeholder_author_reads_back_as_none() -> None:
    again = check_afb(generate_afb(rich_model()).encode()).model
    assert "author" not in again.extras["x-stix"]
