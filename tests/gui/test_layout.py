"""Canvas layouts: frames never overlap, nodes never overlap, pinned nodes
stay, and the built-in layout takes over when Graphviz cannot."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import networkx as nx
import pytest

from attackgraph.errors import RenderError
from attackgraph.formats import read_model
from attackgraph.gui.layout import compute_layout
from attackgraph.gui.layout import dot as dot_module
from attackgraph.gui.layout.dot import canvas_dot, dot_layout
from attackgraph.gui.layout.geometry import DEFAULT_GEOMETRY, frame_rects, rects_overlap
from attackgraph.gui.layout.lanes import lane_layout
from attackgraph.gui.layout.pinning import place_unpinned
from attackgraph.model import AttackModel, Component, Edge, Node
from attackgraph.render.backend import dot_available

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*.attackgraph.json"))
needs_dot = pytest.mark.skipif(not dot_available(), reason="Graphviz dot is not installed")


def _ancestors(model: AttackModel, cid: str | None) -> set[str]:
    out: set[str] = set()
    while cid is not None and cid in model.components and cid not in out:
        out.add(cid)
        cid = model.components[cid].parent
    return out


def layout_problems(model: AttackModel, positions: dict) -> list[str]:
    """Every way a layout breaks the canvas's rules."""
    problems = [f"{n} has no position" for n in model.nodes if n not in positions]
    frames = frame_rects(model, positions)
    for a, b in itertools.combinations(frames, 2):
        if a in _ancestors(model, b) or b in _ancestors(model, a):
            continue
        if rects_overlap(frames[a], frames[b]):
            problems.append(f"frames {a} and {b} overlap")
    boxes = {n: DEFAULT_GEOMETRY.node_rect(p) for n, p in positions.items()}
    for nid, node in model.nodes.items():
        mine = _ancestors(model, node.component)
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
        model.add_component(Component(f"C{i}", f"Component {i}",
                                      rng.choice(["cloud", "device", "network"]),
                                      parent=parent))
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


@needs_dot
@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name.split(".")[0])
def test_dot_layout_of_every_sample_keeps_frames_apart(path):
    model = read_model(path)
    assert layout_problems(model, dot_layout(model)) == []


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
    for edge in model.edges:  # left to right, except along a cycle
        if not _on_cycle(model, edge):
            assert positions[edge.source][0] < positions[edge.target][0]


def _on_cycle(model: AttackModel, edge: Edge) -> bool:
    return nx.has_path(model.graph, edge.target, edge.source)


def test_dot_text_names_nothing_from_the_model():
    model = AttackModel()
    hostile = 'Label "quoted" ]; node [shape=none image="/etc/passwd"'
    model.add_component(Component("cloud", hostile, "cloud"))
    model.add_node(Node("E1", "entry", hostile, component="cloud"))
    text = canvas_dot(model)
    assert hostile not in text and "passwd" not in text and "E1" not in text


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
        raise RenderError("Graphviz is not installed: install it with 'sudo apt install "
                          "graphviz'.")

    monkeypatch.setattr(dot_module, "run_graphviz", missing)
    model = read_model(SAMPLES[0])
    plan = compute_layout(model, full=True)
    assert plan.engine == "built-in" and "not installed" in plan.note
    assert "not installed" in plan.summary
    assert layout_problems(model, plan.positions) == []


def test_large_models_skip_graphviz():
    model = random_model(1, nodes=30)
    plan = compute_layout(model, full=True, dot_limit=10)
    assert plan.engine == "built-in" and "more than 10 nodes" in plan.note
