"""Options of the desktop application, shared by ``attackgraph gui`` and the
``attackgraph-gui`` entry point (Qt-free: nothing here starts Qt)."""

from __future__ import annotations

import argparse

__all__ = ["add_gui_arguments", "parse_size"]


def add_gui_arguments(parser: argparse.ArgumentParser) -> None:
    """Add FILE, ``--screenshot`` and ``--size``."""
    parser.add_argument("file", nargs="?", metavar="FILE",
                        help="model to open (default: the flagship sample)")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="render offscreen, save the window as PNG and exit")
    parser.add_argument("--size", metavar="WxH", default="1400x860", type=parse_size,
                        help="window size for --screenshot (default 1400x860)")


def parse_size(text: str) -> tuple[int, int]:
    """Parse ``WxH`` (each 200 to 10000 pixels).

    Examples
    --------
    >>> parse_size("1600x1000")
    (1600, 1000)
    """
    width, _, height = text.lower().partition("x")
    try:
        size = (int(width), int(height))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, e.g. 1600x1000, "
                                         f"not {text!r}") from None
    if not all(200 <= v <= 10000 for v in size):
        raise argparse.ArgumentTypeError("width and height must be 200 to 10000 pixels")
    return size
