"""The "Validity" rules of the model format, applied to a parsed document.

:func:`validate_document` reports every problem it finds, each located by a
JSON pointer, so a user can fix a file in one pass instead of one error at a
time.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from operator import eq
from typing import Any

from attackgraph.errors import Problem
from attackgraph.model.conflicts import open_conflicts
from attackgraph.model.schema import (
    COMPONENT_FIELDS,
    EDGE_FIELDS,
    FORMAT_NAME,
    FORMAT_VERSION,
    ID_PATTERN,
    MITIGATION_FIELDS,
    NODE_FIELDS,
    PROFILE_FIELDS,
    RELEASE_FIELDS,
    TOP_LEVEL_KEYS,
    Field,
    check_value,
    is_extension_key,
)

__all__ = ["MAX_PROBLEMS", "OBJECT_LISTS", "pointer_escape", "validate_document"]

MAX_PROBLEMS = 10_000
"""Problems reported at most for one document; one more line says how many
were left out, so a hostile file cannot flood the terminal or the memory."""

OBJECT_LISTS: tuple[tuple[str, str, tuple[Field, ...]], ...] = (
    ("components", "component", COMPONENT_FIELDS),
    ("nodes", "node", NODE_FIELDS),
    ("edges", "edge", EDGE_FIELDS),
    ("mitigations", "mitigation", MITIGATION_FIELDS),
    ("profiles", "profile", PROFILE_FIELDS),
    ("releases", "release", RELEASE_FIELDS),
)
"""The document's lists of objects: (key, kind of object, its fields), in file order."""
_LISTS = OBJECT_LISTS


def pointer_escape(token: object) -> str:
    """Escape one JSON-pointer token (RFC 6901).

    Examples
    --------
    >>> pointer_escape("a/b~c")
    'a~1b~0c'
    """
    return str(token).replace("~", "~0").replace("/", "~1")


