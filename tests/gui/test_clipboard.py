"""Copy, cut, paste and duplicate: round trips, between windows, and hostile
clipboard content."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication

from attackgraph.formats.native import model_to_document
from attackgraph.gui.clipboard import FRAGMENT_MIME, make_fragment, read_fragment
from attackgraph.gui.mainwindow import MainWindow


def test_copy_paste_roundtrip_gives_fresh_ids_and_keeps_edges(window):
    scene, model = window.scene, window.document.model
    scene.select(nodes=["S1", "S2"])
    assert window.editing.copy()
    assert QGuiApplication.clipboard().mimeData().hasFormat(FRAGMENT_MIME)
    window.editing.paste()
    new_ids = scene.selected_node_ids()
    assert new_ids == ["S1-1", "S2-1"]
    assert model.graph.has_edge("S1-1", "S2-1")
    # S2 was AND-fed by S1 and E2; only S1 came along, which still enables it.
    assert model.nodes["S2-1"].gate == "and"
    assert model.nodes["S1-1"].techniques == ("T1068",)
    assert model.nodes["S1-1"].component == "dev"
    assert window.document.undo_stack.count() == 1
    window.document.undo_stack.undo()
    assert not set(new_ids) & set(model.nodes)


def test_pasted_nodes_land_offset_or_in_view(window):
    scene, model = window.scene, window.document.model
    scene.select(nodes=["S1"])
    window.editing.copy()
    window.editing.paste()
    assert model.layout["S1-1"] == (290.0, 140.0)  # next to the original, which is in view
    window.view.centerOn(2200, 1600)
    window.editing.paste()
    centre = window.view.visible_scene_rect().center()
    x, y = model.layout["S1-2"]
    assert abs(x - centre.x()) < 5 and abs(y - centre.y()) < 5  # where the user is looking


def test_cut_is_copy_then_one_delete(window):
    model = window.document.model
    before = model_to_document(model)
    window.scene.select(nodes=["G1"])
    window.editing.cut()
    assert "G1" not in model.nodes
    window.document.undo_stack.undo()
    assert model_to_document(model) == before
    window.scene.select()
    window.editing.paste()
    assert "G1-1" in model.nodes


def test_duplicate_single_node_loses_its_and_gate_without_enablers(window):
    window.scene.select(nodes=["S2"])
    window.editing.duplicate()
    (new_id,) = window.scene.selected_node_ids()
    assert window.document.model.nodes[new_id].gate is None


def test_paste_between_windows_keeps_components_and_mitigations(qtbot, window, settings):
    source = window.document.model
    source.add_component(source.components["dev"].replace(id="chip", label="Chip", parent="dev"))
    source.update_node("S2", component="chip")
    window.scene.select(nodes=["S1", "S2", "G1"])
    window.editing.copy()
    other = MainWindow(settings=settings, autosave_s=3600)
    qtbot.addWidget(other)
    other.files.new_file()
    other.editing.paste()
    model = other.document.model
    assert set(model.nodes) == {"S1", "S2", "G1"}  # the ids were free there
    assert model.nodes["S1"].component == "dev"
    assert model.nodes["S2"].component == "chip"
    assert model.components["chip"].parent == "dev"
    assert model.components["dev"].kind == "device"
    assert "cloud" not in model.components  # only the components the nodes sit in
    assert model.mitigations["M1"].blocks == ("S1",)
    assert model.mitigations["M1"].release is None  # R1 is not a release of that model
    assert model.mitigations["M2"].blocks == ("S2",)  # E2 was not copied
    assert model.graph.has_edge("S2", "G1")
    assert other.document.undo_stack.count() == 1
    other.document.undo_stack.undo()
    assert not model.nodes and not model.components and not model.mitigations
    assert not window.document.undo_stack.count()


def test_paste_into_a_model_with_a_clashing_component_id(qtbot, window, settings):
    window.scene.select(nodes=["S1"])
    window.editing.copy()
    other = MainWindow(settings=settings, autosave_s=3600)
    qtbot.addWidget(other)
    other.files.new_file()
    other.document.model.add_component(
        window.document.model.components["cloud"].replace(id="dev", label="Other")
    )
    other.editing.paste()
    model = other.document.model
    assert model.nodes["S1"].component == "dev-1"
    assert model.components["dev-1"].label == "Device"
    assert model.components["dev"].label == "Other"


def test_duplicate_stays_in_its_component_and_is_blocked_by_the_same_mitigation(window):
    model = window.document.model
    window.scene.select(nodes=["S1"])
    window.editing.duplicate()
    (new,) = window.scene.selected_node_ids()
    assert model.nodes[new].component == "dev"
    assert model.mitigations["M1"].blocks == ("S1", new)
    assert set(model.mitigations) == {"M1", "M2"}
    assert window.document.undo_stack.count() == 1
    window.document.undo_stack.undo()
    assert model.mitigations["M1"].blocks == ("S1",)


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b'{"nodes": "no list"}',
        b'{"nodes": [{"id": "a b", "kind": "entry", "label": "x"}]}',
        b'{"nodes": [{"id": "E1", "kind": "entry", "label": "x"}], '
        b'"edges": [{"source": "E1", "target": "ghost"}]}',
        b"\xff\xfe",
    ],
)
def test_broken_clipboard_content_is_ignored(window, payload):
    mime = QMimeData()
    mime.setData(FRAGMENT_MIME, payload)
    QGuiApplication.clipboard().setMimeData(mime)
    assert read_fragment() is None
    before = model_to_document(window.document.model)
    window.editing.paste()
    assert model_to_document(window.document.model) == before
    assert "Nothing to paste" in window.statusBar().currentMessage()


def test_fragment_is_plain_json_for_other_programs(window):
    window.scene.select(nodes=["E1", "S1"])
    window.editing.copy()
    text = QGuiApplication.clipboard().mimeData().text()
    data = json.loads(text)
    assert data == make_fragment(window.document.model, ["E1", "S1"])
    assert data["edges"] == [{"source": "E1", "target": "S1"}]
