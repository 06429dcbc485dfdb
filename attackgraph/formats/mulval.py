"""MulVAL attack graphs in: ``AttackGraph.xml`` and the ``VERTICES.CSV`` /
``ARCS.CSV`` pair.

MulVAL (Ou et al., Kansas State University) derives a logical attack graph
from Datalog facts about a network. Its vertices are

* ``LEAF``: primitive facts, true from the start (``vulExists``, ``hacl``,
  ``networkServiceInfo``, ``attackerLocated`` ...);
* ``AND``: rule applications (``RULE 2 (remote exploit of a server
  program)``), which need every premise;
* ``OR``: derived facts (``execCode(webServer,apache)``), true when any rule
  deriving them applies.

Arc direction is the classic trap: MulVAL writes every arc from a
conclusion to one of its premises (``ARCS.CSV`` lines are
``conclusion,premise,metric``; ``AttackGraph.xml``'s ``<src>`` is the
conclusion, ``<dst>`` the premise, copied column by column from
``ARCS.CSV`` by MulVAL's ``XMLConstructor``; MulVAL's own ``render.sh``
draws ``premise -> conclusion``). attackgraph's edges mean "enables", so an
arc ``src,dst`` becomes the edge ``dst -> src``.

Mapping (each decision is reported once as a located warning where it
changes something):

* ``LEAF`` -> ``entry``; ``AND`` -> ``step`` with gate ``and``; ``OR`` ->
  ``step`` with gate ``or``, or ``goal`` when no rule uses it as a premise
  (it is never an arc's ``dst``: the facts the MulVAL query asked for, such
  as ``execCode(workStation,root)``).
* Node id: the vertex id (``"17"``). Label: the fact with a space after each
  top-level comma (``execCode(webServer, apache)``). The raw fact, type and
  metric are kept as ``x-mulval-fact``, ``x-mulval-type`` and
  ``x-mulval-metric``.
* Metric: ``probability`` for ``LEAF`` and ``AND`` vertices when it lies in
  (0, 1] (after MulVAL's probabilistic assessment they are the chance a
  primitive holds or a rule succeeds). A metric of 0 is MulVAL's "not
  computed" default and is not a probability (it would make every chain
  impossible); an ``OR`` metric is MulVAL's cumulative probability of the
  fact, which attackgraph computes itself from the chain, so it is not a
  step probability either. Every metric stays in ``x-mulval-metric``.
* Hosts: the host argument of a fact (the first of ``execCode``,
  ``netAccess``, ``vulExists``, ``networkServiceInfo`` ...; the second,
  the target, of ``hacl`` and ``hasAccount``) becomes a component of kind
  ``device``; the zone of ``attackerLocated`` (``internet``) a component of
  kind ``network``. A rule vertex lies in the component of the fact it
  derives. CVE and CAN names in ``vulExists`` go to ``refs``.
* Arc metrics (the third ``ARCS.CSV`` column; ``-1`` means none) are kept
  as the edge's ``x-mulval-metric`` when present.
* Cycles (MulVAL's ``-p`` graphs can have them) are kept and warned about.

The CSV pair is opened through either file: the other is looked up beside
it (``VERTICES.CSV`` <-> ``ARCS.CSV``, same prefix and case), and a missing
one is a located error. XML is parsed with :mod:`defusedxml` only (no DTD,
no entities).
"""

from __future__ import annotations

import bisect
import csv
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from attackgraph.errors import FormatError, Problem
from attackgraph.formats.building import ModelBuilder, unique_id
from attackgraph.formats.native import CheckedModel
from attackgraph.formats.xmlguard import parse_xml

__all__ = [
    "check_mulval_csv",
    "check_mulval_csv_bytes",
    "check_mulval_csv_file",
    "check_mulval_xml",
    "label_of_fact",
    "sniff_mulval_arcs",
    "sniff_mulval_csv",
    "sniff_mulval_vertices",
    "sniff_mulval_xml",
]

