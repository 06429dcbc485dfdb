"""Files: open, save, save as, revert, recent, drop, the unsaved prompt, the
failure cases (unreadable, invalid, read-only folder, full disk) and files
changed on disk by another program."""

from __future__ import annotations

import errno
import json
import os

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from attackgraph.formats import FORMATS, read_model, write_model
from attackgraph.formats.native import model_to_document
from attackgraph.gui.document import Document
from attackgraph.gui.files import export_filters, open_filters, save_filters
from attackgraph.gui.mainwindow import MainWindow
from tests.gui.conftest import drop_file


@pytest.fixture
def errors(window, monkeypatch):
    shown: list[tuple[str, str, list]] = []
    monkeypatch.setattr(
        window.files,
        "show_error",
        lambda title, exc, name=None: shown.append(
            (title, str(exc), [p.message for p in getattr(exc, "problems", [])])
        ),
    )
    return shown


def _edit(window):
    window.scene.add_node_at("step", QPointF(1200, 800))


def test_open_sets_title_and_path(window, tmp_path):
    assert window.document.path == str(tmp_path / "small.attackgraph.json")
    assert window.windowTitle() == "small.attackgraph.json[*] — attackgraph"
    assert not window.isWindowModified()


def test_edit_marks_modified_and_save_clears_it_keeping_a_backup(window, tmp_path):
    _edit(window)
    assert window.document.is_modified and window.isWindowModified()
    assert window.files.save()
    assert not window.document.is_modified and not window.isWindowModified()
    assert "S3" in read_model(tmp_path / "small.attackgraph.json").nodes
    backup = read_model(tmp_path / "small.attackgraph.json~")
    assert "S3" not in backup.nodes  # the previous version is kept
    window.document.undo_stack.undo()
    assert window.document.is_modified  # undoing past the save is a change again


def test_save_as_asks_for_a_name_and_adds_the_suffix(window, tmp_path, monkeypatch):
    target = tmp_path / "copy"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), save_filters().split(";;")[1])
    )
    assert window.files.save_as()
    assert window.document.path == str(tmp_path / "copy.attackgraph.yaml")
    assert read_model(window.document.path).title == "small"
    assert window.files.recent_files()[0] == window.document.path


def test_new_document_without_a_path_saves_through_save_as(window, monkeypatch, tmp_path):
    window.files.new_file()
    assert window.document.path is None and window.document.model.nodes == {}
    asked: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (asked.append(a[2]) or "", "")
    )
    assert not window.files.save()  # the user cancelled the dialog
    assert asked and asked[0].endswith("untitled-model.attackgraph.json")


def test_invalid_file_keeps_the_current_model_and_reports_every_problem(window, tmp_path, errors):
    bad = tmp_path / "bad.attackgraph.json"
    bad.write_text(
        '{"format": "attackgraph", "version": 1, "title": "x", '
        '"nodes": [{"id": "a b", "kind": "entry"}]}'
    )
    before = model_to_document(window.document.model)
    assert not window.files.open_path(str(bad))
    title, _text, problems = errors[0]
    assert "cannot be opened" in title and len(problems) >= 2  # every problem, located
    assert model_to_document(window.document.model) == before
    assert window.document.path.endswith("small.attackgraph.json")


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage", b"[1, 2"])
def test_unreadable_files_are_reported(window, tmp_path, errors, content):
    bad = tmp_path / "broken.attackgraph.json"
    bad.write_bytes(content)
    assert not window.files.open_path(str(bad))
    assert errors and errors[0][2]


def test_missing_file_is_reported(window, tmp_path, errors):
    assert not window.files.open_path(str(tmp_path / "nowhere.attackgraph.json"))
    assert "no such file" in " ".join(errors[0][2])


def test_save_into_readonly_folder_fails_and_keeps_changes(window, tmp_path, errors):
    if os.geteuid() == 0:
        target = "/proc/attackgraph-cannot-write-here.attackgraph.json"  # even root cannot
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        target = str(folder / "m.attackgraph.json")
    _edit(window)
    assert not window.files.save_to(target)
    assert errors and "cannot write" in errors[0][1]
    assert window.document.is_modified
    assert window.document.path.endswith("small.attackgraph.json")


def test_full_disk_fails_cleanly_and_the_old_file_survives(window, tmp_path, errors, monkeypatch):
    path = tmp_path / "small.attackgraph.json"
    before = path.read_bytes()
    _edit(window)

    def no_space(fd):  # a full disk shows when the data is flushed to it
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", no_space)
        assert not window.files.save()
    assert "No space left on device" in errors[0][1]
    assert path.read_bytes() == before  # atomic: the old version is intact
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
    assert window.document.is_modified


def test_saving_under_a_foreign_format_is_refused(window, tmp_path, errors):
    assert not window.files.save_to(str(tmp_path / "model.txt.json.csv"))
    assert errors


def test_revert_drops_changes_after_asking(window):
    _edit(window)
    window.files.revert()  # the conftest answers "Discard"
    assert "S3" not in window.document.model.nodes and not window.document.is_modified


def test_close_with_unsaved_changes_asks(window, monkeypatch):
    _edit(window)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert not window.close()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Save)
    assert window.close()
    assert "S3" in read_model(window.document.path).nodes


def test_opening_another_file_asks_first(window, tmp_path, monkeypatch, model):
    other = tmp_path / "other.attackgraph.json"
    write_model(model, other)
    _edit(window)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert not window.files.open_path(str(other))
    assert "S3" in window.document.model.nodes


