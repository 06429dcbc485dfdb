"""Table models of the analysis docks: goals, chains (with their filter).

They read the session's shown result and the model it was made from, and
only format: numbers come from the engine as the CLI prints them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QWidget

from attackgraph.analysis import Analysis, ChainResult
from attackgraph.gui.analysis.marks import Palette, palette
from attackgraph.gui.text import plain
from attackgraph.gui.theme import readable, tone
from attackgraph.model import AttackModel
from attackgraph.render.text import number as shared_number

__all__ = ["SORT_ROLE", "ChainFilter", "ChainTable", "GoalTable", "OnResize", "number"]

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def number(value: float | None) -> str:
    """A number as the CLI prints it (``–`` for None)."""
    return shared_number(value, "–")


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def chain_number(chain_id: str) -> int:
    """The number of ``C12`` in the whole model's listing (0 for a chain
    that listing does not have, named ``C-`` and its key)."""
    match = re.fullmatch(r"C(\d+)", chain_id)
    return int(match.group(1)) if match else 0


class OnResize(QObject):
    """Calls back when a widget changes size."""

    def __init__(self, callback: Callable[[], None], widget: QWidget) -> None:
        super().__init__(widget)
        self.callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.callback()
        return False


class _ResultTable(QAbstractTableModel):
    """Shared parts: the result, the model, the colours."""

    HEADERS: tuple[str, ...] = ()
    TIPS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.analysis: Analysis | None = None
        self.model: AttackModel = AttackModel()
        self.colours: Palette = palette(False)
        self.pending = False
        """The shown result is provisional or out of date (drawn in grey)."""

    def rows(self) -> int:
        return 0

    def same_rows(self, old: Analysis, new: Analysis) -> bool:
        """Whether ``new`` lists the same rows as ``old`` (cells change only)."""
        return False

    def forget(self) -> None:
        """Drop what was cached about the rows (they are replaced)."""

    def set_result(self, analysis: Analysis | None, model: AttackModel) -> None:
        """Show another result: the cells only when the rows stay the same
        (selection and scroll position stay), else a reset."""
        if (
            self.analysis is not None
            and analysis is not None
            and self.same_rows(self.analysis, analysis)
        ):
            self.analysis, self.model = analysis, model
            self.refresh()
            return
        self.beginResetModel()
        self.analysis, self.model = analysis, model
        self.forget()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else self.rows()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section < len(self.TIPS):
            return self.TIPS[section] or None
        return None

    def label(self, node_id: str) -> str:
        node = self.model.nodes.get(node_id)
        return node.label if node is not None else node_id

    def refresh(self) -> None:
        """Every cell may read differently (same rows)."""
        if self.rows():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rows() - 1, len(self.HEADERS) - 1)
            )


def depth_text(analysis: Analysis | None, goal_id: str) -> str:
    """A goal's depth for a cell: the number, ``–`` when nothing reopens it."""
    depth = analysis.depth if analysis is not None else None
    if depth is None:
        return ""
    try:
        item = depth.goal(goal_id)
    except KeyError:
        return ""
    if item.depth is None:
        return "–"
    return f"{item.depth}{'' if item.proven else '?'}" + (" ⚠" if item.depth == 1 else "")


def depth_tip(analysis: Analysis | None, goal_id: str, model: AttackModel) -> str | None:
    """Which mitigations hold a goal: the cut and the single points of failure."""
    depth = analysis.depth if analysis is not None else None
    if depth is None:
        return None
    try:
        item = depth.goal(goal_id)
    except KeyError:
        return None
    if item.depth is None:
        return "No defeat of in-effect mitigations reopens it: fixes or the profile hold it"
    if item.depth == 0:
        return "Reachable now: no mitigation to defeat"
    mits = model.mitigations

    def name(m: str) -> str:
        return f"  {mits[m].label if m in mits else m} ({m})"

    if item.depth == 1:
        text = (
            "A single point of failure: defeating any one of these alone reopens it:\n"
            + "\n".join(name(m) for m in item.single_points)
        )
    else:
        text = (
            f"Defeating these {item.depth} in-effect mitigations together reopens it "
            "(no smaller set does):\n" + "\n".join(name(m) for m in item.cut)
        )
    return plain(text)


