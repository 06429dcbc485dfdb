"""Bring a live model to the content of a document through the mutation API.

:func:`apply_document` changes a model, object by object, until it holds
what a (valid) model document holds, in an order that keeps every
intermediate state valid, and announces each change as any edit does; so a
view that follows the model's events follows a wholesale change too (a
fragment inserted, an instance updated, a merge resolved), and undo is
:func:`apply_document` with the old document. Qt-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from typing import Any

from attackgraph.model.core import AttackModel
from attackgraph.model.objects import (
    Component,
    Edge,
    Mitigation,
    ModelObject,
    Node,
    Profile,
    Release,
)

__all__ = ["apply_document"]


def _changes(old: ModelObject, new: ModelObject) -> dict[str, Any]:
    return {
        f.name: getattr(new, f.name)
        for f in fields(old)  # type: ignore[arg-type]
        if f.name != "id" and getattr(old, f.name) != getattr(new, f.name)
    }


def _by_id(cls: Any, items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {str(d["id"]): cls.from_dict(d) for d in items}


def apply_document(model: AttackModel, doc: Mapping[str, Any]) -> None:
    """Change ``model`` until it holds exactly what ``doc`` holds.

    Parameters
    ----------
    model : AttackModel
    doc : mapping
        A model document that :func:`~attackgraph.model.validate_document`
        accepts (title, description, objects, layout, ``x-`` keys).

    Raises
    ------
    ModelError
        When ``doc`` is not a valid model; the model may then hold part of
        the changes, so validate first.

    Examples
    --------
    >>> m = AttackModel("t")
    >>> apply_document(m, {"format": "attackgraph", "version": 1, "title": "new",
    ...     "nodes": [{"id": "E", "kind": "entry", "label": "e"},
    ...               {"id": "G", "kind": "goal", "label": "g", "gate": "and"}],
    ...     "edges": [{"source": "E", "target": "G"}]})
    >>> m.title, [n.gate for n in m.nodes.values()], len(m.edges)
    ('new', [None, 'and'], 1)
    """
    releases = _by_id(Release, doc.get("releases", []))
    components = _by_id(Component, doc.get("components", []))
    nodes = _by_id(Node, doc.get("nodes", []))
    edges = {(e["source"], e["target"]): Edge.from_dict(e) for e in doc.get("edges", [])}
    mitigations = _by_id(Mitigation, doc.get("mitigations", []))
    profiles = _by_id(Profile, doc.get("profiles", []))

    model.set_title(doc["title"])
    model.set_description(doc.get("description"))
    for release_id, release in releases.items():
        if release_id in model.releases:
            if model.releases[release_id] != release:
                model.update_release(release_id, **_changes(model.releases[release_id], release))
        else:
            model.add_release(release, _index(list(model.releases), releases, release_id))
    if list(model.releases)[: len(releases)] != list(releases) and set(model.releases) >= set(
        releases
    ):
        for index, release_id in enumerate(releases):
            if model.release_index(release_id) != index:
                _move_release(model, release_id, index)
    _components_in(model, components)
    # an AND node whose enablers change is relaxed to OR until its edges are in
    old_incoming = _enablers(e.key for e in model.edges)
    new_incoming = _enablers(edges)
    for node_id, node in list(model.nodes.items()):
        if node.gate == "and" and (
            node_id not in nodes or old_incoming.get(node_id) != new_incoming.get(node_id)
        ):
            model.update_node(node_id, gate=None)
    for key in [e.key for e in model.edges if e.key not in edges]:
        model.remove_edge(*key)
    for node_id, node in nodes.items():  # entries that stop being entries may get edges
        old = model.nodes.get(node_id)
        if old is not None and old.kind == "entry" and node.kind != "entry":
            model.update_node(node_id, kind=node.kind)
    for node_id, node in nodes.items():
        if node_id not in model.nodes:
            model.add_node(node.replace(gate=None), _index(list(model.nodes), nodes, node_id))
    present = {e.key for e in model.edges}
    for key, edge in edges.items():
        if key not in present:
            model.add_edge(edge, _index([e.key for e in model.edges], edges, key))
        elif model.edge(*key) != edge:
            model.update_edge(*key, **_changes(model.edge(*key), edge))
    for node_id, node in nodes.items():
        if model.nodes[node_id] != node:
            model.update_node(node_id, **_changes(model.nodes[node_id], node))
    for mit_id, mit in mitigations.items():
        if mit_id in model.mitigations:
            if model.mitigations[mit_id] != mit:
                model.update_mitigation(mit_id, **_changes(model.mitigations[mit_id], mit))
        else:
            model.add_mitigation(mit, _index(list(model.mitigations), mitigations, mit_id))
    for profile_id, profile in profiles.items():
        if profile_id in model.profiles:
            if model.profiles[profile_id] != profile:
                model.update_profile(profile_id, **_changes(model.profiles[profile_id], profile))
        else:
            model.add_profile(profile, _index(list(model.profiles), profiles, profile_id))
    for mit_id in [m for m in model.mitigations if m not in mitigations]:
        model.remove_mitigation(mit_id)
    for profile_id in [p for p in model.profiles if p not in profiles]:
        model.remove_profile(profile_id)
    for node_id in [n for n in model.nodes if n not in nodes]:
        model.remove_node(node_id)
    _remove_components(model, components)
    for release_id in [r for r in model.releases if r not in releases]:
        model.remove_release(release_id)
    layout = {k: (float(v[0]), float(v[1])) for k, v in (doc.get("layout") or {}).items()}
    moves: dict[str, tuple[float, float] | None] = {
        n: layout.get(n) for n in model.nodes if model.layout.get(n) != layout.get(n)
    }
    if moves:
        model.set_positions(moves)
    extras = {k: v for k, v in doc.items() if isinstance(k, str) and k.startswith("x-")}
    model.set_extras(extras)


def _enablers(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """Each target's sources."""
    out: dict[str, set[str]] = {}
    for source, target in pairs:
        out.setdefault(target, set()).add(source)
    return out


