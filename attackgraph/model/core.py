"""The attack-graph model: the only place where a model changes.

:class:`AttackModel` owns the objects of a model and a ``networkx.DiGraph``
of its nodes and edges. Every mutation keeps the model valid (rules 1 to 5 of
the format) or raises :class:`~attackgraph.errors.ModelError` with a sentence
and changes nothing; every change is announced to subscribers. Removals return
a :class:`~attackgraph.model.events.Removed` record that :meth:`restore` puts
back exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from attackgraph.errors import ModelError
from attackgraph.model.events import Listener, ModelEvent, Removed
from attackgraph.model.objects import (
    Component,
    Edge,
    Mitigation,
    ModelObject,
    Node,
    Profile,
    Release,
)
from attackgraph.model.schema import check_value, is_extension_key, is_id
from attackgraph.model.store import OrderedStore

__all__ = ["AttackModel"]

Position = tuple[float, float]


def _fail(message: str) -> None:
    raise ModelError(message)


def _check_object(obj: ModelObject) -> None:
    """Field types, bounds and required keys of one object."""
    for spec in obj.FIELDS:
        value = getattr(obj, spec.name)
        if value is None:
            if spec.required:
                _fail(f"A {obj.KIND} needs '{spec.name}'.")
            continue
        message, _ = check_value(spec, value)
        if message is not None:
            _fail(f"{obj.KIND.capitalize()} {getattr(obj, 'id', '')!s:.60}: {message}")
    for key in getattr(obj, "extras", {}):
        if not is_extension_key(key):
            _fail(f"Extra key {key!r} of a {obj.KIND} must start with 'x-'.")


class AttackModel:
    """A model of attack chains: components, nodes, edges, mitigations,
    profiles, releases and a layout.

    Parameters
    ----------
    title : str
        The model's name.
    description : str or None
        Markdown text.

    Examples
    --------
    >>> m = AttackModel("demo")
    >>> m.add_node(Node("E1", "entry", "Phish a user"))
    >>> m.add_node(Node("G1", "goal", "Domain admin"))
    >>> m.add_edge(Edge("E1", "G1"))
    >>> sorted(m.graph.successors("E1"))
    ['G1']
    >>> m.add_edge(Edge("G1", "E1"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    attackgraph.errors.ModelError: Entry 'E1' cannot have incoming edges; an entry is ...
    """

    def __init__(self, title: str = "Untitled model", description: str | None = None) -> None:
        if not isinstance(title, str):
            raise ModelError("The title must be a string.")
        self._title = title
        self._description = description
        self._extras: dict[str, Any] = {}
        self._components: OrderedStore[str, Component] = OrderedStore()
        self._nodes: OrderedStore[str, Node] = OrderedStore()
        self._edges: OrderedStore[tuple[str, str], Edge] = OrderedStore()
        self._mitigations: OrderedStore[str, Mitigation] = OrderedStore()
        self._profiles: OrderedStore[str, Profile] = OrderedStore()
        self._releases: OrderedStore[str, Release] = OrderedStore()
        self._layout: OrderedStore[str, Position] = OrderedStore()
        self.graph: nx.DiGraph = nx.DiGraph()
        """Nodes (attribute ``node``) and edges (attribute ``edge``); read it,
        never change it directly."""
        self._listeners: list[Listener] = []

    # ------------------------------------------------------------------ reading
    @property
    def title(self) -> str:
        """The model's name."""
        return self._title

    @property
    def description(self) -> str | None:
        """Markdown description, or None."""
        return self._description

    @property
    def extras(self) -> Mapping[str, Any]:
        """Top-level ``x-`` keys, kept and ignored."""
        return dict(self._extras)

    @property
    def components(self) -> Mapping[str, Component]:
        """Components by id, in file order."""
        return self._components

    @property
    def nodes(self) -> Mapping[str, Node]:
        """Nodes by id, in file order."""
        return self._nodes

    @property
    def edges(self) -> tuple[Edge, ...]:
        """Edges in file order."""
        return tuple(self._edges.values())

    @property
    def mitigations(self) -> Mapping[str, Mitigation]:
        """Mitigations by id, in file order."""
        return self._mitigations

    @property
    def profiles(self) -> Mapping[str, Profile]:
        """Attacker profiles by id, in file order."""
        return self._profiles

    @property
    def releases(self) -> Mapping[str, Release]:
        """Releases by id, oldest first."""
        return self._releases

    @property
    def layout(self) -> Mapping[str, Position]:
        """Saved canvas positions by node id."""
        return dict(self._layout.items())

    def edge(self, source: str, target: str) -> Edge:
        """The edge ``source -> target``; ``ModelError`` if there is none."""
        if not self.graph.has_edge(source, target):
            raise ModelError(f"There is no edge {source!r} -> {target!r}.")
        return self.graph.edges[source, target]["edge"]

    def release_index(self, release_id: str) -> int:
        """Position of a release in the release order (oldest is 0)."""
        if release_id not in self._releases:
            raise ModelError(f"There is no release {release_id!r}.")
        return self._releases.index(release_id)

    # ------------------------------------------------------------ subscribers
    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(event)`` after every change."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling ``listener``; unknown listeners are ignored."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _emit(self, kind: str, action: str, key: Any, old: Any = None, new: Any = None) -> None:
        event = ModelEvent(kind, action, key, old, new)
        for listener in list(self._listeners):
            listener(event)

    # ------------------------------------------------------------- model-level
    def set_title(self, title: str) -> None:
        """Rename the model."""
        if not isinstance(title, str):
            raise ModelError("The title must be a string.")
        if title != self._title:
            old, self._title = self._title, title
            self._emit("model", "changed", "title", old, title)

    def set_description(self, description: str | None) -> None:
        """Set the Markdown description (None removes it)."""
        if description is not None and not isinstance(description, str):
            raise ModelError("The description must be a string.")
        if description != self._description:
            old, self._description = self._description, description
            self._emit("model", "changed", "description", old, description)

    def set_extras(self, extras: Mapping[str, Any]) -> None:
        """Replace the top-level ``x-`` keys."""
        for key in extras:
            if not is_extension_key(key):
                raise ModelError(f"Extra key {key!r} must start with 'x-'.")
        if dict(extras) != self._extras:
            old, self._extras = self._extras, dict(extras)
            self._emit("model", "changed", "extras", old, dict(extras))

    # ------------------------------------------------------------- components
    def _check_component(self, comp: Component) -> None:
        _check_object(comp)
        if comp.parent is not None:
            if comp.parent not in self._components and comp.parent != comp.id:
                _fail(f"Component {comp.id!r}: parent {comp.parent!r} does not exist.")
            seen = {comp.id}
            current: str | None = comp.parent
            while current is not None:
                if current in seen:
                    _fail(
                        f"Component {comp.id!r} cannot be inside {comp.parent!r}: "
                        "that would make a cycle of parents."
                    )
                seen.add(current)
                current = self._components[current].parent if current in self._components else None

    def add_component(self, comp: Component, index: int | None = None) -> None:
        """Add a component (at ``index`` in file order, default last)."""
        if comp.id in self._components:
            _fail(f"A component with id {comp.id!r} already exists.")
        self._check_component(comp)
        self._components.insert(comp.id, comp, index)
        self._emit("component", "added", comp.id, None, comp)

    def update_component(self, comp_id: str, **changes: Any) -> Component:
        """Change fields of a component; returns the old object."""
        old = self._get(self._components, "component", comp_id)
        if changes.get("id", comp_id) != comp_id:
            _fail("Use rename_component to change an id.")
        new = old.replace(**changes)
        if new == old:
            return old
        self._check_component(new)
        self._components.set(comp_id, new)
        self._emit("component", "changed", comp_id, old, new)
        return old

    def remove_component(self, comp_id: str) -> Removed:
        """Remove a component; its nodes and child components move to its parent."""
        comp = self._get(self._components, "component", comp_id)
        changed: list[tuple[int, Any]] = []
        for position, (node_id, node) in enumerate(self._nodes.items()):
            if node.component == comp_id:
                changed.append((position, node))
                self._set_node(node_id, node.replace(component=comp.parent))
        for position, (child_id, child) in enumerate(self._components.items()):
            if child.parent == comp_id:
                changed.append((position, child))
                self._components.set(child_id, child.replace(parent=comp.parent))
        index, _ = self._components.pop(comp_id)
        self._emit_changed(changed)
        self._emit("component", "removed", comp_id, comp, None)
        return Removed("component", index, comp, changed=tuple(changed))

    def rename_component(self, old_id: str, new_id: str) -> None:
        """Change a component's id and every reference to it."""
        comp = self._get(self._components, "component", old_id)
        self._check_new_id(self._components, "component", old_id, new_id)
        if new_id == old_id:
            return  # nothing changes, so nothing is announced
        self._components.rekey(old_id, new_id, comp.replace(id=new_id))
        for child_id, child in list(self._components.items()):
            if child.parent == old_id:
                self._components.set(child_id, child.replace(parent=new_id))
        for node_id, node in list(self._nodes.items()):
            if node.component == old_id:
                self._set_node(node_id, node.replace(component=new_id))
        self._emit("component", "renamed", old_id, old_id, new_id)

    # ------------------------------------------------------------------ nodes
    def _check_node(self, node: Node, incoming: int) -> None:
        _check_object(node)
        if node.component is not None and node.component not in self._components:
            _fail(f"Node {node.id!r}: component {node.component!r} does not exist.")
        if node.release_fixed is not None and node.release_fixed not in self._releases:
            _fail(f"Node {node.id!r}: release {node.release_fixed!r} does not exist.")
        if node.kind == "entry":
            if node.gate is not None:
                _fail(f"Entry {node.id!r} cannot have a gate; gates belong to steps and goals.")
            if incoming:
                _fail(f"Node {node.id!r} has incoming edges, so it cannot be an entry.")
        elif node.gate == "and" and not incoming:
            _fail(
                f"AND {node.kind} {node.id!r} needs at least one incoming edge; "
                "connect its enablers first, or keep it 'or'."
            )

    def _set_node(self, node_id: str, node: Node) -> None:
        self._nodes.set(node_id, node)
        self.graph.nodes[node_id]["node"] = node

    def add_node(
        self, node: Node, index: int | None = None, position: Position | None = None
    ) -> None:
        """Add a node (at ``index`` in file order), optionally with a position."""
        if node.id in self._nodes:
            _fail(f"A node with id {node.id!r} already exists.")
        self._check_node(node, incoming=0)
        if position is not None:
            position = self._check_position(position)
        self._nodes.insert(node.id, node, index)
        self.graph.add_node(node.id, node=node)
        if position is not None:
            self._layout.put(node.id, position)
        self._emit("node", "added", node.id, None, node)

    def update_node(self, node_id: str, **changes: Any) -> Node:
        """Change fields of a node; returns the old object.

        Examples
        --------
        >>> m = AttackModel()
        >>> m.add_node(Node("S1", "step", "Exploit"))
        >>> m.update_node("S1", gate="and")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        attackgraph.errors.ModelError: AND step 'S1' needs at least one incoming edge; ...
        """
        old = self._get(self._nodes, "node", node_id)
        if changes.get("id", node_id) != node_id:
            _fail("Use rename_node to change an id.")
        new = old.replace(**changes)
        if new == old:
            return old
        self._check_node(new, self.graph.in_degree(node_id))
        self._set_node(node_id, new)
        self._emit("node", "changed", node_id, old, new)
        return old

    def remove_node(self, node_id: str) -> Removed:
        """Remove a node with its edges and its place in mitigations.

        A mitigation that blocked only this node is removed too. The record
        returned holds all of it for :meth:`restore`.
        """
        node = self._get(self._nodes, "node", node_id)
        for succ in self.graph.successors(node_id):
            target = self._nodes[succ]
            if target.effective_gate == "and" and self.graph.in_degree(succ) == 1:
                _fail(
                    f"Removing {node_id!r} would leave AND {target.kind} {succ!r} with no "
                    f"enabler; make {succ!r} 'or' or connect another enabler first."
                )
        edges = tuple((i, e) for i, e in enumerate(self._edges.values()) if node_id in e.key)
        changed: list[tuple[int, Any]] = []
        dropped: list[tuple[int, Any]] = []
        for position, mit in enumerate(self._mitigations.values()):
            if node_id in mit.blocks:
                (dropped if set(mit.blocks) == {node_id} else changed).append((position, mit))
        for _, mit in changed:
            self._mitigations.set(
                mit.id, mit.replace(blocks=[b for b in mit.blocks if b != node_id])
            )
        for _, mit in reversed(dropped):
            self._mitigations.pop(mit.id)
        for _, edge in edges:
            self._edges.discard(edge.key)
        index, _ = self._nodes.pop(node_id)
        self.graph.remove_node(node_id)
        position = self._layout.discard(node_id)
        self._emit_changed(changed)
        for _, mit in dropped:
            self._emit("mitigation", "removed", mit.id, mit, None)
        for _, edge in edges:
            self._emit("edge", "removed", edge.key, edge, None)
        self._emit("node", "removed", node_id, node, None)
        return Removed(
            "node",
            index,
            node,
            edges=edges,
            changed=tuple(changed),
            dropped=tuple(dropped),
            position=position,
        )

    def rename_node(self, old_id: str, new_id: str) -> None:
        """Change a node's id and every reference to it (edges, mitigations, layout).

        Everything keeps its place in file order. The cost grows with the
        node's edges and the number of mitigations, not with the model: the
        graph is relabelled in place.
        """
        node = self._get(self._nodes, "node", old_id)
        self._check_new_id(self._nodes, "node", old_id, new_id)
        if new_id == old_id:
            return  # nothing changes, so nothing is announced
        renamed = node.replace(id=new_id)
        graph = self.graph
        incoming = [(p, data["edge"]) for p, data in graph.pred[old_id].items()]
        outgoing = [(t, data["edge"]) for t, data in graph.succ[old_id].items()]
        self._nodes.rekey(old_id, new_id, renamed)
        graph.add_node(new_id, **{**graph.nodes[old_id], "node": renamed})
        graph.remove_node(old_id)  # and its edges
        for source, edge in incoming:
            new_edge = edge.replace(target=new_id)
            self._edges.rekey(edge.key, new_edge.key, new_edge)
            graph.add_edge(source, new_id, edge=new_edge)
        for target, edge in outgoing:
            new_edge = edge.replace(source=new_id)
            self._edges.rekey(edge.key, new_edge.key, new_edge)
            graph.add_edge(new_id, target, edge=new_edge)
        for mit_id, mit in list(self._mitigations.items()):
            if old_id in mit.blocks:
                self._mitigations.set(
                    mit_id, mit.replace(blocks=[new_id if b == old_id else b for b in mit.blocks])
                )
        if old_id in self._layout:
            self._layout.rekey(old_id, new_id, self._layout[old_id])
        self._emit("node", "renamed", old_id, old_id, new_id)

    # ------------------------------------------------------------------ edges
    def add_edge(self, edge: Edge, index: int | None = None) -> None:
        """Add an edge (at ``index`` in file order, default last)."""
        _check_object(edge)
        for end in edge.key:
            if end not in self._nodes:
                _fail(f"Edge {edge.source!r} -> {edge.target!r}: node {end!r} does not exist.")
        if edge.source == edge.target:
            _fail(
                f"An edge from {edge.source!r} to itself is a self-loop; "
                "a node cannot enable itself."
            )
        if self.graph.has_edge(*edge.key):
            _fail(f"The edge {edge.source!r} -> {edge.target!r} already exists.")
        if self._nodes[edge.target].kind == "entry":
            _fail(
                f"Entry {edge.target!r} cannot have incoming edges; "
                "an entry is where an attacker starts."
            )
        self._edges.insert(edge.key, edge, index)
        self.graph.add_edge(edge.source, edge.target, edge=edge)
        self._emit("edge", "added", edge.key, None, edge)

    def update_edge(self, source: str, target: str, **changes: Any) -> Edge:
        """Change an edge's label or extras; returns the old edge."""
        old = self.edge(source, target)
        if changes.get("source", source) != source or changes.get("target", target) != target:
            _fail("An edge's ends cannot change; remove it and add another.")
        new = old.replace(**changes)
        if new == old:
            return old
        _check_object(new)
        self._edges.set(old.key, new)
        self.graph.edges[source, target]["edge"] = new
        self._emit("edge", "changed", new.key, old, new)
        return old

    def remove_edge(self, source: str, target: str) -> Removed:
        """Remove the edge ``source -> target``."""
        edge = self.edge(source, target)
        node = self._nodes[target]
        if node.effective_gate == "and" and self.graph.in_degree(target) == 1:
            _fail(
                f"{target!r} is an AND {node.kind} and this is its last enabler; "
                "make it 'or' first."
            )
        index, _ = self._edges.pop(edge.key)
        self.graph.remove_edge(source, target)
        self._emit("edge", "removed", edge.key, edge, None)
        return Removed("edge", index, edge)

    # ------------------------------------------------------------ mitigations
    def _check_mitigation(self, mit: Mitigation) -> None:
        _check_object(mit)
        for node_id in mit.blocks:
            if node_id not in self._nodes:
                _fail(f"Mitigation {mit.id!r} blocks {node_id!r}, which does not exist.")
        if mit.release is not None and mit.release not in self._releases:
            _fail(f"Mitigation {mit.id!r}: release {mit.release!r} does not exist.")

    def add_mitigation(self, mit: Mitigation, index: int | None = None) -> None:
        """Add a mitigation (at ``index`` in file order, default last)."""
        if mit.id in self._mitigations:
            _fail(f"A mitigation with id {mit.id!r} already exists.")
        self._check_mitigation(mit)
        self._mitigations.insert(mit.id, mit, index)
        self._emit("mitigation", "added", mit.id, None, mit)

    def update_mitigation(self, mit_id: str, **changes: Any) -> Mitigation:
        """Change fields of a mitigation; returns the old object."""
        old = self._get(self._mitigations, "mitigation", mit_id)
        if changes.get("id", mit_id) != mit_id:
            _fail("Use rename_mitigation to change an id.")
        new = old.replace(**changes)
        if new == old:
            return old
        self._check_mitigation(new)
        self._mitigations.set(mit_id, new)
        self._emit("mitigation", "changed", mit_id, old, new)
        return old

    def remove_mitigation(self, mit_id: str) -> Removed:
        """Remove a mitigation."""
        mit = self._get(self._mitigations, "mitigation", mit_id)
        index, _ = self._mitigations.pop(mit_id)
        self._emit("mitigation", "removed", mit_id, mit, None)
        return Removed("mitigation", index, mit)

    def rename_mitigation(self, old_id: str, new_id: str) -> None:
        """Change a mitigation's id."""
        mit = self._get(self._mitigations, "mitigation", old_id)
        self._check_new_id(self._mitigations, "mitigation", old_id, new_id)
        if new_id == old_id:
            return  # nothing changes, so nothing is announced
        self._mitigations.rekey(old_id, new_id, mit.replace(id=new_id))
        self._emit("mitigation", "renamed", old_id, old_id, new_id)

    # --------------------------------------------------------------- profiles
    def add_profile(self, profile: Profile, index: int | None = None) -> None:
        """Add an attacker profile."""
        if profile.id in self._profiles:
            _fail(f"A profile with id {profile.id!r} already exists.")
        _check_object(profile)
        self._profiles.insert(profile.id, profile, index)
        self._emit("profile", "added", profile.id, None, profile)

    def update_profile(self, profile_id: str, **changes: Any) -> Profile:
        """Change fields of a profile; returns the old object."""
        old = self._get(self._profiles, "profile", profile_id)
        if changes.get("id", profile_id) != profile_id:
            _fail("Use rename_profile to change an id.")
        new = old.replace(**changes)
        if new == old:
            return old
        _check_object(new)
        self._profiles.set(profile_id, new)
        self._emit("profile", "changed", profile_id, old, new)
        return old

    def remove_profile(self, profile_id: str) -> Removed:
        """Remove an attacker profile."""
        profile = self._get(self._profiles, "profile", profile_id)
        index, _ = self._profiles.pop(profile_id)
        self._emit("profile", "removed", profile_id, profile, None)
        return Removed("profile", index, profile)

    def rename_profile(self, old_id: str, new_id: str) -> None:
        """Change a profile's id."""
        profile = self._get(self._profiles, "profile", old_id)
        self._check_new_id(self._profiles, "profile", old_id, new_id)
        if new_id == old_id:
            return  # nothing changes, so nothing is announced
        self._profiles.rekey(old_id, new_id, profile.replace(id=new_id))
        self._emit("profile", "renamed", old_id, old_id, new_id)

    # --------------------------------------------------------------- releases
    def add_release(self, release: Release, index: int | None = None) -> None:
        """Add a release at ``index`` in the release order (default: newest)."""
        if release.id in self._releases:
            _fail(f"A release with id {release.id!r} already exists.")
        _check_object(release)
        self._releases.insert(release.id, release, index)
        self._emit("release", "added", release.id, None, release)

    def update_release(self, release_id: str, **changes: Any) -> Release:
        """Change a release's label or date; returns the old object."""
        old = self._get(self._releases, "release", release_id)
        if changes.get("id", release_id) != release_id:
            _fail("Use rename_release to change an id.")
        new = old.replace(**changes)
        if new == old:
            return old
        _check_object(new)
        self._releases.set(release_id, new)
        self._emit("release", "changed", release_id, old, new)
        return old

    def remove_release(self, release_id: str) -> Removed:
        """Remove a release and the references of mitigations and nodes to it."""
        release = self._get(self._releases, "release", release_id)
        changed: list[tuple[int, Any]] = []
        for position, (mit_id, mit) in enumerate(self._mitigations.items()):
            if mit.release == release_id:
                changed.append((position, mit))
                self._mitigations.set(mit_id, mit.replace(release=None))
        for position, (node_id, node) in enumerate(self._nodes.items()):
            if node.release_fixed == release_id:
                changed.append((position, node))
                self._set_node(node_id, node.replace(release_fixed=None))
        index, _ = self._releases.pop(release_id)
        self._emit_changed(changed)
        self._emit("release", "removed", release_id, release, None)
        return Removed("release", index, release, changed=tuple(changed))

    def rename_release(self, old_id: str, new_id: str) -> None:
        """Change a release's id and every reference to it."""
        release = self._get(self._releases, "release", old_id)
        self._check_new_id(self._releases, "release", old_id, new_id)
        if new_id == old_id:
            return  # nothing changes, so nothing is announced
        self._releases.rekey(old_id, new_id, release.replace(id=new_id))
        for mit_id, mit in list(self._mitigations.items()):
            if mit.release == old_id:
                self._mitigations.set(mit_id, mit.replace(release=new_id))
        for node_id, node in list(self._nodes.items()):
            if node.release_fixed == old_id:
                self._set_node(node_id, node.replace(release_fixed=new_id))
        self._emit("release", "renamed", old_id, old_id, new_id)

    # ----------------------------------------------------------------- layout
    @staticmethod
    def _check_position(position: Sequence[float]) -> Position:
        try:
            if (
                len(position) != 2
                or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in position
                )
                or not all(math.isfinite(v) for v in position)
            ):
                raise ModelError("A position must be two finite numbers (x, y).")
            return (float(position[0]), float(position[1]))
        except (TypeError, OverflowError):  # not a sequence; an integer too large
            raise ModelError("A position must be two finite numbers (x, y).") from None

    def set_position(self, node_id: str, position: Sequence[float] | None) -> None:
        """Place a node on the canvas (None forgets its position)."""
        self._get(self._nodes, "node", node_id)
        new = None if position is None else self._check_position(position)
        old = self._layout.get(node_id)
        if new == old:
            return
        if new is None:
            self._layout.discard(node_id)
        else:
            self._layout.put(node_id, new)
        self._emit("layout", "changed", node_id, old, new)

    def set_positions(self, positions: Mapping[str, Sequence[float] | None]) -> None:
        """Place several nodes at once (checked first, so all or nothing)."""
        for node_id, position in positions.items():
            self._get(self._nodes, "node", node_id)
            if position is not None:
                self._check_position(position)
        for node_id, position in positions.items():
            self.set_position(node_id, position)

    # ---------------------------------------------------------------- restore
    def restore(self, removed: Removed) -> None:
        """Put back what a ``remove_*`` call took away, exactly as it was."""
        item = removed.item
        if removed.kind == "node":
            self._nodes.insert(item.id, item, removed.index)
            self.graph.add_node(item.id, node=item)
            if removed.position is not None:
                self._layout.put(item.id, removed.position)
            for index, edge in removed.edges:
                self._edges.insert(edge.key, edge, index)
                self.graph.add_edge(edge.source, edge.target, edge=edge)
            for index, mit in removed.dropped:
                self._mitigations.insert(mit.id, mit, index)
            self._emit("node", "added", item.id, None, item)
            for _, edge in removed.edges:
                self._emit("edge", "added", edge.key, None, edge)
            for _, mit in removed.dropped:
                self._emit("mitigation", "added", mit.id, None, mit)
        elif removed.kind == "edge":
            self._edges.insert(item.key, item, removed.index)
            self.graph.add_edge(item.source, item.target, edge=item)
            self._emit("edge", "added", item.key, None, item)
        else:
            store = self._store(removed.kind)
            store.insert(item.id, item, removed.index)
            self._emit(removed.kind, "added", item.id, None, item)
        for _, old in removed.changed:
            current = self._store(old.KIND)[old.id]
            if old.KIND == "node":
                self._set_node(old.id, old)
            else:
                self._store(old.KIND).set(old.id, old)
            self._emit(old.KIND, "changed", old.id, current, old)

    # ---------------------------------------------------------------- helpers
    def _emit_changed(self, changed: Iterable[tuple[int, Any]]) -> None:
        """Announce objects a removal changed (given as they were before)."""
        for _, old in changed:
            self._emit(old.KIND, "changed", old.id, old, self._store(old.KIND)[old.id])

    def _store(self, kind: str) -> OrderedStore[str, Any]:
        return {
            "component": self._components,
            "node": self._nodes,
            "mitigation": self._mitigations,
            "profile": self._profiles,
            "release": self._releases,
        }[kind]

    @staticmethod
    def _get(store: OrderedStore[str, Any], kind: str, ident: str) -> Any:
        try:
            return store[ident]
        except (KeyError, TypeError):
            raise ModelError(f"There is no {kind} {ident!r}.") from None

    @staticmethod
    def _check_new_id(store: OrderedStore[str, Any], kind: str, old: str, new: str) -> None:
        if not is_id(new):
            _fail(
                f"{new!r:.60} is not a valid {kind} id: use 1 to 128 letters, digits, "
                "'_', '.', ':' or '-', starting with a letter or digit."
            )
        if new != old and new in store:
            _fail(f"A {kind} with id {new!r} already exists.")

    def load_validated(
        self,
        components: Sequence[Component] = (),
        nodes: Sequence[Node] = (),
        edges: Sequence[Edge] = (),
        mitigations: Sequence[Mitigation] = (),
        profiles: Sequence[Profile] = (),
        releases: Sequence[Release] = (),
        layout: Mapping[str, Sequence[float]] | None = None,
    ) -> None:
        """Fill an empty model with objects of a document that has passed
        :func:`~attackgraph.model.validate_document`, without checking them
        again (reading a 50,000-node file spends most of its time in checks).

        Nothing is announced: no one can be subscribed to a model being read.

        Raises
        ------
        ModelError
            The model is not empty.
        """
        if self._nodes or self._components or self._releases or self._listeners:
            _fail("load_validated fills a new, empty model only.")
        for store, items in (
            (self._releases, releases),
            (self._components, components),
            (self._nodes, nodes),
            (self._mitigations, mitigations),
            (self._profiles, profiles),
        ):
            store.extend((item.id, item) for item in items)  # type: ignore[misc]
        self.graph.add_nodes_from((node.id, {"node": node}) for node in nodes)
        self._edges = OrderedStore.of((e.key, e) for e in edges)
        self.graph.add_edges_from((e.source, e.target, {"edge": e}) for e in self._edges.values())
        if layout:
            self._layout = OrderedStore.of(
                (node_id, (float(x), float(y))) for node_id, (x, y) in layout.items()
            )

    def add_all(
        self,
        components: Iterable[Component] = (),
        nodes: Iterable[Node] = (),
        edges: Iterable[Edge] = (),
        mitigations: Iterable[Mitigation] = (),
        profiles: Iterable[Profile] = (),
        releases: Iterable[Release] = (),
        layout: Mapping[str, Sequence[float]] | None = None,
    ) -> None:
        """Add many objects in an order that satisfies every rule.

        AND nodes are added as ``or`` first and switched once their edges
        exist, so a valid set of objects always goes in. Use it to build a
        model; on an error the model may hold part of the objects.
        """
        for release in releases:
            self.add_release(release)
        components = list(components)
        pending = list(components)
        while pending:
            ready = [c for c in pending if c.parent is None or c.parent in self._components]
            if not ready:
                ready = pending[:1]  # reports the missing parent or the cycle
            for comp in ready:
                self.add_component(comp)
                pending.remove(comp)
        for index, comp in enumerate(components):  # back to the given order
            if self._components.index(comp.id) != index:
                self._components.pop(comp.id)
                self._components.insert(comp.id, comp, index)
        and_nodes = []
        for node in nodes:
            if node.gate == "and":
                and_nodes.append(node)
                node = node.replace(gate=None)
            self.add_node(node)
        for edge in edges:
            self.add_edge(edge)
        for node in and_nodes:
            self._check_node(node, self.graph.in_degree(node.id))
            self._set_node(node.id, node)
        for mit in mitigations:
            self.add_mitigation(mit)
        for profile in profiles:
            self.add_profile(profile)
        if layout:
            self.set_positions(layout)
