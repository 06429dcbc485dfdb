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
    "ANALYSIS_MARK",
    "CONFIDENCE_TERMS",
    "CTID_IDENTITY",
    "FLOW_TYPES",
    "IDENTITY_CLASSES",
    "STIX_ID",
    "UNKNOWN_AUTHOR",
    "author_record",
    "confidence_term",
    "is_stix_id",
    "load_json",
    "split_analysis",
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
    r"[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
)
"""A STIX 2.1 identifier."""


CONFIDENCE_TERMS = {
    "speculative": 0,
    "very-doubtful": 10,
    "doubtful": 30,
    "even-odds": 50,
    "probable": 70,
    "very-probable": 90,
    "certain": 100,
}
"""The Builder's confidence terms and the STIX ``confidence`` each stands
for (Attack Flow's confidence scale)."""

UNKNOWN_AUTHOR = {"name": "Unknown", "identity_class": "unknown"}
"""What a Builder file gets as its (required) author when the model has
none; read back as no author."""

IDENTITY_CLASSES = ("individual", "group", "system", "organization", "class", "unknown")
"""STIX 2.1 identity classes, as the Builder offers them for the author."""

ANALYSIS_MARK = "attackgraph analysis:"
"""Opens the paragraph an export adds to a course of action's description
(its status and the chains it breaks); an import removes it again, since
the next export writes it afresh."""

_ANALYSIS = re.compile(r"(?:^|\n\n)" + re.escape(ANALYSIS_MARK) + r" (proposed|planned|deployed)\b")


_UUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-"
    r"[0-9a-fA-F]{12}"
)


def is_stix_id(value: Any, kind: str) -> bool:
    """Whether ``value`` is exactly a STIX id of type ``kind``.

    Examples
    --------
    >>> is_stix_id("attack-flow--00000000-0000-4000-8000-000000000001", "attack-flow")
    True
    >>> is_stix_id("attack-flow--attack-action--00000000-0000-4000-8000-000000000001",
    ...            "attack-flow")
    False
    """
    return (
        isinstance(value, str)
        and value.startswith(kind + "--")
        and _UUID.fullmatch(value, len(kind) + 2) is not None
    )


def confidence_term(value: int) -> str:
    """The Builder's term for a STIX confidence (Attack Flow's ranges: 0,
    1-20, 21-40, 41-60, 61-80, 81-99, 100).

    Examples
    --------
    >>> confidence_term(0), confidence_term(38), confidence_term(90), confidence_term(100)
    ('speculative', 'doubtful', 'very-probable', 'certain')
    """
    for term, upper in (
        ("speculative", 0),
        ("very-doubtful", 20),
        ("doubtful", 40),
        ("even-odds", 60),
        ("probable", 80),
        ("very-probable", 99),
    ):
        if value <= upper:
            return term
    return "certain"


def author_record(value: Any) -> dict[str, str] | None:
    """An author (``name``, ``identity_class``, ``contact_information``) from
    data read from a file, keeping only well-typed fields; None without a
    name.

    Examples
    --------
    >>> author_record({"name": " Ana ", "identity_class": "individual", "x": 1})
    {'name': 'Ana', 'identity_class': 'individual'}
    >>> author_record({"name": ["Ana"]}) is None
    True
    """
    if not isinstance(value, dict):
        return None
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        return None
    out = {"name": name.strip()[:1000]}
    kind = value.get("identity_class")
    if isinstance(kind, str) and kind.strip().lower() in IDENTITY_CLASSES:
        out["identity_class"] = kind.strip().lower()
    contact = value.get("contact_information")
    if isinstance(contact, str) and contact.strip():
        out["contact_information"] = contact.strip()[:1000]
    return out


def split_analysis(text: str | None) -> tuple[str | None, str | None]:
    """A course of action's description without the analysis paragraph an
    export added, and the status that paragraph names.

    Examples
    --------
    >>> split_analysis("Use MFA.\\n\\nattackgraph analysis: deployed, in effect. Breaks 2.")
    ('Use MFA.', 'deployed')
    >>> split_analysis("Plain.")
    ('Plain.', None)
    """
    if not text:
        return text, None
    match = _ANALYSIS.search(text)
    if match is None:
        return text, None
    kept = text[: match.start()].rstrip()
    return kept or None, match.group(1)


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
