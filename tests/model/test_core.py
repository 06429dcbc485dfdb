"""The mutation API of AttackModel: every change, its refusals, its events,
and exact undo of removals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from attackgraph.errors import ModelError
from attackgraph.formats.native import document_to_model, model_to_document
from attackgraph.model import (
    AttackModel,
    Component,
    Edge,
    Mitigation,
    ModelEvent,
    Node,
    Profile,
    Release,
    Removed,
)
from tests.support import doc_of, rich_doc, rich_model


def record(model: AttackModel) -> list[tuple[str, str, Any]]:
    """Subscribe and return the list the events go to, as (kind, action, key)."""
    events: list[tuple[str, str, Any]] = []
    model.subscribe(lambda e: events.append((e.kind, e.action, e.key)))
    return events


def assert_consistent(model: AttackModel) -> None:
    """The networkx graph mirrors the node and edge lists exactly."""
    assert set(model.graph.nodes) == set(model.nodes)
    for node_id, node in model.nodes.items():
        assert model.graph.nodes[node_id]["node"] is node
        assert node.id == node_id
    assert {e.key for e in model.edges} == set(model.graph.edges)
    assert len(model.edges) == model.graph.number_of_edges()
    for edge in model.edges:
        assert model.graph.edges[edge.key]["edge"] is edge
    for kind in ("components", "mitigations", "profiles", "releases"):
        for ident, obj in getattr(model, kind).items():
            assert obj.id == ident
    assert set(model.layout) <= set(model.nodes)


@pytest.fixture
def model() -> AttackModel:
    built = rich_model()
    assert_consistent(built)
    return built


# ---------------------------------------------------------------- adding
def test_rich_document_builds_and_converts_back_unchanged(model: AttackModel) -> None:
    assert model_to_document(model) == rich_doc()


def test_add_objects_of_every_kind(model: AttackModel) -> None:
    events = record(model)
    model.add_release(Release("R3", "20.08", "2020-08-01"))
    model.add_component(Component("tee", "Secure World", "device", parent="kern"))
    model.add_node(
        Node("S9", "step", "Escape", component="tee", release_fixed="R3"), position=(5, 6)
    )
    model.add_edge(Edge("S1", "S9", label="then"))
    model.add_mitigation(Mitigation("M9", "Isolate", ("S9",), release="R3"))
    model.add_profile(Profile("P9", "Insider", ("local",), "expert"))
    assert events == [
        ("release", "added", "R3"),
        ("component", "added", "tee"),
        ("node", "added", "S9"),
        ("edge", "added", ("S1", "S9")),
        ("mitigation", "added", "M9"),
        ("profile", "added", "P9"),
    ]
    assert model.layout["S9"] == (5.0, 6.0)
    assert isinstance(model.layout["S9"][0], float)
    assert list(model.releases)[-1] == "R3"
    assert model.edge("S1", "S9").label == "then"
    assert sorted(model.graph.successors("S1")) == ["G2", "S2", "S9"]
    assert_consistent(model)


def test_add_at_index_sets_file_order(model: AttackModel) -> None:
    model.add_node(Node("E0", "entry", "First"), index=0)
    model.add_component(Component("c0", "First", "other"), index=0)
    model.add_mitigation(Mitigation("M0", "First", ("E0",)), index=1)
    model.add_profile(Profile("P0", "First"), index=0)
    model.add_release(Release("R0", "19.0"), index=0)
    model.add_edge(Edge("E0", "G2"), index=0)
    doc = model_to_document(model)
    assert doc["nodes"][0]["id"] == "E0"
    assert doc["components"][0]["id"] == "c0"
    assert [m["id"] for m in doc["mitigations"]] == ["M1", "M0", "M2", "M3"]
    assert doc["profiles"][0]["id"] == "P0"
    assert list(model.releases) == ["R0", "R1", "R2"]
    assert model.release_index("R2") == 2
    assert doc["edges"][0] == {"source": "E0", "target": "G2"}
    assert_consistent(model)


REFUSED_CHANGES: list[tuple[str, Callable[[AttackModel], Any], str]] = [
    # duplicates
    ("dup component", lambda m: m.add_component(Component("dev", "X", "device")), "already exists"),
    ("dup node", lambda m: m.add_node(Node("S1", "step", "X")), "already exists"),
    ("dup edge", lambda m: m.add_edge(Edge("E1", "S1")), "already exists"),
    (
        "dup mitigation",
        lambda m: m.add_mitigation(Mitigation("M1", "X", ("S1",))),
        "already exists",
    ),
    ("dup profile", lambda m: m.add_profile(Profile("P1", "X")), "already exists"),
    ("dup release", lambda m: m.add_release(Release("R1", "X")), "already exists"),
    # field checks
    ("bad component kind", lambda m: m.add_component(Component("c9", "X", "moon")), "kind"),
    ("bad component id", lambda m: m.add_component(Component("-c", "X", "cloud")), "identifier"),
    (
        "missing parent",
        lambda m: m.add_component(Component("c9", "X", "cloud", parent="zz")),
        "does not exist",
    ),
    ("self parent", lambda m: m.add_component(Component("c9", "X", "cloud", parent="c9")), "cycle"),
    ("bad node kind", lambda m: m.add_node(Node("S9", "attack", "X")), "kind"),
    ("bad node id", lambda m: m.add_node(Node("a b", "step", "X")), "identifier"),
    ("label not str", lambda m: m.add_node(Node("S9", "step", 5)), "string"),  # type: ignore
    ("negative cost", lambda m: m.add_node(Node("S9", "step", "X", cost=-1)), "at least 0"),
    ("bool cost", lambda m: m.add_node(Node("S9", "step", "X", cost=True)), "boolean"),
    ("nan cost", lambda m: m.add_node(Node("S9", "step", "X", cost=float("nan"))), "finite"),
    ("huge cost", lambda m: m.add_node(Node("S9", "step", "X", cost=10**400)), "finite"),
    ("probability > 1", lambda m: m.add_node(Node("S9", "step", "X", probability=1.5)), "[0, 1]"),
    ("bad access", lambda m: m.add_node(Node("S9", "step", "X", access="telepathy")), "access"),
    ("bad skill", lambda m: m.add_node(Node("S9", "step", "X", skill="guru")), "skill"),
    ("techniques not list", lambda m: m.add_node(Node("S9", "step", "X", techniques=5)), "list"),  # type: ignore[arg-type]
    (
        "unknown component",
        lambda m: m.add_node(Node("S9", "step", "X", component="nope")),
        "does not exist",
    ),
    (
        "unknown release_fixed",
        lambda m: m.add_node(Node("S9", "step", "X", release_fixed="nope")),
        "does not exist",
    ),
    ("entry with gate", lambda m: m.add_node(Node("E9", "entry", "X", gate="or")), "gate"),
    (
        "and without edges",
        lambda m: m.add_node(Node("S9", "step", "X", gate="and")),
        "incoming edge",
    ),
    ("bad extras key", lambda m: m.add_node(Node("S9", "step", "X", extras={"note": 1})), "x-"),
    ("bad position", lambda m: m.add_node(Node("S9", "step", "X"), position=(1, "a")), "position"),
    ("edge unknown end", lambda m: m.add_edge(Edge("E1", "nope")), "does not exist"),
    ("self loop", lambda m: m.add_edge(Edge("S1", "S1")), "self-loop"),
    ("edge into entry", lambda m: m.add_edge(Edge("S1", "E2")), "Entry"),
    ("edge label not str", lambda m: m.add_edge(Edge("E1", "G2", label=3)), "string"),
    ("empty blocks", lambda m: m.add_mitigation(Mitigation("M9", "X", ())), "at least 1"),
    (
        "blocks unknown",
        lambda m: m.add_mitigation(Mitigation("M9", "X", ("nope",))),
        "does not exist",
    ),
    (
        "effectiveness 0",
        lambda m: m.add_mitigation(Mitigation("M9", "X", ("S1",), effectiveness=0)),
        "(0, 1]",
    ),
    (
        "bad status",
        lambda m: m.add_mitigation(Mitigation("M9", "X", ("S1",), status="done")),
        "status",
    ),
    (
        "mitigation release",
        lambda m: m.add_mitigation(Mitigation("M9", "X", ("S1",), release="nope")),
        "does not exist",
    ),
    ("profile access", lambda m: m.add_profile(Profile("P9", "X", ("psychic",))), "access"),
    ("profile skill", lambda m: m.add_profile(Profile("P9", "X", max_skill="god")), "max_skill"),
    ("release date", lambda m: m.add_release(Release("R9", "X", "2020-02-30")), "date"),
    ("release date format", lambda m: m.add_release(Release("R9", "X", "June 2020")), "YYYY-MM-DD"),
    # updates
    ("update unknown node", lambda m: m.update_node("nope", label="X"), "no node"),
    ("update id", lambda m: m.update_node("S1", id="S7"), "rename_node"),
    ("update component id", lambda m: m.update_component("dev", id="d2"), "rename_component"),
    ("update mitigation id", lambda m: m.update_mitigation("M1", id="M7"), "rename_mitigation"),
    ("update profile id", lambda m: m.update_profile("P1", id="P7"), "rename_profile"),
    ("update release id", lambda m: m.update_release("R1", id="R7"), "rename_release"),
    ("update unknown field", lambda m: m.update_node("S1", colour="red"), "no field"),
    ("update unknown edge field", lambda m: m.update_edge("E1", "S1", weight=2), "no field"),
    (
        "update to entry with incoming",
        lambda m: m.update_node("S1", kind="entry", gate=None),
        "incoming",
    ),
    ("update to entry keeping gate", lambda m: m.update_node("S1", kind="entry"), "gate"),
    ("update entry gate", lambda m: m.update_node("E1", gate="and"), "gate"),
    (
        "update to and without edges",
        lambda m: m.update_node("E1", kind="step", gate="and"),
        "incoming edge",
    ),
    ("update bad probability", lambda m: m.update_node("S1", probability=-0.1), "[0, 1]"),
    ("parent cycle", lambda m: m.update_component("dev", parent="kern"), "cycle"),
    ("unknown parent", lambda m: m.update_component("dev", parent="nope"), "does not exist"),
    ("update component kind", lambda m: m.update_component("dev", kind="x"), "kind"),
    ("update missing edge", lambda m: m.update_edge("E1", "G1", label="x"), "no edge"),
    ("edge extras", lambda m: m.update_edge("E1", "S1", extras={"w": 1}), "x-"),
    ("update blocks empty", lambda m: m.update_mitigation("M1", blocks=[]), "at least 1"),
    ("update blocks unknown", lambda m: m.update_mitigation("M1", blocks=["zz"]), "does not exist"),
    ("update profile access", lambda m: m.update_profile("P1", access=["x"]), "access"),
    ("update release date", lambda m: m.update_release("R1", date="yesterday"), "date"),
    # removals
    ("remove unknown node", lambda m: m.remove_node("nope"), "no node"),
    ("remove only enabler of and", lambda m: m.remove_node("S2"), "enabler"),
    ("remove last and edge", lambda m: m.remove_edge("S2", "G1"), "last enabler"),
    ("remove missing edge", lambda m: m.remove_edge("E1", "G1"), "no edge"),
    ("remove unknown component", lambda m: m.remove_component("nope"), "no component"),
    ("remove unknown mitigation", lambda m: m.remove_mitigation("nope"), "no mitigation"),
    ("remove unknown profile", lambda m: m.remove_profile("nope"), "no profile"),
    ("remove unknown release", lambda m: m.remove_release("nope"), "no release"),
    ("unhashable id", lambda m: m.remove_node(["S1"]), "no node"),  # type: ignore[arg-type]
    # renames
    ("rename node taken", lambda m: m.rename_node("S1", "S2"), "already exists"),
    ("rename node invalid", lambda m: m.rename_node("S1", "bad id"), "not a valid"),
    ("rename node unknown", lambda m: m.rename_node("nope", "S7"), "no node"),
    ("rename component taken", lambda m: m.rename_component("dev", "kern"), "already exists"),
    ("rename component invalid", lambda m: m.rename_component("dev", ""), "not a valid"),
    ("rename mitigation taken", lambda m: m.rename_mitigation("M1", "M2"), "already exists"),
    ("rename profile invalid", lambda m: m.rename_profile("P1", "-p"), "not a valid"),
    ("rename release taken", lambda m: m.rename_release("R1", "R2"), "already exists"),
    ("rename release not str", lambda m: m.rename_release("R1", 5), "not a valid"),
    # layout and model fields
    ("position unknown node", lambda m: m.set_position("nope", (1, 2)), "no node"),
    ("position nan", lambda m: m.set_position("S1", (float("nan"), 0)), "finite"),
    ("position inf", lambda m: m.set_position("S1", (0, float("inf"))), "finite"),
    ("position bool", lambda m: m.set_position("S1", (True, 0)), "finite"),
    ("position three", lambda m: m.set_position("S1", (1, 2, 3)), "two"),
    ("position scalar", lambda m: m.set_position("S1", 5), "two"),  # type: ignore
    ("position huge int", lambda m: m.set_position("S1", (10**400, 0)), "finite"),
    (
        "positions all or nothing",
        lambda m: m.set_positions({"E1": (9, 9), "S1": (0, "x")}),
        "finite",
    ),
    ("positions unknown node", lambda m: m.set_positions({"E1": (9, 9), "zz": (0, 0)}), "no node"),
    ("title not str", lambda m: m.set_title(None), "title"),  # type: ignore[arg-type]
    ("description not str", lambda m: m.set_description(5), "description"),  # type: ignore
    ("extras key", lambda m: m.set_extras({"generator": "x"}), "x-"),
]


@pytest.mark.parametrize(
    ("change", "fragment"), [c[1:] for c in REFUSED_CHANGES], ids=[c[0] for c in REFUSED_CHANGES]
)
def test_refused_change_raises_and_changes_nothing(
    model: AttackModel, change: Callable[[AttackModel], Any], fragment: str
) -> None:
    before = doc_of(model)
    events = record(model)
    with pytest.raises(ModelError) as info:
        change(model)
    message = str(info.value)
    assert message.endswith("."), message
    assert len(message.split()) >= 3, message
    assert fragment in message
    assert events == []
    assert doc_of(model) == before
    assert_consistent(model)


def test_update_to_and_without_edges_is_a_model_error(model: AttackModel) -> None:
    model.update_node("G2", gate="and")  # G2 has one incoming edge: allowed
    assert model.nodes["G2"].gate == "and"
    model.add_node(Node("S8", "step", "Loose"))
    with pytest.raises(ModelError, match="AND step 'S8' needs at least one incoming edge"):
        model.update_node("S8", gate="and")


def test_model_error_has_no_problem_list_for_api_errors(model: AttackModel) -> None:
    with pytest.raises(ModelError) as info:
        model.add_node(Node("S1", "step", "dup"))
    assert info.value.problems == []
    assert info.value.errors == []


# --------------------------------------------------------------- updating
UPDATES: list[tuple[str, Callable[[AttackModel], Any], str, Any, str, Any]] = [
    (
        "component",
        lambda m: m.update_component("dev", label="Board", parent="cloud"),
        "component",
        "dev",
        "label",
        "Board",
    ),
    (
        "node",
        lambda m: m.update_node("S1", cost=7, techniques=["T1"], description=None),
        "node",
        "S1",
        "techniques",
        ("T1",),
    ),
    ("node gate and", lambda m: m.update_node("S2", gate="or"), "node", "S2", "gate", "or"),
    ("edge", lambda m: m.update_edge("E1", "S1", label=None), "edge", ("E1", "S1"), "label", None),
    (
        "mitigation",
        lambda m: m.update_mitigation("M2", blocks=["G1"], status="deployed"),
        "mitigation",
        "M2",
        "blocks",
        ("G1",),
    ),
    (
        "profile",
        lambda m: m.update_profile("P2", access=["local"], max_skill="none"),
        "profile",
        "P2",
        "access",
        ("local",),
    ),
    (
        "release",
        lambda m: m.update_release("R2", date="2020-07-31"),
        "release",
        "R2",
        "date",
        "2020-07-31",
    ),
]


@pytest.mark.parametrize(
    ("change", "kind", "key", "field", "value"),
    [u[1:] for u in UPDATES],
    ids=[u[0] for u in UPDATES],
)
def test_update_changes_one_object_and_emits_one_event(
    model: AttackModel,
    change: Callable[[AttackModel], Any],
    kind: str,
    key: Any,
    field: str,
    value: Any,
) -> None:
    events: list[ModelEvent] = []
    model.subscribe(events.append)
    old = change(model)
    assert len(events) == 1
    event = events[0]
    assert (event.kind, event.action, event.key) == (kind, "changed", key)
    assert event.old == old
    assert getattr(event.new, field) == value
    current = model.edge(*key) if kind == "edge" else getattr(model, kind + "s")[key]
    assert current == event.new
    assert_consistent(model)


def test_update_keeps_file_order(model: AttackModel) -> None:
    order = list(model.nodes)
    model.update_node("S1", label="Renamed label")
    edges = list(model.edges)
    model.update_edge("S1", "S2", label="and")
    assert list(model.nodes) == order
    assert [e.key for e in model.edges] == [e.key for e in edges]
    assert model.edges[2].label == "and"


NO_OPS: list[tuple[str, Callable[[AttackModel], Any]]] = [
    ("title", lambda m: m.set_title(m.title)),
    ("description", lambda m: m.set_description(m.description)),
    ("extras", lambda m: m.set_extras(dict(m.extras))),
    ("component", lambda m: m.update_component("kern", parent="dev")),
    ("node", lambda m: m.update_node("S1", cost=3, techniques=("T1068",))),
    ("node empty", lambda m: m.update_node("S1")),
    ("edge", lambda m: m.update_edge("E1", "S1", label="reach")),
    ("mitigation", lambda m: m.update_mitigation("M2", blocks=["S1", "S2"])),
    ("profile", lambda m: m.update_profile("P1", max_skill="medium")),
    ("release", lambda m: m.update_release("R2", label="20.07")),
    ("position", lambda m: m.set_position("S1", (120.5, -3))),
    ("no position", lambda m: m.set_position("S2", None)),
    ("positions", lambda m: m.set_positions({"E1": [0, 0]})),
    ("rename node same", lambda m: m.rename_node("S1", "S1")),
    ("rename component same", lambda m: m.rename_component("dev", "dev")),
    ("rename mitigation same", lambda m: m.rename_mitigation("M1", "M1")),
    ("rename profile same", lambda m: m.rename_profile("P1", "P1")),
    ("rename release same", lambda m: m.rename_release("R1", "R1")),
]


@pytest.mark.parametrize("change", [n[1] for n in NO_OPS], ids=[n[0] for n in NO_OPS])
def test_setters_that_change_nothing_emit_nothing(
    model: AttackModel, change: Callable[[AttackModel], Any]
) -> None:
    before = doc_of(model)
    graph = model.graph
    events = record(model)
    change(model)
    assert events == []
    assert doc_of(model) == before
    assert model.graph is graph


def test_title_description_extras(model: AttackModel) -> None:
    events: list[ModelEvent] = []
    model.subscribe(events.append)
    model.set_title("New")
    model.set_description(None)
    model.set_extras({"x-a": 1, "x-b": [2]})
    assert [(e.kind, e.action, e.key) for e in events] == [
        ("model", "changed", "title"),
        ("model", "changed", "description"),
        ("model", "changed", "extras"),
    ]
    assert (events[0].old, events[0].new) == ("Rich — model ✓", "New")
    assert events[1].new is None
    assert events[2].old == {"x-generator": "tests"}
    doc = model_to_document(model)
    assert doc["title"] == "New"
    assert "description" not in doc
    assert doc["x-a"] == 1 and "x-generator" not in doc
    model.extras["x-c"] = 3  # type: ignore[index]  # a copy: the model is unaffected
    assert "x-c" not in model.extras


def test_constructor_checks_title() -> None:
    with pytest.raises(ModelError, match="title"):
        AttackModel(5)  # type: ignore[arg-type]
    empty = AttackModel()
    assert model_to_document(empty) == {
        "format": "attackgraph",
        "version": 1,
        "title": "Untitled model",
        "nodes": [],
    }


def test_unsubscribe_stops_events(model: AttackModel) -> None:
    events: list[ModelEvent] = []
    model.subscribe(events.append)
    model.set_title("a")
    model.unsubscribe(events.append)
    model.unsubscribe(print)  # unknown listeners are ignored
    model.set_title("b")
    assert len(events) == 1


# ----------------------------------------------------------------- layout
def test_positions_are_floats_and_can_be_forgotten(model: AttackModel) -> None:
    events: list[ModelEvent] = []
    model.subscribe(events.append)
    model.set_position("S2", [3, 4])
    assert model.layout["S2"] == (3.0, 4.0)
    model.set_position("S2", None)
    assert "S2" not in model.layout
    model.set_positions({"E1": (1, 1), "G1": (2.5, 2.5), "S1": None})
    assert model.layout == {"E1": (1.0, 1.0), "G1": (2.5, 2.5), "G2": (300.0, 40.0)}
    assert [(e.kind, e.action, e.key, e.old, e.new) for e in events] == [
        ("layout", "changed", "S2", None, (3.0, 4.0)),
        ("layout", "changed", "S2", (3.0, 4.0), None),
        ("layout", "changed", "E1", (0.0, 0.0), (1.0, 1.0)),
        ("layout", "changed", "G1", None, (2.5, 2.5)),
        ("layout", "changed", "S1", (120.5, -3.0), None),
    ]
    assert model_to_document(model)["layout"] == {
        "E1": [1.0, 1.0],
        "G1": [2.5, 2.5],
        "G2": [300.0, 40.0],
    }


def test_layout_is_a_copy(model: AttackModel) -> None:
    layout = model.layout
    layout["S2"] = (1.0, 1.0)  # type: ignore[index]
    assert "S2" not in model.layout


# ------------------------------------------------------------------ renames
def test_rename_node_updates_every_reference(model: AttackModel) -> None:
    events = record(model)
    model.rename_node("S1", "exploit")
    doc = model_to_document(model)
    assert [n["id"] for n in doc["nodes"]] == ["E1", "E2", "exploit", "S2", "G1", "G2"]
    assert [(e["source"], e["target"]) for e in doc["edges"]] == [
        ("E1", "exploit"),
        ("E2", "S2"),
        ("exploit", "S2"),
        ("S2", "G1"),
        ("exploit", "G2"),
    ]
    assert doc["edges"][0]["label"] == "reach"
    assert doc["edges"][2]["x-weight"] == 2
    assert doc["mitigations"][0]["blocks"] == ["exploit"]
    assert doc["mitigations"][1]["blocks"] == ["exploit", "S2"]
    assert list(doc["layout"]) == ["E1", "exploit", "G2"]
    assert doc["layout"]["exploit"] == [120.5, -3.0]
    assert doc["nodes"][2]["x-note"] == {"a": [1, 2.5, None, True]}
    assert events == [("node", "renamed", "S1")]
    assert sorted(model.graph.predecessors("S2")) == ["E2", "exploit"]
    assert "S1" not in model.graph
    assert_consistent(model)
    model.rename_node("exploit", "S1")
    assert model_to_document(model) == rich_doc()


def test_rename_node_touches_only_the_node_and_its_edges() -> None:
    # a chain of 2,000 nodes with a hub in the middle: the rename must not copy
    # the graph or rebuild the other objects (the cost follows the node's degree)
    model = AttackModel("chain")
    count = 2000
    model.add_node(Node("N0", "entry", "start"), position=(0.0, 0.0))
    for i in range(1, count):
        model.add_node(Node(f"N{i}", "step", f"step {i}"), position=(i * 10.0, 0.0))
        model.add_edge(Edge(f"N{i - 1}", f"N{i}", label=f"e{i}"))
    model.add_edge(Edge("N0", "N1000"))
    model.add_mitigation(Mitigation("M1", "patch", ("N999", "N1000", "N1001")))
    model.update_node("N1000", gate="and")
    graph = model.graph
    nodes_before = dict(model.nodes)
    edges_before = model.edges
    doc_before = model_to_document(model)
    events = record(model)

    model.rename_node("N1000", "hub")

    assert model.graph is graph  # relabelled in place, not copied
    assert events == [("node", "renamed", "N1000")]
    assert list(model.nodes)[1000] == "hub" and len(model.nodes) == count
    assert model.nodes["hub"].gate == "and" and model.nodes["hub"].id == "hub"
    for nid, node in nodes_before.items():  # every other node is the same object
        if nid != "N1000":
            assert model.nodes[nid] is node
    touched = {
        i
        for i, (old, new) in enumerate(zip(edges_before, model.edges, strict=True))
        if old is not new
    }
    assert touched == {i for i, e in enumerate(edges_before) if "N1000" in e.key}
    assert [e.key for e in model.edges][999:1001] == [("N999", "hub"), ("hub", "N1001")]
    assert model.edges[-1].key == ("N0", "hub") and model.edges[999].label == "e1000"
    assert sorted(model.graph.predecessors("hub")) == ["N0", "N999"]
    assert model.mitigations["M1"].blocks == ("N999", "hub", "N1001")
    assert list(model.layout)[1000] == "hub" and model.layout["hub"] == (10000.0, 0.0)
    assert_consistent(model)

    removed = model.remove_node("N1001")  # removal and restore still work after it
    model.restore(removed)
    model.rename_node("hub", "N1000")
    assert model_to_document(model) == doc_before
    assert_consistent(model)


def test_rename_component_updates_children_and_nodes(model: AttackModel) -> None:
    model.rename_component("dev", "device")
    model.rename_component("kern", "kernel")
    assert model.components["kernel"].parent == "device"
    assert model.nodes["S1"].component == "kernel"
    assert list(model.components) == ["cloud", "device", "kernel"]
    assert_consistent(model)


def test_rename_release_updates_mitigations_and_nodes(model: AttackModel) -> None:
    events = record(model)
    model.rename_release("R2", "20.07")
    assert model.mitigations["M1"].release == "20.07"
    assert model.nodes["S1"].release_fixed == "20.07"
    assert list(model.releases) == ["R1", "20.07"]
    assert events == [("release", "renamed", "R2")]


def test_rename_mitigation_and_profile_keep_order(model: AttackModel) -> None:
    model.rename_mitigation("M2", "harden")
    model.rename_profile("P1", "remote")
    assert list(model.mitigations) == ["M1", "harden", "M3"]
    assert model.mitigations["harden"].id == "harden"
    assert list(model.profiles) == ["remote", "P2"]


# ---------------------------------------------------------- remove/restore
def test_remove_node_returns_everything_undo_needs(model: AttackModel) -> None:
    before = doc_of(model)
    events = record(model)
    removed = model.remove_node("S1")
    assert isinstance(removed, Removed)
    assert (removed.kind, removed.index, removed.item.id) == ("node", 2, "S1")
    assert [(i, e.key) for i, e in removed.edges] == [
        (0, ("E1", "S1")),
        (2, ("S1", "S2")),
        (4, ("S1", "G2")),
    ]
    assert [(i, m.id) for i, m in removed.dropped] == [(0, "M1")]
    assert [(i, m.id, m.blocks) for i, m in removed.changed] == [(1, "M2", ("S1", "S2"))]
    assert removed.position == (120.5, -3.0)
    assert events == [
        ("mitigation", "changed", "M2"),
        ("mitigation", "removed", "M1"),
        ("edge", "removed", ("E1", "S1")),
        ("edge", "removed", ("S1", "S2")),
        ("edge", "removed", ("S1", "G2")),
        ("node", "removed", "S1"),
    ]
    doc = model_to_document(model)
    assert "S1" not in model.nodes and "S1" not in model.layout
    assert [m["id"] for m in doc["mitigations"]] == ["M2", "M3"]
    assert doc["mitigations"][0]["blocks"] == ["S2"]
    assert_consistent(model)
    events.clear()
    model.restore(removed)
    assert model_to_document(model) == before
    assert list(model_to_document(model)) == list(before)
    assert ("node", "added", "S1") in events and ("mitigation", "added", "M1") in events
    assert ("mitigation", "changed", "M2") in events
    assert_consistent(model)


@pytest.mark.parametrize("node_id", [n["id"] for n in rich_doc()["nodes"]])
def test_remove_then_restore_any_node_gives_the_same_model(
    model: AttackModel, node_id: str
) -> None:
    before = doc_of(model)
    try:
        removed = model.remove_node(node_id)
    except ModelError as exc:  # the node is the only enabler of an AND node
        assert node_id == "S2" and "AND" in str(exc)
        assert doc_of(model) == before
        return
    assert node_id not in model.nodes
    model.restore(removed)
    assert model_to_document(model) == before
    assert_consistent(model)


def test_remove_nodes_then_restore_in_reverse_order(model: AttackModel) -> None:
    before = doc_of(model)
    model.update_node("G1", gate="or")
    model.update_node("S2", gate="or")
    middle = doc_of(model)
    records = [model.remove_node(n) for n in ["S1", "E2", "S2", "G2", "G1", "E1"]]
    assert not model.nodes and not model.edges and not model.layout
    assert list(model.mitigations) == []
    for removed in reversed(records):
        model.restore(removed)
    assert model_to_document(model) == middle
    model.update_node("S2", gate="and")
    model.update_node("G1", gate="and")
    assert model_to_document(model) == before
    assert_consistent(model)


def test_remove_and_restore_edge_in_place(model: AttackModel) -> None:
    before = doc_of(model)
    events = record(model)
    removed = model.remove_edge("S1", "S2")
    assert (removed.kind, removed.index) == ("edge", 2)
    assert not model.graph.has_edge("S1", "S2")
    model.restore(removed)
    assert model_to_document(model) == before
    assert events == [("edge", "removed", ("S1", "S2")), ("edge", "added", ("S1", "S2"))]
    assert_consistent(model)


def test_remove_component_moves_children_and_nodes_to_parent(model: AttackModel) -> None:
    before = doc_of(model)
    events = record(model)
    removed = model.remove_component("kern")
    assert model.nodes["S1"].component == "dev"
    assert ("node", "changed", "S1") in events
    assert events[-1] == ("component", "removed", "kern")
    model.restore(removed)
    assert model_to_document(model) == before
    removed = model.remove_component("dev")
    assert model.components["kern"].parent is None
    assert ("component", "changed", "kern") in events
    model.restore(removed)
    assert model_to_document(model) == before
    assert_consistent(model)


def test_remove_release_clears_references_and_restores(model: AttackModel) -> None:
    before = doc_of(model)
    events = record(model)
    removed = model.remove_release("R2")
    assert model.mitigations["M1"].release is None
    assert model.nodes["S1"].release_fixed is None
    assert ("mitigation", "changed", "M1") in events
    assert ("node", "changed", "S1") in events
    model.restore(removed)
    assert model_to_document(model) == before
    assert_consistent(model)


@pytest.mark.parametrize(
    ("remove", "kind", "key"),
    [
        (lambda m: m.remove_mitigation("M2"), "mitigation", "M2"),
        (lambda m: m.remove_profile("P1"), "profile", "P1"),
        (lambda m: m.remove_release("R1"), "release", "R1"),
        (lambda m: m.remove_component("cloud"), "component", "cloud"),
    ],
)
def test_remove_and_restore_other_kinds(
    model: AttackModel, remove: Callable[[AttackModel], Removed], kind: str, key: str
) -> None:
    before = doc_of(model)
    events = record(model)
    removed = remove(model)
    assert (kind, "removed", key) in events
    assert key not in getattr(model, kind + "s")
    model.restore(removed)
    assert model_to_document(model) == before
    assert events[-1][:2] in {(kind, "added"), (kind, "changed"), ("node", "changed")}


def test_listeners_see_the_model_in_step_with_events(model: AttackModel) -> None:
    """A mirror built from events alone matches the model after every change."""
    mirror = {
        "nodes": dict(model.nodes),
        "mitigations": dict(model.mitigations),
        "edges": {e.key: e for e in model.edges},
    }

    def follow(event: ModelEvent) -> None:
        store = {"node": "nodes", "mitigation": "mitigations", "edge": "edges"}.get(event.kind)
        if store is None:
            return
        if event.action == "removed":
            del mirror[store][event.key]
        else:
            mirror[store][event.key] = event.new

    model.subscribe(follow)
    removed = model.remove_node("S1")
    for state in (1, 2):
        assert mirror["nodes"] == dict(model.nodes)
        assert mirror["mitigations"] == dict(model.mitigations)
        assert mirror["edges"] == {e.key: e for e in model.edges}
        if state == 1:
            model.restore(removed)


# ------------------------------------------------------- AND gates, entries
def test_and_gate_rules() -> None:
    m = AttackModel("and")
    m.add_node(Node("E1", "entry", "a"))
    m.add_node(Node("E2", "entry", "b"))
    m.add_node(Node("S1", "step", "both"))
    m.add_edge(Edge("E1", "S1"))
    m.update_node("S1", gate="and")  # one incoming edge is enough
    m.add_edge(Edge("E2", "S1"))
    m.remove_edge("E1", "S1")  # another enabler remains
    with pytest.raises(ModelError, match="last enabler"):
        m.remove_edge("E2", "S1")
    with pytest.raises(ModelError, match="no enabler"):
        m.remove_node("E2")
    m.update_node("S1", gate="or")
    m.remove_edge("E2", "S1")
    assert m.graph.in_degree("S1") == 0


def test_entry_rules() -> None:
    m = AttackModel("entry")
    m.add_node(Node("E1", "entry", "a"))
    m.add_node(Node("S1", "step", "b"))
    m.add_edge(Edge("E1", "S1"))
    with pytest.raises(ModelError, match="incoming"):
        m.add_edge(Edge("S1", "E1"))
    with pytest.raises(ModelError, match="cannot be an entry"):
        m.update_node("S1", kind="entry")
    with pytest.raises(ModelError, match="gate"):
        m.update_node("E1", gate="or")
    m.update_node("E1", kind="step")  # a step may have no incoming edges (a warning)
    m.add_node(Node("E2", "entry", "c"))
    m.add_edge(Edge("E2", "E1"))
    assert m.nodes["E1"].kind == "step"


def test_add_all_builds_and_nodes_and_nested_components_in_file_order() -> None:
    doc = rich_doc()
    doc["components"].reverse()  # children before parents
    model = document_to_model(doc)
    assert list(model.components) == ["kern", "dev", "cloud"]
    assert model.nodes["G1"].gate == "and"


def test_effective_defaults() -> None:
    node = Node("S1", "step", "x")
    assert (
        node.effective_gate,
        node.effective_cost,
        node.effective_probability,
        node.effective_impact,
    ) == ("or", 1.0, 1.0, 1.0)
    mit = Mitigation("M1", "x", ("S1",))
    assert (mit.effective_cost, mit.effective_effectiveness, mit.effective_status, mit.is_full) == (
        1.0,
        1.0,
        "proposed",
        True,
    )
    assert not mit.replace(effectiveness=0.5).is_full
    profile = Profile("P1", "x")
    assert profile.effective_access == ("physical", "adjacent", "local", "network")
    assert profile.effective_max_skill == "expert"
