"""The DOT generator: structure, styling by kind and state, overlays, and
that nothing from a model can become a Graphviz attribute."""

from __future__ import annotations

import json
import re

import pytest

from attackgraph.analysis import analyze
from attackgraph.errors import AnalysisError
from attackgraph.formats import read_model
from attackgraph.render.backend import run_graphviz
from attackgraph.render.dot import (
    ALLOWED_ATTRIBUTES,
    FORBIDDEN_ATTRIBUTES,
    DiagramOptions,
    generate_dot,
    layout_dot,
    layout_node_index,
    layout_node_name,
)
from attackgraph.render.overlay import BROKEN, IDLE, OPEN, analysis_overlay, build_overlay
from attackgraph.render.style import DEFENCE
from attackgraph.render.style import OPEN as OPEN_COLOUR
from tests.render.hostile import hostile_model, needs_dot, small_model

SAMPLES = [
    "azure-sphere-2020",
    "jeep-cherokee-2015",
    "mirai-2016",
    "tesla-model-x-2020",
    "triton-2017",
    "verkada-2021",
]


def _statement(dot: str, name: str) -> str:
    """The node statement of DOT node ``name`` (one line)."""
    for line in dot.splitlines():
        if line.strip().startswith(f'"{name}" ['):
            return line
    raise AssertionError(f"no node {name!r}")


def _plain(dot: str) -> str:
    """DOT text with quoted strings emptied and HTML-like labels removed."""
    depth = 0
    i = 0
    plain = []
    while i < len(dot):
        char = dot[i]
        if depth == 0 and char == '"':
            j = i + 1
            while dot[j] != '"':
                j += 2 if dot[j] == "\\" else 1
            plain.append('""')
            i = j + 1
            continue
        if char == "<" and (depth > 0 or dot[i - 1] == "="):
            depth += 1
        elif char == ">" and depth > 0:
            depth -= 1
        elif depth == 0:
            plain.append(char)
        i += 1
    return "".join(plain)


def _attribute_names(dot: str) -> set[str]:
    """Every attribute name in DOT text (outside strings and HTML labels)."""
    return {m.group(1) for m in re.finditer(r"([A-Za-z_]+)\s*=", _plain(dot))}


def test_left_to_right_with_title_and_legend() -> None:
    dot = generate_dot(small_model())
    assert dot.startswith("digraph attackgraph {")
    assert 'rankdir="LR"' in dot
    assert "Phish to domain admin" in dot
    for word in ("cloud", "device", "entry", "step", "goal", "AND", "needs all inputs"):
        assert word in dot
    assert "open chain" not in dot  # no overlay: no overlay legend
    bare = generate_dot(small_model(), options=DiagramOptions(title=False, legend=False))
    assert "Phish to domain admin" not in bare and "labelloc" not in bare.split("node [")[0]


def test_nested_components_are_nested_clusters() -> None:
    dot = generate_dot(small_model())
    lines = dot.splitlines()
    starts = {i: line for i, line in enumerate(lines) if "subgraph cluster_" in line}
    assert len(starts) == 3
    corp = next(i for i, line in starts.items() if "cluster_1" in line)
    kernel = next(i for i, line in starts.items() if "cluster_2" in line)
    # kernel (child of corp) opens inside corp's block, one level deeper
    assert kernel > corp
    indent = len(lines[kernel]) - len(lines[kernel].lstrip())
    assert indent == len(lines[corp]) - len(lines[corp].lstrip()) + 2
    assert "Laptop kernel" in lines[kernel + 1]


def test_cloud_and_device_have_distinct_colour_families() -> None:
    dot = generate_dot(small_model())
    cloud = next(line for line in dot.splitlines() if "ag-cloud" in line)
    device = next(line for line in dot.splitlines() if "ag-device" in line)
    colour = re.compile(r'fillcolor="(#[0-9a-f]{6})"')
    assert colour.search(cloud).group(1) != colour.search(device).group(1)
    border = re.compile(r' color="(#[0-9a-f]{6})"')
    assert border.search(cloud).group(1) != border.search(device).group(1)


