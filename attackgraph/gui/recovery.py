"""Offering the recovery files a crash left behind, at the next start."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from attackgraph.errors import ModelError
from attackgraph.formats import check_file
from attackgraph.gui.autosave import Recovery

if TYPE_CHECKING:
    from attackgraph.gui.mainwindow import MainWindow

__all__ = ["offer_recovery", "recover"]


def recover(window: MainWindow, recovery: Recovery) -> bool:
    """Open a recovery file as the window's document: unsaved, and saving to
    the file it was made from (or asking for a name if it had none)."""
    checked = check_file(recovery.path)
    if checked.model is None:
        window.files.show_error(
            "The recovered work cannot be read",
            ModelError(f"{recovery.path.name} is damaged.", checked.problems),
        )
        return False
    original = (
        recovery.original if recovery.original and Path(recovery.original).parent.is_dir() else None
    )
    window.document.replace_model(checked.model, original, modified=True)
    when = dt.datetime.fromtimestamp(recovery.saved_at).strftime("%Y-%m-%d %H:%M")
    source = Path(original).name if original else "an unsaved model"
    window.notices.show_notice(
        "recovered",
        f"Recovered the unsaved work on {source} from {when}. Save it to keep it.",
        "info",
        [("Save", window.files.save)],
    )
    recovery.discard()
    return True


def offer_recovery(window: MainWindow, recoveries: list[Recovery]) -> None:
    """Ask whether to open the newest recovery file; discard on request."""
    newest = recoveries[0]
    when = dt.datetime.fromtimestamp(newest.saved_at).strftime("%Y-%m-%d %H:%M")
    source = newest.original or "an unsaved model"
    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Recover unsaved work?")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(
        f"attackgraph did not close normally. Unsaved changes to {source} were kept at {when}."
    )
    more = len(recoveries) - 1
    if more:
        box.setInformativeText(
            f"{more} older recovery file{'s' * (more != 1)} will be offered next time."
        )
    recover_button = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(recover_button)
    box.exec()
    clicked = box.clickedButton()
    if clicked is recover_button:
        recover(window, newest)
    elif clicked is discard:
        newest.discard()
