"""Shared machinery of the interchange readers: building a valid model from
another tool's file, with every liberty taken reported as a located warning.

Each reader (Attack Flow, Deciduous, GraphML) fills a :class:`ModelBuilder`
with nodes, edges and mitigations as native format dicts, each remembering
where in the source file it came from. :meth:`ModelBuilder.finish` repairs
what the native rules forbid (entries with incoming edges, ``and`` gates
without enablers, duplicate or self-loop edges), infers entries and goals
from the graph's shape where the file does not say, validates the result
with the native validator and returns a
:class:`~attackgraph.formats.native.CheckedModel` whose problems point into
the *source* file, never into a document the user has not seen.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from attackgraph.errors import Problem
from attackgraph.formats.native import CheckedModel, document_to_model
from attackgraph.model import validate_document
from attackgraph.model.schema import (
    COMPONENT_FIELDS,
    FORMAT_NAME,
    FORMAT_VERSION,
    ID_PATTERN,
    PROFILE_FIELDS,
    RELEASE_FIELDS,
    check_value,
)

__all__ = ["ModelBuilder", "SourceNode", "first_line", "join_text", "slug", "unique_id"]

_LIST_KINDS = {
    "components": COMPONENT_FIELDS,
    "profiles": PROFILE_FIELDS,
    "releases": RELEASE_FIELDS,
}

_NOT_ID = re.compile(r"[^A-Za-z0-9_.:-]+")
_NATIVE_POINTER = re.compile(r"^/(nodes|edges|mitigations)/(\d+)(.*)$")


def slug(text: str, fallback: str = "node", limit: int = 48) -> str:
    """A readable identifier made from free text.

    Examples
    --------
    >>> slug("Exploit Public-Facing Application")
    'exploit-public-facing-application'
    >>> slug("  ¿Qué?  ")
    'que'
    >>> slug("!!!", fallback="step")
    'step'
    """
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    text = _NOT_ID.sub("-", text.strip().lower()).strip("-_.:")
    if len(text) > limit:
        cut = text[:limit]
        text = cut.rsplit("-", 1)[0] if cut.rfind("-") > limit // 2 else cut
        text = text.rstrip("-_.:")
    if not text or not text[0].isalnum():
        return fallback
    return text


def unique_id(wanted: str, taken: set[str], fallback: str = "node") -> str:
    """``wanted`` if it is a valid, free identifier, else a free variant;
    the result is added to ``taken``.

    Examples
    --------
    >>> taken = {"a"}
    >>> unique_id("a", taken), unique_id("a", taken), unique_id("b c", taken)
    ('a-2', 'a-3', 'b-c')
    """
    base = wanted if ID_PATTERN.fullmatch(wanted) else slug(wanted, fallback)
    base = base[:120]
    candidate = base
    number = 2
    while candidate in taken:
        candidate = f"{base}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


@dataclass
class SourceNode:
    """A node on its way into the model.

    Parameters
    ----------
    data : dict
        The native node dict (``id`` and ``label`` at least). ``kind`` may be
        left out: :meth:`ModelBuilder.finish` infers it.
    pointer : str
        Where the node is in the source file.
    explicit_kind : bool
        Whether the source file said the kind (not inferred).
    """

    data: dict[str, Any]
    pointer: str
    explicit_kind: bool = False


@dataclass
class ModelBuilder:
    """Collects a model from a foreign file and the problems met on the way.

    Parameters
    ----------
    source : str
        The format's name for messages ("Attack Flow", "GraphML", ...).
    """

    source: str
    title: str = "Imported model"
    description: str | None = None
    nodes: dict[str, SourceNode] = field(default_factory=dict)
    edges: dict[tuple[str, str], tuple[dict[str, Any], str]] = field(default_factory=dict)
    mitigations: list[tuple[dict[str, Any], str]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    profiles: list[dict[str, Any]] = field(default_factory=list)
    releases: list[dict[str, Any]] = field(default_factory=list)
    layout: dict[str, list[float]] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)
    locate: Callable[[str], tuple[int, int] | None] | None = None
    """Line and column of a source pointer, for text formats that know them."""

    # ------------------------------------------------------------ reporting
    def _problem(
        self, pointer: str, message: str, severity: str, line: int | None, column: int | None
    ) -> Problem:
        if line is None and self.locate is not None:
            line, column = self.locate(pointer) or (None, None)
        return Problem(pointer, _sentence(message), severity, line, column)  # type: ignore[arg-type]

    def warn(
        self, pointer: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        """Record a warning (the import goes on)."""
        self.problems.append(self._problem(pointer, message, "warning", line, column))

    def error(
        self, pointer: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        """Record an error (the file will not open)."""
        self.problems.append(self._problem(pointer, message, "error", line, column))

    @property
    def failed(self) -> bool:
        """Whether an error has been recorded."""
        return any(p.is_error for p in self.problems)

    # ------------------------------------------------------------- building
    def new_id(self, wanted: str, fallback: str = "node") -> str:
        """A free node identifier close to ``wanted``."""
        return unique_id(wanted, self.taken, fallback)

    def add_node(self, data: dict[str, Any], pointer: str, *, explicit_kind: bool = False) -> str:
        """Add a node dict (its ``id`` must come from :meth:`new_id`)."""
        self.nodes[data["id"]] = SourceNode(data, pointer, explicit_kind)
        return data["id"]

    def add_edge(
        self,
        source: str,
        target: str,
        pointer: str,
        label: str | None = None,
        extras: dict[str, Any] | None = None,
    ) -> bool:
        """Add ``source -> target``; self-loops and repeats are reported and
        dropped. Returns whether the edge was added."""
        if source == target:
            self.warn(
                pointer,
                f"{self._name(source)} leads to itself; the self-loop is "
                "left out (a step cannot enable itself)",
            )
            return False
        if (source, target) in self.edges:
            old, _ = self.edges[(source, target)]
            if label and not old.get("label"):
                old["label"] = label
            return False
        edge: dict[str, Any] = {"source": source, "target": target}
        if label:
            edge["label"] = label
        if extras:
            edge.update(extras)
        self.edges[(source, target)] = (edge, pointer)
        return True

    def add_mitigation(self, data: dict[str, Any], pointer: str) -> None:
        """Add a mitigation dict (``id``, ``label``, ``blocks``...)."""
        self.mitigations.append((data, pointer))

    def add_model_lists(self, source: Any, pointer: str) -> None:
        """Components, profiles and releases that attackgraph wrote into a
        foreign file (a mapping with those keys, each a list of native
        dicts); malformed entries are warnings."""
        if not isinstance(source, dict):
            return
        for key, fields in _LIST_KINDS.items():
            items = source.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                self.warn(f"{pointer}/{key}", f"attackgraph's '{key}' is not a list; ignored")
                continue
            target = getattr(self, key)
            names = {f.name for f in fields}
            for index, item in enumerate(items):
                if isinstance(item, dict) and all(
                    check_value(f, item[f.name])[0] is None for f in fields if f.name in item
                ):
                    kept = {f.name: item[f.name] for f in fields if f.name in item}
                    kept.update(
                        {
                            k: v
                            for k, v in item.items()
                            if k not in names and isinstance(k, str) and k.startswith("x-")
                        }
                    )
                    target.append(kept)
                else:
                    self.warn(
                        f"{pointer}/{key}/{index}",
                        f"this entry of attackgraph's '{key}' is malformed; ignored",
                    )

    def _name(self, node_id: str) -> str:
        node = self.nodes.get(node_id)
        label = node.data.get("label", "") if node else ""
        return f"{label[:60]!r} ({node_id})" if label and label != node_id else repr(node_id)

    def predecessors(self) -> dict[str, list[str]]:
        """Node id -> sources of its incoming edges, in edge order."""
        preds: dict[str, list[str]] = {n: [] for n in self.nodes}
        for source, target in self.edges:
            preds[target].append(source)
        return preds

    def successors(self) -> dict[str, list[str]]:
        """Node id -> targets of its outgoing edges, in edge order."""
        succs: dict[str, list[str]] = {n: [] for n in self.nodes}
        for source, target in self.edges:
            succs[source].append(target)
        return succs

    def report_cycles(self, what: str = "flow") -> None:
        """Warn once per cycle group (strongly connected component)."""
        import networkx as nx

        graph = nx.DiGraph(list(self.edges))
        for group in nx.strongly_connected_components(graph):
            if len(group) < 2:
                continue
            ordered = [n for n in self.nodes if n in group]
            shown = ", ".join(ordered[:5]) + (", ..." if len(ordered) > 5 else "")
            first = self.nodes[ordered[0]]
            self.warn(
                first.pointer,
                f"the {what} has a cycle through {len(ordered)} nodes "
                f"({shown}); attackgraph allows cycles, but check that "
                "the loop means what you expect",
            )

    def infer_kinds(self) -> None:
        """Give every node without an explicit kind one, and make explicit
        kinds consistent with the native rules (warning when changed)."""
        preds = self.predecessors()
        succs = self.successors()
        for node_id, node in self.nodes.items():
            data = node.data
            kind = data.get("kind") if node.explicit_kind else None
            if kind is None:
                if not preds[node_id]:
                    kind = "entry"
                elif not succs[node_id]:
                    kind = "goal"
                else:
                    kind = "step"
            if kind == "entry" and preds[node_id]:
                self.warn(
                    node.pointer,
                    f"{self._name(node_id)} is a starting point but has "
                    f"{len(preds[node_id])} incoming edge(s); it is "
                    "imported as a step, which needs one of them",
                )
                kind = "step"
            data["kind"] = kind
            if kind == "entry":
                if data.pop("gate", None) == "and":
                    self.warn(
                        node.pointer,
                        f"{self._name(node_id)} has an AND gate but no "
                        "enabler; it is imported as an entry",
                    )
            elif data.get("gate") == "and" and not preds[node_id]:
                data.pop("gate")
                self.warn(
                    node.pointer,
                    f"{self._name(node_id)} has an AND gate but no enabler; the gate is left out",
                )

    # -------------------------------------------------------------- finish
    def document(self) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The native document and, per list, where each item came from."""
        doc: dict[str, Any] = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "title": self.title,
        }
        if self.description:
            doc["description"] = self.description
        if self.components:
            doc["components"] = self.components
        doc["nodes"] = [node.data for node in self.nodes.values()]
        node_ids = set(self.nodes)
        edges = [
            (e, p)
            for e, p in self.edges.values()
            if e["source"] in node_ids and e["target"] in node_ids
        ]
        if edges:
            doc["edges"] = [e for e, _ in edges]
        if self.mitigations:
            doc["mitigations"] = [m for m, _ in self.mitigations]
        if self.profiles:
            doc["profiles"] = self.profiles
        if self.releases:
            doc["releases"] = self.releases
        layout = {k: v for k, v in self.layout.items() if k in node_ids}
        if layout:
            doc["layout"] = layout
        doc.update(self.extras)
        where = {
            "nodes": [n.pointer for n in self.nodes.values()],
            "edges": [p for _, p in edges],
            "mitigations": [p for _, p in self.mitigations],
        }
        return doc, where

    def finish(self, *, infer: bool = True) -> CheckedModel:
        """Validate and build the model; never raises for bad input.

        Parameters
        ----------
        infer : bool
            Run :meth:`infer_kinds` first (default).
        """
        if self.failed:
            return CheckedModel(None, self.problems)
        if not self.nodes:
            self.error("", f"the {self.source} file holds no attack steps to import")
            return CheckedModel(None, self.problems)
        if infer:
            self.infer_kinds()
        doc, where = self.document()
        problems = list(self.problems)
        for problem in validate_document(doc):
            moved = _relocate(problem, where, self.source)
            if moved.pointer and self.locate is not None:
                moved = self._problem(moved.pointer, moved.message, moved.severity, None, None)
            problems.append(moved)
        if any(p.is_error for p in problems):
            return CheckedModel(None, problems)
        return CheckedModel(document_to_model(doc, check=False), problems)


def _relocate(problem: Problem, where: dict[str, list[str]], source: str) -> Problem:
    """A validator problem, pointed at the source file's object."""
    match = _NATIVE_POINTER.match(problem.pointer)
    if match:
        pointers = where.get(match.group(1), [])
        index = int(match.group(2))
        if index < len(pointers):
            return Problem(pointers[index], problem.message, problem.severity)
    message = problem.message
    if problem.pointer:
        message = f"in the imported model at {problem.pointer}: {message}"
    return Problem("", _sentence(f"{source} import: {message}"), problem.severity)


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text if text.endswith((".", "?", "!")) else text + "."


def first_line(text: str, limit: int = 120) -> str:
    """The first line of ``text``, shortened to ``limit`` characters.

    Examples
    --------
    >>> first_line("Adversary gains access.\\nThen more.")
    'Adversary gains access.'
    >>> len(first_line("x" * 500, 20))
    20
    """
    line = str(text).strip().split("\n", 1)[0].strip()
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def join_text(parts: Iterable[str | None]) -> str | None:
    """Non-empty parts joined by blank lines, or None."""
    kept = [p.strip() for p in parts if p and p.strip()]
    return "\n\n".join(kept) if kept else None