def test_shapes_by_kind_and_and_gate_port() -> None:
    dot = generate_dot(small_model())
    assert 'shape="cds"' in _statement(dot, "E1")
    assert 'shape="box"' in _statement(dot, "S1") and "rounded" in _statement(dot, "S1")
    assert "peripheries=2" in _statement(dot, "G1")
    gate = _statement(dot, "S3")
    assert 'PORT="and"' in gate and ">AND<" in gate
    assert 'PORT="and"' not in _statement(dot, "S2")
    assert '"S2" -> "S3" [' in dot and 'headport="and"' in dot.split('"S2" -> "S3" [')[1]


def test_labels_wrapped_and_techniques_small() -> None:
    dot = generate_dot(small_model(), options=DiagramOptions(wrap_width=12))
    statement = _statement(dot, "S2")
    assert "Escalate to<BR/>SYSTEM with<BR/>a kernel bug" in statement
    assert 'POINT-SIZE="8"' in statement and "T1068" in statement
    assert (
        "T1068"
        not in _statement(
            generate_dot(small_model(), options=DiagramOptions(techniques=False)), "S2"
        ).split("tooltip")[0]
    )


def test_overlay_states_and_defences() -> None:
    model = small_model()
    overlay = analysis_overlay(model)
    # deployed: M3 (partial, on S3) and M4 (on E2); E1 > S1 > S2 > S3 > G1 is open
    assert overlay.node_state["S1"] == OPEN and overlay.node_state["G1"] == OPEN
    # S3 needs S1 anyway, so no minimal chain goes through the stolen laptop
    assert overlay.node_state["E2"] == IDLE
    assert overlay.edge_state[("E2", "S2")] == IDLE
    assert overlay.defences == ("M3", "M4")
    assert overlay.blocked == {"E2": ("M4",)} and overlay.reduced == {"S3": ("M3",)}
    dot = generate_dot(model, overlay)
    assert OPEN_COLOUR in _statement(dot, "S1")
    assert "blocked" in _statement(dot, "E2")
    assert "REACHABLE" in _statement(dot, "G1")
    assert '"defence M4" -> "E2"' in dot and 'arrowhead="tee"' in dot
    assert DEFENCE in dot and "partial, 60%" in dot
    assert "open chain" in dot and "broken chain" in dot
    hidden = generate_dot(model, overlay, DiagramOptions(mitigations=False))
    assert "defence M4" not in hidden and "defence ⊣" not in hidden


def test_release_and_profile_are_drawn() -> None:
    model = small_model()
    at_r2 = analysis_overlay(model, at_release="R2")
    assert at_r2.fixed == frozenset({"S2"})
    assert "M2" in at_r2.defences
    dot = generate_dot(model, at_r2)
    assert "fixed in R2" in _statement(dot, "S2")
    assert "At release R2" in dot
    remote = analysis_overlay(model, profile="remote")
    assert "E2" in remote.disallowed
    assert "not in profile" in _statement(generate_dot(model, remote), "E2")
    what_if = analysis_overlay(model, switch_on=["M1"])
    assert "M1" in what_if.defences and what_if.node_state["S1"] == BROKEN


def test_highlighted_chain_dims_the_rest() -> None:
    model = small_model()
    result = analyze(model)
    chain = next(c for c in result.chains if c.open)
    overlay = build_overlay(model, result, chain=chain.id)
    assert overlay.highlight == chain
    dot = generate_dot(model, overlay)
    member = _statement(dot, chain.nodes[0])
    assert "penwidth=3.2" in member
    outsider = next(n for n in model.nodes if n not in chain.nodes)
    assert "penwidth=1" in _statement(dot, outsider)
    assert f"highlighted: {chain.id}" in dot
    with pytest.raises(AnalysisError, match="C99"):
        build_overlay(model, result, chain="C99")


def test_idle_nodes_are_not_on_listed_chains() -> None:
    model = small_model()
    overlay = build_overlay(model, analyze(model, goals=["G1"], max_chains=0))
    assert set(overlay.node_state.values()) == {IDLE}


