"""Fragment files: a component with its sub-components, nodes, internal
edges and mitigations, saved to be inserted into other models.

A fragment is a native model file with an ``x-fragment`` marker::

    "x-fragment": {"id": "linux-kernel", "version": "1.0",
                   "ports": {"in": ["kernel-entry"], "out": ["root"]}}

``ports.in`` are the nodes that may receive edges from outside (never
entries), ``ports.out`` the nodes that may lead out. Every other key is the
native format's, so a fragment opens, validates and analyses like any model.
Qt-free.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from attackgraph.errors import ModelError, Problem
from attackgraph.model import validate_document
from attackgraph.model.schema import is_id

__all__ = [
    "FRAGMENT_KEY",
    "Fragment",
    "check_fragment_document",
    "extract_fragment",
    "fragment_from_document",
    "parse_fragment",
    "read_fragment",
    "subtree",
    "top_components",
]

FRAGMENT_KEY = "x-fragment"
"""The top-level key that marks a native model file as a fragment."""

_PORT_SIDES = ("in", "out")


@dataclass(frozen=True)
class Fragment:
    """A checked fragment.

    Attributes
    ----------
    id, version : str
        From the marker; ``version`` is compared as text.
    ports_in, ports_out : tuple of str
        Node ids.
    document : dict
        The whole native document, marker included.
    source : str or None
        Where it was read from (``library:ID`` for the bundled library).
    """

    id: str
    version: str
    ports_in: tuple[str, ...]
    ports_out: tuple[str, ...]
    document: dict[str, Any]
    source: str | None = None

    @property
    def title(self) -> str:
        """The fragment's title."""
        return str(self.document.get("title", self.id))

    @property
    def description(self) -> str:
        """The fragment's Markdown description ('' if none)."""
        return str(self.document.get("description") or "")

    @property
    def roots(self) -> tuple[str, ...]:
        """The top components (those without a parent inside the fragment)."""
        return top_components(self.document)

    def text(self) -> str:
        """Everything a search should match: id, title, description, labels, techniques."""
        parts = [self.id, self.title, self.description]
        for node in self.document.get("nodes", []):
            parts.append(str(node.get("label", "")))
            parts.extend(str(t) for t in node.get("techniques", []))
        for mitigation in self.document.get("mitigations", []):
            parts.append(str(mitigation.get("label", "")))
        return "\n".join(parts)


def top_components(doc: Mapping[str, Any]) -> tuple[str, ...]:
    """The components of a (fragment) document without a parent inside it.

    Examples
    --------
    >>> top_components({"components": [{"id": "a"}, {"id": "b", "parent": "a"}]})
    ('a',)
    """
    comps = doc.get("components", [])
    ids = {c["id"] for c in comps}
    return tuple(c["id"] for c in comps if c.get("parent") not in ids)


