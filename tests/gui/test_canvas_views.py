"""Views that read at every zoom: imported flows' direction and layout, the
scene's extent after a layout, level-of-detail labels, edge labels that keep
off node text, and PDF pages for exports."""

from __future__ import annotations

import glob
import os
import re

import pytest
from PySide6.QtCore import QPointF, QRectF, QSizeF
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QInputDialog

from attackgraph.formats.native import write_model
from attackgraph.model import AttackModel, Edge, Node
from attackgraph.render.layout import flow_direction
from tests.formats.flows import afb_document, encode

CORPUS = [
    *glob.glob("/work/shared/reference/attack-flow/*.afb"),
    *glob.glob(os.path.join(os.environ.get("ATTACKGRAPH_AFB_CORPUS", "/nonexistent"), "*.afb")),
]


def _window(qtbot, settings, path, use_file_positions=False):
    from attackgraph.gui.mainwindow import MainWindow

    settings.setValue("canvas/use-file-positions", "true" if use_file_positions else "false")
    win = MainWindow(settings=settings, autosave_s=3600)
    qtbot.addWidget(win)
    assert win.open_path(str(path))
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    assert win.layout_runner.wait(30)
    qtbot.wait(60)  # the layout's result and the direction check arrive
    return win


@pytest.fixture
def afb_file(tmp_path):
    path = tmp_path / "fixture.afb"
    path.write_bytes(encode(afb_document()))
    return path


def _edge_directions(model: AttackModel) -> str:
    return flow_direction((e.key for e in model.edges), model.layout)


def test_direction_follows_the_positions():
    chain = [("a", "b"), ("b", "c"), ("c", "d")]
    column = {n: (0.0, i * 300.0) for i, n in enumerate("abcd")}
    row = {n: (i * 300.0, 10.0 * i) for i, n in enumerate("abcd")}
    assert flow_direction(chain, column) == "TB"
    assert flow_direction(chain, row) == "LR"
    assert flow_direction(chain, {"a": (0, 0)}) == "LR"  # unplaced
    assert flow_direction([(b, a) for a, b in chain], column) == "BT"  # a tree, root on top
    # a Builder fan: sideways edges half to the left, half to the right
    fan = {
        "a": (0, 0),
        "b": (-300, 100),
        "c": (300, 100),
        "d": (0, 600),
        "e": (0, 900),
        "f": (0, 1200),
    }
    edges = [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("d", "e"), ("e", "f")]
    assert flow_direction(edges, fan) == "TB"


@pytest.mark.parametrize("direction", ["LR", "TB", "BT"])
def test_edges_leave_and_enter_along_the_direction(direction):
    from attackgraph.gui.canvas.edges import edge_path

    start = QPointF(0, 0)
    end = {"LR": QPointF(300, 40), "TB": QPointF(40, 300), "BT": QPointF(40, -300)}[direction]
    path = edge_path(start, end, 50.0, direction)
    first = path.pointAtPercent(0.02) - start
    last = end - path.pointAtPercent(0.98)
    axis = {"LR": (1, 0), "TB": (0, 1), "BT": (0, -1)}[direction]
    for step in (first, last):  # along the flow's axis at both ends
        assert (
            step.x() * axis[0] + step.y() * axis[1]
            > 2 * abs(step.x() * axis[1] + step.y() * axis[0]) - 0.5
        )


def test_an_imported_top_to_bottom_flow_is_laid_out_left_to_right(qtbot, settings, afb_file):
    win = _window(qtbot, settings, afb_file)
    model = win.document.model
    assert win.placement.file_positions  # kept aside for the View menu
    assert _edge_directions(model) == "LR" and win.scene.direction == "LR"
    assert not win.document.undo_stack.count()  # not an edit of the user's
    for edge in win.scene.edges.values():  # ports on the right and on the left
        assert edge.path().pointAtPercent(0).x() > edge.source.pos().x()


def test_the_files_positions_draw_top_to_bottom_with_ports_following(qtbot, settings, afb_file):
    win = _window(qtbot, settings, afb_file)
    model = win.document.model
    win.placement.file_positions_action.setChecked(True)
    assert settings.value("canvas/use-file-positions") == "true"
    assert dict(model.layout) == win.placement.file_positions
    assert win.scene.direction == "TB"
    for edge in win.scene.edges.values():
        start, end = edge.path().pointAtPercent(0), edge.arrow.polygon().at(0)
        assert start.y() > edge.source.pos().y()  # leaves at the bottom
        assert end.y() < edge.target.pos().y()  # arrives at the top
    assert win.document.undo_stack.count() == 1  # one undo entry
    win.document.undo_stack.undo()
    qtbot.wait(80)
    assert win.scene.direction == "LR"


