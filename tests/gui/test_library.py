"""The Library dock and its controller, without a main window: search,
insert as one undo step (undo restores the exact model), update of an
outdated instance, messages."""

from __future__ import annotations

import copy
import json

from attackgraph.formats.native import document_to_model, model_to_document
from attackgraph.fragments import FRAGMENT_KEY, instances, load_library
from attackgraph.gui.docks.library import FRAGMENT_MIME, LibraryDock
from attackgraph.gui.document import Document
from attackgraph.gui.library import LibraryController

HOST = {
    "format": "attackgraph",
    "version": 1,
    "title": "host",
    "components": [{"id": "dev", "label": "Device", "kind": "device"}],
    "nodes": [
        {"id": "E1", "kind": "entry", "label": "Internet"},
        {"id": "S1", "kind": "step", "label": "App", "component": "dev"},
        {"id": "G1", "kind": "goal", "label": "Data", "component": "dev"},
    ],
    "edges": [{"source": "E1", "target": "S1"}, {"source": "S1", "target": "G1"}],
    "layout": {"E1": [0, 0], "S1": [200, 0], "G1": [400, 0]},
}


def _controller(qtbot, folders=None, selected=None):
    document = Document(document_to_model(copy.deepcopy(HOST)))
    dock = LibraryDock()
    qtbot.addWidget(dock)
    messages: list[str] = []
    controller = LibraryController(
        document,
        dock,
        selected_component=lambda: selected,
        view_center=lambda: (600.0, 300.0),
        message=messages.append,
        folders=folders,
    )
    return document, dock, controller, messages


def test_dock_lists_and_searches_the_starter_library(qtbot):
    _, dock, _, _ = _controller(qtbot)
    assert len(dock.shown()) >= 12
    dock.search.setText("jtag")
    assert dock.shown() == ["library:debug-ports"]
    assert "service-port" in dock.details.text()
    dock.search.setText("no such thing anywhere")
    assert dock.shown() == [] and not dock.insert_button.isEnabled()


def test_insert_is_one_undo_step_and_undo_restores_the_model(qtbot):
    document, dock, _kept, messages = _controller(qtbot, selected="dev")
    before = model_to_document(document.model)
    dock.search.setText("kernel")
    with qtbot.waitSignal(dock.insertRequested):
        dock.insert_button.click()
    assert document.undo_stack.count() == 1
    after = model_to_document(document.model)
    [instance] = instances(after)
    assert instance.id == "linux-kernel" and instance.source == "library:linux-kernel"
    comp = next(c for c in after["components"] if c["id"] == "linux")
    assert comp["parent"] == "dev"
    assert min(after["layout"][n][0] for n in ("app-code-exec", "kernel-root")) >= 600
    assert "Inserted Linux kernel into dev" in messages[-1]
    document.undo_stack.undo()
    assert model_to_document(document.model) == before
    document.undo_stack.redo()
    assert model_to_document(document.model) == after


def test_update_of_an_outdated_instance(qtbot, tmp_path):
    import yaml

    from attackgraph.bundled import resource_path

    folder = tmp_path / "lib"
    folder.mkdir()
    source = yaml.safe_load(resource_path("library", "debug-ports.fragment.yaml").read_text())
    (folder / "ports.fragment.json").write_text(json.dumps(source))
    document, dock, controller, messages = _controller(qtbot, folders=[str(folder)])
    # the user library's copy wins by source path when it has one
    local = [s for s in dock.shown() if s.endswith("ports.fragment.json")]
    assert controller.insert(local[0])
    assert dock.outdated.count() == 0
    newer = copy.deepcopy(source)
    newer[FRAGMENT_KEY]["version"] = "1.1"
    newer["nodes"][1]["label"] = "UART root shell"
    (folder / "ports.fragment.json").write_text(json.dumps(newer))
    controller.library = load_library([str(folder)])
    controller.refresh_outdated()
    assert dock.outdated.count() == 1
    before = model_to_document(document.model)
    dock.outdated.setCurrentRow(0)
    with qtbot.waitSignal(dock.updateRequested):
        dock.update_button.click()
    labels = {n["id"]: n["label"] for n in model_to_document(document.model)["nodes"]}
    assert labels["uart-shell"] == "UART root shell"
    assert "Updated debug-ports to 1.1" in messages[-1]
    controller.refresh_outdated()
    assert dock.outdated.count() == 0
    document.undo_stack.undo()
    assert model_to_document(document.model) == before


def test_refused_insert_says_why(qtbot):
    document, _, controller, messages = _controller(qtbot, selected="nowhere")
    assert not controller.insert("library:linux-kernel")
    assert "not a component" in messages[-1]
    assert document.undo_stack.count() == 0


def test_drag_carries_the_source(qtbot):
    _, dock, _, _ = _controller(qtbot)
    dock.search.setText("kernel")
    assert dock.current_source() == "library:linux-kernel"
    assert FRAGMENT_MIME.startswith("application/")


def test_a_fragment_dropped_into_a_frame_lands_in_that_component(window):
    from PySide6.QtCore import QMimeData, Qt
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    from attackgraph.gui.canvas.view import FRAGMENT_MIME as VIEW_MIME

    assert VIEW_MIME == FRAGMENT_MIME
    scene, view = window.scene, window.view
    comp = next(iter(window.document.model.components))
    inside = scene.frames[comp].frame_rect().center()
    data = QMimeData()
    data.setData(FRAGMENT_MIME, b"library:linux-kernel")
    point = view.mapFromScene(inside)
    enter = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(view.viewport(), enter)
    assert enter.isAccepted()
    QApplication.sendEvent(
        view.viewport(),
        QDropEvent(
            point.toPointF(),
            Qt.DropAction.CopyAction,
            data,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    model = window.document.model
    assert "linux" in model.components, window.statusBar().currentMessage()
    assert model.components["linux"].parent == comp
    assert window.document.undo_stack.count() == 1
    assert "Inserted Linux kernel" in window.statusBar().currentMessage()


def test_an_inserted_fragment_overlaps_nothing_it_does_not_go_into(qtbot):
    from attackgraph.render.layout.geometry import (
        DEFAULT_GEOMETRY,
        frame_rects,
        rects_overlap,
    )

    document, _, controller, _ = _controller(qtbot)
    old_nodes = set(document.model.nodes)
    old_frames = frame_rects(document.model, document.model.layout)
    # dropped right on top of the host's nodes
    assert controller.insert("library:debug-ports", at=(200.0, 0.0), use_selection=False)
    model = document.model
    new_boxes = [
        DEFAULT_GEOMETRY.node_rect(model.layout[n]) for n in model.nodes if n not in old_nodes
    ]
    for box in new_boxes:
        assert not any(
            rects_overlap(box, DEFAULT_GEOMETRY.node_rect(model.layout[n])) for n in old_nodes
        )
        assert not any(rects_overlap(box, frame) for frame in old_frames.values())
