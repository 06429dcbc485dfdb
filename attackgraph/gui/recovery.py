"""Offering recovery files left by a crash."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import QMessageBox

from attackgraph.gui.autosave import Recovery

__all__ = ["offer_recovery"]


def offer_recovery(window, recoveries: list[Recovery]) -> None:
    """Ask whether to open the newest recovery file; discard on request."""
    newest = recoveries[0]
    when = dt.datetime.fromtimestamp(newest.saved_at).strftime("%Y-%m-%d %H:%M")
    source = newest.original or "an unsaved model"
    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Recover unsaved work?")
    box.setText(f"attackgraph did not close normally. Unsaved changes to {source} were "
                f"kept at {when}.")
    recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    if clicked is recover and window.open_path(str(newest.path)):
        window.document.replace_model(window.document.model, None)
        window.document.undo_stack.resetClean()
        window.statusBar().showMessage(f"Recovered work on {source}: save it to keep it.",
                                       10000)
        newest.discard()
    elif clicked is discard:
        newest.discard()