class _Report:
    """Collects problems, up to :data:`MAX_PROBLEMS`."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.dropped = 0

    def add(self, pointer: str, message: str, severity: str = "error") -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(pointer, message, severity))  # type: ignore[arg-type]
        else:
            self.dropped += 1

    def error(self, pointer: str, message: str) -> None:
        self.add(pointer, message, "error")

    def warning(self, pointer: str, message: str) -> None:
        self.add(pointer, message, "warning")


def _describe(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _value_check(spec: Field) -> Callable[[Any], bool]:
    """A quick yes/no for one field's values; a no falls back to
    :func:`check_value`, which says what is wrong."""
    kind = spec.type
    if kind == "string":
        return lambda value: type(value) is str
    if kind == "id":
        match = ID_PATTERN.fullmatch
        return lambda value: type(value) is str and match(value) is not None
    if kind == "enum":
        choices = frozenset(spec.choices)
        return lambda value: type(value) is str and value in choices
    if kind == "number":
        low, high, open_low = spec.minimum, spec.maximum, spec.exclusive_minimum

        def number(value: Any) -> bool:
            if type(value) is not float and type(value) is not int:
                return False
            if not -1e300 < value < 1e300:  # NaN, infinities, huge integers: say why
                return False
            if low is not None and (value < low or (open_low and value == low)):
                return False
            return high is None or value <= high

        return number
    if kind in ("strings", "ids", "enums"):
        item = _value_check(
            Field(
                spec.name,
                {"strings": "string", "ids": "id", "enums": "enum"}[kind],
                choices=spec.choices,
            )
        )
        least = spec.min_items
        return lambda value: type(value) is list and len(value) >= least and all(map(item, value))
    return lambda value: check_value(spec, value)[0] is None


_FAST: dict[int, tuple[tuple[Field, ...], Callable[[Any], bool]]] = {}


def _fast_check(fields: tuple[Field, ...]) -> Callable[[Any], bool]:
    """Whether an object of these fields is certainly valid (True), or needs
    the full check that reports its problems (False)."""
    known = _FAST.get(id(fields))  # by identity: hashing the fields costs more
    if known is not None and known[0] is fields:
        return known[1]
    made = _make_fast_check(fields)
    _FAST[id(fields)] = (fields, made)
    return made


def _make_fast_check(fields: tuple[Field, ...]) -> Callable[[Any], bool]:
    checks = {spec.name: _value_check(spec) for spec in fields}
    required = frozenset(spec.name for spec in fields if spec.required)

    def check(data: Any) -> bool:
        if type(data) is not dict or not required <= data.keys():
            return False
        for key, value in data.items():
            test = checks.get(key)
            if test is None:
                if not (type(key) is str and key.startswith("x-")):
                    return False
            elif not test(value):
                return False
        return True

    return check


def _check_object(
    report: _Report, pointer: str, data: object, fields: tuple[Field, ...], what: str
) -> bool:
    """Check keys and value types of one object; False if it is not an object."""
    if not isinstance(data, dict):
        report.error(pointer, f"each {what} must be an object, not {_describe(data)}.")
        return False
    if _fast_check(fields)(data):
        return True
    known = {f.name for f in fields}
    for key in data:
        if key not in known and not is_extension_key(key):
            hint = ", ".join(f.name for f in fields)
            report.error(
                f"{pointer}/{pointer_escape(key)}",
                f"unknown key {str(key)[:60]!r} in a {what} (known keys: {hint}; "
                "prefix your own keys with 'x-').",
            )
    for spec in fields:
        if spec.name not in data:
            if spec.required:
                report.error(pointer, f"the {what} has no '{spec.name}', which is required.")
            continue
        message, item = check_value(spec, data[spec.name])
        if message is not None:
            where = f"{pointer}/{spec.name}" + ("" if item is None else f"/{item}")
            report.error(where, message)
    return True


def _check_header(report: _Report, doc: Mapping[str, Any]) -> bool:
    """Check format, version, title and top-level keys; False to stop."""
    for key in doc:
        if key not in TOP_LEVEL_KEYS and not is_extension_key(key):
            report.error(
                f"/{pointer_escape(key)}",
                f"unknown top-level key {str(key)[:60]!r} (known keys: "
                f"{', '.join(TOP_LEVEL_KEYS)}; prefix your own keys with 'x-').",
            )
    if "format" not in doc:
        report.error(
            "", 'the file has no \'format\' key; a model file starts with "format": "attackgraph".'
        )
    elif doc["format"] != FORMAT_NAME:
        report.error("/format", f"'format' must be 'attackgraph', not {doc['format']!r:.60}.")
    version = doc.get("version")
    if "version" not in doc:
        report.error("", "the file has no 'version' key; this program writes version 1.")
    elif not isinstance(version, int) or isinstance(version, bool) or version < 1:
        report.error(
            "/version", f"'version' must be the integer {FORMAT_VERSION}, not {version!r:.60}."
        )
    elif version > FORMAT_VERSION:
        report.error(
            "/version",
            f"this file has format version {version}, but this program reads version "
            f"{FORMAT_VERSION} only; open it with a newer attackgraph.",
        )
        return False
    if "title" not in doc:
        report.error("", "the file has no 'title', which is required.")
    elif not isinstance(doc["title"], str):
        report.error("/title", f"'title' must be a string, not {_describe(doc['title'])}.")
    if "description" in doc and not isinstance(doc["description"], str):
        report.error("/description", "'description' must be a string (Markdown).")
    if "nodes" not in doc:
        report.error("", "the file has no 'nodes' list, which is required.")
    return True


def _collect(report: _Report, doc: Mapping[str, Any]) -> dict[str, list[tuple[int, dict]]]:
    """Check each list and return its well-formed objects with their indices."""
    found: dict[str, list[tuple[int, dict]]] = {}
    for key, what, fields in _LISTS:
        items: list[tuple[int, dict]] = []
        found[key] = items
        if key not in doc:
            continue
        value = doc[key]
        if not isinstance(value, list):
            report.error(f"/{key}", f"'{key}' must be a list, not {_describe(value)}.")
            continue
        for index, data in enumerate(value):
            if _check_object(report, f"/{key}/{index}", data, fields, what):
                items.append((index, data))
    return found


def _ids(report: _Report, key: str, what: str, items: list[tuple[int, dict]]) -> dict[str, int]:
    """Map each valid id to the index of its first object; report duplicates."""
    seen: dict[str, int] = {}
    for index, data in items:
        ident = data.get("id")
        if not isinstance(ident, str):
            continue
        if ident in seen:
            report.error(
                f"/{key}/{index}/id",
                f"duplicate {what} id {ident!r} (first used at /{key}/{seen[ident]}).",
            )
        else:
            seen[ident] = index
    return seen


def _check_refs(
    report: _Report,
    key: str,
    items: list[tuple[int, dict]],
    fields: tuple[Field, ...],
    targets: Mapping[str, Mapping[str, int]],
) -> None:
    for spec in fields:
        if spec.ref is None:
            continue
        known = targets[spec.ref]
        name = spec.name
        named: set[Any] = set()
        unsure = False
        try:
            for _, data in items:
                value = data.get(name)
                if type(value) is list:
                    named.update(value)
                elif value is not None:
                    named.add(value)
        except TypeError:  # an unhashable value: the full check below says where
            unsure = True
        if not unsure and all(type(ref) is not str or ref in known for ref in named):
            continue
        for index, data in items:
            value = data.get(spec.name)
            if value is None:
                continue
            values = value if isinstance(value, list) else [value]
            for position, ref in enumerate(values):
                if isinstance(ref, str) and ref not in known:
                    where = f"/{key}/{index}/{spec.name}"
                    if isinstance(value, list):
                        where += f"/{position}"
                    report.error(
                        where, f"'{spec.name}' names {spec.ref} {ref[:60]!r}, which does not exist."
                    )


def _check_parent_cycles(
    report: _Report, items: list[tuple[int, dict]], ids: Mapping[str, int]
) -> None:
    parent = {
        d["id"]: d["parent"]
        for _, d in items
        if isinstance(d.get("id"), str)
        and isinstance(d.get("parent"), str)
        and ids.get(d["id"]) is not None
    }
    done: set[str] = set()
    for start in parent:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = start
        while current is not None and current not in done:
            if current in on_path:
                cycle = path[path.index(current) :]
                report.error(
                    f"/components/{ids[current]}/parent",
                    "component parents form a cycle: " + " -> ".join([*cycle, current]) + ".",
                )
                break
            path.append(current)
            on_path.add(current)
            current = parent.get(current)
        done.update(path)


def _check_edges(
    report: _Report, edges: list[tuple[int, dict]], node_kind: Mapping[str, str]
) -> list[tuple[str, str]]:
    """Rules 3 and 4 on edges; returns the valid (source, target) pairs."""
    pairs = [(d.get("source"), d.get("target")) for _, d in edges]
    ends = {end for pair in pairs for end in pair if type(end) is str}
    entries = {k for k, v in node_kind.items() if v == "entry"}
    if (
        all(type(s) is str and type(t) is str for s, t in pairs)
        and len(set(pairs)) == len(pairs)
        and not (pairs and any(map(eq, *zip(*pairs, strict=True))))
        and not entries.intersection(t for _, t in pairs)
    ):
        if ends <= node_kind.keys():
            return pairs  # type: ignore[return-value]
        return [(s, t) for s, t in pairs if s in node_kind and t in node_kind]
    seen: dict[tuple[str, str], int] = {}
    valid: list[tuple[str, str]] = []
    for index, data in edges:
        source, target = data.get("source"), data.get("target")
        if not (isinstance(source, str) and isinstance(target, str)):
            continue
        if source == target:
            report.error(
                f"/edges/{index}",
                f"edge {source!r} -> {target!r} is a self-loop; a node cannot enable itself.",
            )
            continue
        if (source, target) in seen:
            report.error(
                f"/edges/{index}",
                f"duplicate edge {source!r} -> {target!r} "
                f"(first at /edges/{seen[(source, target)]}).",
            )
            continue
        seen[(source, target)] = index
        if node_kind.get(target) == "entry":
            report.error(
                f"/edges/{index}/target",
                f"edge into entry {target!r}: an entry is "
                "where an attacker starts and has no "
                "incoming edges; make it a step.",
            )
            continue
        if source in node_kind and target in node_kind:
            valid.append((source, target))
    return valid


def _is_finite_number(value: object) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _check_layout(report: _Report, layout: object, node_ids: Mapping[str, int]) -> None:
    if not isinstance(layout, dict):
        report.error(
            "/layout",
            f"'layout' must be an object mapping node ids to [x, y], not {_describe(layout)}.",
        )
        return
    for key, value in layout.items():
        where = f"/layout/{pointer_escape(key)}"
        if key not in node_ids:
            report.error(where, f"layout names node {str(key)[:60]!r}, which does not exist.")
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(_is_finite_number(v) for v in value)
        ):
            report.error(where, "a layout position must be a list of two finite numbers [x, y].")


def _check_graph(
    report: _Report,
    nodes: list[tuple[int, dict]],
    node_ids: Mapping[str, int],
    pairs: Iterable[tuple[str, str]],
) -> None:
    """Rules 4 and 5 on gates, and the graph warnings."""
    incoming: dict[str, list[str]] = {ident: [] for ident in node_ids}
    for source, target in pairs:
        incoming[target].append(source)
    for index, data in nodes:
        ident, kind, gate = data.get("id"), data.get("kind"), data.get("gate")
        if not isinstance(ident, str) or node_ids.get(ident) != index:
            continue
        if kind == "entry" and "gate" in data:
            report.error(
                f"/nodes/{index}/gate",
                f"entry {ident!r} has a gate; gates belong to steps and goals only.",
            )
        elif kind in ("step", "goal") and not incoming[ident]:
            if gate == "and":
                report.error(
                    f"/nodes/{index}/gate",
                    f"AND {kind} {ident!r} has no incoming "
                    "edge; connect its enablers or make it 'or'.",
                )
            else:
                report.warning(
                    f"/nodes/{index}",
                    f"{kind} {ident!r} has no incoming edge, so no attacker can reach it.",
                )
    goals = [d["id"] for _, d in nodes if d.get("kind") == "goal" and isinstance(d.get("id"), str)]
    reaches = set(goals)
    queue = deque(goals)
    while queue:
        for source in incoming.get(queue.popleft(), ()):
            if source not in reaches:
                reaches.add(source)
                queue.append(source)
    for ident, index in node_ids.items():
        if ident not in reaches:
            report.warning(f"/nodes/{index}", f"node {ident!r} cannot reach any goal.")


def _check_mitigation_targets(
    report: _Report, mitigations: list[tuple[int, dict]], node_kind: Mapping[str, str]
) -> None:
    for index, data in mitigations:
        blocks = data.get("blocks")
        if not isinstance(blocks, list) or not blocks:
            continue
        kinds = [node_kind.get(b) for b in blocks if isinstance(b, str)]
        if kinds and all(k == "entry" for k in kinds) and len(kinds) == len(blocks):
            report.warning(
                f"/mitigations/{index}/blocks",
                f"mitigation {data.get('id')!r} blocks only entries.",
            )


def validate_document(doc: object) -> list[Problem]:
    """Check a parsed model document against every rule of the format.

    Parameters
    ----------
    doc : object
        What a JSON or YAML parser returned for the file.

    Returns
    -------
    list of Problem
        Every error and warning, in document order within each rule; empty
        for a clean model.

    Examples
    --------
    >>> doc = {"format": "attackgraph", "version": 1, "title": "t",
    ...        "nodes": [{"id": "E1", "kind": "entry", "label": "start", "gate": "and"}]}
    >>> [p.pointer for p in validate_document(doc)]
    ['/nodes/0/gate', '/nodes/0']
    """
    report = _Report()
    if not isinstance(doc, dict):
        report.error(
            "", f"a model file must hold an object at the top level, not {_describe(doc)}."
        )
        return report.problems
    if _check_header(report, doc):
        found = _collect(report, doc)
        ids = {
            what: _ids(report, key, what, found[key]) for key, what, _ in _LISTS if key != "edges"
        }
        for key, _, fields in _LISTS:
            _check_refs(report, key, found[key], fields, ids)
        _check_parent_cycles(report, found["components"], ids["component"])
        node_kind = {
            d["id"]: d.get("kind")
            for i, d in found["nodes"]
            if isinstance(d.get("id"), str) and ids["node"].get(d["id"]) == i
        }
        pairs = _check_edges(report, found["edges"], node_kind)
        if "layout" in doc:
            _check_layout(report, doc["layout"], ids["node"])
        _check_graph(report, found["nodes"], ids["node"], pairs)
        _check_mitigation_targets(report, found["mitigations"], node_kind)
        for pointer, message in open_conflicts(doc):
            report.warning(
                pointer,
                f"merge conflict: {message[:300]} Choose a value here, then the warning goes.",
            )
    if report.dropped:
        report.problems.append(
            Problem(
                "", f"{report.dropped} more problems were not listed; fix the ones above first."
            )
        )
    return report.problems
