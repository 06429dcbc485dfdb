"""The analysis docks read at a normal window size: nothing cut that fits,
chains that differ in one step told apart, a matrix with rows, and a chosen
chain brought into view."""

from __future__ import annotations

from PySide6.QtCore import Qt

from attackgraph.gui.analysis.tables import chain_number


def test_goal_counts_and_names_fit_at_a_normal_size(flagship, qtbot):
    chains = flagship.workbench.chains
    flagship.docks["chains"].raise_()
    qtbot.wait(50)
    goals = chains.goals
    metrics = goals.fontMetrics()
    for row in range(chains.goal_table.rowCount()):
        text = chains.goal_table.index(row, 2).data()
        assert metrics.horizontalAdvance(text) + 6 <= goals.columnWidth(2), text  # "14 / 15"
    assert goals.columnWidth(0) >= 150
    shown = sum(goals.columnWidth(c) for c in range(4))
    assert shown <= goals.viewport().width()  # goal, state, open, impact: no scrolling
    for row in range(chains.goal_table.rowCount()):
        index = chains.goal_table.index(row, 0)
        assert index.data() in index.data(Qt.ItemDataRole.ToolTipRole)


def test_chains_that_differ_in_one_step_are_told_apart(flagship):
    table = flagship.workbench.chains.chain_table
    analysis = flagship.workbench.session.analysis
    pairs = [
        (a, b)
        for a in analysis.chains
        for b in analysis.chains
        if a.id < b.id and a.goal == b.goal and len(set(a.nodes) ^ set(b.nodes)) == 2
    ]
    assert pairs
    for a, b in pairs:
        row_a, row_b = table.row_of(a.id), table.row_of(b.id)
        text_a, text_b = (table.index(r, 2).data() for r in (row_a, row_b))
        assert text_a != text_b and "via" in text_a
        (only_a,) = set(a.nodes) - set(b.nodes)
        assert only_a in table.distinctive(a) and only_a not in table.distinctive(b)
        for node in a.nodes:  # the tooltip lists every step
            assert table.label(node) in table.index(row_a, 2).data(Qt.ItemDataRole.ToolTipRole)


def test_chain_names_sort_by_number_and_unlisted_ones_last():
    assert chain_number("C12") == 12
    assert chain_number("C-3fa2b1") == 0 and chain_number("K3") == 0


def test_the_matrix_shows_rows_at_its_default_size(flagship, qtbot):
    flagship.docks["coverage"].raise_()
    qtbot.wait(50)
    table = flagship.workbench.coverage.table
    rows = table.viewport().height() // table.verticalHeader().defaultSectionSize()
    assert rows >= 6, rows


def test_choosing_a_chain_brings_it_into_view_without_zooming_in(flagship, qtbot):
    view, scene = flagship.view, flagship.scene
    session = flagship.workbench.session
    view.set_zoom(1.0)
    view.centerOn(scene.itemsBoundingRect().topLeft())
    chain = max(session.analysis.chains, key=lambda c: scene.nodes_rect(c.nodes).right())
    rect = scene.nodes_rect(chain.nodes)
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    assert not shown.contains(rect)
    flagship.workbench.coverage._row_clicked(session.analysis.chains.index(chain))
    qtbot.wait(20)
    assert session.highlighted_chain().id == chain.id
    selected = flagship.workbench.coverage.table.selectionModel().selectedIndexes()
    assert {i.row() for i in selected} == {session.analysis.chains.index(chain)}  # its row
    shown = view.mapToScene(view.viewport().rect()).boundingRect()
    assert shown.contains(rect) and view.zoom_level() <= 1.0
    small = min(session.analysis.chains, key=lambda c: scene.nodes_rect(c.nodes).width())
    view.set_zoom(0.3)
    session.set_highlight(small.id)
    assert view.zoom_level() <= 0.3 + 1e-9  # never zooms in
    assert (
        view.mapToScene(view.viewport().rect())
        .boundingRect()
        .contains(scene.nodes_rect(small.nodes))
    )
