"""Both themes reach every dock and toolbar: text contrasts with what is
actually painted behind it (WCAG 4.5:1) and icons with their buttons (3:1).

Backgrounds are read from rendered pixels (``QWidget.grab``), so a widget
that keeps an old palette or stylesheet colour fails; text colours are the
widget's effective palette (after its style sheet) or the model's
``ForegroundRole``.
"""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QStatusBar,
    QTabBar,
    QToolBar,
    QToolButton,
    QWidget,
)

from attackgraph.gui.theme import contrast_ratio, readable

TEXT, ICON = 4.5, 3.0


def _background(image: QImage) -> QColor:
    """The most common colour of an image (what the text sits on)."""
    counts: Counter[int] = Counter()
    step = max(1, image.width() * image.height() // 4000)
    for i in range(0, image.width() * image.height(), step):
        counts[image.pixel(i % image.width(), i // image.width())] += 1
    return QColor.fromRgb(counts.most_common(1)[0][0])


def _strongest(image: QImage, ground: QColor) -> float:
    """The highest contrast of any pixel with ``ground`` (an icon's strokes)."""
    best = 1.0
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.alpha() > 200:
                best = max(best, contrast_ratio(colour, ground))
    return best


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.isEnabled() and widget.width() > 4 and widget.height() > 4


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, QLabel):
        return widget.text() if widget.pixmap().isNull() else ""
    if isinstance(widget, QAbstractButton):
        return (
            widget.text()
            if not isinstance(widget, QToolButton)
            or widget.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonIconOnly
            else ""
        )
    if isinstance(widget, QComboBox):
        return widget.currentText()
    if isinstance(widget, QLineEdit):
        return widget.text() or widget.placeholderText()
    return ""


def _foreground(widget: QWidget) -> QColor:
    palette = widget.palette()
    if isinstance(widget, QLineEdit) and not widget.text():
        return palette.color(QPalette.ColorRole.PlaceholderText)
    role = {QComboBox: QPalette.ColorRole.ButtonText, QLineEdit: QPalette.ColorRole.Text}.get(
        type(widget), widget.foregroundRole()
    )
    return palette.color(role)


def _text_problems(root: QWidget, where: str) -> list[str]:
    problems = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not _shown(widget) or not _text_of(widget).strip():
            continue
        if isinstance(widget, QLabel) and "color:" in widget.text():
            continue  # rich text with its own colours (checked where it is made)
        ground = _background(widget.grab().toImage())
        ratio = contrast_ratio(_foreground(widget), ground)
        if ratio < TEXT:
            problems.append(
                f"{where}: {type(widget).__name__} {_text_of(widget)[:30]!r} "
                f"{_foreground(widget).name()} on {ground.name()}: {ratio:.2f}"
            )
    return problems


def _columns(model) -> int:
    try:
        return model.columnCount(QModelIndex())
    except TypeError:  # a list model keeps columnCount private
        return 1


def _view_problems(view: QAbstractItemView, where: str) -> list[str]:
    model = view.model()
    if model is None or not _shown(view):
        return []
    palette = view.palette()
    grounds = [palette.color(QPalette.ColorRole.Base)]
    if view.alternatingRowColors():
        grounds.append(palette.color(QPalette.ColorRole.AlternateBase))
    if view.viewport().width() < 4 or view.viewport().height() < 4:
        return []
    painted = _background(view.viewport().grab().toImage())
    problems = []
    rows = min(model.rowCount(), 40)
    for row in range(rows):
        for column in range(_columns(model)):
            index = model.index(row, column)
            if not str(index.data() or "").strip():
                continue
            fore = index.data(Qt.ItemDataRole.ForegroundRole)
            fore = (
                QColor(fore.color() if hasattr(fore, "color") else fore)
                if fore is not None
                else palette.color(QPalette.ColorRole.Text)
            )
            back = index.data(Qt.ItemDataRole.BackgroundRole)
            backs = (
                [QColor(back.color() if hasattr(back, "color") else back)]
                if back is not None
                else [*grounds, painted]
            )
            ratio = min(contrast_ratio(fore, b) for b in backs)
            if ratio < TEXT:
                problems.append(
                    f"{where}: cell {row},{column} {str(index.data())[:20]!r} "
                    f"{fore.name()} on {[b.name() for b in backs]}: {ratio:.2f}"
                )
    header_views = [
        h
        for h in (
            getattr(view, "horizontalHeader", lambda: None)(),
            getattr(view, "header", lambda: None)(),
        )
        if h is not None
    ]
    for header in header_views:
        if _shown(header):
            ground = _background(header.grab().toImage())
            ratio = contrast_ratio(header.palette().color(QPalette.ColorRole.ButtonText), ground)
            if ratio < TEXT:
                problems.append(f"{where}: header on {ground.name()}: {ratio:.2f}")
    return problems


def _dock_title_problem(dock: QDockWidget) -> list[str]:
    if not dock.isVisible() or dock.titleBarWidget() is not None:
        return []
    strip = dock.grab().toImage().copy(0, 0, dock.width(), 18)
    ground = _background(strip)
    ratio = contrast_ratio(dock.palette().color(QPalette.ColorRole.WindowText), ground)
    return (
        [f"dock title {dock.windowTitle()!r} on {ground.name()}: {ratio:.2f}"]
        if ratio < TEXT
        else []
    )


def _icon_problems(bar: QToolBar, where: str) -> list[str]:
    problems = []
    for button in bar.findChildren(QToolButton):
        if not _shown(button) or button.icon().isNull():
            continue
        image = button.grab().toImage()
        ground = _background(image)
        ratio = _strongest(image, ground)
        if ratio < ICON:
            problems.append(
                f"{where}: icon of {button.toolTip()[:30]!r} on {ground.name()}: {ratio:.2f}"
            )
    return problems


def _all_problems(window) -> list[str]:
    problems: list[str] = []
    for dock in window.findChildren(QDockWidget):
        if not dock.isVisible():
            continue
        problems += _dock_title_problem(dock)
        problems += _text_problems(dock.widget(), dock.windowTitle())
        for view in dock.widget().findChildren(QAbstractItemView):
            problems += _view_problems(view, dock.windowTitle())
    for bar in window.findChildren(QToolBar):
        if bar.isVisible():
            problems += _text_problems(bar, bar.windowTitle())
            problems += _icon_problems(bar, bar.windowTitle())
    for bar in window.findChildren(QStatusBar):
        problems += _text_problems(bar, "status bar")
    for tabs in window.findChildren(QTabBar):
        if _shown(tabs):
            ground = _background(tabs.grab().toImage())
            ratio = contrast_ratio(tabs.palette().color(QPalette.ColorRole.WindowText), ground)
            if ratio < TEXT:
                problems.append(f"tab bar on {ground.name()}: {ratio:.2f}")
    return problems


def _summary(problems: list[str]) -> str:
    """One line per kind of problem (a table repeats the same one per row)."""
    seen: dict[str, str] = {}
    for problem in problems:
        kind = (
            problem.split(" cell ")[0] + problem.split(":", 2)[-1]
            if " cell " in problem
            else problem
        )
        seen.setdefault(kind, problem)
    return "\n".join(seen.values())


@pytest.mark.parametrize("first", ["light", "dark"])
def test_every_dock_and_toolbar_reads_in_both_themes(flagship, qtbot, first):
    """Switch live (first one theme, then the other) as View > Theme does."""
    second = "dark" if first == "light" else "light"
    for choice in (first, second):
        flagship.set_theme(choice)
        assert flagship.theme.dark == (choice == "dark")
        window_colour = flagship.palette().color(QPalette.ColorRole.Window)
        assert (window_colour.lightness() < 128) == (choice == "dark")
        for shown in (("chains", "mitigations"), ("coverage", "problems")):
            for name in shown:  # the tabbed docks in turn
                flagship.docks[name].raise_()
            qtbot.wait(30)
            problems = _all_problems(flagship)
            assert not problems, f"{choice}:\n{_summary(problems)}"


def test_the_check_fails_on_a_widget_left_in_the_old_colours(flagship, qtbot):
    """The measurement can fail: a label forced to the light theme's text
    colour stays dark on the dark theme's background."""
    flagship.set_theme("dark")
    label = flagship.workbench.chains.findChild(QLabel)
    label.setStyleSheet("color: #1c2430;")
    qtbot.wait(20)
    assert any("#1c2430" in p for p in _all_problems(flagship))


def test_readable_reaches_the_ratio_on_light_and_dark_grounds():
    for ground in ("#ffffff", "#f6f7f9", "#1b1e23", "#262a31"):
        for colour in ("#8a939e", "#1e8e3e", "#d93025", "#7d8590", "#ffffff", "#000000"):
            assert contrast_ratio(readable(colour, ground), ground) >= TEXT
