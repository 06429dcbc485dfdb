"""The palette, mitigations and problems docks."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent

from attackgraph.gui.canvas.view import NODE_KIND_MIME
from attackgraph.gui.docks.mitigations import OVERLAY_LAYER
from attackgraph.model import Node


def test_palette_double_click_adds_in_the_middle_of_the_view(window):
    model = window.document.model
    item = window.palette_widget.item(2)
    assert item.data(Qt.ItemDataRole.UserRole) == "goal"
    window.palette_widget.itemActivated.emit(item)
    (new,) = [n for n in model.nodes if n.startswith("G") and n != "G1"]
    centre = window.view.mapToScene(window.view.viewport().rect().center())
    x, y = model.layout[new]
    assert abs(x - centre.x()) < 1 and abs(y - centre.y()) < 1


def test_dropping_a_palette_kind_on_the_canvas_adds_it_there(window):
    model = window.document.model
    mime = QMimeData()
    mime.setData(NODE_KIND_MIME, b"entry")
    point = window.view.mapFromScene(QPointF(0, 500))
    event = QDropEvent(
        QPointF(point),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.view.dropEvent(event)
    assert model.nodes["E3"].kind == "entry"
    assert abs(model.layout["E3"][1] - 500) < 2


def test_mitigations_table_lists_and_follows_the_model(window):
    table = window.mitigations.table_model
    assert table.rowCount() == 2 and table.data(table.index(0, 0)) == "Patch"
    window.document.model.update_mitigation("M1", label="Patch the kernel")
    assert table.data(table.index(0, 0)) == "Patch the kernel"
    window.document.model.rename_mitigation("M1", "kernel-patch")
    assert table.mitigation_id(0) == "kernel-patch"


def test_choosing_a_mitigation_shows_it_and_its_blocked_nodes(window):
    dock = window.mitigations
    dock.table.selectRow(1)
    window.inspector.flush()
    assert window.inspector.target == ("mitigation", "M2")
    overlay = window.scene.overlays[OVERLAY_LAYER]
    assert set(overlay.nodes) == {"E2", "S2"}
    assert window.scene.nodes["S2"].mark.badges[0].text == "blocked"
    dock.show_blocked()
    assert window.scene.selected_node_ids() == ["E2", "S2"]


def test_add_needs_selected_nodes_then_blocks_them(window):
    dock, model = window.mitigations, window.document.model
    messages: list[str] = []
    dock.message.connect(messages.append)
    window.scene.select()
    dock.add()
    assert len(model.mitigations) == 2 and "Select the nodes" in messages[-1]
    window.scene.select(nodes=["S1", "G1"])
    dock.add()
    assert model.mitigations["M3"].blocks == ("S1", "G1")
    assert dock.current_id() == "M3"
    window.inspector.flush()
    assert window.inspector.target == ("mitigation", "M3")


def test_block_and_unblock_selected_nodes(window):
    dock, model = window.mitigations, window.document.model
    dock.choose("M1")
    window.scene.select(nodes=["S2", "G1"])
    dock.block_selection(True)
    assert model.mitigations["M1"].blocks == ("S1", "S2", "G1")
    window.scene.select(nodes=["S1", "S2"])
    dock.block_selection(False)
    assert model.mitigations["M1"].blocks == ("G1",)
    window.scene.select(nodes=["G1"])
    messages: list[str] = []
    dock.message.connect(messages.append)
    window.scene.message.connect(messages.append)
    dock.block_selection(False)  # it would block nothing: the model refuses, with the reason
    assert model.mitigations["M1"].blocks == ("G1",) and "at least 1" in messages[-1]
    window.document.undo_stack.undo()
    window.document.undo_stack.undo()
    assert model.mitigations["M1"].blocks == ("S1",)


def test_remove_mitigation_is_undoable(window):
    dock, model = window.mitigations, window.document.model
    dock.choose("M2")
    dock.remove()
    assert "M2" not in model.mitigations and dock.current_id() is None
    assert OVERLAY_LAYER not in window.scene.overlays
    window.document.undo_stack.undo()
    assert list(model.mitigations) == ["M1", "M2"]


def test_problems_list_is_live_and_selects_the_element(window):
    model = window.document.model
    model.add_node(Node("S7", "step", "Dangling"), position=(0.0, 900.0))
    window.problems.refresh()
    pointers = [p.pointer for p in window.problems.problems]
    assert "/nodes/5" in pointers
    assert "node S7" in window.problems.item(pointers.index("/nodes/5")).text()
    assert "warning" in window.problems_label.text()
    window.editing.select_pointer("/nodes/5")
    assert window.scene.selected_node_ids() == ["S7"]
    window.editing.select_pointer("/mitigations/1")
    assert window.mitigations.current_id() == "M2"
    window.editing.select_pointer("/nonsense")  # never an exception


def test_problems_are_checked_in_the_background_after_an_edit(qtbot, window):
    problems = window.problems
    assert problems.problems == []
    with qtbot.waitSignal(problems._runner.finished, timeout=30_000):
        window.document.model.add_node(Node("S8", "step", "Orphan"), position=(0.0, 900.0))
        problems.refresh_soon()
    assert any(p.pointer == "/nodes/5" for p in problems.problems)
    assert "warning" in window.problems_label.text()


def test_status_bar_shows_validation_of_an_opened_model(window):
    assert window.problems_label.text() == "✓ valid"