def test_a_file_opened_with_its_positions_keeps_them(qtbot, settings, afb_file):
    win = _window(qtbot, settings, afb_file, use_file_positions=True)
    assert dict(win.document.model.layout) == win.placement.file_positions
    assert win.scene.direction == "TB"


@pytest.mark.parametrize("path", CORPUS, ids=os.path.basename)
def test_real_builder_flows_run_left_to_right(qtbot, settings, path):
    win = _window(qtbot, settings, path)
    model = win.document.model
    if len(model.edges) and win.placement.file_positions:
        qtbot.waitUntil(lambda: win.scene.direction == "LR", timeout=5000)
        forward = [e for e in win.scene.edges.values() if e.target.pos().x() > e.source.pos().x()]
        assert len(forward) >= 0.9 * len(model.edges)


def test_fit_after_a_layout_uses_the_new_extent(qtbot, window):
    scene, view = window.scene, window.view
    model = window.document.model
    far = {nid: (x * 40 + 30000.0, y * 40) for nid, (x, y) in model.layout.items()}
    before = dict(model.layout)
    model.set_positions(far)
    view.fit_all()
    model.set_positions(before)
    view.fit_all()  # the extent of the drawing now, not the union with the old one
    content = view.content_rect()
    assert scene.sceneRect().width() < content.width() + 4100
    assert view.zoom_level() > 0.2
    visible = view.visible_scene_rect()
    assert visible.contains(content.center())


def _crowded_model(count: int = 60) -> AttackModel:
    model = AttackModel()
    model.add_node(Node("E0", "entry", "Entry point of the crowd"))
    for i in range(1, count):
        kind = "goal" if i == count - 1 else "step"
        model.add_node(Node(f"N{i}", kind, f"Step number {i} of a long chain of steps"))
        model.add_edge(Edge(f"N{i - 1}" if i > 1 else "E0", f"N{i}"))
    model.set_positions({nid: (i * 240.0, (i % 3) * 100.0) for i, nid in enumerate(model.nodes)})
    return model


def test_zoomed_out_labels_are_readable_and_do_not_overlap(qtbot, settings, tmp_path):
    from attackgraph.gui.canvas.labels import SCREEN_PX

    path = tmp_path / "crowd.attackgraph.json"
    write_model(_crowded_model(), path)
    win = _window(qtbot, settings, path)
    view, layer = win.view, win.scene.label_layer
    view.fit_all()
    assert view.zoom_level() < 0.1
    view.viewport().grab()  # paints
    placed = layer.placed()
    assert placed and layer.active
    boxes = [box for box, _, _ in placed]
    for i, a in enumerate(boxes):
        assert a.height() >= SCREEN_PX  # a readable size on screen
        assert not any(a.intersects(b) for b in boxes[i + 1 :])
    assert any(item.node.kind == "goal" for _, _, item in placed)  # goals first
    assert len(placed) < len(win.scene.nodes)  # the rest gave way
    view.set_zoom(1.0)
    view.viewport().grab()
    assert not layer.active  # nodes label themselves


def test_labels_wrap_whole_at_the_flagship_fit_zoom(flagship):
    from attackgraph.gui.canvas import nodes as node_module

    cut = []
    for item in flagship.scene.nodes.values():
        for lod in (0.55, 0.7, 1.0):
            detail = lod >= node_module.DETAIL_LOD
            box = item._text_box(item.body_rect(), detail)
            if detail:
                top, low = node_module.LABEL_PX, max(9.0, node_module.FLOOR_SCREEN_PX / lod)
            else:
                top = node_module._quantised(max(node_module.LABEL_PX, 8.5 / lod))
                low = node_module._quantised(node_module.FLOOR_SCREEN_PX / lod)
            _, lines, _ = item._fit_label(box, top, min(top, low), False, item.node.kind == "goal")
            if not item._whole(lines):
                cut.append((lod, item.node.label))
    # Only labels of 80 characters or an unbreakable identifier may still be cut.
    assert len(cut) <= 0.1 * 3 * len(flagship.scene.nodes), cut
    assert all(len(label) > 60 for _, label in cut), cut