def _components_in(model: AttackModel, components: Mapping[str, Component]) -> None:
    """Add new components (parents first) and update the changed ones."""
    pending = [c for c in components.values() if c.id not in model.components]
    while pending:
        ready = [c for c in pending if c.parent is None or c.parent in model.components]
        for comp in ready or pending[:1]:
            model.add_component(comp, _index(list(model.components), components, comp.id))
            pending.remove(comp)
    for comp_id, comp in components.items():
        if model.components[comp_id] != comp:
            model.update_component(comp_id, **_changes(model.components[comp_id], comp))


def _remove_components(model: AttackModel, components: Mapping[str, Component]) -> None:
    """Remove the components ``components`` lacks, children first."""
    doomed = [c for c in model.components if c not in components]
    while doomed:
        parents = {model.components[c].parent for c in doomed}
        leaves = [c for c in doomed if c not in parents] or doomed[:1]
        for comp_id in leaves:
            model.remove_component(comp_id)
            doomed.remove(comp_id)


def _index(current: Sequence[Any], wanted: Mapping[Any, Any], key: Any) -> int | None:
    """Where ``key`` goes in ``current`` to follow ``wanted``'s order: before
    the first object after it in ``wanted`` that is already there."""
    order = list(wanted)
    present = set(current)
    for later in order[order.index(key) + 1 :]:
        if later in present:
            return list(current).index(later)
    return None


def _move_release(model: AttackModel, release_id: str, index: int) -> None:
    """Move a release in the order, keeping the references to it."""
    removed = model.remove_release(release_id)
    model.add_release(removed.item, index)  # type: ignore[arg-type]
    for _, old in removed.changed:
        name = "release" if old.KIND == "mitigation" else "release_fixed"
        getattr(model, f"update_{old.KIND}")(old.id, **{name: release_id})