def check_fragment_document(doc: Any) -> list[Problem]:
    """Every problem of a fragment document: the model's and the marker's.

    Examples
    --------
    >>> doc = {"format": "attackgraph", "version": 1, "title": "t",
    ...        "components": [{"id": "c", "label": "C", "kind": "device"}],
    ...        "nodes": [{"id": "E", "kind": "entry", "label": "e", "component": "c"}],
    ...        "x-fragment": {"id": "f", "version": "1", "ports": {"in": ["E"]}}}
    >>> [(p.pointer, p.message) for p in check_fragment_document(doc)][-1]
    ('/x-fragment/ports/in/0', "in-port 'E' is an entry, which cannot receive edges.")
    """
    problems = validate_document(doc)
    if not isinstance(doc, dict):
        return problems
    marker = doc.get(FRAGMENT_KEY)
    where = f"/{FRAGMENT_KEY}"
    if not isinstance(marker, dict):
        problems.append(
            Problem(
                where, "a fragment needs an 'x-fragment' object with 'id', 'version' and 'ports'."
            )
        )
        return problems
    if not is_id(marker.get("id")):
        problems.append(
            Problem(
                f"{where}/id",
                "the fragment's 'id' must be an id (letters, digits, '_', '.', ':', '-').",
            )
        )
    if not isinstance(marker.get("version"), str) or not marker.get("version"):
        problems.append(
            Problem(
                f"{where}/version",
                "the fragment's 'version' must be a non-empty string, e.g. \"1.0\".",
            )
        )
    ports = marker.get("ports", {})
    if not isinstance(ports, dict):
        problems.append(
            Problem(
                f"{where}/ports", "'ports' must be an object with 'in' and 'out' lists of node ids."
            )
        )
        return problems
    nodes = {n.get("id"): n for n in doc.get("nodes", []) if isinstance(n, dict)}
    for key in ports:
        if key not in _PORT_SIDES:
            problems.append(
                Problem(
                    f"{where}/ports/{key}", f"unknown port side {str(key)[:40]!r} (known: in, out)."
                )
            )
    for side in _PORT_SIDES:
        listed = ports.get(side, [])
        if not isinstance(listed, list):
            problems.append(
                Problem(f"{where}/ports/{side}", f"'{side}' must be a list of node ids.")
            )
            continue
        for index, ident in enumerate(listed):
            here = f"{where}/ports/{side}/{index}"
            if not isinstance(ident, str) or ident not in nodes:
                problems.append(
                    Problem(here, f"{side}-port {str(ident)[:60]!r} is not a node of the fragment.")
                )
            elif side == "in" and nodes[ident].get("kind") == "entry":
                problems.append(
                    Problem(here, f"in-port {ident!r} is an entry, which cannot receive edges.")
                )
    components = {c.get("id") for c in doc.get("components", []) if isinstance(c, dict)}
    if not components:
        problems.append(
            Problem("/components", "a fragment holds at least one component.", "warning")
        )
    for index, node in enumerate(doc.get("nodes", [])):
        if isinstance(node, dict) and components and node.get("component") not in components:
            problems.append(
                Problem(
                    f"/nodes/{index}",
                    f"node {node.get('id')!r} is in no component of the fragment.",
                    "warning",
                )
            )
    return problems


def fragment_from_document(doc: dict[str, Any], source: str | None = None) -> Fragment:
    """A :class:`Fragment` from a document that passed the checks."""
    marker = doc[FRAGMENT_KEY]
    ports = marker.get("ports", {})
    return Fragment(
        marker["id"],
        marker["version"],
        tuple(ports.get("in", [])),
        tuple(ports.get("out", [])),
        doc,
        source,
    )


def parse_fragment(doc: Any, source: str | None = None) -> Fragment:
    """Check a fragment document.

    Raises
    ------
    ModelError
        With every located problem.
    """
    problems = check_fragment_document(doc)
    errors = [p for p in problems if p.is_error]
    if errors:
        raise ModelError(f"the fragment has {len(errors)} error(s).", problems)
    return fragment_from_document(doc, source)


def read_fragment(path: str | os.PathLike[str], source: str | None = None) -> Fragment:
    """Read a fragment file (native JSON or YAML).

    Raises
    ------
    ModelError
        With every located problem, when the file is unreadable or invalid.
    """
    from attackgraph.errors import FormatError
    from attackgraph.fileio import read_limited
    from attackgraph.formats.native.codec import syntax_for_path
    from attackgraph.formats.native.parse import decode_bytes, max_file_bytes, parse_text

    try:
        raw = read_limited(path, max_file_bytes())
        parsed = parse_text(decode_bytes(raw), syntax_for_path(path))
    except FormatError as exc:
        raise ModelError(str(exc), [Problem("", str(exc), "error", exc.line, exc.column)]) from exc
    try:
        return parse_fragment(parsed.data, source or os.fspath(path))
    except ModelError as exc:
        located = []
        for problem in exc.problems:
            at = parsed.locate(problem.pointer) if parsed.positions else None
            located.append(
                problem
                if at is None
                else Problem(problem.pointer, problem.message, problem.severity, *at)
            )
        raise ModelError(str(exc), located) from exc


