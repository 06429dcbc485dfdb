"""An ordered collection of objects by key, for the model's lists.

File order is part of a model (writers keep lists in the user's order), so a
removed object must come back to the same position on undo.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from typing import Generic, TypeVar

__all__ = ["OrderedStore"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class OrderedStore(Mapping[K, V], Generic[K, V]):
    """A read-only mapping for callers, kept in file order by the model."""

    def __init__(self) -> None:
        self._items: dict[K, V] = {}

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __repr__(self) -> str:
        return f"OrderedStore({list(self._items)!r})"

    def index(self, key: K) -> int:
        """Position of ``key`` in file order."""
        for position, candidate in enumerate(self._items):
            if candidate == key:
                return position
        raise KeyError(key)

    def insert(self, key: K, value: V, index: int | None = None) -> None:
        """Add ``value`` under a new ``key`` at ``index`` (default: the end)."""
        if index is None or index >= len(self._items):
            self._items[key] = value
            return
        items = list(self._items.items())
        items.insert(max(index, 0), (key, value))
        self._items = dict(items)

    def set(self, key: K, value: V) -> None:
        """Replace the value of an existing key in place."""
        self._items[key] = value

    def pop(self, key: K) -> tuple[int, V]:
        """Remove ``key``; return its former position and value."""
        position = self.index(key)
        return position, self._items.pop(key)

    def rekey(self, old: K, new: K, value: V) -> None:
        """Rename ``old`` to ``new`` (with its new value) in the same position."""
        self._items = {(new if k == old else k): (value if k == old else v)
                       for k, v in self._items.items()}
