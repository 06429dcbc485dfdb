"""The application's icons, drawn from small line drawings in the theme's
text colour (so they suit the light and the dark theme alike).

The drawings are written here as SVG path data on a 24 x 24 grid; nothing is
loaded from the system, so the icons look the same on every desktop.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication, QWidget

from attackgraph.gui.canvas import style
from attackgraph.gui.theme import readable

__all__ = ["icon", "kind_icon", "recolour_all"]

_PATHS: dict[str, str] = {
    "new": "M6 3h8l4 4v14H6z M14 3v4h4 M12 11v6 M9 14h6",
    "open": "M3 6h6l2 2h10v11H3z M3 11h18",
    "save": "M5 3h11l3 3v15H5z M8 3v5h7V3 M8 21v-7h8v7",
    "undo": "M9 14L4 9l5-5 M4 9h10a6 6 0 0 1 0 12h-3",
    "redo": "M15 14l5-5-5-5 M20 9H10a6 6 0 0 0 0 12h3",
    "cut": "M6 15a3 3 0 1 0 0.01 0 M18 15a3 3 0 1 0 0.01 0 M8.3 16.2L19 4 M15.7 16.2L5 4",
    "copy": "M8 8h12v13H8z M4 16V3h12",
    "paste": "M8 4h8v3H8z M6 5H4v16h16V5h-2",
    "delete": "M4 7h16 M9 7V4h6v3 M6 7l1 14h10l1-14 M10 11v6 M14 11v6",
    "find": "M10.5 4a6.5 6.5 0 1 0 0.01 0 M15.5 15.5L21 21",
    "zoom-in": "M10.5 4a6.5 6.5 0 1 0 0.01 0 M15.5 15.5L21 21 M10.5 7.5v6 M7.5 10.5h6",
    "zoom-out": "M10.5 4a6.5 6.5 0 1 0 0.01 0 M15.5 15.5L21 21 M7.5 10.5h6",
    "fit": "M4 9V4h5 M15 4h5v5 M20 15v5h-5 M9 20H4v-5 M9 9h6v6H9z",
    "layout": "M2 9h6v6H2z M16 3h6v6h-6z M16 15h6v6h-6z M8 12h4 M12 6v12 M12 6h4 M12 18h4",
    "component": "M3 5h18v15H3z M3 9h18 M6 7h5",
    "mitigation": "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z M8.5 12l2.5 2.5 4.5-5",
    "problems": "M12 3l10 18H2z M12 10v5 M12 18v0.5",
    "about": "M12 3a9 9 0 1 0 0.01 0 M12 11v6 M12 7.5v0.5",
    "select": "M5 3l6 16 2.5-6.5L20 10z",
    "prev": "M15 5l-7 7 7 7",
    "next": "M9 5l7 7-7 7",
    "close": "M6 6l12 12 M18 6L6 18",
    "add": "M12 5v14 M5 12h14",
    "remove": "M5 12h14",
    "up": "M6 15l6-6 6 6",
    "down": "M6 9l6 6 6-6",
    "present": "M3 4h18v12H3z M12 16v4 M8 20h8 M10 7.5v5l4.5-2.5z",
    "optimise": "M4 19l5-6 4 3 7-10 M15 6h5v5",
    "export": "M12 3v12 M7 8l5-5 5 5 M5 14v6h14v-6",
    "target": "M12 3a9 9 0 1 0 0.01 0 M12 8a4 4 0 1 0 0.01 0 M12 1v4 M12 19v4 M1 12h4 M19 12h4",
}


def _svg(name: str, color: str) -> bytes:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" '
        f'stroke="{color}" stroke-width="1.8" stroke-linecap="round" '
        f'stroke-linejoin="round"><path d="{_PATHS[name]}"/></svg>'
    ).encode("ascii")


def _render(name: str, color: str, size: int) -> QPixmap:
    ratio = 2.0
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(QByteArray(_svg(name, color)))
    painter = QPainter(pixmap)
    renderer.render(painter)
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


@cache
def _icon(name: str, color: str, disabled: str) -> QIcon:
    result = QIcon()
    for size in (16, 20, 24, 32):
        result.addPixmap(_render(name, color, size), QIcon.Mode.Normal)
        result.addPixmap(_render(name, disabled, size), QIcon.Mode.Disabled)
    return result


def icon(name: str) -> QIcon:
    """An icon in the current theme's colours."""
    app = QApplication.instance()
    palette = app.palette() if app is not None else None  # type: ignore[union-attr]
    text = palette.color(palette.ColorRole.WindowText).name() if palette else "#1c2430"
    grey = (
        palette.color(palette.ColorGroup.Disabled, palette.ColorRole.WindowText).name()
        if palette
        else "#9aa3af"
    )
    made = _icon(name, text, grey)
    _NAMES[made.cacheKey()] = name
    return made


_NAMES: dict[int, str] = {}
"""The name of every icon :func:`icon` made, by ``QIcon.cacheKey`` (copies
share it), so that a theme switch can find and redraw them anywhere."""


def recolour_all() -> int:
    """Draw every icon made by :func:`icon` again in the current theme's
    colours, on every widget and action of the application; returns how
    many were redrawn."""
    app = QApplication.instance()
    if app is None:
        return 0
    done = 0
    seen: set[int] = set()
    for widget in app.allWidgets():  # type: ignore[attr-defined]
        targets = [widget, *QWidget.actions(widget)]
        for target in targets:
            if id(target) in seen or not callable(getattr(target, "icon", None)):
                continue
            seen.add(id(target))
            current = target.icon()
            if not isinstance(current, QIcon):  # e.g. QMessageBox.icon(): an enum
                continue
            name = _NAMES.get(current.cacheKey())
            if name is not None:
                target.setIcon(icon(name))
                done += 1
    return done


def _window_colours() -> list[QColor]:
    app = QApplication.instance()
    if app is None:
        return [QColor("#f3f4f6")]
    palette = app.palette()  # type: ignore[attr-defined]
    return [palette.color(palette.ColorRole.Window), palette.color(palette.ColorRole.Button)]


def kind_icon(kind: str, size: int = 32) -> QIcon:
    """A small picture of a node of ``kind``, for the palette and toolbar."""
    theme = style.current()
    ratio = 2.0
    pixmap = QPixmap(int(size * ratio), int(size * ratio))
    pixmap.fill(Qt.GlobalColor.transparent)
    pixmap.setDevicePixelRatio(ratio)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = {"entry": QColor("#2f6fd6"), "step": QColor("#d9822b")}.get(kind, theme.goal)
    # The outline is what tells the shape from the tool bar: 3:1 on the window.
    outline = readable(colour, *_window_colours(), ratio=3.2)
    rect = QRectF(2, size * 0.22, size - 4, size * 0.56)
    path = style.node_path(kind, rect)
    painter.setPen(QPen(outline, 1.6))
    painter.setBrush(QBrush(theme.goal_fill if kind == "goal" else theme.node_tint(colour, 0.18)))
    painter.drawPath(path)
    painter.setClipPath(path)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(colour))
    painter.drawRect(QRectF(rect.left(), rect.top(), 3.5, rect.height()))
    painter.end()
    return QIcon(pixmap)
