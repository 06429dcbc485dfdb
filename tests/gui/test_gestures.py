"""Canvas gestures driven through the real window's view at several zooms:
each leaves exactly one new undo entry (or none), and undo restores the
exact prior model."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication

from attackgraph.formats.native import model_to_document
from attackgraph.gui.canvas.tools import CONNECT_HIT_PX
from attackgraph.gui.canvas.view import NODE_KIND_MIME
from tests.gui.conftest import click, drag, send_mouse

ZOOMS = [0.25, 0.55, 1.0, 2.0]


def _at_zoom(window, zoom: float, centre: QPointF) -> None:
    window.view.set_zoom(zoom)
    window.view.centerOn(centre)
    QApplication.processEvents()


def _state(window):
    return model_to_document(window.document.model), window.document.undo_stack.count()


def _one_entry_and_undo(window, before) -> None:
    """The gesture left exactly one undo entry; undo restores the model."""
    model_before, count = before
    stack = window.document.undo_stack
    assert stack.count() == count + 1, [stack.text(i) for i in range(stack.count())]
    assert model_to_document(window.document.model) != model_before
    stack.undo()
    assert model_to_document(window.document.model) == model_before
    stack.redo()
    stack.undo()
    assert model_to_document(window.document.model) == model_before


def _screen_offset(window, scene_point: QPointF, dx: float, dy: float) -> QPointF:
    """A scene point ``dx, dy`` screen pixels away from ``scene_point``."""
    screen = window.view.mapFromScene(scene_point)
    return window.view.mapToScene(QPoint(round(screen.x() + dx), round(screen.y() + dy)))


@pytest.mark.parametrize("zoom", ZOOMS)
def test_connect_from_the_handle_with_imperfect_aim(window, zoom):
    scene = window.scene
    _at_zoom(window, zoom, QPointF(250, 50))
    source, target = scene.nodes["E1"], scene.nodes["S2"]
    assert source.out_edges  # E1 -> S1 already leaves where the handle is
    # Pressed off the drawn handle (but within the hit area in screen pixels),
    # released on the target's corner, far from its centre.
    start = _screen_offset(window, source.connect_point(), CONNECT_HIT_PX - 4, 5)
    _left, _top, right, bottom = target.scene_box()
    end = QPointF(right - 6, bottom - 6)
    before = _state(window)
    drag(window.view, start, end)
    assert window.document.model.graph.has_edge("E1", "S2")
    _one_entry_and_undo(window, before)


@pytest.mark.parametrize("zoom", ZOOMS)
def test_connect_released_just_outside_the_target(window, zoom):
    scene = window.scene
    _at_zoom(window, zoom, QPointF(250, 50))
    start = scene.nodes["E1"].connect_point()
    left, top, _right, _bottom = scene.nodes["S2"].scene_box()
    end = _screen_offset(window, QPointF(left, top), -4, -4)
    before = _state(window)
    drag(window.view, start, end)
    assert window.document.model.graph.has_edge("E1", "S2")
    _one_entry_and_undo(window, before)


@pytest.mark.parametrize("zoom", ZOOMS)
def test_shift_drag_from_anywhere_on_a_node_connects(window, zoom):
    scene = window.scene
    _at_zoom(window, zoom, QPointF(250, 50))
    source = scene.nodes["E1"]
    left, top, _right, _bottom = source.scene_box()
    start = QPointF(left + 20, top + 15)  # far from the handle
    before = _state(window)
    drag(window.view, start, scene.nodes["S2"].pos(), modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert window.document.model.graph.has_edge("E1", "S2")
    assert source.pos() == QPointF(0.0, 0.0)  # not moved
    _one_entry_and_undo(window, before)


def test_shift_click_still_toggles_the_selection(window):
    scene = window.scene
    _at_zoom(window, 1.0, QPointF(250, 50))
    click(window.view, scene.nodes["E1"].pos())
    click(window.view, scene.nodes["S1"].pos(), modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert scene.selected_node_ids() == ["E1", "S1"]
    click(window.view, scene.nodes["E1"].pos(), modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert scene.selected_node_ids() == ["S1"]
    assert window.document.undo_stack.count() == 0


@pytest.mark.parametrize("zoom", ZOOMS)
def test_move_a_node_is_one_entry(window, zoom):
    scene = window.scene
    _at_zoom(window, zoom, QPointF(250, 100))
    node = scene.nodes["S1"]
    left, top, _right, _bottom = node.scene_box()
    start = QPointF(left + 25, top + 20)
    before = _state(window)
    drag(window.view, start, _screen_offset(window, start, 30, 25))
    assert window.document.model.layout["S1"] != (250.0, 100.0)
    _one_entry_and_undo(window, before)
    assert node.pos() == QPointF(250.0, 100.0)


def test_a_small_missed_press_move_is_undoable_and_undo_skips_nothing(window):
    scene, stack = window.scene, window.document.undo_stack
    _at_zoom(window, 0.55, QPointF(250, 100))
    window.inspector.flush()
    assert scene.execute(
        __import__("attackgraph.gui.commands", fromlist=["UpdateCommand"]).UpdateCommand(
            window.document.model, "node", "S1", {"label": "Changed"}
        )
    )
    before = _state(window)
    start = scene.nodes["G1"].pos()
    drag(window.view, start, _screen_offset(window, start, 4, 3), steps=2)
    _one_entry_and_undo(window, before)
    assert window.document.model.nodes["S1"].label == "Changed"  # the earlier edit stays
    assert stack.count() == 2


@pytest.mark.parametrize("zoom", ZOOMS)
def test_rubber_band_selects_without_an_entry(window, zoom):
    scene = window.scene
    _at_zoom(window, zoom, QPointF(125, 100))
    before = _state(window)
    scene.refresh_frames()
    frame = scene.frames["cloud"].frame_rect()
    _l, _t, right, bottom = scene.nodes["S1"].scene_box()
    start = _screen_offset(window, QPointF(frame.left(), scene.nodes["E1"].pos().y()), -12, 0)
    end = _screen_offset(window, QPointF(right, bottom), 8, 4)
    assert scene.press_action(start)[0] == "select"
    drag(window.view, start, end)
    assert set(scene.selected_node_ids()) >= {"E1", "S1"}
    assert _state(window) == before


@pytest.mark.parametrize("zoom", ZOOMS)
def test_frame_drag_moves_the_component_in_one_entry(window, zoom):
    scene = window.scene
    scene.refresh_frames()
    frame = scene.frames["cloud"]
    band = frame.header_rect()
    _at_zoom(window, zoom, band.center())
    start = QPointF(band.left() + 6, band.center().y())
    assert scene.press_action(start)[0] in ("frame", "connect")
    start = QPointF(band.center().x() - 10, band.center().y())
    before = _state(window)
    drag(window.view, start, _screen_offset(window, start, -30, -20))
    assert window.document.model.layout["E1"] != (0.0, 0.0)
    _one_entry_and_undo(window, before)


@pytest.mark.parametrize("zoom", ZOOMS)
def test_palette_drop_adds_one_node(window, zoom):
    _at_zoom(window, zoom, QPointF(400, 400))
    viewport = window.view.viewport()
    point = window.view.mapFromScene(QPointF(400, 420))
    mime = QMimeData()
    mime.setData(NODE_KIND_MIME, b"goal")
    before = _state(window)
    enter = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(
        viewport,
        QDropEvent(
            QPointF(point),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    added = set(window.document.model.nodes) - {"E1", "E2", "S1", "S2", "G1"}
    assert len(added) == 1
    x, y = window.document.model.layout[added.pop()]
    assert abs(x - 400) < 3 / zoom and abs(y - 420) < 3 / zoom
    _one_entry_and_undo(window, before)


@pytest.mark.parametrize("zoom", [0.1, 0.55, 1.0, 4.0])
def test_hover_shows_what_a_press_does(window, zoom):
    scene = window.scene
    _at_zoom(window, zoom, QPointF(250, 100))
    viewport = window.view.viewport()
    node = scene.nodes["S1"]
    handle = window.view.mapFromScene(node.connect_point())
    send_mouse(
        viewport, QMouseEvent.Type.MouseMove, handle + QPoint(4, 4), buttons=Qt.MouseButton.NoButton
    )
    assert viewport.cursor().shape() == Qt.CursorShape.CrossCursor
    assert node.handle_hot
    left, top, _r, _b = node.scene_box()
    body = window.view.mapFromScene(QPointF(left + 8, top + 8))
    send_mouse(viewport, QMouseEvent.Type.MouseMove, body, buttons=Qt.MouseButton.NoButton)
    assert viewport.cursor().shape() == Qt.CursorShape.SizeAllCursor
    assert not node.handle_hot
    send_mouse(
        viewport,
        QMouseEvent.Type.MouseMove,
        body,
        buttons=Qt.MouseButton.NoButton,
        modifiers=Qt.KeyboardModifier.ShiftModifier,
    )
    assert viewport.cursor().shape() == Qt.CursorShape.CrossCursor


def test_escape_cancels_a_connection(window):
    scene = window.scene
    _at_zoom(window, 1.0, QPointF(250, 50))
    viewport = window.view.viewport()
    start = window.view.mapFromScene(scene.nodes["E1"].connect_point())
    send_mouse(viewport, QMouseEvent.Type.MouseButtonPress, start)
    send_mouse(
        viewport,
        QMouseEvent.Type.MouseMove,
        start + QPoint(60, 40),
        buttons=Qt.MouseButton.LeftButton,
    )
    window.view.setFocus()
    from PySide6.QtTest import QTest

    QTest.keyClick(viewport, Qt.Key.Key_Escape)
    end = window.view.mapFromScene(scene.nodes["S2"].pos())
    send_mouse(viewport, QMouseEvent.Type.MouseButtonRelease, end)
    assert not window.document.model.graph.has_edge("E1", "S2")
    assert window.document.undo_stack.count() == 0


def test_palette_press_and_move_starts_a_drag(window, monkeypatch):
    palette = window.palette_widget
    started = []
    monkeypatch.setattr(
        palette,
        "startDrag",
        lambda actions: started.append(palette.currentItem().data(Qt.ItemDataRole.UserRole)),
    )
    rect = palette.visualItemRect(palette.item(2))
    viewport = palette.viewport()
    send_mouse(viewport, QMouseEvent.Type.MouseButtonPress, rect.center())
    for step in range(1, 5):
        send_mouse(
            viewport,
            QMouseEvent.Type.MouseMove,
            rect.center() + QPoint(6 * step, 0),
            buttons=Qt.MouseButton.LeftButton,
        )
    send_mouse(viewport, QMouseEvent.Type.MouseButtonRelease, rect.center() + QPoint(24, 0))
    assert started == ["goal"]


def test_undo_walks_back_through_every_gesture_one_at_a_time(window):
    """A session of gestures, then undo: each step restores exactly the model
    before the matching gesture (none skipped), and redo replays them all."""
    scene, stack = window.scene, window.document.undo_stack
    _at_zoom(window, 0.55, QPointF(375, 100))
    states = [model_to_document(window.document.model)]

    def record():
        assert stack.count() == len(states), [stack.text(i) for i in range(stack.count())]
        states.append(model_to_document(window.document.model))

    drag(window.view, scene.nodes["E1"].connect_point(), scene.nodes["S2"].pos())
    record()
    start = scene.nodes["G1"].pos() + QPointF(-30, 0)
    drag(window.view, start, _screen_offset(window, start, 20, 30))
    record()
    scene.refresh_frames()
    band = scene.frames["dev"].header_rect()
    drag(window.view, band.center(), _screen_offset(window, band.center(), 10, 25))
    record()
    window.canvas_menu.connect_many(["E2"], "G1")
    record()
    scene.select(nodes=["S1"])
    scene.delete_selection()
    record()
    window.canvas_menu.add_node("goal", QPointF(900, 300))
    record()
    for expected in reversed(states[:-1]):
        stack.undo()
        assert model_to_document(window.document.model) == expected
    for expected in states[1:]:
        stack.redo()
        assert model_to_document(window.document.model) == expected


@pytest.mark.parametrize("zoom", [0.1, 4.0])
def test_connect_at_the_zoom_limits(window, zoom):
    scene = window.scene
    # A step just right of E1, so both show at 400 %.
    target_id = scene.add_node_at("step", QPointF(220, 0))
    _at_zoom(window, zoom, QPointF(120, 0))
    source, target = scene.nodes["E1"], scene.nodes[target_id]
    start = _screen_offset(window, source.connect_point(), 3, 3)
    left, _top, _right, bottom = target.scene_box()
    before = _state(window)
    drag(window.view, start, QPointF(left + 12, bottom - 12))
    assert window.document.model.graph.has_edge("E1", target_id)
    _one_entry_and_undo(window, before)


def test_lit_handle_and_target_ring_show_in_a_large_models_overview(qtbot):
    """Zoomed out on a large model the overview draws plain nodes; a node
    whose handle is lit, or that a connection would land on, is drawn by
    itself so the feedback shows."""
    from attackgraph.gui.canvas.batch import BATCH_MIN_NODES
    from attackgraph.gui.canvas.scene import CanvasScene
    from attackgraph.gui.canvas.tools import ConnectTool
    from attackgraph.gui.canvas.view import CanvasView
    from attackgraph.gui.document import Document
    from attackgraph.model import AttackModel, Node

    model = AttackModel("large")
    for i in range(BATCH_MIN_NODES):
        model.add_node(
            Node(f"S{i}", "step", f"Step {i}"), position=(220.0 * (i % 30), 120.0 * (i // 30))
        )
    scene = CanvasScene(Document(model))
    view = CanvasView(scene)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    view.set_zoom(0.1)
    assert scene.node_batch.active
    node, other = scene.nodes["S0"], scene.nodes["S1"]
    assert node.batched()
    scene.hover_at(node.connect_point(), Qt.KeyboardModifier.NoModifier)
    assert node.handle_hot and not node.batched()
    tool = ConnectTool(scene, node)
    tool.move(other.pos())
    assert other.drop_hot and not other.batched()
    tool.cancel()
    assert not other.drop_hot and other.batched()