_XML_SNIFF = re.compile(rb"^(<\?xml[^>]*\?>\s*)?(<!--.*?-->\s*)*<attack_graph[\s>]", re.S)
_VERTEX_LINE = re.compile(
    rb'^\s*\d{1,18}\s*,\s*"[^"\r\n]*"\s*,\s*"?(AND|OR|LEAF)"?\s*(,|\r?$)', re.M
)
_ARC_LINE = re.compile(rb"^\d{1,18},\d{1,18}(,[^,\r\n]*)?\r?$")
_MAX_ID_DIGITS = 18
_TYPES = ("AND", "OR", "LEAF")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_FACT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\((.*)\)\s*$", re.S)
_CVE = re.compile(r"^(CVE|CAN)-\d{4}-\d+$", re.I)

# predicate -> index of its host argument (MulVAL's interaction rules)
_HOST_ARGUMENT = {
    "execCode": 0,
    "netAccess": 0,
    "vulExists": 0,
    "networkServiceInfo": 0,
    "canAccessFile": 0,
    "accessFile": 0,
    "localFileProtection": 0,
    "nfsMounted": 0,
    "nfsExportInfo": 0,
    "clientProgram": 0,
    "setuidProgramInfo": 0,
    "installed": 0,
    "isWebServer": 0,
    "logInService": 0,
    "canAccessHost": 0,
    "accessMaliciousInput": 0,
    "isUserMachine": 0,
    "hostAllowAccessToAllUsers": 0,
    "dos": 0,
    "dataInjection": 0,
    "principalCompromised": None,
    "hacl": 1,
    "hasAccount": 1,
    "inCompetent": None,
}
_ZONE_PREDICATES = ("attackerLocated",)


# ------------------------------------------------------------------ sniffing
def sniff_mulval_xml(raw: bytes) -> bool:
    """Whether the content looks like MulVAL's ``AttackGraph.xml``.

    Examples
    --------
    >>> sniff_mulval_xml(b"<attack_graph>\\n<arcs>\\n")
    True
    >>> sniff_mulval_xml(b'<graphml xmlns="http://graphml.graphdrawing.org/xmlns">')
    False
    """
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return bool(_XML_SNIFF.match(head))


def sniff_mulval_vertices(raw: bytes) -> bool:
    """Whether the content looks like MulVAL's ``VERTICES.CSV``.

    Examples
    --------
    >>> sniff_mulval_vertices(b'1,"execCode(h,root)","OR",0\\n2,"RULE 2 (x)","AND",0\\n')
    True
    >>> sniff_mulval_vertices(b"id,label\\n1,a\\n")
    False
    """
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return bool(_VERTEX_LINE.match(head))


def sniff_mulval_arcs(raw: bytes) -> bool:
    """Whether the content looks like MulVAL's ``ARCS.CSV``: every line of
    the start is ``number,number[,metric]``.

    Examples
    --------
    >>> sniff_mulval_arcs(b"4,5,-1\\n4,6,-1\\n")
    True
    >>> sniff_mulval_arcs(b"a,b\\n")
    False
    """
    head = raw[:4096].lstrip(b"\xef\xbb\xbf")
    lines = head.split(b"\n")
    if len(raw) > 4096 and len(lines) > 1:
        lines = lines[:-1]  # the last one may be cut
    lines = [line for line in lines if line.strip()]
    return bool(lines) and all(_ARC_LINE.match(line) for line in lines)


# ------------------------------------------------------------------- facts
def split_arguments(text: str) -> list[str]:
    """Top-level arguments of ``pred(a,'b,c',f(d,e))``.

    Examples
    --------
    >>> split_arguments("h,'a,b',f(x,y)")
    ['h', "'a,b'", 'f(x,y)']
    """
    if (
        "(" not in text
        and "[" not in text
        and not any("," in quoted for quoted in _QUOTED.findall(text))
    ):
        return [part.strip() for part in text.split(",")]  # MulVAL's usual facts: fast
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    for index, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
    parts.append(text[start:].strip())
    return parts


