"""Attack Flow import (STIX bundles and .afb files): each mapping rule, on
small hand-written fixtures."""

from __future__ import annotations

import json

import pytest

from attackgraph.formats.attack_flow import check_afb, check_stix
from tests.formats.flows import (
    afb_document,
    builder_style_condition,
    builder_v3_document,
    bundle,
    condition_flow,
    encode,
    obj,
    operator_flow,
    sid,
)


def _warnings(checked) -> list[str]:
    return [p.message for p in checked.warnings]


def _edges(model) -> set[tuple[str, str, str | None]]:
    return {(e.source, e.target, e.label) for e in model.edges}


def test_operators_become_gates_with_readable_ids() -> None:
    checked = check_stix(encode(operator_flow()))
    model = checked.model
    assert model is not None, checked.problems
    assert model.title == "Fixture flow"
    gates = {n.id: n.gate for n in model.nodes.values() if n.label in ("AND", "OR")}
    assert gates == {"and-log-in-to-the-vpn": "and", "or-domain-admin": "or"}
    assert model.nodes["and-log-in-to-the-vpn"].cost == 0
    assert _edges(model) >= {
        ("phish-a-user", "and-log-in-to-the-vpn", None),
        ("find-the-vpn", "and-log-in-to-the-vpn", None),
        ("and-log-in-to-the-vpn", "log-in-to-the-vpn", None),
        ("or-domain-admin", "domain-admin", None),
    }
    kinds = {n.id: n.kind for n in model.nodes.values()}
    assert kinds["phish-a-user"] == kinds["exploit-the-portal"] == "entry"
    assert kinds["domain-admin"] == "goal" and kinds["log-in-to-the-vpn"] == "step"
    assert model.nodes["phish-a-user"].techniques == ("T1566.001",)
    assert model.nodes["phish-a-user"].extras["x-stix"]["id"] == sid("attack-action", 1)
    assert not checked.warnings


def test_condition_branches_keep_true_and_false_labels() -> None:
    checked = check_stix(encode(condition_flow()))
    model = checked.model
    assert model is not None
    cond = "the-portal-is-unpatched"
    assert model.nodes[cond].label == "The portal is unpatched"
    assert model.nodes[cond].cost == 0
    assert (cond, "exploit-the-portal", "true") in _edges(model)
    assert (cond, "phish-an-admin", "false") in _edges(model)
    assert any("false branch" in w for w in _warnings(checked))
    assert [p.pointer for p in checked.warnings if "false branch" in p.message] == [
        "/objects/2/on_false_refs"
    ]


def test_builder_export_relationship_between_flow_objects_is_an_edge() -> None:
    checked = check_stix(encode(builder_style_condition()))
    assert checked.model is not None, checked.problems
    assert ("found-a-host", "exploit", None) in _edges(checked.model)


def test_several_enablers_without_operator_are_or_with_a_warning() -> None:
    a1 = obj("attack-action", 1, name="A", effect_refs=[sid("attack-action", 3)])
    a2 = obj("attack-action", 2, name="B", effect_refs=[sid("attack-action", 3)])
    a3 = obj("attack-action", 3, name="C")
    checked = check_stix(encode(bundle(a1, a2, a3, starts=[a1["id"], a2["id"]])))
    assert checked.model is not None
    assert checked.model.nodes["c"].effective_gate == "or"
    problem = next(p for p in checked.warnings if "enablers" in p.message)
    assert problem.pointer == "/objects/3"
    assert "2 enablers and no operator" in problem.message


def test_cycles_import_with_a_warning() -> None:
    a1 = obj("attack-action", 1, name="Start", effect_refs=[sid("attack-action", 2)])
    a2 = obj("attack-action", 2, name="Loop one", effect_refs=[sid("attack-action", 3)])
    a3 = obj(
        "attack-action",
        3,
        name="Loop two",
        effect_refs=[sid("attack-action", 2), sid("attack-action", 4)],
    )
    a4 = obj("attack-action", 4, name="End")
    checked = check_stix(encode(bundle(a1, a2, a3, a4)))
    assert checked.model is not None
    assert ("loop-two", "loop-one", None) in _edges(checked.model)
    assert any("cycle through 2 nodes (loop-one, loop-two)" in w for w in _warnings(checked))


