"""Microsoft Threat Modeling Tool models (``.tm7``), read only.

A ``.tm7`` file is the tool's XML (a .NET data contract): drawing surfaces
(diagrams) with stencils (processes, data stores, external interactors),
trust boundary boxes (``Borders``), data flows and trust boundary lines
(``Lines``), and the threat instances the tool generated or the user added,
each with its state, justification and possible mitigations.

It is parsed with defusedxml (no document type, no entities: no expansion
bombs, no external entities). The mapping:

- stencils and trust boundary boxes become components (a stencil inside a
  box is nested in it, as drawn; boundary lines are components without
  members; with several diagrams each diagram is a component too);
  external interactors are where the attacker stands;
- every threat becomes a goal on the component its interaction leads to
  (the data flow's target), with its category, priority, state and
  justification kept; ``PossibleMitigations`` becomes a mitigation blocking
  it (deployed when the threat's state is ``Mitigated``, proposed
  otherwise); threats marked ``NotApplicable`` are blocked by one deployed
  mitigation standing for the tool's judgement;
- data flows connect threats (see :mod:`attackgraph.formats._threats`; the
  importer says so in a warning).
"""

from __future__ import annotations

import re
from typing import Any

from attackgraph.errors import FormatError, Problem
from attackgraph.formats._threats import (
    Element,
    Flow,
    Threat,
    ThreatGraph,
    guess_kind,
    nest_as_drawn,
)
from attackgraph.formats.building import ModelBuilder, first_line, join_text
from attackgraph.formats.native import CheckedModel
from attackgraph.formats.xmlguard import parse_xml

__all__ = ["check_tm7", "sniff_tm7"]

TAG = "x-tm7"
_SNIFF = re.compile(rb"<ThreatModel[\s>]")
_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_KINDS = {"GE.EI": "human", "GE.P": None, "GE.DS": None}
_STATES = {"mitigated": "deployed"}


def sniff_tm7(raw: bytes) -> bool:
    """Whether the content looks like a Threat Modeling Tool model.

    Examples
    --------
    >>> sniff_tm7(b'<ThreatModel xmlns="http://schemas.datacontract.org/2004/07/'
    ...           b'ThreatModeling.Model"><DrawingSurfaceList/></ThreatModel>')
    True
    >>> sniff_tm7(b"<graphml/>")
    False
    """
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"<" and bool(_SNIFF.search(head))


def _tag(element: Any) -> str:
    return str(element.tag).rsplit("}", 1)[-1]


def _child(element: Any, name: str) -> Any:
    for child in element:
        if _tag(child) == name:
            return child
    return None


def _text(element: Any, name: str) -> str | None:
    child = _child(element, name)
    if child is None or child.get(_NIL) == "true" or child.text is None:
        return None
    value = child.text.strip()
    return value or None


def _number(element: Any, name: str) -> float | None:
    value = _text(element, name)
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and abs(number) < 1e9 else None


def _entries(element: Any) -> list[tuple[str | None, Any]]:
    """The (key text, value element) pairs of a serialised dictionary."""
    out = []
    if element is None:
        return out
    for entry in element:
        key, value = _child(entry, "Key"), _child(entry, "Value")
        if value is not None:
            out.append((key.text.strip() if key is not None and key.text else None, value))
    return out


def _properties(value: Any) -> dict[str, str]:
    """A stencil's display properties: display name -> value text."""
    out: dict[str, str] = {}
    props = _child(value, "Properties")
    if props is None:
        return out
    for item in props:
        name = _text(item, "DisplayName")
        content = _child(item, "Value")
        if name and content is not None and content.text and name not in out:
            out[name] = content.text.strip()
    return out


def _safe_parse(raw: bytes) -> Any:
    return parse_xml(raw, ".tm7", max_depth=None)


