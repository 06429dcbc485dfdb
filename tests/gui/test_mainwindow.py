"""The main window: menus, shortcuts, find, grouping, layout in the
background, settings that persist, themes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QLineEdit

from attackgraph.formats import read_model, write_model
from attackgraph.gui import layout_worker
from attackgraph.gui.canvas import style
from attackgraph.gui.mainwindow import MainWindow
from attackgraph.gui.theme import ThemeManager
from attackgraph.render.backend import dot_available
from attackgraph.render.layout.geometry import frame_rects, rects_overlap

Key = QKeySequence.StandardKey


def test_menus_toolbar_docks_and_status_bar(window):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Analysis", "Help"]
    assert window.actions.menus["analysis"].actions()  # filled further by the workbench
    docks = {d.objectName() for d in window.findChildren(QDockWidget)}
    assert docks == {
        "dock-palette",
        "dock-inspector",
        "dock-mitigations",
        "dock-problems",
        "dock-chains",
        "dock-coverage",
        "dock-library",
    }
    assert window.actions.toolbar.actions()
    assert "5 nodes" in window.counts_label.text()
    assert window.zoom_label.text().endswith("%")


@pytest.mark.parametrize(
    "name,key",
    [
        ("new", Key.New),
        ("open", Key.Open),
        ("save", Key.Save),
        ("save_as", Key.SaveAs),
        ("undo", Key.Undo),
        ("redo", Key.Redo),
        ("cut", Key.Cut),
        ("copy", Key.Copy),
        ("paste", Key.Paste),
        ("delete", Key.Delete),
        ("select_all", Key.SelectAll),
        ("find", Key.Find),
        ("zoom_in", Key.ZoomIn),
        ("zoom_out", Key.ZoomOut),
    ],
)
def test_standard_shortcuts(window, name, key):
    action = getattr(window.actions, name)
    assert QKeySequence(key) in action.shortcuts() or action.shortcut() == QKeySequence(key)


def test_shortcuts_work_from_the_keyboard(qtbot, window):
    model = window.document.model
    window.view.setFocus()
    window.scene.select(nodes=["G1"])
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Delete)
    assert "G1" not in model.nodes
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "G1" in model.nodes
    before = window.view.zoom_level()
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert window.view.zoom_level() > before
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    visible = window.view.visible_scene_rect()
    assert visible.contains(window.view.content_rect())  # fit to window
    qtbot.keyClick(window.view.viewport(), Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.find_bar.edit


def test_find_highlights_matches_and_cycles(qtbot, window):
    bar = window.find_bar
    bar.edit.setText("t1068")  # a technique id, any case
    assert bar.hits == ["S1"]
    assert window.scene.nodes["S1"].mark.accent and window.scene.nodes["E1"].mark.dimmed
    bar.edit.setText("e")  # labels and ids: E1, E2, Exploit, Escalate, ...
    assert len(bar.hits) >= 4
    bar.step(1)
    first = window.scene.selected_node_ids()
    bar.step(1)
    second = window.scene.selected_node_ids()
    bar.step(-1)
    assert first != second and window.scene.selected_node_ids() == first
    assert "of" in bar.count.text()
    qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert bar.edit.text() == "" and not window.scene.nodes["E1"].mark.dimmed
    bar.edit.setText("no such node")
    assert bar.count.text() == "no match"


def test_find_follows_renames(window):
    window.find_bar.edit.setText("kernel")
    assert window.find_bar.hits == []
    window.document.model.update_node("S1", label="Kernel exploit")
    window.find_bar.search_again()
    assert window.find_bar.hits == ["S1"]


def test_group_into_component_is_one_undo_entry(window):
    model, scene = window.document.model, window.scene
    scene.select(nodes=["S1", "S2"])
    window.editing.group_selection()
    (new,) = [c for c in model.components if c not in ("cloud", "dev")]
    assert model.components[new].parent == "dev" and model.components[new].kind == "device"
    assert model.nodes["S1"].component == new and model.nodes["S2"].component == new
    assert scene.frames[new].isVisible() and scene.selected_component_ids() == [new]
    window.inspector.flush()
    assert window.inspector.target == ("component", new)
    assert window.document.undo_stack.count() == 1
    window.document.undo_stack.undo()
    assert new not in model.components and model.nodes["S1"].component == "dev"


def test_geometry_and_docks_persist(qtbot, window, settings):
    window.resize(701, 555)  # within the offscreen screen, which restore clamps to
    window.docks["problems"].hide()
    assert window.close()
    again = MainWindow(settings=settings, autosave_s=3600)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert (again.width(), again.height()) == (701, 555)
    assert not again.docks["problems"].isVisible()
    assert again.docks["inspector"].isVisible()


def test_a_dock_arrangement_of_another_version_is_not_restored(qtbot, window, settings):
    window.docks["problems"].hide()
    assert window.close()
    # what a version with other docks saved (QMainWindow's default version 0)
    older = MainWindow(settings=settings, autosave_s=3600, restore=False)
    qtbot.addWidget(older)
    older.docks["problems"].hide()
    state = older.saveState()
    older.document.undo_stack.setClean()
    older.close()  # (it saves its own arrangement: replaced below)
    settings.setValue("state", state)
    again = MainWindow(settings=settings, autosave_s=3600)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.docks["problems"].toggleViewAction().isChecked()  # the default arrangement


def test_theme_follows_the_system_and_can_be_chosen(qtbot, window, monkeypatch):
    manager = window.theme
    monkeypatch.setattr(ThemeManager, "system_is_dark", lambda self: True)
    window.set_theme("system")
    assert manager.dark and style.current().dark
    assert QApplication.palette().color(QApplication.palette().ColorRole.Window).lightness() < 128
    monkeypatch.setattr(ThemeManager, "system_is_dark", lambda self: False)
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert not manager.dark and not style.current().dark  # followed the switch live
    window.set_theme("dark")
    assert style.current().dark and window.settings.value("theme") == "dark"
    QApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert style.current().dark  # a chosen theme stays
    window.set_theme("light")
    assert not style.current().dark


def test_new_window_and_quit_all(qtbot, window):
    other = window.new_window()
    qtbot.addWidget(other)
    assert other.isVisible() and other.document is not window.document
    window.quit_all()
    assert not other.isVisible() and not window.isVisible()


def test_inspector_fields_take_text_keys_not_the_canvas(qtbot, window):
    window.scene.select(nodes=["S1"])
    window.inspector.flush()
    label = window.inspector.form.editors["label"].edit
    label.setFocus()
    qtbot.keyClick(label, Qt.Key.Key_End)
    qtbot.keyClick(label, Qt.Key.Key_Backspace)
    assert "S1" in window.document.model.nodes  # Backspace edited the text, deleted nothing
    assert isinstance(label, QLineEdit) and label.text() == "Exploi"


@pytest.mark.skipif(not dot_available(), reason="Graphviz dot is not installed")
def test_auto_layout_runs_in_the_background_as_one_undo_entry(qtbot, window):
    model = window.document.model
    before = dict(model.layout)
    with qtbot.waitSignal(window.layout_runner.finished, timeout=60_000):
        window.auto_layout(full=True)
        assert window.layout_runner.busy and window.progress.isVisibleTo(window)
    assert model.layout != before
    assert window.document.undo_stack.undoText() == "Auto layout"
    assert not window.progress.isVisibleTo(window)
    frames = frame_rects(model, model.layout)
    assert not rects_overlap(frames["cloud"], frames["dev"])
    window.document.undo_stack.undo()
    assert model.layout == before


def test_cancelled_layout_is_dropped(qtbot, window, monkeypatch):
    started = []
    original = layout_worker.compute_layout

    def slow(*args, **kwargs):
        started.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(layout_worker, "compute_layout", slow)
    before = dict(window.document.model.layout)
    window.auto_layout(full=True)
    window.layout_runner.cancel()
    assert not window.layout_runner.busy
    window.layout_runner.wait()
    QApplication.processEvents()
    assert window.document.model.layout == before and window.document.undo_stack.count() == 0


def test_a_model_without_positions_is_placed_without_becoming_modified(
    qtbot, window, model, tmp_path, monkeypatch
):
    monkeypatch.setattr("attackgraph.gui.placement.dot_available", lambda: False)
    for nid in list(model.nodes):
        model.set_position(nid, None)
    path = tmp_path / "unplaced.attackgraph.json"
    write_model(model, path)
    assert "layout" not in path.read_text()
    assert window.open_path(str(path))
    placed = window.document.model.layout
    assert set(placed) == set(model.nodes) and not window.document.is_modified
    assert "Graphviz is not installed" in window.notices.notices["graphviz"].label.text()
    assert window.files.save()
    assert set(read_model(path).layout) == set(model.nodes)  # saved in the model's layout


def test_some_unplaced_nodes_fit_around_the_placed_ones(window, model, tmp_path):
    model.set_position("S2", None)
    path = tmp_path / "partly.attackgraph.json"
    write_model(model, path)
    assert window.open_path(str(path))
    layout = window.document.model.layout
    for nid in ("E1", "E2", "S1", "G1"):
        assert layout[nid] == model.layout[nid]  # pinned
    assert "S2" in layout


def test_double_click_on_a_node_opens_it_in_the_inspector(window):
    window.docks["inspector"].hide()
    window.scene.activated.emit("node", "S2")
    window.inspector.flush()
    assert window.docks["inspector"].isVisible() and window.inspector.target == ("node", "S2")


def test_initial_view_is_readable(qtbot, settings):
    from attackgraph.gui.app import flagship_path
    from attackgraph.gui.placement import READABLE_ZOOM

    window = MainWindow(settings=settings, autosave_s=3600, restore=False)
    qtbot.addWidget(window)
    window.resize(1400, 860)
    window.show()
    qtbot.waitExposed(window)
    assert window.open_path(str(flagship_path()))
    window.initial_view()
    assert window.view.zoom_level() >= READABLE_ZOOM - 1e-9
    visible = window.view.visible_scene_rect()
    assert visible.contains(QPointF(window.view.content_rect().topLeft()) + QPointF(30, 30))


def test_refused_edits_say_why_in_the_status_bar(window):
    window.scene.connect_nodes("G1", "E1")
    assert "cannot have incoming edges" in window.statusBar().currentMessage()


def test_hostile_labels_are_shown_not_interpreted(qtbot, window, tmp_path, modal_dialogs):
    from attackgraph.model import Component, Mitigation, Node

    hostile = '<img src="/etc/passwd"><b>bold</b>'
    model = window.document.model
    model.add_component(Component("evil", hostile, "cloud"))
    model.add_node(
        Node("X1", "step", hostile, component="evil", techniques=(hostile,)), position=(0.0, 600.0)
    )
    model.add_mitigation(Mitigation("MX", hostile, ("X1",)))
    model.set_title(hostile)
    window.scene.refresh_frames()
    tooltip = window.scene.nodes["X1"].toolTip()
    assert "<img" not in tooltip and "&lt;img" in tooltip
    assert "<img" not in window.scene.frames["evil"].toolTip()
    table = window.mitigations.table_model
    row = table.row_of("MX")
    assert "<" not in table.data(table.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    window.scene.select(nodes=["X1"])
    window.inspector.flush()
    assert window.inspector.heading.textFormat() == Qt.TextFormat.PlainText
    window.document.replace_model(model, None, modified=True)
    window.files.maybe_save()
    assert any("‹img" in line and "<img" not in line for line in modal_dialogs)


@pytest.mark.skipif(not dot_available(), reason="Graphviz dot is not installed")
def test_unplaced_model_gets_a_quick_layout_then_graphviz(qtbot, settings, model, tmp_path):
    for nid in list(model.nodes):
        model.set_position(nid, None)
    path = tmp_path / "unplaced.attackgraph.json"
    write_model(model, path)
    window = MainWindow(settings=settings, autosave_s=3600)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.layout_runner.finished, timeout=60_000):
        assert window.open_path(str(path))
        quick = dict(window.document.model.layout)
        assert set(quick) == set(model.nodes)  # placed at once, before Graphviz answers
    placed = window.document.model.layout
    assert placed != quick and set(placed) == set(model.nodes)
    assert not window.document.is_modified and window.document.undo_stack.count() == 0
    frames = frame_rects(window.document.model, placed)
    assert not rects_overlap(frames["cloud"], frames["dev"])


@pytest.mark.parametrize("graphviz", [True, False])
def test_a_window_deleted_at_once_leaves_no_callback_behind(
    qtbot, settings, tmp_path, model, graphviz
):
    # Deferred work (the first view, the layout message) must die with its
    # window: a callback into a deleted window prints "Internal C++ object
    # ... already deleted" at teardown (pytest-qt fails the test instead).
    import shiboken6

    settings.setValue("use-graphviz", "true" if graphviz else "false")
    path = tmp_path / "unplaced.attackgraph.json"
    model.set_positions({n: None for n in model.nodes})
    write_model(model, path)
    win = MainWindow(settings=settings, autosave_s=3600)
    assert win.preferences.use_graphviz == graphviz
    assert win.open_path(str(path))
    win.close()
    shiboken6.delete(win)  # gone before the event loop turns
    qtbot.wait(50)