def test_only_allowed_attributes_even_for_hostile_models() -> None:
    model = hostile_model()
    for overlay in (None, analysis_overlay(model), analysis_overlay(model, chain="C1")):
        dot = generate_dot(model, overlay)
        names = _attribute_names(dot)
        assert names <= ALLOWED_ATTRIBUTES, names - ALLOWED_ATTRIBUTES
        assert not names & FORBIDDEN_ATTRIBUTES
        # HTML-like labels hold only the generator's own elements
        labels = re.sub(r'"(?:[^"\\]|\\.)*"', '""', dot)
        elements = {m.group(1).upper() for m in re.finditer(r"<([A-Za-z]+)", labels)}
        assert elements <= {"TABLE", "TR", "TD", "FONT", "B", "BR"}, elements
    assert not ALLOWED_ATTRIBUTES & FORBIDDEN_ATTRIBUTES


def test_writer_refuses_an_attribute_outside_the_allowlist() -> None:
    from attackgraph.render.dot import _attrs

    with pytest.raises(ValueError, match="image"):
        _attrs({"image": "/etc/passwd"})


def test_layout_dot_is_the_same_graph_reduced() -> None:
    model = small_model()
    text = layout_dot(model, width=180, height=64)
    assert "fixedsize=true" in text and 'label=""' in text
    assert text.count("subgraph cluster_") == 3
    index = {nid: i for i, nid in enumerate(model.nodes)}
    assert all(f"n{index[e.source]} -> n{index[e.target]};" in text for e in model.edges)
    assert "tooltip" not in text and "Phish" not in text
    assert "TABLE" not in text  # no header room asked for


def test_layout_dot_takes_no_text_from_the_model() -> None:
    model = hostile_model()
    text = layout_dot(
        model, width=176, height=68, cluster_margin=14, header_height=26, column_gap=64, row_gap=26
    )
    # every quoted value is one of the writer's own, every name a number
    own = {"LR", "box", "t", "false", "", "0", "TRUE", "8", "26"}
    assert set(re.findall(r'"([^"]*)"', text)) <= own
    names = set(re.findall(r"^\s*(\w+)(?: -> (\w+))?;$", text, re.M))
    assert {n for pair in names for n in pair if n} == {
        layout_node_name(i) for i in range(len(model.nodes))
    }
    assert [layout_node_index(layout_node_name(i)) for i in range(3)] == [0, 1, 2]
    assert layout_node_index("cluster_1") is None and layout_node_index("node") is None


def test_layout_dot_options() -> None:
    text = layout_dot(
        small_model(),
        width=144,
        height=72,
        cluster_margin=20,
        header_height=30,
        column_gap=72,
        row_gap=36,
        newrank=False,
    )
    assert "width=2, height=1]" in text
    assert "ranksep=1," in text and "nodesep=0.5," in text and "newrank=false" in text
    assert text.count("margin=20") == 3 and text.count('HEIGHT="30"') == 3


@pytest.mark.graphviz
@needs_dot
@pytest.mark.parametrize("sample", SAMPLES)
def test_every_sample_renders_with_dot(sample: str) -> None:
    model = read_model(f"samples/{sample}.attackgraph.json")
    dot = generate_dot(model, analysis_overlay(model))
    layout = json.loads(run_graphviz(dot, "json"))
    names = {o["name"] for o in layout["objects"] if "nodes" not in o}
    assert set(model.nodes) <= names


@pytest.mark.graphviz
@needs_dot
def test_hostile_model_renders_with_dot_and_keeps_its_nodes() -> None:
    model = hostile_model()
    for overlay in (None, analysis_overlay(model, chain="C1")):
        layout = json.loads(run_graphviz(generate_dot(model, overlay), "json"))
        names = {o["name"] for o in layout["objects"] if "nodes" not in o}
        # no injected node ("x", "y") and no lost one
        assert set(model.nodes) <= names
        assert not {"x", "y", "A", "B"} & names
        assert len(layout.get("edges", [])) == len(model.edges) + (
            sum(len(m.blocks) for m in model.mitigations.values() if m.status == "deployed")
            if overlay
            else 0
        )
