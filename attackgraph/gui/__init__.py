"""The desktop application: the only package that imports PySide6.

Importing this package itself is cheap; Qt loads when the app starts.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from attackgraph.launch import add_gui_arguments, view_options

__all__ = ["main", "run_from_args"]


def run_from_args(args: argparse.Namespace) -> int:
    """Start the application from parsed arguments."""
    from attackgraph.gui.app import run_app

    return run_app(args.file, screenshot=args.screenshot, size=args.size, view=view_options(args))


def main(argv: Sequence[str] | None = None) -> int:
    """The ``attackgraph-gui`` entry point."""
    parser = argparse.ArgumentParser(
        prog="attackgraph-gui", description="The attackgraph desktop editor."
    )
    add_gui_arguments(parser)
    return run_from_args(parser.parse_args(argv))
