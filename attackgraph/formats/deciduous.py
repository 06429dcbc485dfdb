"""Deciduous security decision trees (YAML), in and out.

A Deciduous file lists ``facts``, ``attacks``, ``mitigations`` and ``goals``;
each entry is ``name: label`` with a ``from:`` list of the entries it
follows (``- name``, ``- name: edge label``, or a mapping with ``backwards``,
``ungrouped`` and ``implemented`` flags). ``reality`` is the implicit root.

Mapping to the attack graph:

- ``reality`` is an entry; facts and attacks are steps (entries when nothing
  leads to them); goals are goals;
- ``X from Y`` is the edge ``Y -> X`` with Y's edge label;
- a mitigation blocks the facts, attacks and goals it follows; it is
  deployed when every one of its ``from:`` edges is implemented (the
  Deciduous default), proposed otherwise;
- an attack that follows a mitigation is the attacker's way around it: it is
  enabled by the declared enablers of the steps the mitigation blocks (by
  ``reality`` when it blocks none; a blocked step that is itself a way around
  another mitigation passes on the enablers it inherits), and the edge
  remembers the mitigation (``x-deciduous.via``) so that an export writes
  ``from: [mitigation]`` again;
- ``backwards``, ``ungrouped`` and ``implemented: false`` are drawing hints
  in Deciduous; they are kept on the edge and written back.

attackgraph fields Deciduous has no place for (gates, costs, techniques,
components ...) are written under ``x-attackgraph`` keys, which Deciduous
ignores. YAML is read with the native safe loader (no tags that run code,
alias bombs refused).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from attackgraph.errors import FormatError, Problem
from attackgraph.formats.building import ModelBuilder, unique_id
from attackgraph.formats.native import CheckedModel
from attackgraph.formats.native.parse import ParsedText, decode_bytes, parse_text
from attackgraph.model import AttackModel
from attackgraph.model.schema import MITIGATION_FIELDS, NODE_FIELDS, check_value, is_id

__all__ = ["check_deciduous", "generate_deciduous", "sniff_deciduous"]

SECTIONS = ("facts", "attacks", "mitigations", "goals")
_KNOWN_TOP = {"title", "theme", "dark", "filter", "x-attackgraph", *SECTIONS}
_FLAGS = ("backwards", "ungrouped", "implemented")
_SNIFF = re.compile(rb"(?m)^(attacks|facts|goals)\s*:")
_NATIVE = re.compile(rb"(?m)^format\s*:\s*[\"']?attackgraph")
_NODE_EXTRA = {f.name: f for f in NODE_FIELDS if f.name not in ("id", "kind", "label")}
_MIT_EXTRA = {f.name: f for f in MITIGATION_FIELDS if f.name not in ("id", "label", "blocks")}


def sniff_deciduous(raw: bytes) -> bool:
    """Whether the content looks like a Deciduous YAML file.

    Examples
    --------
    >>> sniff_deciduous(b"title: t\\nattacks:\\n- a: A\\n  from: [reality]\\n")
    True
    >>> sniff_deciduous(b"format: attackgraph\\nversion: 1\\n")
    False
    """
    head = raw[:65536]
    return bool(_SNIFF.search(head)) and not _NATIVE.search(head)


def _default_label(name: str) -> str:
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


class _Reader:
    def __init__(self, parsed: ParsedText) -> None:
        self.parsed = parsed
        self.b = ModelBuilder("Deciduous", locate=parsed.locate)
        self.kind_of: dict[str, str] = {}  # deciduous name -> section
        self.id_of: dict[str, str] = {}  # deciduous name -> node id
        self.pointer_of: dict[str, str] = {}
        self.froms: dict[str, list[tuple[dict[str, Any], str]]] = {}
        self.labels: dict[str, str] = {}
        self.extra: dict[str, dict[str, Any]] = {}
        self.mit_id_of: dict[str, str] = {}

    def warn(self, pointer: str, message: str) -> None:
        self.b.warn(pointer, message)

    def error(self, pointer: str, message: str) -> None:
        self.b.error(pointer, message)

    # ----------------------------------------------------------- reading
    def read(self) -> CheckedModel:
        data = self.parsed.data
        if not isinstance(data, dict):
            self.error(
                "",
                "a Deciduous file is a YAML mapping with 'title', 'facts', "
                "'attacks', 'mitigations' and 'goals'",
            )
            return CheckedModel(None, self.b.problems)
        title = data.get("title")
        self.b.title = (
            str(title)
            if isinstance(title, (str, int, float)) and str(title)
            else "Deciduous decision tree"
        )
        for key in data:
            if key not in _KNOWN_TOP:
                self.warn(
                    f"/{key}",
                    f"the top-level key {str(key)[:60]!r} is not part of Deciduous; it is ignored",
                )
        kept = {k: data[k] for k in ("theme", "dark", "filter") if k in data}
        for section in SECTIONS:
            self.declarations(data.get(section), section)
        if self.b.failed:
            return CheckedModel(None, self.b.problems)
        self.nodes()
        self.mitigation_ids()
        self.edges()
        self.mitigations(kept)
        self.top_extras(data.get("x-attackgraph"), kept)
        preds = self.b.predecessors()
        for node_id, node in self.b.nodes.items():
            if node.data["kind"] == "step" and not preds[node_id]:
                node.data["kind"] = "entry"
        self.b.report_cycles("tree")
        return self.b.finish()

    def declarations(self, items: Any, section: str) -> None:
        if items is None:
            return
        if not isinstance(items, list):
            self.error(f"/{section}", f"'{section}' must be a list of 'name: label' entries")
            return
        for index, item in enumerate(items):
            pointer = f"/{section}/{index}"
            if not isinstance(item, dict) or not item:
                self.error(
                    pointer, "each entry is a mapping 'name: label' (with an optional 'from:' list)"
                )
                continue
            name_key = next((k for k in item if k not in ("from", "x-attackgraph")), None)
            if name_key is None:
                self.error(pointer, "this entry has no 'name: label' pair")
                continue
            name = str(name_key)
            if name == "reality":
                self.warn(
                    pointer, "'reality' is Deciduous' implicit root; this declaration is ignored"
                )
                continue
            if name in self.kind_of:
                self.warn(
                    pointer, f"{name[:60]!r} is declared twice; the second declaration is ignored"
                )
                continue
            label = item[name_key]
            if label is not None and not isinstance(label, (str, int, float)):
                self.warn(f"{pointer}/{name_key}", "the label is not text; the name is used")
                label = None
            self.kind_of[name] = section
            self.pointer_of[name] = pointer
            self.labels[name] = (
                str(label).strip()
                if label is not None and str(label).strip()
                else _default_label(name)
            )
            for key in item:
                if key not in (name_key, "from", "x-attackgraph"):
                    self.warn(
                        f"{pointer}/{key}",
                        f"the key {str(key)[:60]!r} is not part of Deciduous; it is ignored",
                    )
            if isinstance(item.get("x-attackgraph"), dict):
                self.extra[name] = item["x-attackgraph"]
            self.froms[name] = self.from_list(item.get("from"), f"{pointer}/from")

    def from_list(self, value: Any, pointer: str) -> list[tuple[dict[str, Any], str]]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.warn(pointer, "'from' should be a list; it is ignored")
            return []
        out = []
        for index, raw in enumerate(value):
            where = f"{pointer}/{index}"
            if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
                out.append(({"name": str(raw)}, where))
                continue
            if isinstance(raw, dict) and raw:
                name_key = next((k for k in raw if k not in _FLAGS and k != "x-attackgraph"), None)
                if name_key is not None:
                    entry: dict[str, Any] = {"name": str(name_key)}
                    label = raw[name_key]
                    if isinstance(label, (str, int, float)) and not isinstance(label, bool):
                        entry["label"] = str(label)
                    extra = raw.get("x-attackgraph")
                    if isinstance(extra, dict):
                        entry["x"] = {
                            k: v
                            for k, v in extra.items()
                            if isinstance(k, str) and k.startswith("x-") and k != "x-deciduous"
                        }
                    for flag in _FLAGS:
                        if flag in raw:
                            if isinstance(raw[flag], bool):
                                entry[flag] = raw[flag]
                            else:
                                self.warn(
                                    f"{where}/{flag}",
                                    f"'{flag}' should be true or false; it is ignored",
                                )
                    out.append((entry, where))
                    continue
            self.warn(
                where,
                "this 'from' entry is neither a name nor a 'name: label' mapping; it is ignored",
            )
        return out

    # ------------------------------------------------------------- nodes
    def nodes(self) -> None:
        referenced = any(e["name"] == "reality" for fs in self.froms.values() for e, _ in fs)
        if referenced:
            self.id_of["reality"] = self.b.new_id("reality")
            self.b.add_node(
                {"id": self.id_of["reality"], "kind": "entry", "label": "Reality"},
                "",
                explicit_kind=True,
            )
        for name, section in self.kind_of.items():
            if section == "mitigations":
                continue
            pointer = self.pointer_of[name]
            stored = self.stored_id(name)
            node_id = self.b.new_id(stored or name)
            if node_id != (stored or name):
                self.warn(
                    pointer,
                    f"the name {name[:60]!r} is not a valid attackgraph id; it becomes {node_id!r}",
                )
            self.id_of[name] = node_id
            data: dict[str, Any] = {
                "id": node_id,
                "kind": "goal" if section == "goals" else "step",
                "label": self.labels[name],
            }
            data.update(self.fields(name, _NODE_EXTRA))
            if section == "facts":
                data["x-deciduous"] = {"type": "fact"}
            self.b.add_node(data, pointer, explicit_kind=True)

    def stored_id(self, name: str) -> str | None:
        """The attackgraph id an export kept for ``name`` (Deciduous names
        are identifier-safe, so ``c2-server`` is written ``c2_server``)."""
        stored = self.extra.get(name, {}).get("id")
        return stored if isinstance(stored, str) and is_id(stored) else None

    def fields(self, name: str, fields: dict[str, Any]) -> dict[str, Any]:
        extra = self.extra.get(name, {})
        out: dict[str, Any] = {}
        for key, value in extra.items():
            if key == "id":
                if self.stored_id(name) is None:
                    self.warn(
                        f"{self.pointer_of[name]}/x-attackgraph/id",
                        "the kept attackgraph id is not a valid id; the Deciduous name is used",
                    )
                continue
            spec = fields.get(key)
            pointer = f"{self.pointer_of[name]}/x-attackgraph/{key}"
            if spec is None:
                if isinstance(key, str) and key.startswith("x-"):
                    out[key] = value
                else:
                    self.warn(
                        pointer, f"attackgraph has no field {str(key)[:60]!r} here; it is ignored"
                    )
                continue
            message, _ = check_value(spec, value)
            if message is not None:
                self.warn(pointer, f"'{key}' {message.rstrip('.')}; it is ignored")
            else:
                out[key] = list(value) if isinstance(value, list) else value
        return out

    # ------------------------------------------------------------- edges
    def edges(self) -> None:
        via: list[tuple[str, str, dict[str, Any], str]] = []
        for name, entries in self.froms.items():
            if self.kind_of[name] == "mitigations":
                continue
            target = self.id_of[name]
            for entry, pointer in entries:
                source = entry["name"]
                if source in self.id_of:
                    self.add_edge(self.id_of[source], target, entry, pointer, None)
                elif self.kind_of.get(source) == "mitigations":
                    via.append((source, target, entry, pointer))
                else:
                    self.warn(
                        pointer,
                        f"{source[:60]!r} is not declared anywhere in the "
                        "file; the edge is left out",
                    )
        blocked = {m: self.blockable(m) for m, s in self.kind_of.items() if s == "mitigations"}
        direct = self.b.predecessors()
        vias_into: dict[str, list[str]] = {}
        for mitigation, target, _, _ in via:
            vias_into.setdefault(target, []).append(mitigation)
        memo: dict[str, list[str]] = {}
        visiting: set[str] = set()

        def around(mitigation: str) -> list[str]:
            """Where an attack around ``mitigation`` starts: where the attacker
            stood before each step it blocks (or ``reality``)."""
            if not blocked[mitigation]:
                return [self.id_of["reality"]] if "reality" in self.id_of else []
            out: list[str] = []
            for node_id in blocked[mitigation]:
                out.extend(s for s in before(node_id) if s not in out)
            return out

        def before(node_id: str) -> list[str]:
            """The declared enablers of a step, or, for a step that is itself
            a way around a mitigation, the enablers it inherits."""
            if direct[node_id]:
                return direct[node_id]
            if node_id in memo:
                return memo[node_id]
            if node_id in visiting:  # mitigations around each other: stop the loop
                return []
            visiting.add(node_id)
            found: list[str] = []
            for mitigation in vias_into.get(node_id, []):
                found.extend(s for s in around(mitigation) if s not in found)
            visiting.discard(node_id)
            memo[node_id] = found
            return found

        for mitigation, target, entry, pointer in via:
            for source in around(mitigation):
                if source != target:
                    self.add_edge(source, target, entry, pointer, mitigation)

    def blockable(self, mitigation: str) -> list[str]:
        return [
            self.id_of[e["name"]]
            for e, _ in self.froms[mitigation]
            if e["name"] in self.id_of and e["name"] != "reality"
        ]

    def add_edge(
        self, source: str, target: str, entry: dict[str, Any], pointer: str, mitigation: str | None
    ) -> None:
        existing = self.b.edges.get((source, target))
        if existing is None:
            record: dict[str, Any] = {} if mitigation is None else {"direct": False}
            if not self.b.add_edge(
                source, target, pointer, None, {"x-deciduous": record} if record else None
            ):
                return
            existing = self.b.edges[(source, target)]
        edge = existing[0]
        record = edge.setdefault("x-deciduous", {})
        if mitigation is None:
            record.pop("direct", None)
            if entry.get("label"):
                edge["label"] = entry["label"]
            edge.update(entry.get("x", {}))
            for flag in _FLAGS:
                if flag in entry and entry[flag] != (flag == "implemented"):
                    record[flag] = entry[flag]
        else:
            item = {k: v for k, v in entry.items() if k not in ("name", "x")}
            item = {"name": self.mit_id_of[mitigation], **item}
            if item not in record.setdefault("via", []):
                record["via"].append(item)
        if not record:
            edge.pop("x-deciduous")

    # ------------------------------------------------------- mitigations
    def mitigation_ids(self) -> None:
        """Mitigation ids (the kept attackgraph id, else the name), fixed
        before the edges so that a way around a mitigation can name it."""
        taken: set[str] = set()
        self.mit_id_of = {
            name: unique_id(self.stored_id(name) or name, taken, "mitigation")
            for name, section in self.kind_of.items()
            if section == "mitigations"
        }

    def by_id(self, entry: dict[str, Any]) -> dict[str, Any]:
        """A ``from`` entry naming the node by its attackgraph id."""
        name = entry["name"]
        node_id = self.id_of.get(name) or self.mit_id_of.get(name)
        return {**entry, "name": node_id} if node_id else dict(entry)

    def mitigations(self, kept: dict[str, Any]) -> None:
        unplaced = []
        for name, section in self.kind_of.items():
            if section != "mitigations":
                continue
            pointer = self.pointer_of[name]
            entries = self.froms[name]
            blocks = []
            for entry, where in entries:
                target = entry["name"]
                if target == "reality":
                    continue
                if target in self.id_of:
                    if self.id_of[target] not in blocks:
                        blocks.append(self.id_of[target])
                elif self.kind_of.get(target) == "mitigations":
                    self.warn(
                        where,
                        f"mitigation {name[:60]!r} follows mitigation "
                        f"{target[:60]!r}; a mitigation can only block steps, "
                        "so this link is ignored",
                    )
                else:
                    self.warn(
                        where,
                        f"{target[:60]!r} is not declared anywhere in the file; "
                        "the mitigation does not block it",
                    )
            if not blocks:
                self.warn(
                    pointer,
                    f"mitigation {name[:60]!r} blocks no step (it only "
                    "follows 'reality'); it is kept for export but takes no "
                    "part in the analysis",
                )
                unplaced.append(
                    {
                        "name": self.mit_id_of[name],
                        "label": self.labels[name],
                        "from": [self.by_id(e) for e, _ in entries],
                    }
                )
                continue
            implemented = [e.get("implemented", True) for e, _ in entries]
            data: dict[str, Any] = {
                "id": self.mit_id_of[name],
                "label": self.labels[name],
                "blocks": blocks,
            }
            if all(implemented):
                data["status"] = "deployed"
            elif any(implemented):
                self.warn(
                    pointer,
                    f"mitigation {name[:60]!r} is implemented against some "
                    "steps but not others; it is imported as proposed",
                )
            data.update(self.fields(name, _MIT_EXTRA))
            flags = [e for e, _ in entries if set(e) - {"name", "implemented", "x"}]
            if flags or (any(implemented) and not all(implemented)):
                data["x-deciduous"] = {
                    "from": [
                        {k: v for k, v in self.by_id(e).items() if k != "x"} for e, _ in entries
                    ]
                }
            self.b.add_mitigation(data, pointer)
        if unplaced:
            kept["mitigations"] = unplaced

    def top_extras(self, extra: Any, kept: dict[str, Any]) -> None:
        if isinstance(extra, dict):
            self.b.add_model_lists(extra, "/x-attackgraph")
            if isinstance(extra.get("description"), str):
                self.b.description = extra["description"]
            layout = extra.get("layout")
            if isinstance(layout, dict):
                for node_id, pos in layout.items():
                    if (
                        isinstance(pos, list)
                        and len(pos) == 2
                        and all(
                            isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos
                        )
                    ):
                        self.b.layout[str(node_id)] = list(pos)
            self.b.extras.update(
                {k: v for k, v in extra.items() if isinstance(k, str) and k.startswith("x-")}
            )
        if kept:
            self.b.extras["x-deciduous"] = kept


def check_deciduous(raw: bytes) -> CheckedModel:
    """Read a Deciduous YAML file; never raises for bad input."""
    try:
        text = decode_bytes(raw)
        if not text.strip():
            raise FormatError(
                "the file is empty; a Deciduous file lists facts, attacks, mitigations and goals."
            )
        parsed = parse_text(text, "yaml")
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])
    return _Reader(parsed).read()


# -------------------------------------------------------------------- writing
_DOT_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}
_NOT_WORD = re.compile(r"\W", re.ASCII)
_SAFE_NAME = re.compile(r"[A-Za-z]\w*", re.ASCII)


def safe_name(text: str, taken: set[str]) -> str:
    """A Deciduous name for ``text`` that Deciduous writes into DOT bare
    (``^[A-Za-z]\\w*$``, not a DOT keyword) and that no other entry has;
    added to ``taken``.

    Deciduous quotes any other name, and then writes an invalid DOT
    subgraph name (``"c2-server"_order``) for an entry followed by several
    others, so Graphviz cannot render the file.

    Examples
    --------
    >>> taken = {"reality"}
    >>> [safe_name(t, taken) for t in ("c2-server", "c2_server", "2fa", "node", "reality")]
    ['c2_server', 'c2_server_2', 'n_2fa', 'node_', 'reality_2']
    """
    name = _NOT_WORD.sub("_", text) or "n"
    if not _SAFE_NAME.fullmatch(name):
        name = "n_" + name
    if name.lower() in _DOT_KEYWORDS:
        name += "_"
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name}_{number}"
        number += 1
    taken.add(candidate)
    return candidate


def _from_entry(name: str, label: str | None, flags: dict[str, Any]) -> Any:
    if not label and not flags:
        return name
    entry: dict[str, Any] = {name: label or None}
    entry.update(flags)
    return entry


def _names(model: AttackModel, unplaced: list[Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Deciduous names (one namespace in Deciduous) of the nodes, and of
    the mitigations and kept mitigations that block nothing, by
    attackgraph id."""
    taken = {"reality"}
    names: dict[str, str] = {}
    for node in model.nodes.values():
        if node.id == "reality" and node.kind == "entry":
            names[node.id] = "reality"
        else:
            names[node.id] = safe_name(node.id, taken)
    mitigations = {m: safe_name(m, taken) for m in model.mitigations}
    for extra in unplaced:
        if (
            isinstance(extra, dict)
            and isinstance(extra.get("name"), str)
            and extra["name"] not in mitigations
        ):
            mitigations[extra["name"]] = safe_name(extra["name"], taken)
    return names, mitigations


