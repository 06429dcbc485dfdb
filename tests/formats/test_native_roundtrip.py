"""Round trips of the native format: any valid document survives JSON and
YAML, and what the program writes re-saves byte-identical."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attackgraph.formats.native import (
    check_text,
    document_to_model,
    generate_json,
    generate_yaml,
    model_to_document,
    parse_model,
)
from attackgraph.model import AttackModel, Node, validate_document
from attackgraph.model.schema import (
    COMPONENT_FIELDS,
    EDGE_FIELDS,
    MITIGATION_FIELDS,
    NODE_FIELDS,
    PROFILE_FIELDS,
    RELEASE_FIELDS,
    TOP_LEVEL_KEYS,
)
from tests.support import rich_doc

# ------------------------------------------------------------- strategies
IDS = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,12}", fullmatch=True)
# Any Unicode text a file can hold: everything but lone surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
LABELS = st.one_of(
    TEXT,
    st.sampled_from(
        [
            "yes",
            "null",
            "1.0",
            "2020-01-01",
            "- x",
            "#",
            "a: b",
            "line\nbreak",
            " lead",
            "trail ",
            "",
            "ünïcödé ✓ 攻撃",
            "'q'",
            '"dq"',
            "~",
            "<<",
        ]
    ),
)
NUMBER_0_1 = st.one_of(st.sampled_from([0, 1]), st.floats(0, 1))
NON_NEGATIVE = st.one_of(st.integers(0, 10**12), st.floats(0, 1e12))
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    LABELS,
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(LABELS, inner, max_size=3),
    max_leaves=6,
)
X_KEYS = st.from_regex(r"x-[a-z0-9-]{0,8}", fullmatch=True)


def _maybe(draw: st.DrawFn, out: dict[str, Any], key: str, strategy: st.SearchStrategy) -> None:
    if draw(st.booleans()):
        out[key] = draw(strategy)


def _extras(draw: st.DrawFn, out: dict[str, Any]) -> None:
    for key, value in draw(st.dictionaries(X_KEYS, JSON_VALUES, max_size=2)).items():
        out[key] = value


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid model document using every part of the format."""

    def take(low: int, high: int) -> list[str]:
        # ids are unique within a kind and may repeat across kinds
        return draw(st.lists(IDS, min_size=low, max_size=high, unique=True))

    doc: dict[str, Any] = {"format": "attackgraph", "version": 1, "title": draw(LABELS)}
    _maybe(draw, doc, "description", LABELS)

    releases = []
    for rid in take(0, 3):
        release: dict[str, Any] = {"id": rid, "label": draw(LABELS)}
        _maybe(draw, release, "date", st.dates().map(lambda d: d.isoformat()))
        _extras(draw, release)
        releases.append(release)
    release_ids = [r["id"] for r in releases]

    components: list[dict[str, Any]] = []
    for cid in take(0, 4):
        comp: dict[str, Any] = {
            "id": cid,
            "label": draw(LABELS),
            "kind": draw(st.sampled_from(COMPONENT_FIELDS[2].choices)),
        }
        if components and draw(st.booleans()):  # parent declared earlier: no cycles
            comp["parent"] = draw(st.sampled_from([c["id"] for c in components]))
        _maybe(draw, comp, "description", LABELS)
        _extras(draw, comp)
        components.append(comp)
    if components and draw(st.booleans()):
        components = draw(st.permutations(components))  # children may come first
    component_ids = [c["id"] for c in components]

    node_ids = take(1, 8)
    kinds = {n: draw(st.sampled_from(["entry", "step", "goal"])) for n in node_ids}
    pairs = [(s, t) for s in node_ids for t in node_ids if s != t and kinds[t] != "entry"]
    edge_pairs = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=12)) if pairs else []
    incoming = {t for _, t in edge_pairs}

    nodes = []
    for nid in node_ids:
        node: dict[str, Any] = {"id": nid, "kind": kinds[nid], "label": draw(LABELS)}
        if component_ids:
            _maybe(draw, node, "component", st.sampled_from(component_ids))
        if kinds[nid] != "entry":
            gates = ["or", "and"] if nid in incoming else ["or"]
            _maybe(draw, node, "gate", st.sampled_from(gates))
        _maybe(draw, node, "access", st.sampled_from(NODE_FIELDS[5].choices))
        _maybe(draw, node, "skill", st.sampled_from(NODE_FIELDS[6].choices))
        _maybe(draw, node, "cost", NON_NEGATIVE)
        _maybe(draw, node, "probability", NUMBER_0_1)
        if kinds[nid] == "goal":
            _maybe(draw, node, "impact", NON_NEGATIVE)
        _maybe(
            draw,
            node,
            "techniques",
            st.lists(st.sampled_from(["T1068", "T1190.001", "AML.T0051"]), max_size=3),
        )
        _maybe(draw, node, "refs", st.lists(LABELS, max_size=2))
        if release_ids:
            _maybe(draw, node, "release_fixed", st.sampled_from(release_ids))
        _maybe(draw, node, "description", LABELS)
        _extras(draw, node)
        nodes.append(node)
    doc_nodes = nodes

    edges = []
    for source, target in edge_pairs:
        edge: dict[str, Any] = {"source": source, "target": target}
        _maybe(draw, edge, "label", LABELS)
        _extras(draw, edge)
        edges.append(edge)

    mitigations = []
    for mid in take(0, 4):
        mit: dict[str, Any] = {
            "id": mid,
            "label": draw(LABELS),
            "blocks": draw(st.lists(st.sampled_from(node_ids), min_size=1, max_size=4)),
        }
        _maybe(draw, mit, "cost", NON_NEGATIVE)
        _maybe(draw, mit, "effectiveness", st.one_of(st.just(1), st.floats(0, 1, exclude_min=True)))
        _maybe(draw, mit, "status", st.sampled_from(MITIGATION_FIELDS[5].choices))
        if release_ids:
            _maybe(draw, mit, "release", st.sampled_from(release_ids))
        _maybe(draw, mit, "property", LABELS)
        _maybe(draw, mit, "refs", st.lists(LABELS, max_size=2))
        _maybe(draw, mit, "description", LABELS)
        _extras(draw, mit)
        mitigations.append(mit)

    profiles = []
    for pid in take(0, 3):
        profile: dict[str, Any] = {"id": pid, "label": draw(LABELS)}
        _maybe(
            draw,
            profile,
            "access",
            st.lists(st.sampled_from(PROFILE_FIELDS[2].choices), unique=True, max_size=4),
        )
        _maybe(draw, profile, "max_skill", st.sampled_from(PROFILE_FIELDS[3].choices))
        _extras(draw, profile)
        profiles.append(profile)

    if components:
        doc["components"] = components
    doc["nodes"] = doc_nodes
    for key, items in (
        ("edges", edges),
        ("mitigations", mitigations),
        ("profiles", profiles),
        ("releases", releases),
    ):
        if items:
            doc[key] = items
    placed = draw(st.lists(st.sampled_from(node_ids), unique=True))
    if placed:
        coordinate = st.floats(-1e6, 1e6, allow_nan=False)
        doc["layout"] = {n: [draw(coordinate), draw(coordinate)] for n in placed}
    _extras(draw, doc)
    return doc


SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# -------------------------------------------------------------- properties
@SETTINGS
@given(documents())
def test_json_round_trip(doc: dict[str, Any]) -> None:
    text = json.dumps(doc, ensure_ascii=bool(len(doc["nodes"]) % 2), indent=None)
    assert [p for p in validate_document(doc) if p.is_error] == []
    model = parse_model(text, "json")
    assert model_to_document(model) == doc
    written = generate_json(model)
    again = parse_model(written, "json")
    assert model_to_document(again) == doc
    assert generate_json(again) == written


@SETTINGS
@given(documents())
def test_yaml_round_trip(doc: dict[str, Any]) -> None:
    # PyYAML's own writer corrupts U+0085 unless it escapes non-ASCII text
    text = yaml.safe_dump(doc, allow_unicode=False, sort_keys=False)
    model = parse_model(text, "yaml")
    assert model_to_document(model) == doc
    written = generate_yaml(model)
    again = parse_model(written, "yaml")
    assert model_to_document(again) == doc
    assert generate_yaml(again) == written


@SETTINGS
@given(documents())
def test_json_and_yaml_hold_the_same_model(doc: dict[str, Any]) -> None:
    model = document_to_model(doc)
    from_yaml = parse_model(generate_yaml(model), "yaml")
    from_json = parse_model(generate_json(from_yaml), "json")
    assert model_to_document(from_json) == doc
    assert generate_yaml(from_json) == generate_yaml(model)


@SETTINGS
@given(documents())
def test_written_key_order_follows_the_spec(doc: dict[str, Any]) -> None:
    written = generate_json(document_to_model(doc))
    ordered = json.loads(written, object_pairs_hook=list)
    _assert_order(ordered, TOP_LEVEL_KEYS)
    top = dict(ordered)
    for key, fields in (
        ("components", COMPONENT_FIELDS),
        ("nodes", NODE_FIELDS),
        ("edges", EDGE_FIELDS),
        ("mitigations", MITIGATION_FIELDS),
        ("profiles", PROFILE_FIELDS),
        ("releases", RELEASE_FIELDS),
    ):
        for item in top.get(key, []):
            _assert_order(item, tuple(f.name for f in fields))
    yaml_keys = [
        line.split(":")[0]
        for line in generate_yaml(document_to_model(doc)).splitlines()
        if line and not line[0].isspace() and not line.startswith("-") and ":" in line
    ]
    assert [k for k in yaml_keys if k in TOP_LEVEL_KEYS] == [
        k for k, _ in ordered if k in TOP_LEVEL_KEYS
    ]


def _assert_order(pairs: list[tuple[str, Any]], spec_order: tuple[str, ...]) -> None:
    keys = [k for k, _ in pairs]
    known = [k for k in keys if not k.startswith("x-")]
    assert known == [k for k in spec_order if k in known], keys
    first_extra = next((i for i, k in enumerate(keys) if k.startswith("x-")), len(keys))
    assert all(k.startswith("x-") for k in keys[first_extra:]), keys


