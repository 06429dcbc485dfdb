"""Analysis > Optimise: the engine's optimal set and frontier, applied as the
what-if; the frontier plot's points apply their sets."""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from attackgraph.analysis import optimal_mitigations, pareto_frontier
from attackgraph.gui.analysis.frontier import nice_ticks


def _wait(dialog, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while (dialog.runner.busy or dialog.frontier_runner.busy) and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)
    QApplication.processEvents()


def test_the_dialog_finds_the_optimal_set_and_applies_it(flagship):
    wb = flagship.workbench
    dialog = wb.optimise()
    assert dialog.isVisible() and not dialog.isModal()
    assert dialog.chosen_goals() == ["root-nw-linux", "as-capabilities"]  # the reachable ones
    dialog.time_limit.setValue(20)
    dialog.run()
    _wait(dialog)
    model = flagship.document.model
    expected = optimal_mitigations(model, goals=["root-nw-linux", "as-capabilities"], time_limit=20)
    assert dialog.result.status == "optimal"
    assert (dialog.result.cost, dialog.result.mitigations) == (expected.cost, expected.mitigations)
    assert "Optimal" in dialog.summary.text() and "uid-map-integrity" in dialog.summary.text()
    frontier = pareto_frontier(model, goals=["root-nw-linux", "as-capabilities"], time_limit=20)
    assert [(p.cost, p.impact_left) for p in dialog.frontier] == [
        (p.cost, p.impact_left) for p in frontier
    ]
    dialog.apply_button.click()
    session = wb.session
    assert session.overrides == dict.fromkeys(expected.mitigations, True)
    assert session.wait()
    assert not any(g.reachable for g in session.analysis.goals if g.id in expected.goals)


def test_a_budget_and_the_release_are_the_cli_options(flagship):
    wb = flagship.workbench
    wb.session.set_profile("compromised-app")
    assert wb.session.wait()
    dialog = wb.optimise()
    dialog.use_budget.setChecked(True)
    dialog.budget.setValue(2)
    assert dialog.options()["budget"] == 2 and dialog.options()["profile"] == "compromised-app"
    assert "compromised-app" in dialog.context.text()
    dialog.run()
    _wait(dialog)
    expected = optimal_mitigations(
        flagship.document.model, goals=dialog.chosen_goals(), profile="compromised-app", budget=2
    )
    assert dialog.result.mitigations == expected.mitigations
    assert dialog.result.blocked_goals == expected.blocked_goals


def test_clicking_a_frontier_point_applies_its_set(flagship, qtbot):
    wb = flagship.workbench
    dialog = wb.optimise()
    dialog.run()
    _wait(dialog)
    plot = dialog.plot
    plot.resize(480, 280)
    assert len(plot.points) >= 2
    target = len(plot.points) - 1
    position = plot.point_position(target).toPoint()
    QTest.mouseClick(plot, Qt.MouseButton.LeftButton, pos=position)
    point = plot.points[target]
    assert plot.chosen == target
    assert wb.session.overrides == dict.fromkeys(point.mitigations, True)
    assert "Switch on" in dialog.point_label.text()
    QTest.mouseClick(plot, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))  # no point there
    assert plot.chosen == target
    plot.setFocus()
    QTest.keyClick(plot, Qt.Key.Key_Left)
    assert plot.chosen == target - 1
    assert (
        wb.session.overrides == dict.fromkeys(plot.points[target - 1].mitigations, True)
        or plot.points[target - 1].mitigations == ()
    )
    plot.grab()


def test_no_goal_chosen_and_stop(flagship):
    dialog = flagship.workbench.optimise()
    dialog.set_goals([])
    dialog.run()
    assert "at least one goal" in dialog.summary.text()
    dialog.set_goals(["sw-code-exec"])
    dialog.run()
    dialog.stop()
    assert not dialog.runner.busy and "Stopped" in dialog.summary.text()
    _wait(dialog)


def test_nice_ticks():
    assert nice_ticks(17) == [0, 5, 10, 15, 20]
    assert nice_ticks(0.7) == [0, 0.2, 0.4, 0.6, 0.8]
