"""The inspector dock: edits the fields of the selected node or edge, or of
the model itself when nothing is selected. Every edit is an undo command;
a refused value shows its reason and the field goes back to the model's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from attackgraph.gui.canvas.scene import CanvasScene
from attackgraph.gui.commands import (
    ModelCommand,
    RenameCommand,
    SetModelFieldCommand,
    UpdateCommand,
)
from attackgraph.model import ModelEvent
from attackgraph.model.schema import ACCESS_VALUES, GATES, NODE_KINDS, SKILLS

__all__ = ["Inspector"]

NONE = "—"


class _Text(QPlainTextEdit):
    """A multi-line field that commits when it loses focus."""

    def __init__(self, on_commit: Callable[[str], None]) -> None:
        super().__init__()
        self._on_commit = on_commit
        self.setTabChangesFocus(True)
        self.setMinimumHeight(90)

    def focusOutEvent(self, event: Any) -> None:
        self._on_commit(self.toPlainText())
        super().focusOutEvent(event)


class Inspector(QWidget):
    """Fields of the current selection."""

    def __init__(self, scene: CanvasScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.document = scene.document
        self._target: tuple[str, Any] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #d32f2f;")
        self.error.hide()
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.error)
        layout.addWidget(self.scroll)
        # Rebuilding waits for the event loop: a field must not be deleted
        # inside its own signal handler.
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(0)
        self._rebuild_timer.timeout.connect(self._build)
        scene.selectionChanged.connect(self.refresh)
        self.document.modelChanged.connect(self._on_model_event)
        self.document.modelReplaced.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------ building
    def refresh(self) -> None:
        """Rebuild the form for the current selection."""
        try:
            nodes = self.scene.selected_node_ids()
            edges = self.scene.selected_edge_keys()
        except RuntimeError:  # scene already deleted while the window closes
            return
        if len(nodes) == 1 and not edges:
            self._target = ("node", nodes[0])
        elif len(edges) == 1 and not nodes:
            self._target = ("edge", edges[0])
        elif not nodes and not edges:
            self._target = ("model", None)
        else:
            self._target = None
        self._rebuild_timer.start()

    def _on_model_event(self, event: ModelEvent) -> None:
        if self._target is None:
            return
        kind, key = self._target
        if event.kind == "node" and event.action == "renamed" and kind == "node" \
                and event.old == key:
            self._target = ("node", event.new)
        if event.kind in ("component", "release", "model") or (
            event.kind == kind and event.key == self._target[1]
        ):
            self._rebuild_timer.start()

    def _new_form(self) -> QFormLayout:
        old = self.scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        host = QWidget()
        form = QFormLayout(host)
        self.scroll.setWidget(host)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        return form

    def _build(self) -> None:
        form = self._new_form()
        if self._target is None:
            self.heading.setText(f"{len(self.scene.selectedItems())} items selected")
            return
        kind, key = self._target
        if kind == "node" and key in self.document.model.nodes:
            self._build_node(form, key)
        elif kind == "edge" and self.document.model.graph.has_edge(*key):
            self._build_edge(form, key)
        else:
            self._build_model(form)

    def _line(self, value: str | None, commit: Callable[[str], None]) -> QLineEdit:
        edit = QLineEdit(value or "")
        edit.editingFinished.connect(lambda: commit(edit.text()))
        return edit

    def _combo(self, choices: tuple[str, ...], value: str | None,
               commit: Callable[[str | None], None], optional: bool = True) -> QComboBox:
        combo = QComboBox()
        items = ([NONE] if optional else []) + list(choices)
        combo.addItems(items)
        combo.setCurrentText(value if value is not None else NONE)
        combo.currentTextChanged.connect(lambda text: commit(None if text == NONE else text))
        return combo

    def _number(self, value: float | None, default: float, maximum: float,
                commit: Callable[[float], None]) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setDecimals(3)
        box.setRange(0.0, maximum)
        box.setSingleStep(0.1 if maximum <= 1 else 1.0)
        box.setValue(default if value is None else float(value))
        box.editingFinished.connect(lambda: commit(box.value()))
        return box

    def _build_node(self, form: QFormLayout, node_id: str) -> None:
        node = self.document.model.nodes[node_id]
        self.heading.setText(f"{node.kind.capitalize()} {node.id}")

        def update(field: str) -> Callable[[Any], None]:
            return lambda value: self._update("node", node_id, field, value)

        form.addRow("Id", self._line(node.id, lambda v: self._rename("node", node_id, v)))
        form.addRow("Label", self._line(node.label, update("label")))
        form.addRow("Kind", self._combo(NODE_KINDS, node.kind, update("kind"), optional=False))
        if node.kind != "entry":
            form.addRow("Gate", self._combo(GATES, node.effective_gate,
                                            lambda v: self._update("node", node_id, "gate",
                                                                   None if v == "or" else v),
                                            optional=False))
        form.addRow("Component", self._combo(tuple(self.document.model.components),
                                             node.component, update("component")))
        form.addRow("Access", self._combo(ACCESS_VALUES, node.access, update("access")))
        form.addRow("Skill", self._combo(SKILLS, node.skill, update("skill")))
        form.addRow("Cost", self._number(node.cost, 1.0, 1e9, update("cost")))
        form.addRow("Probability", self._number(node.probability, 1.0, 1.0,
                                                update("probability")))
        if node.kind == "goal":
            form.addRow("Impact", self._number(node.impact, 1.0, 1e9, update("impact")))
        form.addRow("Techniques", self._line(", ".join(node.techniques or ()),
                                             lambda v: self._update_list("techniques", node_id,
                                                                         v)))
        form.addRow("Refs", self._line(", ".join(node.refs or ()),
                                       lambda v: self._update_list("refs", node_id, v)))
        form.addRow("Fixed in", self._combo(tuple(self.document.model.releases),
                                            node.release_fixed, update("release_fixed")))
        form.addRow("Description", _Text(update("description")))
        text = form.itemAt(form.rowCount() - 1, QFormLayout.ItemRole.FieldRole).widget()
        text.setPlainText(node.description or "")  # type: ignore[union-attr]

    def _build_edge(self, form: QFormLayout, key: tuple[str, str]) -> None:
        edge = self.document.model.edge(*key)
        self.heading.setText(f"Edge {edge.source} → {edge.target}")
        form.addRow("Label", self._line(edge.label, lambda v: self._update(
            "edge", key, "label", v or None)))

    def _build_model(self, form: QFormLayout) -> None:
        model = self.document.model
        self.heading.setText("Model")
        form.addRow("Title", self._line(model.title, lambda v: self._set_model("title", v)))
        text = _Text(lambda v: self._set_model("description", v or None))
        text.setPlainText(model.description or "")
        form.addRow("Description", text)
        counts = QLabel(f"{len(model.nodes)} nodes, {len(model.edges)} edges, "
                        f"{len(model.mitigations)} mitigations, {len(model.components)} "
                        f"components, {len(model.profiles)} profiles, "
                        f"{len(model.releases)} releases")
        counts.setWordWrap(True)
        form.addRow(counts)

    # ------------------------------------------------------------- editing
    def _run(self, command: ModelCommand) -> None:
        reason = self.document.execute(command)
        if reason is None:
            self.error.hide()
        else:
            self.error.setText(reason)
            self.error.show()
            self._rebuild_timer.start()

    def _update(self, kind: str, key: Any, field: str, value: Any) -> None:
        current = (self.document.model.nodes[key] if kind == "node"
                   else self.document.model.edge(*key))
        if field == "description" and value == "":
            value = None
        if getattr(current, field) == value or (
            isinstance(value, float) and getattr(current, field) is None
            and value == {"cost": 1.0, "probability": 1.0, "impact": 1.0}.get(field)
        ):
            return
        self._run(UpdateCommand(self.document.model, kind, key, {field: value}))

    def _update_list(self, field: str, node_id: str, text: str) -> None:
        items = [part.strip() for part in text.split(",") if part.strip()]
        self._update("node", node_id, field, tuple(items) if items else None)

    def _rename(self, kind: str, old: str, new: str) -> None:
        if new != old:
            self._run(RenameCommand(self.document.model, kind, old, new.strip()))

    def _set_model(self, field: str, value: Any) -> None:
        if getattr(self.document.model, field) != value:
            self._run(SetModelFieldCommand(self.document.model, field, value))
