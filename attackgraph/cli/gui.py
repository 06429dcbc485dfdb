"""``attackgraph gui [FILE]``: open the desktop application.

This is the one subcommand that starts Qt; it hands over to
:mod:`attackgraph.gui` only when run, so the rest of the CLI stays Qt-free.
"""

from __future__ import annotations

import argparse
import importlib

from attackgraph.launch import add_gui_arguments

__all__ = ["add_parser", "run"]


def add_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register the subcommand."""
    parser = subparsers.add_parser(
        "gui",
        help="open the desktop editor (the flagship sample when FILE is omitted)",
        description="Open the desktop editor. With --screenshot it renders offscreen, "
        "saves the window as PNG and exits.",
    )
    add_gui_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Start the application (the GUI package is loaded only now)."""
    gui = importlib.import_module("attackgraph.gui")
    return int(gui.run_from_args(args))
