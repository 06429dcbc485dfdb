"""Reading and writing native model files (JSON and YAML).

``generate_*`` and ``parse_*`` work on text; ``read_*`` and ``write_*`` on
files. A file this module wrote re-saves byte-identical.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import yaml

from attackgraph.errors import FormatError, ModelError, Problem
from attackgraph.fileio import atomic_write_text, read_limited
from attackgraph.formats.native.document import document_to_model, model_to_document
from attackgraph.formats.native.parse import (
    ParsedText,
    Syntax,
    decode_bytes,
    max_file_bytes,
    parse_text,
)
from attackgraph.model import AttackModel, validate_document

__all__ = [
    "CheckedModel",
    "check_bytes",
    "check_file",
    "check_text",
    "generate_json",
    "generate_yaml",
    "parse_model",
    "read_model",
    "syntax_for_path",
    "write_model",
]

YAML_SUFFIXES = (".yaml", ".yml")


def syntax_for_path(path: str | os.PathLike[str]) -> Syntax | None:
    """``yaml`` for ``.yaml``/``.yml`` names, ``json`` for ``.json``, else None."""
    name = os.fspath(path).lower()
    if name.endswith(YAML_SUFFIXES):
        return "yaml"
    if name.endswith(".json"):
        return "json"
    return None


_ITEM_LISTS = ("components", "nodes", "edges", "mitigations", "profiles", "releases")


def _one_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def generate_json(model: AttackModel) -> str:
    """The model as JSON text: spec key order, one object or position per line.

    Components, nodes, edges, mitigations, profiles, releases and layout
    positions each take one line, in the model's order, so that a plain
    ``git diff`` of two versions shows one line for each object that
    changed; other values are indented by two spaces. Ends with a newline.

    Examples
    --------
    >>> from attackgraph.model import AttackModel, Node
    >>> model = AttackModel("t")
    >>> model.add_node(Node("E1", "entry", "start"))
    >>> print(generate_json(model), end="")
    {
      "format": "attackgraph",
      "version": 1,
      "title": "t",
      "nodes": [
        {"id": "E1", "kind": "entry", "label": "start"}
      ]
    }
    """
    doc = model_to_document(model)
    parts = []
    for key, value in doc.items():
        name = _one_line(key)
        if key in _ITEM_LISTS and isinstance(value, list) and value:
            body = ",\n".join(f"    {_one_line(item)}" for item in value)
            parts.append(f"  {name}: [\n{body}\n  ]")
        elif key == "layout" and isinstance(value, dict) and value:
            body = ",\n".join(
                f"    {_one_line(node)}: {_one_line(xy)}" for node, xy in value.items()
            )
            parts.append(f"  {name}: {{\n{body}\n  }}")
        else:
            text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
            parts.append(f"  {name}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


class _FlowList(list):  # type: ignore[type-arg]
    """A list written on one line, like a layout position ``[x, y]``."""


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists, literal blocks for multi-line text."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # PyYAML writes NEL (U+0085) unescaped in plain, quoted and block styles,
    # and reads it back as a line break; only double quotes escape it.
    style = '"' if "\x85" in value else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_flow(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(_FlowList, _represent_flow)


def generate_yaml(model: AttackModel) -> str:
    """The model as YAML text in the same structure and key order as JSON."""
    doc = model_to_document(model)
    if "layout" in doc:
        doc["layout"] = {k: _FlowList(v) for k, v in doc["layout"].items()}
    return yaml.dump(
        doc,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        indent=2,
        width=100,
    )


@dataclass(frozen=True)
class CheckedModel:
    """The outcome of reading a model: the model if valid, and every problem.

    Parameters
    ----------
    model : AttackModel or None
        None when there is an error.
    problems : list of Problem
        Errors and warnings, located (YAML ones with line and column).
    format : str or None
        The name of the registered format that read the file
        (:func:`attackgraph.formats.check_file` sets it).
    """

    model: AttackModel | None
    problems: list[Problem]
    format: str | None = None

    @property
    def errors(self) -> list[Problem]:
        """The problems that are errors."""
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are warnings."""
        return [p for p in self.problems if not p.is_error]


def _located(parsed: ParsedText, problems: list[Problem]) -> list[Problem]:
    if not parsed.positions:
        return problems
    out = []
    for problem in problems:
        where = parsed.locate(problem.pointer)
        if where is None:
            out.append(problem)
        else:
            out.append(Problem(problem.pointer, problem.message, problem.severity, *where))
    return out


def check_text(text: str, syntax: Syntax | None = None) -> CheckedModel:
    """Parse and validate model text; never raises for bad input.

    Parameters
    ----------
    text : str
        JSON or YAML.
    syntax : {"json", "yaml"} or None
        None guesses from the content.

    Returns
    -------
    CheckedModel
    """
    try:
        parsed = parse_text(text, syntax)
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])
    problems = _located(parsed, validate_document(parsed.data))
    if any(p.is_error for p in problems):
        return CheckedModel(None, problems)
    return CheckedModel(document_to_model(parsed.data, check=False), problems)


def check_bytes(raw: bytes, syntax: Syntax | None = None) -> CheckedModel:
    """As :func:`check_text`, for undecoded file content."""
    try:
        text = decode_bytes(raw)
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc), "error", exc.line, exc.column)])
    return check_text(text, syntax)


def check_file(path: str | os.PathLike[str]) -> CheckedModel:
    """Read, parse and validate a native model file; never raises for bad input."""
    try:
        raw = read_limited(path, max_file_bytes())
    except FormatError as exc:
        return CheckedModel(None, [Problem("", str(exc))])
    return check_bytes(raw, syntax_for_path(path))


def parse_model(text: str, syntax: Syntax | None = None) -> AttackModel:
    """Parse model text into a model.

    Raises
    ------
    ModelError
        With every located problem, if the text is not a valid model.
    """
    checked = check_text(text, syntax)
    if checked.model is None:
        raise ModelError(f"the model has {len(checked.errors)} error(s).", checked.problems)
    return checked.model


def read_model(path: str | os.PathLike[str]) -> AttackModel:
    """Read a native model file.

    Raises
    ------
    ModelError
        With every located problem, if the file is unreadable or invalid.
    """
    checked = check_file(path)
    if checked.model is None:
        raise ModelError(f"the model has {len(checked.errors)} error(s).", checked.problems)
    return checked.model


def write_model(
    model: AttackModel,
    path: str | os.PathLike[str],
    *,
    syntax: Syntax | None = None,
    backup: bool = False,
) -> None:
    """Write a native model file atomically (YAML for ``.yaml``/``.yml`` names)."""
    syntax = syntax or syntax_for_path(path) or "json"
    text = generate_yaml(model) if syntax == "yaml" else generate_json(model)
    atomic_write_text(path, text, backup=backup)
