"""Field tables of the model format, version 1, and value checks.

One table per object kind lists its keys in the order writers emit them, with
their types, so that the document validator, the objects and the mutation API
all check a value the same way.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ACCESS_VALUES",
    "COMPONENT_FIELDS",
    "COMPONENT_KINDS",
    "EDGE_FIELDS",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "GATES",
    "ID_PATTERN",
    "MITIGATION_FIELDS",
    "MITIGATION_STATUSES",
    "NODE_FIELDS",
    "NODE_KINDS",
    "PROFILE_FIELDS",
    "RELEASE_FIELDS",
    "SKILLS",
    "TOP_LEVEL_KEYS",
    "Field",
    "check_value",
    "is_extension_key",
    "is_id",
]

FORMAT_NAME = "attackgraph"
FORMAT_VERSION = 1

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
COMPONENT_KINDS = ("cloud", "device", "network", "physical", "human", "supply-chain", "other")
NODE_KINDS = ("entry", "step", "goal")
GATES = ("or", "and")
ACCESS_VALUES = ("physical", "adjacent", "local", "network")
SKILLS = ("none", "low", "medium", "high", "expert")
MITIGATION_STATUSES = ("proposed", "planned", "deployed")

TOP_LEVEL_KEYS = (
    "format",
    "version",
    "title",
    "description",
    "components",
    "nodes",
    "edges",
    "mitigations",
    "profiles",
    "releases",
    "layout",
)


@dataclass(frozen=True, slots=True)
class Field:
    """One key of an object in the format.

    Parameters
    ----------
    name : str
        The key.
    type : str
        ``id``, ``string``, ``enum``, ``number``, ``strings`` (list of
        strings), ``ids`` (list of ids), ``enums`` (list of enum values) or
        ``date``.
    required : bool
        Whether the key must be present.
    choices : tuple of str
        Allowed values for ``enum`` and ``enums``.
    minimum, maximum : float or None
        Inclusive numeric bounds.
    exclusive_minimum : bool
        Whether ``minimum`` itself is excluded.
    ref : str or None
        Object kind a reference names (``component``, ``node``, ``release``).
    min_items : int
        Least list length.
    """

    name: str
    type: str
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    ref: str | None = None
    min_items: int = 0


COMPONENT_FIELDS: tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("label", "string", required=True),
    Field("kind", "enum", required=True, choices=COMPONENT_KINDS),
    Field("parent", "id", ref="component"),
    Field("description", "string"),
)

NODE_FIELDS: tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("kind", "enum", required=True, choices=NODE_KINDS),
    Field("label", "string", required=True),
    Field("component", "id", ref="component"),
    Field("gate", "enum", choices=GATES),
    Field("access", "enum", choices=ACCESS_VALUES),
    Field("skill", "enum", choices=SKILLS),
    Field("cost", "number", minimum=0.0),
    Field("probability", "number", minimum=0.0, maximum=1.0),
    Field("impact", "number", minimum=0.0),
    Field("techniques", "strings"),
    Field("refs", "strings"),
    Field("release_fixed", "id", ref="release"),
    Field("description", "string"),
)

EDGE_FIELDS: tuple[Field, ...] = (
    Field("source", "id", required=True, ref="node"),
    Field("target", "id", required=True, ref="node"),
    Field("label", "string"),
)

MITIGATION_FIELDS: tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("label", "string", required=True),
    Field("blocks", "ids", required=True, ref="node", min_items=1),
    Field("cost", "number", minimum=0.0),
    Field("effectiveness", "number", minimum=0.0, maximum=1.0, exclusive_minimum=True),
    Field("status", "enum", choices=MITIGATION_STATUSES),
    Field("release", "id", ref="release"),
    Field("property", "string"),
    Field("refs", "strings"),
    Field("description", "string"),
)

PROFILE_FIELDS: tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("label", "string", required=True),
    Field("access", "enums", choices=ACCESS_VALUES),
    Field("max_skill", "enum", choices=SKILLS),
)

RELEASE_FIELDS: tuple[Field, ...] = (
    Field("id", "id", required=True),
    Field("label", "string", required=True),
    Field("date", "date"),
)


def is_id(value: object) -> bool:
    """Whether ``value`` is a string that is a valid identifier.

    Examples
    --------
    >>> is_id("S4a"), is_id("cloud:as3.pre-prod"), is_id("-x"), is_id("a b")
    (True, True, False, False)
    """
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def is_extension_key(key: object) -> bool:
    """Whether ``key`` is an ``x-`` extension key, kept and ignored."""
    return isinstance(key, str) and key.startswith("x-")


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _choices(choices: Sequence[str]) -> str:
    quoted = [f"'{c}'" for c in choices]
    return ", ".join(quoted[:-1]) + f" or {quoted[-1]}" if len(quoted) > 1 else quoted[0]


def _check_number(field: Field, value: object) -> str | None:
    if not _is_number(value):
        return f"'{field.name}' must be a number, not {_type_name(value)}."
    try:
        number = float(value)  # type: ignore[arg-type]
    except OverflowError:  # an integer with hundreds of digits
        return f"'{field.name}' must be a finite number, not an integer this large."
    if not math.isfinite(number):
        return f"'{field.name}' must be a finite number, not {value!r}."
    low, high = field.minimum, field.maximum
    if low is not None and (number < low or (field.exclusive_minimum and number == low)):
        if high is not None:
            left = "(" if field.exclusive_minimum else "["
            return f"'{field.name}' must be in {left}{low:g}, {high:g}], not {value!r}."
        return f"'{field.name}' must be at least {low:g}, not {value!r}."
    if high is not None and number > high:
        left = "(" if field.exclusive_minimum else "["
        return f"'{field.name}' must be in {left}{low:g}, {high:g}], not {value!r}."
    return None


def _check_date(field: Field, value: object) -> str | None:
    if not isinstance(value, str) or re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) is None:
        return f"'{field.name}' must be a date written YYYY-MM-DD, not {value!r}."
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return f"'{field.name}' is not a real date: {value!r}."
    return None


def check_value(field: Field, value: Any) -> tuple[str | None, int | None]:
    """Check one value against its field's type and bounds.

    Parameters
    ----------
    field : Field
        The key's description.
    value : object
        The value found in a document or given to the mutation API.

    Returns
    -------
    message : str or None
        A sentence when the value is wrong, else None.
    item : int or None
        For lists, the index of the offending item, if one item is at fault.

    Examples
    --------
    >>> check_value(NODE_FIELDS[4], "xor")[0]
    "'gate' must be 'or' or 'and', not 'xor'."
    >>> check_value(NODE_FIELDS[7], True)[0]
    "'cost' must be a number, not a boolean."
    """
    kind = field.type
    if kind == "string":
        if not isinstance(value, str):
            return f"'{field.name}' must be a string, not {_type_name(value)}.", None
        return None, None
    if kind == "id":
        if not isinstance(value, str):
            return f"'{field.name}' must be an identifier string, not {_type_name(value)}.", None
        if not is_id(value):
            return (
                f"'{field.name}' {value[:60]!r} is not a valid identifier: use 1 to 128 "
                "letters, digits, '_', '.', ':' or '-', starting with a letter or digit.",
                None,
            )
        return None, None
    if kind == "enum":
        if value not in field.choices or not isinstance(value, str):
            shown = repr(value) if isinstance(value, str) else _type_name(value)
            return f"'{field.name}' must be {_choices(field.choices)}, not {shown}.", None
        return None, None
    if kind == "number":
        return _check_number(field, value), None
    if kind == "date":
        return _check_date(field, value), None
    if kind in ("strings", "ids", "enums"):
        if not isinstance(value, (list, tuple)):
            return f"'{field.name}' must be a list, not {_type_name(value)}.", None
        if len(value) < field.min_items:
            return f"'{field.name}' must list at least {field.min_items} item(s).", None
        item_field = Field(
            field.name,
            {"strings": "string", "ids": "id", "enums": "enum"}[kind],
            choices=field.choices,
        )
        for index, item in enumerate(value):
            message, _ = check_value(item_field, item)
            if message is not None:
                return message.replace(f"'{field.name}'", f"each item of '{field.name}'", 1), index
        return None, None
    raise ValueError(f"unknown field type {kind!r}")  # programming error, not user input
