"""Technique identifiers: MITRE ATT&CK (``T1190``, ``T1059.001``, ICS
``T0843``) and MITRE ATLAS (``AML.T0051``, ``AML.T0051.000``).

Files from other tools hold them in many shapes: lower case, without the
``T``, or as display strings such as ``"[ATL] AML.T0095.000 Code
Repositories"``. :func:`normalize_technique` recovers the identifier and says
what it had to do, so that an importer can warn instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TechniqueId", "is_technique_id", "normalize_technique", "parent_technique"]

_EXACT = re.compile(r"(?:AML\.)?T\d{4}(?:\.\d{3})?")
_ATLAS = re.compile(r"(?<![A-Za-z0-9])AML\.T\d{4}(?:\.\d{3})?(?![0-9])", re.IGNORECASE)
_ATTACK = re.compile(r"(?<![A-Za-z0-9.])T\d{4}(?:\.\d{3})?(?![0-9])", re.IGNORECASE)
_BARE = re.compile(r"\d{4}(?:\.\d{3})?")


@dataclass(frozen=True)
class TechniqueId:
    """The outcome of normalising one technique field.

    Parameters
    ----------
    id : str or None
        The identifier, or None when none could be found.
    note : str or None
        What was changed, as a phrase for a warning; None when the value
        was already a clean identifier.
    """

    id: str | None
    note: str | None = None


def is_technique_id(value: str) -> bool:
    """Whether ``value`` is exactly an ATT&CK or ATLAS technique id.

    Examples
    --------
    >>> is_technique_id("T1059.001"), is_technique_id("AML.T0051"), is_technique_id("t1059")
    (True, True, False)
    """
    return bool(_EXACT.fullmatch(value))


def normalize_technique(raw: object) -> TechniqueId:
    """Recover an ATT&CK or ATLAS technique id from a field's value.

    Examples
    --------
    >>> normalize_technique("T1190")
    TechniqueId(id='T1190', note=None)
    >>> normalize_technique("1598.003").id
    'T1598.003'
    >>> normalize_technique("[ATL] AML.T0095.000 Code Repositories").id
    'AML.T0095.000'
    >>> normalize_technique("Phishing")
    TechniqueId(id=None, note='holds no ATT&CK or ATLAS technique id')
    """
    if not isinstance(raw, str):
        return TechniqueId(None, "is not text")
    text = raw.strip()
    if _EXACT.fullmatch(text):
        return TechniqueId(text)
    upper = text.upper()
    if _EXACT.fullmatch(upper):
        return TechniqueId(upper, f"was written {text!r}")
    if _BARE.fullmatch(text):
        return TechniqueId("T" + text, f"lacks the leading 'T' ({text!r})")
    for pattern in (_ATLAS, _ATTACK):
        match = pattern.search(text)
        if match:
            found = match.group(0).upper()
            found = "AML." + found[4:] if found.startswith("AML.") else found
            return TechniqueId(found, f"is a display string ({text[:80]!r}), not an id")
    return TechniqueId(None, "holds no ATT&CK or ATLAS technique id")


def parent_technique(technique: str) -> str | None:
    """The parent of a sub-technique, or None for a technique.

    Examples
    --------
    >>> parent_technique("T1059.001"), parent_technique("AML.T0051.000"), parent_technique("T1059")
    ('T1059', 'AML.T0051', None)
    """
    head, dot, tail = technique.rpartition(".")
    if dot and tail.isdigit() and len(tail) == 3 and head.upper() != "AML":
        return head
    return None
