"""The inspector dock: edits every field of the selected node, edge,
component or mitigation, or of the model itself when nothing is selected.
Under a node's fields, the catalog mitigations its techniques call for
(:class:`~attackgraph.gui.inspector.suggestions.SuggestionsPanel`).

Every edit is one undo command. A value the model refuses is not applied: the
field keeps what was typed, turns red, and the reason shows above the form.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QVBoxLayout, QWidget

from attackgraph.gui.canvas.scene import CanvasScene
from attackgraph.gui.commands import ModelCommand
from attackgraph.gui.inspector.edits import current_object, edit_command
from attackgraph.gui.inspector.fields import FieldEditor
from attackgraph.gui.inspector.forms import FormContext, ObjectForm
from attackgraph.gui.inspector.modelform import ModelForm
from attackgraph.gui.inspector.suggestions import SuggestionsPanel, warm_catalogs
from attackgraph.model import ModelEvent

__all__ = ["Inspector"]

HEADINGS = {
    "node": "",
    "edge": "Edge",
    "mitigation": "Mitigation",
    "component": "Component",
    "profile": "Attacker profile",
    "release": "Release",
    "model": "Model",
}


class Inspector(QWidget):
    """Fields of the current selection.

    Signals
    -------
    message(str)
        A sentence for the status bar.
    """

    message = Signal(str)

    def __init__(self, scene: CanvasScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.document = scene.document
        self.target: tuple[str, Any] = ("model", None)
        self.form: ObjectForm | ModelForm | None = None
        self.suggestions: SuggestionsPanel | None = None
        self._signature: tuple[str, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.12)
        self.heading.setFont(font)
        self.subheading = QLabel()
        self.subheading.setTextFormat(Qt.TextFormat.PlainText)
        self.subheading.setWordWrap(True)
        self.subheading.setEnabled(False)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(
            "color: #ffffff; background: #c62828; border-radius: 4px; padding: 4px 6px;"
        )
        self.error.hide()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addWidget(self.error)
        layout.addWidget(self.scroll, 1)
        self.context = FormContext(self.document.model, scene.selected_node_ids, self._select_nodes)
        # Rebuilding waits for the event loop: a field must not be deleted
        # inside its own signal handler.
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(0)
        self._rebuild_timer.timeout.connect(self._build)
        warm_catalogs()
        scene.selectionChanged.connect(self.follow_canvas)
        self.document.modelChanged.connect(self._on_model_event)
        self.document.modelReplaced.connect(self._on_replaced)
        self._build()

    # ------------------------------------------------------------ choosing
    def inspect(self, kind: str, key: Any = None) -> None:
        """Show the form of one object (``"model"`` for the model)."""
        self.commit_pending()
        self.target = (kind, key)
        self.error.hide()
        self._rebuild_timer.start()

    def flush(self) -> None:
        """Build the form now if a rebuild is pending (scripts and tests)."""
        if self._rebuild_timer.isActive():
            self._rebuild_timer.stop()
            self._build()

    def follow_canvas(self) -> None:
        """Show what is selected on the canvas."""
        try:
            nodes = self.scene.selected_node_ids()
            edges = self.scene.selected_edge_keys()
            comps = self.scene.selected_component_ids()
        except RuntimeError:  # the scene is being deleted with its window
            return
        count = len(nodes) + len(edges) + len(comps)
        if count == 0:
            if self.target[0] in ("node", "edge", "component", "selection"):
                self.inspect("model")
        elif count == 1:
            self.inspect(
                *(
                    ("node", nodes[0])
                    if nodes
                    else ("edge", edges[0])
                    if edges
                    else ("component", comps[0])
                )
            )
        else:
            self.inspect("selection", (len(nodes), len(edges), len(comps)))

    def _select_nodes(self, node_ids: list[str]) -> None:
        target = self.target
        self.scene.select(nodes=node_ids)
        if node_ids and node_ids[0] in self.scene.nodes:
            for view in self.scene.views():
                view.ensureVisible(self.scene.nodes[node_ids[0]], 60, 60)
        if target[0] == "mitigation":  # keep showing the mitigation being edited
            self.target = target
            self._rebuild_timer.stop()

    # ------------------------------------------------------------ building
    def _on_replaced(self) -> None:
        self.context.model = self.document.model
        self.target = ("model", None)
        self.error.hide()
        self._rebuild_timer.start()

    def _build(self) -> None:
        kind, key = self.target
        model = self.document.model
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.form = None
        self.suggestions = None
        self.subheading.hide()
        if kind == "selection":
            nodes, edges, comps = key
            parts = [
                f"{n} {what}{'s' * (n != 1)}"
                for n, what in ((nodes, "node"), (edges, "edge"), (comps, "component"))
                if n
            ]
            self.heading.setText(", ".join(parts) + " selected")
            self.subheading.setText(
                "Drag to move them together; Delete removes them; "
                "Ctrl+G puts the nodes into a new component."
            )
            self.subheading.show()
            return
        obj = current_object(model, kind, key) if kind != "model" else None
        if kind != "model" and obj is None:
            self.target = ("model", None)
            kind, key = self.target
        host = QWidget()
        box = QVBoxLayout(host)
        box.setContentsMargins(0, 0, 4, 0)
        if kind == "model":
            self.heading.setText(model.title or "Untitled model")
            self.subheading.setText("Model: nothing is selected")
            self.subheading.show()
            form: ObjectForm | ModelForm = ModelForm(self.context, self._run)
        else:
            form = ObjectForm(kind, obj, self.context)
            self._signature = form.layout_signature(obj)
            self.heading.setText(self._heading(kind, key, obj))
            self.subheading.setText(self._subheading(kind, key, obj))
            self.subheading.show()
        form.edited.connect(
            self._edited
            if kind == "model"
            else (lambda field, value: self._edited(kind, self.target[1], field, value))
        )
        box.addWidget(form)
        if kind == "node":
            self.suggestions = SuggestionsPanel(self.document, key, self._run)
            self.suggestions.message.connect(self.message)
            box.addWidget(self.suggestions)
        box.addStretch(1)
        self.scroll.setWidget(host)
        self.form = form

    @staticmethod
    def _heading(kind: str, key: Any, obj: Any) -> str:
        if kind == "edge":
            return "Edge"
        label = getattr(obj, "label", None) or str(key)
        return label if len(label) < 90 else label[:88] + "…"

    def _subheading(self, kind: str, key: Any, obj: Any) -> str:
        model = self.document.model
        if kind == "node":
            where = (
                model.components[obj.component].label
                if obj.component in model.components
                else "no component"
            )
            return f"{obj.kind.capitalize()} {key} · {where}"
        if kind == "edge":
            return (
                f"{model.nodes[key[0]].label[:40]} ({key[0]})  →  "
                f"{model.nodes[key[1]].label[:40]} ({key[1]})"
            )
        return f"{HEADINGS.get(kind, kind)} {key}"

    # ------------------------------------------------------------- editing
    def _run(self, command: ModelCommand) -> bool:
        reason = self.document.execute(command)
        if reason is None:
            self.error.hide()
            return True
        self._refused(reason)
        return False

    def _refused(self, reason: str) -> None:
        self.error.setText(reason)
        self.error.show()
        self.message.emit(f"Not changed: {reason}")

    def _edited(self, kind: str, key: Any, field: str, value: Any) -> None:
        editor = self._editor(kind, key, field)
        command = edit_command(self.document.model, kind, key, field, value)
        if command is None:
            if editor is not None:
                editor.set_error(None)
            return
        reason = self.document.execute(command)
        if reason is not None:
            if editor is not None:
                editor.set_error(reason)
            self._refused(reason)
            return
        self.error.hide()
        if editor is not None:
            editor.set_error(None)
        if field == "id" and self.target == (kind, key):
            self.target = (kind, value)

    def _editor(self, kind: str, key: Any, field: str) -> FieldEditor | None:
        form = self.form
        if isinstance(form, ModelForm):
            if kind == "model":
                return form.editors.get(field)
            section = form.sections.get(kind)
            if section is not None and section.form is not None:
                return section.form.editors.get(field)
            return None
        return form.editors.get(field) if form is not None else None

    def editors(self) -> list[FieldEditor]:
        """Every field editor shown now."""
        return [w for w in self.findChildren(FieldEditor)]

    def commit_pending(self) -> None:
        """Send the field being typed in, if any (before a save or a close)."""
        focus = QApplication.focusWidget()
        for editor in self.editors():
            if (
                focus is not None
                and (editor is focus or editor.isAncestorOf(focus))
                and editor.error is None
            ):
                editor.commit()

    def _on_model_event(self, event: ModelEvent) -> None:
        kind, key = self.target
        if kind == "model" or kind == "selection":
            if isinstance(self.form, ModelForm) and event.kind in (
                "model",
                "profile",
                "release",
                "component",
            ):
                if event.action == "renamed":
                    self.form.sections[event.kind].refresh(keep=event.new)
                else:
                    self.form.follow(event.kind, event.action, event.key)
            elif isinstance(self.form, ModelForm):
                self.form.show_counts()
            if event.kind == "model" and event.key == "title":
                self.heading.setText(self.document.model.title or "Untitled model")
            return
        if event.kind == kind and event.action == "renamed" and event.old == key:
            self.target = (kind, event.new)
            self._rebuild_timer.start()
            return
        if (
            kind == "edge"
            and event.kind == "node"
            and event.action == "renamed"
            and event.old in key
        ):
            self.target = (kind, tuple(event.new if k == event.old else k for k in key))
            self._rebuild_timer.start()
            return
        if event.kind == kind and event.key == key:
            obj = current_object(self.document.model, kind, key)
            if (
                obj is None
                or not isinstance(self.form, ObjectForm)
                or self.form.layout_signature(obj) != self._signature
            ):
                self._rebuild_timer.start()
            else:
                self.form.show_values(obj)
                self.heading.setText(self._heading(kind, key, obj))
                self.subheading.setText(self._subheading(kind, key, obj))
        elif event.kind in ("component", "release") and event.action != "changed":
            self._rebuild_timer.start()  # the choices of reference fields changed
