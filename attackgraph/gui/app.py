"""Starting the desktop application (also offscreen, for screenshots)."""

from __future__ import annotations

import os
import sys
import time
from importlib import resources
from pathlib import Path

__all__ = ["flagship_path", "resource_path", "run_app"]

FLAGSHIP = "azure-sphere-2020.attackgraph.json"


def flagship_path() -> Path:
    """The flagship sample shipped inside the package."""
    return Path(str(resources.files("attackgraph") / "data" / FLAGSHIP))


def resource_path(*parts: str) -> Path:
    """A file of the bundled ``resources/`` folder (icons, catalogs)."""
    return Path(str(resources.files("attackgraph").joinpath("resources", *parts)))


def _make_app(offscreen: bool):
    if offscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setWindowIcon(QIcon(str(resource_path("icons", "attackgraph.svg"))))
    app.setApplicationName("attackgraph")
    app.setOrganizationName("attackgraph")
    app.setApplicationDisplayName("attackgraph")
    return app


def _wait_for_layout(app, window, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    app.processEvents()
    while window.layout_runner.busy and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def run_app(path: str | None = None, *, screenshot: str | None = None,
            size: tuple[int, int] = (1400, 860)) -> int:
    """Open the editor on ``path`` (the flagship sample by default).

    Parameters
    ----------
    path : str or None
        A model file in any readable format.
    screenshot : str or None
        Render offscreen, save the window as this PNG and return.
    size : (int, int)
        Window size for the screenshot.

    Returns
    -------
    int
        Exit code: 0, or 1 when the file cannot be opened (problems are
        printed on standard error).
    """
    app = _make_app(offscreen=screenshot is not None)
    from attackgraph.gui.autosave import find_recoveries
    from attackgraph.gui.mainwindow import MainWindow

    target = path or str(flagship_path())
    if screenshot is not None:
        from attackgraph.formats import check_file

        checked = check_file(target)
        if checked.model is None:  # no window to show the problems in: print them
            for problem in checked.problems:
                print(problem.format(target), file=sys.stderr)
            return 1
    window = MainWindow(restore=screenshot is None)
    window.open_path(target)
    if screenshot is not None:
        window.resize(*size)
        window.show()
        _wait_for_layout(app, window)
        window.view.fit_all()
        app.processEvents()
        image = window.grab()
        if not image.save(screenshot, "PNG"):
            print(f"attackgraph: cannot write {screenshot}.", file=sys.stderr)
            return 1
        window.document.undo_stack.setClean()
        window.close()
        return 0
    window.show()
    recoveries = find_recoveries()
    if recoveries:
        from attackgraph.gui.recovery import offer_recovery

        offer_recovery(window, recoveries)
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_app(sys.argv[1] if len(sys.argv) > 1 else None))