def parse_fact(fact: str) -> tuple[str, list[str]]:
    """Predicate and arguments of a MulVAL fact (no arguments for rules).

    Examples
    --------
    >>> parse_fact("execCode(webServer,root)")
    ('execCode', ['webServer', 'root'])
    >>> parse_fact("RULE 2 (remote exploit of a server program)")
    ('RULE 2 (remote exploit of a server program)', [])
    """
    match = _FACT.match(fact)
    if not match:
        return fact.strip(), []
    return match.group(1), split_arguments(match.group(2))


def label_of_fact(fact: str) -> str:
    """A readable label: a space after each top-level comma.

    Examples
    --------
    >>> label_of_fact("vulExists(webServer,'CAN-2002-0392',httpd,remoteExploit,privEscalation)")
    "vulExists(webServer, 'CAN-2002-0392', httpd, remoteExploit, privEscalation)"
    >>> label_of_fact("RULE 6 (direct network access)")
    'RULE 6 (direct network access)'
    """
    return _label(fact, *parse_fact(fact))


def _label(fact: str, predicate: str, arguments: list[str]) -> str:
    if not arguments:
        return " ".join(fact.split()) or "(no fact)"
    return f"{predicate}({', '.join(arguments)})"


def _atom(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


# ------------------------------------------------------------------ reading
@dataclass
class Vertex:
    """One MulVAL vertex as read, before mapping."""

    vid: str
    fact: str
    type: str
    metric: str | None
    pointer: str


@dataclass
class Arc:
    """One MulVAL arc as written (``src`` the conclusion, ``dst`` the premise)."""

    src: str
    dst: str
    metric: str | None
    pointer: str


@dataclass
class _Graph:
    vertices: list[Vertex] = field(default_factory=list)
    arcs: list[Arc] = field(default_factory=list)


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _plain(value: float) -> float | int:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _check_id(text: str | None, what: str, b: ModelBuilder, pointer: str) -> str | None:
    """A vertex id as MulVAL writes them: a positive integer."""
    text = (text or "").strip()
    if not text:
        b.error(pointer, f"the {what} is missing")
        return None
    if not text.isdigit() or not text.isascii():
        b.error(
            pointer,
            f"the {what} {text[:40]!r} is not a vertex number; MulVAL numbers "
            "its vertices 1, 2, 3 ...",
        )
        return None
    if len(text) > _MAX_ID_DIGITS:
        b.error(
            pointer,
            f"the {what} has {len(text)} digits; a MulVAL vertex number has at "
            f"most {_MAX_ID_DIGITS}",
        )
        return None
    return str(int(text))


def _map(graph: _Graph, b: ModelBuilder, title: str) -> CheckedModel:
    """Build the model from vertices and arcs read from either format."""
    b.title = title
    vertices: dict[str, Vertex] = {}
    for vertex in graph.vertices:
        if vertex.vid in vertices:
            b.error(
                vertex.pointer,
                f"vertex {vertex.vid} is listed twice (first at {vertices[vertex.vid].pointer})",
            )
            continue
        vertices[vertex.vid] = vertex
    used_as_premise: set[str] = set()
    derives: dict[str, str] = {}
    for arc in graph.arcs:
        for end in (arc.src, arc.dst):
            if end not in vertices:
                b.error(
                    arc.pointer,
                    f"the arc {arc.src} -> {arc.dst} names vertex {end}, "
                    "which the vertices do not list",
                )
        used_as_premise.add(arc.dst)
        derives.setdefault(arc.dst, arc.src)
    if b.failed:
        return CheckedModel(None, b.problems)
    if not vertices:
        b.error(
            "",
            "the MulVAL attack graph has no vertices; run MulVAL with a query that "
            "the attacker can reach",
        )
        return CheckedModel(None, b.problems)

    components: dict[str, str] = {}
    component_taken: set[str] = set()
    host_of: dict[str, str] = {}
    zero_metric = 0
    or_metric = 0
    odd_metric: list[str] = []
    goals = 0
    for vertex in vertices.values():
        vid = vertex.vid
        kind_type = vertex.type
        predicate, arguments = parse_fact(vertex.fact)
        data: dict[str, Any] = {"id": vid, "label": _label(vertex.fact, predicate, arguments)}
        if kind_type == "LEAF":
            data["kind"] = "entry"
        elif vid not in used_as_premise and kind_type == "OR":
            data["kind"] = "goal"
            goals += 1
        else:
            data["kind"] = "step"
            data["gate"] = "and" if kind_type == "AND" else "or"
        host = _host(predicate, arguments)
        if host is not None:
            name, device = host
            if name not in components:
                components[name] = unique_id(name, component_taken, "host")
                b.components.append(
                    {
                        "id": components[name],
                        "label": name,
                        "kind": "device" if device else "network",
                    }
                )
            host_of[vid] = components[name]
            data["component"] = components[name]
        if predicate == "vulExists" and len(arguments) > 1 and _CVE.match(_atom(arguments[1])):
            data["refs"] = [_atom(arguments[1]).upper()]
        value = _number(vertex.metric)
        if vertex.metric is not None and vertex.metric.strip():
            if value is None:
                odd_metric.append(vid)
                data["x-mulval-metric"] = vertex.metric.strip()[:200]
            else:
                data["x-mulval-metric"] = _plain(value)
                if kind_type == "OR":
                    or_metric += value != 0
                elif value == 0:
                    zero_metric += 1
                elif 0 < value <= 1:
                    data["probability"] = _plain(value)
                else:
                    odd_metric.append(vid)
        data["x-mulval-type"] = kind_type
        data["x-mulval-fact"] = vertex.fact
        b.add_node(data, vertex.pointer, explicit_kind=True)

    for vid, conclusion in derives.items():
        node = b.nodes[vid].data
        if "component" not in node and node.get("x-mulval-type") == "AND" and conclusion in host_of:
            node["component"] = host_of[conclusion]
    for arc in graph.arcs:
        extras = None
        value = _number(arc.metric)
        if arc.metric is not None and arc.metric.strip() and value != -1:
            extras = {
                "x-mulval-metric": _plain(value) if value is not None else arc.metric.strip()[:200]
            }
        b.add_edge(arc.dst, arc.src, arc.pointer, extras=extras)

    _explain(b, len(vertices), zero_metric, or_metric, odd_metric, goals, components)
    if _has_cycle(vertices, graph.arcs):
        b.report_cycles("attack graph")
    return b.finish()


def _has_cycle(vertices: dict[str, Vertex], arcs: list[Arc]) -> bool:
    """Whether the arcs form a cycle (Kahn's algorithm; cheaper than
    building a graph just to find that there is none)."""
    indegree = dict.fromkeys(vertices, 0)
    children: dict[str, list[str]] = {}
    for arc in arcs:
        if arc.src != arc.dst:
            indegree[arc.dst] += 1
            children.setdefault(arc.src, []).append(arc.dst)
    ready = [v for v, d in indegree.items() if d == 0]
    seen = 0
    while ready:
        vertex = ready.pop()
        seen += 1
        for child in children.get(vertex, ()):
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    return seen < len(indegree)


def _host(predicate: str, arguments: list[str]) -> tuple[str, bool] | None:
    """The host (or zone) a fact is about, and whether it is a device."""
    if predicate in _ZONE_PREDICATES and arguments:
        name = _atom(arguments[0])
        return (name, False) if name else None
    index = _HOST_ARGUMENT.get(predicate)
    if index is None or index >= len(arguments):
        return None
    name = _atom(arguments[index])
    if not name or name[0] == "_":  # an unbound Datalog variable
        return None
    return name, True


def _explain(
    b: ModelBuilder,
    count: int,
    zero: int,
    or_metric: int,
    odd: list[str],
    goals: int,
    components: dict[str, str],
) -> None:
    """The importer's decisions, each said once."""
    if zero:
        b.warn(
            "",
            f"{zero} of {count} MulVAL vertices (rules and primitive facts) have "
            "metric 0, MulVAL's 'not computed' value; it is kept as x-mulval-metric "
            "and not read as a probability",
        )
    if or_metric:
        b.warn(
            "",
            f"{or_metric} derived-fact (OR) vertices carry a metric; it is MulVAL's "
            "cumulative value, kept as x-mulval-metric, not as a step probability",
        )
    if odd:
        b.warn(
            "",
            f"{len(odd)} MulVAL metrics are not a probability in [0, 1] (vertices "
            f"{', '.join(odd[:5])}{', ...' if len(odd) > 5 else ''}); they are kept as "
            "x-mulval-metric only",
        )
    if goals:
        names = [node.data["label"] for node in b.nodes.values() if node.data.get("kind") == "goal"]
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        b.warn(
            "",
            f"{goals} derived fact(s) that no rule uses as a premise became goals "
            f"(MulVAL's query goals): {shown}",
        )
    if goals == 0:
        b.warn(
            "",
            "no derived fact is left unused by the rules, so the attack graph names no "
            "goal; mark the query's facts as goals to analyse it",
        )
    if components:
        b.warn(
            "",
            f"{len(components)} hosts and zones named in the facts became components "
            "(hosts of kind 'device', attackerLocated zones of kind 'network')",
        )


# ---------------------------------------------------------------------- XML
def _xml_root(raw: bytes) -> Any:
    return parse_xml(raw, "MulVAL XML", max_depth=None)


class _XmlLocator:
    """Line of the n-th ``<vertex>`` or ``<arc>``, found only when a
    problem needs it (MulVAL writes no comments or CDATA)."""

    _POINTER = re.compile(r"^/attack_graph/(vertices/vertex|arcs/arc)\[(\d+)\]")

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.offsets: dict[str, list[int]] = {}
        self.newlines: list[int] | None = None

    def __call__(self, pointer: str) -> tuple[int, int] | None:
        match = self._POINTER.match(pointer)
        if not match:
            return None
        tag = match.group(1).rsplit("/", 1)[1]
        if tag not in self.offsets:
            pattern = re.compile(rb"<" + tag.encode() + rb"[\s>/]")
            self.offsets[tag] = [m.start() for m in pattern.finditer(self.raw)]
        index = int(match.group(2)) - 1
        offsets = self.offsets[tag]
        if index >= len(offsets):
            return None
        if self.newlines is None:
            self.newlines = [m.start() for m in re.finditer(rb"\n", self.raw)]
        line = bisect.bisect_left(self.newlines, offsets[index])
        start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, offsets[index] - start + 1


def _text(element: Any, child: str) -> str | None:
    found = element.find(child)
    return None if found is None else (found.text or "")


def check_mulval_xml(raw: bytes) -> CheckedModel:
    """Read MulVAL's ``AttackGraph.xml``; never raises for bad input."""
    b = ModelBuilder("MulVAL")
    b.locate = _XmlLocator(raw)
    try:
        root = _xml_root(raw)
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])
    if root.tag != "attack_graph":
        b.error(
            "",
            f"the root element is <{str(root.tag)[:60]}>; MulVAL's AttackGraph.xml "
            "starts with <attack_graph>",
        )
        return CheckedModel(None, b.problems)
    graph = _Graph()
    for number, element in enumerate(root.iterfind("vertices/vertex"), 1):
        pointer = f"/attack_graph/vertices/vertex[{number}]"
        vid = _check_id(_text(element, "id"), "vertex <id>", b, pointer)
        kind = (_text(element, "type") or "").strip().upper()
        if kind not in _TYPES:
            b.error(pointer, f"the vertex <type> is {kind[:40]!r}; MulVAL writes AND, OR or LEAF")
        if vid is not None and kind in _TYPES:
            graph.vertices.append(
                Vertex(vid, _text(element, "fact") or "", kind, _text(element, "metric"), pointer)
            )
    for number, element in enumerate(root.iterfind("arcs/arc"), 1):
        pointer = f"/attack_graph/arcs/arc[{number}]"
        src = _check_id(_text(element, "src"), "arc <src>", b, pointer)
        dst = _check_id(_text(element, "dst"), "arc <dst>", b, pointer)
        if src is not None and dst is not None:
            graph.arcs.append(Arc(src, dst, _text(element, "metric"), pointer))
    known = {"arcs", "vertices"}
    other = sorted({str(child.tag)[:40] for child in root if child.tag not in known})
    if other:
        b.warn("", f"elements MulVAL does not write are ignored: <{'>, <'.join(other[:5])}>")
    return _map(graph, b, "MulVAL attack graph")