class GoalTable(_ResultTable):
    """The analysed goals: reachable or safe, open chains, choke points."""

    HEADERS = ("Goal", "State", "Open", "Impact", "Depth", "Choke points")
    TIPS = (
        "The goal (tooltip: its id)",
        "Reachable: some chain to it is open",
        "Open chains of all its chains (? when there are more than the listed ones)",
        "The goal's impact (weight in the optimiser)",
        "Defence in depth: the least number of in-effect mitigations an attacker must "
        "defeat to reopen it (0: reachable; –: only fixes or the profile hold it)",
        "Steps in every chain to the goal: one mitigation there breaks them all",
    )

    def rows(self) -> int:
        return len(self.analysis.goals) if self.analysis else 0

    def same_rows(self, old: Analysis, new: Analysis) -> bool:
        return [g.id for g in old.goals] == [g.id for g in new.goals]

    def goal_id(self, row: int) -> str | None:
        """The goal shown in ``row``."""
        if self.analysis is None or not 0 <= row < len(self.analysis.goals):
            return None
        return self.analysis.goals[row].id

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.analysis is None or not index.isValid():
            return None
        goal = self.analysis.goals[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return goal.label
            if column == 1:
                return "⚑ reachable" if goal.reachable else "✓ safe"
            if column == 2:
                opened = "?" if goal.open_chains is None else str(goal.open_chains)
                total = "?" if goal.chains is None else str(goal.chains)
                return f"{opened} / {total}"
            if column == 3:
                return number(goal.impact)
            if column == 4:
                return depth_text(self.analysis, goal.id)
            return ", ".join(self.label(n) for n in goal.choke_points) or "–"
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and not self.pending:
            return readable(self.colours.open if goal.reachable else self.colours.safe)
        if role == Qt.ItemDataRole.ForegroundRole and self.pending:
            return tone("muted")
        if role == Qt.ItemDataRole.FontRole and column == 1:
            return _bold()
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3, 4):
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return depth_tip(self.analysis, goal.id, self.model)
        if role == Qt.ItemDataRole.ToolTipRole:
            chokes = "\n".join(f"  {self.label(n)} ({n})" for n in goal.choke_points)
            return plain(
                f"{goal.label} ({goal.id})\n"
                + (f"Choke points:\n{chokes}" if chokes else "No choke point")
            )
        if role == ID_ROLE:
            return goal.id
        return None


