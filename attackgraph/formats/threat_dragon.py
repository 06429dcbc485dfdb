"""OWASP Threat Dragon models (v2 JSON; v1 is read too), in and out.

Reading: every diagram's trust boundary boxes, actors, processes and stores
become components (an element inside a boundary box is nested in it, as
drawn; with several diagrams each diagram is a component too; boundary
curves are components without members), threats on elements and flows
become goals, each threat's ``mitigation`` text becomes a mitigation
blocking it (deployed when the threat is ``Mitigated``, proposed
otherwise). Data flows connect threats and one entry, the attacker, stands
at the actors (see :mod:`attackgraph.formats._threats`; the importer says
so in a warning).

Writing: one STRIDE diagram in which components are processes (actors for
``human`` components) and components with sub-components are trust boundary
boxes drawn around them; steps and goals are the threats of their
component's cell, each listing the mitigations that block it; a model read
from Threat Dragon gets its cells' ids, shapes and data flows (with their
threats) back, laid out afresh. attackgraph's
own fields travel under ``x-attackgraph`` keys (the summary's and each
threat's), which Threat Dragon ignores, so a written file reads back to the
same model.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from attackgraph.errors import FormatError, Problem
from attackgraph.formats._threats import (
    Control,
    Element,
    Flow,
    Threat,
    ThreatGraph,
    aside,
    guess_kind,
    kept_fields,
    nest_as_drawn,
    number_in,
    prose,
    restore_nodes,
    text,
)
from attackgraph.formats.building import ModelBuilder
from attackgraph.formats.native import CheckedModel
from attackgraph.formats.native.parse import decode_bytes, parse_text
from attackgraph.model import AttackModel

__all__ = ["check_threat_dragon", "generate_threat_dragon", "sniff_threat_dragon"]

TAG = "x-threat-dragon"
OWN = "x-attackgraph"
TD_VERSION = "2.3.0"
_SUMMARY = re.compile(rb'"summary"\s*:\s*\{')
_DETAIL = re.compile(rb'"(detail|diagrams|diagramJson)"\s*:')
_ELEMENTS = {"actor": "human", "process": None, "store": None}
_V1_SHAPES = {
    "tm.Actor": "actor",
    "tm.Process": "process",
    "tm.Store": "store",
    "tm.Flow": "flow",
    "tm.Boundary": "trust-boundary-curve",
    "tm.Text": "td-text-block",
}
_THREAT_KEYS = ("id", "threatId", "type", "status", "severity", "score", "modelType", "number")


def sniff_threat_dragon(raw: bytes) -> bool:
    """Whether the content looks like a Threat Dragon model.

    Examples
    --------
    >>> sniff_threat_dragon(b'{"summary": {"title": "t"}, "detail": {"diagrams": []}}')
    True
    >>> sniff_threat_dragon(b'{"format": "attackgraph"}')
    False
    """
    head = raw[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"{" and bool(_SUMMARY.search(head)) and bool(_DETAIL.search(head))


def _v1_cell(cell: dict[str, Any]) -> dict[str, Any]:
    """A Threat Dragon 1 cell in the shape of a version 2 cell."""
    shape = _V1_SHAPES.get(str(cell.get("type")), str(cell.get("type")))
    name = cell.get("name")
    if not isinstance(name, str):
        labels = cell.get("labels")
        attrs = cell.get("attrs") if isinstance(cell.get("attrs"), dict) else {}
        name = (
            (attrs.get("text") or {}).get("text") if isinstance(attrs.get("text"), dict) else None
        )
        if name is None and isinstance(labels, list) and labels and isinstance(labels[0], dict):
            name = ((labels[0].get("attrs") or {}).get("text") or {}).get("text")
    data = {
        "name": name,
        "threats": cell.get("threats"),
        "isBidirectional": cell.get("isBidirectional"),
        "outOfScope": cell.get("outOfScope"),
        "description": cell.get("description"),
    }
    out = {
        "id": cell.get("id"),
        "shape": shape,
        "data": data,
        "position": cell.get("position"),
        "size": cell.get("size"),
    }
    for end in ("source", "target"):
        if isinstance(cell.get(end), dict):
            out[end] = {"cell": cell[end].get("id")}
    return out


def _box(cell: dict[str, Any]) -> tuple[float, float, float, float] | None:
    position, size = cell.get("position"), cell.get("size")
    if not isinstance(position, dict) or not isinstance(size, dict):
        return None
    values = [
        number_in(position.get("x"), -1e9, 1e9),
        number_in(position.get("y"), -1e9, 1e9),
        number_in(size.get("width"), 0, 1e9),
        number_in(size.get("height"), 0, 1e9),
    ]
    if any(v is None for v in values):
        return None
    x, y, w, h = (float(v) for v in values)  # type: ignore[arg-type]
    return x, y, w, h


class _Reader:
    def __init__(self, data: Any) -> None:
        self.data = data
        self.b = ModelBuilder("Threat Dragon")
        self.g = ThreatGraph(self.b, TAG)
        self.own: dict[str, Any] = {}
        self.not_applicable: list[str] = []
        self.mitigated: list[str] = []
        self.kept_flows: list[dict[str, Any]] = []

    def read(self) -> CheckedModel:
        b, data = self.b, self.data
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("summary"), dict)
            or not isinstance(data.get("detail"), dict)
        ):
            b.error("", "a Threat Dragon model is an object with 'summary' and 'detail'")
            return CheckedModel(None, b.problems)
        summary, detail = data["summary"], data["detail"]
        own = summary.get(OWN) if isinstance(summary.get(OWN), dict) else {}
        self.own = own
        b.title = text(summary.get("title")) or "Threat Dragon model"
        b.description = prose(summary.get("description"))
        kept = {k: v for k, v in summary.items() if k in ("owner", "id")}
        for key in ("contributors", "reviewer"):
            if key in detail:
                kept[key] = detail[key]
        diagrams = detail.get("diagrams")
        if not isinstance(diagrams, list):
            b.error("/detail/diagrams", "'diagrams' must be a list of diagrams")
            return CheckedModel(None, b.problems)
        kept_diagrams = []
        for index, diagram in enumerate(diagrams):
            if not isinstance(diagram, dict):
                b.warn(f"/detail/diagrams/{index}", "this diagram is not an object; ignored")
                continue
            kept_diagrams.append(
                {k: diagram[k] for k in ("title", "diagramType", "id") if k in diagram}
            )
            self.diagram(index, diagram, len(diagrams) > 1)
        if own.get("native") is not True:
            kept["diagrams"] = kept_diagrams
            flows = [
                f
                for f in self.kept_flows
                if f["source"] in self.g.elements and f["target"] in self.g.elements
            ]
            if flows:
                kept["flows"] = flows
            b.extras[TAG] = kept
        if b.failed:
            return CheckedModel(None, b.problems)
        self.g.judged(self.not_applicable, "not applicable", "Threat Dragon")
        self.g.judged(self.mitigated, "mitigated", "Threat Dragon")
        self.restore(own)
        return self.g.build()

    def restore(self, own: dict[str, Any]) -> None:
        b = self.b
        if not own:
            return
        b.add_model_lists(own, "/summary/x-attackgraph")
        if isinstance(own.get("extras"), dict):
            b.extras.update(
                {
                    k: v
                    for k, v in own["extras"].items()
                    if isinstance(k, str) and k.startswith("x-")
                }
            )
        restore_nodes(b, own.get("nodes"), "/summary/x-attackgraph/nodes")
        if isinstance(own.get("edges"), list):
            self.g.saved_edges = own["edges"]
        if isinstance(own.get("order"), list):
            self.g.saved_order = own["order"]
        layout = own.get("layout")
        if isinstance(layout, dict):
            b.layout.update(
                {
                    k: v
                    for k, v in layout.items()
                    if isinstance(k, str)
                    and isinstance(v, list)
                    and len(v) == 2
                    and all(number_in(x, -1e12, 1e12) is not None for x in v)
                }
            )
        if isinstance(own.get("mitigations"), list):
            # the mitigations as attackgraph wrote them replace those read
            # from the threats' text
            threats = {t.saved.get("id"): t.key for t in self.g.threats if t.saved}
            controls = []
            for index, item in enumerate(own["mitigations"]):
                saved = kept_fields(item, "mitigation")
                blocks = (
                    [threats[n] for n in item.get("blocks") or [] if n in threats]
                    if isinstance(item, dict) and isinstance(item.get("blocks"), list)
                    else []
                )
                if not isinstance(saved.get("id"), str) or not isinstance(saved.get("label"), str):
                    continue
                controls.append(
                    Control(
                        saved["id"],
                        saved["label"],
                        f"/summary/x-attackgraph/mitigations/{index}",
                        blocks,
                        saved.get("status"),
                        saved=saved,
                    )
                )
            self.g.controls = controls

    def diagram(self, index: int, diagram: dict[str, Any], several: bool) -> None:
        b, g = self.b, self.g
        pointer = f"/detail/diagrams/{index}"
        cells = diagram.get("cells")
        if not isinstance(cells, list):
            json_cells = (
                (diagram.get("diagramJson") or {}).get("cells")
                if isinstance(diagram.get("diagramJson"), dict)
                else None
            )
            if isinstance(json_cells, list):
                cells = [_v1_cell(c) if isinstance(c, dict) else c for c in json_cells]
                pointer += "/diagramJson"
            else:
                b.warn(pointer, "this diagram has no cells; ignored")
                return
        diagram_key = None
        if several:
            diagram_key = f"diagram:{index}"
            title = text(diagram.get("title")) or f"Diagram {index + 1}"
            g.elements[diagram_key] = Element(
                diagram_key, title, "other", pointer, extra={"diagram": index}
            )
        boxes: list[tuple[str, tuple[float, float, float, float]]] = []
        members: list[tuple[str, tuple[float, float, float, float] | None]] = []
        curves = 0
        for number, cell in enumerate(cells):
            where = f"{pointer}/cells/{number}"
            if not isinstance(cell, dict):
                b.warn(where, "this cell is not an object; ignored")
                continue
            key = text(cell.get("id"))
            shape = text(cell.get("shape")) or ""
            data = cell.get("data") if isinstance(cell.get("data"), dict) else {}
            if key is None or key in g.elements or key in g.flows:
                if shape != "td-text-block":
                    b.warn(where, "this cell has no id or a repeated one; ignored")
                continue
            name = text(data.get("name"))
            if name is None and isinstance(cell.get("attrs"), dict):
                label = cell["attrs"].get("text") or cell["attrs"].get("label")
                name = text(label.get("text")) if isinstance(label, dict) else None
            saved = data.get(OWN) if isinstance(data.get(OWN), dict) else {}
            if shape == "flow":
                source = (
                    (cell.get("source") or {}).get("cell")
                    if isinstance(cell.get("source"), dict)
                    else None
                )
                target = (
                    (cell.get("target") or {}).get("cell")
                    if isinstance(cell.get("target"), dict)
                    else None
                )
                g.flows[key] = Flow(
                    key,
                    name or "data flow",
                    str(source or ""),
                    str(target or ""),
                    where,
                    data.get("isBidirectional") is True,
                )
                self.kept_flows.append(
                    {
                        "id": key,
                        "name": name or "",
                        "source": str(source or ""),
                        "target": str(target or ""),
                        "bidirectional": data.get("isBidirectional") is True,
                        **({"protocol": data["protocol"]} if text(data.get("protocol")) else {}),
                    }
                )
                self.threats(data.get("threats"), where, flow=key)
            elif shape in _ELEMENTS or shape.startswith("trust-boundary"):
                boundary = shape.startswith("trust-boundary")
                kind = (
                    saved.get("kind")
                    if isinstance(saved.get("kind"), str)
                    else ("network" if boundary else _ELEMENTS[shape] or guess_kind(name))
                )
                extra: dict[str, Any] = {"shape": shape, "cell": key}
                if data.get("outOfScope") is True:
                    extra["outOfScope"] = True
                if saved.get("synthetic"):
                    owner = saved.get("component")
                    self.threats(
                        data.get("threats"),
                        where,
                        element=owner if isinstance(owner, str) else None,
                    )
                    continue
                label = name or ("Trust boundary" if boundary else shape.capitalize())
                g.elements[key] = Element(
                    key,
                    label,
                    kind,
                    where,
                    diagram_key,
                    prose(data.get("description")),
                    extra,
                    saved,
                    external=shape == "actor",
                )
                box = _box(cell)
                if shape == "trust-boundary-box" and box is not None:
                    boxes.append((key, box))
                elif shape == "trust-boundary-curve":
                    curves += 1
                else:
                    members.append((key, box))
                self.threats(data.get("threats"), where, element=key)
        nest_as_drawn(b, g, pointer, members, boxes, curves)

    def threats(
        self, value: Any, where: str, element: str | None = None, flow: str | None = None
    ) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            self.b.warn(f"{where}/data/threats", "'threats' should be a list; ignored")
            return
        for number, item in enumerate(value):
            pointer = f"{where}/data/threats/{number}"
            if not isinstance(item, dict):
                self.b.warn(pointer, "this threat is not an object; ignored")
                continue
            title = text(item.get("title")) or text(item.get("type")) or "Threat"
            saved = item.get(OWN) if isinstance(item.get(OWN), dict) else {}
            extra = {
                k: item[k]
                for k in _THREAT_KEYS
                if isinstance(item.get(k), (str, int, float)) and k in item
            }
            if flow is not None:
                extra["flow"] = flow
            threat = Threat(
                pointer,
                title,
                pointer,
                element,
                flow,
                prose(item.get("description")),
                extra=extra,
                saved=saved,
            )
            self.g.threats.append(threat)
            status = (text(item.get("status")) or "Open").lower()
            mitigation = prose(item.get("mitigation"))
            if self.own.get("mitigations") is not None:
                continue
            if status in ("na", "n/a", "notapplicable", "not applicable"):
                self.not_applicable.append(threat.key)
                continue
            if mitigation is None:
                if status == "mitigated":
                    self.mitigated.append(threat.key)
                continue
            wanted = "deployed" if status == "mitigated" else "proposed"
            self.g.control_for(pointer, mitigation, wanted, pointer, threat.key)


def check_threat_dragon(raw: bytes) -> CheckedModel:
    """Read a Threat Dragon model; never raises for bad input."""
    try:
        decoded = decode_bytes(raw)
        if not decoded.strip():
            raise FormatError(
                "the file is empty; a Threat Dragon model is a JSON object "
                "with 'summary' and 'detail'."
            )
        parsed = parse_text(decoded, "json")
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])
    return _Reader(parsed.data).read()


# -------------------------------------------------------------------- writing
_LEAF = (160.0, 100.0)
_PAD = 40.0


def _sizes(model: AttackModel, children: dict[str | None, list[str]]) -> dict[str, tuple]:
    sizes: dict[str, tuple[float, float]] = {}

    def size(comp_id: str, depth: int) -> tuple[float, float]:
        kids = children.get(comp_id, [])
        if not kids or depth > 50:
            sizes[comp_id] = _LEAF
            return _LEAF
        inner = [size(k, depth + 1) for k in kids]
        columns = max(1, math.ceil(math.sqrt(len(inner))))
        rows = [inner[i : i + columns] for i in range(0, len(inner), columns)]
        width = max(sum(w for w, _ in row) + _PAD * (len(row) + 1) for row in rows)
        height = sum(max(h for _, h in row) for row in rows) + _PAD * (len(rows) + 1)
        sizes[comp_id] = (width, height + _PAD / 2)
        return sizes[comp_id]

    for comp_id in children.get(None, []):
        size(comp_id, 0)
    return sizes


def _place(
    children: dict[str | None, list[str]],
    sizes: dict[str, tuple],
    parent: str | None,
    x: float,
    y: float,
    out: dict[str, tuple[float, float]],
    depth: int = 0,
) -> None:
    kids = children.get(parent, [])
    if not kids or depth > 50:
        return
    columns = max(1, math.ceil(math.sqrt(len(kids))))
    cy = y + _PAD * (1.5 if parent is not None else 1)
    for start in range(0, len(kids), columns):
        row = kids[start : start + columns]
        cx = x + _PAD
        for kid in row:
            out[kid] = (cx, cy)
            _place(children, sizes, kid, cx, cy, out, depth + 1)
            cx += sizes[kid][0] + _PAD
        cy += max(sizes[k][1] for k in row) + _PAD


def _threat(node: Any, number: int, mits: list[Any]) -> dict[str, Any]:
    saved = node.extras.get(TAG) if isinstance(node.extras.get(TAG), dict) else {}
    mitigated = any(
        m.effective_status == "deployed" and m.effective_effectiveness >= 1 for m in mits
    )
    threat: dict[str, Any] = {
        "id": node.id,
        "title": node.label,
        "status": "Mitigated"
        if mitigated
        else ("NA" if str(saved.get("status", "")).upper() == "NA" else "Open"),
        "severity": text(saved.get("severity")) or "Medium",
        "type": text(saved.get("type")) or "Elevation of privilege",
        "description": node.description or "",
        "mitigation": "\n\n".join(
            f"{m.label} ({m.effective_status})"
            if not m.description
            else f"{m.label} ({m.effective_status}): {m.description}"
            for m in mits
        ),
        "modelType": text(saved.get("modelType")) or "STRIDE",
        "number": number,
        "score": text(saved.get("score")) or "",
    }
    threat[OWN] = {
        k: v for k, v in node.to_dict().items() if k not in ("label", "description", "component")
    }
    return threat


def _cell(
    cell_id: str,
    shape: str,
    name: str,
    box: tuple[float, float, float, float],
    z: int,
    threats: list[dict[str, Any]],
    extra: dict[str, Any],
) -> dict[str, Any]:
    x, y, w, h = box
    boundary = shape == "trust-boundary-box"
    data: dict[str, Any] = {
        "type": {
            "actor": "tm.Actor",
            "process": "tm.Process",
            "store": "tm.Store",
            "trust-boundary-box": "tm.BoundaryBox",
        }[shape],
        "name": name,
        "description": extra.pop("description", ""),
        "hasOpenThreats": any(t["status"] == "Open" for t in threats),
    }
    if boundary:
        data["isTrustBoundary"] = True
    else:
        data.update({"outOfScope": False, "reasonOutOfScope": "", "threats": threats})
    data.update(extra)
    cell: dict[str, Any] = {
        "position": {"x": x, "y": y},
        "size": {"width": w, "height": h},
        "attrs": {("label" if boundary else "text"): {"text": name}},
        "visible": True,
        "shape": shape,
        "id": cell_id,
        "zIndex": z,
        "data": data,
    }
    return cell


def _flow_cell(flow: dict[str, Any], threats: list[dict[str, Any]]) -> dict[str, Any]:
    both = flow.get("bidirectional") is True
    data: dict[str, Any] = {
        "type": "tm.Flow",
        "name": text(flow.get("name")) or "",
        "description": "",
        "outOfScope": False,
        "reasonOutOfScope": "",
        "hasOpenThreats": any(t["status"] == "Open" for t in threats),
        "isBidirectional": both,
        "isEncrypted": False,
        "isPublicNetwork": False,
        "protocol": text(flow.get("protocol")) or "",
        "threats": threats,
    }
    return {
        "shape": "flow",
        "id": flow["id"],
        "zIndex": 20,
        "connector": "smooth",
        "attrs": {
            "line": {
                "stroke": "#333333",
                "targetMarker": {"name": "block"},
                "sourceMarker": {"name": "block" if both else ""},
            }
        },
        "labels": [text(flow.get("name")) or ""],
        "source": {"cell": flow["source"]},
        "target": {"cell": flow["target"]},
        "data": data,
    }


def generate_threat_dragon(model: AttackModel) -> str:
    """The model as a Threat Dragon 2 JSON model (one STRIDE diagram)."""
    kept = model.extras.get(TAG) if isinstance(model.extras.get(TAG), dict) else {}
    children: dict[str | None, list[str]] = {}
    for comp in model.components.values():
        children.setdefault(comp.parent, []).append(comp.id)
    unplaced = [n for n in model.nodes.values() if not aside(n) and n.component is None]
    placeholder = "attackgraph-unplaced"
    if unplaced:
        children.setdefault(None, []).append(placeholder)
    sizes = _sizes(model, children)
    places: dict[str, tuple[float, float]] = {}
    _place(children, sizes, None, 0.0, 0.0, places)
    blocked_by: dict[str, list[Any]] = {}
    for mit in model.mitigations.values():
        for target in mit.blocks:
            blocked_by.setdefault(target, []).append(mit)
    cell_id: dict[str, str] = {}
    for comp in model.components.values():
        saved = comp.extras.get(TAG) if isinstance(comp.extras.get(TAG), dict) else {}
        wanted = text(saved.get("cell"))
        cell_id[comp.id] = (
            wanted
            if wanted and wanted not in cell_id.values() and wanted not in model.components
            else comp.id
        )
    cell_id[placeholder] = placeholder
    flows = [
        f
        for f in kept.get("flows") or []
        if isinstance(f, dict)
        and f.get("source") in cell_id.values()
        and f.get("target") in cell_id.values()
        and isinstance(f.get("id"), str)
        and f["id"] not in cell_id.values()
    ]
    flow_ids = {f["id"] for f in flows}
    threats_of: dict[str | None, list[dict[str, Any]]] = {}
    for number, node in enumerate((n for n in model.nodes.values() if not aside(n)), 1):
        saved = node.extras.get(TAG) if isinstance(node.extras.get(TAG), dict) else {}
        where = f"flow:{saved['flow']}" if saved.get("flow") in flow_ids else node.component
        threats_of.setdefault(where, []).append(_threat(node, number, blocked_by.get(node.id, [])))
    cells: list[dict[str, Any]] = []
    depth: dict[str, int] = {}
    for comp_id in places:
        parent = model.components[comp_id].parent if comp_id in model.components else None
        depth[comp_id] = depth.get(parent, -1) + 1 if parent is not None else 0
    for comp_id in [c for c in [*model.components, placeholder] if c in places]:
        x, y = places[comp_id]
        w, h = sizes[comp_id]
        if comp_id == placeholder:
            cells.append(
                _cell(
                    comp_id,
                    "process",
                    "Not placed on a component",
                    (x, y, w, h),
                    10,
                    threats_of.get(None, []),
                    {OWN: {"synthetic": True}},
                )
            )
            continue
        comp = model.components[comp_id]
        saved = comp.extras.get(TAG) if isinstance(comp.extras.get(TAG), dict) else {}
        shape = (
            "trust-boundary-box"
            if children.get(comp_id)
            else (
                saved.get("shape")
                if saved.get("shape") in ("actor", "process", "store")
                else ("actor" if comp.kind == "human" else "process")
            )
        )
        extra: dict[str, Any] = {
            OWN: {
                k: v
                for k, v in comp.to_dict().items()
                if k not in ("label", "parent", "description")
            }
        }
        if comp.description:
            extra["description"] = comp.description
        threats = threats_of.get(comp_id, [])
        if shape == "trust-boundary-box" and threats:
            # a boundary box holds no threats in Threat Dragon: they go on a
            # process drawn inside it, which reads back as the box itself
            cells.append(
                _cell(
                    f"{cell_id[comp_id]}-threats",
                    "process",
                    comp.label,
                    (x + 10, y + h - _LEAF[1] / 2 - 10, _LEAF[0] / 2, _LEAF[1] / 2),
                    10 + depth[comp_id],
                    threats,
                    {OWN: {"synthetic": True, "component": cell_id[comp_id]}},
                )
            )
            threats = []
        cells.append(
            _cell(
                cell_id[comp_id],
                shape,
                comp.label,
                (x, y, w, h),
                (-10 + depth[comp_id]) if shape == "trust-boundary-box" else 10 + depth[comp_id],
                threats,
                extra,
            )
        )
    for flow in flows:
        cells.append(_flow_cell(flow, threats_of.get(f"flow:{flow['id']}", [])))
    own: dict[str, Any] = {}
    if TAG not in model.extras:
        own["native"] = True
    own["order"] = list(model.nodes)
    apart = [n.to_dict() for n in model.nodes.values() if aside(n)]
    if apart:
        own["nodes"] = apart
    own["edges"] = [e.to_dict() for e in model.edges]
    own["mitigations"] = [m.to_dict() for m in model.mitigations.values()]
    for key, items in (
        ("profiles", model.profiles.values()),
        ("releases", model.releases.values()),
    ):
        dicts = [i.to_dict() for i in items]
        if dicts:
            own[key] = dicts
    if model.layout:
        own["layout"] = {k: [x, y] for k, (x, y) in model.layout.items()}
    others = {k: v for k, v in model.extras.items() if k != TAG}
    if others:
        own["extras"] = others
    summary: dict[str, Any] = {
        "title": model.title,
        "owner": text(kept.get("owner")) or "",
        "description": model.description or "",
        "id": kept.get("id") if isinstance(kept.get("id"), int) and kept["id"] >= 0 else 0,
        OWN: own,
    }
    diagrams = kept.get("diagrams") if isinstance(kept.get("diagrams"), list) else []
    first = diagrams[0] if diagrams and isinstance(diagrams[0], dict) else {}
    diagram = {
        "id": 0,
        "title": text(first.get("title")) or model.title,
        "diagramType": text(first.get("diagramType")) or "STRIDE",
        "placeholder": "",
        "thumbnail": "./public/content/images/thumbnail.stride.jpg",
        "version": TD_VERSION,
        "cells": cells,
    }
    contributors = kept.get("contributors") if isinstance(kept.get("contributors"), list) else []
    doc = {
        "version": TD_VERSION,
        "summary": summary,
        "detail": {
            "contributors": [c for c in contributors if isinstance(c, dict)],
            "diagrams": [diagram],
            "diagramTop": 1,
            "reviewer": text(kept.get("reviewer")) or "",
            "threatTop": sum(len(t) for t in threats_of.values()),
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
