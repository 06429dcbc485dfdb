"""Models of other tools in the editor: every interchange format opens through
Open, Import and drag-and-drop; the reader's warnings reach the Problems dock
and errors a dialog with located messages; an imported file is never
overwritten in its own format."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from attackgraph.formats import FORMATS, check_file, read_model, write_model
from attackgraph.formats.graphml import generate_graphml
from attackgraph.gui.document import Document, is_native
from attackgraph.gui.files import import_filters, open_filters
from attackgraph.render.diagram import embed_model
from tests.formats.flows import afb_document, condition_flow, encode, operator_flow
from tests.gui.conftest import drop_file

DECIDUOUS = textwrap.dedent("""\
    title: Bucket tree
    facts:
    - public_bucket: Bucket is public
      from:
      - bucket_search
    attacks:
    - bucket_search: Search for public buckets
      from:
      - reality
    mitigations:
    - private_bucket: Private bucket
      from:
      - bucket_search
    goals:
    - data: Read the recordings
      from:
      - public_bucket
    """)


def _stix(tmp_path: Path, model) -> tuple[Path, str]:
    path = tmp_path / "flow.stix.json"
    path.write_bytes(encode(operator_flow()))
    return path, "Domain admin"


def _stix_named_json(tmp_path: Path, model) -> tuple[Path, str]:
    path = tmp_path / "flow.json"  # a plain name: the content decides
    path.write_bytes(encode(operator_flow()))
    return path, "Domain admin"


def _afb(tmp_path: Path, model) -> tuple[Path, str]:
    path = tmp_path / "drawn.afb"
    path.write_bytes(encode(afb_document()))
    return path, "Own the domain"


def _deciduous(tmp_path: Path, model) -> tuple[Path, str]:
    path = tmp_path / "tree.deciduous.yaml"
    path.write_text(DECIDUOUS, encoding="utf-8")
    return path, "Read the recordings"


def _graphml(tmp_path: Path, model) -> tuple[Path, str]:
    path = tmp_path / "graph.graphml"
    path.write_text(generate_graphml(model), encoding="utf-8")
    return path, "Root"


def _svg(tmp_path: Path, model) -> tuple[Path, str]:
    path = tmp_path / "diagram.svg"
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>\n'
    path.write_bytes(embed_model(svg, model))
    return path, "Root"


FIXTURES = {
    "stix": _stix,
    "stix-named-json": _stix_named_json,
    "afb": _afb,
    "deciduous": _deciduous,
    "graphml": _graphml,
    "svg": _svg,
}
READ_BY = {
    "stix": "stix",
    "stix-named-json": "stix",
    "afb": "afb",
    "deciduous": "deciduous",
    "graphml": "graphml",
    "svg": "svg",
}


def _labels(window) -> set[str]:
    return {node.label for node in window.document.model.nodes.values()}


@pytest.mark.parametrize("how", ["open", "import", "drop"])
@pytest.mark.parametrize("kind", list(FIXTURES))
def test_every_interchange_format_opens_and_is_imported(
    window, tmp_path, model, monkeypatch, kind, how
):
    path, label = FIXTURES[kind](tmp_path, model)
    asked: list[str] = []

    def choose(parent, caption, folder, filters, *args, **kwargs):
        asked.append(filters)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    if how == "open":
        window.files.open_dialog()
        assert asked == [open_filters()]
    elif how == "import":
        window.actions.import_model.trigger()
        assert asked == [import_filters()]
    else:
        assert drop_file(window.view.viewport(), path)
    document = window.document
    assert label in _labels(window)
    assert document.source_format == READ_BY[kind]
    assert document.path is None and document.imported_from == str(path)
    assert window.windowTitle().startswith(f"{path.name} (imported)")
    assert "Imported" in window.statusBar().currentMessage()
    notice = window.notices.notices["imported"]
    assert path.name in notice.label.text() and "original file stays" in notice.label.text()
    assert not document.is_modified
    assert len(window.scene.nodes) == len(document.model.nodes)


def test_file_menu_has_open_and_import(window):
    texts = [a.text() for a in window.actions.menus["file"].actions()]
    assert texts.index("&Open…") < texts.index("&Import…")
    assert window.actions.import_model.shortcut().toString() == "Ctrl+I"


def test_import_filters_put_other_tools_first_and_cover_every_reader():
    parts = import_filters().split(";;")
    assert parts[0].startswith("Models of other tools (")
    for fmt in FORMATS:
        if fmt.check is not None:
            assert any(suffix in import_filters() for suffix in fmt.suffixes), fmt.name
    stix = next(p for p in parts if p.startswith("MITRE Attack Flow (STIX"))
    assert "*.stix.json" in stix and "*.json" in stix.replace("*.stix.json", "")
    assert parts[-1] == "All files (*)"


def test_a_stix_bundle_named_json_is_never_overwritten_as_native(
    window, tmp_path, model, monkeypatch
):
    path, _ = _stix_named_json(tmp_path, model)
    original = path.read_bytes()
    assert window.files.open_path(str(path))
    window.scene.add_node_at("step", QPointF(900, 600))
    assert window.document.is_modified
    chosen: list[str] = []
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda parent, caption, start, *a, **k: (chosen.append(start) or "", ""),
    )
    assert not window.files.save()  # Save asks for a new name (cancelled here)
    assert chosen == [str(tmp_path / "flow.attackgraph.json")]
    assert path.read_bytes() == original
    with pytest.raises(Exception, match="no file name"):
        window.document.save()
    target = tmp_path / "flow.attackgraph.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    assert window.files.save()
    assert path.read_bytes() == original  # the bundle stays a bundle
    assert check_file(target).format == "json" and window.document.path == str(target)
    assert not window.document.is_modified
    assert "imported" not in window.notices.notices


def test_native_files_are_saved_back_where_they_came_from(window, tmp_path, model):
    for name in ("m.attackgraph.json", "m.attackgraph.yaml", "m.json", "m.yml"):
        path = tmp_path / name
        write_model(model, path)
        assert window.files.open_path(str(path))
        assert window.document.path == str(path) and window.document.imported_from is None
        assert window.document.source_format in ("json", "yaml")


def test_yaml_content_under_a_json_name_is_imported(window, tmp_path, model):
    path = tmp_path / "model.json"
    write_model(model, path, format_name="yaml")  # YAML text in a .json file
    assert window.files.open_path(str(path))
    assert window.document.source_format == "yaml"
    assert window.document.path is None and window.document.imported_from == str(path)


def test_is_native_decides_by_the_format_that_read_the_file():
    assert is_native("a.attackgraph.json", "json") and is_native("a.yaml", "yaml")
    assert not is_native("flow.json", "stix") and not is_native("a.afb", "afb")
    assert not is_native("a.json", "yaml") and not is_native("a.txt", "json")
    assert not is_native("a.json", None)


def test_document_load_records_the_reader(qtbot, tmp_path, model):
    path, _ = _afb(tmp_path, model)
    document = Document()
    document.load(str(path))
    assert document.source_format == "afb"
    assert document.source_description == "MITRE Attack Flow Builder file"
    assert document.suggested_file_name() == str(tmp_path / "drawn.attackgraph.json")
    assert any("t1003" in w.message for w in document.warnings)
    document.replace_model(read_model(path), None)  # another model: no warnings of the file
    assert document.warnings == [] and document.source_format is None


def test_import_warnings_are_listed_in_problems_located_in_the_file(window, tmp_path):
    path = tmp_path / "branches.stix.json"
    path.write_bytes(encode(condition_flow()))  # a false branch: imported with a warning
    assert window.files.open_path(str(path))
    problems = window.problems
    assert problems.file_warnings and all(not p.is_error for p in problems.file_warnings)
    texts = [problems.item(i).text() for i in range(problems.count())]
    assert any(
        t.startswith("branches.stix.json: /objects/2/on_false_refs: warning:") for t in texts
    )
    assert window.docks["problems"].isVisible()
    assert "warning" in window.statusBar().currentMessage()
    assert "warning" in window.problems_label.text()
    # editing the model keeps the file's warnings listed, with the live ones
    window.scene.add_node_at("step", QPointF(900, 600))
    problems.refresh()
    assert any(
        problems.item(i).text().startswith("branches.stix.json:") for i in range(problems.count())
    )
    window.files.new_file()  # another model: the file's warnings go
    assert problems.file_warnings == []


def test_native_warnings_are_not_listed_twice(window, tmp_path, model):
    from attackgraph.model import Node

    model.add_node(Node("S9", "step", "Nothing leads here"))
    path = tmp_path / "warned.attackgraph.json"
    write_model(model, path)
    assert window.files.open_path(str(path))
    assert window.document.warnings  # the reader saw the validation warning too
    assert window.problems.file_warnings == []
    texts = [window.problems.item(i).text() for i in range(window.problems.count())]
    assert len(texts) == len(window.problems.problems) and any("S9" in t for t in texts)


MALFORMED = {
    "bad.stix.json": (b'{"type": "bundle", "id": "bundle--1", "objects": 7}', "objects"),
    "bad.afb": (b'{"schema": "attack_flow_v2", "objects": {}}', "objects"),
    "bad.deciduous.yaml": (b"attacks:\n- steal: Steal\n  from: [reality\n", ":"),
    "bad.graphml": (
        b'<?xml version="1.0"?><graphml><graph edgedefault="directed"><node/></graph></graphml>',
        "",
    ),
    "bad.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>', ""),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_files_show_located_errors_in_a_dialog(window, tmp_path, modal_dialogs, name):
    raw, fragment = MALFORMED[name]
    path = tmp_path / name
    path.write_bytes(raw)
    before = window.document.model
    assert not window.files.open_path(str(path))
    assert window.document.model is before
    assert window.document.path.endswith("small.attackgraph.json")
    boxes = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and name in w.text()
    ]
    assert boxes, modal_dialogs
    details = boxes[-1].detailedText()
    assert details.startswith(name) and fragment in details  # located in the file read
    assert boxes[-1].textFormat() == Qt.TextFormat.PlainText
    for box in boxes:
        box.close()


def test_revert_of_an_imported_model_imports_it_again(window, tmp_path, model):
    path, _ = _deciduous(tmp_path, model)
    assert window.files.open_path(str(path))
    count = len(window.document.model.nodes)
    window.scene.add_node_at("step", QPointF(900, 600))
    window.files.revert()  # the conftest answers "Discard"
    assert len(window.document.model.nodes) == count and not window.document.is_modified
    assert window.document.imported_from == str(path)


def test_a_hostile_label_in_an_import_is_plain_text(window, tmp_path):
    flow = operator_flow()
    flow["objects"][1]["name"] = "<b>bold</b> <img src=x>"
    path = tmp_path / "hostile.stix.json"
    path.write_text(json.dumps(flow), encoding="utf-8")
    assert window.files.open_path(str(path))
    assert "<b>bold</b> <img src=x>" in _labels(window)
