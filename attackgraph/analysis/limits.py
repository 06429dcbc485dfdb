"""Memory and time bounds of the chain search.

The number of minimal chains can grow exponentially with the model (one AND
step over 40 two-way alternatives has 2^40 of them), so every enumeration
runs within a memory bound and a time bound. When one is reached the search
stops, keeps the chains found so far and says which limit stopped it.

The defaults come from the environment (``ATTACKGRAPH_MAX_MEMORY_MB``,
``ATTACKGRAPH_MAX_SECONDS``) and can be changed for the process with
:func:`set_limits` (the command line's ``--max-memory`` and
``--max-seconds``).
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass

__all__ = [
    "DEFAULT_MAX_MEMORY_MB",
    "DEFAULT_MAX_SECONDS",
    "SearchLimits",
    "current_limits",
    "limit_sentence",
    "restore_limits",
    "set_limits",
]

DEFAULT_MAX_MEMORY_MB = 384
"""Default memory bound of one chain search, in MiB (the search's own data)."""
DEFAULT_MAX_SECONDS = 60.0
"""Default time bound of one chain search, in seconds."""


@dataclass(frozen=True, slots=True)
class SearchLimits:
    """The bounds of one chain search.

    Attributes
    ----------
    max_memory_mb : float
        Memory the search's queue and visited states may take, in MiB.
    max_seconds : float
        Wall-clock time the search may take, in seconds.
    """

    max_memory_mb: float = DEFAULT_MAX_MEMORY_MB
    max_seconds: float = DEFAULT_MAX_SECONDS

    @property
    def max_bytes(self) -> int:
        """The memory bound in bytes."""
        return int(self.max_memory_mb * (1 << 20))


_lock = threading.Lock()
_override: SearchLimits | None = None


def _env_number(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        return default
    return value if math.isfinite(value) and value > 0 else default


def current_limits() -> SearchLimits:
    """The limits in force: those set by :func:`set_limits`, else the environment's.

    Examples
    --------
    >>> current_limits().max_memory_mb > 0
    True
    """
    with _lock:
        if _override is not None:
            return _override
    return SearchLimits(
        _env_number("ATTACKGRAPH_MAX_MEMORY_MB", DEFAULT_MAX_MEMORY_MB),
        _env_number("ATTACKGRAPH_MAX_SECONDS", DEFAULT_MAX_SECONDS),
    )


def set_limits(
    max_memory_mb: float | None = None,
    max_seconds: float | None = None,
) -> SearchLimits | None:
    """Set the limits of every later search in this process (None: keep the
    environment's default); returns the previous override, for restoring.

    Pass both as None to return to the environment's defaults.
    """
    global _override
    with _lock:
        previous = _override
        if max_memory_mb is None and max_seconds is None:
            _override = None
        else:
            base = SearchLimits(
                _env_number("ATTACKGRAPH_MAX_MEMORY_MB", DEFAULT_MAX_MEMORY_MB),
                _env_number("ATTACKGRAPH_MAX_SECONDS", DEFAULT_MAX_SECONDS),
            )
            _override = SearchLimits(
                max_memory_mb if max_memory_mb is not None else base.max_memory_mb,
                max_seconds if max_seconds is not None else base.max_seconds,
            )
    return previous


def restore_limits(previous: SearchLimits | None) -> None:
    """Undo :func:`set_limits` (``previous`` is what it returned)."""
    global _override
    with _lock:
        _override = previous


def limit_sentence(reason: str, limits: SearchLimits, found: int) -> str:
    """The warning for a search a limit stopped.

    Examples
    --------
    >>> limit_sentence("memory", SearchLimits(100, 5), 3)[:56]
    'the chain search reached its memory limit of 100 MiB and'
    """
    if reason == "memory":
        what = (
            f"its memory limit of {limits.max_memory_mb:g} MiB",
            "--max-memory",
            "ATTACKGRAPH_MAX_MEMORY_MB",
        )
    elif reason == "time":
        what = (
            f"its time limit of {limits.max_seconds:g} s",
            "--max-seconds",
            "ATTACKGRAPH_MAX_SECONDS",
        )
    else:
        what = ("its limit on search steps", "a smaller model", "")
    raise_it = f"; raise it with {what[1]} or {what[2]}" if what[2] else ""
    return (
        f"the chain search reached {what[0]} and stopped: the {found} chain(s) found so "
        f"far are listed, more exist, and the chain counts are unknown{raise_it}."
    )