def test_course_of_action_becomes_a_mitigation_blocking_the_action() -> None:
    a1 = obj("attack-action", 1, name="Exploit", technique_id="T1190")
    coa = obj(
        "course-of-action",
        1,
        name="Patch the server",
        description="Apply updates.",
        external_references=[{"source_name": "mitre-attack", "external_id": "M1051"}],
    )
    coa2 = obj("course-of-action", 2, name="WAF")
    rel = obj(
        "relationship", 1, relationship_type="mitigates", source_ref=coa["id"], target_ref=a1["id"]
    )
    rel2 = obj(
        "relationship",
        2,
        relationship_type="related-to",
        source_ref=a1["id"],
        target_ref=coa2["id"],
    )
    checked = check_stix(encode(bundle(a1, coa, coa2, rel, rel2)))
    model = checked.model
    assert model is not None
    assert list(model.mitigations) == ["patch-the-server", "waf"]
    patch = model.mitigations["patch-the-server"]
    assert patch.blocks == ("exploit",)
    assert patch.refs == ("M1051",)
    assert patch.description == "Apply updates."
    assert model.mitigations["waf"].blocks == ("exploit",)


@pytest.mark.parametrize(
    ("raw", "expected", "fragment"),
    [
        ("T1190", "T1190", None),
        ("t1059.001", "T1059.001", "was written"),
        ("1598.003", "T1598.003", "leading 'T'"),
        ("[ATL] AML.T0095.000 Code Repositories", "AML.T0095.000", "display string"),
        ("T1566 Phishing", "T1566", "display string"),
    ],
)
def test_technique_ids_are_normalised(raw: str, expected: str, fragment: str | None) -> None:
    action = obj("attack-action", 1, name="Step", technique_id=raw)
    checked = check_stix(encode(bundle(action)))
    assert checked.model is not None
    assert checked.model.nodes["step"].techniques == (expected,)
    notes = [p for p in checked.warnings if p.pointer == "/objects/1/technique_id"]
    assert (fragment is None) == (not notes)
    if fragment:
        assert fragment in notes[0].message


def test_technique_name_without_id_goes_to_the_description() -> None:
    action = obj("attack-action", 1, name="Step", technique_id="Phishing")
    checked = check_stix(encode(bundle(action)))
    node = checked.model.nodes["step"]
    assert node.techniques is None
    assert "Technique: Phishing" in node.description
    assert any("no ATT&CK or ATLAS technique id" in w for w in _warnings(checked))


def test_dangling_references_are_warnings() -> None:
    a1 = obj(
        "attack-action",
        1,
        name="Start",
        effect_refs=[sid("attack-action", 9), sid("attack-action", 2)],
    )
    a2 = obj("attack-action", 2, name="End")
    note = obj("note", 1, content="x", object_refs=[sid("attack-action", 8)])
    data = bundle(a1, a2, note, starts=[a1["id"], sid("attack-condition", 7)])
    checked = check_stix(encode(data))
    assert checked.model is not None
    assert _edges(checked.model) == {("start", "end", None)}
    pointers = [p.pointer for p in checked.warnings]
    assert "/objects/1/effect_refs/0" in pointers
    assert "/objects/0/start_refs/1" in pointers
    assert "/objects/3/object_refs/0" in pointers


def test_start_ref_with_enablers_becomes_a_step() -> None:
    a1 = obj("attack-action", 1, name="A", effect_refs=[sid("attack-action", 2)])
    a2 = obj("attack-action", 2, name="B", effect_refs=[sid("attack-action", 3)])
    a3 = obj("attack-action", 3, name="C")
    checked = check_stix(encode(bundle(a1, a2, a3, starts=[a1["id"], a2["id"]])))
    assert checked.model.nodes["b"].kind == "step"
    assert any("start point 'B' has 1 enabler" in w for w in _warnings(checked))