# ---------------------------------------------------------------------- CSV
def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise FormatError(f"{name} is not UTF-8 text (byte {exc.start + 1}).", line) from None


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text.splitlines(), skipinitialspace=True)
    try:
        for row in reader:
            if row and any(cell.strip() for cell in row):
                yield reader.line_num, row
    except csv.Error as exc:
        raise FormatError(f"not CSV: {exc}.", reader.line_num) from None


def _read_vertices(text: str, name: str, here: bool, b: ModelBuilder, graph: _Graph) -> None:
    for line, row in _rows(text):
        pointer = f"/vertices/{line}"
        at = line if here else None
        where = "" if here else f"{name} line {line}: "
        if len(row) < 3:
            b.error(
                pointer,
                f'{where}a MulVAL vertex line is id,"fact","type"[,metric]; '
                f"this one has {len(row)} field(s)",
                at,
            )
            continue
        vid = _check_id(row[0], f"{where}vertex id", b, pointer)
        kind = row[2].strip().upper()
        if kind not in _TYPES:
            b.error(
                pointer,
                f"{where}the vertex type is {kind[:40]!r}; MulVAL writes AND, OR or LEAF",
                at,
            )
            continue
        if vid is not None:
            metric = row[3] if len(row) > 3 else None
            graph.vertices.append(Vertex(vid, row[1], kind, metric, pointer))


