"""One registry of model formats: file name and content decide the reader,
file name decides the writer.

Every reader and writer is registered here once and used by the CLI and the
GUI alike.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from attackgraph.errors import FormatError, ModelError, Problem
from attackgraph.fileio import atomic_write_text, read_limited
from attackgraph.formats.native import CheckedModel, check_bytes, generate_json, generate_yaml
from attackgraph.formats.native.parse import max_file_bytes
from attackgraph.model import AttackModel

__all__ = [
    "FORMATS",
    "ModelFormat",
    "check_file",
    "format_for_path",
    "read_model",
    "reader_for",
    "write_model",
]


@dataclass(frozen=True)
class ModelFormat:
    """A file format that holds whole models.

    Parameters
    ----------
    name : str
        Short name, as ``--format`` takes it.
    description : str
        What a file dialog shows.
    suffixes : tuple of str
        File name endings, longest first where they overlap.
    check : callable or None
        ``check(raw_bytes) -> CheckedModel``; None for write-only formats.
    generate : callable or None
        ``generate(model) -> str``; None for read-only formats.
    sniff : callable or None
        ``sniff(raw_bytes) -> bool``: whether content looks like this format.
    limitations : str or None
        What a file of this format cannot hold, for a converter to say.
    check_path : callable or None
        ``check_path(path, raw_bytes) -> CheckedModel``, used instead of
        ``check`` when reading a file, for formats spread over several files
        (MulVAL's ``VERTICES.CSV`` finds its ``ARCS.CSV``).
    """

    name: str
    description: str
    suffixes: tuple[str, ...]
    check: Callable[[bytes], CheckedModel] | None = None
    generate: Callable[[AttackModel], str] | None = None
    sniff: Callable[[bytes], bool] | None = None
    limitations: str | None = None
    check_path: Callable[[str | os.PathLike[str], bytes], CheckedModel] | None = None


_NATIVE_JSON = re.compile(rb'"format"\s*:\s*"attackgraph"')
_NATIVE_YAML = re.compile(rb"(?m)^format\s*:\s*[\"']?attackgraph\b")


def _native_json(raw: bytes) -> bool:
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"{" and bool(_NATIVE_JSON.search(head))


def _native_yaml(raw: bytes) -> bool:
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] not in (b"{", b"[", b"<") and bool(_NATIVE_YAML.search(head))


def _lazy(module: str, function: str) -> Callable[[Any], Any]:
    """A reader, writer or sniffer imported on first use, so that the
    registry (and ``attackgraph --help``) stays light."""

    def call(arg: Any) -> Any:
        import importlib

        return getattr(importlib.import_module(module), function)(arg)

    call.__name__ = function
    call.__qualname__ = function
    return call


def _lazy_path(module: str, function: str) -> Callable[[Any, bytes], Any]:
    """A two-argument reader (path, content) imported on first use."""

    def call(path: Any, raw: bytes) -> Any:
        import importlib

        return getattr(importlib.import_module(module), function)(path, raw)

    call.__name__ = function
    return call


FORMATS: list[ModelFormat] = [
    ModelFormat(
        "json",
        "attackgraph model (JSON)",
        (".attackgraph.json", ".json"),
        check=lambda raw: check_bytes(raw, "json"),
        generate=generate_json,
        sniff=_native_json,
    ),
    ModelFormat(
        "yaml",
        "attackgraph model (YAML)",
        (".attackgraph.yaml", ".attackgraph.yml", ".yaml", ".yml"),
        check=lambda raw: check_bytes(raw, "yaml"),
        generate=generate_yaml,
        sniff=_native_yaml,
    ),
    ModelFormat(
        "stix",
        "MITRE Attack Flow (STIX 2.1 bundle)",
        (".stix.json",),
        check=_lazy("attackgraph.formats.attack_flow.read", "check_stix"),
        generate=_lazy("attackgraph.formats.attack_flow.write", "generate_stix"),
        sniff=_lazy("attackgraph.formats.attack_flow.read", "sniff_stix"),
        limitations="Attack Flow keeps nodes, edges, gates (as operators) and mitigations "
        "(as course-of-action objects); the other attackgraph fields travel in "
        "attackgraph's STIX extension, which other Attack Flow tools ignore.",
    ),
    ModelFormat(
        "afb",
        "MITRE Attack Flow Builder file",
        (".afb",),
        check=_lazy("attackgraph.formats.attack_flow.read", "check_afb"),
        generate=_lazy("attackgraph.formats.attack_flow.afb_write", "generate_afb"),
        sniff=_lazy("attackgraph.formats.attack_flow.read", "sniff_afb"),
        limitations="a Builder file holds what the Builder draws (actions, conditions, "
        "operators, assets, courses of action, lines and positions): node ids, "
        "kinds, costs, components and edge labels are lost and an AND gate "
        "becomes an operator block; write .stix.json for a lossless copy.",
    ),
    ModelFormat(
        "deciduous",
        "Deciduous decision tree (YAML)",
        (".deciduous.yaml", ".deciduous.yml"),
        check=_lazy("attackgraph.formats.deciduous", "check_deciduous"),
        generate=_lazy("attackgraph.formats.deciduous", "generate_deciduous"),
        sniff=_lazy("attackgraph.formats.deciduous", "sniff_deciduous"),
        limitations="Deciduous has no gates, costs or components: deciduous.app shows the "
        "nodes, edges and mitigations; the rest is kept under 'x-attackgraph' "
        "keys, which it ignores.",
    ),
    ModelFormat(
        "graphml",
        "GraphML (Gephi, yEd, Cytoscape, NetworkX)",
        (".graphml",),
        check=_lazy("attackgraph.formats.graphml", "check_graphml"),
        generate=_lazy("attackgraph.formats.graphml", "generate_graphml"),
        sniff=_lazy("attackgraph.formats.graphml", "sniff_graphml"),
        limitations="GraphML has no mitigations: they are written as nodes of kind "
        "'mitigation' with 'blocks' edges.",
    ),
    ModelFormat(
        "adtool",
        "ADTool attack-defence tree (XML)",
        (".adtree.xml", ".adtree", ".xml"),
        check=_lazy("attackgraph.formats.adtool", "check_adtool"),
        generate=_lazy("attackgraph.formats.adtool", "generate_adtool"),
        sniff=_lazy("attackgraph.formats.adtool", "sniff_adtool"),
        limitations="an ADTool tree has one root and no cycles: several goals get an 'Any "
        "goal' root, a step shared by several nodes is written under each (ADTool "
        "takes one label as one action), nodes that reach no goal are left out, "
        "mitigations become countermeasures of the nodes they block; components, "
        "profiles, releases and layout are lost; ids, costs and techniques travel "
        "in a '[attackgraph]' comment line.",
    ),
    ModelFormat(
        "otm",
        "Open Threat Model (OTM 0.2)",
        (".otm.json", ".otm.yaml", ".otm.yml"),
        check=_lazy("attackgraph.formats.otm", "check_otm"),
        generate=_lazy("attackgraph.formats.otm", "generate_otm"),
        sniff=_lazy("attackgraph.formats.otm", "sniff_otm"),
        limitations="OTM has threats, not attack paths: steps and goals become threats on "
        "their components, entries, edges, gates and costs travel in OTM's "
        "'attributes' (key 'x-attackgraph'), which other OTM tools keep but "
        "do not use; the file is written as JSON.",
    ),
    ModelFormat(
        "threat-dragon",
        "OWASP Threat Dragon model (v2 JSON)",
        (".threat-dragon.json", ".td.json"),
        check=_lazy("attackgraph.formats.threat_dragon", "check_threat_dragon"),
        generate=_lazy("attackgraph.formats.threat_dragon", "generate_threat_dragon"),
        sniff=_lazy("attackgraph.formats.threat_dragon", "sniff_threat_dragon"),
        limitations="Threat Dragon has threats on diagram elements, not attack paths: "
        "components become processes (nested ones inside trust boundary "
        "boxes), steps and goals their threats, a threat's mitigations one "
        "text; entries, edges, gates and costs travel in attackgraph's own "
        "keys, which Threat Dragon does not show.",
    ),
    ModelFormat(
        "tm7",
        "Microsoft Threat Modeling Tool model (.tm7)",
        (".tm7",),
        check=_lazy("attackgraph.formats.tm7", "check_tm7"),
        sniff=_lazy("attackgraph.formats.tm7", "sniff_tm7"),
        limitations="read only: the Threat Modeling Tool's threats are imported as goals, "
        "its stencils and boundaries as components.",
    ),
    ModelFormat(
        "mulval",
        "MulVAL attack graph (AttackGraph.xml)",
        ("attackgraph.xml",),
        check=_lazy("attackgraph.formats.mulval", "check_mulval_xml"),
        sniff=_lazy("attackgraph.formats.mulval", "sniff_mulval_xml"),
        limitations="read only: MulVAL's AND, OR and LEAF vertices become steps and entries "
        "with gates.",
    ),
    ModelFormat(
        "mulval-csv",
        "MulVAL attack graph (VERTICES.CSV with ARCS.CSV)",
        ("vertices.csv", "arcs.csv"),
        check=_lazy("attackgraph.formats.mulval", "check_mulval_csv_bytes"),
        sniff=_lazy("attackgraph.formats.mulval", "sniff_mulval_csv"),
        limitations="read only: either file of the pair opens both.",
        check_path=_lazy_path("attackgraph.formats.mulval", "check_mulval_csv_file"),
    ),
    ModelFormat(
        "svg",
        "attackgraph diagram (SVG with the model inside)",
        (".svg",),
        check=_lazy("attackgraph.formats.svg", "check_svg"),
        sniff=_lazy("attackgraph.formats.svg", "looks_like_svg"),
        limitations="read only: 'attackgraph export MODEL -o FILE.svg' writes the diagram "
        "with the model inside.",
    ),
]
"""Registered formats; more specific suffixes (``.stix.json``) are matched
before plain ones because the longest matching suffix wins. The two native
formats come first: they are the fallback for content nothing recognises."""


def format_for_path(path: str | os.PathLike[str], name: str | None = None) -> ModelFormat | None:
    """The format named ``name``, else the one whose suffix ``path`` ends with.

    Examples
    --------
    >>> format_for_path("model.attackgraph.yml").name
    'yaml'
    >>> format_for_path("notes.txt") is None
    True
    """
    if name is not None:
        return next((f for f in FORMATS if f.name == name), None)
    lower = os.fspath(path).lower()
    best: tuple[int, ModelFormat] | None = None
    for fmt in FORMATS:
        for suffix in fmt.suffixes:
            if lower.endswith(suffix) and (best is None or len(suffix) > best[0]):
                best = (len(suffix), fmt)
    return best[1] if best else None


def check_file(path: str | os.PathLike[str]) -> CheckedModel:
    """Read and validate a model file in any readable format; never raises.

    The suffix chooses the reader; content sniffing decides when the suffix
    is unknown or another format recognises the content. The result's
    ``format`` names the format that read the file (None when the file could
    not be read at all), so that a caller can tell a STIX bundle named
    ``flow.json`` from a native model.
    """
    try:
        raw = read_limited(path, max_file_bytes())
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc))])
    chosen = reader_for(path, raw)
    try:
        if chosen.check_path is not None:
            checked = chosen.check_path(path, raw)
        else:
            checked = chosen.check(raw)  # type: ignore[misc]
    except RecursionError:
        checked = CheckedModel(None, [Problem("", "the file is nested too deeply to be read.")])
    return dataclasses.replace(checked, format=chosen.name)


def reader_for(path: str | os.PathLike[str], raw: bytes) -> ModelFormat:
    """The format that reads ``raw`` (the content of ``path``).

    Content decides when a format recognises it, the file name otherwise;
    content nothing recognises falls back to native JSON or YAML (or GraphML
    for XML).
    """
    readers = [f for f in FORMATS if f.check is not None]
    sniffed = [f for f in readers if f.sniff is not None and f.sniff(raw)]
    by_name = format_for_path(path)
    chosen = sniffed[0] if sniffed and (by_name is None or by_name not in sniffed) else by_name
    if chosen is None or chosen.check is None:
        stripped = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped[:1] == b"<":
            chosen = next((f for f in readers if f.name == "graphml"), readers[1])
        else:
            chosen = readers[0] if stripped[:1] in (b"{", b"[") else readers[1]
    return chosen


def read_model(path: str | os.PathLike[str]) -> AttackModel:
    """Read a model file in any readable format.

    Raises
    ------
    ModelError
        With every located problem, if the file cannot be read or is invalid.
    """
    checked = check_file(path)
    if checked.model is None:
        raise ModelError(f"the model has {len(checked.errors)} error(s).", checked.problems)
    return checked.model


def write_model(
    model: AttackModel,
    path: str | os.PathLike[str],
    *,
    format_name: str | None = None,
    backup: bool = False,
) -> None:
    """Write a model atomically in the format its file name (or ``format_name``) says.

    Raises
    ------
    FormatError
        Unknown format, or the file cannot be written.
    """
    fmt = format_for_path(path, format_name)
    if fmt is None or fmt.generate is None:
        what = f"the {fmt.description} format" if fmt is not None else repr(os.fspath(path))
        raise FormatError(
            f"no model format writes {what}; use a name ending in "
            + ", ".join(s for f in FORMATS if f.generate for s in f.suffixes)
        )
    atomic_write_text(path, fmt.generate(model), backup=backup)
