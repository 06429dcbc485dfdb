"""Helpers shared by the subcommands: reading models, reporting problems."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from attackgraph.errors import Problem
    from attackgraph.model import AttackModel

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_TOOL",
    "EXIT_USAGE",
    "load_model",
    "print_problems",
    "usage_error",
]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_TOOL = 3


def print_problems(
    filename: str, problems: Iterable[Problem], stream: TextIO | None = None
) -> None:
    """Print problems as ``FILE: /pointer: sentence`` lines on standard error."""
    out = stream or sys.stderr
    for problem in problems:
        print(problem.format(filename), file=out)


def load_model(filename: str, *, show_warnings: bool = False) -> AttackModel | None:
    """Read a model in any format; on errors print them and return None."""
    from attackgraph.formats import check_file

    checked = check_file(filename)
    if checked.model is None:
        print_problems(filename, checked.problems)
        return None
    if show_warnings:
        print_problems(filename, checked.warnings)
    return checked.model


def usage_error(message: str) -> int:
    """Print a usage error and return exit code 2."""
    print(f"attackgraph: error: {message}", file=sys.stderr)
    return EXIT_USAGE
