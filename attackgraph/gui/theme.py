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

__all__ = ["THEMES", "ThemeManager", "dark_palette", "light_palette", "theme_manager"]

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
    return _palette({
        Role.Window: "#f3f4f6", Role.WindowText: "#1c2430", Role.Base: "#ffffff",
        Role.AlternateBase: "#f6f7f9", Role.ToolTipBase: "#ffffff",
        Role.ToolTipText: "#1c2430", Role.PlaceholderText: "#8792a2", Role.Text: "#1c2430",
        Role.Button: "#f6f7f9", Role.ButtonText: "#1c2430", Role.BrightText: "#d32f2f",
        Role.Light: "#ffffff", Role.Midlight: "#e7e9ed", Role.Mid: "#c5cad3",
        Role.Dark: "#9aa3af", Role.Shadow: "#6b7280", Role.Highlight: "#1f6feb",
        Role.HighlightedText: "#ffffff", Role.Link: "#1f6feb", Role.LinkVisited: "#6f42c1",
    }, {Role.WindowText: "#9aa3af", Role.Text: "#9aa3af", Role.ButtonText: "#9aa3af"})


def dark_palette() -> QPalette:
    """The dark palette."""
    return _palette({
        Role.Window: "#23262c", Role.WindowText: "#e6e9ee", Role.Base: "#1b1e23",
        Role.AlternateBase: "#262a31", Role.ToolTipBase: "#2d3139",
        Role.ToolTipText: "#e6e9ee", Role.PlaceholderText: "#7d8796", Role.Text: "#e6e9ee",
        Role.Button: "#2b2f36", Role.ButtonText: "#e6e9ee", Role.BrightText: "#ff7b72",
        Role.Light: "#3a3f47", Role.Midlight: "#31353d", Role.Mid: "#454b55",
        Role.Dark: "#15171b", Role.Shadow: "#0d0f12", Role.Highlight: "#2f81f7",
        Role.HighlightedText: "#ffffff", Role.Link: "#58a6ff", Role.LinkVisited: "#bc8cff",
    }, {Role.WindowText: "#6e7681", Role.Text: "#6e7681", Role.ButtonText: "#6e7681"})


STYLESHEET = """
QDockWidget { font-weight: 600; }
QDockWidget > QWidget { font-weight: normal; }
QToolBar { spacing: 2px; padding: 2px 4px; }
QStatusBar QLabel { padding: 0 6px; }
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
        app.setStyleSheet(STYLESHEET)
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
        self.app.setPalette(dark_palette() if dark else light_palette())
        style.set_dark(dark)
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
