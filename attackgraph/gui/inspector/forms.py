"""Forms of the inspector: the editors for each kind of object, built from
the format's field descriptions (:mod:`attackgraph.model.schema`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from attackgraph.gui.inspector.fields import (
    ChoiceEditor,
    EnumSetEditor,
    FieldEditor,
    LineEditor,
    ListEditor,
    MarkdownEditor,
    NumberEditor,
)
from attackgraph.model import AttackModel
from attackgraph.model.schema import (
    COMPONENT_FIELDS,
    EDGE_FIELDS,
    MITIGATION_FIELDS,
    NODE_FIELDS,
    PROFILE_FIELDS,
    RELEASE_FIELDS,
    Field,
)

__all__ = ["FIELDS", "BlocksEditor", "FormContext", "ObjectForm"]

FIELDS: dict[str, tuple[Field, ...]] = {
    "node": NODE_FIELDS,
    "edge": EDGE_FIELDS,
    "mitigation": MITIGATION_FIELDS,
    "component": COMPONENT_FIELDS,
    "profile": PROFILE_FIELDS,
    "release": RELEASE_FIELDS,
}
TITLES = {
    "release_fixed": "Fixed in",
    "max_skill": "Max skill",
    "blocks": "Blocks",
    "refs": "References",
    "probability": "Probability",
    "effectiveness": "Effectiveness",
}
DEFAULTS = {"cost": 1.0, "probability": 1.0, "impact": 1.0, "effectiveness": 1.0}
HINTS = {
    "techniques": "T1068\nT1190.001\nAML.T0051",
    "refs": "CVE-2020-0001\nhttps://…",
    "date": "YYYY-MM-DD",
}
SEVEN_PROPERTIES = (
    "Hardware-based root of trust",
    "Small trusted computing base",
    "Defense in depth",
    "Compartmentalization",
    "Certificate-based authentication",
    "Renewable security",
    "Failure reporting",
)


@dataclass
class FormContext:
    """What forms need from the window besides the model.

    Parameters
    ----------
    model : AttackModel
    selected_nodes : callable
        Ids of the nodes selected on the canvas.
    select_nodes : callable
        Select nodes on the canvas (and show them).
    """

    model: AttackModel
    selected_nodes: Callable[[], list[str]]
    select_nodes: Callable[[list[str]], None]


def _node_name(model: AttackModel, node_id: str) -> str:
    node = model.nodes.get(node_id)
    return f"{node.label}  ({node_id})" if node else node_id


class BlocksEditor(FieldEditor):
    """A mitigation's blocked nodes, chosen by selecting them on the canvas."""

    def __init__(self, field: Field, context: FormContext, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.context = context
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.setMaximumHeight(130)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.itemClicked.connect(self._show_on_canvas)
        buttons = QHBoxLayout()
        self.use_selection = QPushButton("Use Selection")
        self.use_selection.setToolTip("Block exactly the nodes selected on the canvas")
        self.add_selection = QPushButton("Add Selection")
        self.add_selection.setToolTip("Also block the nodes selected on the canvas")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Stop blocking the nodes chosen in this list")
        for button in (self.use_selection, self.add_selection, self.remove_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.use_selection.clicked.connect(lambda: self._choose(replace=True))
        self.add_selection.clicked.connect(lambda: self._choose(replace=False))
        self.remove_button.clicked.connect(self._remove)
        box.addWidget(self.list)
        box.addLayout(buttons)
        self.layout().addLayout(box)
        self._shown: tuple[str, ...] = ()

    def value(self) -> Any:
        return self._shown

    def _show(self, value: Any) -> None:
        self._shown = tuple(value or ())
        self.list.clear()
        for node_id in self._shown:
            item = QListWidgetItem(_node_name(self.context.model, node_id))
            item.setData(Qt.ItemDataRole.UserRole, node_id)
            self.list.addItem(item)

    def _choose(self, replace: bool) -> None:
        chosen = self.context.selected_nodes()
        if not chosen:
            self.set_error("Select the nodes to block on the canvas first.")
            return
        ids = chosen if replace else [*self._shown, *(n for n in chosen if n not in self._shown)]
        self._show(tuple(ids))
        self.commit()

    def _remove(self) -> None:
        gone = {i.data(Qt.ItemDataRole.UserRole) for i in self.list.selectedItems()}
        if gone:
            self._show(tuple(n for n in self._shown if n not in gone))
            self.commit()

    def _show_on_canvas(self, item: QListWidgetItem) -> None:
        self.context.select_nodes([item.data(Qt.ItemDataRole.UserRole)])


class ObjectForm(QWidget):
    """The fields of one object, each committed on its own.

    Signals
    -------
    edited(str, object)
        A field's name and the value the user gave it.
    """

    edited = Signal(str, object)

    def __init__(
        self, kind: str, obj: Any, context: FormContext, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.context = context
        self.editors: dict[str, FieldEditor] = {}
        self.form = QFormLayout(self)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setContentsMargins(0, 0, 0, 0)
        for spec in FIELDS[kind]:
            if not self._shown_for(spec, obj):
                continue
            editor = self._editor(spec, obj)
            editor.set_value(getattr(obj, spec.name))
            editor.committed.connect(lambda value, name=spec.name: self.edited.emit(name, value))
            self.editors[spec.name] = editor
            title = TITLES.get(spec.name, spec.name.replace("_", " ").capitalize())
            if spec.type in ("string",) and spec.name == "description":
                self.form.addRow(QLabel(title))
                self.form.addRow(editor)
            else:
                self.form.addRow(title, editor)

    def layout_signature(self, obj: Any) -> tuple[str, ...]:
        """Which fields a form for ``obj`` shows (a changed node kind changes it)."""
        return tuple(s.name for s in FIELDS[self.kind] if self._shown_for(s, obj))

    def _shown_for(self, spec: Field, obj: Any) -> bool:
        if self.kind == "edge":
            return spec.name == "label"
        if self.kind == "node":
            if spec.name == "gate":
                return obj.kind != "entry"
            if spec.name == "impact":
                return obj.kind == "goal" or obj.impact is not None
        return True

    def show_values(self, obj: Any) -> None:
        """Show an object's current values, except in a field the user is
        editing or whose refused value is still shown: there the typed text
        stays, and only the value it is compared with moves."""
        focus = QApplication.focusWidget()
        for name, editor in self.editors.items():
            value = getattr(obj, name)
            editing = focus is not None and (editor is focus or editor.isAncestorOf(focus))
            if editing or editor.error is not None:
                editor.rebase(value)
            else:
                editor.set_value(value)

    def _editor(self, spec: Field, obj: Any) -> FieldEditor:
        model = self.context.model
        name = spec.name
        if name == "blocks":
            return BlocksEditor(spec, self.context)
        if name == "description":
            return MarkdownEditor(spec)
        if spec.type == "number":
            unit = 0.05 if spec.maximum is not None and spec.maximum <= 1 else 1.0
            return NumberEditor(spec, DEFAULTS.get(name, 1.0), unit)
        if spec.type in ("strings",):
            return ListEditor(spec, HINTS.get(name, ""))
        if spec.type == "enums":
            return EnumSetEditor(spec)
        if spec.type == "enum":
            return self._enum_editor(spec)
        if spec.ref == "component":
            return ChoiceEditor(spec, self._component_choices(obj))
        if spec.ref == "release":
            return ChoiceEditor(
                spec, [(f"{r.label}  ({rid})", rid) for rid, r in model.releases.items()]
            )
        editor = LineEditor(spec, HINTS.get(name, ""))
        if self.kind == "mitigation" and name == "property":
            used = {m.property for m in model.mitigations.values() if m.property}
            completer = QCompleter(sorted(used | set(SEVEN_PROPERTIES)), editor)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            editor.edit.setCompleter(completer)
        return editor

    def _enum_editor(self, spec: Field) -> ChoiceEditor:
        choices = [(c, c) for c in spec.choices]
        if spec.required:
            return ChoiceEditor(spec, choices, none_text=None)
        default = {
            "gate": "or (default)",
            "status": "proposed (default)",
            "max_skill": "expert (default)",
        }.get(spec.name)
        return ChoiceEditor(spec, choices, none_text=default or "—")

    def _component_choices(self, obj: Any) -> list[tuple[str, str]]:
        comps = self.context.model.components
        excluded: set[str] = set()
        if self.kind == "component":  # not itself nor anything inside it
            excluded.add(obj.id)
            grew = True
            while grew:
                grew = False
                for cid, comp in comps.items():
                    if comp.parent in excluded and cid not in excluded:
                        excluded.add(cid)
                        grew = True
        return [(f"{c.label}  ({cid})", cid) for cid, c in comps.items() if cid not in excluded]
