"""Change notifications of the model: plain callbacks, no Qt.

The GUI bridges these to Qt signals; tests subscribe a list's ``append``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Listener", "ModelEvent", "Removed"]


@dataclass(frozen=True, slots=True)
class ModelEvent:
    """One change to a model.

    Parameters
    ----------
    kind : str
        What kind of object changed: ``model``, ``component``, ``node``,
        ``edge``, ``mitigation``, ``profile``, ``release`` or ``layout``.
    action : str
        ``added``, ``changed``, ``removed`` or ``renamed``.
    key : object
        The object's id (``(source, target)`` for edges, the node id for a
        layout change, the field name for ``model`` changes).
    old, new : object
        The value before and after (objects, positions or ids).
    """

    kind: str
    action: str
    key: Any
    old: Any = None
    new: Any = None


Listener = Callable[[ModelEvent], None]


@dataclass(frozen=True, slots=True)
class Removed:
    """What an undo needs to put a removed object back exactly.

    Parameters
    ----------
    kind : str
        The removed object's kind (``node``, ``component``, ...).
    index : int
        Its position in the model's list of that kind.
    item : object
        The removed object.
    edges : tuple of (int, Edge)
        Incident edges removed with a node, with their list positions,
        ascending.
    changed : tuple of (int, object)
        Objects that referred to the removed one, as they were before, with
        their positions (mitigations that blocked a node, nodes of a
        component, ...).
    dropped : tuple of (int, object)
        Objects removed because of the removal (a mitigation whose only
        blocked node went), with their positions, ascending.
    position : tuple of float or None
        A removed node's layout position.
    """

    kind: str
    index: int
    item: Any
    edges: tuple[tuple[int, Any], ...] = ()
    changed: tuple[tuple[int, Any], ...] = ()
    dropped: tuple[tuple[int, Any], ...] = ()
    position: tuple[float, float] | None = None
