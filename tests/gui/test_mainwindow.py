"""The main window: files, title, find, clipboard, autosave and recovery."""

from __future__ import annotations

import json
import os

import pytest
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMessageBox

from attackgraph.formats import read_model, write_model
from attackgraph.formats.native import model_to_document
from attackgraph.gui.autosave import find_recoveries
from attackgraph.gui.document import Document
from attackgraph.gui.mainwindow import MainWindow


@pytest.fixture
def window(qtbot, model, settings, tmp_path):
    path = tmp_path / "small.attackgraph.json"
    write_model(model, path)
    win = MainWindow(settings=settings, autosave_s=3600)
    qtbot.addWidget(win)
    assert win.open_path(str(path))
    return win


def test_open_sets_title_and_path(window, tmp_path):
    assert window.document.path == str(tmp_path / "small.attackgraph.json")
    assert window.windowTitle().startswith("small.attackgraph.json")
    assert "*" not in window.windowTitle()


def test_edit_marks_modified_and_save_clears_it(window, tmp_path):
    window.scene.add_node_at("goal", window.scene.frames["cloud"].frame_rect().center())
    assert window.document.is_modified
    assert "*" in window.windowTitle()
    assert window.save()
    assert not window.document.is_modified
    saved = read_model(tmp_path / "small.attackgraph.json")
    assert "G2" in saved.nodes
    assert (tmp_path / "small.attackgraph.json~").exists()  # previous version kept


def test_invalid_file_keeps_current_model_and_reports(window, tmp_path, monkeypatch):
    bad = tmp_path / "bad.attackgraph.json"
    bad.write_text('{"format": "attackgraph", "version": 1, "title": "x", "nodes": [{}]}')
    shown: list[str] = []
    monkeypatch.setattr(window, "_show_error", lambda title, exc: shown.append(str(exc)))
    before = model_to_document(window.document.model)
    assert not window.open_path(str(bad))
    assert shown and "cannot be opened" in shown[0]
    assert model_to_document(window.document.model) == before


def test_save_into_readonly_folder_fails_and_keeps_changes(window, tmp_path, monkeypatch):
    if os.geteuid() == 0:
        target = "/proc/attackgraph-cannot-write-here.json"  # unwritable even for root
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        target = str(folder / "m.attackgraph.json")
    errors: list[str] = []
    monkeypatch.setattr(window, "_show_error", lambda title, exc: errors.append(str(exc)))
    window.scene.add_node_at("step", window.view.mapToScene(0, 0))
    assert not window._save_to(target)
    assert errors and "cannot write" in errors[0]
    assert window.document.is_modified


def test_find_cycles_through_matches(window):
    window.find_edit.setText("e")  # Phish? no: "Exploit", "Escalate", ids E1, E2 ...
    hits = window.find_matches("e")
    assert len(hits) >= 3
    window.find_next()
    first = window.scene.selected_node_ids()
    window.find_next()
    second = window.scene.selected_node_ids()
    assert first != second and len(first) == len(second) == 1
    assert window.find_matches("T1068") == []


def test_copy_paste_roundtrip_gives_fresh_ids(window):
    scene = window.scene
    for nid in ("S1", "S2"):
        scene.nodes[nid].setSelected(True)
    window.copy()
    assert QGuiApplication.clipboard().mimeData().hasFormat(
        "application/x-attackgraph-fragment")
    window.paste()
    model = window.document.model
    new_ids = scene.selected_node_ids()
    assert len(new_ids) == 2 and not {"S1", "S2"} & set(new_ids)
    assert model.graph.has_edge(new_ids[0], new_ids[1])
    # S2 was AND-fed by S1 and E2; only S1 came along, which still enables it.
    assert model.nodes[new_ids[1]].gate == "and"
    window.document.undo_stack.undo()
    assert not set(new_ids) & set(model.nodes)


def test_duplicate_single_node_loses_its_and_gate_without_enablers(window):
    window.scene.nodes["S2"].setSelected(True)
    window.duplicate()
    (new_id,) = window.scene.selected_node_ids()
    assert window.document.model.nodes[new_id].gate is None


def test_standard_shortcuts(window):
    assert window.act_undo.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert window.act_save.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert window.act_find.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)
    assert window.act_delete.shortcut() == QKeySequence(QKeySequence.StandardKey.Delete)


def test_autosave_writes_recovery_and_clean_save_removes_it(window, tmp_path):
    window.scene.add_node_at("step", window.view.mapToScene(0, 0))
    assert window.autosaver.save_now()
    recovery = window.autosaver.path
    assert json.loads(recovery.read_text())["nodes"][-1]["id"] == "S3"
    assert window.save()
    assert not recovery.exists()


def test_recovery_after_simulated_crash(window, tmp_path):
    window.scene.add_node_at("step", window.view.mapToScene(0, 0))
    assert window.autosaver.save_now()
    meta = window.autosaver.path.with_suffix(".meta")
    data = json.loads(meta.read_text())
    data["pid"] = 2**22 + 12345  # a process that does not exist: the editor "crashed"
    meta.write_text(json.dumps(data))
    found = find_recoveries(window.autosaver.folder)
    assert [r.path for r in found] == [window.autosaver.path]
    assert found[0].original == window.document.path
    recovered = read_model(found[0].path)
    assert "S3" in recovered.nodes


def test_close_with_unsaved_changes_asks(window, monkeypatch):
    window.scene.add_node_at("step", window.view.mapToScene(0, 0))
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert not window.close()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Discard)
    assert window.close()


def test_problems_dock_lists_warnings_and_selects(window, qtbot):
    model = window.document.model
    from attackgraph.model import Node

    model.add_node(Node("S7", "step", "Dangling"))
    window.problems.refresh()
    pointers = [p.pointer for p in window.problems.problems]
    assert "/nodes/5" in pointers
    window.select_pointer("/nodes/5")
    assert window.scene.selected_node_ids() == ["S7"]


def test_document_without_path_needs_save_as(qtbot, model):
    document = Document(model)
    from attackgraph.errors import FormatError

    with pytest.raises(FormatError):
        document.save()