def _read_arcs(text: str, name: str, here: bool, b: ModelBuilder, graph: _Graph) -> None:
    for line, row in _rows(text):
        pointer = f"/arcs/{line}"
        where = "" if here else f"{name} line {line}: "
        if len(row) < 2:
            b.error(
                pointer,
                f"{where}a MulVAL arc line is src,dst[,metric]; this one has {len(row)} field",
                line if here else None,
            )
            continue
        src = _check_id(row[0], f"{where}arc source", b, pointer)
        dst = _check_id(row[1], f"{where}arc target", b, pointer)
        if src is not None and dst is not None:
            graph.arcs.append(Arc(src, dst, row[2] if len(row) > 2 else None, pointer))


def check_mulval_csv(
    vertices: bytes,
    arcs: bytes,
    *,
    opened: str = "vertices",
    names: tuple[str, str] = ("VERTICES.CSV", "ARCS.CSV"),
) -> CheckedModel:
    """Read MulVAL's ``VERTICES.CSV`` and ``ARCS.CSV`` contents; never raises.

    Parameters
    ----------
    vertices, arcs : bytes
        The two files' contents.
    opened : {"vertices", "arcs"}
        Which of them the user opened: its problems carry line numbers,
        the other's name the file in the message.
    names : tuple of str
        The two files' names, for messages.
    """
    b = ModelBuilder("MulVAL")

    def locate(pointer: str) -> tuple[int, int] | None:
        match = re.match(r"^/(vertices|arcs)/(\d+)$", pointer)
        if match and match.group(1) == opened:
            return int(match.group(2)), 1
        return None

    b.locate = locate
    graph = _Graph()
    try:
        for part, raw, name, read in (
            ("vertices", vertices, names[0], _read_vertices),
            ("arcs", arcs, names[1], _read_arcs),
        ):
            here = part == opened
            try:
                read(_decode(raw, name), name, here, b, graph)
            except FormatError as exc:
                if here:
                    raise
                raise FormatError(f"{name}: {exc}") from None
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])
    return _map(graph, b, "MulVAL attack graph")