class _Reader:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.b = ModelBuilder("Threat Modeling Tool")
        self.g = ThreatGraph(self.b, TAG)
        self.not_applicable: list[str] = []
        self.mitigated: list[str] = []

    def read(self) -> CheckedModel:
        b, root = self.b, self.root
        if _tag(root) != "ThreatModel":
            b.error(
                "",
                f"the root element is <{_tag(root)[:40]}>, not <ThreatModel>; this is "
                "not a Threat Modeling Tool model",
            )
            return CheckedModel(None, b.problems)
        surfaces = [
            s
            for s in (_child(root, "DrawingSurfaceList") or [])
            if _tag(s) == "DrawingSurfaceModel"
        ]
        meta = _child(root, "MetaInformation")
        title = _text(meta, "ThreatModelName") if meta is not None else None
        b.title = title or "Threat Modeling Tool model"
        if meta is not None:
            b.description = join_text(
                [
                    _text(meta, "HighLevelSystemDescription"),
                    _text(meta, "Assumptions"),
                    _text(meta, "ExternalDependencies"),
                ]
            )
        for index, surface in enumerate(surfaces):
            self.surface(index, surface, len(surfaces) > 1)
        self.threats()
        self.g.judged(self.not_applicable, "not applicable", "the Threat Modeling Tool")
        self.g.judged(self.mitigated, "mitigated", "the Threat Modeling Tool")
        return self.g.build()

    def surface(self, index: int, surface: Any, several: bool) -> None:
        b, g = self.b, self.g
        pointer = f"/DrawingSurfaceList/{index}"
        diagram = None
        if several:
            diagram = f"diagram:{index}"
            name = _properties(surface).get("Name") or f"Diagram {index + 1}"
            g.elements[diagram] = Element(diagram, name, "other", pointer, extra={"diagram": index})
        boxes: list[tuple[str, tuple[float, float, float, float]]] = []
        members: list[tuple[str, tuple[float, float, float, float] | None]] = []
        for number, (key, value) in enumerate(_entries(_child(surface, "Borders"))):
            where = f"{pointer}/Borders/{number}"
            guid = _text(value, "Guid") or key
            if guid is None or guid in g.elements:
                b.warn(where, "this stencil has no id or a repeated one; ignored")
                continue
            generic = _text(value, "GenericTypeId") or ""
            props = _properties(value)
            name = props.get("Name") or _text(value, "TypeId") or generic or "element"
            type_id = _text(value, "TypeId")
            boundary = value.get(_TYPE) == "BorderBoundary" or generic.startswith("GE.TB")
            if generic.startswith("GE.A"):
                continue  # annotation (free text on the drawing)
            kind = "network" if boundary else (_KINDS.get(generic) or guess_kind(type_id, name))
            extra = {
                k: v for k, v in (("guid", guid), ("type", type_id), ("generic", generic)) if v
            }
            g.elements[guid] = Element(
                guid, name, kind, where, diagram, extra=extra, external=generic == "GE.EI"
            )
            left, top = _number(value, "Left"), _number(value, "Top")
            width, height = _number(value, "Width"), _number(value, "Height")
            box = (left, top, width, height) if None not in (left, top, width, height) else None
            if boundary and box is not None:
                boxes.append((guid, box))  # type: ignore[arg-type]
            elif not boundary:
                members.append((guid, box))  # type: ignore[arg-type]
        lines = 0
        for number, (key, value) in enumerate(_entries(_child(surface, "Lines"))):
            where = f"{pointer}/Lines/{number}"
            guid = _text(value, "Guid") or key
            generic = _text(value, "GenericTypeId") or ""
            if guid is None or guid in g.flows or guid in g.elements:
                b.warn(where, "this line has no id or a repeated one; ignored")
                continue
            name = _properties(value).get("Name") or generic
            if generic == "GE.DF" or value.get(_TYPE) == "Connector":
                g.flows[guid] = Flow(
                    guid,
                    name,
                    _text(value, "SourceGuid") or "",
                    _text(value, "TargetGuid") or "",
                    where,
                )
            elif generic.startswith("GE.TB"):
                lines += 1
                g.elements[guid] = Element(
                    guid, name, "network", where, diagram, extra={"guid": guid, "generic": generic}
                )
        nest_as_drawn(b, g, pointer, members, boxes, lines)

    def threats(self) -> None:
        b, g = self.b, self.g
        instances = _child(self.root, "ThreatInstances")
        for number, (key, value) in enumerate(_entries(instances)):
            pointer = f"/ThreatInstances/{number}"
            props: dict[str, str] = {}
            for prop_key, prop_value in _entries(_child(value, "Properties")):
                if prop_key and prop_value.text and prop_value.text.strip():
                    props[prop_key] = prop_value.text.strip()
            title = (
                props.get("Title") or _text(value, "Title") or _text(value, "TypeId") or "Threat"
            )
            state = _text(value, "State") or "AutoGenerated"
            justification = _text(value, "StateInformation")
            flow, target = _text(value, "FlowGuid"), _text(value, "TargetGuid")
            description = join_text(
                [
                    props.get("UserThreatDescription") or _text(value, "UserThreatDescription"),
                    f"Justification ({state}): {justification}" if justification else None,
                ]
            )
            extra = {
                k: v
                for k, v in (
                    ("id", _text(value, "Id")),
                    ("typeId", _text(value, "TypeId")),
                    ("state", state),
                    ("justification", justification),
                    ("priority", props.get("Priority") or _text(value, "Priority")),
                    ("category", props.get("UserThreatCategory")),
                    ("sdlPhase", props.get("SDLPhase")),
                    ("interaction", props.get("InteractionString")),
                )
                if v
            }
            threat = Threat(
                key or pointer,
                title,
                pointer,
                element=target if flow not in g.flows else None,
                flow=flow if flow in g.flows else None,
                description=description,
                extra=extra,
            )
            if threat.flow is None and target not in g.elements:
                b.warn(
                    pointer,
                    f"the threat {first_line(title, 60)!r} is on no element of "
                    "the diagrams; it is imported without a component",
                )
                threat.element = None
            g.threats.append(threat)
            if state.lower() == "notapplicable":
                self.not_applicable.append(threat.key)
                continue
            mitigation = props.get("PossibleMitigations")
            if not mitigation and state.lower() == "mitigated":
                self.mitigated.append(threat.key)
            elif mitigation:
                status = _STATES.get(state.lower(), "proposed")
                g.control_for(threat.key, mitigation, status, pointer, threat.key)


def check_tm7(raw: bytes) -> CheckedModel:
    """Read a Threat Modeling Tool ``.tm7`` file; never raises for bad input."""
    try:
        if not raw.strip():
            raise FormatError("the file is empty; a .tm7 file holds a <ThreatModel> document.")
        root = _safe_parse(raw)
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])
    return _Reader(root).read()
