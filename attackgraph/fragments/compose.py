"""Inserting fragments into models, and updating an inserted instance when
its library copy changes.

Both work on native documents (plain dicts) and return new ones, so the CLI
writes them and the GUI applies them as one undo step. An inserted fragment
is recorded under the model's ``x-fragments`` key: its id, version and
source, the ids it was given, and a copy of the fragment as inserted (the
base of a later three-way update, which keeps local edits where they do not
conflict). Qt-free.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from attackgraph.errors import ModelError, Problem
from attackgraph.fragments.fragment import FRAGMENT_KEY, Fragment, subtree, top_components
from attackgraph.merge import Conflict, merge_documents
from attackgraph.model import validate_document

__all__ = [
    "INSTANCES_KEY",
    "Connection",
    "Insertion",
    "Instance",
    "insert_fragment",
    "instances",
    "parse_connection",
    "relative_positions",
    "update_instance",
]

INSTANCES_KEY = "x-fragments"
"""The top-level key under which a model records its inserted fragments."""

_ID_GROUPS = (("components", "component"), ("nodes", "node"), ("mitigations", "mitigation"))


@dataclass(frozen=True, slots=True)
class Connection:
    """One ``PORT=NODE`` wiring: an edge NODE -> PORT for an in-port,
    PORT -> NODE for an out-port (``in:``/``out:`` before PORT choose when
    a port is both)."""

    port: str
    node: str
    side: str | None = None


def parse_connection(text: str) -> Connection:
    """``PORT=NODE`` (optionally ``in:PORT=NODE`` or ``out:PORT=NODE``).

    Examples
    --------
    >>> parse_connection("out:root=G1")
    Connection(port='root', node='G1', side='out')

    Raises
    ------
    ValueError
        When the text has no ``=``.
    """
    port, sep, node = text.partition("=")
    if not sep or not port or not node:
        raise ValueError(f"{text[:80]!r} is not PORT=NODE.")
    side = None
    if port.startswith(("in:", "out:")):
        side, port = port.split(":", 1)
    return Connection(port, node, side)


@dataclass(frozen=True)
class Insertion:
    """The result of :func:`insert_fragment`."""

    document: dict[str, Any]
    ids: dict[str, str]
    """Fragment id -> model id, for components, nodes and mitigations."""
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Instance:
    """An inserted fragment, as the model records it."""

    index: int
    id: str
    version: str
    source: str | None
    components: tuple[str, ...]
    ids: dict[str, str]
    base: dict[str, Any] = field(repr=False)


def _unique(ident: str, taken: set[str], prefix: str) -> str:
    if ident not in taken:
        return ident
    candidate = f"{prefix}.{ident}"
    number = 2
    while candidate in taken:
        candidate = f"{prefix}.{ident}-{number}"
        number += 1
    return candidate


def _map_document(fragment_doc: Mapping[str, Any], ids: Mapping[str, str]) -> dict[str, Any]:
    """A fragment document with its ids replaced (refs follow); marker dropped."""

    def node(i: str) -> str:
        return ids.get(f"node:{i}", i)

    def comp(i: str) -> str:
        return ids.get(f"component:{i}", i)

    out: dict[str, Any] = {}
    out["components"] = []
    for c in fragment_doc.get("components", []):
        item = dict(c, id=comp(c["id"]))
        if "parent" in c:
            item["parent"] = comp(c["parent"])
        out["components"].append(item)
    out["nodes"] = []
    for n in fragment_doc.get("nodes", []):
        item = dict(n, id=node(n["id"]))
        if "component" in n:
            item["component"] = comp(n["component"])
        out["nodes"].append(item)
    out["edges"] = [
        dict(e, source=node(e["source"]), target=node(e["target"]))
        for e in fragment_doc.get("edges", [])
    ]
    out["mitigations"] = [
        dict(
            m,
            id=ids.get(f"mitigation:{m['id']}", m["id"]),
            blocks=[node(b) for b in m.get("blocks", [])],
        )
        for m in fragment_doc.get("mitigations", [])
    ]
    out["layout"] = {node(k): list(v) for k, v in (fragment_doc.get("layout") or {}).items()}
    return out


def _assign_ids(
    doc: Mapping[str, Any],
    fragment_doc: Mapping[str, Any],
    prefix: str,
    known: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Unique model ids for every fragment object (``kind:id`` keys)."""
    ids = dict(known or {})
    for group, kind in _ID_GROUPS:
        taken = {str(item.get("id")) for item in doc.get(group, [])}
        taken |= {v for k, v in ids.items() if k.startswith(f"{kind}:")}
        for item in fragment_doc.get(group, []):
            key = f"{kind}:{item['id']}"
            if key not in ids:
                ids[key] = _unique(item["id"], taken, prefix)
                taken.add(ids[key])
    return ids


