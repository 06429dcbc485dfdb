"""Mitigation catalogs: bundled JSON files (schema ``attackgraph.catalog/1``)
loaded once and indexed by technique.

A catalog entry either lists the techniques it mitigates (ATT&CK: each
technique with a note on how) or the ATT&CK mitigations it realises (the
Seven Properties), which is how it reaches techniques.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from attackgraph.bundled import resource_path
from attackgraph.errors import FormatError

__all__ = ["CATALOG_FILES", "Catalog", "CatalogEntry", "available_catalogs", "load_catalog"]

SCHEMA = "attackgraph.catalog/1"

CATALOG_FILES = ("attack-enterprise", "attack-ics", "seven-properties")
"""Catalogs the package may ship, in the order suggestions list them; those
whose file is missing (ATT&CK ICS today) are skipped."""


@dataclass(frozen=True)
class CatalogEntry:
    """One mitigation of a catalog.

    Parameters
    ----------
    id : str
        The catalog's identifier (``M1051``, ``P6``).
    label : str
        Its name.
    description : str
        What it is (shortened).
    url : str or None
        Where to read more.
    ref : str
        The string a model mitigation's ``refs`` holds to say it is this
        entry (``M1051``, ``seven-properties:P6``).
    techniques : Mapping
        Technique id -> how this entry mitigates it.
    attack_mitigations : tuple of str
        ATT&CK mitigations this entry realises (for catalogs that reach
        techniques through ATT&CK).
    property : str or None
        The design property it is, for the mitigation's ``property`` field.
    question : str or None
        The property's test question.
    breaks : str or None
        How it breaks attack steps.
    """

    id: str
    label: str
    description: str = ""
    url: str | None = None
    ref: str = ""
    techniques: Mapping[str, str] = field(default_factory=dict)
    attack_mitigations: tuple[str, ...] = ()
    property: str | None = None
    question: str | None = None
    breaks: str | None = None


@dataclass(frozen=True)
class Catalog:
    """A loaded catalog.

    Parameters
    ----------
    id, title, short, version, source, licence : str
        What it is, where it comes from and under which terms.
    entries : tuple of CatalogEntry
        In catalog order.
    technique_names : Mapping
        Technique id -> name, for the techniques the catalog knows.
    """

    id: str
    title: str
    short: str
    version: str
    source: str
    licence: str
    entries: tuple[CatalogEntry, ...]
    technique_names: Mapping[str, str]
    by_technique: Mapping[str, tuple[CatalogEntry, ...]] = field(repr=False)
    by_attack_mitigation: Mapping[str, tuple[CatalogEntry, ...]] = field(repr=False)

    def entry(self, entry_id: str) -> CatalogEntry | None:
        """The entry with this id, or None."""
        return next((e for e in self.entries if e.id == entry_id), None)

    def knows(self, technique: str) -> bool:
        """Whether the catalog lists this technique at all."""
        return technique in self.technique_names or technique in self.by_technique


def _text(value: Any, where: str, required: bool = False) -> str:
    if isinstance(value, str):
        return value
    if value is None and not required:
        return ""
    raise FormatError(f"{where} must be text.")


def _parse(data: Any, where: str) -> Catalog:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise FormatError(f"{where}: not a catalog (schema {SCHEMA!r} expected).")
    items = data.get("entries")
    if not isinstance(items, list):
        raise FormatError(f"{where}: 'entries' must be a list.")
    entries = []
    for index, item in enumerate(items):
        at = f"{where}: /entries/{index}"
        if not isinstance(item, dict):
            raise FormatError(f"{at} must be an object.")
        techniques = item.get("techniques") or {}
        mitigations = item.get("attack_mitigations") or []
        if not isinstance(techniques, dict) or not isinstance(mitigations, list):
            raise FormatError(
                f"{at}: 'techniques' must be an object and 'attack_mitigations' a list."
            )
        entry_id = _text(item.get("id"), f"{at}/id", True)
        entries.append(
            CatalogEntry(
                id=entry_id,
                label=_text(item.get("label"), f"{at}/label", True),
                description=_text(item.get("description"), f"{at}/description"),
                url=item.get("url") if isinstance(item.get("url"), str) else None,
                ref=_text(item.get("ref"), f"{at}/ref") or entry_id,
                techniques=MappingProxyType({str(k): str(v) for k, v in techniques.items()}),
                attack_mitigations=tuple(str(m) for m in mitigations),
                property=item.get("property") if isinstance(item.get("property"), str) else None,
                question=item.get("question") if isinstance(item.get("question"), str) else None,
                breaks=item.get("breaks") if isinstance(item.get("breaks"), str) else None,
            )
        )
    by_technique: dict[str, list[CatalogEntry]] = {}
    by_mitigation: dict[str, list[CatalogEntry]] = {}
    for entry in entries:
        for technique in entry.techniques:
            by_technique.setdefault(technique, []).append(entry)
        for mitigation in entry.attack_mitigations:
            by_mitigation.setdefault(mitigation, []).append(entry)
    names = data.get("techniques") or {}
    return Catalog(
        id=_text(data.get("id"), f"{where}: /id", True),
        title=_text(data.get("title"), f"{where}: /title", True),
        short=_text(data.get("short"), f"{where}: /short") or str(data.get("id")),
        version=_text(data.get("version"), f"{where}: /version"),
        source=_text(data.get("source"), f"{where}: /source"),
        licence=_text(data.get("licence"), f"{where}: /licence"),
        entries=tuple(entries),
        technique_names=MappingProxyType(
            {str(k): str(v) for k, v in names.items()} if isinstance(names, dict) else {}
        ),
        by_technique=MappingProxyType({k: tuple(v) for k, v in by_technique.items()}),
        by_attack_mitigation=MappingProxyType({k: tuple(v) for k, v in by_mitigation.items()}),
    )


@lru_cache(maxsize=16)
def _load(path: str, stamp: float) -> Catalog:
    from attackgraph.fileio import read_limited
    from attackgraph.formats.native.parse import max_file_bytes

    try:
        raw = read_limited(path, max_file_bytes())
    except FormatError as exc:
        raise FormatError(f"{path}: the catalog cannot be read: {exc}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise FormatError(f"{path}: the catalog is not valid JSON ({exc}).") from None
    return _parse(data, os.path.basename(path))


def load_catalog(name: str | os.PathLike[str]) -> Catalog:
    """A bundled catalog by id (``attack-enterprise``), or a catalog file.

    Raises
    ------
    FormatError
        The catalog is missing or malformed.

    Examples
    --------
    >>> load_catalog("seven-properties").entry("P6").label
    'Renewable security'
    """
    text = os.fspath(name)
    path = Path(text) if text.endswith(".json") else resource_path("catalogs", f"{text}.json")
    try:
        stamp = path.stat().st_mtime
    except OSError:
        raise FormatError(
            f"there is no catalog {text!r}; available: {', '.join(available_catalogs()) or 'none'}."
        ) from None
    return _load(str(path), stamp)


def available_catalogs() -> tuple[str, ...]:
    """Ids of the bundled catalogs, in suggestion order.

    Examples
    --------
    >>> "attack-enterprise" in available_catalogs()
    True
    """
    folder = resource_path("catalogs")
    return tuple(name for name in CATALOG_FILES if (folder / f"{name}.json").is_file())
