"""GraphML in and out, and the hardened XML parsing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from attackgraph.formats import check_file
from attackgraph.formats.graphml import check_graphml, generate_graphml, sniff_graphml
from attackgraph.formats.native import generate_json
from tests.support import rich_model

NS = 'xmlns="http://graphml.graphdrawing.org/xmlns"'


def billion_laughs(levels: int = 9) -> bytes:
    """The classic entity-expansion bomb (about 10**levels 'lol's)."""
    entities = ['<!ENTITY lol0 "lol">']
    for level in range(1, levels + 1):
        refs = f"&lol{level - 1};" * 10
        entities.append(f'<!ENTITY lol{level} "{refs}">')
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE graphml [{"".join(entities)}]>\n'
        f'<graphml {NS}><key id="l" for="node" attr.name="label" attr.type="string"/>'
        f'<graph edgedefault="directed"><node id="n"><data key="l">&lol{levels};</data>'
        f"</node></graph></graphml>"
    ).encode()


def test_rich_model_round_trips_exactly() -> None:
    model = rich_model()
    text = generate_graphml(model)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<graphml')
    assert sniff_graphml(text.encode())
    again = check_graphml(text.encode())
    assert again.model is not None, again.problems
    assert again.problems == []
    assert generate_json(again.model) == generate_json(model)
    assert generate_graphml(again.model) == text


def test_mitigations_are_nodes_with_blocks_edges() -> None:
    text = generate_graphml(rich_model())
    assert '<node id="mitigation:' in text
    assert "blocks" in text


def test_foreign_graphml_infers_kinds_and_keeps_attributes() -> None:
    raw = (
        f'<?xml version="1.0"?><graphml {NS}>'
        '<key id="n" for="node" attr.name="name" attr.type="string"/>'
        '<key id="w" for="node" attr.name="weight" attr.type="double"/>'
        '<key id="c" for="node" attr.name="cost" attr.type="string"/>'
        '<graph edgedefault="undirected">'
        '<node id="start node"><data key="n">Start</data><data key="w">2.5</data></node>'
        '<node id="mid"><data key="c">3</data></node><node id="end"/>'
        '<edge source="start node" target="mid"/><edge source="mid" target="end"/>'
        "</graph></graphml>"
    ).encode()
    checked = check_graphml(raw)
    model = checked.model
    assert model is not None, checked.problems
    assert [(n.id, n.kind, n.label) for n in model.nodes.values()] == [
        ("start-node", "entry", "Start"),
        ("mid", "step", "mid"),
        ("end", "goal", "end"),
    ]
    assert model.nodes["start-node"].extras["x-graphml"] == {"weight": 2.5}
    assert model.nodes["mid"].cost == 3
    messages = " ".join(p.message for p in checked.warnings)
    assert "undirected" in messages and "not a valid attackgraph id" in messages


def test_bad_attribute_values_are_located_warnings() -> None:
    raw = (
        f'<graphml {NS}><key id="g" for="node" attr.name="gate" attr.type="string"/>'
        '<key id="k" for="node" attr.name="kind" attr.type="string"/>'
        '<graph edgedefault="directed"><node id="a"/><node id="b"><data key="g">xor</data>'
        '<data key="k">boss</data></node><edge source="a" target="b"/></graph></graphml>'
    ).encode()
    checked = check_graphml(raw)
    assert checked.model is not None
    pointers = {p.pointer for p in checked.warnings}
    assert {"/graph/node[b]/gate", "/graph/node[b]/kind"} <= pointers


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.graphml"
    path.write_bytes(billion_laughs())
    started = time.monotonic()
    checked = check_file(path)
    assert time.monotonic() - started < 5
    assert checked.model is None
    assert "refuses them" in checked.errors[0].message
    assert "entity-expansion" in checked.errors[0].message


def test_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    raw = (
        f'<?xml version="1.0"?>\n<!DOCTYPE graphml [<!ENTITY leak SYSTEM '
        f'"file://{secret}">]>\n<graphml {NS}>'
        '<key id="l" for="node" attr.name="label" attr.type="string"/>'
        '<graph edgedefault="directed"><node id="n"><data key="l">&leak;</data></node>'
        "</graph></graphml>"
    ).encode()
    checked = check_graphml(raw)
    assert checked.model is None
    assert all("TOP-SECRET" not in p.message for p in checked.problems)
    assert "external-entity" in checked.errors[0].message


def test_external_dtd_is_refused() -> None:
    raw = (
        f'<?xml version="1.0"?>\n<!DOCTYPE graphml SYSTEM "http://127.0.0.1:9/x.dtd">\n'
        f"<graphml {NS}><graph/></graphml>"
    ).encode()
    assert check_graphml(raw).model is None


@pytest.mark.parametrize(
    ("raw", "fragment", "line"),
    [
        (b"<graphml><graph><node id='a'></graph></graphml>", "not well-formed XML", 1),
        (b"<?xml version='1.0'?>\n<graphml>\n  <graph>\n    <node id='a'\n", "unclosed token", 4),
        (f"<graphml {NS}></graphml>".encode(), "NetworkX can read", None),
        (f"<graphml {NS}><graph><hyperedge/></graph></graphml>".encode(), "NetworkX", None),
        (b"", "empty", None),
        (
            f"<graphml {NS}><graph edgedefault='directed'/></graphml>".encode(),
            "no attack steps",
            None,
        ),
    ],
)
def test_malformed_graphml_is_a_located_error(raw: bytes, fragment: str, line: int | None) -> None:
    checked = check_graphml(raw)
    assert checked.model is None
    assert fragment in checked.errors[0].message, checked.errors
    assert checked.errors[0].line == line


@pytest.mark.parametrize(
    ("element", "missing"),
    [
        ("<node/>", "'id'"),
        ('<node id="a"/><edge target="a"/>', "'source'"),
    ],
)
def test_nodes_and_edges_must_name_their_ids(element, missing):
    raw = (
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        f'<graph edgedefault="directed">{element}</graph></graphml>'
    ).encode()
    checked = check_graphml(raw)
    assert checked.model is None
    assert missing in checked.errors[0].message and "must name" in checked.errors[0].message