def _strip_release_refs(
    items: list[dict[str, Any]], releases: set[str], warnings: list[Problem]
) -> None:
    for item in items:
        for key in ("release", "release_fixed"):
            if key in item and item[key] not in releases:
                warnings.append(
                    Problem(
                        f"/{INSTANCES_KEY}",
                        f"{item['id']!r}: release "
                        f"{item[key]!r} is not a release of the model; "
                        f"left out.",
                        "warning",
                    )
                )
                del item[key]


def insert_fragment(
    doc: Mapping[str, Any],
    fragment: Fragment,
    *,
    into: str | None = None,
    connect: Sequence[Connection] = (),
    at: tuple[float, float] | None = None,
) -> Insertion:
    """Insert ``fragment`` into a copy of the model document ``doc``.

    Parameters
    ----------
    doc : mapping
        The model document.
    fragment : Fragment
    into : str, optional
        The component to put the fragment's top components in.
    connect : sequence of Connection
        Port wiring; each one adds an edge between a port and a model node.
    at : (float, float), optional
        Where the fragment's top-left node goes; default: right of the layout.

    Returns
    -------
    Insertion

    Raises
    ------
    ModelError
        With located problems: an unknown component or node, a port that is
        not declared, or a result the model's rules refuse.
    """
    out = copy.deepcopy(dict(doc))
    problems: list[Problem] = []
    components = {c["id"] for c in out.get("components", [])}
    if into is not None and into not in components:
        problems.append(Problem("--into", f"{into[:60]!r} is not a component of the model."))
    ids = _assign_ids(out, fragment.document, fragment.id)
    mapped = _map_document(fragment.document, ids)
    model_nodes = {n["id"] for n in out.get("nodes", [])}
    new_edges = []
    for index, link in enumerate(connect):
        where = f"--connect/{index}"
        sides = [
            s
            for s, ports in (("in", fragment.ports_in), ("out", fragment.ports_out))
            if link.port in ports
        ]
        if link.side:
            sides = [s for s in sides if s == link.side]
        if not sides:
            declared = ", ".join([*fragment.ports_in, *fragment.ports_out]) or "none"
            problems.append(
                Problem(
                    where,
                    f"{link.port[:60]!r} is not a"
                    f"{'n ' + link.side + '-' if link.side else ' '}port of "
                    f"fragment {fragment.id!r} (ports: {declared}).",
                )
            )
            continue
        if len(sides) > 1:
            problems.append(
                Problem(
                    where,
                    f"{link.port!r} is both an in- and an out-port: "
                    f"write in:{link.port}=... or out:{link.port}=...",
                )
            )
            continue
        if link.node not in model_nodes:
            problems.append(Problem(where, f"{link.node[:60]!r} is not a node of the model."))
            continue
        port = ids[f"node:{link.port}"]
        edge = (
            {"source": link.node, "target": port}
            if sides[0] == "in"
            else {"source": port, "target": link.node}
        )
        new_edges.append(edge)
    if problems:
        raise ModelError(f"cannot insert fragment {fragment.id!r}.", problems)
    roots = set(fragment.roots)
    for comp in mapped["components"]:
        if comp["id"] in {ids[f"component:{r}"] for r in roots}:
            comp.pop("parent", None)
            if into is not None:
                comp["parent"] = into
    warnings: list[Problem] = []
    releases = {r["id"] for r in out.get("releases", [])}
    _strip_release_refs(mapped["nodes"], releases, warnings)
    _strip_release_refs(mapped["mitigations"], releases, warnings)
    for group in ("components", "nodes", "edges", "mitigations"):
        if mapped[group]:
            out.setdefault(group, []).extend(mapped[group])
    out.setdefault("edges", []).extend(new_edges)
    if not out["edges"]:
        del out["edges"]
    positions = mapped["layout"] or _columns(mapped["nodes"], mapped["edges"])
    _place(out, positions, at)
    record = {
        "id": fragment.id,
        "version": fragment.version,
        "components": [ids[f"component:{r}"] for r in fragment.roots],
        "ids": ids,
        "base": _base_copy(fragment.document),
    }
    if fragment.source:
        record["source"] = fragment.source
    out.setdefault(INSTANCES_KEY, []).append(record)
    errors = [p for p in validate_document(out) if p.is_error]
    if errors:
        raise ModelError(f"inserting fragment {fragment.id!r} makes the model invalid.", errors)
    return Insertion(out, ids, tuple(warnings))


