"""Canvas layouts: frames never overlap, nodes never overlap, pinned nodes
stay, edges run left to right, Graphviz runs can be cancelled, and the
built-in layout takes over when Graphviz cannot."""

from __future__ import annotations

import itertools
import random
import threading
import time
from pathlib import Path

import networkx as nx
import pytest

from attackgraph.errors import RenderError
from attackgraph.formats import read_model
from attackgraph.model import AttackModel, Component, Edge, Node
from attackgraph.render import backend
from attackgraph.render.backend import RenderCancelled
from attackgraph.render.layout import (
    DOT_LAYOUT_LIMIT,
    compute_layout,
    dot_layout,
    lane_layout,
    place_unpinned,
)
from attackgraph.render.layout import graphviz as graphviz_module
from attackgraph.render.layout.geometry import (
    DEFAULT_GEOMETRY,
    component_ancestry,
    frame_rects,
    rects_overlap,
)
from attackgraph.render.layout.graphviz import canvas_dot
from tests.render.hostile import hostile_model, needs_dot, small_model

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.attackgraph.json"))


def layout_problems(model: AttackModel, positions: dict) -> list[str]:
    """Every way a layout breaks the canvas's rules."""
    problems = [f"{n} has no position" for n in model.nodes if n not in positions]
    frames = frame_rects(model, positions)
    for a, b in itertools.combinations(frames, 2):
        if a in component_ancestry(model, b) or b in component_ancestry(model, a):
            continue
        if rects_overlap(frames[a], frames[b]):
            problems.append(f"frames {a} and {b} overlap")
    boxes = {n: DEFAULT_GEOMETRY.node_rect(p) for n, p in positions.items()}
    for nid, node in model.nodes.items():
        mine = component_ancestry(model, node.component)
        for cid, frame in frames.items():
            if cid not in mine and rects_overlap(boxes[nid], frame):
                problems.append(f"node {nid} is inside the frame of {cid}")
    for a, b in itertools.combinations(boxes, 2):
        if rects_overlap(boxes[a], boxes[b]):
            problems.append(f"nodes {a} and {b} overlap")
    return problems


def random_model(seed: int, nodes: int = 40, components: int = 8) -> AttackModel:
    """Nested components, nodes spread over them, forward edges and a few cycles."""
    rng = random.Random(seed)
    model = AttackModel(f"random {seed}")
    for i in range(components):
        parent = f"C{rng.randrange(i)}" if i and rng.random() < 0.6 else None
        model.add_component(
            Component(
                f"C{i}", f"Component {i}", rng.choice(["cloud", "device", "network"]), parent=parent
            )
        )
    for i in range(nodes):
        kind = "entry" if i < 4 else ("goal" if i >= nodes - 3 else "step")
        comp = f"C{rng.randrange(components)}" if rng.random() < 0.8 else None
        model.add_node(Node(f"N{i}", kind, f"Node {i}", component=comp))
    for i in range(4, nodes):
        for source in rng.sample(range(i), k=min(i, rng.choice([1, 1, 2, 3]))):
            if model.nodes[f"N{source}"].kind != "goal" or rng.random() < 0.3:
                model.add_edge(Edge(f"N{source}", f"N{i}"))
    for _ in range(3):  # back edges: cycles are allowed
        a, b = sorted(rng.sample(range(4, nodes), 2))
        if not model.graph.has_edge(f"N{b}", f"N{a}"):
            model.add_edge(Edge(f"N{b}", f"N{a}"))
    return model


def _left_to_right(model: AttackModel, positions: dict) -> list[str]:
    """Edges that do not point right, except along a cycle."""
    return [
        f"{e.source} -> {e.target}"
        for e in model.edges
        if not _on_cycle(model, e) and positions[e.source][0] >= positions[e.target][0]
    ]


@needs_dot
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name.split(".")[0])
def test_dot_layout_of_every_sample_keeps_frames_apart(path):
    model = read_model(path)
    positions = dot_layout(model)
    assert list(positions) == list(model.nodes)
    assert layout_problems(model, positions) == []
    assert _left_to_right(model, positions) == []


@needs_dot
@pytest.mark.parametrize("seed", range(6))
def test_dot_layout_of_random_nested_models(seed):
    model = random_model(seed)
    assert layout_problems(model, dot_layout(model)) == []


@pytest.mark.parametrize("seed", range(12))
def test_lane_layout_keeps_frames_apart(seed):
    model = random_model(seed, nodes=60)
    assert layout_problems(model, lane_layout(model)) == []


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name.split(".")[0])
def test_lane_layout_of_every_sample(path):
    model = read_model(path)
    positions = lane_layout(model)
    assert layout_problems(model, positions) == []
    assert _left_to_right(model, positions) == []


def test_lane_layout_of_a_chain_is_one_row_of_columns():
    model = AttackModel()
    for node in (Node("E", "entry", "e"), Node("S", "step", "s"), Node("G", "goal", "g")):
        model.add_node(node)
    model.add_edge(Edge("E", "S"))
    model.add_edge(Edge("S", "G"))
    positions = lane_layout(model)
    step = DEFAULT_GEOMETRY.node_width + DEFAULT_GEOMETRY.column_gap
    assert [x for x, _ in positions.values()] == [
        step * i + DEFAULT_GEOMETRY.node_width / 2 for i in range(3)
    ]
    assert len({y for _, y in positions.values()}) == 1


def test_lane_layout_survives_cycles_and_lone_nodes():
    model = AttackModel()
    for nid in ("A", "B", "C", "D"):
        model.add_node(Node(nid, "step", nid))
    model.add_edge(Edge("A", "B"))
    model.add_edge(Edge("B", "C"))
    model.add_edge(Edge("C", "A"))
    positions = lane_layout(model)
    assert set(positions) == {"A", "B", "C", "D"}
    assert layout_problems(model, positions) == []
    assert lane_layout(AttackModel()) == {}


