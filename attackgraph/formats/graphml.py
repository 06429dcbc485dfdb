"""GraphML in and out, through NetworkX's reader and writer.

Untrusted XML is first parsed by :mod:`defusedxml`, which refuses document
type declarations: no entity expansion (the "billion laughs" bomb), no
external entities or DTDs that could read local files or reach the network.
Only a file that passed is handed to :func:`networkx.parse_graphml`.

Written files are plain GraphML that Gephi, yEd, Cytoscape and NetworkX
open: nodes carry ``kind``, ``label`` and the other node fields (lists as
JSON text), ``x``/``y`` the layout; mitigations are nodes of kind
``mitigation`` (ids ``mitigation:ID``) with ``blocks`` edges to the nodes
they block; components, profiles and releases are graph attributes (JSON
text). GraphML from other tools opens too: labels come from ``label`` or
``name`` (yEd labels included), entries and goals are inferred from the
graph where no ``kind`` says, other attributes are kept as ``x-graphml``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import warnings
from typing import Any

from attackgraph.errors import FormatError, Problem
from attackgraph.formats.building import ModelBuilder, unique_id
from attackgraph.formats.native import CheckedModel
from attackgraph.formats.xmlguard import parse_xml
from attackgraph.model import AttackModel
from attackgraph.model.schema import MITIGATION_FIELDS, NODE_FIELDS, check_value

__all__ = ["check_graphml", "generate_graphml", "sniff_graphml"]

_SNIFF = re.compile(rb"<graphml[\s>]")
_MITIGATION_PREFIX = "mitigation:"
_NODE_FIELDS = {f.name: f for f in NODE_FIELDS if f.name not in ("id", "kind")}
_MIT_FIELDS = {f.name: f for f in MITIGATION_FIELDS if f.name not in ("id", "blocks")}
_LISTS = ("techniques", "refs")
_NUMBERS = ("cost", "probability", "impact", "effectiveness")
_EXTRAS = "attackgraph_extras"
_CHAR_REF = re.compile(r"&#(x[0-9a-fA-F]+|[0-9]+);")


def _legal_reference(match: re.Match[str]) -> str:
    """A character reference, or U+FFFD's where XML 1.0 forbids the character.

    Examples
    --------
    >>> _CHAR_REF.sub(_legal_reference, "&#65534; &#x41; &#1; &#10;")
    '&#65533; &#x41; &#65533; &#10;'
    """
    text = match.group(1)
    try:
        code = int(text[1:], 16) if text[0] == "x" else int(text)
    except ValueError:
        return "&#65533;"
    legal = (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )
    return match.group(0) if legal else "&#65533;"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def sniff_graphml(raw: bytes) -> bool:
    """Whether the content looks like GraphML.

    Examples
    --------
    >>> sniff_graphml(b'<?xml version="1.0"?>\\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">')
    True
    >>> sniff_graphml(b'{"format": "attackgraph"}')
    False
    """
    head = raw[:8192].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"<" and bool(_SNIFF.search(head))


def _safe_parse(raw: bytes) -> None:
    """Parse with defusedxml only to prove the XML harmless.

    Raises
    ------
    FormatError
        Not well-formed XML (with line and column), or it declares a DTD
        or entities.
    """

    root = parse_xml(raw, "GraphML")
    _check_ids(root)


_NEEDED = {"node": ("id",), "edge": ("source", "target")}


def _check_ids(root: Any) -> None:
    """Every GraphML node names its id and every edge its ends (NetworkX
    would otherwise make up a node called None)."""
    seen: dict[str, int] = {}
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag not in _NEEDED:
            continue
        seen[tag] = seen.get(tag, 0) + 1
        for attribute in _NEEDED[tag]:
            if not (element.get(attribute) or "").strip():
                raise FormatError(
                    f"<{tag}> element {seen[tag]} has no '{attribute}' "
                    f"attribute; every GraphML {tag} must name "
                    f"{'its id' if tag == 'node' else 'its source and target'}."
                )


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _x_keys(value: Any) -> dict[str, Any]:
    """The ``x-`` keys of attackgraph's JSON-encoded extras attribute."""
    if not isinstance(value, str):
        return {}
    try:
        decoded = json.loads(value)
    except ValueError:
        return {}
    if not isinstance(decoded, dict):
        return {}
    return {k: v for k, v in decoded.items() if isinstance(k, str) and k.startswith("x-")}


def _json_list(value: Any) -> list[Any] | None:
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = [part.strip() for part in re.split(r"[,;\n]", value) if part.strip()]
        if isinstance(parsed, list):
            return parsed
    return None


