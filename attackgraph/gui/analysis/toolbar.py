"""The analysis toolbar: attacker profile, release (a combo box and the
timeline slider), the what-if in a word, and the workbench's actions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QToolButton, QWidget

from attackgraph.gui.analysis.session import AnalysisSession
from attackgraph.gui.analysis.timeline import TimelineBar
from attackgraph.gui.icons import icon
from attackgraph.gui.text import plain
from attackgraph.gui.theme import tone

__all__ = ["AnalysisToolbar"]

ANY_ATTACKER = "Any attacker"
AS_DEPLOYED = "As deployed"


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setContentsMargins(6, 0, 2, 0)
    return label


class AnalysisToolbar(QToolBar):
    """Selectors for the analysed state, kept in step with the session."""

    def __init__(self, session: AnalysisSession, parent: QWidget | None = None) -> None:
        super().__init__("Analysis toolbar", parent)
        self.setObjectName("analysis-toolbar")
        self.setMovable(False)
        self.session = session
        self.profile = QComboBox()
        self.profile.setWhatsThis(
            "Attacker profile: analyse only what this attacker can do (same as --profile)"
        )
        self.profile.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.profile.setMaximumWidth(220)
        self.profile.currentIndexChanged.connect(
            lambda i: session.set_profile(self.profile.itemData(i))
        )
        self.release = QComboBox()
        self.release.setWhatsThis(
            "Release: the model as it was at this release (same as --at-release)"
        )
        self.release.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.release.setMaximumWidth(170)
        self.release.currentIndexChanged.connect(
            lambda i: session.set_release(self.release.itemData(i))
        )
        self.timeline = TimelineBar()
        self.timeline.releaseChosen.connect(session.set_release)
        self.what_if = QLabel()
        self.what_if.setContentsMargins(8, 0, 2, 0)
        self.reset = QToolButton()
        self.reset.setIcon(icon("undo"))
        self.reset.setAutoRaise(True)
        self.reset.setToolTip("Reset the what-if: every mitigation back to its saved status")
        self.reset.clicked.connect(session.reset_what_if)
        self.addWidget(_label("Attacker"))
        self.addWidget(self.profile)
        self.addWidget(_label("Release"))
        self.addWidget(self.release)
        self.timeline_action = self.addWidget(self.timeline)
        self.addSeparator()
        self.addWidget(self.what_if)
        self.addWidget(self.reset)
        session.stateChanged.connect(self.refresh)
        session.resultChanged.connect(self._show_what_if)
        session.timelineChanged.connect(lambda: self.timeline.set_states(session.timeline))
        session.document.modelChanged.connect(self._on_model_event)
        session.document.modelReplaced.connect(self.refresh)
        self.refresh()

    def _on_model_event(self, event: object) -> None:
        if getattr(event, "kind", "") in ("profile", "release"):
            self.refresh()

    def refresh(self) -> None:
        """Show the model's profiles and releases and the session's choice."""
        model = self.session.model
        for combo, empty, items, current in (
            (self.profile, ANY_ATTACKER, model.profiles.values(), self.session.profile),
            (self.release, AS_DEPLOYED, model.releases.values(), self.session.at_release),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(empty, None)
            for item in items:
                combo.addItem(plain(item.label), item.id)
                combo.setItemData(
                    combo.count() - 1,
                    plain(f"{item.label} ({item.id})"),
                    Qt.ItemDataRole.ToolTipRole,
                )
            combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
            combo.setEnabled(combo.count() > 1)
            # The list opens as wide as its longest label, even when the
            # closed combo has to elide it (its tooltip says it whole).
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
            tip = combo.itemData(combo.currentIndex(), Qt.ItemDataRole.ToolTipRole)
            combo.setToolTip(f"{tip}\n{combo.whatsThis()}" if tip else combo.whatsThis())
            combo.blockSignals(False)
        self.timeline.set_releases([(r.id, r.label) for r in model.releases.values()])
        self.timeline_action.setVisible(bool(model.releases))
        self.timeline.set_current(self.session.at_release)
        self._show_what_if()

    def _show_what_if(self) -> None:
        switched = self.session.overrides
        if switched:
            on = sum(switched.values())
            off = len(switched) - on
            parts = ([f"{on} on"] if on else []) + ([f"{off} off"] if off else [])
            self.what_if.setText(f"What-if: {', '.join(parts)}")
            self.what_if.setStyleSheet(f"color: {tone('accent').name()}; font-weight: 600;")
            self.what_if.setToolTip(
                plain(
                    "Switched for the what-if: "
                    + ", ".join(f"{m} {'on' if v else 'off'}" for m, v in switched.items())
                )
            )
        else:
            self.what_if.setText("Saved statuses")
            self.what_if.setStyleSheet("")
            self.what_if.setToolTip(
                "No what-if: every mitigation as its saved status says "
                "(check one in the Mitigations dock to switch it)"
            )
        self.reset.setEnabled(bool(switched))
