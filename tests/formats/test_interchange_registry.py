"""The registry with every interchange format: names, content sniffing,
writers, and hostile files of each format."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attackgraph.errors import ModelError
from attackgraph.formats import FORMATS, check_file, format_for_path, read_model, write_model
from attackgraph.formats.attack_flow import check_afb, check_stix
from attackgraph.formats.deciduous import generate_deciduous
from attackgraph.formats.graphml import generate_graphml
from attackgraph.formats.native import generate_json
from tests.formats.flows import afb_document, encode, operator_flow
from tests.support import rich_model


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("flow.stix.json", "stix"),
        ("FLOW.STIX.JSON", "stix"),
        ("flow.afb", "afb"),
        ("g.graphml", "graphml"),
        ("t.deciduous.yaml", "deciduous"),
        ("t.deciduous.yml", "deciduous"),
        ("m.json", "json"),
        ("m.yaml", "yaml"),
        ("m.attackgraph.json", "json"),
    ],
)
def test_file_names_decide_formats(name: str, expected: str) -> None:
    assert format_for_path(name).name == expected  # type: ignore[union-attr]


def test_every_format_and_suffix_is_registered_once() -> None:
    names = [f.name for f in FORMATS]
    suffixes = [s for f in FORMATS for s in f.suffixes]
    assert len(names) == len(set(names)) and len(suffixes) == len(set(suffixes))
    assert {"json", "yaml", "stix", "afb", "deciduous", "graphml"} <= set(names)
    assert all(f.check is not None for f in FORMATS if f.name != "svg")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "content", "reader"),
    [
        ("flow.json", lambda: encode(operator_flow()), "stix"),  # STIX named .json
        ("flow.json", lambda: encode(afb_document()), "afb"),  # .afb named .json
        ("tree.yaml", lambda: generate_deciduous(rich_model()).encode(), "deciduous"),
        ("graph.xml", lambda: generate_graphml(rich_model()).encode(), "graphml"),
        ("graph", lambda: generate_graphml(rich_model()).encode(), "graphml"),
        ("model.stix.json", lambda: generate_json(rich_model()).encode(), "json"),  # content wins
    ],
)
def test_content_decides_the_reader(tmp_path: Path, name: str, content, reader: str) -> None:
    from attackgraph.formats import reader_for

    path = _write(tmp_path / name, content())
    assert reader_for(path, path.read_bytes()).name == reader
    checked = check_file(path)
    assert checked.model is not None, checked.problems


@pytest.mark.parametrize(
    "suffix", [".stix.json", ".graphml", ".deciduous.yaml", ".json", ".yaml"]
)  # the lossless ones; .afb is tested below
def test_writers_round_trip_through_files(tmp_path: Path, suffix: str) -> None:
    model = rich_model()
    path = tmp_path / f"out{suffix}"
    write_model(model, path)
    again = read_model(path)
    assert {n.id: (n.kind, n.effective_gate) for n in again.nodes.values()} == {
        n.id: (n.kind, n.effective_gate) for n in model.nodes.values()
    }
    assert {e.key for e in again.edges} == {e.key for e in model.edges}
    assert {m.id: m.blocks for m in again.mitigations.values()} == {
        m.id: m.blocks for m in model.mitigations.values()
    }


def test_afb_writer_keeps_what_the_builder_draws(tmp_path: Path) -> None:
    from attackgraph.formats.attack_flow import check_afb
    from attackgraph.formats.attack_flow.afb_write import generate_afb

    model = rich_model()
    path = tmp_path / "x.afb"
    write_model(model, path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["schema"] == "attack_flow_v2" and doc["objects"][0]["id"] == "flow"
    by_instance = {o["instance"]: o for o in doc["objects"]}
    held = {latch for o in doc["objects"] if o["id"].endswith("_anchor") for latch in o["latches"]}
    lines = [o for o in doc["objects"] if o["id"] == "dynamic_line"]
    assert lines and all(line["source"] in held and line["target"] in held for line in lines)
    blocks = [o for o in doc["objects"] if "anchors" in o]
    assert all(len(b["anchors"]) in (11, 12) for b in blocks)
    assert all(
        by_instance[a]["id"] in ("horizontal_anchor", "vertical_anchor")
        for b in blocks
        for a in b["anchors"].values()
    )
    again = check_afb(path.read_bytes()).model
    assert again is not None
    gate = next(n for n in again.nodes.values() if n.label == "AND")  # the AND gate's block
    assert gate.gate == "and"
    # a Builder file has no place for attackgraph ids: nodes come back by label
    labels = {n.id: n.label for n in again.nodes.values()}
    assert {n.label for n in model.nodes.values()} <= set(labels.values())

    def blocked(m, names):
        return {mit.label: sorted(names[b] for b in mit.blocks) for mit in m.mitigations.values()}

    assert blocked(again, labels) == blocked(model, {n.id: n.label for n in model.nodes.values()})
    exploit = next(i for i, label in labels.items() if label == model.nodes["S1"].label)
    assert again.layout[exploit] == model.layout["S1"]
    assert generate_afb(again) == generate_afb(check_afb(generate_afb(again).encode()).model)


HOSTILE: list[tuple[str, bytes, str, tuple[int, int] | None]] = [
    ("bad.stix.json", b'{"type": "bundle",\n "objects": [,]}', "not valid JSON", (2, 14)),
    ("bad.stix.json", b"[1, 2]", "not a STIX bundle", None),
    ("bad.stix.json", b'{"type": "bundle", "objects": {}}', "'objects' must be a list", None),
    ("bad.stix.json", b'{"type": "bundle", "objects": [1, "x", null]}', "no attack steps", None),
    (
        "bad.stix.json",
        b'{"type": "bundle", "type": "bundle", "objects": []}',
        "appears twice",
        None,
    ),
    (
        "bad.stix.json",
        b'{"type": "bundle", "objects": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        "nested",
        None,
    ),
    ("bad.stix.json", b'\xff\xfe{"type": "bundle"}', "not UTF-8", (1, 1)),
    ("bad.afb", b'{"schema": "attack_flow_v2", "objects": 3}', "not an Attack Flow Builder", None),
    ("bad.afb", b'{"schema": "attack_flow_v2", "objects": [', "not valid JSON", (1, 42)),
    ("bad.deciduous.yaml", b"attacks:\n  - a: [unclosed\n", "not valid YAML", (3, 1)),
    ("bad.graphml", b"<graphml><graph>", "not well-formed XML", (1, 17)),
]


@pytest.mark.parametrize(("name", "raw", "fragment", "where"), HOSTILE)
def test_malformed_files_give_located_errors(
    tmp_path: Path, name: str, raw: bytes, fragment: str, where
) -> None:
    path = _write(tmp_path / name, raw)
    checked = check_file(path)
    assert checked.model is None
    assert any(fragment in p.message for p in checked.errors), checked.errors
    for problem in checked.problems:
        assert problem.message.endswith(".") and "Traceback" not in problem.message
        assert "\n" not in problem.message
    if where is not None:
        first = checked.errors[0]
        assert (first.line, first.column) == where
    with pytest.raises(ModelError):
        read_model(path)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _mutate(data: Any, path: list[int], value: Any) -> Any:
    """Replace one value deep inside ``data`` (chosen by ``path``) by ``value``."""
    data = copy.deepcopy(data)
    node = data
    for step in path:
        children = (
            list(node.items())
            if isinstance(node, dict)
            else list(enumerate(node))
            if isinstance(node, list)
            else []
        )
        if not children:
            break
        key, child = children[step % len(children)]
        if not isinstance(child, (dict, list)) or step % 3 == 0:
            node[key] = value
            return data
        node = child
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.lists(st.integers(0, 50), min_size=1, max_size=6), value=_JSON)
def test_mutated_flows_never_raise(path: list[int], value: Any) -> None:
    for checker, document in ((check_stix, operator_flow()), (check_afb, afb_document())):
        checked = checker(json.dumps(_mutate(document, path, value)).encode())
        assert checked.model is not None or checked.errors
        for problem in checked.problems:
            assert problem.message.endswith(".")
