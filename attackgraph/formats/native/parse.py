"""Safe parsing of model text (JSON or YAML) into plain Python data.

Model files come from other people, so parsing is defensive: size limits,
no YAML tags beyond the safe schema, no alias bombs or recursive aliases, no
NaN/Infinity surprises, no crash on deep nesting, and every failure is a
:class:`~attackgraph.errors.FormatError` with a line and column where the
parser knows them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from attackgraph.errors import FormatError
from attackgraph.model.validate import pointer_escape

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_DEPTH",
    "MAX_YAML_VALUES",
    "ParsedText",
    "decode_bytes",
    "max_file_bytes",
    "parse_json",
    "parse_text",
    "parse_yaml",
]

Syntax = Literal["json", "yaml"]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
"""Largest model file read by default (64 MiB); set ``ATTACKGRAPH_MAX_FILE_MB``
to change it."""

MAX_DEPTH = 100
"""Deepest nesting of lists and objects accepted (a model needs about 5)."""

MAX_YAML_VALUES = 5_000_000
"""Most values a YAML document may expand to through aliases."""


def max_file_bytes() -> int:
    """The size limit in force: ``ATTACKGRAPH_MAX_FILE_MB`` or 64 MiB.

    Examples
    --------
    >>> max_file_bytes() > 0
    True
    """
    raw = os.environ.get("ATTACKGRAPH_MAX_FILE_MB", "").strip()
    if raw:
        try:
            megabytes = float(raw)
        except ValueError:
            return DEFAULT_MAX_BYTES
        if megabytes > 0:
            return int(megabytes * 1024 * 1024)
    return DEFAULT_MAX_BYTES


@dataclass
class ParsedText:
    """Parsed data and, for YAML, where each JSON pointer starts in the text.

    Parameters
    ----------
    data : object
        Plain dicts, lists, strings, numbers, booleans and None.
    syntax : {"json", "yaml"}
        Which parser read it.
    positions : dict
        ``{pointer: (line, column)}``, 1-based; empty for JSON.
    """

    data: Any
    syntax: Syntax
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """Line and column of ``pointer`` or of its nearest located ancestor."""
        while True:
            if pointer in self.positions:
                return self.positions[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


def decode_bytes(raw: bytes) -> str:
    """Decode UTF-8 text (a BOM is allowed), or explain where it is not.

    Examples
    --------
    >>> decode_bytes(b"a: 1\\n")
    'a: 1\\n'
    >>> decode_bytes(b"title: \\xff")
    Traceback (most recent call last):
    ...
    attackgraph.errors.FormatError: the file is not UTF-8 text (byte 0xff at offset 7).
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise FormatError(
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}).",
            line,
            column,
        ) from None


def _reject_constant(name: str) -> float:
    # Keep the value so that the validator can say where it is.
    return float(name)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"the key {key[:60]!r} appears twice in one object")
            seen.add(key)
    return result


def _value_problem(exc: Exception) -> str:
    """A parser's ValueError as a sentence a user can act on."""
    text = str(exc)
    if "integer string conversion" in text:  # Python's guard against huge integers
        return "a number has thousands of digits, more than any model needs"
    return text.rstrip(".")


def parse_json(text: str) -> ParsedText:
    """Parse JSON text; duplicate keys and unparseable numbers are errors.

    ``NaN``, ``Infinity`` and numbers too large for a float parse, so that the
    validator can point at them.

    Examples
    --------
    >>> parse_json('{"a": [1, 2]}').data
    {'a': [1, 2]}
    >>> parse_json('{"a": 1,}')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    attackgraph.errors.FormatError: not valid JSON: Expecting property name enclosed in ...
    """
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON: {exc.msg}.", exc.lineno, exc.colno) from None
    except RecursionError:
        raise FormatError("the JSON is nested too deeply to be a model file.") from None
    except ValueError as exc:
        raise FormatError(f"not valid JSON: {_value_problem(exc)}.") from None
    return ParsedText(data, "json")


class _SafeLoader(yaml.SafeLoader):
    """The safe loader without implicit dates (a ``date`` stays a string) and
    without silently dropped duplicate keys (a typo must not pass)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key_node.value[:60]!r} appears twice in one mapping",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


_SafeLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _children(node: yaml.Node) -> Iterator[tuple[str, yaml.Node]]:
    """(pointer token, child node) pairs of a composed YAML node."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            token = key.value if isinstance(key, yaml.ScalarNode) else "?"
            yield pointer_escape(token), key
            yield pointer_escape(token), value
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield str(index), item


