"""Small dialogs: preferences and the list of keyboard shortcuts."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from attackgraph.gui.theme import THEMES
from attackgraph.render.backend import dot_available

__all__ = ["Preferences", "PreferencesDialog", "ShortcutsDialog"]


class Preferences:
    """The user's settings, read from and written to ``QSettings``."""

    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def _int(self, key: str, default: int, low: int, high: int) -> int:
        try:
            value = int(self.settings.value(key, default))
        except (TypeError, ValueError):
            return default
        return max(low, min(high, value))

    @property
    def autosave_seconds(self) -> int:
        """Seconds between autosaves (0: off)."""
        return self._int("autosave-seconds", 30, 0, 3600)

    @autosave_seconds.setter
    def autosave_seconds(self, value: int) -> None:
        self.settings.setValue("autosave-seconds", int(value))

    @property
    def theme(self) -> str:
        """``system``, ``light`` or ``dark``."""
        value = self.settings.value("theme", "system")
        return value if value in THEMES else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self.settings.setValue("theme", value)

    @property
    def use_graphviz(self) -> bool:
        """Whether auto-layout uses Graphviz dot (when installed)."""
        return str(self.settings.value("use-graphviz", "true")).lower() not in ("false", "0")

    @use_graphviz.setter
    def use_graphviz(self, value: bool) -> None:
        self.settings.setValue("use-graphviz", "true" if value else "false")

    @property
    def show_overview(self) -> bool:
        """Whether the overview map is shown."""
        return str(self.settings.value("show-overview", "true")).lower() not in ("false", "0")

    @show_overview.setter
    def show_overview(self, value: bool) -> None:
        self.settings.setValue("show-overview", "true" if value else "false")


class PreferencesDialog(QDialog):
    """Edits :class:`Preferences`; applied when accepted."""

    def __init__(self, preferences: Preferences, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.preferences = preferences
        form = QFormLayout()
        self.autosave = QSpinBox()
        self.autosave.setRange(0, 3600)
        self.autosave.setSuffix(" s")
        self.autosave.setSpecialValueText("off")
        self.autosave.setValue(preferences.autosave_seconds)
        self.autosave.setToolTip(
            "Unsaved work is written to a recovery file this often; "
            "after a crash, the next start offers it."
        )
        form.addRow("Autosave every", self.autosave)
        self.theme = QComboBox()
        for name in THEMES:
            self.theme.addItem("Follow the system" if name == "system" else name.capitalize(), name)
        self.theme.setCurrentIndex(THEMES.index(preferences.theme))
        form.addRow("Theme", self.theme)
        self.graphviz = QCheckBox("Lay out with Graphviz dot")
        self.graphviz.setChecked(preferences.use_graphviz)
        if not dot_available():
            self.graphviz.setEnabled(False)
            self.graphviz.setToolTip("Graphviz is not installed: sudo apt install graphviz")
        form.addRow("Layout", self.graphviz)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        box = QVBoxLayout(self)
        box.addLayout(form)
        box.addWidget(buttons)

    def apply(self) -> None:
        """Write the dialog's values to the preferences."""
        self.preferences.autosave_seconds = self.autosave.value()
        self.preferences.theme = self.theme.currentData()
        self.preferences.use_graphviz = self.graphviz.isChecked()


class ShortcutsDialog(QDialog):
    """Every action with a shortcut, and the canvas gestures."""

    GESTURES = (
        (
            "Drag from a node's ⊕ handle, or Shift+drag from a node",
            "Connect it to another node (release anywhere on the target)",
        ),
        ("Select two nodes in order, then C", "Connect the first to the second"),
        ("E, S, G on the canvas", "Add an entry, step or goal under the pointer"),
        ("F2 on the canvas", "Rename the selected node, edge or component"),
        ("Right-click", "The actions for the node, edge, frame or canvas there"),
        ("Double-click the canvas", "Add a step there (inside a frame: in that component)"),
        ("Drag a node into a frame", "Move it into that component"),
        ("Drag a frame's title", "Move the component with everything inside"),
        ("Shift+click, rubber band", "Add to the selection"),
        ("Arrow keys (Shift: more, Alt: 1 px)", "Nudge the selected nodes"),
        ("Mouse wheel", "Zoom (Shift+wheel scrolls sideways)"),
        ("Middle button drag, Space+drag", "Pan"),
        ("Escape", "Cancel a connection being dragged; end a search"),
    )

    def __init__(self, actions: list[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts and gestures")
        rows = [
            (
                a.text().replace("&", "").rstrip("…"),
                ", ".join(s.toString(s.SequenceFormat.NativeText) for s in a.shortcuts()),
            )
            for a in actions
            if a.shortcuts()
        ]
        rows += list(self.GESTURES)
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels(["Command", "Keys"])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (what, keys) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(what))
            table.setItem(row, 1, QTableWidgetItem(keys))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        box = QVBoxLayout(self)
        note = QLabel("Shortcuts follow your desktop's conventions.")
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(note)
        box.addWidget(table)
        self.resize(560, 560)
