"""The inspector edits every field with the right widget; refused values
stay in the field with the reason shown; every edit is one undo entry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from attackgraph.gui.inspector.fields import (
    ChoiceEditor,
    EnumSetEditor,
    LineEditor,
    ListEditor,
    MarkdownEditor,
    NumberEditor,
)
from attackgraph.gui.inspector.forms import BlocksEditor
from attackgraph.model import Node


def _inspect(window, kind, key=None):
    window.inspector.inspect(kind, key)
    window.inspector.flush()
    return window.inspector.form


def _type(editor, text):
    """Type into a line or text field and finish the edit."""
    if isinstance(editor, LineEditor):
        editor.edit.setText(text)
        editor.edit.editingFinished.emit()
    else:
        editor.edit.setPlainText(text)
        editor.commit()


def test_node_form_has_the_right_widget_for_every_field(window):
    form = _inspect(window, "node", "S1")
    kinds = {name: type(editor) for name, editor in form.editors.items()}
    assert kinds == {
        "id": LineEditor,
        "kind": ChoiceEditor,
        "label": LineEditor,
        "component": ChoiceEditor,
        "gate": ChoiceEditor,
        "access": ChoiceEditor,
        "skill": ChoiceEditor,
        "cost": NumberEditor,
        "probability": NumberEditor,
        "techniques": ListEditor,
        "refs": ListEditor,
        "release_fixed": ChoiceEditor,
        "description": MarkdownEditor,
    }
    assert "impact" in _inspect(window, "node", "G1").editors  # goals only
    assert "gate" not in _inspect(window, "node", "E1").editors  # entries have none
    probability = _inspect(window, "node", "S1").editors["probability"]
    assert probability.spin.maximum() == 1.0  # numbers with their ranges


def test_every_node_field_edits_as_one_undo_entry(window):
    model, stack = window.document.model, window.document.undo_stack
    edits = {
        "label": ("Exploit the kernel", lambda e: _type(e, "Exploit the kernel")),
        "cost": (4, lambda e: (e.spin.setValue(4), e.commit())),
        "probability": (0.25, lambda e: (e.spin.setValue(0.25), e.commit())),
        "skill": ("high", lambda e: (e.combo.setCurrentText("high"), e.commit())),
        "access": ("local", lambda e: (e.combo.setCurrentText("local"), e.commit())),
        "techniques": (("T1068", "T1055.009"), lambda e: _type(e, "T1068\n T1055.009\n\n")),
        "refs": (("CVE-2020-35610",), lambda e: _type(e, "CVE-2020-35610")),
        "release_fixed": ("R2", lambda e: (e.combo.setCurrentIndex(2), e.commit())),
        "description": ("Uses **uid_map**.", lambda e: _type(e, "Uses **uid_map**.")),
        "component": ("cloud", lambda e: (e.combo.setCurrentIndex(1), e.commit())),
    }
    for field, (expected, do) in edits.items():
        count = stack.count()
        do(_inspect(window, "node", "S1").editors[field])
        assert getattr(model.nodes["S1"], field) == expected, field
        assert stack.count() == count + 1, field
    stack.undo()
    assert model.nodes["S1"].component == "dev"


def test_refused_value_stays_in_the_field_with_the_reason(window):
    form = _inspect(window, "node", "S1")
    editor = form.editors["id"]
    _type(editor, "not a valid id")
    assert "S1" in window.document.model.nodes
    assert editor.edit.text() == "not a valid id"  # nothing typed is lost
    assert editor.error and "not a valid node id" in editor.error
    assert window.inspector.error.isVisibleTo(window.inspector)
    assert "not a valid node id" in window.inspector.error.text()
    editor.revert()
    assert editor.edit.text() == "S1" and editor.error is None
    gate = _inspect(window, "node", "G1").editors["gate"]
    model = window.document.model
    model.remove_edge("S2", "G1")  # G1 now has no enabler: AND is refused
    gate.combo.setCurrentText("and")
    gate.commit()
    assert model.nodes["G1"].gate is None and "needs at least one incoming edge" in gate.error


def test_rename_from_the_inspector_follows_the_node(window):
    _type(_inspect(window, "node", "S1").editors["id"], "kernel-exploit")
    model = window.document.model
    assert "kernel-exploit" in model.nodes and ("kernel-exploit", "S2") in window.scene.edges
    assert window.inspector.target == ("node", "kernel-exploit")
    assert model.mitigations["M1"].blocks == ("kernel-exploit",)


def test_kind_change_to_entry_drops_the_gate_in_one_edit(window):
    model = window.document.model
    model.add_node(Node("S7", "step", "Lonely", gate="or"), position=(0.0, 500.0))
    editor = _inspect(window, "node", "S7").editors["kind"]
    editor.combo.setCurrentText("entry")
    editor.commit()
    assert model.nodes["S7"].kind == "entry" and model.nodes["S7"].gate is None
    window.document.undo_stack.undo()
    assert model.nodes["S7"].kind == "step" and model.nodes["S7"].gate == "or"


def test_number_default_is_not_written_until_changed(window):
    editor = _inspect(window, "node", "S1").editors["cost"]
    assert editor.value() is None and editor.spin.text() == "default (1)"
    editor.commit()
    assert window.document.undo_stack.count() == 0


def test_edge_form_edits_the_label(window):
    form = _inspect(window, "edge", ("E1", "S1"))
    assert set(form.editors) == {"label"}
    _type(form.editors["label"], "phished creds")
    assert window.document.model.edge("E1", "S1").label == "phished creds"
    _type(form.editors["label"], "")
    assert window.document.model.edge("E1", "S1").label is None


def test_mitigation_form_and_blocks_from_the_canvas(window):
    form = _inspect(window, "mitigation", "M1")
    blocks = form.editors["blocks"]
    assert isinstance(blocks, BlocksEditor) and blocks.value() == ("S1",)
    assert isinstance(form.editors["effectiveness"], NumberEditor)
    assert isinstance(form.editors["status"], ChoiceEditor)
    window.scene.select(nodes=["S2", "G1"])
    window.inspector.target = ("mitigation", "M1")  # the canvas selection came first
    window.inspector.flush()
    blocks = window.inspector.form.editors["blocks"]
    blocks.add_selection.click()
    model = window.document.model
    assert model.mitigations["M1"].blocks == ("S1", "S2", "G1")
    blocks = window.inspector.form.editors["blocks"]
    blocks.list.item(0).setSelected(True)
    blocks.remove_button.click()
    assert model.mitigations["M1"].blocks == ("S2", "G1")
    window.scene.select(nodes=[])
    blocks = window.inspector.form.editors["blocks"]
    blocks.use_selection.click()
    assert "Select the nodes" in blocks.error
    status = window.inspector.form.editors["status"]
    status.combo.setCurrentText("deployed")
    status.commit()
    assert model.mitigations["M1"].status == "deployed"


def test_component_form_offers_no_parent_that_makes_a_cycle(window):
    model = window.document.model
    model.update_component("dev", parent="cloud")
    form = _inspect(window, "component", "cloud")
    parents = form.editors["parent"]._values
    assert "dev" not in parents and "cloud" not in parents
    kind = form.editors["kind"]
    kind.combo.setCurrentText("network")
    kind.commit()
    assert model.components["cloud"].kind == "network"


def test_model_form_edits_title_description_profiles_releases(window):
    model, stack = window.document.model, window.document.undo_stack
    form = _inspect(window, "model")
    _type(form.title, "A better title")
    assert model.title == "A better title"
    assert window.inspector.heading.text() == "A better title"
    _type(form.description, "# Scope\n\nThe *whole* product.")
    assert model.description.startswith("# Scope")
    form.description.toggle.click()  # the preview renders the Markdown
    assert "whole" in form.description.preview.toPlainText()
    profiles = form.sections["profile"]
    profiles.add()
    assert len(model.profiles) == 2
    window.inspector.flush()
    profiles = window.inspector.form.sections["profile"]
    new_id = profiles.current_id()
    access = profiles.form.editors["access"]
    assert isinstance(access, EnumSetEditor)
    access.boxes["physical"].setChecked(False)  # unchecking writes the other three
    assert model.profiles[new_id].access == ("adjacent", "local", "network")
    releases = window.inspector.form.sections["release"]
    releases.list.setCurrentRow(0)
    releases.move(1)
    assert list(model.releases) == ["R2", "R1"]
    window.inspector.flush()
    date = window.inspector.form.sections["release"].form.editors["date"]
    _type(date, "2020-13-45")
    assert "not a real date" in date.error
    count = stack.count()
    releases = window.inspector.form.sections["release"]
    releases.remove()
    assert stack.count() == count + 1
    stack.undo()
    assert model.mitigations["M1"].release == "R1"


def test_typing_is_committed_before_saving(window, tmp_path):
    form = _inspect(window, "node", "S1")
    label = form.editors["label"]
    label.edit.setFocus()
    label.edit.setText("Typed but not finished")
    window.files.save_to(str(tmp_path / "saved.attackgraph.json"))
    assert window.document.model.nodes["S1"].label == "Typed but not finished"


@pytest.mark.parametrize(
    "kind,key", [("node", "S2"), ("component", "dev"), ("mitigation", "M2"), ("edge", ("S1", "S2"))]
)
def test_inspector_follows_undo(window, kind, key):
    form = _inspect(window, kind, key)
    editor = form.editors["label"]
    _type(editor, "Changed")
    window.document.undo_stack.undo()
    window.inspector.flush()
    shown = window.inspector.form.editors["label"]
    original = {"S2": "Escalate", "dev": "Device", "M2": "Lock port"}.get(key)
    assert shown.value() == original


def test_selection_on_canvas_drives_the_inspector(window):
    window.scene.select(nodes=["G1"])
    window.inspector.flush()
    assert window.inspector.target == ("node", "G1")
    window.scene.select(nodes=["G1", "S1"])
    window.inspector.flush()
    assert window.inspector.target[0] == "selection"
    assert "2 nodes selected" in window.inspector.heading.text()
    window.scene.select(components=["cloud"])
    window.inspector.flush()
    assert window.inspector.target == ("component", "cloud")
    window.scene.select()
    window.inspector.flush()
    assert window.inspector.target == ("model", None)
    assert Qt.TextFormat.PlainText == window.inspector.heading.textFormat()  # hostile labels


def test_model_form_adds_and_removes_components(window):
    model, stack = window.document.model, window.document.undo_stack
    form = _inspect(window, "model")
    components = form.sections["component"]
    components.add()
    (new,) = [c for c in model.components if c not in ("cloud", "dev")]
    # The kind most top-level components have (a tie: the first in the file).
    assert model.components[new].kind == "cloud"
    window.inspector.flush()
    section = window.inspector.form.sections["component"]
    assert section.current_id() == new
    parent = section.form.editors["parent"]
    parent.combo.setCurrentIndex(parent._values.index("dev"))
    parent.commit()
    assert model.components[new].parent == "dev"
    window.inspector.flush()
    section = window.inspector.form.sections["component"]
    section.list.setCurrentRow(list(model.components).index("dev"))
    section.remove()  # its nodes and child components move up to its parent
    assert "dev" not in model.components and model.components[new].parent is None
    assert model.nodes["S1"].component is None
    stack.undo()
    assert model.components[new].parent == "dev" and model.nodes["S1"].component == "dev"
