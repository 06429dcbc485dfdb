"""One registry of model formats: file name and content decide the reader,
file name decides the writer.

Every reader and writer is registered here once and used by the CLI and the
GUI alike.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

from attackgraph.errors import FormatError, ModelError, Problem
from attackgraph.fileio import atomic_write_text, read_limited
from attackgraph.formats.native import CheckedModel, check_bytes, generate_json, generate_yaml
from attackgraph.formats.native.parse import max_file_bytes
from attackgraph.formats.svg import check_svg, looks_like_svg
from attackgraph.model import AttackModel

__all__ = [
    "FORMATS",
    "ModelFormat",
    "check_file",
    "format_for_path",
    "read_model",
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
    """

    name: str
    description: str
    suffixes: tuple[str, ...]
    check: Callable[[bytes], CheckedModel] | None = None
    generate: Callable[[AttackModel], str] | None = None
    sniff: Callable[[bytes], bool] | None = None


def _native_json(raw: bytes) -> bool:
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] == b"{" and b'"attackgraph"' in head


def _native_yaml(raw: bytes) -> bool:
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] not in (b"{", b"[") and b"attackgraph" in head


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
        "svg",
        "attackgraph diagram (SVG with the model inside)",
        (".svg",),
        check=check_svg,
        sniff=looks_like_svg,
    ),
]
"""Registered formats; more specific suffixes (``.stix.json``) are matched
before plain ones because the longest matching suffix wins."""


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
    is unknown or another format recognises the content.
    """
    try:
        raw = read_limited(path, max_file_bytes())
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc))])
    readers = [f for f in FORMATS if f.check is not None]
    sniffed = [f for f in readers if f.sniff is not None and f.sniff(raw)]
    by_name = format_for_path(path)
    chosen = sniffed[0] if sniffed and (by_name is None or by_name not in sniffed) else by_name
    if chosen is None or chosen.check is None:
        stripped = raw.lstrip()
        chosen = readers[0] if stripped[:1] in (b"{", b"[") else readers[1]
    return chosen.check(raw)  # type: ignore[misc]


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


def write_model(model: AttackModel, path: str | os.PathLike[str], *,
                format_name: str | None = None, backup: bool = False) -> None:
    """Write a model atomically in the format its file name (or ``format_name``) says.

    Raises
    ------
    FormatError
        Unknown format, or the file cannot be written.
    """
    fmt = format_for_path(path, format_name)
    if fmt is None or fmt.generate is None:
        raise FormatError(f"no model format writes {os.fspath(path)!r}; use a name ending in "
                          + ", ".join(s for f in FORMATS if f.generate for s in f.suffixes))
    atomic_write_text(path, fmt.generate(model), backup=backup)
