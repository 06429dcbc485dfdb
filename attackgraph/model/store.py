"""An ordered collection of objects by key, for the model's lists.

File order is part of a model (writers keep lists in the user's order), so a
removed object must come back to the same position on undo, and a renamed
one keeps its place. Each entry lives in a small cell; the cells are kept in
file order, and a key maps to its cell, so a lookup, a replacement, a rename
and a removal without its position cost the same in a list of ten or of
fifty thousand.
"""

from __future__ import annotations

from collections.abc import Hashable, ItemsView, Iterable, Iterator, Mapping, ValuesView
from operator import attrgetter
from typing import Generic, TypeVar

__all__ = ["OrderedStore"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class _Cell(Generic[K, V]):
    """One entry; hashed by identity, so renaming it keeps its place."""

    __slots__ = ("key", "value")

    def __init__(self, key: K, value: V) -> None:
        self.key = key
        self.value = value


_KEY = attrgetter("key")
_VALUE = attrgetter("value")
_ITEM = attrgetter("key", "value")


class _Values(ValuesView[V]):
    def __iter__(self) -> Iterator[V]:
        return map(_VALUE, self._mapping._order)  # type: ignore[attr-defined]


class _Items(ItemsView[K, V]):
    def __iter__(self) -> Iterator[tuple[K, V]]:
        return map(_ITEM, self._mapping._order)  # type: ignore[attr-defined]


class OrderedStore(Mapping[K, V], Generic[K, V]):
    """A read-only mapping for callers, kept in file order by the model.

    Examples
    --------
    >>> store = OrderedStore.of([("a", 1), ("b", 2), ("c", 3)])
    >>> store.rekey("b", "z", 20)
    >>> list(store.items())
    [('a', 1), ('z', 20), ('c', 3)]
    >>> store.pop("a"), store.index("c")
    ((0, 1), 1)
    """

    __slots__ = ("_cells", "_order")

    def __init__(self) -> None:
        self._cells: dict[K, _Cell[K, V]] = {}
        self._order: dict[_Cell[K, V], None] = {}

    @classmethod
    def of(cls, items: Iterable[tuple[K, V]]) -> OrderedStore[K, V]:
        """A store of ``(key, value)`` pairs in the given order (later pairs
        replace the value of an earlier key)."""
        store: OrderedStore[K, V] = cls()
        store.extend(items)
        return store

    def extend(self, items: Iterable[tuple[K, V]]) -> None:
        """Add or replace many ``(key, value)`` pairs at the end, in one go."""
        cells = self._cells
        order = self._order
        for key, value in items:
            cell = cells.get(key)
            if cell is None:
                cell = cells[key] = _Cell(key, value)
                order[cell] = None
            else:
                cell.value = value

    def __getitem__(self, key: K) -> V:
        return self._cells[key].value

    def __iter__(self) -> Iterator[K]:
        return map(_KEY, self._order)

    def __len__(self) -> int:
        return len(self._cells)

    def __contains__(self, key: object) -> bool:
        try:
            return key in self._cells
        except TypeError:  # an unhashable key is in no store
            return False

    def __repr__(self) -> str:
        return f"OrderedStore({list(self)!r})"

    def values(self) -> ValuesView[V]:
        return _Values(self)

    def items(self) -> ItemsView[K, V]:
        return _Items(self)

    def index(self, key: K) -> int:
        """Position of ``key`` in file order."""
        cell = self._cells[key]
        for position, candidate in enumerate(self._order):
            if candidate is cell:
                return position
        raise KeyError(key)  # pragma: no cover - every cell is in the order

    def insert(self, key: K, value: V, index: int | None = None) -> None:
        """Add ``value`` under a new ``key`` at ``index`` (default: the end)."""
        cell = _Cell(key, value)
        self._cells[key] = cell
        if index is None or index >= len(self._order):
            self._order[cell] = None
            return
        cells = list(self._order)
        cells.insert(max(index, 0), cell)
        self._order = dict.fromkeys(cells)

    def set(self, key: K, value: V) -> None:
        """Replace the value of an existing key in place."""
        self._cells[key].value = value

    def put(self, key: K, value: V) -> None:
        """Replace the value of ``key`` in place, or add it at the end."""
        cell = self._cells.get(key)
        if cell is None:
            self.insert(key, value)
        else:
            cell.value = value

    def pop(self, key: K) -> tuple[int, V]:
        """Remove ``key``; return its former position and value."""
        position = self.index(key)
        return position, self.discard(key)  # type: ignore[return-value]

    def discard(self, key: K) -> V | None:
        """Remove ``key`` if it is there (its position is not needed); return its value."""
        cell = self._cells.pop(key, None)
        if cell is None:
            return None
        del self._order[cell]
        return cell.value

    def rekey(self, old: K, new: K, value: V) -> None:
        """Rename ``old`` to ``new`` (with its new value) in the same position."""
        cell = self._cells.pop(old)
        cell.key, cell.value = new, value
        self._cells[new] = cell
