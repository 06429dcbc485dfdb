"""Reading models back out of SVG diagrams: round trip, located errors, and
hardened XML (no entity expansion, no external entity, no DTD loading)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from attackgraph.errors import FormatError, ModelError
from attackgraph.formats import check_file, format_for_path, read_model
from attackgraph.formats.svg import MODEL_NAMESPACE, check_svg, extract_model, looks_like_svg
from tests.support import base_doc

SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" width="10pt" height="10pt">'


def _svg(
    payload: str,
    *,
    head: str = '<?xml version="1.0" encoding="UTF-8"?>\n',
    attrs: str = 'version="1" encoding="json"',
) -> bytes:
    return (
        f"{head}{SVG_OPEN}\n<title>t</title>\n<metadata><ag:model "
        f'xmlns:ag="{MODEL_NAMESPACE}" {attrs}>{payload}</ag:model></metadata>\n'
        "<g/>\n</svg>\n"
    ).encode()


def _escaped(doc: dict) -> str:
    return json.dumps(doc).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_registered_for_svg_names() -> None:
    fmt = format_for_path("diagram.SVG")
    assert fmt is not None and fmt.name == "svg"
    assert fmt.generate is None  # read only: export writes SVG diagrams
    raw = _svg(_escaped(base_doc()))
    assert fmt.sniff(raw)
    checked = fmt.check(raw)
    assert checked.problems == [] and checked.model.title == "base"


def test_round_trip_of_a_hand_made_svg(tmp_path: Path) -> None:
    doc = base_doc()
    doc["title"] = 'A <title> & "quotes"'
    path = tmp_path / "d.svg"
    path.write_bytes(_svg(_escaped(doc)))
    model = read_model(path)
    assert model.title == 'A <title> & "quotes"'
    assert list(model.nodes) == ["E1", "S1", "G1"]


def test_graphviz_style_doctype_without_subset_is_fine(tmp_path: Path) -> None:
    head = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
        ' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<!-- a comment -->\n'
    )
    path = tmp_path / "d.svg"
    path.write_bytes(_svg(_escaped(base_doc()), head=head))
    assert check_file(path).errors == []


@pytest.mark.parametrize(
    ("raw", "fragment", "line"),
    [
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY lol "lol">\n]>\n'
            + SVG_OPEN.encode()
            + b"&lol;</svg>",
            "internal DTD subset",
            2,
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            + SVG_OPEN.encode()
            + b"&xxe;</svg>",
            "internal DTD subset",
            2,
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE svg SYSTEM "http://evil.example/x.dtd">\n'
            + SVG_OPEN.encode()
            + b"&undefined;</svg>",
            "undeclared entity",
            3,
        ),
        (SVG_OPEN.encode() + b"\n<g>\n</svg>", "mismatched tag", 3),
        (b"<svg", "not well-formed", 1),
        (b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>', "not an SVG", 1),
        (SVG_OPEN.encode() + b"<g/></svg>", "carries no attackgraph model", None),
    ],
)
def test_bad_svgs_give_located_problems(
    tmp_path: Path, raw: bytes, fragment: str, line: int | None
) -> None:
    path = tmp_path / "bad.svg"
    path.write_bytes(raw)
    checked = check_file(path)
    assert checked.model is None
    problem = checked.errors[0]
    assert fragment in problem.message, problem
    assert problem.line == line
    assert problem.message.endswith(".")
    with pytest.raises(ModelError):
        read_model(path)


def test_billion_laughs_is_refused_fast() -> None:
    entities = "".join(
        f'<!ENTITY a{i} "{"&a" + str(i - 1) + ";" * 1}' * 1 + '">' if i else '<!ENTITY a0 "lol">'
        for i in range(12)
    )
    raw = (f'<?xml version="1.0"?>\n<!DOCTYPE svg [{entities}]>\n{SVG_OPEN}&a11;</svg>').encode()
    started = time.monotonic()
    with pytest.raises(FormatError, match="internal DTD subset"):
        extract_model(raw)
    assert time.monotonic() - started < 1


def test_two_models_newer_version_and_other_encoding() -> None:
    doc = _escaped(base_doc())
    two = _svg(doc).replace(
        b"</metadata>",
        b'</metadata><metadata><ag:model xmlns:ag="'
        + MODEL_NAMESPACE.encode()
        + b'">{}</ag:model></metadata>',
    )
    assert "more than one" in check_svg(two).errors[0].message
    assert "update attackgraph" in check_svg(_svg(doc, attrs='version="2"')).errors[0].message
    assert "not JSON" in check_svg(_svg(doc, attrs='encoding="yaml"')).errors[0].message


def test_problems_of_the_embedded_model_keep_their_pointers() -> None:
    doc = base_doc()
    doc["nodes"][1]["gate"] = "xor"
    checked = check_svg(_svg(_escaped(doc)))
    assert checked.model is None
    problem = checked.errors[0]
    assert problem.pointer == "/nodes/1/gate"
    assert problem.message.startswith("in the model embedded at line 4:")
    broken = check_svg(_svg("{not json"))
    assert "not valid JSON" in broken.errors[0].message


def test_sniffing() -> None:
    assert looks_like_svg(b"\xef\xbb\xbf  <svg/>")
    assert not looks_like_svg(b"{}")
    assert not looks_like_svg(b"<html><body/></html>")
