"""Fresh identifiers for new objects."""

from __future__ import annotations

from collections.abc import Container

__all__ = ["new_id"]


def new_id(prefix: str, taken: Container[str]) -> str:
    """The first ``prefix1``, ``prefix2``, ... not in ``taken``.

    Examples
    --------
    >>> new_id("S", {"S1", "S2"})
    'S3'
    """
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"
