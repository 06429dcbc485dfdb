"""The Mermaid flowchart: structure, overlay, and hostile labels kept inside
their quotes."""

from __future__ import annotations

import json
import re

from attackgraph.render.mermaid import generate_mermaid
from attackgraph.render.overlay import analysis_overlay
from tests.render.hostile import hostile_model, small_model

STATEMENT = re.compile(
    r"^\s*(?:"
    r'n\d+(?:>"[^"\n]*"\]|\("[^"\n]*"\)|\{\{"[^"\n]*"\}\})'  # node
    r'|d\d+\["[^"\n]*"\]'  # defence
    r'|subgraph c\d+\["[^"\n]*"\]|end'
    r'|n\d+ (?:-->|-- "[^"\n]*" -->) n\d+'  # edge
    r"|d\d+ (?:--x|-\.-x) n\d+"
    r'|classDef [a-z]+ [^"\n]+|class [nd\d,]+ [a-z]+'
    r'|style c\d+ [^"\n]+|linkStyle [\d,]+ [^"\n]+'
    r")$"
)


def _body(text: str) -> list[str]:
    lines = text.splitlines()
    assert lines[0] == "---" and lines[1].startswith("title: ") and lines[2] == "---"
    json.loads(lines[1][len("title: ") :])  # a JSON string is valid YAML
    assert lines[3] == "flowchart LR"
    return lines[4:]


def test_structure_of_a_small_model() -> None:
    text = generate_mermaid(small_model())
    body = _body(text)
    assert all(STATEMENT.match(line) for line in body), [
        ln for ln in body if not STATEMENT.match(ln)
    ]
    assert 'n0>"ENTRY · Phish a user"]' in text
    assert 'n5{{"GOAL · Domain admin"}}' in text
    assert "AND (needs all inputs)" in text
    assert text.count("subgraph ") == 3 and text.count("\n  end") + text.count(" end\n") >= 3
    assert 'n0 -- "macro document" --> n2' in text
    assert "classDef entry" in text and "style c0 fill:" in text


def test_overlay_classes_and_defences() -> None:
    model = small_model()
    text = generate_mermaid(model, analysis_overlay(model))
    assert "classDef open" in text and "classDef reachable" in text
    assert re.search(r"class [n\d,]*\bn5\b[n\d,]* reachable", text)
    assert 'd1["DEFENCE<br/>Full-disk encryption"]' in text and "d1 --x n1" in text
    assert "d0 -.-x n4" in text  # partial defence: dotted
    assert "linkStyle" in text
    hidden = generate_mermaid(model, analysis_overlay(model), mitigations=False)
    assert "DEFENCE" not in hidden


def test_highlight_dims_the_rest() -> None:
    model = small_model()
    text = generate_mermaid(model, analysis_overlay(model, chain="C1"))
    assert "classDef dim" in text
    assert re.search(r"class [n\d,]*\bn1\b[n\d,]* dim", text)


def test_hostile_labels_stay_inside_their_quotes() -> None:
    model = hostile_model()
    for overlay in (None, analysis_overlay(model), analysis_overlay(model, chain="C1")):
        text = generate_mermaid(model, overlay)
        body = _body(text)
        bad = [line for line in body if not STATEMENT.match(line)]
        assert not bad, bad[:3]
        assert "%%" not in text and "click" not in re.sub(r'"[^"]*"', "", text)
        for line in body:
            for label in re.findall(r'"([^"]*)"', line):
                bare = re.sub(r"#\d+;", "", label.replace("<br/>", ""))
                assert not set("<>[]{}|;`#&%\\") & set(bare), bare
        # every node of the model is drawn once, under a generated name
        assert len(re.findall(r"^\s*n\d+[>({]", text, re.M)) == len(model.nodes)