def test_recent_files_menu(window, tmp_path, model):
    for name in ("a", "b"):
        path = tmp_path / f"{name}.attackgraph.json"
        write_model(model, path)
        window.files.open_path(str(path))
    recent = window.files.recent_files()
    assert recent[:3] == [
        str(tmp_path / n)
        for n in ("b.attackgraph.json", "a.attackgraph.json", "small.attackgraph.json")
    ]
    actions = [a for a in window.files.recent_menu.actions() if a.text().startswith("&")]
    assert len(actions) == 3 and "b.attackgraph.json" in actions[0].text()
    actions[2].trigger()
    assert window.document.path.endswith("small.attackgraph.json")


def test_recent_files_persist_in_settings(qtbot, window, settings):
    path = window.document.path
    again = MainWindow(settings=settings, autosave_s=3600)
    qtbot.addWidget(again)
    assert again.files.recent_files()[0] == path


def test_dropping_a_file_on_the_window_opens_it(window, tmp_path, model):
    model.set_title("dropped")
    path = tmp_path / "dropped.attackgraph.yaml"
    write_model(model, path)
    # Dropped on the canvas: the canvas takes only palette drags, so the window opens it.
    assert drop_file(window.view.viewport(), path)
    assert window.document.model.title == "dropped"
    assert window.document.path == str(path)


def test_file_changed_on_disk_reloads_when_unmodified(window, tmp_path):
    path = tmp_path / "small.attackgraph.json"
    data = json.loads(path.read_text())
    data["title"] = "changed elsewhere"
    path.write_text(json.dumps(data))
    assert window.document.changed_on_disk()
    window.files.check_disk()
    assert window.document.model.title == "changed elsewhere"
    assert "reloaded" in window.notices.notices["disk"].label.text()


def test_file_changed_on_disk_with_local_edits_asks_and_keeps_them(window, tmp_path):
    path = tmp_path / "small.attackgraph.json"
    _edit(window)
    data = json.loads(path.read_text())
    data["title"] = "changed elsewhere"
    path.write_text(json.dumps(data))
    window.files.check_disk()
    assert "S3" in window.document.model.nodes  # the user's work stays
    notice = window.notices.notices["disk"]
    assert "unsaved changes" in notice.label.text()
    window.files.check_disk()  # said once, not on every activation
    assert window.notices.notices["disk"] is notice
    notice.buttons["Reload from Disk"].click()
    assert window.document.model.title == "changed elsewhere"


def test_file_removed_on_disk_is_noticed(window, tmp_path):
    os.remove(tmp_path / "small.attackgraph.json")
    window.files.check_disk()
    assert "removed or renamed" in window.notices.notices["disk"].label.text()
    assert window.files.save()
    assert (tmp_path / "small.attackgraph.json").exists()


def test_own_saves_are_not_reported_as_changes(window):
    _edit(window)
    window.files.save()
    assert not window.document.changed_on_disk()
    window.files.check_disk()
    assert "disk" not in window.notices.notices


def test_filters_come_from_the_format_registry(monkeypatch):
    from attackgraph.formats.registry import ModelFormat

    extra = ModelFormat(
        "demo",
        "Demo interchange",
        (".demo.json",),
        check=FORMATS[0].check,
        generate=FORMATS[0].generate,
    )
    monkeypatch.setattr("attackgraph.gui.files.FORMATS", [*FORMATS, extra])
    assert "Demo interchange (*.demo.json)" in open_filters()
    assert "*.demo.json" in open_filters().split(";;")[0]
    assert "Demo interchange" in export_filters()
    assert "Demo" not in save_filters()


def test_a_model_in_another_format_is_imported_not_overwritten(
    window, tmp_path, monkeypatch, model
):
    from attackgraph.formats.native import check_bytes, generate_json
    from attackgraph.formats.registry import ModelFormat

    extra = ModelFormat(
        "demo",
        "Demo interchange",
        (".demo",),
        check=lambda raw: check_bytes(raw, "json"),
        generate=generate_json,
    )
    monkeypatch.setattr("attackgraph.formats.registry.FORMATS", [*FORMATS, extra])
    monkeypatch.setattr(
        "attackgraph.gui.document.format_for_path",
        lambda p, name=None: extra if str(p).endswith(".demo") else None,
    )
    path = tmp_path / "model.demo"
    path.write_text(generate_json(model))
    assert window.files.open_path(str(path))
    assert window.document.path is None and window.document.imported_from == str(path)
    assert window.windowTitle().startswith("model.demo (imported)")


def test_export_writes_without_changing_the_document(window, tmp_path):
    target = tmp_path / "exported.attackgraph.yaml"
    window.document.export(str(target))
    assert read_model(target).title == "small"
    assert window.document.path.endswith("small.attackgraph.json")


def test_document_without_path_needs_save_as(qtbot, model):
    from attackgraph.errors import FormatError

    with pytest.raises(FormatError):
        Document(model).save()


def test_errors_show_a_dialog_with_located_messages(window, tmp_path, modal_dialogs):
    bad = tmp_path / "bad.attackgraph.json"
    bad.write_text('{"format": "attackgraph", "version": 1, "title": "x", "nodes": [{}]}')
    window.files.open_path(str(bad))
    assert any("cannot be opened" in line for line in modal_dialogs)
    boxes = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and "bad.attackgraph.json" in w.text()
    ]
    assert boxes and "/nodes/0" in boxes[-1].detailedText()
    for box in boxes:
        box.close()
