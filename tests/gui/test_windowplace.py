"""New windows land all on screen."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize

from attackgraph.gui.windowplace import fit_rect


def test_a_window_inside_stays_where_it_is():
    assert fit_rect(QRect(100, 100, 800, 600), QRect(0, 0, 1600, 1000)) == QRect(100, 100, 800, 600)


def test_a_window_past_the_right_and_bottom_edges_moves_back():
    placed = fit_rect(QRect(1000, 700, 800, 600), QRect(0, 0, 1600, 1000), QSize(10, 40))
    assert placed.size() == QSize(800, 600)
    assert placed.right() + 5 <= 1599 and placed.bottom() + 5 <= 999
    assert placed.left() - 5 >= 0 and placed.top() - 35 >= 0


def test_a_window_larger_than_the_screen_shrinks():
    placed = fit_rect(QRect(40, 40, 1400, 860), QRect(0, 0, 1024, 768), QSize(10, 40))
    assert placed.width() == 1014 and placed.height() == 728
    assert placed.topLeft().x() == 5 and placed.topLeft().y() == 35


def test_new_window_is_on_screen(qtbot, window):
    window.move(window.screen().availableGeometry().bottomRight())
    other = window.new_window()
    qtbot.addWidget(other)
    available = window.screen().availableGeometry()
    assert available.contains(other.geometry())
    other.close()
