"""Diagram files: SVG that parses and stays inert with hostile labels, carries
its model and opens again; PNG and PDF through real Graphviz."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from attackgraph.formats import check_file
from attackgraph.formats.native import generate_json, model_to_document
from attackgraph.formats.svg import MODEL_NAMESPACE
from attackgraph.render.diagram import embed_model, inline_svg, render_diagram
from attackgraph.render.dot import DiagramOptions
from attackgraph.render.overlay import analysis_overlay
from tests.render.hostile import HOSTILE, hostile_model, needs_dot, small_model

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

pytestmark = [pytest.mark.graphviz, needs_dot]


def _inert(root: ET.Element) -> None:
    """No script, no event handler, no link or reference out of the file."""
    for element in root.iter():
        tag = element.tag.split("}")[-1]
        assert tag.lower() not in ("script", "foreignobject", "iframe", "image", "use"), tag
        for name, value in element.attrib.items():
            local = name.split("}")[-1].lower()
            assert not local.startswith("on"), (tag, name)
            if local == "href":
                assert value.startswith("#"), value
            assert "javascript:" not in value.lower() or local in ("title",), (name, value)


@pytest.mark.parametrize("chain", [None, "C1"])
def test_hostile_svg_parses_and_is_inert(chain: str | None) -> None:
    model = hostile_model()
    svg = render_diagram(model, "svg", overlay=analysis_overlay(model, chain=chain))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    _inert(root)
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    # the label text is there, as text
    assert "</text><script>alert(1)</script>" in texts.replace(" ", "") or "<script>" in texts
    assert "\x1b" not in svg.decode() and "\u202e" not in svg.decode()


def test_svg_carries_the_model_and_opens_again(tmp_path: Path) -> None:
    model = hostile_model()
    svg = render_diagram(model, "svg", overlay=analysis_overlay(model))
    root = ET.fromstring(svg)
    holder = root.find(f"{SVG}metadata/{{{MODEL_NAMESPACE}}}model")
    assert holder is not None and holder.get("version") == "1"
    assert json.loads(holder.text or "") == json.loads(json.dumps(model_to_document(model)))
    assert root.find(f"{SVG}title") is not None
    path = tmp_path / "diagram.svg"
    path.write_bytes(svg)
    checked = check_file(path)
    assert checked.errors == []
    assert model_to_document(checked.model) == model_to_document(model)


def test_sample_svg_round_trips_byte_for_byte(tmp_path: Path) -> None:
    from attackgraph.formats import read_model

    model = read_model("samples/azure-sphere-2020.attackgraph.json")
    path = tmp_path / "flagship.svg"
    path.write_bytes(render_diagram(model, "svg"))
    assert generate_json(read_model(path)) == generate_json(model)


def test_svg_without_embedding_and_inline_form() -> None:
    model = small_model()
    svg = render_diagram(model, "svg", embed=False)
    assert MODEL_NAMESPACE.encode() not in svg and b"<!DOCTYPE" not in svg
    inline = inline_svg(render_diagram(model, "svg"))
    assert inline.startswith("<svg") and "<!--" not in inline and "<?xml" not in inline
    ET.fromstring(inline)


def test_embed_model_keeps_a_foreign_svg_alone() -> None:
    assert embed_model(b"<html/>", small_model()) == b"<html/>"


def test_png_pdf_and_dot() -> None:
    model = small_model()
    overlay = analysis_overlay(model)
    assert render_diagram(model, "png", overlay=overlay).startswith(b"\x89PNG\r\n\x1a\n")
    assert render_diagram(model, "pdf", overlay=overlay).startswith(b"%PDF")
    dot = render_diagram(model, "dot", overlay=overlay)
    assert dot.startswith(b"digraph attackgraph {")
    with pytest.raises(ValueError, match="unknown diagram format"):
        render_diagram(model, "gif")


def test_hidden_mitigations_and_plain_model() -> None:
    model = small_model()
    overlay = analysis_overlay(model)
    shown = render_diagram(model, "svg", overlay=overlay, embed=False)
    hidden = render_diagram(
        model, "svg", overlay=overlay, embed=False, options=DiagramOptions(mitigations=False)
    )
    assert b"Credential Guard" in shown and b"Credential Guard" not in hidden
    plain = render_diagram(model, "svg")
    assert b"REACHABLE" not in plain and b"REACHABLE" in shown


def test_a_model_built_in_memory_with_a_lone_surrogate_still_exports() -> None:
    model = small_model()
    model.set_title("bad \ud800 title")
    svg = render_diagram(model, "svg", overlay=analysis_overlay(model))
    ET.fromstring(svg)


@pytest.mark.parametrize("text", HOSTILE[:8])
def test_each_hostile_title_makes_a_well_formed_svg(text: str) -> None:
    model = small_model()
    model.set_title(text)
    svg = render_diagram(model, "svg", overlay=analysis_overlay(model))
    root = ET.fromstring(svg)
    _inert(root)
    assert re.search(rb"<!--[^>]*--[^>]", svg) is None  # no '--' inside a comment