def _on_cycle(model: AttackModel, edge: Edge) -> bool:
    return nx.has_path(model.graph, edge.target, edge.source)


def test_dot_text_names_nothing_from_the_model():
    model = AttackModel()
    hostile = 'Label "quoted" ]; node [shape=none image="/etc/passwd"'
    model.add_component(Component("cloud", hostile, "cloud"))
    model.add_node(Node("E1", "entry", hostile, component="cloud"))
    text = canvas_dot(model)
    assert hostile not in text and "passwd" not in text and "E1" not in text


def test_dot_text_keeps_the_room_of_the_canvas_frames():
    text = canvas_dot(small_model())
    geometry = DEFAULT_GEOMETRY
    assert "newrank=true" in text and 'splines="false"' in text
    assert f"width={round(geometry.node_width / 72, 4):g}" in text
    assert f"height={round(geometry.node_height / 72, 4):g}" in text
    assert text.count(f"margin={geometry.frame_margin:g}") == text.count("subgraph cluster_")
    assert text.count(f'HEIGHT="{round(geometry.frame_header)}"') == text.count("subgraph cluster_")


@needs_dot
@pytest.mark.parametrize("make", [small_model, hostile_model])
def test_dot_layout_with_awkward_ids(make):
    model = make()  # hostile ids: "cluster_0", "node", "end", "a--b"
    positions = dot_layout(model)
    assert list(positions) == list(model.nodes)
    assert layout_problems(model, positions) == []
    assert _left_to_right(model, positions) == []


@needs_dot
def test_dot_layout_starts_at_the_top_left():
    positions = dot_layout(small_model())
    half_w, half_h = DEFAULT_GEOMETRY.node_width / 2, DEFAULT_GEOMETRY.node_height / 2
    assert min(x for x, _ in positions.values()) == pytest.approx(half_w, abs=0.2)
    assert min(y for _, y in positions.values()) == pytest.approx(half_h, abs=0.2)


@needs_dot
def test_a_cancelled_dot_layout_stops_and_does_not_fall_back():
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(RenderCancelled):
        dot_layout(small_model(), cancel=cancel)
    with pytest.raises(RenderCancelled):
        compute_layout(small_model(), full=True, cancel=cancel)


def test_cancel_kills_a_running_dot(tmp_path, monkeypatch):
    fake = tmp_path / "dot"
    fake.write_text("#!/bin/sh\ncat > /dev/null\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setattr(backend.shutil, "which", lambda name: str(fake))
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()
    with pytest.raises(RenderCancelled):
        compute_layout(small_model(), full=True, cancel=cancel)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "reply",
    [
        b"not json",
        b'{"objects": 3}',
        b'{"objects": [{"name": "n0"}]}',
        b'{"objects": [{"name": "n0", "pos": "x,y"}]}',
    ],
)
def test_unreadable_graphviz_output_falls_back_with_a_reason(monkeypatch, reply):
    monkeypatch.setattr(graphviz_module, "run_graphviz", lambda *a, **k: reply)
    with pytest.raises(RenderError):
        dot_layout(small_model())
    plan = compute_layout(small_model(), full=True)
    assert plan.engine == "built-in" and plan.note


def test_pinned_positions_stay_and_new_nodes_fit_in():
    model = random_model(3, nodes=30)
    full = lane_layout(model)
    pinned = {n: (x + 5000.0, y) for n, (x, y) in full.items() if n not in ("N10", "N11")}
    placed = place_unpinned(model, full, pinned)
    assert set(placed) == {"N10", "N11"}
    everything = {**pinned, **placed}
    boxes = {n: DEFAULT_GEOMETRY.node_rect(p) for n, p in everything.items()}
    for new in placed:
        assert not any(rects_overlap(boxes[new], boxes[o]) for o in boxes if o != new)
        assert placed[new][0] > 4000  # moved along with its pinned neighbours


def test_compute_layout_keeps_saved_positions_unless_full():
    model = random_model(5, nodes=20)
    model.set_positions({"N0": (-900.0, -900.0), "N1": (-900.0, 900.0)})
    partial = compute_layout(model, full=False, prefer_dot=False)
    assert "N0" not in partial.positions and len(partial.positions) == 18
    full = compute_layout(model, full=True, prefer_dot=False)
    assert full.positions["N0"] != (-900.0, -900.0) and len(full.positions) == 20


def test_without_graphviz_the_built_in_layout_says_why(monkeypatch):
    def missing(*args, **kwargs):
        raise RenderError("Graphviz is not installed: install it with 'sudo apt install graphviz'.")

    monkeypatch.setattr(graphviz_module, "run_graphviz", missing)
    model = read_model(SAMPLES[0])
    plan = compute_layout(model, full=True)
    assert plan.engine == "built-in" and "not installed" in plan.note
    assert "not installed" in plan.summary
    assert layout_problems(model, plan.positions) == []


def test_without_the_dot_program_the_built_in_layout_says_why(monkeypatch):
    monkeypatch.setattr(backend.shutil, "which", lambda name: None)
    plan = compute_layout(small_model(), full=True)
    assert plan.engine == "built-in" and "Graphviz is not installed" in plan.note
    assert plan.positions == lane_layout(small_model())


def test_large_models_skip_graphviz():
    model = random_model(1, nodes=30)
    plan = compute_layout(model, full=True, dot_limit=10)
    assert plan.engine == "built-in" and "more than 10 nodes" in plan.note
    assert DOT_LAYOUT_LIMIT >= 100  # the default leaves small models to dot
