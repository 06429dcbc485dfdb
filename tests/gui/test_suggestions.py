"""The inspector's catalog suggestions: the rows follow the node's techniques,
one click adopts a mitigation (or extends the one already in the model) as
one undo entry, the catalogs show their version and terms, and catalog and
model text stays plain."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QToolButton, QWidget

from attackgraph.catalogs import load_catalog, suggestions_for
from attackgraph.gui.inspector.suggestions import (
    SuggestionsPanel,
    adopt_command,
    licence_notice,
)
from attackgraph.model import Mitigation, Node


def _panel(window, node_id: str = "S1") -> SuggestionsPanel:
    window.inspector.inspect("node", node_id)
    window.inspector.flush()
    panel = window.inspector.suggestions
    assert panel is not None and panel.node_id == node_id
    return panel


def _settle(qtbot, window) -> SuggestionsPanel:
    qtbot.wait(10)  # the panel rebuilds on the next turn of the event loop
    return window.inspector.suggestions


def _texts(widget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)]


def test_rows_follow_the_nodes_techniques(window):
    panel = _panel(window)
    expected = suggestions_for(window.document.model, "S1")
    assert expected and {r.suggestion for r in panel.rows} == set(expected)
    assert any("T1068 Exploitation for Privilege Escalation" in t for t in _texts(panel))
    catalogs = {r.suggestion.catalog for r in panel.rows}
    assert catalogs == {"attack-enterprise", "seven-properties"}
    assert all(r.button.text() == "Add" and r.button.isEnabled() for r in panel.rows)


def test_one_click_adds_a_mitigation_as_one_undo_entry(window, qtbot):
    model, stack = window.document.model, window.document.undo_stack
    panel = _panel(window)
    row = next(r for r in panel.rows if r.suggestion.entry_id == "M1051")
    before = stack.count()
    row.button.click()
    assert stack.count() == before + 1
    added = model.mitigations["M1051"]
    assert added.blocks == ("S1",) and added.effective_status == "proposed"
    assert "M1051" in added.refs and added.label == "Update Software"
    assert window.statusBar().currentMessage().startswith("Added M1051 Update Software")
    assert f"{len(model.mitigations)} mitigations" in window.counts_label.text()
    panel = _settle(qtbot, window)
    row = next(r for r in panel.rows if r.suggestion.entry_id == "M1051")
    assert row.suggestion.covered and not row.button.isEnabled()
    assert window.mitigations.table.model().rowCount() == len(model.mitigations)
    stack.undo()
    assert "M1051" not in model.mitigations
    panel = _settle(qtbot, window)
    assert next(r for r in panel.rows if r.suggestion.entry_id == "M1051").button.isEnabled()
    stack.redo()
    assert model.mitigations["M1051"].blocks == ("S1",)


def test_a_catalog_entry_in_the_model_is_extended_not_added_again(window, qtbot):
    model, stack = window.document.model, window.document.undo_stack
    model.add_mitigation(Mitigation("patching", "Patch management", ("S2",), refs=("M1051",)))
    stack.clear()
    panel = _panel(window)
    row = next(r for r in panel.rows if r.suggestion.entry_id == "M1051")
    assert row.suggestion.existing == "patching" and row.button.text() == "Extend"
    assert panel.rows.index(row) == 0  # what the model already has comes first
    count = len(model.mitigations)
    row.button.click()
    assert len(model.mitigations) == count and stack.count() == 1
    assert model.mitigations["patching"].blocks == ("S2", "S1")
    assert stack.text(0).startswith("Block S1 with patching")
    stack.undo()
    assert model.mitigations["patching"].blocks == ("S2",)


def test_adopting_what_is_already_there_changes_nothing(window):
    model = window.document.model
    model.add_mitigation(Mitigation("patching", "Patch", ("S1",), refs=("M1051",)))
    suggestion = next(s for s in suggestions_for(model, "S1") if s.entry_id == "M1051")
    assert suggestion.covered and adopt_command(model, suggestion) is None
    panel = _panel(window)
    stack = window.document.undo_stack
    before = stack.count()
    assert not panel.adopt(suggestion)
    assert stack.count() == before
    assert "already blocks" in window.statusBar().currentMessage()


def test_a_seven_properties_entry_brings_its_property(window):
    model = window.document.model
    panel = _panel(window)
    row = next(r for r in panel.rows if r.suggestion.catalog == "seven-properties")
    assert row.suggestion.via and "Realises ATT&CK" in row.why.text()
    row.button.click()
    added = [m for m in model.mitigations.values() if m.property is not None and "S1" in m.blocks]
    assert added and added[0].property == row.suggestion.label


def test_catalogs_show_version_and_terms(window, qtbot, modal_dialogs):
    panel = _panel(window)
    attack = load_catalog("attack-enterprise")
    texts = _texts(panel)
    assert f"{attack.title} · {attack.version}" in texts
    notice = licence_notice(attack)
    assert "The MITRE Corporation" in notice and notice in texts
    terms = panel.findChild(QWidget, f"terms-{attack.id}")
    assert terms is not None
    button = next(b for b in terms.findChildren(QToolButton) if b.text() == "Terms…")
    button.click()
    boxes = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and attack.title in w.text()
    ]
    assert boxes and "non-exclusive, royalty-free license" in boxes[-1].informativeText()
    assert boxes[-1].textFormat() == Qt.TextFormat.PlainText
    for box in boxes:
        box.close()


def test_a_node_without_techniques_gets_a_hint(window):
    panel = _panel(window, "S2")
    assert panel.rows == []
    assert any("Add technique ids" in t for t in _texts(panel))


def test_unknown_techniques_say_so(window, qtbot):
    window.document.model.update_node("S2", techniques=("T9999",))
    panel = _panel(window, "S2")
    assert panel.rows == [] and any("No bundled catalog" in t for t in _texts(panel))


def test_a_sub_technique_is_matched_through_its_parent(window):
    window.document.model.update_node("S2", techniques=("T1059.012",))
    panel = _panel(window, "S2")
    assert panel.rows
    row = next(r for r in panel.rows if r.suggestion.catalog == "attack-enterprise")
    assert row.suggestion.via_parent and "T1059.012, through T1059" in row.why.text()


def test_the_panel_follows_edits_of_the_techniques(window, qtbot):
    panel = _panel(window, "S2")
    assert panel.rows == []
    window.document.model.update_node("S2", techniques=("T1190",))
    panel = _settle(qtbot, window)
    assert panel.rows and all("T1190" in r.suggestion.techniques for r in panel.rows)


def test_catalog_and_model_text_is_plain(window, qtbot):
    model = window.document.model
    model.add_node(Node("S9", "step", "<b>bold</b> <img src=x>", techniques=("T1068",)))
    model.add_mitigation(Mitigation("m-hostile", "<i>x</i>", ("S1",), refs=("M1051",)))
    panel = _panel(window, "S9")
    labels = panel.findChildren(QLabel)
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    for widget in (panel, *panel.rows, *[r.button for r in panel.rows]):
        tip = widget.toolTip()
        assert not tip or (tip.startswith("<p>") and "<i>" not in tip and "<b>" not in tip)
    assert window.inspector.heading.textFormat() == Qt.TextFormat.PlainText
    assert window.inspector.heading.text().startswith("<b>bold</b>")


def test_rename_of_the_node_keeps_the_panel(window, qtbot):
    _panel(window)
    window.inspector.form.editors["id"].edit.setText("exploit")
    window.inspector.form.editors["id"].edit.editingFinished.emit()
    qtbot.waitUntil(
        lambda: (
            window.inspector.suggestions is not None
            and window.inspector.suggestions.node_id == "exploit"
        )
    )
    panel = window.inspector.suggestions
    before = set(window.document.model.mitigations)
    panel.rows[0].button.click()
    (added,) = set(window.document.model.mitigations) - before
    assert window.document.model.mitigations[added].blocks == ("exploit",)


def test_only_nodes_get_suggestions(window):
    window.inspector.inspect("mitigation", "M1")
    window.inspector.flush()
    assert window.inspector.suggestions is None
    window.inspector.inspect("model")
    window.inspector.flush()
    assert window.inspector.suggestions is None
