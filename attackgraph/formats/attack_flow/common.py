"""Constants and small helpers shared by the Attack Flow reader and writer."""

from __future__ import annotations

import re
from typing import Any

from attackgraph.errors import FormatError
from attackgraph.formats.native.parse import decode_bytes, parse_text

__all__ = [
    "AF_EXTENSION",
    "AG_EXTENSION",
    "AG_IDENTITY",
    "CTID_IDENTITY",
    "FLOW_TYPES",
    "STIX_ID",
    "load_json",
]

AF_EXTENSION = "extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4"
"""The Attack Flow 2.0 STIX extension definition."""

CTID_IDENTITY = "identity--d673f8cb-c168-42da-8ed4-0cb26725f86c"
"""MITRE CTID's identity, the creator of the Attack Flow extension definition."""

AG_EXTENSION = "extension-definition--182a352c-1c60-489f-a460-4fd71ba98d25"
"""attackgraph's property extension: the model fields Attack Flow has no
place for (kinds, gates, costs, components, mitigation fields ...), so that
an exported bundle re-imports to the same model."""

AG_IDENTITY = "identity--cf055811-8d93-44dc-9a21-89843a8d3185"
"""The identity that creates attackgraph's extension definition."""

FLOW_TYPES = {
    "attack-action": "action",
    "attack-condition": "condition",
    "attack-operator": "operator",
    "attack-asset": "asset",
}
"""Attack Flow object types that become nodes."""

STIX_ID = re.compile(
    r"[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-"
    r"[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}")
"""A STIX 2.1 identifier."""


def load_json(raw: bytes, what: str) -> Any:
    """Decode and parse JSON file content with the native parser's limits
    (duplicate keys, nesting depth, invalid Unicode), errors located.

    Raises
    ------
    FormatError
        With line and column where the parser knows them.
    """
    text = decode_bytes(raw)
    if not text.strip():
        raise FormatError(f"the file is empty; {what}.")
    return parse_text(text, "json").data
