"""Limits every XML reader applies before it builds anything.

Every XML reader (the SVG with an embedded model, GraphML, ADTool, the
Threat Modeling Tool, MulVAL) parses with expat through :func:`parse_xml` or
these checks; this module adds what expat does not bound or translate: a depth
limit (a deeply nested document would otherwise exhaust the recursion of a
tree walker), and a located error for an encoding the XML declaration names
but Python does not know (expat raises ``LookupError`` for it).
"""

from __future__ import annotations

import re
from typing import Any
from xml.parsers import expat

from attackgraph.errors import FormatError

__all__ = ["MAX_XML_DEPTH", "check_encoding", "check_xml_limits", "declared_encoding", "parse_xml"]

MAX_XML_DEPTH = 256
"""Deepest element nesting read; attackgraph's own files nest fewer than 10."""

_DECLARATION = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")


def declared_encoding(raw: bytes) -> str | None:
    """The encoding named in the XML declaration, if any.

    Examples
    --------
    >>> declared_encoding(b'<?xml version="1.0" encoding="x-foo"?><a/>')
    'x-foo'
    >>> declared_encoding(b"<a/>") is None
    True
    """
    match = _DECLARATION.match(raw[:512])
    return match.group(1).decode("ascii", "replace") if match else None


def check_xml_limits(raw: bytes, what: str, max_depth: int = MAX_XML_DEPTH) -> None:
    """Refuse an unknown encoding or nesting deeper than ``max_depth``.

    Parameters
    ----------
    raw : bytes
        The document.
    what : str
        The format's name for messages (``"GraphML"``, ``"SVG"``).
    max_depth : int
        Deepest element nesting allowed.

    Raises
    ------
    FormatError
        With the line and column where the limit was passed. Well-formedness
        errors are left to the format's own parser, which locates them too.
    """
    check_encoding(raw, what)
    _check_depth(raw, what, max_depth)


def check_encoding(raw: bytes, what: str) -> None:
    """Refuse an encoding the XML declaration names but Python does not know.

    Raises
    ------
    FormatError
        At line 1, column 1.
    """
    encoding = declared_encoding(raw)
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise FormatError(
                f"the XML declaration names the encoding {encoding[:40]!r}, "
                f"which is unknown; save the {what} file as UTF-8.",
                1,
                1,
            ) from None


def _check_depth(raw: bytes, what: str, max_depth: int) -> None:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = [0]

    class _TooDeep(Exception):
        pass

    def start(_name: str, _attrs: object) -> None:
        depth[0] += 1
        if depth[0] > max_depth:
            raise _TooDeep

    def end(_name: str) -> None:
        depth[0] -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(raw, True)
    except _TooDeep:
        raise FormatError(
            f"the {what} file nests elements more than {max_depth} deep; "
            "attackgraph refuses such documents.",
            parser.CurrentLineNumber,
            parser.CurrentColumnNumber + 1,
        ) from None
    except (expat.ExpatError, LookupError, ValueError):
        return  # the format's parser reports it, located


def parse_xml(raw: bytes, what: str, *, max_depth: int | None = MAX_XML_DEPTH) -> Any:
    """Parse XML from other people into an ElementTree element, safely.

    The limits of :func:`check_xml_limits` first (nesting only when
    ``max_depth`` is given), then ``defusedxml`` with document types,
    entities and external references refused.

    Parameters
    ----------
    raw : bytes
        The document.
    what : str
        The format's name for messages (``"GraphML"``, ``"ADTool"``).
    max_depth : int or None
        Deepest element nesting allowed; None leaves depth to the reader.

    Raises
    ------
    FormatError
        Located where the parser knows the place.
    """
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as safe_tree
    from defusedxml import DefusedXmlException

    check_encoding(raw, what)
    if max_depth is not None:
        _check_depth(raw, what, max_depth)
    try:
        return safe_tree.fromstring(
            raw, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise FormatError(
            f"the {what} file declares a document type or entities "
            f"({type(exc).__name__}); attackgraph refuses them because they "
            f"enable entity-expansion bombs and external-entity attacks, and "
            f"{what} files never need them."
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        reason = str(exc).split(":", 1)[0]
        raise FormatError(
            f"not well-formed XML: {reason}.", line, None if column is None else column + 1
        ) from None
    except (LookupError, ValueError) as exc:  # an encoding expat cannot use
        raise FormatError(f"the {what} file cannot be decoded: {str(exc)[:200]}.", 1, 1) from None