class _Reader:
    def __init__(self, graph: Any) -> None:
        self.graph = graph
        self.b = ModelBuilder("GraphML")
        self.ids: dict[str, str] = {}

    def pointer(self, node: Any, key: str | None = None) -> str:
        base = f"/graph/node[{str(node)[:80]}]"
        return f"{base}/{key}" if key else base

    def fields(
        self,
        attrs: dict[str, Any],
        specs: dict[str, Any],
        pointer: str,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Known fields, checked, and the other attributes."""
        out: dict[str, Any] = {}
        other: dict[str, Any] = {}
        for key, value in attrs.items():
            if key in ("x", "y", "kind", _EXTRAS) or (key == "type" and "kind" in attrs):
                continue
            spec = specs.get(key)
            if spec is None:
                other[str(key)] = value
                continue
            if key in _LISTS:
                value = _json_list(value)
            elif key in _NUMBERS:
                value = _plain(value) if not isinstance(value, str) else _number(value)
            elif isinstance(value, (int, float)) and spec.type in ("string", "id", "enum"):
                value = str(_plain(value))
            message, _ = check_value(spec, value)
            if value is None or message is not None:
                reason = (message or "is not a list").rstrip(".")
                self.b.warn(f"{pointer}/{key}", f"'{key}' {reason}; it is ignored")
                continue
            out[key] = value
        out.update(_x_keys(attrs.get(_EXTRAS)))
        return out, other

    def read(self) -> CheckedModel:
        import networkx as nx

        graph = self.graph
        attrs = dict(graph.graph)
        self.b.title = str(attrs.get("title") or attrs.get("name") or "Imported GraphML graph")
        if isinstance(attrs.get("description"), str):
            self.b.description = attrs["description"]
        if not graph.is_directed():
            self.b.warn(
                "/graph",
                "the graph is undirected; each edge is read as going from "
                "its 'source' to its 'target' as written",
            )
        if graph.is_multigraph():
            self.b.warn("/graph", "the graph has parallel edges; they are merged into one")
        self.lists(attrs)
        mitigations: list[Any] = []
        for node, data in graph.nodes(data=True):
            kind = data.get("kind", data.get("type"))
            if kind == "mitigation":
                mitigations.append(node)
                continue
            self.node(node, data, kind)
        blocks: dict[Any, list[str]] = {m: [] for m in mitigations}
        mitigation_set = set(mitigations)
        edges = list(graph.edges(data=True))
        order = [d.get("order") for _, _, d in edges]
        if any(isinstance(o, int) for o in order):  # the file order attackgraph wrote
            edges = [
                e
                for _, e in sorted(
                    enumerate(edges),
                    key=lambda item: (
                        (0, order[item[0]]) if isinstance(order[item[0]], int) else (1, item[0])
                    ),
                )
            ]
        for source, target, data in edges:
            if source in mitigation_set or target in mitigation_set:
                if source in mitigation_set and target in self.ids:
                    blocks[source].append(self.ids[target])
                else:
                    self.b.warn(
                        f"/graph/edge[{str(source)[:40]}->{str(target)[:40]}]",
                        "an edge touching a mitigation must go from the mitigation to "
                        "the node it blocks; it is left out",
                    )
                continue
            label = data.get("label")
            extras = self.edge_extras(data)
            self.b.add_edge(
                self.ids[source],
                self.ids[target],
                f"/graph/edge[{str(source)[:40]}->{str(target)[:40]}]",
                str(label) if label not in (None, "") else None,
                extras,
            )
        taken: set[str] = set()
        for node in mitigations:
            self.mitigation(node, graph.nodes[node], blocks[node], taken)
        del nx
        self.b.report_cycles("graph")
        return self.b.finish()

    def edge_extras(self, data: dict[str, Any]) -> dict[str, Any] | None:
        out = _x_keys(data.get(_EXTRAS))
        other = {
            str(k): v for k, v in data.items() if k not in ("label", _EXTRAS, "id", "kind", "order")
        }
        if other:
            out["x-graphml"] = other
        return out or None

    def node(self, node: Any, data: dict[str, Any], kind: Any) -> None:
        pointer = self.pointer(node)
        raw_id = str(node)
        node_id = self.b.new_id(raw_id)
        if node_id != raw_id:
            self.b.warn(
                pointer,
                f"the node id {raw_id[:60]!r} is not a valid attackgraph id; "
                f"it becomes {node_id!r}",
            )
        self.ids[node] = node_id
        fields, other = self.fields(data, _NODE_FIELDS, pointer)
        label = fields.pop("label", None) or (
            str(other.pop("name")) if other.get("name") else raw_id
        )
        explicit = kind in ("entry", "step", "goal")
        if kind is not None and not explicit:
            self.b.warn(
                f"{pointer}/kind",
                f"the kind {str(kind)[:40]!r} is not entry, step, "
                "goal or mitigation; it is inferred",
            )
        record: dict[str, Any] = {"id": node_id, "label": label}
        if explicit:
            record["kind"] = kind
        record.update(fields)
        if other:
            record["x-graphml"] = {k: _plain(v) for k, v in other.items()}
        order = [f.name for f in NODE_FIELDS]
        ordered = {k: record[k] for k in order if k in record}
        ordered.update({k: v for k, v in record.items() if k not in ordered})
        self.b.add_node(ordered, pointer, explicit_kind=explicit)
        x, y = data.get("x"), data.get("y")
        if all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in (x, y)
        ):
            self.b.layout[node_id] = [_plain(x), _plain(y)]

    def mitigation(
        self, node: Any, data: dict[str, Any], blocks: list[str], taken: set[str]
    ) -> None:
        pointer = self.pointer(node)
        raw_id = str(node)
        wanted = (
            raw_id[len(_MITIGATION_PREFIX) :] if raw_id.startswith(_MITIGATION_PREFIX) else raw_id
        )
        if not blocks:
            self.b.warn(
                pointer,
                f"mitigation {wanted[:60]!r} has no 'blocks' edge to a node; it is left out",
            )
            return
        fields, other = self.fields(data, _MIT_FIELDS, pointer)
        record: dict[str, Any] = {
            "id": unique_id(wanted, taken, "mitigation"),
            "label": fields.pop("label", None) or wanted,
            "blocks": list(dict.fromkeys(blocks)),
        }
        record.update(fields)
        if other:
            record["x-graphml"] = {k: _plain(v) for k, v in other.items()}
        order = [f.name for f in MITIGATION_FIELDS]
        ordered = {k: record[k] for k in order if k in record}
        ordered.update({k: v for k, v in record.items() if k not in ordered})
        self.b.add_mitigation(ordered, pointer)

    def lists(self, attrs: dict[str, Any]) -> None:
        decoded: dict[str, Any] = {}
        for key in ("components", "profiles", "releases"):
            if key in attrs:
                items = _json_list(attrs[key]) if isinstance(attrs[key], str) else None
                decoded[key] = items if items is not None else attrs[key]
        self.b.add_model_lists(decoded, "/graph")
        self.b.extras.update(_x_keys(attrs.get(_EXTRAS)))


def _number(text: str) -> float | int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return _plain(value) if math.isfinite(value) else None


def check_graphml(raw: bytes) -> CheckedModel:
    """Read GraphML safely; never raises for bad input."""
    import networkx as nx

    try:
        if not raw.strip():
            raise FormatError("the file is empty; a GraphML file holds a <graphml> document.")
        _safe_parse(raw)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                graph = nx.parse_graphml(raw)
            except (
                nx.NetworkXError,
                KeyError,
                ValueError,
                TypeError,
                IndexError,
                AttributeError,
                LookupError,
            ) as exc:
                detail = str(exc).strip().rstrip(".") or type(exc).__name__
                raise FormatError(
                    f"not a GraphML graph NetworkX can read: {detail[:200]}."
                ) from None
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])
    checked = _Reader(graph).read()
    notes = list(dict.fromkeys(str(w.message).strip().rstrip(".")[:200] for w in caught))
    if notes:
        extra = [
            Problem("/graph", f"NetworkX's GraphML reader: {note}; it is ignored", "warning")
            for note in notes
        ]
        checked = dataclasses.replace(checked, problems=[*checked.problems, *extra])
    return checked


# ------------------------------------------------------------------ writing
def _attr(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def generate_graphml(model: AttackModel) -> str:
    """The model as GraphML text (NetworkX's writer)."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.graph["title"] = model.title
    if model.description:
        graph.graph["description"] = model.description
    for key, items in (
        ("components", model.components.values()),
        ("profiles", model.profiles.values()),
        ("releases", model.releases.values()),
    ):
        dicts = [item.to_dict() for item in items]
        if dicts:
            graph.graph[key] = json.dumps(dicts, ensure_ascii=False)
    if model.extras:
        graph.graph[_EXTRAS] = json.dumps(dict(model.extras), ensure_ascii=False)
    layout = model.layout
    for node in model.nodes.values():
        data: dict[str, Any] = {}
        for key, value in node.to_dict().items():
            if key == "id" or key.startswith("x-"):
                continue
            data[key] = (
                json.dumps(list(value), ensure_ascii=False) if key in _LISTS else _attr(value)
            )
        if node.id in layout:
            data["x"], data["y"] = (float(v) for v in layout[node.id])
        if node.extras:
            data[_EXTRAS] = json.dumps(dict(node.extras), ensure_ascii=False)
        graph.add_node(node.id, **data)
    for index, edge in enumerate(model.edges):
        data = {"order": index}  # NetworkX writes edges grouped by source
        if edge.label is not None:
            data["label"] = edge.label
        if edge.extras:
            data[_EXTRAS] = json.dumps(dict(edge.extras), ensure_ascii=False)
        graph.add_edge(edge.source, edge.target, **data)
    for mit in model.mitigations.values():
        node_id = _MITIGATION_PREFIX + mit.id
        data = {"kind": "mitigation"}
        for key, value in mit.to_dict().items():
            if key in ("id", "blocks") or key.startswith("x-"):
                continue
            data[key] = (
                json.dumps(list(value), ensure_ascii=False) if key in _LISTS else _attr(value)
            )
        if mit.extras:
            data[_EXTRAS] = json.dumps(dict(mit.extras), ensure_ascii=False)
        graph.add_node(node_id, **data)
        for target in mit.blocks:
            graph.add_edge(node_id, target, kind="blocks")
    body = "\n".join(nx.generate_graphml(graph, prettyprint=True))
    # XML 1.0 cannot hold C0 controls (not even as character references) nor
    # lone surrogates: they become U+FFFD so that every XML tool reads the file
    body = _NOT_XML.sub("\ufffd", body)
    body = _CHAR_REF.sub(_legal_reference, body)  # the writer may use references
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