def _count_distinct(root: yaml.Node) -> int:
    """How many different nodes the composed document has (aliases shared)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(child for _, child in _children(node))
    return len(seen)


def _check_expansion(root: yaml.Node) -> None:
    """Refuse recursive aliases and documents that aliases blow up.

    Aliases may make a document at most ten times larger than its text
    spells out (plus some slack), so that a tiny file cannot cost seconds
    and gigabytes; never more than :data:`MAX_YAML_VALUES` values.
    """
    limit = min(MAX_YAML_VALUES, 10 * _count_distinct(root) + 100_000)
    size: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_stack.discard(key)
            total = 1 + sum(size[id(child)] for _, child in _children(node))
            if total > limit:
                mark = node.start_mark
                raise FormatError(
                    f"YAML aliases expand this document to more than {limit:,} "
                    "values; a model file does not need that (an alias bomb?).",
                    mark.line + 1,
                    mark.column + 1,
                )
            size[key] = total
            continue
        if key in size:
            continue
        if key in on_stack:
            mark = node.start_mark
            raise FormatError(
                "a YAML alias refers to itself; model files cannot be recursive.",
                mark.line + 1,
                mark.column + 1,
            )
        on_stack.add(key)
        stack.append((node, True))
        for _, child in _children(node):
            if id(child) not in size:
                stack.append((child, False))


def _positions(root: yaml.Node) -> dict[str, tuple[int, int]]:
    positions: dict[str, tuple[int, int]] = {}
    stack: list[tuple[str, yaml.Node]] = [("", root)]
    while stack:
        pointer, node = stack.pop()
        mark = node.start_mark
        positions.setdefault(pointer, (mark.line + 1, mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                token = key.value if isinstance(key, yaml.ScalarNode) else "?"
                child = f"{pointer}/{pointer_escape(token)}"
                key_mark = key.start_mark
                positions.setdefault(child, (key_mark.line + 1, key_mark.column + 1))
                stack.append((child, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((f"{pointer}/{i}", item) for i, item in enumerate(node.value))
    return positions


def parse_yaml(text: str) -> ParsedText:
    """Parse YAML with the safe schema (no tags that run code, no dates).

    Examples
    --------
    >>> parsed = parse_yaml("title: demo\\nnodes:\\n  - id: E1\\n")
    >>> parsed.data, parsed.positions["/nodes/0/id"]
    ({'title': 'demo', 'nodes': [{'id': 'E1'}]}, (3, 5))
    >>> parse_yaml("a: !!python/object/apply:os.system ['true']")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    attackgraph.errors.FormatError: not valid YAML: could not determine a constructor for ...
    """
    loader = None
    try:
        loader = _SafeLoader(text)  # the reader refuses control characters here
        root = loader.get_single_node()
        if root is None:
            raise FormatError(
                "the file is empty; a model file holds an object with "
                "'format', 'version', 'title' and 'nodes'."
            )
        _check_expansion(root)
        data = loader.construct_document(root)
        positions = _positions(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "unreadable").rstrip(".")
        raise FormatError(
            f"not valid YAML: {problem}.",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    except yaml.reader.ReaderError as exc:  # a control character such as NUL
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise FormatError(
            f"not valid YAML: the control character #x{exc.character:04x} is not "
            "allowed in YAML text.",
            line,
            column,
        ) from None
    except yaml.YAMLError as exc:
        raise FormatError(f"not valid YAML: {exc}.") from None
    except RecursionError:
        raise FormatError("the YAML is nested too deeply to be a model file.") from None
    except (TypeError, ValueError) as exc:  # e.g. unhashable keys, huge integers
        raise FormatError(f"not valid YAML: {_value_problem(exc)}.") from None
    finally:
        if loader is not None:
            loader.dispose()
    return ParsedText(data, "yaml", positions)


_JSON_START = re.compile(r"\s*[\[{]")


def parse_text(text: str, syntax: Syntax | None = None) -> ParsedText:
    """Parse model text as JSON or YAML and check that all its strings are
    valid Unicode.

    Parameters
    ----------
    text : str
        The file's text.
    syntax : {"json", "yaml"} or None
        The parser to use; None guesses from the first character (JSON
        starts with ``{`` or ``[``).

    Returns
    -------
    ParsedText
    """
    if not text.strip():
        raise FormatError(
            "the file is empty; a model file holds an object with "
            "'format', 'version', 'title' and 'nodes'."
        )
    if syntax is None:
        syntax = "json" if _JSON_START.match(text) else "yaml"
    parsed = parse_json(text) if syntax == "json" else parse_yaml(text)
    _check_strings(parsed)
    return parsed


def _strings_and_depth_ok(data: Any) -> bool:
    """Fast pass of :func:`_check_strings` without locations: ASCII text
    (almost all of a model) cannot hold a surrogate."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth >= MAX_DEPTH and value:  # its items lie deeper than the limit
            return False
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and not key.isascii() and _is_broken(key):
                return False
            if isinstance(item, str):
                if not item.isascii() and _is_broken(item):
                    return False
            elif isinstance(item, (dict, list)):
                stack.append((item, depth + 1))
    return True


def _check_strings(parsed: ParsedText) -> None:
    """Refuse lone surrogates, which could never be written back as UTF-8,
    and nesting deeper than :data:`MAX_DEPTH`, which the writers could not
    write back (they recurse)."""
    data = parsed.data
    if isinstance(data, str):
        if not _is_broken(data):
            return
    elif not isinstance(data, (dict, list)) or _strings_and_depth_ok(data):
        return
    stack: list[tuple[str, Any, int]] = [("", parsed.data, 0)]
    while stack:
        pointer, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            where = parsed.locate(pointer)
            shown = pointer if len(pointer) <= 60 else pointer[:60] + "..."
            raise FormatError(
                f"{shown}: the data is nested more than {MAX_DEPTH} levels deep; "
                "a model file does not need that.",
                *(where or (None, None)),
            )
        if isinstance(value, str):
            bad = value
        elif isinstance(value, dict):
            bad = ""
            for key, item in value.items():
                if isinstance(key, str) and _is_broken(key):
                    bad = key
                    break
                stack.append((f"{pointer}/{pointer_escape(key)}", item, depth + 1))
        elif isinstance(value, list):
            bad = ""
            stack.extend((f"{pointer}/{i}", item, depth + 1) for i, item in enumerate(value))
        else:
            continue
        if bad and _is_broken(bad):
            where = parsed.locate(pointer)
            raise FormatError(
                f"{pointer or '/'}: the text holds an invalid Unicode character "
                "(a lone surrogate escape such as \\ud800).",
                *(where or (None, None)),
            )


def _is_broken(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
