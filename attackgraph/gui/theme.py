"""Light and dark themes that follow the system.

The application uses Qt's Fusion style with one light and one dark palette
of its own, so it looks the same on every desktop; the choice follows the
system's colour scheme (``QStyleHints.colorScheme``) and switches live when
the system does, unless the user picked one in View > Theme.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from attackgraph.gui.canvas import style

__all__ = [
    "THEMES",
    "ThemeManager",
    "contrast_ratio",
    "dark_palette",
    "is_dark",
    "light_palette",
    "readable",
    "stylesheet",
    "theme_manager",
    "tone",
]

THEMES = ("system", "light", "dark")
Role = QPalette.ColorRole
Group = QPalette.ColorGroup


def _palette(colors: dict[Role, str], disabled: dict[Role, str]) -> QPalette:
    palette = QPalette()
    for role, value in colors.items():
        palette.setColor(role, QColor(value))
    for role, value in disabled.items():
        palette.setColor(Group.Disabled, role, QColor(value))
    return palette


def light_palette() -> QPalette:
    """The light palette."""
    return _palette(
        {
            Role.Window: "#f3f4f6",
            Role.WindowText: "#1c2430",
            Role.Base: "#ffffff",
            Role.AlternateBase: "#f6f7f9",
            Role.ToolTipBase: "#ffffff",
            Role.ToolTipText: "#1c2430",
            Role.PlaceholderText: "#8792a2",
            Role.Text: "#1c2430",
            Role.Button: "#f6f7f9",
            Role.ButtonText: "#1c2430",
            Role.BrightText: "#d32f2f",
            Role.Light: "#ffffff",
            Role.Midlight: "#e7e9ed",
            Role.Mid: "#c5cad3",
            Role.Dark: "#9aa3af",
            Role.Shadow: "#6b7280",
            Role.Highlight: "#1f6feb",
            Role.HighlightedText: "#ffffff",
            Role.Link: "#1f6feb",
            Role.LinkVisited: "#6f42c1",
        },
        {Role.WindowText: "#9aa3af", Role.Text: "#9aa3af", Role.ButtonText: "#9aa3af"},
    )


def dark_palette() -> QPalette:
    """The dark palette."""
    return _palette(
        {
            Role.Window: "#23262c",
            Role.WindowText: "#e6e9ee",
            Role.Base: "#1b1e23",
            Role.AlternateBase: "#262a31",
            Role.ToolTipBase: "#2d3139",
            Role.ToolTipText: "#e6e9ee",
            Role.PlaceholderText: "#7d8796",
            Role.Text: "#e6e9ee",
            Role.Button: "#2b2f36",
            Role.ButtonText: "#e6e9ee",
            Role.BrightText: "#ff7b72",
            Role.Light: "#3a3f47",
            Role.Midlight: "#31353d",
            Role.Mid: "#454b55",
            Role.Dark: "#15171b",
            Role.Shadow: "#0d0f12",
            Role.Highlight: "#2f81f7",
            Role.HighlightedText: "#ffffff",
            Role.Link: "#58a6ff",
            Role.LinkVisited: "#bc8cff",
        },
        {Role.WindowText: "#6e7681", Role.Text: "#6e7681", Role.ButtonText: "#6e7681"},
    )


def _luminance(colour: QColor) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def contrast_ratio(first: QColor | str, second: QColor | str) -> float:
    """The WCAG 2 contrast ratio of two colours (1 to 21; text needs 4.5).

    Examples
    --------
    >>> round(contrast_ratio("#000000", "#ffffff"), 1)
    21.0
    """
    a, b = _luminance(QColor(first)), _luminance(QColor(second))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def readable(colour: QColor | str, *backgrounds: QColor | str, ratio: float = 4.6) -> QColor:
    """``colour``, darkened (on light backgrounds) or lightened (on dark ones)
    just enough to reach ``ratio`` against every one of ``backgrounds``
    (the application's base colours when none is given)."""
    result = QColor(colour)
    grounds = [QColor(b) for b in backgrounds] or _grounds()
    dark_ground = sum(_luminance(b) for b in grounds) / len(grounds) < 0.18
    hue, saturation, lightness, alpha = result.getHslF()
    for _ in range(40):
        if min(contrast_ratio(result, b) for b in grounds) >= ratio:
            break
        lightness = min(1.0, lightness + 0.025) if dark_ground else max(0.0, lightness - 0.025)
        result = QColor.fromHslF(max(hue, 0.0), saturation, lightness, alpha)
    return result


def _grounds() -> list[QColor]:
    app = QApplication.instance()
    palette = app.palette() if app is not None else light_palette()  # type: ignore[union-attr]
    return [palette.color(Role.Base), palette.color(Role.AlternateBase), palette.color(Role.Window)]


def is_dark() -> bool:
    """Whether the application's palette is dark now."""
    return _luminance(_grounds()[2]) < 0.18


_TONES = {
    "danger": ("#c5221f", "#ff7b72"),
    "success": ("#1e7e34", "#3fb950"),
    "warning": ("#8a5300", "#e3a33b"),
    "accent": ("#1a5fd0", "#58a6ff"),
    "muted": ("#5f6b7a", "#9aa4b2"),
}


def tone(name: str) -> QColor:
    """A meaningful text colour (``danger``, ``success``, ``warning``,
    ``accent``, ``muted``) in the current theme, readable on its backgrounds."""
    light, dark = _TONES[name]
    return readable(dark if is_dark() else light)


def stylesheet(palette: QPalette) -> str:
    """The application's style sheet for ``palette``.

    Colours are spelled out rather than left to the palette because Qt keeps
    the palette a style sheet resolved when a widget was first polished: a
    new sheet with every colour makes each widget (dock titles, tool bars,
    status bar, check boxes, tables) follow a theme switch at once.
    """
    c = {
        role: palette.color(getattr(Role, role)).name()
        for role in (
            "Window",
            "WindowText",
            "Base",
            "AlternateBase",
            "Text",
            "Button",
            "ButtonText",
            "Mid",
            "Midlight",
            "Highlight",
            "HighlightedText",
            "ToolTipBase",
            "ToolTipText",
            "PlaceholderText",
        )
    }
    return f"""
QMainWindow, QDialog {{ background: {c["Window"]}; color: {c["WindowText"]}; }}
QDockWidget {{ font-weight: 600; color: {c["WindowText"]}; }}
QDockWidget::title {{ background: {c["Midlight"]}; padding: 3px 6px; text-align: left; }}
QDockWidget > QWidget {{ font-weight: normal; }}
QToolBar {{ spacing: 2px; padding: 2px 4px; background: {c["Window"]}; border: none; }}
QToolBar QLabel, QToolBar QCheckBox {{ color: {c["WindowText"]}; }}
QStatusBar {{ background: {c["Window"]}; color: {c["WindowText"]}; }}
QStatusBar QLabel {{ padding: 0 6px; color: {c["WindowText"]}; }}
QCheckBox, QRadioButton, QLabel {{ color: {c["WindowText"]}; }}
QTabBar::tab {{ color: {c["WindowText"]}; }}
QHeaderView {{ color: {c["ButtonText"]}; }}
QAbstractItemView {{ background: {c["Base"]}; alternate-background-color: {c["AlternateBase"]};
    color: {c["Text"]}; selection-background-color: {c["Highlight"]};
    selection-color: {c["HighlightedText"]}; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QPlainTextEdit, QTextEdit {{
    color: {c["Text"]}; }}
QToolTip {{ color: {c["ToolTipText"]}; background: {c["ToolTipBase"]};
    border: 1px solid {c["Mid"]}; }}
"""


class ThemeManager(QObject):
    """Applies the chosen theme and follows the system's light/dark switch.

    Signals
    -------
    changed(bool)
        The theme changed; True when it is now dark.
    """

    changed = Signal(bool)

    def __init__(self, app: QApplication, choice: str = "system") -> None:
        super().__init__(app)
        self.app = app
        self.choice = choice if choice in THEMES else "system"
        self.dark = False
        app.setStyle(QStyleFactory.create("Fusion"))
        app.styleHints().colorSchemeChanged.connect(self._system_changed)
        self.apply()

    def system_is_dark(self) -> bool:
        """Whether the desktop asks for dark colours."""
        return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark

    def set_choice(self, choice: str) -> None:
        """``system``, ``light`` or ``dark``."""
        self.choice = choice if choice in THEMES else "system"
        self.apply()

    def apply(self) -> None:
        """Set the palette for the current choice."""
        dark = self.system_is_dark() if self.choice == "system" else self.choice == "dark"
        palette = dark_palette() if dark else light_palette()
        self.app.setPalette(palette)
        self.app.setStyleSheet(stylesheet(palette))
        style.set_dark(dark)
        from attackgraph.gui.icons import recolour_all  # icons use the theme's colours

        recolour_all()
        changed = dark != self.dark
        self.dark = dark
        if changed:
            self.changed.emit(dark)

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.choice == "system":
            self.apply()


_MANAGER: list[ThemeManager] = []


def theme_manager(choice: str | None = None) -> ThemeManager:
    """The application's theme manager (created on first use)."""
    app = QApplication.instance()
    if not _MANAGER or _MANAGER[0].app is not app:
        _MANAGER[:] = [ThemeManager(app, choice or "system")]  # type: ignore[arg-type]
    elif choice is not None and choice != _MANAGER[0].choice:
        _MANAGER[0].set_choice(choice)
    return _MANAGER[0]