def test_start_ref_that_ends_the_flow_is_a_goal() -> None:
    a1 = obj("attack-action", 1, name="A", effect_refs=[sid("attack-action", 2)])
    a2 = obj("attack-action", 2, name="B")
    checked = check_stix(encode(bundle(a1, a2, starts=[a1["id"], a2["id"]])))
    assert checked.model.nodes["b"].kind == "goal"


def test_assets_and_other_objects_are_kept() -> None:
    a1 = obj("attack-action", 1, name="Capture", asset_refs=[sid("attack-asset", 1)])
    asset = obj("attack-asset", 1, name="VPN credentials", object_ref=sid("attack-action", 2))
    server = obj(
        "attack-asset", 2, name="Web server", object_ref=sid("infrastructure", 1), effect_refs=[]
    )
    a2 = obj("attack-action", 2, name="Log in", asset_refs=[sid("attack-asset", 2)])
    infra = obj("infrastructure", 1, name="Apache on host 3")
    vuln = obj("vulnerability", 1, name="CVE-2017-5638", description="Struts RCE")
    rel = obj(
        "relationship",
        1,
        relationship_type="related-to",
        source_ref=vuln["id"],
        target_ref=a2["id"],
    )
    note = obj("note", 1, abstract="Source", content="Vendor report.", object_refs=[a1["id"]])
    actor = obj("threat-actor", 1, name="APT Example")
    checked = check_stix(encode(bundle(a1, asset, server, a2, infra, vuln, rel, note, actor)))
    model = checked.model
    assert model is not None, checked.problems
    assert ("capture", "vpn-credentials", None) in _edges(model)
    assert ("vpn-credentials", "log-in", None) in _edges(model)  # object_ref to a flow object
    assert ("log-in", "web-server", None) in _edges(model)
    assert "Related infrastructure: Apache on host 3" in model.nodes["web-server"].description
    assert model.nodes["log-in"].refs == ("CVE-2017-5638",)
    assert "Related vulnerability: CVE-2017-5638 (Struts RCE)" in model.nodes["log-in"].description
    assert "Note: Source" in model.nodes["capture"].description
    assert "threat-actor 'APT Example'" in model.description
    assert model.nodes["web-server"].kind == "goal"


def test_flow_metadata_goes_into_the_model() -> None:
    data = bundle(obj("attack-action", 1, name="Only"))
    data["objects"][0].update(
        description="What happened.",
        external_references=[{"source_name": "Blog", "url": "https://example.org/x"}],
    )
    model = check_stix(encode(data)).model
    assert model.description.startswith("What happened.")
    assert "- Blog: https://example.org/x" in model.description
    assert model.extras["x-stix"]["scope"] == "incident"
    assert model.extras["x-stix"]["bundle_id"] == sid("bundle", 1)


def test_bundle_without_flow_object_still_imports() -> None:
    checked = check_stix(encode(bundle(obj("attack-action", 1, name="A"), flow=False)))
    assert checked.model is not None
    assert any("no attack-flow object" in w for w in _warnings(checked))


def test_afb_lines_become_edges_with_branches_and_layout() -> None:
    checked = check_afb(encode(afb_document()))
    model = checked.model
    assert model is not None, checked.problems
    assert model.title == "Builder fixture"
    assert _edges(model) == {
        ("scan-the-network", "a-host-answers", None),
        ("a-host-answers", "exploit-it", "true"),
        ("exploit-it", "and-own-the-domain", None),
        ("steal-credentials", "and-own-the-domain", None),
        ("and-own-the-domain", "own-the-domain", None),
    }
    assert model.nodes["and-own-the-domain"].gate == "and"
    assert model.nodes["steal-credentials"].techniques == ("T1003",)
    assert model.layout["a-host-answers"] == (0.0, 200.0)
    assert model.layout["own-the-domain"] == (150.0, 700.0)
    assert "Note: Source" in model.nodes["exploit-it"].description
    assert model.nodes["scan-the-network"].kind == "entry"
    assert model.nodes["own-the-domain"].kind == "goal"


