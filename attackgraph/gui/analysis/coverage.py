"""The Coverage dock: the chain x mitigation matrix.

A green cell: the mitigation breaks the chain (solid when it is in effect,
pale when it is not); amber: a partial mitigation lowers the chain's
probability. Row headers are the chains (red while open), column headers
the mitigations, written upwards. Clicking a cell highlights the chain and
chooses the mitigation; double-clicking switches the mitigation for the
what-if.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from attackgraph.analysis import Analysis
from attackgraph.gui.analysis.marks import Palette, palette
from attackgraph.gui.analysis.session import AnalysisSession
from attackgraph.gui.text import plain
from attackgraph.gui.theme import contrast_ratio, readable
from attackgraph.model import AttackModel

__all__ = ["CoverageDock", "CoverageTable"]

Index = QModelIndex | QPersistentModelIndex
CELL = 22
HEADER_TEXT_MAX = 72
"""Longest mitigation id shown unelided above the matrix, in pixels."""
BREAKS, BREAKS_OFF, PARTIAL, PARTIAL_OFF = 1, 2, 3, 4


def _mix(colour: str, base: QColor, amount: float) -> QColor:
    c = QColor(colour)
    return QColor.fromRgbF(
        base.redF() + (c.redF() - base.redF()) * amount,
        base.greenF() + (c.greenF() - base.greenF()) * amount,
        base.blueF() + (c.blueF() - base.blueF()) * amount,
    )


class CoverageTable(QAbstractTableModel):
    """Listed chains (rows) against mitigations (columns)."""

    def __init__(self) -> None:
        super().__init__()
        self.analysis: Analysis | None = None
        self.model = AttackModel()
        self.mitigations: list[str] = []
        self.colours: Palette = palette(False)
        self.base = QColor("#ffffff")
        self.only_breaking = True
        self._cells: list[dict[int, int]] = []

    def set_result(
        self,
        analysis: Analysis | None,
        model: AttackModel,
        partial: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        """Show another result; ``partial`` lists each chain's partial mitigations."""
        self.beginResetModel()
        self.analysis, self.model = analysis, model
        in_effect = set(analysis.in_effect) if analysis else set()
        results = {m.id: m for m in analysis.mitigations} if analysis else {}
        self.mitigations = [
            m
            for m in model.mitigations
            if m in results and (not self.only_breaking or results[m].breaks or not results[m].full)
        ]
        column = {m: i for i, m in enumerate(self.mitigations)}
        self._cells = []
        for i, chain in enumerate(analysis.chains if analysis else ()):
            cells: dict[int, int] = {}
            for mit in chain.broken_by:
                if mit in column:
                    cells[column[mit]] = BREAKS if mit in in_effect else BREAKS_OFF
            for mit in partial[i] if i < len(partial) else ():
                if mit in column:
                    cells[column[mit]] = PARTIAL if mit in in_effect else PARTIAL_OFF
            self._cells.append(cells)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() or self.analysis is None else len(self.analysis.chains)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.mitigations)

    def chain_id(self, row: int) -> str | None:
        """The chain of a row."""
        if self.analysis is None or not 0 <= row < len(self.analysis.chains):
            return None
        return self.analysis.chains[row].id

    def mitigation_id(self, column: int) -> str | None:
        """The mitigation of a column."""
        return self.mitigations[column] if 0 <= column < len(self.mitigations) else None

    def cell(self, row: int, column: int) -> int:
        """0 (nothing), or what the mitigation does to the chain."""
        return self._cells[row].get(column, 0) if 0 <= row < len(self._cells) else 0

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.analysis is None:
            return None
        kind = self.cell(index.row(), index.column())
        if role == Qt.ItemDataRole.BackgroundRole and kind:
            colours = self.colours
            return {
                BREAKS: QColor(colours.blocked),
                BREAKS_OFF: _mix(colours.blocked, self.base, 0.28),
                PARTIAL: QColor(colours.partial),
                PARTIAL_OFF: _mix(colours.partial, self.base, 0.28),
            }[kind]
        if role == Qt.ItemDataRole.DisplayRole and kind in (PARTIAL, PARTIAL_OFF):
            return "◐"
        if role == Qt.ItemDataRole.ForegroundRole and kind in (PARTIAL, PARTIAL_OFF):
            ground = (
                QColor(self.colours.partial)
                if kind == PARTIAL
                else _mix(self.colours.partial, self.base, 0.28)
            )
            return (
                QColor("#ffffff")
                if contrast_ratio("#ffffff", ground) >= 4.5
                else readable("#000000" if ground.lightness() > 110 else "#ffffff", ground)
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            chain = self.analysis.chains[index.row()]
            mit_id = self.mitigations[index.column()]
            mit = self.model.mitigations.get(mit_id)
            name = f"{mit.label} ({mit_id})" if mit else mit_id
            what = {
                BREAKS: "breaks it (in effect)",
                BREAKS_OFF: "would break it (not in effect)",
                PARTIAL: "lowers its probability (in effect)",
                PARTIAL_OFF: "would lower its probability",
            }.get(kind, "does not touch it")
            return plain(
                f"{chain.id} → {chain.goal}: {name} {what}.\n"
                "Double-click to switch the mitigation for the what-if."
            )
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.analysis is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            if not 0 <= section < len(self.analysis.chains):
                return None
            chain = self.analysis.chains[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return chain.id
            if role == Qt.ItemDataRole.ForegroundRole:
                return readable(self.colours.open if chain.open else self.colours.broken)
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain(f"{chain.id} → {chain.goal} ({'open' if chain.open else 'broken'})")
            return None
        if not 0 <= section < len(self.mitigations):
            return None
        mit_id = self.mitigations[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return mit_id
        if role == Qt.ItemDataRole.ToolTipRole:
            mit = self.model.mitigations.get(mit_id)
            return plain(f"{mit.label} ({mit_id})" if mit else mit_id)
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and self.analysis is not None
            and mit_id in set(self.analysis.in_effect)
        ):
            return QColor(self.colours.blocked)
        return None


class _UpwardHeader(QHeaderView):
    """Column titles written bottom to top, so that many narrow columns fit."""

    def __init__(self) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        self.setSectionsClickable(True)
        self.setHighlightSections(True)
        self.setDefaultSectionSize(CELL)
        self.setMinimumSectionSize(CELL)
        self.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

    def sizeHint(self) -> QSize:
        model = self.model()
        metrics = self.fontMetrics()
        longest = (
            max(
                (
                    metrics.horizontalAdvance(str(model.headerData(i, Qt.Orientation.Horizontal)))
                    for i in range(model.columnCount())
                ),
                default=40,
            )
            if model is not None
            else 40
        )
        # capped, so that a docked matrix keeps room for rows (full names in tooltips)
        return QSize(super().sizeHint().width(), min(longest, HEADER_TEXT_MAX) + 14)

    def paintSection(self, painter: QPainter, rect: QRect, index: int) -> None:
        painter.save()
        super().paintSection(painter, rect, -1)  # the section's background only
        painter.restore()
        model = self.model()
        if model is None:
            return
        text = str(model.headerData(index, Qt.Orientation.Horizontal) or "")
        colour = model.headerData(index, Qt.Orientation.Horizontal, Qt.ItemDataRole.ForegroundRole)
        painter.save()
        painter.setPen(
            colour
            if isinstance(colour, QColor)
            else self.palette().color(self.palette().ColorRole.ButtonText)
        )
        font = QFont(self.font())
        if isinstance(colour, QColor):
            font.setBold(True)
        painter.setFont(font)
        painter.translate(
            rect.left() + rect.width() / 2 + self.fontMetrics().ascent() / 2 - 1, rect.bottom() - 6
        )
        painter.rotate(-90)
        elided = QFontMetrics(font).elidedText(
            text, Qt.TextElideMode.ElideRight, rect.height() - 10
        )
        painter.drawText(0, 0, elided)
        painter.restore()


class _SeeThroughSelection(QStyledItemDelegate):
    """Cells keep their colours when selected: the chosen chain's row gets a
    tint and a frame in the highlight colour instead of a solid fill."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if not selected:
            super().paint(painter, option, index)
            return
        plain = QStyleOptionViewItem(option)
        plain.state &= ~QStyle.StateFlag.State_Selected
        painter.fillRect(option.rect, option.palette.base())  # the view filled the row
        super().paint(painter, plain, index)
        highlight = QColor(option.palette.color(option.palette.ColorRole.Highlight))
        painter.save()
        tint = QColor(highlight)
        tint.setAlpha(32)
        painter.fillRect(option.rect, tint)
        painter.setPen(QPen(highlight, 2))
        rect = option.rect
        painter.drawLine(rect.topLeft() + QPoint(0, 1), rect.topRight() + QPoint(0, 1))
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.restore()


class CoverageDock(QWidget):
    """The matrix with a legend.

    Signals
    -------
    mitigationChosen(str)
        A cell or column header was clicked: show this mitigation.
    """

    mitigationChosen = Signal(str)

    def __init__(self, session: AnalysisSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.table_model = CoverageTable()
        self.table = QTableView()
        self.table.setHorizontalHeader(_UpwardHeader())
        self.table.setModel(self.table_model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setShowGrid(True)
        vertical = self.table.verticalHeader()
        vertical.setHighlightSections(True)  # the chosen chain's row name in bold
        self.table.setItemDelegate(_SeeThroughSelection(self.table))
        vertical.setDefaultSectionSize(CELL - 2)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.clicked.connect(self._clicked)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.horizontalHeader().sectionClicked.connect(self._column_clicked)
        vertical.sectionClicked.connect(self._row_clicked)
        self.only_breaking = QCheckBox("Only those touching a chain")
        self.only_breaking.setChecked(True)
        self.only_breaking.toggled.connect(self._only_breaking)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 2)
        bar.addWidget(self.legend, 1)
        bar.addWidget(self.only_breaking)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        session.resultChanged.connect(self.refresh)
        session.highlightChanged.connect(self._show_highlight)
        self.set_dark(False)

    def set_dark(self, dark: bool) -> None:
        """Colours for the theme."""
        colours = palette(dark)
        self.table_model.colours = colours
        self.table_model.base = self.palette().color(self.palette().ColorRole.Base)
        swatch = ('<span style="background:{0};color:{0}">&nbsp;■&nbsp;</span> {1}').format
        self.legend.setText(
            " &nbsp; ".join(
                [
                    swatch(colours.blocked, "breaks it, in effect"),
                    swatch(
                        _mix(colours.blocked, self.table_model.base, 0.28).name(), "would break it"
                    ),
                    swatch(colours.partial, "◐ partial"),
                ]
            )
        )
        self.refresh()

    def refresh(self) -> None:
        """Show the session's result."""
        session = self.session
        computed = session.computed
        model = computed.model if computed else session.model
        self.table_model.set_result(
            session.analysis, model, computed.partial_touching if computed else ()
        )
        self._show_highlight()

    def _only_breaking(self, on: bool) -> None:
        self.table_model.only_breaking = on
        self.refresh()

    def _show_highlight(self) -> None:
        chain = self.session.highlighted_chain()
        if chain is None:
            return
        row = next(
            (
                i
                for i in range(self.table_model.rowCount())
                if self.table_model.chain_id(i) == chain.id
            ),
            -1,
        )
        if row >= 0:  # the whole row, although a click selects one cell
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.selectionModel().select(self.table_model.index(row, 0), flags)
            self.table.scrollTo(self.table_model.index(row, 0))

    def _clicked(self, index: QModelIndex) -> None:
        chain = self.table_model.chain_id(index.row())
        mit = self.table_model.mitigation_id(index.column())
        if chain:
            self.session.set_highlight(chain)
        if mit:
            self.mitigationChosen.emit(mit)

    def _double_clicked(self, index: QModelIndex) -> None:
        mit = self.table_model.mitigation_id(index.column())
        if mit:
            self.session.switch(mit, not self.session.in_effect(mit))

    def _row_clicked(self, row: int) -> None:
        chain = self.table_model.chain_id(row)
        if chain:
            self.session.set_highlight(chain)

    def _column_clicked(self, column: int) -> None:
        mit = self.table_model.mitigation_id(column)
        if mit:
            self.mitigationChosen.emit(mit)
