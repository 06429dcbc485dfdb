"""Placing a new window so that all of it is on screen."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

__all__ = ["cascade_from", "fit_rect"]

CASCADE = 40


def fit_rect(wanted: QRect, available: QRect, frame: QSize | None = None) -> QRect:
    """``wanted`` (a window's client area) shrunk and moved so that it and
    its frame (``frame``: the decoration's total width and height) lie
    inside ``available``."""
    frame = frame if frame is not None else QSize(0, 0)
    width = min(wanted.width(), available.width() - frame.width())
    height = min(wanted.height(), available.height() - frame.height())
    left_margin = frame.width() // 2
    top_margin = frame.height() - left_margin  # the title bar is on top
    x = min(
        max(wanted.x(), available.left() + left_margin),
        available.right() + 1 - (frame.width() - left_margin) - width,
    )
    y = min(
        max(wanted.y(), available.top() + top_margin), available.bottom() + 1 - left_margin - height
    )
    return QRect(x, y, max(width, 1), max(height, 1))


def cascade_from(window: QWidget, other: QWidget) -> None:
    """Put ``window`` a little below and right of ``other``, of its size, all
    on the screen ``other`` is on (moved back to the screen's corner when the
    cascade would run off it)."""
    screen = other.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    inner, outer = other.geometry(), other.frameGeometry()
    frame = QSize(outer.width() - inner.width(), outer.height() - inner.height())
    wanted = QRect(inner.topLeft() + QPoint(CASCADE, CASCADE), inner.size())
    placed = fit_rect(wanted, available, frame)
    if placed.topLeft() != wanted.topLeft():  # at the screen's edge: start again top left
        placed = fit_rect(QRect(available.topLeft(), inner.size()), available, frame)
    window.resize(placed.size())
    window.move(placed.topLeft() - QPoint(frame.width() // 2, frame.height() - frame.width() // 2))
