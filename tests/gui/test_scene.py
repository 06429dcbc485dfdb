"""The canvas follows the model; gestures become single undo entries."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QPointF, Qt

from attackgraph.formats.native import model_to_document
from attackgraph.gui.canvas.overlay import Badge, EdgeMark, NodeMark, Overlay
from attackgraph.gui.canvas.scene import CanvasScene
from attackgraph.gui.canvas.view import CanvasView
from attackgraph.gui.document import Document
from attackgraph.model import Component, Edge, Node
from attackgraph.render.layout.geometry import frame_rects, rects_overlap
from tests.gui.conftest import click, drag


def _scene(model):
    document = Document(model)
    return document, CanvasScene(document)


def _view(qtbot, model):
    document, scene = _scene(model)
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(1.0)
    view.centerOn(QPointF(375, 100))
    return document, scene, view


def test_items_for_every_object(qtbot, model):
    _, scene = _scene(model)
    assert set(scene.nodes) == set(model.nodes)
    assert set(scene.edges) == {e.key for e in model.edges}
    assert set(scene.frames) == set(model.components)
    assert scene.nodes["S1"].pos() == QPointF(250.0, 100.0)


def test_frames_are_the_hull_of_their_members(qtbot, model):
    _, scene = _scene(model)
    expected = frame_rects(model, model.layout, scene.geometry)
    for cid, frame in scene.frames.items():
        rect = frame.frame_rect()
        assert (rect.left(), rect.top(), rect.right(), rect.bottom()) == expected[cid]


def test_view_follows_model_changes(qtbot, model):
    _, scene = _scene(model)
    model.add_node(Node("S9", "step", "Later", component="cloud"), position=(10.0, 400.0))
    model.add_edge(Edge("S9", "G1"))
    assert "S9" in scene.nodes and ("S9", "G1") in scene.edges
    scene.refresh_frames()
    assert scene.frames["cloud"].frame_rect().contains(QPointF(10.0, 400.0))
    model.set_position("S9", (40.0, 50.0))
    assert scene.nodes["S9"].pos() == QPointF(40.0, 50.0)
    model.update_node("S9", label="Renamed label", component="dev")
    assert scene.nodes["S9"].node.label == "Renamed label"
    assert scene.nodes["S9"].color == scene._colors["dev"]
    model.remove_node("S9")
    assert "S9" not in scene.nodes and ("S9", "G1") not in scene.edges
    model.rename_node("S1", "S1b")
    assert "S1b" in scene.nodes and ("E1", "S1b") in scene.edges
    assert scene.edges[("E1", "S1b")].edge.target == "S1b"
    model.update_edge("E1", "S1b", label="creds")
    assert scene.edges[("E1", "S1b")].edge.label == "creds"
    model.add_component(Component("net", "Network", "network"))
    assert "net" in scene.frames and not scene.frames["net"].isVisible()  # holds nothing
    model.remove_component("dev")
    assert "dev" not in scene.frames and scene.nodes["S2"].node.component is None


def test_rename_keeps_items_instead_of_rebuilding(qtbot, model):
    _, scene = _scene(model)
    item = scene.nodes["S1"]
    edge = scene.edges[("S1", "S2")]
    model.rename_node("S1", "exploit")
    assert scene.nodes["exploit"] is item
    assert scene.edges[("exploit", "S2")] is edge


def test_delete_selection_is_one_undo_entry_and_restores_exactly(qtbot, model):
    document, scene = _scene(model)
    before = model_to_document(model)
    scene.select(nodes=["S1", "S2", "E2"], edges=[("E1", "S1")])
    scene.delete_selection()
    assert not {"S1", "S2", "E2"} & set(model.nodes)
    assert "M2" not in model.mitigations  # it blocked only deleted nodes
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert model_to_document(model) == before  # edges, mitigations, positions, order
    assert set(scene.edges) == {e.key for e in model.edges}
    assert scene.nodes["S2"].pos() == QPointF(500.0, 100.0)
    document.undo_stack.redo()
    assert "S1" not in scene.nodes


def test_deleting_a_component_frame_moves_its_nodes_out(qtbot, model):
    document, scene = _scene(model)
    scene.select(components=["dev"])
    scene.delete_selection()
    assert "dev" not in model.components and model.nodes["S1"].component is None
    document.undo_stack.undo()
    assert model.nodes["S1"].component == "dev" and "dev" in scene.frames


def test_refused_delete_says_why(qtbot, model):
    _, scene = _scene(model)
    messages: list[str] = []
    scene.message.connect(messages.append)
    scene.select(nodes=["S1", "E2"])  # S2 is AND-fed by exactly these two
    scene.delete_selection()
    assert "S1" in model.nodes and "AND" in messages[-1]


def test_drag_of_many_nodes_is_one_undo_entry(qtbot, model):
    document, scene, view = _view(qtbot, model)
    scene.select(nodes=["S1", "S2"])
    drag(view, QPointF(250, 110), QPointF(280, 140))
    assert model.layout["S1"] == (280.0, 130.0)
    assert model.layout["S2"] == (530.0, 130.0)
    assert document.undo_stack.count() == 1
    document.undo_stack.undo()
    assert model.layout["S1"] == (250.0, 100.0)
    assert scene.nodes["S1"].pos() == QPointF(250.0, 100.0)


def test_dropping_a_node_into_a_frame_assigns_its_component(qtbot, model):
    document, scene, view = _view(qtbot, model)
    target = scene.frames["cloud"].frame_rect().center()
    click(view, QPointF(750, 100))
    drag(view, QPointF(750, 100), target + QPointF(0, 5))
    assert model.nodes["G1"].component == "cloud"
    assert document.undo_stack.count() == 1  # the move and the component: one entry
    document.undo_stack.undo()
    assert model.nodes["G1"].component is None
    assert model.layout["G1"] == (750.0, 100.0)


def test_connect_by_dragging_from_the_handle(qtbot, model):
    document, scene, view = _view(qtbot, model)
    handle = scene.nodes["E1"].connect_point()
    drag(view, handle, QPointF(750, 100))
    assert model.graph.has_edge("E1", "G1")
    assert document.undo_stack.count() == 1


def test_connecting_into_an_entry_is_refused_with_reason(qtbot, model):
    _, scene, view = _view(qtbot, model)
    messages: list[str] = []
    scene.message.connect(messages.append)
    drag(view, scene.nodes["S1"].connect_point(), QPointF(0, 200))
    assert not model.graph.has_edge("S1", "E2")
    assert "entry" in messages[-1].lower()
    assert not scene.connect_nodes("S1", "S1")
    assert "self-loop" in messages[-1]


def test_double_click_adds_a_step_in_the_frame_under_it(qtbot, model):
    document, scene, view = _view(qtbot, model)
    where = scene.frames["dev"].frame_rect().bottomRight() - QPointF(60, 20)
    click(view, where, double=True)
    new = [n for n in model.nodes if n not in ("E1", "E2", "S1", "S2", "G1")]
    assert len(new) == 1 and model.nodes[new[0]].component == "dev"
    assert scene.selected_node_ids() == new
    document.undo_stack.undo()
    assert new[0] not in model.nodes


def test_click_shift_click_and_rubber_band_select(qtbot, model):
    _, scene, view = _view(qtbot, model)
    click(view, QPointF(250, 110))
    assert scene.selected_node_ids() == ["S1"]
    click(view, QPointF(500, 110), modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert scene.selected_node_ids() == ["S1", "S2"]
    click(view, QPointF(500, 110), modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert scene.selected_node_ids() == ["S1"]
    click(view, QPointF(380, 420))  # empty canvas
    assert scene.selected_node_ids() == []
    drag(view, QPointF(-120, -70), QPointF(120, 260))  # around E1 and E2
    assert scene.selected_node_ids() == ["E1", "E2"]
    drag(view, QPointF(680, 40), QPointF(830, 160), modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert scene.selected_node_ids() == ["E1", "E2", "G1"]


def test_dragging_a_frame_title_moves_its_nodes(qtbot, model):
    document, scene, view = _view(qtbot, model)
    header = scene.frames["dev"].header_rect().center()
    drag(view, header, header + QPointF(0, 60))
    for nid in ("E2", "S1", "S2"):
        assert model.layout[nid][1] == {"E2": 200.0, "S1": 100.0, "S2": 100.0}[nid] + 60
    assert model.layout["E1"] == (0.0, 0.0)
    assert document.undo_stack.count() == 1
    assert scene.selected_component_ids() == ["dev"]


def test_arrow_keys_nudge_and_merge(qtbot, model):
    document, scene, view = _view(qtbot, model)
    scene.select(nodes=["S1"])
    view.setFocus()
    for _ in range(3):
        qtbot.keyClick(view.viewport(), Qt.Key.Key_Right)
    assert model.layout["S1"] == (286.0, 100.0)
    assert document.undo_stack.count() == 1


def test_overlay_layers_combine_and_clear(qtbot, model):
    _, scene = _scene(model)
    scene.set_overlay(
        "a",
        Overlay(
            nodes={"S1": NodeMark(accent="#ff0000", badges=(Badge("M1"),))},
            edges={("E1", "S1"): EdgeMark(accent="#ff0000")},
            dim_others=True,
        ),
    )
    assert scene.nodes["S1"].mark.accent == "#ff0000"
    assert scene.nodes["S2"].mark.dimmed and scene.edges[("S1", "S2")].mark.dimmed
    scene.set_overlay("b", Overlay(nodes={"S1": NodeMark(badges=(Badge("M2"),))}))
    assert [b.text for b in scene.nodes["S1"].mark.badges] == ["M1", "M2"]
    model.add_node(Node("S9", "step", "Later"), position=(0.0, 600.0))
    assert scene.nodes["S9"].mark.dimmed  # new items get the current marks
    scene.set_overlay("a", None)
    scene.set_overlay("b", None)
    assert not scene.nodes["S2"].mark.dimmed and not scene.nodes["S1"].mark.badges


def test_edit_on_a_node_touches_only_its_items(qtbot, model):
    _, scene = _scene(model)
    for i in range(200):
        model.add_node(
            Node(f"X{i}", "step", f"Filler {i}", component="cloud"),
            position=(float(i % 20) * 200, 800.0 + (i // 20) * 100),
        )
    scene.refresh_frames()
    repainted: list[str] = []
    for nid, item in scene.nodes.items():
        item.update = lambda *a, nid=nid: repainted.append(nid)  # type: ignore[method-assign]
    model.update_node("S1", label="Exploit again")
    assert repainted == ["S1"]


def test_frames_from_the_scene_never_overlap_after_a_layout(qtbot, model):
    from attackgraph.render.layout import compute_layout

    model.add_component(Component("kern", "Kernel", "device", parent="dev"))
    model.update_node("S2", component="kern")
    model.set_positions(compute_layout(model, full=True, prefer_dot=False).positions)
    _, scene = _scene(model)
    frames = {c: f.frame_rect() for c, f in scene.frames.items() if f.isVisible()}
    for a, b in itertools.combinations(frames, 2):
        nested = model.components[b].parent == a or model.components[a].parent == b
        ra, rb = frames[a], frames[b]
        if nested:
            outer, inner = (ra, rb) if model.components[b].parent == a else (rb, ra)
            assert outer.contains(inner)
        else:
            assert not rects_overlap(
                (ra.left(), ra.top(), ra.right(), ra.bottom()),
                (rb.left(), rb.top(), rb.right(), rb.bottom()),
            )


def test_wheel_zooms_and_shift_wheel_scrolls(qtbot, model):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    _, _, view = _view(qtbot, model)

    def wheel(delta, modifiers=Qt.KeyboardModifier.NoModifier):
        centre = QPointF(view.viewport().rect().center())
        event = QWheelEvent(
            centre,
            QPointF(view.viewport().mapToGlobal(centre.toPoint())),
            QPoint(),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            modifiers,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(view.viewport(), event)

    wheel(240)
    assert view.zoom_level() > 1.4
    wheel(-480)
    assert view.zoom_level() < 1.0
    bar = view.horizontalScrollBar()
    before = bar.value()
    wheel(-120, Qt.KeyboardModifier.ShiftModifier)
    assert bar.value() > before


def test_middle_button_and_space_drag_pan(qtbot, model):
    _, scene, view = _view(qtbot, model)
    bars = view.horizontalScrollBar(), view.verticalScrollBar()
    before = [b.value() for b in bars]
    drag(view, QPointF(375, 300), QPointF(275, 250), button=Qt.MouseButton.MiddleButton)
    middle = [b.value() for b in bars]
    assert middle[0] > before[0] and middle[1] > before[1]
    assert model.layout["S1"] == (250.0, 100.0)  # panning moves nothing
    qtbot.keyPress(view, Qt.Key.Key_Space)
    drag(view, QPointF(250, 100), QPointF(150, 100))  # over a node: still a pan
    qtbot.keyRelease(view, Qt.Key.Key_Space)
    assert bars[0].value() > middle[0]
    assert model.layout["S1"] == (250.0, 100.0) and not scene.selected_node_ids()


def test_clicking_an_edge_selects_it_and_delete_removes_it(qtbot, model):
    document, scene, view = _view(qtbot, model)
    edge = scene.edges[("S2", "G1")]
    middle = edge.path().pointAtPercent(0.5)
    click(view, middle)
    assert scene.selected_edge_keys() == [("S2", "G1")] and edge.selected
    click(view, QPointF(380, 420))
    assert scene.selected_edge_keys() == [] and not edge.selected
    click(view, middle)
    scene.delete_selection()
    assert not model.graph.has_edge("S2", "G1")
    document.undo_stack.undo()
    assert ("S2", "G1") in scene.edges
