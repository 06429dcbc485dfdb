"""Context menus and keyboard editing on the canvas."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QContextMenuEvent, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from attackgraph.formats.native import model_to_document
from attackgraph.gui.editing import default_component_kind
from attackgraph.gui.inspector.fields import LineEditor
from tests.gui.conftest import click, send_mouse


def _texts(menu) -> list[str]:
    return [a.text().replace("&", "").split("\t")[0] for a in menu.actions() if not a.isSeparator()]


def _trigger(menu, text: str, submenu: str | None = None) -> None:
    if submenu is not None:
        menu = next(a.menu() for a in menu.actions() if a.text() == submenu)
    action = next(a for a in menu.actions() if a.text().replace("&", "").split("\t")[0] == text)
    action.trigger()


def test_node_menu_selects_the_node_and_offers_the_usual_actions(window):
    menu = window.canvas_menu.menu_at(window.scene.nodes["S1"].pos())
    assert window.scene.selected_node_ids() == ["S1"]
    texts = _texts(menu)
    for wanted in (
        "Connect from Here (click the target)",
        "Rename…",
        "AND: Needs All Its Enablers",
        "Kind",
        "Put in Component",
        "Group into Component",
        "Cut",
        "Copy",
        "Duplicate",
        "Delete",
    ):
        assert wanted in texts


def test_node_menu_gate_and_component_are_one_entry_each(window):
    model, stack = window.document.model, window.document.undo_stack
    before = model_to_document(model)
    _trigger(
        window.canvas_menu.menu_at(window.scene.nodes["S1"].pos()), "AND: Needs All Its Enablers"
    )
    assert model.nodes["S1"].gate == "and"
    _trigger(
        window.canvas_menu.menu_at(window.scene.nodes["S1"].pos()),
        "Cloud (cloud)",
        submenu="Put in Component",
    )
    assert model.nodes["S1"].component == "cloud"
    assert stack.count() == 2
    stack.undo()
    stack.undo()
    assert model_to_document(model) == before


def test_connect_selected_to_this_node(window):
    scene, model = window.scene, window.document.model
    scene.select(nodes=["E1"])
    menu = window.canvas_menu.menu_at(scene.nodes["G1"].pos())  # G1 not selected: replaces
    assert "Connect Selected to G1" not in _texts(menu)
    scene.select(nodes=["E1", "G1"])
    menu = window.canvas_menu.menu_at(scene.nodes["G1"].pos())
    _trigger(menu, "Connect Selected to G1")
    assert model.graph.has_edge("E1", "G1")
    assert window.document.undo_stack.count() == 1


def test_edge_menu_reverses_and_deletes(window):
    scene, model = window.scene, window.document.model
    edge = scene.edges[("S2", "G1")]
    middle = edge.path().pointAtPercent(0.5)
    menu = window.canvas_menu.menu_at(middle)
    assert scene.selected_edge_keys() == [("S2", "G1")]
    assert {"Edit Label…", "Reverse Direction", "Delete"} <= set(_texts(menu))
    _trigger(menu, "Delete")
    assert not model.graph.has_edge("S2", "G1")


def test_frame_menu_changes_kind_and_adds_inside(window):
    scene, model = window.scene, window.document.model
    scene.refresh_frames()
    frame = scene.frames["dev"]
    band = frame.header_rect().center()
    menu = window.canvas_menu.menu_at(band)
    assert scene.selected_component_ids() == ["dev"]
    _trigger(menu, "network", submenu="Kind")
    assert model.components["dev"].kind == "network"
    menu = window.canvas_menu.menu_at(scene.frames["dev"].header_rect().center())
    _trigger(menu, "Add Goal Inside")
    (new,) = scene.selected_node_ids()
    assert model.nodes[new].kind == "goal" and model.nodes[new].component == "dev"


def test_canvas_menu_adds_a_node_where_clicked(window):
    model = window.document.model
    menu = window.canvas_menu.menu_at(QPointF(300, 600))
    assert {
        "Add Entry Here",
        "Add Step Here",
        "Add Goal Here",
        "Paste",
        "Select All",
        "Auto Layout",
        "Fit to Window",
    } <= set(_texts(menu))
    _trigger(menu, "Add Entry Here")
    (new,) = window.scene.selected_node_ids()
    assert model.layout[new] == (300.0, 600.0) and model.nodes[new].kind == "entry"


def test_right_click_opens_the_menu(window, monkeypatch):
    shown = []
    monkeypatch.setattr(window.canvas_menu, "popup", lambda menu, where: shown.append(menu))
    view = window.view
    point = view.mapFromScene(window.scene.nodes["G1"].pos())
    QTest.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=point)
    if not shown:  # platforms that send the context menu event on release only
        QApplication.sendEvent(
            view.viewport(),
            QContextMenuEvent(
                QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point)
            ),
        )
    assert shown and "Rename…" in _texts(shown[-1])
    assert window.scene.selected_node_ids() == ["G1"]


@pytest.mark.parametrize(
    ("key", "kind"), [(Qt.Key.Key_E, "entry"), (Qt.Key.Key_S, "step"), (Qt.Key.Key_G, "goal")]
)
def test_keys_add_a_node(window, key, kind):
    window.view.setFocus()
    QApplication.processEvents()
    before = set(window.document.model.nodes)
    QTest.keyClick(window.view, key)
    added = set(window.document.model.nodes) - before
    assert len(added) == 1 and window.document.model.nodes[added.pop()].kind == kind
    assert window.document.undo_stack.count() == 1


def test_a_letter_typed_in_the_inspector_adds_nothing(window):
    window.scene.select(nodes=["S1"])
    window.inspector.flush()
    editor = window.inspector.form.editors["label"]
    editor.edit.setFocus()
    QApplication.processEvents()
    before = set(window.document.model.nodes)
    QTest.keyClicks(editor.edit, "esg")
    assert set(window.document.model.nodes) == before
    assert "esg" in editor.edit.text()


def test_keyboard_connect_in_selection_order(window):
    scene, model, view = window.scene, window.document.model, window.view
    view.setFocus()
    click(view, scene.nodes["G1"].pos() + QPointF(-40, 0))
    click(view, scene.nodes["E1"].pos() + QPointF(-40, 0))  # replaces: E1 only
    click(
        view, scene.nodes["S2"].pos() + QPointF(-40, 0), modifiers=Qt.KeyboardModifier.ShiftModifier
    )
    assert scene.selection_in_order() == ["E1", "S2"]
    assert not model.graph.has_edge("E1", "S2")
    QTest.keyClick(view, Qt.Key.Key_C)
    assert model.graph.has_edge("E1", "S2")
    assert window.document.undo_stack.count() == 1


def test_canvas_keys_do_not_reach_other_windows(window, qtbot):
    """A plain letter sent to another widget while the canvas had the focus
    does nothing on the canvas (the view handles its keys, not shortcuts)."""
    from PySide6.QtWidgets import QLineEdit

    window.view.setFocus()
    other = QLineEdit()
    qtbot.addWidget(other)
    QTest.keyClick(other, Qt.Key.Key_S)
    assert other.text() == "s"
    assert window.document.undo_stack.count() == 0


def test_keyboard_connect_needs_two_nodes(window):
    window.scene.select(nodes=["E1"])
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_C)
    assert "select the enabling node" in window.statusBar().currentMessage()
    assert window.document.undo_stack.count() == 0


def test_connect_from_here_then_click_the_target(window):
    scene, model, view = window.scene, window.document.model, window.view
    scene.begin_connect("E1")
    viewport = view.viewport()
    target = view.mapFromScene(scene.nodes["S2"].pos() + QPointF(50, 20))
    send_mouse(viewport, QMouseEvent.Type.MouseMove, target, buttons=Qt.MouseButton.NoButton)
    assert scene.nodes["S2"].drop_hot
    send_mouse(viewport, QMouseEvent.Type.MouseButtonPress, target)
    send_mouse(viewport, QMouseEvent.Type.MouseButtonRelease, target)
    assert model.graph.has_edge("E1", "S2")
    assert window.document.undo_stack.count() == 1
    assert model.layout["S2"] == (500.0, 100.0)  # the click did not move it


def test_f2_focuses_the_label(window):
    window.scene.select(nodes=["G1"])
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_F2)
    editor = window.inspector.form.editors["label"]
    assert isinstance(editor, LineEditor)
    assert QApplication.focusWidget() is editor.edit
    assert editor.edit.selectedText() == "Root"


def test_enter_in_a_component_label_keeps_it_selected(window):
    scene = window.scene
    scene.select(components=["dev"])
    window.inspector.flush()
    editor = window.inspector.form.editors["label"]
    editor.edit.setFocus()
    editor.edit.setText("Device board")
    QTest.keyClick(editor.edit, Qt.Key.Key_Return)
    QApplication.processEvents()
    window.inspector.flush()
    assert window.document.model.components["dev"].label == "Device board"
    assert scene.selected_component_ids() == ["dev"]
    assert window.inspector.target == ("component", "dev")


def test_delete_the_only_blocked_node_of_a_mitigation_says_so(window):
    model = window.document.model
    before = model_to_document(model)
    window.scene.select(nodes=["S1"])  # M1 blocks only S1
    window.scene.delete_selection()
    assert "M1" not in model.mitigations
    message = window.statusBar().currentMessage()
    assert "mitigation M1" in message and "Undo" in message
    assert window.document.undo_stack.count() == 1
    assert "M1" in window.document.undo_stack.text(0)
    window.document.undo_stack.undo()
    assert model_to_document(model) == before


def test_default_component_kind(model):
    assert default_component_kind(model, parent="dev") == "device"
    assert default_component_kind(model, node_ids=["E1"]) == "cloud"
    assert default_component_kind(model, node_ids=["E1", "S1"]) in ("cloud", "device")
    model.add_component(model.components["dev"].replace(id="d2", label="Other device"))
    assert default_component_kind(model, node_ids=["G1"]) == "device"  # most common
    empty = type(model)("empty")
    assert default_component_kind(empty) == "other"


def test_group_names_the_new_component_right_away(window):
    window.scene.select(nodes=["E1"])
    window.editing.group_selection()
    window.inspector.flush()
    (comp,) = window.scene.selected_component_ids()
    assert window.document.model.components[comp].kind == "cloud"
    editor = window.inspector.form.editors["label"]
    assert QApplication.focusWidget() is editor.edit


def test_edit_menu_lists_the_canvas_keys(window):
    # The edit menu lists the keyboard connect and rename actions.
    texts = _texts(window.actions.menus["edit"])
    assert "Connect Selected Nodes" in texts and "Rename…" in texts
    assert window.canvas_menu.connect_selected.text().endswith("\tC")
