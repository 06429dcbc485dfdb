"""One exception hierarchy for the whole program.

Every error a user can cause is an :class:`AttackGraphError` carrying a
sentence the user can act on; library and OS errors are translated into these
at the boundary, so that no caller ever has to show a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AnalysisCancelled",
    "AnalysisError",
    "AttackGraphError",
    "FormatError",
    "ModelError",
    "Problem",
    "RenderError",
    "shorten",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One located problem in a model document.

    Parameters
    ----------
    pointer : str
        JSON-pointer style location, e.g. ``/nodes/3/gate`` (``""`` is the
        whole document).
    message : str
        A plain sentence a user can act on.
    severity : {"error", "warning"}
        Errors make a file invalid; warnings do not.
    line, column : int or None
        1-based position in the source text, where the parser knows it.
    """

    pointer: str
    message: str
    severity: Severity = "error"
    line: int | None = None
    column: int | None = None

    @property
    def is_error(self) -> bool:
        """Whether this problem makes the document invalid."""
        return self.severity == "error"

    def format(self, filename: str) -> str:
        """Render as ``FILE: /pointer: sentence`` (or ``FILE:LINE:COL: ...``).

        Parameters
        ----------
        filename : str
            The name to show for the file.

        Returns
        -------
        str
            One line for standard error.

        Examples
        --------
        >>> Problem("/nodes/3/gate", "gate must be 'or' or 'and'.").format("m.json")
        "m.json: /nodes/3/gate: gate must be 'or' or 'and'."
        >>> Problem("/title", "is missing.", "warning", 4, 2).format("m.yaml")
        'm.yaml:4:2: /title: warning: is missing.'
        """
        prefix = shorten(filename, 500)
        if self.line is not None:
            prefix += f":{self.line}:{self.column or 1}"
        where = f" {_one_line(shorten(self.pointer, 300))}:" if self.pointer else ""
        tag = " warning:" if self.severity == "warning" else ""
        return f"{prefix}:{where}{tag} {_one_line(shorten(self.message, MAX_MESSAGE))}"


def _one_line(text: str) -> str:
    r"""``text`` with line breaks and other control characters escaped, so that
    one problem is one line (a key may hold a newline).

    Examples
    --------
    >>> print(_one_line("/nodes/0/a\rb\u202e"))
    /nodes/0/a\x0db\u202e
    """
    if text.isprintable():
        return text
    return "".join(
        c
        if c.isprintable()
        else f"\\x{ord(c):02x}"
        if ord(c) < 0x100
        else f"\\u{ord(c):04x}"
        if ord(c) < 0x10000
        else f"\\U{ord(c):08x}"
        for c in text
    )


MAX_MESSAGE = 2000
"""Longest message echoed whole; longer ones (a 10 MB id quoted in a
warning) keep their start and end around a note of what was cut."""


def shorten(text: str, limit: int) -> str:
    """``text`` cut in the middle to about ``limit`` characters.

    Examples
    --------
    >>> shorten("a" * 30 + "END", 20)
    'aaaaaaaa… [20 characters cut] …aaEND'
    >>> shorten("short", 20)
    'short'
    """
    if len(text) <= limit:
        return text
    head = max(limit * 2 // 5, 1)
    tail = max(limit // 4, 1)
    cut = len(text) - head - tail
    return f"{text[:head]}… [{cut} characters cut] …{text[-tail:]}"


class AttackGraphError(Exception):
    """Base class of every error the program reports to a user."""


class ModelError(AttackGraphError):
    """A model (or a change to it) breaks the format's rules.

    Parameters
    ----------
    message : str
        Summary sentence.
    problems : list of Problem, optional
        Every located problem found, errors and warnings.
    """

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])

    @property
    def errors(self) -> list[Problem]:
        """The problems that are errors."""
        return [p for p in self.problems if p.is_error]


class FormatError(AttackGraphError):
    """A file cannot be read or written in the requested format.

    Parameters
    ----------
    message : str
        Sentence describing the problem.
    line, column : int or None
        1-based position in the text, where known.
    """

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class AnalysisError(AttackGraphError):
    """An analysis request cannot be answered (e.g. an unknown goal id)."""


class AnalysisCancelled(AnalysisError):
    """An analysis was stopped before it finished (a newer one replaced it,
    or the user cancelled)."""


class RenderError(AttackGraphError):
    """Rendering failed, e.g. because Graphviz is not installed."""
