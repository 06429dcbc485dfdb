"""Conflicts that a three-way merge left in a model document.

:mod:`attackgraph.merge` lists them under the extension key
:data:`CONFLICTS_KEY`; validation reports each open one as a located
warning, so every reader (the CLI's ``validate``, the GUI's Problems dock)
shows them until somebody chooses.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["CONFLICTS_KEY", "open_conflicts", "resolve_pointer"]

CONFLICTS_KEY = "x-merge-conflicts"
"""The extension key under which a merged document lists its conflicts."""

_ABSENT: Any = object()


def resolve_pointer(doc: Any, pointer: str, default: Any = None) -> Any:
    """The value at a JSON pointer, or ``default`` when there is none.

    Examples
    --------
    >>> resolve_pointer({"a": [{"b": 1}]}, "/a/0/b")
    1
    >>> resolve_pointer({"a": []}, "/a/3", "none")
    'none'
    """
    value = doc
    if not pointer:
        return value
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return default
    return value


def open_conflicts(
    doc: Mapping[str, Any],
    describe: Callable[[Mapping[str, Any]], str] | None = None,
) -> list[tuple[str, str]]:
    """The conflicts of a merged document that are still to resolve.

    A conflict is resolved once the value at its pointer is no longer the
    value the merge kept (somebody chose), or once its entry is removed.

    Returns
    -------
    list of (pointer, message)
    """
    entries = doc.get(CONFLICTS_KEY)
    if not isinstance(entries, list):
        return []
    out: list[tuple[str, str]] = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("pointer"), str):
            continue
        pointer = entry["pointer"]
        current = resolve_pointer(doc, pointer, _ABSENT)
        if entry.get("kind") == "order" and isinstance(current, list):
            current = [item.get("id") for item in current if isinstance(item, dict)]
        if "kept" in entry and current != entry["kept"]:
            continue
        message = describe(entry) if describe else str(entry.get("message", "merge conflict."))
        out.append((pointer, message))
    return out
