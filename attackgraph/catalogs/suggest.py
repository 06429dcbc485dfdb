"""Catalog mitigations proposed for a model's steps, from their technique ids.

For each technique of a node, a catalog's entries that mitigate it are
proposed; a sub-technique the catalog does not list (``T1059.012``) falls
back to its parent (``T1059``). Catalogs that reach techniques through
ATT&CK (the Seven Properties) propose the entries that realise the ATT&CK
mitigations proposed for the node. Qt-free: the desktop app's inspector
calls :func:`suggestions_for` and, on a click, :func:`build_mitigation`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from attackgraph.catalogs.catalog import Catalog, CatalogEntry, available_catalogs, load_catalog
from attackgraph.catalogs.techniques import parent_technique
from attackgraph.errors import AnalysisError
from attackgraph.model import AttackModel, Mitigation
from attackgraph.model.schema import ID_PATTERN

__all__ = ["NodeSuggestions", "Suggestion", "build_mitigation", "suggest_all", "suggestions_for"]

_NOT_PROPOSED = {"M1055"}  # ATT&CK's "Do Not Mitigate": advice, not a defence to add


@dataclass(frozen=True)
class Suggestion:
    """One catalog mitigation proposed for one node.

    Parameters
    ----------
    node_id : str
        The node it would block.
    catalog, catalog_title : str
        The catalog's id and title.
    entry_id, label, description : str
        The catalog entry (``M1051``, "Update Software", ...).
    url : str or None
        Where to read more.
    techniques : tuple of str
        The node's techniques that led to it, as written on the node.
    matched : tuple of str
        The catalog techniques they matched (a parent for a sub-technique
        the catalog does not list).
    via_parent : bool
        Whether a match needed the parent-technique fallback.
    via : tuple of str
        For catalogs reached through ATT&CK: the ATT&CK mitigations that led
        here.
    rationale : str
        How the entry breaks the step (the catalog's note).
    existing : str or None
        The model's mitigation that already is this entry (its ``refs`` hold
        the entry's reference), if any: adding then extends its ``blocks``.
    covered : bool
        Whether that mitigation already blocks the node.
    """

    node_id: str
    catalog: str
    catalog_title: str
    entry_id: str
    label: str
    description: str
    url: str | None
    techniques: tuple[str, ...]
    matched: tuple[str, ...]
    via_parent: bool
    via: tuple[str, ...]
    rationale: str
    existing: str | None
    covered: bool

    def to_json(self) -> dict[str, object]:
        """The suggestion as plain data (for ``suggest --format json``)."""
        return {
            "catalog": self.catalog,
            "id": self.entry_id,
            "label": self.label,
            "url": self.url,
            "techniques": list(self.techniques),
            "matched": list(self.matched),
            "via_parent": self.via_parent,
            "via": list(self.via),
            "rationale": self.rationale,
            "existing": self.existing,
            "covered": self.covered,
        }


@dataclass(frozen=True)
class NodeSuggestions:
    """The suggestions for one node with techniques.

    Parameters
    ----------
    node_id, label : str
        The node.
    techniques : tuple of str
        Its technique ids.
    suggestions : tuple of Suggestion
        Catalog order, then entry order.
    unknown : tuple of str
        Techniques no loaded catalog lists (nor their parent).
    """

    node_id: str
    label: str
    techniques: tuple[str, ...]
    suggestions: tuple[Suggestion, ...]
    unknown: tuple[str, ...]


def _catalogs(names: Sequence[str] | None) -> list[Catalog]:
    return [load_catalog(name) for name in (available_catalogs() if names is None else names)]


def _existing(model: AttackModel, entry: CatalogEntry) -> Mitigation | None:
    # By reference only: a property such as "Defense in depth" is shared by many
    # mitigations, and blocking the node with any one of them would be wrong.
    for mit in model.mitigations.values():
        if entry.ref in (mit.refs or ()):
            return mit
    return None


def _direct(
    catalog: Catalog,
    techniques: Iterable[str],
) -> dict[str, tuple[CatalogEntry, list[str], list[str], bool]]:
    """Entry id -> (entry, node techniques, matched techniques, via parent)."""
    found: dict[str, tuple[CatalogEntry, list[str], list[str], bool]] = {}
    for technique in techniques:
        matched, via_parent = technique, False
        entries = catalog.by_technique.get(technique)
        if not entries:
            parent = parent_technique(technique)
            if parent is not None and catalog.by_technique.get(parent):
                matched, via_parent, entries = parent, True, catalog.by_technique[parent]
        for entry in entries or ():
            if entry.id in _NOT_PROPOSED:
                continue
            record = found.setdefault(entry.id, (entry, [], [], False))
            record[1].append(technique)
            record[2].append(matched)
            found[entry.id] = (entry, record[1], record[2], record[3] or via_parent)
    return found


def suggestions_for(
    model: AttackModel, node_id: str, catalogs: Sequence[str] | None = None
) -> tuple[Suggestion, ...]:
    """Catalog mitigations proposed for one node, from its technique ids.

    Parameters
    ----------
    model : AttackModel
    node_id : str
        A node of the model.
    catalogs : sequence of str, optional
        Catalog ids (default: every bundled catalog).

    Returns
    -------
    tuple of Suggestion
        Empty for a node without techniques.

    Raises
    ------
    AnalysisError
        ``node_id`` is not a node of the model.
    """
    return _for_node(model, node_id, _catalogs(catalogs))[0]


def _for_node(
    model: AttackModel,
    node_id: str,
    catalogs: list[Catalog],
) -> tuple[tuple[Suggestion, ...], tuple[str, ...]]:
    node = model.nodes.get(node_id)
    if node is None:
        raise AnalysisError(f"There is no node {node_id!r}.")
    techniques = tuple(node.techniques or ())
    out: list[Suggestion] = []
    attack_found: dict[str, tuple[CatalogEntry, list[str], list[str], bool]] = {}
    known: set[str] = set()
    for catalog in catalogs:
        if catalog.by_technique:
            found = _direct(catalog, techniques)
            for technique in techniques:
                parent = parent_technique(technique)
                if catalog.knows(technique) or (parent is not None and catalog.knows(parent)):
                    known.add(technique)
            if catalog.id.startswith("attack-"):
                attack_found.update(found)
            for entry, used, matched, via_parent in found.values():
                out.append(
                    _suggestion(
                        model,
                        node_id,
                        catalog,
                        entry,
                        used,
                        matched,
                        via_parent,
                        (),
                        entry.techniques.get(matched[0], ""),
                    )
                )
    for catalog in catalogs:
        if catalog.by_technique or not catalog.by_attack_mitigation:
            continue
        derived: dict[str, tuple[CatalogEntry, list[str], list[str], bool, list[str]]] = {}
        for mit_id, (_, used, matched, via_parent) in attack_found.items():
            for entry in catalog.by_attack_mitigation.get(mit_id, ()):
                record = derived.setdefault(entry.id, (entry, [], [], False, []))
                record[1].extend(t for t in used if t not in record[1])
                record[2].extend(t for t in matched if t not in record[2])
                record[4].append(mit_id)
                derived[entry.id] = (
                    entry,
                    record[1],
                    record[2],
                    record[3] or via_parent,
                    record[4],
                )
        for entry in sorted(
            (d[0] for d in derived.values()), key=lambda e: catalog.entries.index(e)
        ):
            _, used, matched, via_parent, via = derived[entry.id]
            out.append(
                _suggestion(
                    model,
                    node_id,
                    catalog,
                    entry,
                    used,
                    matched,
                    via_parent,
                    tuple(via),
                    entry.breaks or "",
                )
            )
    unknown = tuple(t for t in techniques if t not in known)
    return tuple(out), unknown


def _suggestion(
    model: AttackModel,
    node_id: str,
    catalog: Catalog,
    entry: CatalogEntry,
    used: list[str],
    matched: list[str],
    via_parent: bool,
    via: tuple[str, ...],
    rationale: str,
) -> Suggestion:
    existing = _existing(model, entry)
    return Suggestion(
        node_id=node_id,
        catalog=catalog.id,
        catalog_title=catalog.title,
        entry_id=entry.id,
        label=entry.label,
        description=entry.description,
        url=entry.url,
        techniques=tuple(dict.fromkeys(used)),
        matched=tuple(dict.fromkeys(matched)),
        via_parent=via_parent,
        via=via,
        rationale=rationale,
        existing=existing.id if existing else None,
        covered=bool(existing and node_id in existing.blocks),
    )


def suggest_all(
    model: AttackModel,
    catalogs: Sequence[str] | None = None,
) -> tuple[NodeSuggestions, ...]:
    """Suggestions for every node that has technique ids, in model order."""
    loaded = _catalogs(catalogs)
    out = []
    for node in model.nodes.values():
        if not node.techniques:
            continue
        suggestions, unknown = _for_node(model, node.id, loaded)
        out.append(
            NodeSuggestions(node.id, node.label, tuple(node.techniques), suggestions, unknown)
        )
    return tuple(out)


def _free_id(model: AttackModel, wanted: str) -> str:
    base = wanted if ID_PATTERN.fullmatch(wanted) else "mitigation"
    candidate, number = base, 2
    while candidate in model.mitigations:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def build_mitigation(model: AttackModel, suggestion: Suggestion) -> Mitigation:
    """The mitigation that adopting ``suggestion`` puts into the model.

    When the model already has this catalog entry (``suggestion.existing``),
    the result is that mitigation with the node added to its ``blocks``
    (unchanged if it already blocks it): replace it with
    ``model.update_mitigation(existing, blocks=result.blocks)``. Otherwise it
    is a new proposed mitigation with a free id: add it with
    ``model.add_mitigation(result)``. The model itself is not changed.
    """
    if suggestion.existing is not None and suggestion.existing in model.mitigations:
        mit = model.mitigations[suggestion.existing]
        if suggestion.node_id in mit.blocks:
            return mit
        return mit.replace(blocks=(*mit.blocks, suggestion.node_id))
    entry = load_catalog(suggestion.catalog).entry(suggestion.entry_id)
    if entry is None:
        raise AnalysisError(
            f"The catalog {suggestion.catalog!r} has no entry {suggestion.entry_id!r}."
        )
    if entry.property is not None:
        from attackgraph.formats.building import slug

        wanted = slug(entry.label, "mitigation")
    else:
        wanted = entry.id
    refs = [entry.ref] + ([entry.url] if entry.url else [])
    description = entry.description
    if suggestion.rationale:
        description = f"{description}\n\n{suggestion.rationale}".strip()
    return Mitigation(
        id=_free_id(model, wanted),
        label=entry.label,
        blocks=(suggestion.node_id,),
        property=entry.property,
        refs=tuple(refs),
        description=description or None,
    )
