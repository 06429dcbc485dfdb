"""The mitigations dock: the model's defences in a table, with the actions to
add and remove them and to choose the nodes they block on the canvas.

The table model lists its columns in :attr:`MitigationTable.columns`, so the
analysis views can add their own (what-if switch, chains broken, ...): a
column may carry a check box (``checked`` / ``toggled``), a text colour, a
bold face and its own tooltip per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from attackgraph.gui.canvas.overlay import Badge, NodeMark, Overlay
from attackgraph.gui.canvas.scene import CanvasScene
from attackgraph.gui.commands import AddObjectCommand, RemoveObjectCommand, UpdateCommand
from attackgraph.gui.icons import icon
from attackgraph.gui.text import plain
from attackgraph.model import Mitigation, ModelEvent
from attackgraph.model.ids import new_id

__all__ = ["Column", "MitigationTable", "MitigationsDock"]

OVERLAY_LAYER = "mitigation"
BLOCKED_COLOR = "#2e7d32"
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column of the table: a header and how to show a mitigation.

    Parameters
    ----------
    header, tooltip : str
        The header and its tooltip.
    value : callable
        The cell's text.
    checked : callable, optional
        The cell has a check box in this state.
    toggled : callable, optional
        Called with the mitigation and the new state when the box is clicked.
    foreground : callable, optional
        A text colour (``#rrggbb``) or None.
    bold : callable, optional
        Whether the cell's text is bold.
    cell_tooltip : callable, optional
        The cell's tooltip (plain text; default: the mitigation's).
    numeric : bool
        Right-aligned.
    """

    header: str
    value: Callable[[Mitigation], Any]
    tooltip: str = ""
    checked: Callable[[Mitigation], bool] | None = None
    toggled: Callable[[Mitigation, bool], None] | None = None
    foreground: Callable[[Mitigation], str | None] | None = None
    bold: Callable[[Mitigation], bool] | None = None
    cell_tooltip: Callable[[Mitigation], str | None] | None = None
    numeric: bool = False


