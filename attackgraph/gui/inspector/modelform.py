"""The inspector's form for the model itself: title, description, and the
lists of attacker profiles, releases and components, each with a form for
the chosen item."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from attackgraph.gui.commands import (
    AddObjectCommand,
    ModelCommand,
    MoveReleaseCommand,
    RemoveObjectCommand,
)
from attackgraph.gui.editing import default_component_kind
from attackgraph.gui.icons import icon
from attackgraph.gui.inspector.fields import LineEditor, MarkdownEditor
from attackgraph.gui.inspector.forms import FormContext, ObjectForm
from attackgraph.model import AttackModel, Component, Profile, Release
from attackgraph.model.ids import new_id
from attackgraph.model.schema import Field

__all__ = ["CollectionSection", "ModelForm"]

_NEW: dict[str, Callable[[AttackModel], Any]] = {
    "profile": lambda m: Profile(new_id("P", m.profiles), "New attacker profile"),
    "release": lambda m: Release(new_id("R", m.releases), "New release"),
    "component": lambda m: Component(
        new_id("K", m.components), "New component", default_component_kind(m)
    ),
}
_STORES = {"profile": "profiles", "release": "releases", "component": "components"}
_TITLES = {
    "profile": "Attacker profiles",
    "release": "Releases (oldest first)",
    "component": "Components",
}


class CollectionSection(QGroupBox):
    """A list of one kind of object with add, remove (and, for releases,
    reordering), and the form of the chosen one.

    Signals
    -------
    edited(str, object, str, object)
        Kind, id, field and value of an edit in the item's form.
    """

    edited = Signal(str, object, str, object)

    def __init__(
        self,
        kind: str,
        context: FormContext,
        run: Callable[[ModelCommand], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_TITLES[kind], parent)
        self.kind = kind
        self.context = context
        self.run = run
        self.form: ObjectForm | None = None
        box = QVBoxLayout(self)
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setMaximumHeight(120)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.currentRowChanged.connect(lambda _row: self._show_form())
        buttons = QVBoxLayout()
        self.add_button = self._button("add", f"Add a {kind}", self.add)
        self.remove_button = self._button("remove", f"Delete the chosen {kind}", self.remove)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        if kind == "release":
            buttons.addWidget(
                self._button("up", "Make it an earlier release", lambda: self.move(-1))
            )
            buttons.addWidget(self._button("down", "Make it a later release", lambda: self.move(1)))
        buttons.addStretch(1)
        row.addWidget(self.list)
        row.addLayout(buttons)
        box.addLayout(row)
        self.form_host = QVBoxLayout()
        box.addLayout(self.form_host)
        self.refresh()

    def _button(self, name: str, tip: str, slot: Callable[[], Any]) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon(name))
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    @property
    def store(self) -> Any:
        """The model's objects of this kind, by id."""
        return getattr(self.context.model, _STORES[self.kind])

    def current_id(self) -> str | None:
        """The id of the chosen item."""
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def refresh(self, keep: str | None = None) -> None:
        """List the objects again, keeping the chosen one where it still exists."""
        keep = keep or self.current_id()
        self.list.blockSignals(True)
        self.list.clear()
        for ident, obj in self.store.items():
            item = QListWidgetItem(f"{obj.label}  ({ident})")
            item.setData(Qt.ItemDataRole.UserRole, ident)
            self.list.addItem(item)
        ids = list(self.store)
        self.list.setCurrentRow(ids.index(keep) if keep in ids else (0 if ids else -1))
        self.list.blockSignals(False)
        self._show_form()

    def _show_form(self) -> None:
        if self.form is not None:
            self.form.deleteLater()
            self.form = None
        ident = self.current_id()
        self.remove_button.setEnabled(ident is not None)
        if ident is None or ident not in self.store:
            return
        form = ObjectForm(self.kind, self.store[ident], self.context)
        form.edited.connect(
            lambda field, value, i=ident: self.edited.emit(self.kind, i, field, value)
        )
        self.form_host.addWidget(form)
        self.form = form

    def update_item(self, ident: str) -> bool:
        """Show a changed object in place; False when the list must be rebuilt."""
        ids = list(self.store)
        if self.list.count() != len(ids) or ident not in ids:
            return False
        row = ids.index(ident)
        item = self.list.item(row)
        if item.data(Qt.ItemDataRole.UserRole) != ident:
            return False
        obj = self.store[ident]
        item.setText(f"{obj.label}  ({ident})")
        if self.form is not None and self.current_id() == ident:
            self.form.show_values(obj)
        return True

    def add(self) -> None:
        """Add a new object (and choose it)."""
        obj = _NEW[self.kind](self.context.model)
        if self.run(AddObjectCommand(self.context.model, obj)):
            self.refresh(keep=obj.id)

    def remove(self) -> None:
        """Delete the chosen object (references to it are cleared, undo restores them)."""
        ident = self.current_id()
        if ident is not None:
            self.run(RemoveObjectCommand(self.context.model, self.kind, ident))

    def move(self, step: int) -> None:
        """Move the chosen release earlier (-1) or later (+1)."""
        ident = self.current_id()
        if ident is None:
            return
        index = self.context.model.release_index(ident) + step
        if 0 <= index < len(self.store):
            self.run(MoveReleaseCommand(self.context.model, ident, index))


class ModelForm(QWidget):
    """Title, description, counts and the collections of the model.

    Signals
    -------
    edited(str, object, str, object)
        Kind (``model`` for the title and description), id, field, value.
    """

    edited = Signal(str, object, str, object)

    def __init__(
        self,
        context: FormContext,
        run: Callable[[ModelCommand], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        model = context.model
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.title = LineEditor(Field("title", "string", required=True))
        self.title.set_value(model.title)
        self.title.committed.connect(lambda v: self.edited.emit("model", None, "title", v))
        form.addRow("Title", self.title)
        box.addLayout(form)
        box.addWidget(QLabel("Description"))
        self.description = MarkdownEditor(Field("description", "string"))
        self.description.set_value(model.description)
        self.description.committed.connect(
            lambda v: self.edited.emit("model", None, "description", v)
        )
        box.addWidget(self.description)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        box.addWidget(self.counts)
        self.sections = {
            kind: CollectionSection(kind, context, run)
            for kind in ("profile", "release", "component")
        }
        for section in self.sections.values():
            section.edited.connect(self.edited)
            box.addWidget(section)
        box.addStretch(1)
        self.show_counts()

    @property
    def editors(self) -> dict[str, Any]:
        """The model-level field editors, by field name."""
        return {"title": self.title, "description": self.description}

    def show_counts(self) -> None:
        """Update the summary line."""
        m = self.context.model
        self.counts.setText(
            f"{len(m.nodes)} nodes, {len(m.edges)} edges, {len(m.mitigations)} mitigations, "
            f"{len(m.components)} components, {len(m.profiles)} profiles, "
            f"{len(m.releases)} releases"
        )

    def follow(self, kind: str, action: str, key: Any) -> None:
        """Show a model change that concerns this form."""
        model = self.context.model
        if kind == "model":
            for name, editor in self.editors.items():
                if name == key and editor.error is None:
                    editor.set_value(getattr(model, name))
        elif kind in self.sections:
            section = self.sections[kind]
            if action != "changed" or not section.update_item(key):
                section.refresh()
        self.show_counts()