def test_edge_labels_keep_off_node_text(qtbot, window):
    scene = window.scene
    edge = next(iter(window.document.model.edges))
    item = scene.edges[edge.key]
    item.edge = Edge(edge.source, edge.target, label="a label that is long " * 3)
    item.adjust()
    source, target = item.source, item.target
    width = source.geometry.node_width
    target.setPos(source.pos() + QPointF(width + 40, 0))  # a forward curve, a narrow gap
    assert item.label is not None and item.label.room() < 40  # too narrow: not drawn
    target.setPos(source.pos() + QPointF(width + 240, 0))
    assert 200 < item.label.room() < 240  # the gap, less a little air
    assert item.toolTip()
    centre = item.label.centre  # a node standing on the label's spot takes the room
    other = next(n for n in scene.nodes.values() if n not in (source, target))
    other.setPos(centre + QPointF(0, 10))
    assert item.label.room() == 0


def _pdf_pages(data: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return [(float(w), float(h)) for w, h in boxes]


def test_pdf_pages_fit_or_tile():
    from attackgraph.gui.pdf_pages import paged_pdf

    calls: list[QRectF] = []

    def draw(painter: QPainter, target: QRectF, part: QRectF) -> None:
        calls.append(part)
        painter.fillRect(target, QColor("#336699"))

    size = QSizeF(4864, 1835)
    one = _pdf_pages(paged_pdf(size, draw, "drawing"))
    assert one == [(4864.0, 1835.0)]
    a4 = _pdf_pages(paged_pdf(size, draw, "a4"))
    assert len(a4) == 1 and abs(a4[0][0] - 842) < 2 and abs(a4[0][1] - 595) < 2
    letter = _pdf_pages(paged_pdf(size, draw, "letter"))
    assert abs(letter[0][0] - 792) < 2 and abs(letter[0][1] - 612) < 2
    calls.clear()
    tiles = _pdf_pages(paged_pdf(size, draw, "a4-tiles"))
    assert len(tiles) == len(calls) >= 6 and all(abs(w - 842) < 2 for w, _ in tiles)
    covered_right = max(p.right() for p in calls)
    assert covered_right >= 0.999 and min(p.left() for p in calls) == 0
    with pytest.raises(ValueError):
        paged_pdf(size, draw, "a5")


def test_export_dialog_remembers_the_folder_and_the_page(flagship, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from attackgraph.gui.pdf_pages import PAGE_CHOICES

    folder = tmp_path / "exports"
    folder.mkdir()
    starts: list[str] = []

    def save_name(parent, caption, start, filters):
        starts.append(start)
        return str(folder / "canvas.pdf"), "PDF document (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (PAGE_CHOICES["a3"], True))
    exporter = flagship.workbench.exporter
    assert exporter.dialog("canvas")
    pages = _pdf_pages((folder / "canvas.pdf").read_bytes())
    assert len(pages) == 1 and abs(pages[0][0] - 1191) < 2  # A3 landscape
    assert exporter.dialog("canvas")
    assert os.path.dirname(starts[-1]) == str(folder.resolve())
    assert flagship.settings.value("export/pdf-page") == "a3"


def test_diagram_pdf_on_a4(flagship, tmp_path):
    from attackgraph.gui.analysis.compute import ModelSnapshot
    from attackgraph.gui.exports import export_files

    session = flagship.workbench.session
    out = str(tmp_path / "d.pdf")
    files = export_files(ModelSnapshot.of(session.model), session.state, "diagram", out, page="a4")
    pages = _pdf_pages(files[out])
    assert len(pages) == 1 and abs(pages[0][0] - 842) < 2


def test_a_canvas_pdf_fitted_to_a_page_keeps_every_label(flagship, monkeypatch):
    from attackgraph.gui.canvas.nodes import NodeItem
    from attackgraph.gui.exports import canvas_bytes

    drawn: list[str] = []
    original = NodeItem._paint_text

    def counting(self, painter, rect, theme, lod):
        drawn.append(self.node.id)
        return original(self, painter, rect, theme, lod)

    monkeypatch.setattr(NodeItem, "_paint_text", counting)
    scene = flagship.scene
    pdf = canvas_bytes(scene, "pdf", page="a4")
    assert len(_pdf_pages(pdf)) == 1
    assert set(drawn) == set(scene.nodes)  # at about 15 % on the page, still drawn
    from attackgraph.gui.canvas import style

    assert not style._FULL_DETAIL[0]


def test_model_export_starts_in_the_last_export_folder(window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    folder = tmp_path / "elsewhere"
    folder.mkdir()
    starts: list[str] = []

    def save_name(parent, caption, start, filters):
        starts.append(start)
        return str(folder / "model.graphml"), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_name)
    assert window.files.export_dialog()
    assert (folder / "model.graphml").exists()
    assert window.files.export_dialog()
    assert os.path.dirname(starts[-1]) == str(folder.resolve())
