"""The what-if in the Mitigations dock: each mitigation's check box switches
it on or off for the analysis (the saved ``status`` stays as it is), and
columns say what it does: chains broken, goals it alone makes unreachable,
status, cost, release and design property."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QHeaderView

from attackgraph.analysis import MitigationResult
from attackgraph.gui.analysis.marks import palette
from attackgraph.gui.analysis.session import AnalysisSession
from attackgraph.gui.analysis.tables import OnResize
from attackgraph.gui.docks.mitigations import Column, MitigationsDock
from attackgraph.gui.icons import icon
from attackgraph.gui.theme import tone
from attackgraph.model import Mitigation

__all__ = ["WhatIfColumns"]

SWITCHED_COLOR = "#1f6feb"


class WhatIfColumns:
    """Adds the what-if columns to a mitigations dock and keeps them current."""

    def __init__(self, dock: MitigationsDock, session: AnalysisSession) -> None:
        self.dock, self.session = dock, session
        self.dark = False
        table = dock.table_model
        by_header = {c.header: c for c in table.columns}
        label = by_header.get("Mitigation", table.columns[0])
        table.set_columns(
            [
                replace(
                    label,
                    checked=self._checked,
                    toggled=self._toggled,
                    bold=self._switched,
                    tooltip="Check to switch it on for the what-if (the saved status does "
                    "not change); bold: switched",
                    cell_tooltip=self._label_tip,
                ),
                Column(
                    "Breaks",
                    self._breaks,
                    "Listed chains it breaks (effectiveness 1); "
                    "◐: partial, it only lowers their probability",
                    numeric=True,
                    cell_tooltip=self._breaks_tip,
                ),
                Column(
                    "Alone",
                    self._alone,
                    "★: switched on alone, it makes these reachable goals unreachable",
                    foreground=lambda _m: palette(self.dark).choke,
                    cell_tooltip=self._alone_tip,
                ),
                Column(
                    "Status",
                    self._status,
                    "The saved status; a what-if shows after the arrow",
                    foreground=self._status_colour,
                ),
                Column(
                    "Holds",
                    self._holds,
                    "⚠: in effect, it alone holds these goals closed: "
                    "defeating it reopens them (a single point of failure)",
                    foreground=lambda _m: tone("danger").name(),
                    cell_tooltip=self._holds_tip,
                ),
                by_header.get("Cost", Column("Cost", lambda m: f"{m.effective_cost:g}")),
                Column("Release", lambda m: m.release or "–", "The release that ships it"),
                Column(
                    "Property", lambda m: m.property or "–", "The design property it implements"
                ),
                by_header.get("Blocks", Column("Blocks", lambda m: len(m.blocks))),
            ]
        )
        dock.tools.addSeparator()
        self.act_reset = dock.tools.addAction(icon("undo"), "Reset What-if", session.reset_what_if)
        self.act_reset.setToolTip("Switch every mitigation back to its saved status")
        header = dock.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 190)
        session.resultChanged.connect(self.refresh)
        session.stateChanged.connect(self.refresh)
        session.resultChanged.connect(self._fit)
        dock.table_model.modelReset.connect(self._fit_name)
        self._resized = OnResize(self._fit_name, dock.table.viewport())
        self.refresh()
        dock.fit_columns()
        self._fit_name()

    def _fit(self) -> None:
        if not self.session.provisional:  # a full result: the columns may read wider
            self.dock.fit_columns()
            self._fit_name()

    def _fit_name(self) -> None:
        """The name column takes what Breaks, Alone and Status leave in the
        view (at least 150 px, at most its contents); the columns after
        Status scroll into view. A name cut short has its tooltip."""
        table = self.dock.table
        shown = sum(table.columnWidth(c) for c in range(1, 4))
        wanted = max(table.sizeHintForColumn(0), 150)
        table.setColumnWidth(0, max(150, min(wanted, table.viewport().width() - shown - 2)))

    def refresh(self) -> None:
        """Show the session's state."""
        self.act_reset.setEnabled(bool(self.session.overrides))
        self.dock.table_model.refresh()

    def _result(self, mit: Mitigation) -> MitigationResult | None:
        analysis = self.session.analysis
        if analysis is None:
            return None
        try:
            return analysis.mitigation(mit.id)
        except KeyError:
            return None

    def _checked(self, mit: Mitigation) -> bool:
        if mit.id in self.session.overrides:
            return self.session.overrides[mit.id]
        result = self._result(mit)
        return result.in_effect if result is not None else mit.effective_status == "deployed"

    def _toggled(self, mit: Mitigation, on: bool) -> None:
        self.session.switch(mit.id, on)

    def _switched(self, mit: Mitigation) -> bool:
        return self.session.is_switched(mit.id)

    def _label_tip(self, mit: Mitigation) -> str:
        state = "in effect" if self._checked(mit) else "not in effect"
        switched = " (what-if)" if self._switched(mit) else ""
        return f"{mit.label} ({mit.id})\n{state}{switched}; saved status: {mit.effective_status}"

    def _breaks(self, mit: Mitigation) -> str:
        result = self._result(mit)
        if result is None:
            return ""
        if not result.full:
            return f"◐ {mit.effective_effectiveness * 100:.0f} %"
        return str(len(result.breaks))

    def _breaks_tip(self, mit: Mitigation) -> str | None:
        result = self._result(mit)
        if result is None:
            return None
        if not result.full:
            return (
                f"Partial ({mit.effective_effectiveness:.2g}): chains through the nodes it "
                "blocks keep going, with their probability cut"
            )
        shown = ", ".join(result.breaks[:40]) + (" …" if len(result.breaks) > 40 else "")
        return f"Breaks {len(result.breaks)} listed chain(s): {shown or 'none'}"

    def _alone(self, mit: Mitigation) -> str:
        result = self._result(mit)
        if result is None or not result.makes_unreachable:
            return ""
        goals = result.makes_unreachable
        return f"★ {goals[0]}" if len(goals) == 1 else f"★ {len(goals)} goals"

    def _alone_tip(self, mit: Mitigation) -> str | None:
        result = self._result(mit)
        if result is None or not result.makes_unreachable:
            return "Alone it makes no reachable goal unreachable"
        nodes = self.session.model.nodes
        goals = "\n".join(
            f"  {nodes[g].label if g in nodes else g} ({g})" for g in result.makes_unreachable
        )
        return f"Switched on alone, it makes these goals unreachable:\n{goals}"

    def _single_for(self, mit: Mitigation) -> list[str]:
        analysis = self.session.analysis
        if analysis is None or analysis.depth is None:
            return []
        return [g.goal for g in analysis.depth.goals if mit.id in g.single_points]

    def _holds(self, mit: Mitigation) -> str:
        goals = self._single_for(mit)
        if not goals:
            return ""
        return f"⚠ {goals[0]}" if len(goals) == 1 else f"⚠ {len(goals)} goals"

    def _holds_tip(self, mit: Mitigation) -> str | None:
        goals = self._single_for(mit)
        if not goals:
            return "Defeating it alone reopens no goal"
        nodes = self.session.model.nodes
        names = "\n".join(f"  {nodes[g].label if g in nodes else g} ({g})" for g in goals)
        return f"A single point of failure: defeating it alone reopens\n{names}"

    def _status(self, mit: Mitigation) -> str:
        status = mit.effective_status
        if mit.id in self.session.overrides:
            return f"{status} → {'on' if self.session.overrides[mit.id] else 'off'}"
        return status

    def _status_colour(self, mit: Mitigation) -> str | None:
        return tone("accent").name() if mit.id in self.session.overrides else None