def sibling_names(name: str) -> tuple[str, str, str] | None:
    """For a ``VERTICES``/``ARCS`` file name: which one it is, and the
    sibling's name (same prefix and case) and plain fallback name.

    Examples
    --------
    >>> sibling_names("VERTICES.CSV")
    ('vertices', 'ARCS.CSV', 'ARCS.CSV')
    >>> sibling_names("run1_arcs.csv")
    ('arcs', 'run1_vertices.csv', 'VERTICES.CSV')
    >>> sibling_names("model.csv") is None
    True
    """
    for part, other in (("vertices", "arcs"), ("arcs", "vertices")):
        index = name.lower().rfind(part)
        if index < 0:
            continue
        found = name[index : index + len(part)]
        replacement = (
            other.upper()
            if found.isupper()
            else (other.capitalize() if found[0].isupper() else other)
        )
        return part, name[:index] + replacement + name[index + len(part) :], f"{other.upper()}.CSV"
    return None


def _candidates(folder: str, names: Iterable[str]) -> Iterator[str]:
    seen: set[str] = set()
    for name in names:
        if name not in seen:
            seen.add(name)
            yield os.path.join(folder, name)


def check_mulval_csv_file(path: str | os.PathLike[str], raw: bytes) -> CheckedModel:
    """Read the CSV pair from one of its files (``raw`` is its content):
    the sibling is looked up in the same folder; never raises."""
    from attackgraph.fileio import read_limited
    from attackgraph.formats.native.parse import max_file_bytes

    path = os.fspath(path)
    folder, name = os.path.split(path)
    known = sibling_names(name)
    opened = "vertices" if sniff_mulval_vertices(raw) else (known[0] if known else "arcs")
    wanted = known[1] if known and known[0] == opened else None
    plain = "ARCS.CSV" if opened == "vertices" else "VERTICES.CSV"
    names = [n for n in (wanted, plain, plain.lower()) if n]
    sibling = next((p for p in _candidates(folder, names) if os.path.isfile(p)), None)
    if sibling is None:
        what = "arc" if opened == "vertices" else "vertex"
        return CheckedModel(
            None,
            [
                Problem(
                    "",
                    f"{name} is half of a MulVAL attack graph: "
                    f"its {what} list {names[0]} was not found in "
                    f"{folder or '.'}; keep MulVAL's VERTICES.CSV "
                    "and ARCS.CSV together in one folder.",
                )
            ],
        )
    try:
        other = read_limited(sibling, max_file_bytes())
    except FormatError as exc:
        return CheckedModel(None, [Problem("", f"{os.path.basename(sibling)}: {exc}")])
    pair = (raw, other) if opened == "vertices" else (other, raw)
    pair_names = (
        (name, os.path.basename(sibling))
        if opened == "vertices"
        else (os.path.basename(sibling), name)
    )
    return check_mulval_csv(*pair, opened=opened, names=pair_names)


def check_mulval_csv_bytes(raw: bytes) -> CheckedModel:
    """The CSV pair's reader when only one file's content is known."""
    return CheckedModel(
        None,
        [
            Problem(
                "",
                "a MulVAL VERTICES.CSV or ARCS.CSV file is read "
                "with its sibling: open it from its folder.",
            )
        ],
    )


def sniff_mulval_csv(raw: bytes) -> bool:
    """Whether the content looks like either file of the CSV pair."""
    return sniff_mulval_vertices(raw) or sniff_mulval_arcs(raw)
