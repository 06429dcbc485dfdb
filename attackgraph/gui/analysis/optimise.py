"""Analysis > Optimise: the cheapest mitigation set for chosen goals (or the
best one within a budget), proven by the engine's integer program, and the
Pareto frontier of cost against the impact left reachable.

It optimises from the saved statuses with the chosen attacker profile and
release, exactly as ``attackgraph optimize`` does; the result (or a point
of the frontier) is applied as the what-if, so every view shows what it
does. The solver runs off the GUI thread; the dialog never blocks.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from attackgraph.analysis import FrontierPoint, Optimization, optimal_mitigations, pareto_frontier
from attackgraph.gui.analysis.compute import ModelSnapshot
from attackgraph.gui.analysis.frontier import FrontierPlot
from attackgraph.gui.analysis.session import AnalysisSession
from attackgraph.gui.analysis.tables import number
from attackgraph.gui.text import escape_html, plain
from attackgraph.gui.workers import LatestRunner

__all__ = ["OptimiseDialog", "optimization_html"]


def optimization_html(result: Optimization, labels: dict[str, str]) -> str:
    """The result in a few lines of rich text (model text escaped)."""

    def names(ids: tuple[str, ...] | None) -> str:
        return (
            ", ".join(
                f"{escape_html(labels.get(i, i))} (<code>{escape_html(i)}</code>)"
                for i in ids or ()
            )
            or "none"
        )

    if result.status == "infeasible":
        return (
            f"<b style='color:#d93025'>Infeasible</b>: no choice of mitigations makes "
            f"these goals unreachable: {names(result.unblockable)}."
        )
    state = {
        "optimal": "<b style='color:#1e8e3e'>Optimal</b> (proven)",
        "feasible": "<b style='color:#b26a00'>Best found</b> before the time limit",
    }
    lines = [
        f"{state.get(result.status, result.status)} · cost <b>{number(result.cost)}</b>"
        f" · proven bound {number(result.bound)} · {result.seconds:.2f} s"
    ]
    if result.budget is not None:
        lines.append(
            f"Within budget {number(result.budget)}: blocks impact "
            f"{number(result.impact_blocked)} (goals {names(result.blocked_goals)})"
        )
    lines.append(f"Switch on: {names(result.mitigations)}")
    return "<br>".join(lines)


class OptimiseDialog(QDialog):
    """Goals, budget and time limit; the optimal set and the frontier."""

    def __init__(self, session: AnalysisSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Optimise Mitigations")
        self.session = session
        self.result: Optimization | None = None
        self.frontier: tuple[FrontierPoint, ...] = ()
        self.goals = QListWidget()
        self.goals.setToolTip("The goals to make unreachable (default: those reachable now)")
        self.use_budget = QCheckBox("Within a budget of")
        self.budget = QDoubleSpinBox()
        self.budget.setRange(0, 1e9)
        self.budget.setDecimals(2)
        self.budget.setValue(5)
        self.budget.setEnabled(False)
        self.use_budget.toggled.connect(self.budget.setEnabled)
        self.time_limit = QDoubleSpinBox()
        self.time_limit.setRange(0.5, 3600)
        self.time_limit.setValue(30)
        self.time_limit.setSuffix(" s")
        self.time_limit.setToolTip("Per solve; past it the best set found is reported")
        self.context = QLabel()
        self.context.setWordWrap(True)
        self.context.setTextFormat(Qt.TextFormat.PlainText)
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.use_budget)
        row.addWidget(self.budget)
        row.addStretch(1)
        form.addRow("Budget", row)
        form.addRow("Time limit", self.time_limit)
        left = QVBoxLayout()
        left.addWidget(QLabel("Goals to protect"))
        left.addWidget(self.goals, 1)
        left.addLayout(form)
        left.addWidget(self.context)
        self.find_button = QPushButton("Find Optimal Set")
        self.find_button.setDefault(True)
        self.find_button.clicked.connect(self.run)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(self.stop)
        self.stop_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumHeight(12)
        self.progress.setTextVisible(False)
        self.progress.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.find_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.progress, 1)
        left.addLayout(buttons)
        self.summary = QLabel("Choose the goals, then Find.")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.apply_button = QPushButton("Apply as What-if")
        self.apply_button.setToolTip(
            "Switch exactly this set on (and nothing else) for the what-if"
        )
        self.apply_button.clicked.connect(self.apply_result)
        self.apply_button.setEnabled(False)
        self.plot = FrontierPlot()
        self.plot.pointChosen.connect(self.apply_point)
        self.point_label = QLabel("Click a point of the frontier to apply its set.")
        self.point_label.setWordWrap(True)
        self.point_label.setTextFormat(Qt.TextFormat.PlainText)
        result_box = QGroupBox("Optimal set")
        column = QVBoxLayout(result_box)
        column.addWidget(self.summary)
        column.addWidget(self.apply_button, 0, Qt.AlignmentFlag.AlignLeft)
        plot_box = QGroupBox("Pareto frontier: cost against impact left reachable")
        column = QVBoxLayout(plot_box)
        column.addWidget(self.plot, 1)
        column.addWidget(self.point_label)
        right = QVBoxLayout()
        right.addWidget(result_box)
        right.addWidget(plot_box, 1)
        left_widget, right_widget = QWidget(), QWidget()
        left_widget.setLayout(left)
        right_widget.setLayout(right)
        splitter = QSplitter()
        splitter.addWidget(left_widget)
        splitter.addWidget(right_widget)
        splitter.setStretchFactor(1, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.resize(900, 560)
        self.runner = LatestRunner(self)
        self.runner.finished.connect(self._optimised)
        self.runner.failed.connect(self._failed)
        self.frontier_runner = LatestRunner(self)
        self.frontier_runner.finished.connect(self._frontier_done)
        self.frontier_runner.failed.connect(lambda m: self.plot.set_message(plain(m)))
        self.runner.busyChanged.connect(self._busy)
        self.frontier_runner.busyChanged.connect(self._busy)
        self.fill()

    # ------------------------------------------------------------ inputs
    def fill(self) -> None:
        """List the goals (the reachable ones checked) and say what is optimised."""
        session = self.session
        analysis = session.analysis
        reachable = {g.id for g in analysis.goals if g.reachable} if analysis else set()
        self.goals.clear()
        for node in session.model.nodes.values():
            if node.kind != "goal":
                continue
            item = QListWidgetItem(plain(node.label))
            item.setData(Qt.ItemDataRole.UserRole, node.id)
            item.setToolTip(
                plain(
                    f"{node.label} ({node.id}), impact "
                    f"{number(node.effective_impact)}"
                    + (" · reachable now" if node.id in reachable else "")
                )
            )
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked
                if node.id in reachable or not reachable
                else Qt.CheckState.Unchecked
            )
            self.goals.addItem(item)
        parts = [
            f"attacker profile {session.profile}" if session.profile else "any attacker",
            f"at release {session.at_release}" if session.at_release else "as deployed",
        ]
        self.context.setText(
            "From the saved statuses, " + ", ".join(parts) + ", as "
            "`attackgraph optimize` does; the what-if is not included."
        )

    def chosen_goals(self) -> list[str]:
        """The checked goals, in file order."""
        return [
            self.goals.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.goals.count())
            if self.goals.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_goals(self, goals: list[str]) -> None:
        """Check exactly these goals."""
        for i in range(self.goals.count()):
            item = self.goals.item(i)
            item.setCheckState(
                Qt.CheckState.Checked
                if item.data(Qt.ItemDataRole.UserRole) in goals
                else Qt.CheckState.Unchecked
            )

    # ------------------------------------------------------------ running
    def options(self) -> dict[str, Any]:
        """Keyword arguments of the optimiser."""
        return {
            "goals": self.chosen_goals(),
            "profile": self.session.profile,
            "at_release": self.session.at_release,
            "budget": self.budget.value() if self.use_budget.isChecked() else None,
            "time_limit": self.time_limit.value(),
        }

    def run(self) -> None:
        """Find the optimal set and the frontier in the background."""
        options = self.options()
        if not options["goals"]:
            self.summary.setText("Choose at least one goal.")
            return
        snapshot = ModelSnapshot.of(self.session.model)
        frontier_options = {k: v for k, v in options.items() if k != "budget"}

        def optimise(_cancel: threading.Event) -> Optimization:
            return optimal_mitigations(snapshot.build(), **options)

        def frontier(_cancel: threading.Event) -> tuple[FrontierPoint, ...]:
            return pareto_frontier(snapshot.build(), **frontier_options)

        self.result = None
        self.apply_button.setEnabled(False)
        self.summary.setText("Solving…")
        self.plot.set_message("Computing the frontier…")
        self.runner.start(optimise)
        self.frontier_runner.start(frontier)

    def stop(self) -> None:
        """Stop waiting for the solver (its answer is dropped)."""
        self.runner.cancel()
        self.frontier_runner.cancel()
        self.summary.setText("Stopped.")
        self.plot.set_message("Stopped.")

    def _busy(self, _busy: bool) -> None:
        busy = self.runner.busy or self.frontier_runner.busy
        self.progress.setVisible(busy)
        self.stop_button.setEnabled(busy)
        self.find_button.setEnabled(not busy)

    def _labels(self) -> dict[str, str]:
        model = self.session.model
        labels = {m.id: m.label for m in model.mitigations.values()}
        labels.update({n.id: n.label for n in model.nodes.values() if n.kind == "goal"})
        return labels

    def _optimised(self, result: Optimization, _seconds: float) -> None:
        self.result = result
        self.summary.setText(optimization_html(result, self._labels()))
        self.apply_button.setEnabled(result.mitigations is not None)

    def _failed(self, message: str) -> None:
        self.summary.setText(escape_html(message.split(": ", 1)[-1]))

    def _frontier_done(self, points: tuple[FrontierPoint, ...], _seconds: float) -> None:
        self.frontier = points
        model = self.session.model
        goals = set(self.chosen_goals())
        total = (
            points[0].impact_left
            if points
            else sum(model.nodes[g].effective_impact for g in goals if g in model.nodes)
        )
        if not points or (len(points) == 1 and not points[0].impact_left):
            self.plot.set_message("Nothing to plot: none of these goals is reachable.")
            return
        self.plot.set_points(points, total)

    # ------------------------------------------------------------ applying
    def apply_result(self) -> None:
        """Switch the optimal set on as the what-if (nothing else switched)."""
        if self.result is not None and self.result.mitigations is not None:
            self._apply(self.result.mitigations)

    def apply_point(self, index: int) -> None:
        """Switch a frontier point's set on as the what-if."""
        if 0 <= index < len(self.frontier):
            point = self.frontier[index]
            self._apply(point.mitigations)
            self.point_label.setText(self.plot.point_text(index).rsplit("\n", 1)[0])

    def _apply(self, mitigations: tuple[str, ...]) -> None:
        self.session.set_switches(dict.fromkeys(mitigations, True), reset=True)