class ChainTable(_ResultTable):
    """The listed chains in the engine's order."""

    HEADERS = ("Chain", "Goal", "Steps", "Cost", "Probability", "State", "Depth", "Broken by")
    TIPS = (
        "Chain id, as `attackgraph analyze` numbers it (cheapest first)",
        "The goal it achieves",
        "Number of nodes, and the steps that set it apart from the other chains to "
        "its goal (tooltip: every step in order)",
        "Attacker effort: the sum of its nodes' costs",
        "Chance of success, with the partial mitigations in effect",
        "Open: no mitigation in effect breaks it",
        "Defence in depth: in-effect mitigations an attacker must defeat to reopen it "
        "(–: a release fixed one of its steps)",
        "Mitigations of effectiveness 1 that break it (✓: in effect now)",
    )

    def __init__(self) -> None:
        super().__init__()
        self._haystacks: dict[str, str] = {}
        self._by_goal: dict[str, list[tuple[str, frozenset[str]]]] | None = None
        self._distinct: dict[str, list[str]] = {}

    def rows(self) -> int:
        return len(self.analysis.chains) if self.analysis else 0

    def same_rows(self, old: Analysis, new: Analysis) -> bool:
        return len(old.chains) == len(new.chains) and all(
            a.id == b.id and a.nodes == b.nodes for a, b in zip(old.chains, new.chains, strict=True)
        )

    def forget(self) -> None:
        self._haystacks = {}
        self._by_goal = None

    def distinctive(self, chain: ChainResult) -> list[str]:
        """The steps of ``chain`` (in order) that its nearest neighbours, the
        listed chains to the same goal sharing most of its nodes, do not all
        have: what tells C11 from C10 when they differ in one node."""
        if self._by_goal is None:
            by_goal: dict[str, list[tuple[str, frozenset[str]]]] = {}
            for other in self.analysis.chains if self.analysis else ():
                by_goal.setdefault(other.goal, []).append((other.id, frozenset(other.nodes)))
            self._by_goal, self._distinct = by_goal, {}
        known = self._distinct.get(chain.id)
        if known is not None:
            return known
        nodes = frozenset(chain.nodes)
        others = [
            other for other_id, other in self._by_goal.get(chain.goal, ()) if other_id != chain.id
        ]
        best = max(((len(nodes & o), -len(nodes ^ o)) for o in others), default=None)
        apart = {n for o in others if (len(nodes & o), -len(nodes ^ o)) == best for n in nodes - o}
        result = [n for n in chain.nodes if n in apart and n != chain.goal]
        self._distinct[chain.id] = result
        return result

    def chain(self, row: int) -> ChainResult | None:
        """The chain shown in source ``row``."""
        if self.analysis is None or not 0 <= row < len(self.analysis.chains):
            return None
        return self.analysis.chains[row]

    def row_of(self, chain_id: str) -> int:
        """The source row of a chain (-1: not listed)."""
        if self.analysis is None:
            return -1
        row = chain_number(chain_id) - 1
        chains = self.analysis.chains
        if 0 <= row < len(chains) and chains[row].id == chain_id:
            return row
        return next((i for i, c in enumerate(chains) if c.id == chain_id), -1)

    def haystack(self, row: int) -> str:
        """Everything a filter may match in a chain, lower case."""
        chain = self.chain(row)
        if chain is None:
            return ""
        text = self._haystacks.get(chain.id)
        if text is None:
            parts = [chain.id, chain.goal, self.label(chain.goal), *chain.nodes, *chain.broken_by]
            for node_id in chain.nodes:
                node = self.model.nodes.get(node_id)
                if node is not None:
                    parts += [node.label, *(node.techniques or ()), *(node.refs or ())]
            text = "\n".join(parts).lower()
            self._haystacks[chain.id] = text
        return text

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.analysis is None or not index.isValid():
            return None
        chain = self.analysis.chains[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(chain, column)
        if role == SORT_ROLE:  # asked n log n times per sort: only this column's key
            if column == 0:  # by name: C3 before C12, then the unlisted ones (C-…)
                return chain_number(chain.id) or 10**9 + index.row()
            if column == 1:
                return self.label(chain.goal).lower()
            if column == 2:
                return len(chain.nodes)
            if column == 3:
                return chain.cost
            if column == 4:
                return chain.probability
            if column == 5:
                return chain.open
            if column == 6:
                value = self._depth(chain)
                return 1 << 30 if value is None else value
            return len(chain.broken_by)
        if role == ID_ROLE:
            return chain.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if self.pending:
                return tone("muted")
            if column in (0, 5):
                return readable(self.colours.open if chain.open else self.colours.broken)
            return None
        if role == Qt.ItemDataRole.FontRole and column in (0, 5) and chain.open:
            return _bold()
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (2, 3, 4, 6):
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(chain)
        return None

    def _text(self, chain: ChainResult, column: int) -> str:
        if column == 0:
            return chain.id
        if column == 1:
            return self.label(chain.goal)
        if column == 2:
            different = self.distinctive(chain)
            return (
                f"{len(chain.nodes)} · via " + ", ".join(self.label(n) for n in different)
                if different
                else str(len(chain.nodes))
            )
        if column == 3:
            return number(chain.cost)
        if column == 4:
            return f"{chain.probability:.3g}"
        if column == 5:
            return "open" if chain.open else "broken"
        if column == 6:
            value = self._depth(chain)
            return "–" if value is None else str(value)
        in_effect = set(self.analysis.in_effect) if self.analysis else set()
        return ", ".join(f"✓{m}" if m in in_effect else m for m in chain.broken_by) or "–"

    def _depth(self, chain: ChainResult) -> int | None:
        depth = self.analysis.depth if self.analysis else None
        return depth.chains.get(chain.id) if depth is not None else None

    def _tooltip(self, chain: ChainResult) -> str:
        in_effect = set(self.analysis.in_effect) if self.analysis else set()
        steps = "\n".join(f"  {i}. {self.label(n)}" for i, n in enumerate(chain.nodes, 1))
        mitigations = self.model.mitigations
        breakers = (
            "\n".join(
                f"  {'✓ ' if m in in_effect else ''}"
                f"{mitigations[m].label if m in mitigations else m} ({m})"
                for m in chain.broken_by
            )
            or "  nothing: no mitigation blocks its steps"
        )
        return plain(
            f"{chain.id} → {self.label(chain.goal)} "
            f"({'open' if chain.open else 'broken'})\n{steps}\nBroken by:\n{breakers}"
        )


class ChainFilter(QSortFilterProxyModel):
    """Chains matching a text, a goal and "open only"; sortable by any column."""

    def __init__(self, source: ChainTable) -> None:
        super().__init__()
        self.table = source
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.text = ""
        self.goal: str | None = None
        self.open_only = False

    def set_filter(
        self,
        *,
        text: str | None = None,
        goal: str | bool | None = False,
        open_only: bool | None = None,
    ) -> None:
        """Change some of the criteria (``goal=False``: leave it)."""
        changing = hasattr(self, "beginFilterChange")  # Qt 6.10; older: invalidate
        if changing:
            self.beginFilterChange()
        if text is not None:
            self.text = text.strip().lower()
        if goal is not False:
            self.goal = goal  # type: ignore[assignment]
        if open_only is not None:
            self.open_only = open_only
        if changing:
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        chain = self.table.chain(source_row)
        if chain is None:
            return False
        if self.open_only and not chain.open:
            return False
        if self.goal is not None and chain.goal != self.goal:
            return False
        if self.text:
            haystack = self.table.haystack(source_row)
            return all(word in haystack for word in self.text.split())
        return True
