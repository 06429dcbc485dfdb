"""XML readers (SVG with a model, GraphML): encodings, depth, warnings, control characters."""

from __future__ import annotations

import pytest

from attackgraph.formats.graphml import check_graphml, generate_graphml
from attackgraph.formats.svg import check_svg
from attackgraph.model import AttackModel, Edge, Node

GRAPHML = (
    b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
    b'<graph edgedefault="directed">%s</graph></graphml>'
)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg">%s</svg>'


@pytest.mark.parametrize("check, body", [(check_graphml, GRAPHML % b""), (check_svg, SVG % b"")])
def test_unknown_encoding_is_a_located_error(check, body) -> None:
    raw = b'<?xml version="1.0" encoding="x-no-such-codec"?>\n' + body
    checked = check(raw)
    assert checked.model is None
    problem = checked.errors[0]
    assert "x-no-such-codec" in problem.message and "unknown" in problem.message
    assert (problem.line, problem.column) == (1, 1)


@pytest.mark.parametrize(
    "check, template, tag", [(check_graphml, GRAPHML, b"data"), (check_svg, SVG, b"g")]
)
def test_deep_nesting_is_refused_with_its_place(check, template, tag) -> None:
    depth = 200_000
    raw = template % (b"<%s>" % tag * depth + b"</%s>" % tag * depth)
    checked = check(raw)
    assert checked.model is None
    problem = checked.errors[0]
    assert "more than 256 deep" in problem.message
    assert problem.line == 1 and problem.column > 1


def test_networkx_warnings_become_located_warnings(recwarn) -> None:
    raw = GRAPHML % (
        b'<node id="a"><port name="p"/></node><node id="b"/><edge source="a" target="b"/>'
    )
    checked = check_graphml(raw)
    assert checked.model is not None
    assert [w for w in recwarn if "port" in str(w.message)] == []
    notes = [p for p in checked.problems if "port tag" in p.message]
    assert notes and notes[0].severity == "warning" and notes[0].pointer == "/graph"


def test_graphml_with_control_characters_reads_back() -> None:
    from xml.dom import minidom

    model = AttackModel("t\x01itle")
    model.add_all(
        nodes=[Node("E", "entry", "bell\x07 and esc\x1b[31m"), Node("G", "goal", "tab\tfine")],
        edges=[Edge("E", "G", label="form\x0cfeed")],
    )
    text = generate_graphml(model)
    minidom.parseString(text.encode("utf-8"))  # any XML tool reads it
    checked = check_graphml(text.encode("utf-8"))
    assert checked.model is not None, checked.problems
    assert checked.model.nodes["E"].label == "bell\ufffd and esc\ufffd[31m"
    assert checked.model.nodes["G"].label == "tab\tfine"


def test_graphml_with_xml_forbidden_characters_in_lists_reads_back() -> None:
    # a fuzz finding: the writer's character references (&#65534;) were illegal too
    from xml.dom import minidom

    from attackgraph.formats.native.codec import document_to_model
    from tests.support import base_doc

    doc = base_doc()
    doc["components"][0]["label"] = "non\ufffecharacter \x01"
    doc["nodes"][0]["label"] = "\uffff"
    text = generate_graphml(document_to_model(doc))
    minidom.parseString(text.encode("utf-8"))
    checked = check_graphml(text.encode("utf-8"))
    assert checked.model is not None, checked.problems


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("bad.tm7", b"<ThreatModel></ThreatModel>"),
        (
            "bad.adtree.xml",
            b'<adtree><node refinement="disjunctive"><label>a</label></node></adtree>',
        ),
        ("AttackGraph.xml", b"<attack_graph></attack_graph>"),
    ],
)
def test_every_xml_reader_locates_an_unknown_encoding(tmp_path, name, body):
    from attackgraph.formats import check_file

    path = tmp_path / name
    path.write_bytes(b'<?xml version="1.0" encoding="x-nope"?>\n' + body)
    checked = check_file(path)
    assert checked.model is None
    [problem] = checked.errors
    assert "encoding" in problem.message and (problem.line, problem.column) == (1, 1)
