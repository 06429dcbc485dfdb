"""The ``attackgraph`` command line (Qt-free).

Each subcommand is a module of this package with ``add_parser(subparsers)``
and ``run(args) -> int``. Modules import their heavy dependencies inside
``run`` so that ``attackgraph --help`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections.abc import Sequence

from attackgraph._version import __version__

__all__ = ["SUBCOMMANDS", "build_parser", "main"]

SUBCOMMANDS: tuple[str, ...] = (
    "validate",
    "analyze",
    "optimize",
    "check",
    "export",
    "diff",
    "convert",
    "merge",
    "compose",
    "library",
    "suggest",
    "gui",
)
"""Subcommand modules, in the order ``--help`` lists them."""

DESCRIPTION = """\
Model attack chains across cloud and device components, and find the
mitigations that break them.

exit codes: 0 success, 1 invalid input or policy violation, 2 usage error,
3 an external tool (Graphviz) is missing or failed.
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="attackgraph",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"attackgraph {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"attackgraph.cli.{name}")
        module.add_parser(subparsers)
    return parser


def _process_start() -> float:
    """When this process started, on the ``time.monotonic`` clock (Linux: from
    ``/proc``, so that the interpreter's start counts; elsewhere: now)."""
    now = time.monotonic()
    try:
        with (
            open("/proc/self/stat", encoding="ascii") as stat,
            open("/proc/uptime", encoding="ascii") as uptime,
        ):
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
            up = float(uptime.read().split()[0])
        age = up - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return now
    return now - age if 0 <= age < 60 else now


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).
    """
    started = _process_start() if argv is None else time.monotonic()
    parser = build_parser()
    args = parser.parse_args(argv)
    args.started = started  # limits such as optimize --time-limit count from here
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    from attackgraph.analysis.limits import restore_limits, set_limits
    from attackgraph.cli.terminal import safe_streams

    previous = set_limits(getattr(args, "max_memory", None), getattr(args, "max_seconds", None))
    try:
        with safe_streams():
            return int(args.run(args))
    except KeyboardInterrupt:
        print("attackgraph: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    finally:
        restore_limits(previous)