def subtree(components: Iterable[Mapping[str, Any]], roots: Sequence[str]) -> list[str]:
    """The ids of ``roots`` and every component below them, parents first.

    Examples
    --------
    >>> subtree([{"id": "a"}, {"id": "b", "parent": "a"}, {"id": "c"}], ["a"])
    ['a', 'b']
    """
    items = list(components)
    inside = list(dict.fromkeys(roots))
    grew = True
    while grew:
        grew = False
        for comp in items:
            if comp.get("parent") in inside and comp.get("id") not in inside:
                inside.append(comp["id"])
                grew = True
    return inside


def extract_fragment(
    doc: Mapping[str, Any],
    component: str,
    *,
    fragment_id: str | None = None,
    version: str = "1.0",
    ports_in: Sequence[str] | None = None,
    ports_out: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A fragment document made of one component of a model and all it holds.

    Parameters
    ----------
    doc : mapping
        A model document.
    component : str
        The component to save, with its sub-components.
    fragment_id, version : str
        The marker's values (default id: the component's).
    ports_in, ports_out : sequence of str, optional
        Default: the nodes that have edges from, or to, outside.

    Returns
    -------
    dict
        The fragment document (check it with :func:`parse_fragment`).

    Raises
    ------
    ModelError
        When ``component`` is not a component of the model.
    """
    comps = [c for c in doc.get("components", [])]
    if component not in {c["id"] for c in comps}:
        raise ModelError(
            f"{component!r} is not a component of the model.",
            [Problem("/components", f"no component {component[:60]!r}.")],
        )
    inside = set(subtree(comps, [component]))
    nodes = [n for n in doc.get("nodes", []) if n.get("component") in inside]
    ids = {n["id"] for n in nodes}
    edges = [e for e in doc.get("edges", []) if e["source"] in ids and e["target"] in ids]
    crossing_in = [
        e["target"] for e in doc.get("edges", []) if e["target"] in ids and e["source"] not in ids
    ]
    crossing_out = [
        e["source"] for e in doc.get("edges", []) if e["source"] in ids and e["target"] not in ids
    ]
    mitigations = []
    for mitigation in doc.get("mitigations", []):
        blocks = [b for b in mitigation.get("blocks", []) if b in ids]
        if blocks:
            item = {k: v for k, v in mitigation.items() if k != "release"}
            item["blocks"] = blocks
            mitigations.append(item)
    root = next(c for c in comps if c["id"] == component)
    out: dict[str, Any] = {
        "format": "attackgraph",
        "version": 1,
        "title": str(root.get("label", component)),
    }
    if root.get("description"):
        out["description"] = root["description"]
    out["components"] = [
        {k: v for k, v in c.items() if not (c is root and k == "parent")}
        for c in comps
        if c["id"] in inside
    ]
    out["nodes"] = [{k: v for k, v in n.items() if k != "release_fixed"} for n in nodes]
    if edges:
        out["edges"] = edges
    if mitigations:
        out["mitigations"] = mitigations
    layout = doc.get("layout") or {}
    placed = {k: v for k, v in layout.items() if k in ids}
    if placed:
        x0 = min(p[0] for p in placed.values())
        y0 = min(p[1] for p in placed.values())
        out["layout"] = {k: [p[0] - x0, p[1] - y0] for k, p in placed.items()}
    kinds = {n["id"]: n.get("kind") for n in nodes}
    default_in = [i for i in dict.fromkeys(crossing_in) if kinds.get(i) != "entry"]
    out[FRAGMENT_KEY] = {
        "id": fragment_id or component,
        "version": version,
        "ports": {
            "in": list(ports_in if ports_in is not None else default_in),
            "out": list(ports_out if ports_out is not None else dict.fromkeys(crossing_out)),
        },
    }
    return out
