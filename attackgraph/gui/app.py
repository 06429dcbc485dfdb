"""Starting the desktop application (also offscreen, for screenshots)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attackgraph.launch import ViewOptions

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from attackgraph.gui.mainwindow import MainWindow

__all__ = ["flagship_path", "make_app", "resource_path", "run_app", "settle", "start_window"]

FLAGSHIP = "azure-sphere-2020.attackgraph.json"


def flagship_path() -> Path:
    """The flagship sample shipped inside the package."""
    return Path(str(resources.files("attackgraph") / "data" / FLAGSHIP))


def resource_path(*parts: str) -> Path:
    """A file of the bundled ``resources/`` folder (icons, catalogs)."""
    return Path(str(resources.files("attackgraph").joinpath("resources", *parts)))


def make_app(offscreen: bool = False) -> QApplication:
    """The application object (created once), with its name, icon and theme."""
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("attackgraph")
    app.setOrganizationName("attackgraph")
    app.setApplicationDisplayName("attackgraph")
    app.setWindowIcon(QIcon(str(resource_path("icons", "attackgraph.svg"))))
    return app  # type: ignore[return-value]


def settle(app: Any, window: MainWindow, timeout: float = 120.0) -> None:
    """Process events until the window's layout and analysis have arrived and
    been drawn."""
    deadline = time.monotonic() + timeout
    app.processEvents()
    while window.layout_runner.busy and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.005)
    window.workbench.session.wait(max(deadline - time.monotonic(), 0.1))
    for _ in range(4):
        app.processEvents()


def _screenshot(
    app: Any,
    window: MainWindow,
    target: str,
    size: tuple[int, int],
    view: ViewOptions | None = None,
    name: str = "",
) -> int:
    window.resize(*size)
    window.show()
    settle(app, window)
    window.initial_view()
    shown: Any = window
    if view is not None and not view.empty:
        problem = window.workbench.apply_view(view, full_screen=False)
        if problem is not None:
            print(f"{name}: {problem}", file=sys.stderr)
            window.document.undo_stack.setClean()
            window.close()
            return 2
        presentation = window.workbench.presentation
        if presentation is not None:
            presentation.resize(*size)
            shown = presentation
        elif view.chain is not None:
            window.workbench.zoom_to_chain()
    window.minimap.render_now()
    settle(app, window)
    image = shown.grab()
    ok = image.save(target, "PNG")
    window.document.undo_stack.setClean()
    window.close()
    if not ok:
        print(f"attackgraph: cannot write {target}.", file=sys.stderr)
        return 1
    return 0


def run_app(
    path: str | None = None,
    *,
    screenshot: str | None = None,
    size: tuple[int, int] = (1400, 860),
    view: ViewOptions | None = None,
) -> int:
    """Open the editor on ``path`` (the flagship sample by default).

    Parameters
    ----------
    path : str or None
        A model file in any readable format.
    screenshot : str or None
        Render offscreen, save the window as this PNG and return.
    size : (int, int)
        Window size for the screenshot.
    view : ViewOptions, optional
        What to show: a chain, a what-if, a profile, a release, trainer mode.

    Returns
    -------
    int
        Exit code: 0, or 1 when the file cannot be opened for a screenshot
        (the problems are printed on standard error), 2 when a view option
        names something the model does not have.
    """
    target = path or str(flagship_path())
    if screenshot is not None:
        from attackgraph.formats import check_file

        checked = check_file(target)
        if checked.model is None:  # no window to show the problems in: print them
            for problem in checked.problems:
                print(problem.format(target), file=sys.stderr)
            return 1
    app = make_app(offscreen=screenshot is not None)
    from PySide6.QtCore import QSettings

    from attackgraph.gui.mainwindow import MainWindow

    if screenshot is not None:  # a fixed look: no user settings, the light theme
        with tempfile.TemporaryDirectory() as folder:
            settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
            settings.setValue("theme", os.environ.get("ATTACKGRAPH_THEME", "light"))
            window = MainWindow(settings=settings, restore=False, autosave_s=0)
            if not window.open_path(target):
                return 1
            return _screenshot(app, window, screenshot, size, view, target)
    window = start_window(target)
    if view is not None and not view.empty:
        problem = window.workbench.apply_view(view)
        if problem is not None:
            window.statusBar().showMessage(problem, 15000)
    return int(app.exec())


def start_window(path: str, settings: Any = None) -> MainWindow:
    """The first window of a session: open ``path``, show it, and offer the
    work a crashed session left behind."""
    from attackgraph.gui.autosave import find_recoveries
    from attackgraph.gui.mainwindow import MainWindow

    window = MainWindow(settings=settings)
    opened = window.open_path(path)
    window.show()
    if not opened:  # keep the window; the dialog said why
        window.statusBar().showMessage(f"{Path(path).name} could not be opened.", 10000)
    recoveries = find_recoveries()
    if recoveries:
        from attackgraph.gui.recovery import offer_recovery

        offer_recovery(window, recoveries)
    return window