class MitigationTable(QAbstractTableModel):
    """The document's mitigations as rows."""

    def __init__(self, scene: CanvasScene) -> None:
        super().__init__()
        self.document = scene.document
        self.columns: list[Column] = [
            Column("Mitigation", lambda m: m.label, "Its label; the tooltip gives its id"),
            Column("Status", lambda m: m.effective_status),
            Column("Cost", lambda m: f"{m.effective_cost:g}"),
            Column(
                "Blocks",
                lambda m: len(m.blocks),
                "How many nodes it blocks (select the row to see them on the canvas)",
            ),
        ]
        self._ids: list[str] = list(self.document.model.mitigations)
        self.document.modelChanged.connect(self._on_event)
        self.document.modelReplaced.connect(self.reset)

    def reset(self) -> None:
        """List the model's mitigations again."""
        self.beginResetModel()
        self._ids = list(self.document.model.mitigations)
        self.endResetModel()

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Show other columns (the analysis adds its own)."""
        self.beginResetModel()
        self.columns = list(columns)
        self.endResetModel()

    def refresh(self) -> None:
        """Every cell may show something else now (a new analysis)."""
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(self.columns) - 1)
            )

    def mitigation_id(self, row: int) -> str | None:
        """The id shown in ``row``."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, mit_id: str) -> int:
        """The row of a mitigation (-1 if it is not listed)."""
        return self._ids.index(mit_id) if mit_id in self._ids else -1

    def _on_event(self, event: ModelEvent) -> None:
        if event.kind != "mitigation":
            return
        if event.action == "changed" and event.key in self._ids:
            row = self._ids.index(event.key)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))
        else:
            self.reset()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        mit = self.document.model.mitigations.get(self._ids[index.row()])
        if mit is None:
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.value(mit)
        if role == Qt.ItemDataRole.CheckStateRole and column.checked is not None:
            return Qt.CheckState.Checked if column.checked(mit) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            own = column.cell_tooltip(mit) if column.cell_tooltip is not None else None
            if own:
                return plain(own)
            nodes = self.document.model.nodes
            blocked = "\n".join(f"  {nodes[n].label} ({n})" for n in mit.blocks if n in nodes)
            return plain(f"{mit.label} ({mit.id})\nBlocks:\n{blocked}")
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            colour = column.foreground(mit)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.FontRole and column.bold is not None and column.bold(mit):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and (
            column.numeric or column.header in ("Cost", "Blocks")
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.columns[index.column()].checked is not None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        column = self.columns[index.column()] if index.isValid() else None
        if column is None or role != Qt.ItemDataRole.CheckStateRole or column.toggled is None:
            return False
        mit = self.document.model.mitigations.get(self._ids[index.row()])
        if mit is None:
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(int(value))
        column.toggled(mit, state == Qt.CheckState.Checked)
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.columns[section].tooltip or None
        return None


class MitigationsDock(QWidget):
    """Mitigations: list, add, remove, and blocked nodes chosen on the canvas.

    Signals
    -------
    chosen(str)
        A mitigation was chosen in the table (its id).
    message(str)
        A sentence for the status bar.
    """

    chosen = Signal(str)
    message = Signal(str)

    def __init__(self, scene: CanvasScene, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.document = scene.document
        self.table_model = MitigationTable(scene)
        self.table = QTableView()
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # Fitted when the rows change, not on every cell change: a what-if
        # switch rewrites every cell, and measuring them all again each time
        # costs more than the switch itself on a large model.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table_model.modelReset.connect(self.fit_columns)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(lambda index: self._row_changed(index, QModelIndex()))
        self.table_model.modelReset.connect(self._restore_choice)
        self.tools = QToolBar()
        self.tools.setIconSize(self.tools.iconSize() * 0.8)
        self.act_add = self.tools.addAction(icon("add"), "Add", self.add)
        self.act_add.setToolTip("Add a mitigation that blocks the nodes selected on the canvas")
        self.act_remove = self.tools.addAction(icon("remove"), "Remove", self.remove)
        self.act_remove.setToolTip("Delete the chosen mitigation")
        self.tools.addSeparator()
        self.act_block = self.tools.addAction(
            icon("mitigation"), "Block", lambda: self.block_selection(True)
        )
        self.act_block.setToolTip(
            "The chosen mitigation also blocks the nodes selected on the canvas"
        )
        self.act_unblock = self.tools.addAction(
            icon("close"), "Unblock", lambda: self.block_selection(False)
        )
        self.act_unblock.setToolTip("The chosen mitigation stops blocking the selected nodes")
        self.act_show = self.tools.addAction(icon("target"), "Show", self.show_blocked)
        self.act_show.setToolTip("Select the nodes the chosen mitigation blocks")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.tools)
        layout.addWidget(self.table)
        self._current: str | None = None
        self.document.modelChanged.connect(self._on_event)
        self._update_actions()

    def current_id(self) -> str | None:
        """The chosen mitigation."""
        return self._current if self._current in self.document.model.mitigations else None

    def choose(self, mit_id: str | None) -> None:
        """Choose a mitigation (None: none)."""
        row = -1 if mit_id is None else self.table_model.row_of(mit_id)
        if row < 0:
            self.table.clearSelection()
            self._set_current(None)
            return
        self.table.selectRow(row)
        self._set_current(mit_id)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        mit_id = self.table_model.mitigation_id(current.row()) if current.isValid() else None
        self._set_current(mit_id)
        if mit_id is not None:
            self.chosen.emit(mit_id)

    def _set_current(self, mit_id: str | None) -> None:
        self._current = mit_id
        self._show_overlay()
        self._update_actions()

    def _restore_choice(self) -> None:
        if self._current is not None and self.table_model.row_of(self._current) >= 0:
            self.table.selectRow(self.table_model.row_of(self._current))
        else:
            self._set_current(None)

    def _on_event(self, event: ModelEvent) -> None:
        if event.kind == "mitigation" and event.action == "renamed" and event.old == self._current:
            self._current = event.new
            self._restore_choice()
        if event.kind == "mitigation" and event.key == self._current:
            self._show_overlay()

    def _show_overlay(self) -> None:
        mit = self.document.model.mitigations.get(self._current or "")
        if mit is None:
            self.scene.set_overlay(OVERLAY_LAYER, None)
            return
        badge = Badge("blocked", BLOCKED_COLOR, f"Blocked by {mit.label} ({mit.id})")
        marks = {nid: NodeMark(accent=BLOCKED_COLOR, badges=(badge,)) for nid in mit.blocks}
        self.scene.set_overlay(OVERLAY_LAYER, Overlay(nodes=marks))

    def _update_actions(self) -> None:
        has = self.current_id() is not None
        for action in (self.act_remove, self.act_block, self.act_unblock, self.act_show):
            action.setEnabled(has)

    # ------------------------------------------------------------- actions
    def fit_columns(self) -> None:
        """Fit the columns after the first to their contents."""
        header = self.table.horizontalHeader()
        for column in range(1, self.table_model.columnCount()):
            if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Interactive:
                self.table.resizeColumnToContents(column)

    def add(self) -> None:
        """A new mitigation blocking the selected nodes (one is needed)."""
        nodes = self.scene.selected_node_ids()
        if not nodes:
            self.message.emit(
                "Select the nodes the new mitigation blocks first: a mitigation "
                "blocks at least one node."
            )
            return
        model = self.document.model
        mit = Mitigation(new_id("M", model.mitigations), "New mitigation", tuple(nodes))
        if self.scene.execute(AddObjectCommand(model, mit)):
            self.choose(mit.id)
            self.chosen.emit(mit.id)

    def remove(self) -> None:
        """Delete the chosen mitigation."""
        mit_id = self.current_id()
        if mit_id is not None:
            self.scene.execute(RemoveObjectCommand(self.document.model, "mitigation", mit_id))

    def block_selection(self, block: bool) -> None:
        """Add the selected nodes to (or take them from) the chosen mitigation."""
        mit_id = self.current_id()
        nodes = self.scene.selected_node_ids()
        if mit_id is None:
            return
        if not nodes:
            self.message.emit("Select nodes on the canvas first.")
            return
        mit = self.document.model.mitigations[mit_id]
        if block:
            blocks = (*mit.blocks, *(n for n in nodes if n not in mit.blocks))
        else:
            blocks = tuple(n for n in mit.blocks if n not in nodes)
        if blocks == mit.blocks:
            self.message.emit(
                "Nothing changes: "
                + ("they are all blocked already." if block else "it blocks none of them.")
            )
            return
        verb = "Block" if block else "Unblock"
        self.scene.execute(
            UpdateCommand(
                self.document.model,
                "mitigation",
                mit_id,
                {"blocks": blocks},
                text=f"{verb} {len(nodes)} node(s) by {mit_id}",
            )
        )

    def show_blocked(self) -> None:
        """Select the nodes the chosen mitigation blocks, and show them."""
        mit_id = self.current_id()
        if mit_id is None:
            return
        blocks = list(self.document.model.mitigations[mit_id].blocks)
        self.scene.select(nodes=blocks)
        for view in self.scene.views():
            rect = self.scene.nodes_rect(blocks)
            if rect.isValid():
                view.ensureVisible(rect, 40, 40)
