"""The canvas follows the model; gestures become single undo entries."""

from __future__ import annotations

from PySide6.QtCore import QPointF

from attackgraph.formats.native import model_to_document
from attackgraph.gui.canvas.scene import CanvasScene
from attackgraph.gui.document import Document
from attackgraph.model import Edge, Node


def _scene(model):
    document = Document(model)
    return document, CanvasScene(document)


def test_items_for_every_object(qtbot, model):
    _, scene = _scene(model)
    assert set(scene.nodes) == set(model.nodes)
    assert set(scene.edges) == {e.key for e in model.edges}
    assert set(scene.frames) == set(model.components)
    assert scene.nodes["S1"].pos() == QPointF(250.0, 100.0)


def test_view_follows_model_changes(qtbot, model):
    _, scene = _scene(model)
    model.add_node(Node("S9", "step", "Later"), position=(10.0, 10.0))
    model.add_edge(Edge("S9", "G1"))
    assert "S9" in scene.nodes and ("S9", "G1") in scene.edges
    model.set_position("S9", (40.0, 50.0))
    assert scene.nodes["S9"].pos() == QPointF(40.0, 50.0)
    model.update_node("S9", label="Renamed label")
    assert scene.nodes["S9"].node.label == "Renamed label"
    model.remove_node("S9")
    assert "S9" not in scene.nodes and ("S9", "G1") not in scene.edges
    model.rename_node("S1", "S1b")
    assert "S1b" in scene.nodes and ("E1", "S1b") in scene.edges


def test_delete_selection_is_one_undo_entry_and_restores_exactly(qtbot, model):
    document, scene = _scene(model)
    before = model_to_document(model)
    for nid in ("S1", "S2"):
        scene.nodes[nid].setSelected(True)
    scene.delete_selection()
    assert "S1" not in model.nodes and "S2" not in model.nodes
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert model_to_document(model) == before
    assert set(scene.edges) == {e.key for e in model.edges}


def test_drag_of_many_nodes_is_one_undo_entry(qtbot, model):
    document, scene = _scene(model)
    for nid in ("S1", "S2"):
        scene.nodes[nid].setSelected(True)
    scene._press_positions = {nid: (i.pos().x(), i.pos().y())
                              for nid, i in scene.nodes.items() if i.isSelected()}
    scene._press_frames = {cid: f.frame_rect() for cid, f in scene.frames.items()}
    for nid in ("S1", "S2"):
        scene.nodes[nid].moveBy(30, 5)
    scene._commit_moves()
    assert model.layout["S1"] == (280.0, 105.0)
    assert model.layout["S2"] == (530.0, 105.0)
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert model.layout["S1"] == (250.0, 100.0)
    assert scene.nodes["S1"].pos() == QPointF(250.0, 100.0)


def test_dropping_a_node_into_a_frame_assigns_its_component(qtbot, model):
    document, scene = _scene(model)
    item = scene.nodes["G1"]
    item.setSelected(True)
    scene._press_positions = {"G1": (item.pos().x(), item.pos().y())}
    scene._press_frames = {cid: f.frame_rect() for cid, f in scene.frames.items()}
    target = scene.frames["cloud"].frame_rect().center()
    item.setPos(target)
    scene._commit_moves()
    assert model.nodes["G1"].component == "cloud"
    document.undo_stack.undo()
    assert model.nodes["G1"].component is None


def test_invalid_connection_is_refused_with_reason(qtbot, model):
    _, scene = _scene(model)
    messages: list[str] = []
    scene.message.connect(messages.append)
    assert not scene.connect_nodes("S1", "E1")
    assert messages and "entry" in messages[-1].lower()
    assert not scene.connect_nodes("S1", "S1")
    assert "self-loop" in messages[-1]
    assert scene.connect_nodes("E1", "G1")
    assert ("E1", "G1") in scene.edges


def test_add_node_at_position_inside_a_frame(qtbot, model):
    document, scene = _scene(model)
    centre = scene.frames["cloud"].frame_rect().center()
    new_id = scene.add_node_at("step", centre)
    assert new_id == "S3"
    assert model.nodes["S3"].component == "cloud"
    assert scene.nodes["S3"].isSelected()
    document.undo_stack.undo()
    assert "S3" not in model.nodes