def _base_copy(fragment_doc: Mapping[str, Any]) -> dict[str, Any]:
    keep = ("components", "nodes", "edges", "mitigations", FRAGMENT_KEY)
    return copy.deepcopy({k: v for k, v in fragment_doc.items() if k in keep})


def _columns(
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
) -> dict[str, list[float]]:
    """Positions for a fragment saved without any: one column per depth."""
    ids = [str(n["id"]) for n in nodes]
    depth = dict.fromkeys(ids, 0)
    for _ in range(len(ids)):  # longest path, bounded for cycles
        changed = False
        for edge in edges:
            step = depth[edge["source"]] + 1
            if step > depth[edge["target"]] and step < len(ids):
                depth[edge["target"]] = step
                changed = True
        if not changed:
            break
    rows: dict[int, int] = {}
    out = {}
    for node in ids:
        row = rows.get(depth[node], 0)
        rows[depth[node]] = row + 1
        out[node] = [depth[node] * 240.0, row * 120.0]
    return out


def relative_positions(fragment: Fragment) -> dict[str, tuple[float, float]]:
    """Where a fragment's nodes go relative to its top-left node (node centres),
    as :func:`insert_fragment` places them."""
    doc = fragment.document
    positions = doc.get("layout") or _columns(doc.get("nodes", []), doc.get("edges", []))
    if not positions:
        return {}
    x0 = min(p[0] for p in positions.values())
    y0 = min(p[1] for p in positions.values())
    return {k: (p[0] - x0, p[1] - y0) for k, p in positions.items()}


def _place(
    doc: dict[str, Any], positions: Mapping[str, list[float]], at: tuple[float, float] | None
) -> None:
    """Put the fragment's positions right of the model's layout (or at ``at``)."""
    layout = doc.get("layout")
    if not positions or (layout is None and at is None):
        return
    layout = doc.setdefault("layout", {})
    if at is None:
        xs = [p[0] for p in layout.values()] or [0.0]
        ys = [p[1] for p in layout.values()] or [0.0]
        at = (max(xs) + 300.0, min(ys))
    x0 = min(p[0] for p in positions.values())
    y0 = min(p[1] for p in positions.values())
    for node, (x, y) in positions.items():
        layout[node] = [at[0] + x - x0, at[1] + y - y0]


def instances(doc: Mapping[str, Any]) -> list[Instance]:
    """The fragments a model records as inserted (malformed records are skipped)."""
    out = []
    for index, record in enumerate(doc.get(INSTANCES_KEY) or []):
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            continue
        out.append(
            Instance(
                index,
                record["id"],
                str(record.get("version", "")),
                record.get("source"),
                tuple(record.get("components") or ()),
                dict(record.get("ids") or {}),
                dict(record.get("base") or {}),
            )
        )
    return out