def test_afb_blocks_keep_their_instance_as_stix_id() -> None:
    """The Builder exports a block as ``TYPE--INSTANCE``: a model imported from
    the .afb exports the same ids as one imported from the Builder's STIX."""
    doc = afb_document()
    model = check_afb(encode(doc)).model
    instance = next(
        o["instance"]
        for o in doc["objects"]
        if o["id"] == "action" and ["name", "Exploit it"] in o["properties"]
    )
    assert model.nodes["exploit-it"].extras["x-stix"]["id"] == f"attack-action--{instance}"
    assert model.nodes["and-own-the-domain"].extras["x-stix"]["type"] == "attack-operator"


def test_afb_line_not_attached_is_a_warning() -> None:
    doc = afb_document()
    doc["objects"].append(
        {
            "id": "dynamic_line",
            "instance": "loose",
            "source": "nowhere",
            "target": "nothing",
            "handles": [],
        }
    )
    checked = check_afb(encode(doc))
    assert checked.model is not None
    assert any("not attached to a block" in w for w in _warnings(checked))
    assert checked.warnings[0].pointer.startswith("/objects/")


def test_json_pointers_of_warnings_name_the_source_objects() -> None:
    data = condition_flow()
    checked = check_stix(json.dumps(data, indent=2).encode())
    for problem in checked.problems:
        assert problem.pointer.startswith("/objects/"), problem


# ------------------------------------------------ the current Builder's files
def test_builder_ttp_pair_confidence_terms_and_author_are_read() -> None:
    checked = check_afb(encode(builder_v3_document()))
    model = checked.model
    assert model is not None, checked.problems
    scan, creds = model.nodes["scan-the-network"], model.nodes["steal-credentials"]
    assert scan.techniques == ("T1046",) and creds.techniques == ("AML.T0008",)
    assert scan.extras["x-stix"]["tactic_id"] == "TA0007"
    assert (scan.extras["x-stix"]["confidence"], creds.extras["x-stix"]["confidence"]) == (70, 100)
    assert model.extras["x-stix"]["author"] == {
        "name": "Ana Analyst",
        "identity_class": "individual",
        "contact_information": "ana@example.org",
    }


def test_condition_line_without_branch_and_course_of_action_are_read() -> None:
    model = check_afb(encode(builder_v3_document())).model
    assert ("a-host-answers", "own-the-domain", None) in _edges(model)
    assert ("a-host-answers", "exploit-it", "true") in _edges(model)
    mitigation = model.mitigations["patch-the-host"]
    assert mitigation.blocks == ("exploit-it",)
    assert mitigation.description == "Apply the fix."


def test_ttp_differing_from_technique_id_is_a_warning() -> None:
    doc = builder_v3_document()
    scan = next(o for o in doc["objects"] if o.get("instance") == "action-0001")
    scan["properties"].insert(1, ["technique_id", "T1595"])
    checked = check_afb(encode(doc))
    assert checked.model.nodes["scan-the-network"].techniques == ("T1046",)
    assert any("differs from its TTP's technique" in w for w in _warnings(checked))


def test_stix_author_is_the_identity_the_flow_names() -> None:
    author = obj("identity", 9, name="Ana Analyst", identity_class="individual")
    action = obj("attack-action", 1, name="A")
    data = bundle(action, author)
    data["objects"][0]["created_by_ref"] = author["id"]
    model = check_stix(encode(data)).model
    assert model.extras["x-stix"]["author"] == {
        "name": "Ana Analyst",
        "identity_class": "individual",
    }
    assert "identity" not in (model.description or "")


def test_older_builder_author_pairs_in_stix_are_read() -> None:
    data = bundle(obj("attack-action", 1, name="A"))
    data["objects"][0]["author"] = [["name", "Bo"], ["identity_class", "0" * 32]]
    assert check_stix(encode(data)).model.extras["x-stix"]["author"] == {"name": "Bo"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("E1204", "E1204"),
        ("B0030.002", "B0030.002"),
        ("F0007", "F0007"),
        ("F3.T1001.001", "F3.T1001.001"),
        ("D3-MFA", "D3-MFA"),
        ("T1218/011", "T1218.011"),
    ],
)
def test_ids_of_other_catalogs_are_kept(raw: str, expected: str) -> None:
    action = obj("attack-action", 1, name="A", technique_id=raw)
    model = check_stix(encode(bundle(action))).model
    assert model.nodes["a"].techniques == (expected,)