# --------------------------------------------------------- fixed examples
def test_rich_document_round_trips_in_both_syntaxes() -> None:
    model = document_to_model(rich_doc())
    for generate, syntax in ((generate_json, "json"), (generate_yaml, "yaml")):
        text = generate(model)
        again = parse_model(text, syntax)  # type: ignore[arg-type]
        assert model_to_document(again) == rich_doc()
        assert generate(again) == text
        assert text.endswith("\n") and not text.endswith("\n\n")


def test_x_keys_survive_in_place() -> None:
    model = document_to_model(rich_doc())
    doc = json.loads(generate_json(model))
    assert doc["x-generator"] == "tests"
    assert doc["components"][2]["x-colour"] == "#ff0000"
    assert doc["nodes"][2]["x-note"] == {"a": [1, 2.5, None, True]}
    assert doc["edges"][2]["x-weight"] == 2
    assert doc["mitigations"][2]["x-owner"] == "ops"


MINIMAL = AttackModel("Demo ✓")


def _small_model() -> AttackModel:
    return document_to_model(
        {
            "format": "attackgraph",
            "version": 1,
            "title": "Demo ✓",
            "description": "Two\nlines",
            "nodes": [
                {"id": "E1", "kind": "entry", "label": "Phish"},
                {"id": "G1", "kind": "goal", "label": "Admin", "techniques": ["T1078"]},
            ],
            "edges": [{"source": "E1", "target": "G1"}],
            "layout": {"E1": [0, 0], "G1": [10.5, -2]},
            "x-tool": {"v": 1},
        }
    )


GOLDEN_JSON = """\
{
  "format": "attackgraph",
  "version": 1,
  "title": "Demo ✓",
  "description": "Two\\nlines",
  "nodes": [
    {"id": "E1", "kind": "entry", "label": "Phish"},
    {"id": "G1", "kind": "goal", "label": "Admin", "techniques": ["T1078"]}
  ],
  "edges": [
    {"source": "E1", "target": "G1"}
  ],
  "layout": {
    "E1": [0.0, 0.0],
    "G1": [10.5, -2.0]
  },
  "x-tool": {
    "v": 1
  }
}
"""

GOLDEN_YAML = """\
format: attackgraph
version: 1
title: Demo ✓
description: |-
  Two
  lines
nodes:
  - id: E1
    kind: entry
    label: Phish
  - id: G1
    kind: goal
    label: Admin
    techniques:
      - T1078
edges:
  - source: E1
    target: G1
layout:
  E1: [0.0, 0.0]
  G1: [10.5, -2.0]
x-tool:
  v: 1
"""


def test_json_text_is_exactly_as_specified() -> None:
    assert generate_json(_small_model()) == GOLDEN_JSON


def test_yaml_text_is_exactly_as_specified() -> None:
    assert generate_yaml(_small_model()) == GOLDEN_YAML


def test_golden_texts_read_back_to_the_same_model() -> None:
    for text, syntax in ((GOLDEN_JSON, "json"), (GOLDEN_YAML, "yaml")):
        checked = check_text(text, syntax)  # type: ignore[arg-type]
        assert checked.errors == []
        assert checked.model is not None
        assert model_to_document(checked.model) == model_to_document(_small_model())


def test_empty_model_round_trips() -> None:
    text = generate_json(MINIMAL)
    assert json.loads(text) == {
        "format": "attackgraph",
        "version": 1,
        "title": "Demo ✓",
        "nodes": [],
    }
    assert generate_json(parse_model(text)) == text
    assert generate_yaml(parse_model(generate_yaml(MINIMAL), "yaml")) == generate_yaml(MINIMAL)


TRICKY_TEXT = [
    "a\x85b",
    "\x85",
    "line\nnext\x85",
    "x\u2028y",
    "tab\there",
    "a\r\nb",
    "trailing \n",
    " leading",
    "\ufeffbom",
    "nul\x00",
    "esc\x1b",
    "yes",
    "~",
    "null",
    "0o17",
    "1_000",
    "2020-01-01",
    ".inf",
    "<<",
    "=",
    "- a",
    "? b",
    "a: b",
    "#c",
    "'",
    '"',
    "\\",
    "%x",
    "@x",
    "`x",
    "|",
    ">",
    "*a",
    "&a",
    "!t",
]


def test_tricky_strings_survive_yaml_and_json() -> None:
    model = AttackModel("t")
    for index, text in enumerate(TRICKY_TEXT):
        model.add_node(Node(f"S{index}", "step", text, description=text, refs=(text,)))
    model.set_title(" ".join(TRICKY_TEXT))
    for generate, syntax in ((generate_json, "json"), (generate_yaml, "yaml")):
        text = generate(model)
        again = parse_model(text, syntax)  # type: ignore[arg-type]
        assert [n.label for n in again.nodes.values()] == TRICKY_TEXT
        assert again.title == model.title
        assert generate(again) == text
