"""Options of the desktop application, shared by ``attackgraph gui`` and the
``attackgraph-gui`` entry point (Qt-free: nothing here starts Qt)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

__all__ = ["ViewOptions", "add_gui_arguments", "parse_size", "view_options"]


@dataclass(frozen=True, slots=True)
class ViewOptions:
    """What the window shows when it opens (and so what ``--screenshot`` saves).

    Attributes
    ----------
    chain : str or None
        A listed chain to highlight (``C3``), or to present.
    switch_on, switch_off : tuple of str
        The what-if, as ``analyze --with`` / ``--without``.
    profile, at_release : str or None
        As ``analyze --profile`` / ``--at-release``.
    present : bool
        Open in trainer mode (the chain, or the model's story).
    step : int or None
        With ``present``: the step shown, from 1.
    """

    chain: str | None = None
    switch_on: tuple[str, ...] = ()
    switch_off: tuple[str, ...] = ()
    profile: str | None = None
    at_release: str | None = None
    present: bool = False
    step: int | None = None

    @property
    def empty(self) -> bool:
        """Whether nothing is asked for (the window opens as usual)."""
        return self == ViewOptions()


def _step(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a step number from 1, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("steps are numbered from 1")
    return value


def add_gui_arguments(parser: argparse.ArgumentParser) -> None:
    """Add FILE, ``--screenshot``, ``--size`` and the view options."""
    parser.add_argument(
        "file", nargs="?", metavar="FILE", help="model to open (default: the flagship sample)"
    )
    parser.add_argument(
        "--screenshot", metavar="PNG", help="render offscreen, save the window as PNG and exit"
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        default="1400x860",
        type=parse_size,
        help="window size for --screenshot (default 1400x860)",
    )
    view = parser.add_argument_group(
        "view options",
        "what the window (and --screenshot) shows, as for attackgraph analyze and export",
    )
    view.add_argument(
        "--chain",
        metavar="ID",
        help="highlight this listed chain (e.g. C3); with --present, present it",
    )
    view.add_argument(
        "--with",
        metavar="M",
        action="append",
        dest="switch_on",
        default=[],
        help="what-if: switch mitigation M on (repeatable)",
    )
    view.add_argument(
        "--without",
        metavar="M",
        action="append",
        dest="switch_off",
        default=[],
        help="what-if: switch mitigation M off (repeatable)",
    )
    view.add_argument("--profile", metavar="P", help="analyse for this attacker profile")
    view.add_argument("--at-release", metavar="R", help="the model at release R")
    view.add_argument(
        "--present",
        action="store_true",
        help="open in trainer mode: the --chain, or else the model's story",
    )
    view.add_argument(
        "--step", metavar="N", type=_step, help="with --present: show step N (from 1)"
    )


def view_options(args: argparse.Namespace) -> ViewOptions:
    """The view options of parsed arguments.

    Raises
    ------
    SystemExit
        ``--step`` without ``--present`` (a usage error, exit 2).
    """
    step = getattr(args, "step", None)
    present = bool(getattr(args, "present", False))
    if step is not None and not present:
        print("attackgraph: error: --step needs --present", file=sys.stderr)
        raise SystemExit(2)
    return ViewOptions(
        getattr(args, "chain", None),
        tuple(getattr(args, "switch_on", ()) or ()),
        tuple(getattr(args, "switch_off", ()) or ()),
        getattr(args, "profile", None),
        getattr(args, "at_release", None),
        present,
        step,
    )


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
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT, e.g. 1600x1000, not {text!r}"
        ) from None
    if not all(200 <= v <= 10000 for v in size):
        raise argparse.ArgumentTypeError("width and height must be 200 to 10000 pixels")
    return size
