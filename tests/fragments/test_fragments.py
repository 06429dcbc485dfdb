"""Fragments: checks with located problems, extraction and insertion round
trip, port wiring, unique ids, updates that keep local edits, the starter
library, and a flagship-like chain composed from the library alone."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from attackgraph.analysis import analyze
from attackgraph.cli import main
from attackgraph.errors import ModelError
from attackgraph.formats.native import document_to_model, model_to_document
from attackgraph.fragments import (
    FRAGMENT_KEY,
    INSTANCES_KEY,
    Connection,
    bundled_library,
    check_fragment_document,
    extract_fragment,
    insert_fragment,
    instances,
    load_library,
    outdated,
    parse_fragment,
    update_instance,
)
from attackgraph.model import validate_document

SEVEN = {
    "Hardware-based root of trust",
    "Small trusted computing base",
    "Defense in depth",
    "Dynamic compartments",
    "Certificate-based authentication",
    "Renewable security",
    "Failure reporting",
}

HOST = {
    "format": "attackgraph",
    "version": 1,
    "title": "host",
    "components": [
        {"id": "cloud", "label": "Cloud", "kind": "cloud"},
        {"id": "dev", "label": "Device", "kind": "device"},
    ],
    "nodes": [
        {"id": "E1", "kind": "entry", "label": "Internet", "access": "network"},
        {"id": "S1", "kind": "step", "label": "Web shell", "component": "cloud"},
        {"id": "G1", "kind": "goal", "label": "Data", "component": "dev", "impact": 3},
    ],
    "edges": [{"source": "E1", "target": "S1"}],
    "layout": {"E1": [0, 0], "S1": [200, 0], "G1": [400, 0]},
}

FRAGMENT = {
    "format": "attackgraph",
    "version": 1,
    "title": "Kernel",
    "components": [
        {"id": "kernel", "label": "Kernel", "kind": "device"},
        {"id": "drivers", "label": "Drivers", "kind": "device", "parent": "kernel"},
    ],
    "nodes": [
        {"id": "S1", "kind": "step", "label": "App code", "component": "kernel"},
        {"id": "bug", "kind": "step", "label": "Driver bug", "component": "drivers", "cost": 3},
        {"id": "root", "kind": "step", "label": "Root", "component": "kernel"},
    ],
    "edges": [{"source": "S1", "target": "bug"}, {"source": "bug", "target": "root"}],
    "mitigations": [{"id": "patch", "label": "Patch", "blocks": ["bug"], "cost": 2}],
    "layout": {"S1": [0, 0], "bug": [100, 0], "root": [200, 0]},
    FRAGMENT_KEY: {"id": "kernel", "version": "1.0", "ports": {"in": ["S1"], "out": ["root"]}},
}


def test_fragment_marker_and_ports_are_checked_with_locations():
    doc = copy.deepcopy(FRAGMENT)
    doc[FRAGMENT_KEY]["ports"] = {"in": ["nope"], "sideways": []}
    doc[FRAGMENT_KEY]["version"] = 2
    found = {(p.pointer, p.severity) for p in check_fragment_document(doc)}
    assert ("/x-fragment/ports/in/0", "error") in found
    assert ("/x-fragment/ports/sideways", "error") in found
    assert ("/x-fragment/version", "error") in found
    with pytest.raises(ModelError):
        parse_fragment(doc)
    no_marker = {k: v for k, v in FRAGMENT.items() if k != FRAGMENT_KEY}
    assert [p.pointer for p in check_fragment_document(no_marker) if p.is_error] == ["/x-fragment"]


def test_insert_makes_ids_unique_wires_ports_and_records_the_instance():
    fragment = parse_fragment(copy.deepcopy(FRAGMENT), "lib/kernel.yaml")
    result = insert_fragment(
        HOST, fragment, into="dev", connect=[Connection("S1", "S1"), Connection("root", "G1")]
    )
    doc = result.document
    assert result.ids["node:S1"] == "kernel.S1"  # S1 was taken
    assert result.ids["node:bug"] == "bug"
    assert {"source": "S1", "target": "kernel.S1"} in doc["edges"]
    assert {"source": "root", "target": "G1"} in doc["edges"]
    kernel = next(c for c in doc["components"] if c["id"] == "kernel")
    assert kernel["parent"] == "dev"
    assert not [p for p in validate_document(doc) if p.is_error]
    [instance] = instances(doc)
    assert (instance.id, instance.version, instance.source) == ("kernel", "1.0", "lib/kernel.yaml")
    assert instance.components == ("kernel",)
    # placed right of the existing layout
    assert min(doc["layout"][n][0] for n in ("kernel.S1", "bug", "root")) > 400
    model = document_to_model(doc)
    goal = next(g for g in analyze(model).goals if g.id == "G1")
    assert goal.reachable
    # HOST itself is untouched
    assert INSTANCES_KEY not in HOST and len(HOST["nodes"]) == 3


def test_inserting_twice_gives_two_instances_with_distinct_ids():
    fragment = parse_fragment(copy.deepcopy(FRAGMENT))
    once = insert_fragment(HOST, fragment).document
    twice = insert_fragment(once, fragment).document
    ids = [n["id"] for n in twice["nodes"]]
    assert len(ids) == len(set(ids)) == 9
    assert len(instances(twice)) == 2


@pytest.mark.parametrize(
    ("connect", "into", "pointer", "words"),
    [
        ([Connection("bug", "S1")], None, "--connect/0", "not a port"),
        ([Connection("S1", "nowhere")], None, "--connect/0", "not a node of the model"),
        ([Connection("root", "G1", "in")], None, "--connect/0", "not an in-port"),
        ([], "nowhere", "--into", "not a component"),
    ],
)
def test_wiring_errors_are_located(connect, into, pointer, words):
    fragment = parse_fragment(copy.deepcopy(FRAGMENT))
    with pytest.raises(ModelError) as caught:
        insert_fragment(HOST, fragment, into=into, connect=connect)
    [problem] = caught.value.problems
    assert problem.pointer == pointer and words in problem.message


def test_a_wiring_the_rules_refuse_is_an_error():
    doc = copy.deepcopy(FRAGMENT)
    doc[FRAGMENT_KEY]["ports"]["out"] = ["root"]
    fragment = parse_fragment(doc)
    with pytest.raises(ModelError) as caught:
        insert_fragment(HOST, fragment, connect=[Connection("root", "E1")])
    assert any("entry" in p.message for p in caught.value.problems)


def test_extract_then_insert_round_trips():
    fragment = parse_fragment(copy.deepcopy(FRAGMENT))
    host = insert_fragment(
        HOST, fragment, into="dev", connect=[Connection("S1", "S1"), Connection("root", "G1")]
    ).document
    again = extract_fragment(host, "kernel", fragment_id="kernel")
    assert again[FRAGMENT_KEY]["ports"] == {"in": ["kernel.S1"], "out": ["root"]}
    parsed = parse_fragment(again)
    assert {n["label"] for n in parsed.document["nodes"]} == {"App code", "Driver bug", "Root"}
    assert parsed.document["edges"] == [
        {"source": "kernel.S1", "target": "bug"},
        {"source": "bug", "target": "root"},
    ]
    assert parsed.document["mitigations"][0]["blocks"] == ["bug"]
    assert "parent" not in parsed.document["components"][0]


def _library_with(tmp_path: Path, doc: dict) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir(exist_ok=True)
    (folder / "kernel.fragment.json").write_text(json.dumps(doc))
    return folder


def test_update_keeps_local_edits_and_takes_library_changes(tmp_path):
    folder = _library_with(tmp_path, FRAGMENT)
    library = load_library([folder], bundled=False)
    fragment = library.get("kernel")
    doc = insert_fragment(HOST, fragment, into="dev", connect=[Connection("root", "G1")]).document
    assert outdated(doc, library) == []
    # local edit: the bug is cheaper here; library: new label, a new step, version 1.1
    next(n for n in doc["nodes"] if n["id"] == "bug")["cost"] = 1
    newer = copy.deepcopy(FRAGMENT)
    newer[FRAGMENT_KEY]["version"] = "1.1"
    next(n for n in newer["nodes"] if n["id"] == "root")["label"] = "Root shell"
    newer["nodes"].append(
        {"id": "uaf", "kind": "step", "label": "Use after free", "component": "drivers"}
    )
    newer["edges"] += [{"source": "S1", "target": "uaf"}, {"source": "uaf", "target": "root"}]
    _library_with(tmp_path, newer)
    library = load_library([folder], bundled=False)
    [stale] = outdated(doc, library)
    assert stale.fragment.version == "1.1"
    assert any("uaf added" in line for line in stale.changes)
    assert any(line.startswith("nodes: root changed: label") for line in stale.changes)
    updated, conflicts = update_instance(doc, stale.instance, stale.fragment)
    assert conflicts == ()
    nodes = {n["id"]: n for n in updated["nodes"]}
    assert nodes["root"]["label"] == "Root shell"
    assert nodes["bug"]["cost"] == 1  # the local edit survives
    assert "uaf" in nodes
    assert {"source": "root", "target": "G1"} in updated["edges"]  # wiring kept
    assert instances(updated)[0].version == "1.1"
    assert not [p for p in validate_document(updated) if p.is_error]
    assert outdated(updated, library) == []


def test_update_conflict_is_recorded_for_the_problems_dock(tmp_path):
    folder = _library_with(tmp_path, FRAGMENT)
    library = load_library([folder], bundled=False)
    doc = insert_fragment(HOST, library.get("kernel")).document
    next(n for n in doc["nodes"] if n["id"] == "bug")["label"] = "Local label"
    newer = copy.deepcopy(FRAGMENT)
    newer[FRAGMENT_KEY]["version"] = "2.0"
    next(n for n in newer["nodes"] if n["id"] == "bug")["label"] = "Library label"
    _library_with(tmp_path, newer)
    library = load_library([folder], bundled=False)
    [stale] = outdated(doc, library)
    updated, conflicts = update_instance(doc, stale.instance, stale.fragment)
    [conflict] = conflicts
    assert conflict.ours == "Local label" and conflict.theirs == "Library label"
    warnings = [p for p in validate_document(updated) if "merge conflict" in p.message]
    [warning] = warnings
    index = next(i for i, n in enumerate(updated["nodes"]) if n["id"] == "bug")
    assert warning.pointer == f"/nodes/{index}/label"


def test_starter_library_is_complete_and_sourced():
    library = bundled_library()
    assert not library.problems
    ids = {f.id for f in library.fragments}
    assert len(ids) >= 12
    assert {
        "cloud-identity",
        "cicd-signing",
        "ota-update",
        "fleet-management",
        "boot-chain",
        "linux-kernel",
        "tee-secure-world",
        "hw-security-processor",
        "debug-ports",
        "mobile-app",
        "local-network-services",
        "can-gateway",
    } <= ids
    from attackgraph.bundled import resource_path

    catalog = resource_path("catalogs", "attack-enterprise.json").read_text(encoding="utf-8")
    techniques = json.loads(catalog)["techniques"]
    for fragment in library.fragments:
        assert "Sources:" in fragment.description, fragment.id
        assert fragment.ports_in or fragment.ports_out, fragment.id
        nodes = fragment.document["nodes"]
        assert all(n.get("techniques") for n in nodes), fragment.id
        assert all(t in techniques for n in nodes for t in n["techniques"]), fragment.id
        mitigations = fragment.document["mitigations"]
        assert mitigations and all(m.get("property") in SEVEN for m in mitigations)
        assert all(m.get("refs") for m in mitigations), fragment.id
    assert [f.id for f in library.search("jtag")] == ["debug-ports"]


def _compose_flagship_like():
    library = bundled_library()
    doc = {"format": "attackgraph", "version": 1, "title": "Composed from the library", "nodes": []}
    steps = [
        ("cloud-identity", None, []),
        ("fleet-management", None, [("fleet-api-access", "tenant-admin")]),
        ("debug-ports", None, [("service-port", "debug-capability")]),
        ("linux-kernel", None, [("app-code-exec", "device-code-exec")]),
        ("tee-secure-world", None, [("nw-root", "kernel-root")]),
        ("hw-security-processor", None, [("sp-interface", "sw-code-exec")]),
    ]
    for fragment_id, into, wiring in steps:
        fragment = library.get(fragment_id)
        doc = insert_fragment(
            doc, fragment, into=into, connect=[Connection(port, node) for port, node in wiring]
        ).document
    return document_to_model(doc)


def test_a_flagship_like_chain_composes_from_the_library_alone():
    model = _compose_flagship_like()
    result = analyze(model)
    goals = {g.id: g for g in result.goals}
    assert goals["kernel-root"].reachable
    # as in the Azure Sphere 2020 flagship: some chains to root on Linux start in
    # the cloud (a development capability) and need physical access to the
    # service port; the secure world and the security processor are goals behind it
    crossing = [
        c
        for c in result.chains
        if c.goal == "kernel-root" and "debug-capability" in c.nodes and "service-port" in c.nodes
    ]
    assert crossing
    kinds = {
        model.components[model.nodes[n].component].kind
        for n in crossing[0].nodes
        if model.nodes[n].component
    }
    assert {"cloud", "physical", "device"} <= kinds
    assert "physical-access" in crossing[0].nodes  # the AND gate pulls in the port
    assert {"sw-code-exec", "device-keys"} <= set(goals)


def test_cli_compose_and_library(tmp_path, capsys):
    host = tmp_path / "host.attackgraph.json"
    host.write_text(json.dumps(HOST))
    out = tmp_path / "out.attackgraph.json"
    code = main(
        [
            "compose",
            str(host),
            "library:linux-kernel",
            "--into",
            "dev",
            "--connect",
            "app-code-exec=S1",
            "--connect",
            "kernel-root=G1",
            "-o",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    doc = json.loads(out.read_text())
    assert {"source": "S1", "target": "app-code-exec"} in doc["edges"]
    assert instances(doc)[0].source == "library:linux-kernel"
    assert main(["library", str(out)]) == 0
    assert (
        main(["compose", str(host), "library:linux-kernel", "--connect", "x=S1", "-o", str(out)])
        == 1
    )
    err = capsys.readouterr().err
    assert "--connect/0" in err and "not a port" in err
    assert main(["compose", str(host), "library:nope", "-o", str(out)]) == 1
    assert main(["library", "--search", "kernel"]) == 0
    assert "library:linux-kernel" in capsys.readouterr().out
    frag = tmp_path / "dev.fragment.json"
    assert main(["library", str(out), "--save", "dev", "--id", "device", "-o", str(frag)]) == 0
    assert json.loads(frag.read_text())[FRAGMENT_KEY]["id"] == "device"


def test_model_document_keeps_the_records():
    fragment = parse_fragment(copy.deepcopy(FRAGMENT))
    doc = insert_fragment(HOST, fragment).document
    again = model_to_document(document_to_model(doc))
    assert again[INSTANCES_KEY] == doc[INSTANCES_KEY]