def _kept_from(entry: dict[str, Any], names: dict[str, str]) -> Any:
    """A stored ``from`` entry written back with Deciduous names."""
    name = entry["name"]
    name = names.get(name) or ("reality" if name == "reality" else safe_name(name, set()))
    return _from_entry(
        name, entry.get("label"), {f: entry[f] for f in _FLAGS if isinstance(entry.get(f), bool)}
    )


def generate_deciduous(model: AttackModel) -> str:
    """The model as Deciduous YAML (readable by deciduous.app).

    Names are identifier-safe (see :func:`safe_name`); the attackgraph id
    of an entry whose name had to change is kept as ``x-attackgraph: {id:
    ...}`` so that reading the file back restores it.
    """
    kept = model.extras.get("x-deciduous")
    kept = kept if isinstance(kept, dict) else {}
    unplaced = kept.get("mitigations") if isinstance(kept.get("mitigations"), list) else []
    names, mit_names = _names(model, unplaced)
    mitigation_ids = set(model.mitigations) | {
        m.get("name") for m in unplaced if isinstance(m, dict)
    }
    incoming: dict[str, list[Any]] = {n: [] for n in model.nodes}
    for edge in model.edges:
        record = edge.extras.get("x-deciduous")
        record = record if isinstance(record, dict) else {}
        items = incoming[edge.target]
        vias = [
            v
            for v in record.get("via", [])
            if isinstance(v, dict) and v.get("name") in mitigation_ids
        ]
        if record.get("direct", True) or not vias:
            flags: dict[str, Any] = {
                f: record[f] for f in _FLAGS if isinstance(record.get(f), bool)
            }
            others = {k: v for k, v in edge.extras.items() if k != "x-deciduous"}
            if others:
                flags["x-attackgraph"] = others
            entry = _from_entry(names[edge.source], edge.label, flags)
            if entry not in items:
                items.append(entry)
        for via in vias:
            flags = {f: via[f] for f in _FLAGS if isinstance(via.get(f), bool)}
            entry = _from_entry(mit_names[via["name"]], via.get("label"), flags)
            if entry not in items:
                items.append(entry)
    sections: dict[str, list[dict[str, Any]]] = {s: [] for s in SECTIONS}
    for node in model.nodes.values():
        if names[node.id] == "reality":
            continue
        record = node.extras.get("x-deciduous")
        section = (
            "goals"
            if node.kind == "goal"
            else (
                "facts" if isinstance(record, dict) and record.get("type") == "fact" else "attacks"
            )
        )
        item: dict[str, Any] = {names[node.id]: node.label}
        if incoming[node.id]:
            item["from"] = incoming[node.id]
        extra = {
            k: v
            for k, v in node.to_dict().items()
            if k not in ("id", "kind", "label", "x-deciduous")
        }
        if names[node.id] != node.id:
            extra = {"id": node.id, **extra}
        if extra:
            item["x-attackgraph"] = extra
        sections[section].append(item)
    for mit in model.mitigations.values():
        record = mit.extras.get("x-deciduous")
        stored = record.get("from") if isinstance(record, dict) else None
        if isinstance(stored, list) and [
            e.get("name") for e in stored if isinstance(e, dict) and e.get("name") in model.nodes
        ] == list(mit.blocks):
            froms = [
                _kept_from(e, names)
                for e in stored
                if isinstance(e, dict) and isinstance(e.get("name"), str)
            ]
        else:
            flags = {} if mit.effective_status == "deployed" else {"implemented": False}
            froms = [_from_entry(names[b], None, flags) for b in mit.blocks]
        item = {mit_names[mit.id]: mit.label, "from": froms}
        extra = {
            k: v
            for k, v in mit.to_dict().items()
            if k not in ("id", "label", "blocks", "x-deciduous")
            and not (k == "status" and v == "deployed")
        }
        if mit_names[mit.id] != mit.id:
            extra = {"id": mit.id, **extra}
        if extra:
            item["x-attackgraph"] = extra
        sections["mitigations"].append(item)
    for extra_mit in unplaced:
        if isinstance(extra_mit, dict) and isinstance(extra_mit.get("name"), str):
            froms = [
                _kept_from(e, names)
                for e in extra_mit.get("from", [])
                if isinstance(e, dict) and isinstance(e.get("name"), str)
            ]
            name = mit_names[extra_mit["name"]]
            item = {name: extra_mit.get("label"), "from": froms}
            if name != extra_mit["name"] and is_id(extra_mit["name"]):
                item["x-attackgraph"] = {"id": extra_mit["name"]}
            sections["mitigations"].append(item)
    doc: dict[str, Any] = {"title": model.title}
    for key in ("theme", "dark", "filter"):
        if key in kept:
            doc[key] = kept[key]
    for section in SECTIONS:
        if sections[section]:
            doc[section] = sections[section]
    top: dict[str, Any] = {}
    if model.description:
        top["description"] = model.description
    for key, items in (
        ("components", model.components.values()),
        ("profiles", model.profiles.values()),
        ("releases", model.releases.values()),
    ):
        dicts = [i.to_dict() for i in items]
        if dicts:
            top[key] = dicts
    if model.layout:
        top["layout"] = {k: [x, y] for k, (x, y) in model.layout.items()}
    top.update({k: v for k, v in model.extras.items() if k != "x-deciduous"})
    if top:
        doc["x-attackgraph"] = top
    parts = []
    for key, value in doc.items():
        parts.append(
            yaml.safe_dump(
                {key: value},
                sort_keys=False,
                allow_unicode=True,
                default_flow_style=False,
                width=100,
            )
        )
    return "\n".join(parts)
