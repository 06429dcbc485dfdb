"""One test per validity rule of the format, each asserting the location."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from attackgraph.errors import Problem
from attackgraph.formats.native import check_text
from attackgraph.model import validate_document
from attackgraph.model.validate import MAX_PROBLEMS, pointer_escape
from tests.support import base_doc, rich_doc

Doc = dict[str, Any]


def problems_of(doc: object) -> list[tuple[str, str]]:
    """(pointer, severity) of every problem."""
    return [(p.pointer, p.severity) for p in validate_document(doc)]


def errors_of(doc: object) -> list[Problem]:
    return [p for p in validate_document(doc) if p.is_error]


def test_base_and_rich_documents_are_clean() -> None:
    assert validate_document(base_doc()) == []
    assert validate_document(rich_doc()) == []


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    """A change that sets ``doc[path...] = value`` (path like ``nodes/1/gate``)."""

    def change(doc: Doc) -> None:
        *parents, last = path.split("/")
        target: Any = doc
        for token in parents:
            target = target[int(token)] if isinstance(target, list) else target[token]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def _delete(path: str) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        *parents, last = path.split("/")
        target: Any = doc
        for token in parents:
            target = target[int(token)] if isinstance(target, list) else target[token]
        del target[int(last) if isinstance(target, list) else last]

    return change


def _append(key: str, value: Any) -> Callable[[Doc], None]:
    def change(doc: Doc) -> None:
        doc.setdefault(key, []).append(value)

    return change


# (case id, change to base_doc, the single error pointer expected, message fragment)
ERROR_CASES: list[tuple[str, Callable[[Doc], None], str, str]] = [
    # rule 1: structure and types
    ("no format", _delete("format"), "", "'format'"),
    ("wrong format", _set("format", "attackflow"), "/format", "'attackgraph'"),
    ("no version", _delete("version"), "", "'version'"),
    ("version string", _set("version", "1"), "/version", "integer 1"),
    ("version zero", _set("version", 0), "/version", "integer 1"),
    ("version float", _set("version", 1.0), "/version", "integer 1"),
    ("version bool", _set("version", True), "/version", "integer 1"),
    ("no title", _delete("title"), "", "'title'"),
    ("title not string", _set("title", ["t"]), "/title", "string"),
    ("description not string", _set("description", 5), "/description", "string"),
    ("components not list", _set("components", {}), "/components", "must be a list"),
    ("edges not list", _set("edges", "E1->S1"), "/edges", "must be a list"),
    ("mitigations not list", _set("mitigations", None), "/mitigations", "must be a list"),
    ("profiles not list", _set("profiles", 3), "/profiles", "must be a list"),
    ("releases not list", _set("releases", True), "/releases", "must be a list"),
    ("component not object", _set("components/0", "C1"), "/components/0", "object"),
    ("profile not object", _set("profiles/0", ["P1"]), "/profiles/0", "object"),
    ("release not object", _set("releases/0", None), "/releases/0", "object"),
    ("component without label", _delete("components/0/label"), "/components/0", "'label'"),
    ("component kind", _set("components/0/kind", "moon"), "/components/0/kind", "'cloud'"),
    (
        "component description",
        _set("components/1/description", 1),
        "/components/1/description",
        "string",
    ),
    ("node without kind", _delete("nodes/2/kind"), "/nodes/2", "'kind'"),
    ("node kind", _set("nodes/2/kind", "target"), "/nodes/2/kind", "'goal'"),
    ("node label", _set("nodes/2/label", None), "/nodes/2/label", "string"),
    ("node gate", _set("nodes/2/gate", "xor"), "/nodes/2/gate", "'or' or 'and'"),
    ("node access", _set("nodes/2/access", "cloud"), "/nodes/2/access", "'network'"),
    ("node skill", _set("nodes/2/skill", 3), "/nodes/2/skill", "'expert'"),
    ("node cost negative", _set("nodes/2/cost", -0.5), "/nodes/2/cost", "at least 0"),
    ("node cost string", _set("nodes/2/cost", "1"), "/nodes/2/cost", "a number"),
    ("node cost boolean", _set("nodes/2/cost", False), "/nodes/2/cost", "boolean"),
    ("node probability", _set("nodes/2/probability", 1.01), "/nodes/2/probability", "[0, 1]"),
    ("node impact", _set("nodes/2/impact", -1), "/nodes/2/impact", "at least 0"),
    (
        "node techniques not list",
        _set("nodes/2/techniques", "T1068"),
        "/nodes/2/techniques",
        "list",
    ),
    (
        "node techniques item",
        _set("nodes/2/techniques", ["T1", 2]),
        "/nodes/2/techniques/1",
        "each item",
    ),
    ("node refs item", _set("nodes/2/refs", [None]), "/nodes/2/refs/0", "string"),
    ("node description", _set("nodes/2/description", {"md": 1}), "/nodes/2/description", "string"),
    ("node id invalid", _set("nodes/2/id", "bad id"), "/nodes/2/id", "identifier"),
    ("node id too long", _set("nodes/2/id", "G" * 129), "/nodes/2/id", "identifier"),
    ("node id leading dash", _set("nodes/2/id", "-G1"), "/nodes/2/id", "identifier"),
    ("node id number", _set("nodes/2/id", 7), "/nodes/2/id", "identifier"),
    ("edge without target", _delete("edges/1/target"), "/edges/1", "'target'"),
    ("edge label", _set("edges/1/label", 1), "/edges/1/label", "string"),
    ("edge not object", _set("edges/1", ["S1", "G1"]), "/edges/1", "object"),
    ("mitigation without blocks", _delete("mitigations/0/blocks"), "/mitigations/0", "'blocks'"),
    (
        "mitigation blocks empty",
        _set("mitigations/0/blocks", []),
        "/mitigations/0/blocks",
        "at least 1",
    ),
    (
        "mitigation blocks item",
        _set("mitigations/0/blocks", ["S1", "bad id"]),
        "/mitigations/0/blocks/1",
        "identifier",
    ),
    ("mitigation cost", _set("mitigations/0/cost", -1), "/mitigations/0/cost", "at least 0"),
    (
        "mitigation effectiveness 0",
        _set("mitigations/0/effectiveness", 0),
        "/mitigations/0/effectiveness",
        "(0, 1]",
    ),
    (
        "mitigation effectiveness 2",
        _set("mitigations/0/effectiveness", 2),
        "/mitigations/0/effectiveness",
        "(0, 1]",
    ),
    (
        "mitigation status",
        _set("mitigations/0/status", "done"),
        "/mitigations/0/status",
        "'deployed'",
    ),
    ("mitigation property", _set("mitigations/0/property", 7), "/mitigations/0/property", "string"),
    ("profile access not list", _set("profiles/0/access", "network"), "/profiles/0/access", "list"),
    (
        "profile access item",
        _set("profiles/0/access", ["network", "moon"]),
        "/profiles/0/access/1",
        "'physical'",
    ),
    ("profile max_skill", _set("profiles/0/max_skill", "god"), "/profiles/0/max_skill", "'none'"),
    (
        "release date format",
        _set("releases/0/date", "30.06.2020"),
        "/releases/0/date",
        "YYYY-MM-DD",
    ),
    (
        "release date not real",
        _set("releases/0/date", "2020-02-30"),
        "/releases/0/date",
        "not a real date",
    ),
    ("release label", _delete("releases/0/label"), "/releases/0", "'label'"),
    ("layout not object", _set("layout", [[0, 0]]), "/layout", "object"),
    ("layout value short", _set("layout/E1", [1]), "/layout/E1", "two finite numbers"),
    ("layout value nan", _set("layout/E1", [float("nan"), 0]), "/layout/E1", "finite"),
    ("layout value bool", _set("layout/E1", [True, 0]), "/layout/E1", "finite"),
    ("layout value string", _set("layout/E1", "0,0"), "/layout/E1", "finite"),
    # rule 1: unknown keys
    ("unknown top-level key", _set("nodez", []), "/nodez", "unknown top-level key"),
    (
        "unknown component key",
        _set("components/0/parnet", "C2"),
        "/components/0/parnet",
        "unknown key",
    ),
    ("unknown node key", _set("nodes/1/lable", "x"), "/nodes/1/lable", "x-"),
    ("unknown edge key", _set("edges/0/weight", 1), "/edges/0/weight", "unknown key"),
    (
        "unknown mitigation key",
        _set("mitigations/0/state", "deployed"),
        "/mitigations/0/state",
        "unknown key",
    ),
    ("unknown profile key", _set("profiles/0/skill", "low"), "/profiles/0/skill", "unknown key"),
    ("unknown release key", _set("releases/0/name", "x"), "/releases/0/name", "unknown key"),
    (
        "unknown key escaped",
        lambda d: d["nodes"][0].update({"a/b~c": 1}),
        "/nodes/0/a~1b~0c",
        "unknown key",
    ),
    ("X- is not x-", _set("X-note", 1), "/X-note", "unknown top-level key"),
    # rule 2: references
    ("node component", _set("nodes/1/component", "C9"), "/nodes/1/component", "component 'C9'"),
    (
        "node component names a node",
        _set("nodes/1/component", "S1"),
        "/nodes/1/component",
        "does not exist",
    ),
    (
        "component parent",
        _set("components/1/parent", "C9"),
        "/components/1/parent",
        "does not exist",
    ),
    ("edge source", _set("edges/0/source", "E9"), "/edges/0/source", "node 'E9'"),
    ("edge target", _set("edges/1/target", "G9"), "/edges/1/target", "node 'G9'"),
    (
        "mitigation blocks",
        _set("mitigations/0/blocks", ["S1", "C1"]),
        "/mitigations/0/blocks/1",
        "node 'C1'",
    ),
    (
        "mitigation release",
        _set("mitigations/0/release", "R9"),
        "/mitigations/0/release",
        "release 'R9'",
    ),
    (
        "node release_fixed",
        _set("nodes/1/release_fixed", "M1"),
        "/nodes/1/release_fixed",
        "release 'M1'",
    ),
    ("layout key", _set("layout/G9", [0, 0]), "/layout/G9", "node 'G9'"),
    (
        "layout key escaped",
        lambda d: d["layout"].update({"a/b": [0, 0]}),
        "/layout/a~1b",
        "does not exist",
    ),
    # rule 3: duplicates, self-loops, cycles
    (
        "duplicate component",
        _append("components", {"id": "C1", "label": "x", "kind": "other"}),
        "/components/2/id",
        "first used at /components/0",
    ),
    (
        "duplicate mitigation",
        _append("mitigations", {"id": "M1", "label": "x", "blocks": ["S1"]}),
        "/mitigations/1/id",
        "duplicate mitigation id 'M1'",
    ),
    (
        "duplicate profile",
        _append("profiles", {"id": "P1", "label": "x"}),
        "/profiles/1/id",
        "duplicate profile",
    ),
    (
        "duplicate release",
        _append("releases", {"id": "R1", "label": "x"}),
        "/releases/1/id",
        "duplicate release",
    ),
    (
        "duplicate edge",
        _append("edges", {"source": "E1", "target": "S1", "label": "again"}),
        "/edges/2",
        "first at /edges/0",
    ),
    ("self-loop", _append("edges", {"source": "S1", "target": "S1"}), "/edges/2", "self-loop"),
    ("self parent", _set("components/0/parent", "C1"), "/components/0/parent", "cycle"),
    # rule 4: entries
    (
        "edge into entry",
        _append("edges", {"source": "S1", "target": "E1"}),
        "/edges/2/target",
        "entry 'E1'",
    ),
    ("entry with or gate", _set("nodes/0/gate", "or"), "/nodes/0/gate", "has a gate"),
    ("entry with and gate", _set("nodes/0/gate", "and"), "/nodes/0/gate", "has a gate"),
]


@pytest.mark.parametrize(
    ("change", "pointer", "fragment"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_each_rule_reports_one_located_error(
    change: Callable[[Doc], None], pointer: str, fragment: str
) -> None:
    doc = base_doc()
    change(doc)
    errors = errors_of(doc)
    assert errors and errors[0].pointer == pointer, errors
    # anything else is a consequence: references to what is now broken
    for other in errors[1:]:
        assert "does not exist" in other.message, errors
    message = errors[0].message
    assert fragment in message
    assert message.endswith(".") and not message[0].isspace()
    assert "\n" not in message


def test_x_keys_are_kept_and_ignored_everywhere() -> None:
    doc = base_doc()
    doc["x-tool"] = {"name": "me", "nested": [1, {"deep": None}]}
    for key in ("components", "nodes", "edges", "mitigations", "profiles", "releases"):
        doc[key][0]["x-note"] = "kept"
    assert validate_document(doc) == []


def test_duplicate_node_id_points_at_the_second() -> None:
    doc = base_doc()
    doc["nodes"].append({"id": "S1", "kind": "step", "label": "again"})
    doc["edges"].append({"source": "E1", "target": "G1"})
    errors = errors_of(doc)
    assert [p.pointer for p in errors] == ["/nodes/3/id"]
    assert "first used at /nodes/1" in errors[0].message


def test_parent_cycle_is_reported_once_with_the_cycle() -> None:
    doc = base_doc()
    doc["components"] = [
        {"id": "A", "label": "a", "kind": "other", "parent": "C"},
        {"id": "B", "label": "b", "kind": "other", "parent": "A"},
        {"id": "C", "label": "c", "kind": "other", "parent": "B"},
        {"id": "D", "label": "d", "kind": "other", "parent": "C"},
    ]
    for node in doc["nodes"]:
        node.pop("component", None)
    errors = errors_of(doc)
    assert len(errors) == 1
    assert errors[0].pointer in {
        "/components/0/parent",
        "/components/1/parent",
        "/components/2/parent",
    }
    assert "cycle" in errors[0].message
    for ident in "ABC":
        assert ident in errors[0].message


def test_and_without_incoming_edge_is_an_error_at_the_gate() -> None:
    doc = base_doc()
    doc["nodes"].append({"id": "S2", "kind": "step", "label": "x", "gate": "and"})
    doc["edges"].append({"source": "S2", "target": "G1"})
    assert problems_of(doc) == [("/nodes/3/gate", "error")]
    assert "AND step 'S2'" in errors_of(doc)[0].message


def test_and_goal_with_one_incoming_edge_is_valid() -> None:
    doc = base_doc()
    doc["nodes"][2]["gate"] = "and"
    assert validate_document(doc) == []


def test_edges_with_broken_ends_do_not_count_as_incoming() -> None:
    doc = base_doc()
    doc["nodes"][2]["gate"] = "and"
    doc["edges"][1]["source"] = "nope"
    assert [p.pointer for p in errors_of(doc)] == ["/edges/1/source", "/nodes/2/gate"]


# ---------------------------------------------------------------- warnings
def test_warning_step_without_incoming_edge() -> None:
    doc = base_doc()
    doc["nodes"].append({"id": "S2", "kind": "step", "label": "orphan"})
    doc["edges"].append({"source": "S2", "target": "G1"})
    problems = validate_document(doc)
    assert [(p.pointer, p.severity) for p in problems] == [("/nodes/3", "warning")]
    assert "no incoming edge" in problems[0].message
    assert not problems[0].is_error


def test_warning_goal_without_incoming_edge() -> None:
    doc = base_doc()
    doc["nodes"].append({"id": "G2", "kind": "goal", "label": "unreachable"})
    assert problems_of(doc) == [("/nodes/3", "warning")]


def test_warning_node_that_cannot_reach_a_goal() -> None:
    doc = base_doc()
    doc["nodes"].append({"id": "S2", "kind": "step", "label": "dead end"})
    doc["edges"].append({"source": "S1", "target": "S2"})
    problems = validate_document(doc)
    assert [(p.pointer, p.severity) for p in problems] == [("/nodes/3", "warning")]
    assert "cannot reach any goal" in problems[0].message


def test_warning_model_without_goals_flags_every_node() -> None:
    doc = base_doc()
    doc["nodes"][2]["kind"] = "step"
    assert problems_of(doc) == [(f"/nodes/{i}", "warning") for i in range(3)]


def test_warning_mitigation_blocking_only_entries() -> None:
    doc = base_doc()
    doc["mitigations"].append({"id": "M2", "label": "Firewall", "blocks": ["E1"]})
    problems = validate_document(doc)
    assert [(p.pointer, p.severity) for p in problems] == [("/mitigations/1/blocks", "warning")]
    assert "only entries" in problems[0].message
    doc["mitigations"][1]["blocks"] = ["E1", "S1"]
    assert validate_document(doc) == []


def test_warnings_do_not_stop_a_model_loading() -> None:
    text = (
        '{"format": "attackgraph", "version": 1, "title": "t", "nodes": ['
        '{"id": "S1", "kind": "step", "label": "s"}]}'
    )
    checked = check_text(text)
    assert checked.model is not None
    assert checked.errors == []
    assert [p.pointer for p in checked.warnings] == ["/nodes/0", "/nodes/0"]


# ------------------------------------------------------------ version, all
def test_version_higher_than_supported_names_both_versions() -> None:
    doc = base_doc()
    doc["version"] = 2
    doc["nodes"] = "whatever version 2 means"
    problems = validate_document(doc)
    assert [(p.pointer, p.severity) for p in problems] == [("/version", "error")]
    message = problems[0].message
    assert "version 2" in message and "version 1" in message


def test_top_level_not_an_object() -> None:
    for value in ([], "text", 3, None, True):
        problems = validate_document(value)
        assert [(p.pointer, p.severity) for p in problems] == [("", "error")]
        assert "object at the top level" in problems[0].message


def test_every_problem_is_reported_not_just_the_first() -> None:
    doc = base_doc()
    doc["title"] = 5
    doc["oops"] = 1
    doc["nodes"][0]["gate"] = "and"
    doc["nodes"][1]["cost"] = -1
    doc["nodes"][2]["component"] = "nowhere"
    doc["edges"].append({"source": "G1", "target": "G1"})
    doc["mitigations"][0]["blocks"] = ["ghost"]
    doc["releases"][0]["date"] = "soon"
    doc["layout"]["ghost"] = [0, 0]
    pointers = [p.pointer for p in errors_of(doc)]
    assert sorted(pointers) == sorted(
        [
            "/oops",
            "/title",
            "/nodes/1/cost",
            "/releases/0/date",
            "/nodes/2/component",
            "/mitigations/0/blocks/0",
            "/edges/2",
            "/layout/ghost",
            "/nodes/0/gate",
        ]
    )


def test_problem_flood_is_capped_with_a_summary() -> None:
    doc = base_doc()
    doc["nodes"] += [{"id": f"N{i}", "kind": "bogus", "label": "x"} for i in range(MAX_PROBLEMS)]
    problems = validate_document(doc)
    assert len(problems) == MAX_PROBLEMS + 1
    assert problems[-1].pointer == ""
    assert "more problems were not listed" in problems[-1].message


def test_yaml_problems_carry_line_and_column() -> None:
    text = (
        "format: attackgraph\n"
        "version: 1\n"
        "title: t\n"
        "nodes:\n"
        "  - id: E1\n"
        "    kind: entry\n"
        "    label: start\n"
        "    gate: and\n"
        "  - id: S1\n"
        "    kind: step\n"
        "    label: s\n"
        "    cost: -2\n"
    )
    checked = check_text(text, "yaml")
    located = {(p.pointer, p.line, p.column) for p in checked.errors}
    assert ("/nodes/0/gate", 8, 5) in located
    assert ("/nodes/1/cost", 12, 5) in located
    warnings = [p for p in checked.warnings if p.pointer == "/nodes/1"]
    assert warnings and (warnings[0].line, warnings[0].column) == (9, 5)
    assert checked.errors[0].format("m.yaml").startswith("m.yaml:")


def test_pointer_escape() -> None:
    assert pointer_escape("a/b") == "a~1b"
    assert pointer_escape("~/") == "~0~1"
    assert pointer_escape(3) == "3"