def _instance_part(doc: Mapping[str, Any], instance: Instance) -> dict[str, Any]:
    """The objects of the model that belong to an instance, as a document."""
    comps = doc.get("components", [])
    inside = set(subtree(comps, list(instance.components)))
    nodes = [n for n in doc.get("nodes", []) if n.get("component") in inside]
    node_ids = {n["id"] for n in nodes}
    mitigation_ids = {v for k, v in instance.ids.items() if k.startswith("mitigation:")}
    return {
        "components": [c for c in comps if c["id"] in inside],
        "nodes": nodes,
        "edges": [
            e for e in doc.get("edges", []) if e["source"] in node_ids and e["target"] in node_ids
        ],
        "mitigations": [m for m in doc.get("mitigations", []) if m["id"] in mitigation_ids],
    }


def update_instance(
    doc: Mapping[str, Any],
    instance: Instance,
    fragment: Fragment,
) -> tuple[dict[str, Any], tuple[Conflict, ...]]:
    """Bring an inserted fragment up to ``fragment``'s version, keeping local edits.

    A three-way merge (base: the fragment as inserted, ours: the instance in
    the model now, theirs: the new fragment, all with the instance's ids)
    decides every object; conflicts keep the local value and are listed in
    the model's ``x-merge-conflicts`` for the Problems dock.

    Returns
    -------
    (dict, tuple of Conflict)
        The new model document and the conflicts.
    """
    ids = _assign_ids(doc, fragment.document, fragment.id, instance.ids)
    base = _map_document(instance.base, instance.ids)
    theirs = _map_document(fragment.document, ids)
    ours = _instance_part(doc, instance)
    roots = {instance.ids.get(f"component:{r}") for r in top_components(instance.base)}
    parent = {c["id"]: c.get("parent") for c in ours["components"] if c["id"] in roots}
    for side in (base, theirs):
        for comp in side["components"]:
            if comp["id"] in parent:
                comp.pop("parent", None)
                if parent[comp["id"]] is not None:
                    comp["parent"] = parent[comp["id"]]
        side.pop("layout", None)
    head = {"format": "attackgraph", "version": 1, "title": "instance"}
    merged = merge_documents({**head, **base}, {**head, **ours}, {**head, **theirs})
    out = copy.deepcopy(dict(doc))
    for group in ("components", "nodes", "edges", "mitigations"):
        old = {id(item) for item in ours[group]}
        kept = [item for item in doc.get(group, []) if id(item) not in old]
        out[group] = copy.deepcopy(kept) + copy.deepcopy(merged.document.get(group, []))
        if not out[group] and group != "nodes":
            del out[group]
    node_ids = {n["id"] for n in out.get("nodes", [])}
    if "edges" in out:
        out["edges"] = [
            e for e in out["edges"] if e["source"] in node_ids and e["target"] in node_ids
        ]
    for mitigation in out.get("mitigations", []):
        mitigation["blocks"] = [b for b in mitigation["blocks"] if b in node_ids] or mitigation[
            "blocks"
        ]
    if "layout" in out:
        out["layout"] = {k: v for k, v in out["layout"].items() if k in node_ids}
    record = dict(
        out[INSTANCES_KEY][instance.index],
        version=fragment.version,
        ids=ids,
        base=_base_copy(fragment.document),
    )
    out[INSTANCES_KEY][instance.index] = record
    if merged.conflicts:
        entries = []
        for conflict in merged.conflicts:
            entry = conflict.to_json()
            entry["pointer"] = _relocate(out, merged.document, conflict.pointer)
            entries.append(entry)
        out["x-merge-conflicts"] = [*out.get("x-merge-conflicts", []), *entries]
    return out, merged.conflicts


def _relocate(doc: Mapping[str, Any], part: Mapping[str, Any], pointer: str) -> str:
    """A pointer into the instance part, as a pointer into the whole model."""
    tokens = pointer.split("/")
    if len(tokens) < 3 or tokens[1] not in ("components", "nodes", "mitigations", "edges"):
        return pointer
    group, index = tokens[1], int(tokens[2])
    item = part.get(group, [])[index]
    for position, candidate in enumerate(doc.get(group, [])):
        if candidate == item or (group != "edges" and candidate.get("id") == item.get("id")):
            return "/".join(["", group, str(position), *tokens[3:]])
    return pointer
