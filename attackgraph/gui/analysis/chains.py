"""The Chains dock: the goals at a glance, then every listed chain in a
sortable, filterable table; choosing a chain highlights it on the canvas
and dims the rest."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from attackgraph.gui.analysis.marks import palette
from attackgraph.gui.analysis.session import AnalysisSession
from attackgraph.gui.analysis.tables import ChainFilter, ChainTable, GoalTable, OnResize
from attackgraph.gui.icons import icon
from attackgraph.gui.text import plain
from attackgraph.gui.theme import tone

__all__ = ["ChainsDock", "result_summary"]


def _table(model: object) -> QTableView:
    view = QTableView()
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(22)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    return view


def result_summary(session: AnalysisSession) -> str:
    """One line on the shown result: goals reachable, chains open, state."""
    analysis = session.analysis
    if analysis is None:
        return session.error or "Analysing…"
    reachable = sum(g.reachable for g in analysis.goals)
    opened = sum(c.open for c in analysis.chains)
    more = "+" if analysis.truncated else ""
    text = (
        f"{reachable} of {len(analysis.goals)} goals reachable · {opened} of "
        f"{len(analysis.chains)}{more} chains open"
    )
    if analysis.profile:
        text += f" · profile {analysis.profile}"
    if analysis.at_release:
        text += f" · at {analysis.at_release}"
    if session.overrides:
        text += f" · what-if ({len(session.overrides)} switched)"
    return text


class ChainsDock(QWidget):
    """Goals summary, filter bar and chain table.

    Signals
    -------
    presentRequested(str)
        Present this chain in trainer mode.
    storyRequested(str)
        Add this chain to the model's presentation story.
    zoomRequested(str)
        Show the whole chain on the canvas.
    """

    presentRequested = Signal(str)
    storyRequested = Signal(str)
    zoomRequested = Signal(str)

    def __init__(self, session: AnalysisSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state_label = QLabel()
        self.goal_table = GoalTable()
        self.goals = _table(self.goal_table)
        self.goals.clicked.connect(self._goal_clicked)
        head = self.goals.horizontalHeader()
        # The goal takes what the short columns leave; it is elided only when
        # the pane is really too narrow (its tooltip has the whole label).
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setStretchLastSection(True)
        self._goals_resized = OnResize(self.fit_goal_columns, self.goals.viewport())
        self.chain_table = ChainTable()
        self.filter = ChainFilter(self.chain_table)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter: chain, step, technique, CVE or mitigation")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: self._filter(text=text))
        self.goal_choice = QComboBox()
        self.goal_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.goal_choice.setMinimumContentsLength(8)
        self.goal_choice.setToolTip("Only the chains to this goal")
        self.goal_choice.currentIndexChanged.connect(self._goal_chosen)
        self.open_only = QCheckBox("Open only")
        self.open_only.toggled.connect(lambda on: self._filter(open_only=on))
        self.clear_button = QToolButton()
        self.clear_button.setIcon(icon("close"))
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip("Stop highlighting the chain (Esc on the canvas)")
        self.clear_button.clicked.connect(self.clear_highlight)
        self.chains = _table(self.filter)
        self.chains.setSortingEnabled(True)
        self.chains.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        head = self.chains.horizontalHeader()
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        head.setStretchLastSection(True)
        self.chains.selectionModel().currentRowChanged.connect(self._row_changed)
        self.chains.doubleClicked.connect(self._double_clicked)
        self.chains.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.chains.customContextMenuRequested.connect(self._context_menu)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        self.search.setMinimumWidth(80)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.goal_choice)
        bar.addWidget(self.open_only)
        bar.addWidget(self.clear_button)
        top = QHBoxLayout()
        top.setContentsMargins(6, 4, 6, 2)
        top.addWidget(self.summary, 1)
        top.addWidget(self.state_label)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(top)
        column.addWidget(self.goals, 1)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(bar)
        column.addWidget(self.chains, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self._syncing = False
        self._sized = False
        self._split = False
        session.resultChanged.connect(self.refresh)
        session.highlightChanged.connect(self._show_highlight)
        session.busyChanged.connect(lambda _busy: self._show_state())
        session.failed.connect(lambda _message: self._show_state())
        self.refresh()

    # ------------------------------------------------------------ updates
    def set_dark(self, dark: bool) -> None:
        """Colours for the theme."""
        for table in (self.goal_table, self.chain_table):
            table.colours = palette(dark)
            table.refresh()

    def refresh(self) -> None:
        """Show the session's result."""
        session = self.session
        model = session.computed.model if session.computed else session.model
        for table in (self.goal_table, self.chain_table):
            table.pending = session.analysis is not None and session.stale
        self._syncing = True
        try:
            self.goal_table.set_result(session.analysis, model)
            self.chain_table.set_result(session.analysis, model)
            self._fill_goal_choice()
        finally:
            self._syncing = False
        if not self._sized and session.analysis is not None and session.analysis.chains:
            self._sized = True
            self.fit_columns()
        elif self._sized:
            self.fit_goal_columns()  # a few rows: cheap, and counts may read wider
        self._show_state()
        self._show_highlight()
        self._count()

    def fit_goal_columns(self) -> None:
        """State, Open, Impact and Depth to their contents; the goal takes what
        they leave (150 px to its contents); choke points get the rest."""
        goals = self.goals
        for column in (1, 2, 3, 4):
            goals.resizeColumnToContents(column)
        short = sum(goals.columnWidth(c) for c in (1, 2, 3, 4))
        wanted = max(goals.sizeHintForColumn(0), 150)
        goals.setColumnWidth(0, max(150, min(wanted, goals.viewport().width() - short - 60)))

    def fit_columns(self) -> None:
        """Size the chain columns to their contents; the long ones (goal,
        steps) get at most about a third of the table each, the rest goes to
        "Broken by"; everything elided has the full text in its tooltip."""
        self.fit_goal_columns()
        width = max(self.chains.viewport().width(), 480)
        head = self.chains.horizontalHeader()
        head.setResizeContentsPrecision(300)
        for column in range(7):  # up to Depth; "Broken by" takes the rest
            self.chains.resizeColumnToContents(column)
        for column in (1, 2):
            self.chains.setColumnWidth(
                column, max(120, min(self.chains.columnWidth(column), int(width * 0.3)))
            )
        if sum(self.splitter.sizes()) > 0 and not self._split:
            self._split = True
            total = sum(self.splitter.sizes())
            left = min(max(int(total * 0.42), 300), total // 2)
            self.splitter.setSizes([left, total - left])

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the columns to the first real size the dock gets."""
        super().resizeEvent(event)
        if self._sized and not self._split and self.isVisible():
            self.fit_columns()

    def _show_state(self) -> None:
        session = self.session
        if session.error and not session.busy:
            text, colour = "⚠ out of date", tone("warning").name()
            tip = plain(session.error)
        elif session.busy:
            text, colour = "updating…", tone("muted").name()
            tip = "The analysis runs again after your last change"
        else:
            text, colour, tip = "", "", ""
        self.state_label.setText(text)
        self.state_label.setToolTip(tip)
        self.state_label.setStyleSheet(f"color: {colour};" if colour else "")

    def _fill_goal_choice(self) -> None:
        analysis = self.session.analysis
        wanted = self.filter.goal
        self.goal_choice.blockSignals(True)
        self.goal_choice.clear()
        self.goal_choice.addItem("All goals", None)
        for goal in analysis.goals if analysis else ():
            self.goal_choice.addItem(plain(goal.label), goal.id)
            self.goal_choice.setItemData(
                self.goal_choice.count() - 1,
                plain(f"{goal.label} ({goal.id})"),
                Qt.ItemDataRole.ToolTipRole,
            )
        index = self.goal_choice.findData(wanted) if wanted else 0
        self.goal_choice.setCurrentIndex(max(index, 0))
        # The list opens wide enough for whole goal names; the closed combo
        # elides the chosen one and says it whole in its tooltip.
        view = self.goal_choice.view()
        view.setMinimumWidth(min(view.sizeHintForColumn(0) + 24, 640))
        chosen = self.goal_choice.itemData(
            self.goal_choice.currentIndex(), Qt.ItemDataRole.ToolTipRole
        )
        self.goal_choice.setToolTip(
            f"Only the chains to this goal: {chosen}" if chosen else "Only the chains to this goal"
        )
        self.goal_choice.blockSignals(False)
        if wanted and index < 0:
            self.filter.set_filter(goal=None)

    def _count(self) -> None:
        shown, total = self.filter.rowCount(), self.chain_table.rowCount()
        text = result_summary(self.session)
        if shown != total:
            text += f" · {shown} shown"
        self.summary.setText(text)

    # ------------------------------------------------------------ filter
    def _filter(self, **criteria: object) -> None:
        self.filter.set_filter(**criteria)  # type: ignore[arg-type]
        self._count()
        self._show_highlight()

    def _goal_chosen(self, index: int) -> None:
        self._filter(goal=self.goal_choice.itemData(index))
        chosen = self.goal_choice.itemData(index, Qt.ItemDataRole.ToolTipRole)
        self.goal_choice.setToolTip(
            f"Only the chains to this goal: {chosen}" if chosen else "Only the chains to this goal"
        )

    def _goal_clicked(self, index: QModelIndex) -> None:
        goal = self.goal_table.goal_id(index.row())
        same = goal == self.filter.goal
        self.goal_choice.setCurrentIndex(0 if same else max(self.goal_choice.findData(goal), 0))

    def set_filter_text(self, text: str) -> None:
        """Filter the chains by a text (as typed in the filter field)."""
        self.search.setText(text)

    # ------------------------------------------------------------ highlight
    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        chain = self.chain_table.chain(self.filter.mapToSource(current).row())
        self.session.set_highlight(chain.id if chain else None)

    def select_chain(self, chain_id: str | None) -> None:
        """Choose a chain in the table (and so highlight it)."""
        self.session.set_highlight(chain_id)

    def clear_highlight(self) -> None:
        """Stop highlighting a chain."""
        self.session.set_highlight(None)

    def _show_highlight(self) -> None:
        chain = self.session.highlighted_chain()
        self.clear_button.setEnabled(chain is not None)
        selection = self.chains.selectionModel()
        self._syncing = True
        try:
            row = self.chain_table.row_of(chain.id) if chain else -1
            index = (
                self.filter.mapFromSource(self.chain_table.index(row, 0))
                if row >= 0
                else QModelIndex()
            )
            if index.isValid():
                selection.setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.chains.scrollTo(index)
            else:
                selection.clearSelection()
                selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
        finally:
            self._syncing = False

    def _chain_at(self, index: QModelIndex) -> str | None:
        if not index.isValid():
            return None
        chain = self.chain_table.chain(self.filter.mapToSource(index).row())
        return chain.id if chain else None

    def _double_clicked(self, index: QModelIndex) -> None:
        chain_id = self._chain_at(index)
        if chain_id:
            self.session.set_highlight(chain_id)
            self.zoomRequested.emit(chain_id)

    def _context_menu(self, pos: QPoint) -> None:
        chain_id = self._chain_at(self.chains.indexAt(pos))
        if chain_id is None:
            return
        menu = QMenu(self)
        menu.addAction("Show on the Canvas", lambda: self.zoomRequested.emit(chain_id))
        menu.addAction("Present This Chain (F5)", lambda: self.presentRequested.emit(chain_id))
        menu.addAction("Add to the Presentation Story", lambda: self.storyRequested.emit(chain_id))
        menu.popup(self.chains.viewport().mapToGlobal(pos))
