"""Structure-aware fuzzing of every model reader (issue 12).

Each reader's valid files (the samples written in that format, and the
hand-written fixtures) are parsed into their structure (JSON and YAML trees,
XML element trees, the model embedded in an SVG) and mutated by Hypothesis:
values replaced by values of other types, hostile strings (control
characters, bidirectional overrides, long strings), deep nesting, deleted,
duplicated, moved and renamed items, then a few byte-level edits. Every
input goes through the same code path as the command line
(:func:`attackgraph.cli.main`, in-process) and must keep these invariants:

- nothing but the project's own error type escapes, and no traceback is
  printed;
- every problem printed is located (``FILE: /pointer: ...`` or
  ``FILE:LINE:COL: ...``) and of bounded length;
- no run takes longer than :data:`MAX_SECONDS`, and memory stays bounded;
- every input that validates also analyses, exports to every format, and
  every model file written reads back.

Used by ``tests/formats/test_fuzz.py`` (a short run) and
``benchmarks/fuzz.py`` (long runs).
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import resource
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from hypothesis import strategies as st

__all__ = ["MAX_SECONDS", "READERS", "Finding", "Fuzzer", "is_known", "mutated_inputs", "seeds"]

MAX_SECONDS = 5.0
"""The most CPU time one input may take (read, analyse, export, read back);
CPU rather than wall-clock time, so that a busy machine causes no finding."""
MAX_RSS_MB = 1024
"""Peak resident memory of the fuzzing process allowed."""
READERS = (
    "json",
    "yaml",
    "stix",
    "afb",
    "deciduous",
    "graphml",
    "svg",
    "adtool",
    "otm",
    "threat-dragon",
    "tm7",
    "mulval",
)
SUFFIX = {
    "json": ".attackgraph.json",
    "yaml": ".attackgraph.yaml",
    "stix": ".stix.json",
    "afb": ".afb",
    "deciduous": ".deciduous.yaml",
    "graphml": ".graphml",
    "svg": ".svg",
    "adtool": ".adtree.xml",
    "otm": ".otm.json",
    "threat-dragon": ".threat-dragon.json",
    "tm7": ".tm7",
    "mulval": ".AttackGraph.xml",
}
READ_ONLY = ("tm7", "mulval")
MODEL_OUTPUTS = (
    ".attackgraph.json",
    ".attackgraph.yaml",
    ".stix.json",
    ".afb",
    ".deciduous.yaml",
    ".graphml",
    ".otm.json",
    ".threat-dragon.json",
)
TEXT_OUTPUTS = (".dot", ".mmd", ".csv")
GRAPHVIZ_OUTPUTS = (".svg", ".png", ".pdf", ".html", ".md")
ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------ seeds
def _svg_with(model_json: str) -> bytes:
    from xml.sax.saxutils import escape

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><metadata>'
        '<ag:model xmlns:ag="urn:attackgraph:model" version="1" encoding="json">'
        f"{escape(model_json)}</ag:model></metadata><g/></svg>\n"
    ).encode()


def seeds() -> dict[str, list[bytes]]:
    """Valid files of every reader: the samples and fixtures, written in it."""
    from attackgraph.formats import read_model
    from attackgraph.formats.native import generate_json
    from attackgraph.formats.native.codec import document_to_model
    from attackgraph.formats.registry import format_for_path
    from tests.formats import flows
    from tests.support import base_doc, rich_doc

    models = [document_to_model(base_doc()), document_to_model(rich_doc())]
    samples = sorted((ROOT / "samples").glob("*.attackgraph.json"), key=lambda p: p.stat().st_size)
    models += [read_model(p) for p in samples[:3]]
    out: dict[str, list[bytes]] = {name: [] for name in READERS}
    for model in models:
        for name in READERS:
            if name in READ_ONLY:
                continue
            if name == "adtool" and model.title.startswith("Mirai"):
                continue  # a cycle: ADTool writes trees only
            if name == "svg":
                out[name].append(_svg_with(generate_json(model)))
                continue
            fmt = format_for_path("x" + SUFFIX[name])
            assert fmt is not None and fmt.generate is not None
            out[name].append(fmt.generate(model).encode("utf-8"))
    out["stix"] += [
        flows.encode(f())
        for f in (flows.operator_flow, flows.condition_flow, flows.builder_style_condition)
    ]
    out["afb"].append(flows.encode(flows.afb_document()))
    data = ROOT / "tests" / "formats" / "data"
    out["tm7"].append((data / "small.tm7").read_bytes())
    out["otm"].append(_json_of_yaml((data / "small.otm.yaml").read_bytes()))
    out["threat-dragon"].append((data / "small.threat-dragon.json").read_bytes())
    out["mulval"].append(_MULVAL.encode("utf-8"))
    return {name: files for name, files in out.items() if files}


def _json_of_yaml(raw: bytes) -> bytes:
    import yaml

    return json.dumps(yaml.safe_load(raw)).encode("utf-8")


_MULVAL = (
    "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            "<attack_graph>",
            "<arcs>",
            *(
                f"<arc><src>{a}</src><dst>{b}</dst></arc>"
                for a, b in ((1, 2), (2, 3), (2, 4), (3, 5), (5, 6))
            ),
            "</arcs>",
            "<vertices>",
            *(
                f"<vertex><id>{i}</id><fact>{fact}</fact><metric>{metric}</metric><type>{kind}</type>"
                "</vertex>"
                for i, fact, metric, kind in (
                    (1, "execCode(webServer,apache)", 0, "OR"),
                    (2, "RULE 2 (remote exploit of a server program)", 0.8, "AND"),
                    (3, "netAccess(webServer,tcp,80)", 0, "OR"),
                    (
                        4,
                        "vulExists(webServer,'CAN-2002-0392',httpd,remoteExploit,privEscalation)",
                        1,
                        "LEAF",
                    ),
                    (5, "RULE 6 (direct network access)", 1, "AND"),
                    (6, "attackerLocated(internet)", 1, "LEAF"),
                )
            ),
            "</vertices>",
            "</attack_graph>",
        ]
    )
    + "\n"
)


# -------------------------------------------------------------- mutation
_HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "\x1b]52;c;aGk=\x07",
    "\x1b[2J",
    "\u202egpj.exe",
    "\ud800",
    "\ufffe",
    "A" * 70_000,
    "é" * 3000,
    "\r\n\r",
    "<b>&amp;</b>",
    "\"'\\",
    "${x}",
    "1e999",
    "-0",
    "NaN",
    "true",
    "null",
    "T1190",
    "E1",
    "G1",
    "and",
    "or",
    "entry",
    "goal",
    "step",
    "mitigation",
    "attack-action--x",
    "[]",
    "{}",
]

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(_HOSTILE_TEXT),
    st.text(max_size=20),
)


def _deep(depth: int) -> Any:
    value: Any = "x"
    for index in range(depth):
        value = [value] if index % 2 else {"k": value}
    return value


_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
) | st.sampled_from([_deep(60), _deep(300), list(range(2000))])


def _paths(tree: Any, limit: int = 4000) -> list[tuple[Any, ...]]:
    """Paths to every value of a JSON-like tree (breadth first, capped)."""
    out: list[tuple[Any, ...]] = [()]
    queue: list[tuple[tuple[Any, ...], Any]] = [((), tree)]
    while queue and len(out) < limit:
        path, value = queue.pop(0)
        items = (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else ()
        )
        for key, child in items:
            out.append((*path, key))
            queue.append(((*path, key), child))
    return out


def _get(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _mutate_tree(data: st.DataObject, tree: Any) -> Any:
    tree = copy.deepcopy(tree)
    for _ in range(data.draw(st.integers(1, 4), label="tree edits")):
        paths = _paths(tree)
        path = data.draw(st.sampled_from(paths), label="path")
        op = data.draw(
            st.sampled_from(
                ["replace", "replace", "delete", "duplicate", "move", "rename", "retype"]
            ),
            label="op",
        )
        if not path:
            if op in ("replace", "retype"):
                tree = copy.deepcopy(data.draw(_values, label="root"))
            continue
        parent = _get(tree, path[:-1])
        key = path[-1]
        if op in ("replace", "retype"):
            current = parent[key]
            value = copy.deepcopy(data.draw(_values, label="value"))
            if op == "retype" and isinstance(current, str):
                value = data.draw(st.sampled_from([[current], {"id": current}, 7, None, True]))
            parent[key] = value
        elif op == "delete":
            del parent[key]
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        elif op == "move":
            other = data.draw(st.sampled_from(paths), label="source")
            with contextlib.suppress(KeyError, IndexError, TypeError):
                parent[key] = copy.deepcopy(_get(tree, other))
        elif op == "rename" and isinstance(parent, dict):
            parent[
                data.draw(
                    st.sampled_from(
                        ["id", "kind", "type", "x-a", "", "label", "nodes", "edges", "\x00"]
                    )
                )
            ] = parent.pop(key)
    return tree


def _mutate_xml(data: st.DataObject, root: ElementTree.Element) -> ElementTree.Element:
    root = copy.deepcopy(root)
    for _ in range(data.draw(st.integers(1, 4), label="xml edits")):
        elements = list(root.iter())[:4000]
        element = data.draw(st.sampled_from(elements), label="element")
        op = data.draw(
            st.sampled_from(["attr", "attr", "text", "delete", "duplicate", "rename", "child"]),
            label="xml op",
        )
        text = data.draw(st.sampled_from(_HOSTILE_TEXT) | st.text(max_size=12), label="text")
        text = "".join(
            c
            for c in text
            if c in "\t\n\r"
            or (c >= " " and c not in "\ufffe\uffff" and not "\ud800" <= c <= "\udfff")
        )
        if op == "attr":
            names = [
                *element.attrib,
                "id",
                "source",
                "target",
                "key",
                "for",
                "attr.type",
                "attr.name",
                "edgedefault",
                "version",
                "encoding",
            ]
            element.set(data.draw(st.sampled_from(names), label="attr name"), text)
        elif op == "text":
            element.text = text
        elif op in ("delete", "duplicate") and element is not root:
            parent = next(p for p in root.iter() if element in list(p))
            if op == "delete":
                parent.remove(element)
            else:
                parent.insert(list(parent).index(element), copy.deepcopy(element))
        elif op == "rename":
            element.tag = data.draw(
                st.sampled_from(
                    [
                        "{http://graphml.graphdrawing.org/xmlns}node",
                        "{http://graphml.graphdrawing.org/xmlns}edge",
                        "{http://graphml.graphdrawing.org/xmlns}data",
                        "{http://graphml.graphdrawing.org/xmlns}graph",
                        "{http://graphml.graphdrawing.org/xmlns}port",
                        "{urn:attackgraph:model}model",
                        "{http://www.w3.org/2000/svg}svg",
                        "x",
                    ]
                )
            )
        elif op == "child":
            child = ElementTree.SubElement(element, element.tag)
            child.text = text
    return root


def _mutate_bytes(data: st.DataObject, raw: bytes) -> bytes:
    if data.draw(st.integers(0, 3), label="byte edit?") != 0 or not raw:
        return raw
    op = data.draw(st.sampled_from(["truncate", "flip", "insert", "prefix"]), label="bytes")
    at = data.draw(st.integers(0, len(raw) - 1), label="offset")
    if op == "truncate":
        return raw[:at]
    if op == "flip":
        return raw[:at] + bytes([raw[at] ^ data.draw(st.integers(1, 255))]) + raw[at + 1 :]
    junk = data.draw(
        st.sampled_from(
            [
                b"\x00",
                b"\xff\xfe",
                b"\xef\xbb\xbf",
                b"\x80",
                b"<",
                b"{",
                b"]]>",
                b"&lol;",
                b"\n  - ",
                b": ",
                b"*a",
                b"[" * 100_000,
                b"<a>" * 100_000,
                b"- " * 50_000,
            ]
        )
    )
    return junk + raw if op == "prefix" else raw[:at] + junk + raw[at:]


def _dump_json(data: st.DataObject, tree: Any) -> bytes:
    return json.dumps(
        tree, ensure_ascii=data.draw(st.booleans(), label="ascii"), allow_nan=True
    ).encode("utf-8", "surrogatepass")


def _dump_yaml(tree: Any) -> bytes:
    import yaml

    try:
        return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False).encode(
            "utf-8", "surrogatepass"
        )
    except yaml.YAMLError:
        return json.dumps(tree, allow_nan=True).encode("utf-8", "surrogatepass")


def mutated_inputs(reader: str, seed_files: list[bytes]) -> st.SearchStrategy[bytes]:
    """Inputs for ``reader``: one of its seeds, mutated in its structure."""

    @st.composite
    def build(draw: Callable[..., Any]) -> bytes:
        data = draw(st.data())
        raw = data.draw(st.sampled_from(seed_files), label="seed")
        if reader in ("json", "stix", "afb", "otm", "threat-dragon"):
            raw = _dump_json(data, _mutate_tree(data, json.loads(raw)))
        elif reader in ("yaml", "deciduous"):
            import yaml

            raw = _dump_yaml(_mutate_tree(data, yaml.safe_load(raw)))
        elif reader in ("graphml", "adtool", "tm7", "mulval"):
            root = _mutate_xml(data, ElementTree.fromstring(raw))
            raw = ElementTree.tostring(root, encoding="utf-8")
        else:  # svg: the XML, or the model inside it
            if data.draw(st.booleans(), label="inner"):
                root = ElementTree.fromstring(raw)
                holder = next(e for e in root.iter() if e.tag.endswith("}model"))
                tree = _mutate_tree(data, json.loads(holder.text or "{}"))
                raw = _svg_with(
                    json.dumps(tree, allow_nan=True, ensure_ascii=False)
                    .encode("utf-8", "surrogatepass")
                    .decode("utf-8", "replace")
                )
            else:
                raw = ElementTree.tostring(
                    _mutate_xml(data, ElementTree.fromstring(raw)), encoding="utf-8"
                )
        return _mutate_bytes(data, raw)

    return build()


# --------------------------------------------------------------- running
@dataclass
class Finding:
    """An input that broke an invariant."""

    reader: str
    invariant: str
    detail: str
    data: bytes = field(repr=False)


@dataclass
class Fuzzer:
    """Runs inputs through the command line and checks the invariants.

    Parameters
    ----------
    folder : Path
        Scratch folder for the input and output files.
    graphviz_every : int
        Export the Graphviz formats (SVG, PNG, PDF, HTML, Markdown) for one
        valid input in this many (0: never); the other formats always.
    """

    folder: Path
    graphviz_every: int = 0
    runs: int = 0
    valid: int = 0
    findings: list[Finding] = field(default_factory=list)
    slowest: float = 0.0
    """Most CPU seconds one input took (this process and its Graphviz children)."""
    slowest_wall: float = 0.0

    def _cli(self, *argv: str) -> tuple[int, str, str]:
        from attackgraph.cli import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
        return code, out.getvalue(), err.getvalue()

    def run(self, reader: str, raw: bytes) -> Finding | None:
        """Check one input; returns (and records) a finding, or None."""
        from attackgraph.analysis.limits import restore_limits, set_limits
        from attackgraph.errors import AttackGraphError

        self.runs += 1
        path = self.folder / f"input{SUFFIX[reader]}"
        path.write_bytes(raw)
        started, cpu = time.monotonic(), _cpu_seconds()
        previous = set_limits(64, 1.5)  # well inside MAX_SECONDS and the memory bound
        finding: Finding | None = None
        try:
            finding = self._check(reader, path, raw)
        except AttackGraphError:
            pass
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt):
                raise
            finding = Finding(
                reader, "exception", "".join(traceback.format_exception(exc)[-6:]), raw
            )
        finally:
            restore_limits(previous)
        seconds = _cpu_seconds() - cpu  # the work done, not the wait on a busy machine
        self.slowest = max(self.slowest, seconds)
        self.slowest_wall = max(self.slowest_wall, time.monotonic() - started)
        if finding is None and seconds > MAX_SECONDS:
            finding = Finding(reader, "time", f"{seconds:.1f} s of CPU", raw)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if finding is None and peak > MAX_RSS_MB:
            finding = Finding(reader, "memory", f"peak RSS {peak:.0f} MB", raw)
        if finding is not None:
            self.findings.append(finding)
        return finding

    def _check(self, reader: str, path: Path, raw: bytes) -> Finding | None:
        code, out, err = self._cli("validate", str(path))
        text = out + err
        if "Traceback" in text:
            return Finding(reader, "traceback", text[-2000:], raw)
        if code not in (0, 1):
            return Finding(reader, "exit code", f"validate exit {code}: {text[:500]}", raw)
        name = str(path)
        for line in text.splitlines():
            if len(line) > 4000:
                return Finding(reader, "long message", line[:300], raw)
            if not line.startswith(name + ":"):
                return Finding(reader, "unlocated message", line[:500], raw)
        if code != 0:
            return None
        self.valid += 1
        return self._valid(reader, path, raw)

    def _valid(self, reader: str, path: Path, raw: bytes) -> Finding | None:
        from attackgraph.formats import check_file

        code, out, err = self._cli("analyze", str(path), "--format", "json")
        if code != 0:
            return Finding(reader, "analyse", f"exit {code}: {err[:500]}", raw)
        json.loads(out)
        outputs = [*MODEL_OUTPUTS, *TEXT_OUTPUTS]
        if self.graphviz_every and self.valid % self.graphviz_every == 1:
            outputs += GRAPHVIZ_OUTPUTS
        for suffix in outputs:
            target = self.folder / f"out{suffix}"
            code, _out, err = self._cli("export", str(path), "-o", str(target), "--timeout", "20")
            if code != 0:
                return Finding(reader, "export", f"{suffix}: exit {code}: {err[:500]}", raw)
            if suffix in MODEL_OUTPUTS or suffix == ".svg":
                back = check_file(target)
                if back.model is None:
                    problems = "; ".join(p.message for p in back.errors[:3])
                    return Finding(reader, "read back", f"{suffix}: {problems[:500]}", raw)
        return None


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (Graphviz)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


KNOWN_MARKERS = (
    "attack_flow/afb_write.py",
    "attack_flow/read.py",
    "attack_flow/mapping.py",
    "attack_flow/write.py",
)
"""Findings inside the Attack Flow code, which issue 13 reworks: known, kept
apart from new findings until that work lands."""


def is_known(finding: Finding) -> bool:
    """Whether a finding is a known one (a traceback in the Attack Flow code)."""
    return finding.invariant == "exception" and any(m in finding.detail for m in KNOWN_MARKERS)


def fuzz_folder() -> tempfile.TemporaryDirectory[str]:
    """A scratch folder (removed on cleanup)."""
    return tempfile.TemporaryDirectory(prefix="attackgraph-fuzz-")


def save_findings(findings: list[Finding], folder: Path) -> None:
    """Write each finding's input and a summary into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for index, finding in enumerate(findings):
        name = f"{index:04d}-{finding.reader}{SUFFIX[finding.reader]}"
        (folder / name).write_bytes(finding.data)
        lines.append(f"{name}: {finding.invariant}: {finding.detail.strip()[-600:]}")
    (folder / "findings.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
