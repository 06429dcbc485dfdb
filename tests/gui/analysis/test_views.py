"""The workbench's views: Chains (goals, filters, sorting, highlight),
the what-if columns of the Mitigations dock, the Coverage matrix and the
analysis toolbar."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from attackgraph.analysis import analyze
from attackgraph.analysis.naming import name_by_whole_model
from attackgraph.gui.analysis.coverage import BREAKS, BREAKS_OFF, PARTIAL
from attackgraph.gui.analysis.marks import HIGHLIGHT_LAYER, palette
from attackgraph.gui.analysis.tables import SORT_ROLE


def _shown_ids(dock) -> list[str]:
    proxy = dock.filter
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


def test_chains_table_lists_the_analysis(flagship):
    dock, analysis = flagship.workbench.chains, flagship.workbench.session.analysis
    assert _shown_ids(dock) == [c.id for c in analysis.chains]
    table = dock.chain_table
    assert table.index(0, 3).data() == "13" and table.index(0, 5).data() == "broken"
    assert "✓secure-boot" in table.index(0, 7).data()
    assert table.index(0, 6).data() == str(analysis.depth.chains["C1"])
    goals = dock.goal_table
    assert goals.rowCount() == len(analysis.goals)
    assert goals.index(0, 1).data() == "⚑ reachable" and goals.index(0, 2).data() == "14 / 15"
    depths = [goals.index(r, 4).data() for r in range(goals.rowCount())]
    assert depths == ["0", "0", "1 ⚠", "1 ⚠", "2", "2"]  # Secure World, Pluton: one barrier
    assert "2 of 6 goals reachable · 34 of 149 chains open" in dock.summary.text()


def test_chains_sort_by_any_column(flagship):
    dock = flagship.workbench.chains
    dock.chains.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # probability
    values = [dock.filter.index(r, 4).data(SORT_ROLE) for r in range(dock.filter.rowCount())]
    assert values == sorted(values) and values[0] < values[-1]
    dock.chains.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert _shown_ids(dock)[0] == "C149"


def test_chains_filter_by_text_goal_and_open(flagship):
    dock = flagship.workbench.chains
    analysis = flagship.workbench.session.analysis
    dock.open_only.setChecked(True)
    assert _shown_ids(dock) == [c.id for c in analysis.chains if c.open]
    dock.set_filter_text("CVE-2020-16993")  # a ref of uid-map-duplicate
    expected = [c.id for c in analysis.chains if c.open and "uid-map-duplicate" in c.nodes]
    assert _shown_ids(dock) == expected and expected
    dock.set_filter_text("")
    dock.open_only.setChecked(False)
    goal_row = [g.id for g in analysis.goals].index("sw-code-exec")
    dock.goals.clicked.emit(dock.goal_table.index(goal_row, 0))
    assert _shown_ids(dock) == [c.id for c in analysis.chains if c.goal == "sw-code-exec"]
    dock.goals.clicked.emit(dock.goal_table.index(goal_row, 0))  # again: every goal
    assert len(_shown_ids(dock)) == len(analysis.chains)
    assert "shown" not in dock.summary.text()


def test_choosing_a_chain_highlights_it_and_dims_the_rest(flagship):
    wb, scene = flagship.workbench, flagship.scene
    dock = wb.chains
    row = dock.filter.mapFromSource(dock.chain_table.index(dock.chain_table.row_of("C12"), 0))
    dock.chains.setCurrentIndex(row)
    chain = wb.session.highlighted_chain()
    assert chain is not None and chain.id == "C12"
    layer = scene.overlays[HIGHLIGHT_LAYER]
    assert layer.dim_others and set(layer.nodes) == set(chain.nodes)
    assert not scene.nodes["compromised-app"].mark.dimmed
    assert scene.nodes["preprod-account"].mark.dimmed
    assert scene.nodes["compromised-app"].mark.accent == palette(False).open
    wb.step_chain(1)
    assert wb.session.highlighted_chain().id == "C13"
    event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(flagship.view, event)
    assert wb.session.highlighted_chain() is None
    assert HIGHLIGHT_LAYER not in scene.overlays
    assert not scene.nodes["preprod-account"].mark.dimmed


def test_a_chain_keeps_its_name_and_highlight_in_every_profile(flagship):
    wb = flagship.workbench
    session = wb.session
    session.set_highlight("C12")
    nodes = set(session.highlighted_chain().nodes)
    whole = {c.key: c.id for c in session.analysis.chains}
    session.set_profile("compromised-app")  # fewer chains, another order
    assert session.wait()
    chain = session.highlighted_chain()
    assert chain is not None and set(chain.nodes) == nodes and chain.id == "C12"
    assert session.analysis.chains[0].id != "C1"  # not a rank inside the filtered view
    assert all(whole[c.key] == c.id for c in session.analysis.chains)
    assert all(
        b in {c.id for c in session.analysis.chains}
        for m in session.analysis.mitigations
        for b in m.breaks
    )
    selected = wb.chains.chains.currentIndex()
    assert selected.isValid() and selected.siblingAtColumn(0).data() == chain.id


def test_mitigation_check_boxes_are_the_what_if(flagship):
    wb = flagship.workbench
    table = flagship.mitigations.table_model
    session = wb.session
    headers = [c.header for c in table.columns]
    assert headers[:4] == ["Mitigation", "Breaks", "Alone", "Status"]
    row = table.row_of("uid-map-integrity")
    check = table.index(row, 0)
    assert check.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert check.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    result = session.analysis.mitigation("uid-map-integrity")
    assert table.index(row, 1).data() == str(len(result.breaks))
    assert table.setData(check, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert session.overrides == {"uid-map-integrity": True}
    assert check.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert table.index(row, 3).data() == "planned → on"
    assert check.data(Qt.ItemDataRole.FontRole).bold()
    assert (
        flagship.mitigations.table_model.document.model.mitigations["uid-map-integrity"].status
        == "planned"
    )  # the saved status is untouched
    assert session.wait()
    assert session.analysis == analyze(flagship.document.model, switch_on=["uid-map-integrity"])
    assert wb.what_if.act_reset.isEnabled()
    wb.what_if.act_reset.trigger()
    assert session.overrides == {}


def test_alone_marks_the_mitigations_that_make_a_goal_unreachable(flagship):
    table = flagship.mitigations.table_model
    analysis = flagship.workbench.session.analysis
    for mit in analysis.mitigations:
        text = table.index(table.row_of(mit.id), 2).data()
        assert bool(text) == bool(mit.makes_unreachable)
        if mit.makes_unreachable:
            assert text.startswith("★")
    partial = table.index(table.row_of("monthly-renewal"), 1).data()
    assert partial == "◐ 30 %"


def test_coverage_cells_and_click_through(flagship):
    wb = flagship.workbench
    model = wb.coverage.table_model
    analysis = wb.session.analysis
    in_effect = set(analysis.in_effect)
    assert model.rowCount() == len(analysis.chains)
    for row, chain in enumerate(analysis.chains[:40]):
        for column, mit in enumerate(model.mitigations):
            kind = model.cell(row, column)
            if mit in chain.broken_by:
                assert kind == (BREAKS if mit in in_effect else BREAKS_OFF)
            elif kind:
                assert kind >= PARTIAL
    column = model.mitigations.index("uid-map-integrity")
    row = next(i for i, c in enumerate(analysis.chains) if "uid-map-integrity" in c.broken_by)
    chosen: list[str] = []
    wb.coverage.mitigationChosen.connect(chosen.append)
    index = model.index(row, column)
    wb.coverage.table.clicked.emit(index)
    assert wb.session.highlighted_chain().id == analysis.chains[row].id
    assert chosen == ["uid-map-integrity"]
    assert flagship.mitigations.current_id() == "uid-map-integrity"
    wb.coverage.table.doubleClicked.emit(index)
    assert wb.session.overrides == {"uid-map-integrity": True}
    assert wb.session.wait()
    assert model.cell(row, column) == BREAKS
    wb.coverage.only_breaking.setChecked(False)
    assert model.columnCount() == len(flagship.document.model.mitigations)


def test_toolbar_selectors_and_the_timeline(flagship):
    wb = flagship.workbench
    bar, session = wb.toolbar, wb.session
    assert bar.profile.count() == 4 and bar.release.count() == 6
    bar.profile.setCurrentIndex(bar.profile.findData("compromised-app"))
    assert session.profile == "compromised-app"
    bar.release.setCurrentIndex(bar.release.findData("20.07"))
    assert session.at_release == "20.07" and bar.timeline.current == "20.07"
    assert session.wait()
    model, scenario = flagship.document.model, {"profile": "compromised-app", "at_release": "20.07"}
    assert session.analysis == name_by_whole_model(model, analyze(model, **scenario), **scenario)
    bar.timeline.step(1)
    assert session.at_release == "20.08" and bar.release.currentData() == "20.08"
    bar.timeline.choose(None)
    assert session.at_release is None and bar.release.currentIndex() == 0
    bar.timeline.step(99)
    assert session.at_release == "as3-cloud-fix"
    assert session.wait()
    deadline_rounds = 500
    while not bar.timeline.states and deadline_rounds:
        QApplication.processEvents()
        deadline_rounds -= 1
    counts = {r: s.open_chains for r, s in bar.timeline.states.items()}
    assert counts["20.06"] > 0 and counts["20.07"] == 0


def test_timeline_keys_and_clicks(flagship):
    bar = flagship.workbench.toolbar.timeline
    bar.resize(bar.sizeHint())
    bar.setFocus()
    from PySide6.QtTest import QTest

    QTest.keyClick(bar, Qt.Key.Key_Right)
    assert flagship.workbench.session.at_release == "20.06"
    QTest.keyClick(bar, Qt.Key.Key_End)
    assert flagship.workbench.session.at_release == "as3-cloud-fix"
    slot = bar._slot(2).center().toPoint()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=slot)
    assert flagship.workbench.session.at_release == "20.07"
    bar.grab()  # paints without error


def test_analysis_menu_and_status(flagship):
    wb = flagship.workbench
    texts = [a.text().replace("&", "") for a in flagship.actions.menus["analysis"].actions()]
    for wanted in (
        "Re-run Analysis",
        "Optimise…",
        "Present Chain",
        "Present the Story",
        "Show Problems",
    ):
        assert wanted in texts
    assert wb.act_present.shortcut().toString() == "F5"
    assert "2/6 goals" in wb.result_label.text()
    file_texts = [a.text().replace("&", "") for a in flagship.actions.menus["file"].actions()]
    assert "Export Diagram…" in file_texts and "Export Report…" in file_texts


def test_zoom_to_a_chain_shows_all_its_steps(flagship):
    wb = flagship.workbench
    wb.zoom_to_chain("C69")
    chain = wb.session.highlighted_chain()
    view = flagship.view
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    for node_id in chain.nodes:
        assert visible.contains(flagship.scene.nodes[node_id].pos())


def test_the_dark_theme_changes_the_analysis_colours(flagship):
    flagship.set_theme("dark")
    assert flagship.scene.nodes["compromised-app"].mark.accent == palette(True).open
    flagship.set_theme("light")
    assert flagship.scene.nodes["compromised-app"].mark.accent == palette(False).open


def test_chains_context_menu_actions(flagship, qtbot):
    wb = flagship.workbench
    model = flagship.document.model
    assert wb.add_to_story("C12")
    scenes = model.extras["x-story"]
    assert scenes[-1].get("timeline") and set(scenes[-2]["chain"]) == set(
        wb.session.analysis.chain("C12").nodes
    )
    flagship.document.undo_stack.undo()
    assert len(model.extras["x-story"]) == 4  # McAfee, Talos, the bypass, the releases
    assert not QModelIndex().isValid()
