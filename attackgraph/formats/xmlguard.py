"""Limits every XML reader applies before it builds anything.

Both XML readers (the SVG with an embedded model and GraphML) parse with
expat; this module adds what expat does not bound or translate: a depth
limit (a deeply nested document would otherwise exhaust the recursion of a
tree walker), and a located error for an encoding the XML declaration names
but Python does not know (expat raises ``LookupError`` for it).
"""

from __future__ import annotations

import re
from xml.parsers import expat

from attackgraph.errors import FormatError

__all__ = ["MAX_XML_DEPTH", "check_xml_limits", "declared_encoding"]

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
    encoding = declared_encoding(raw)
    if encoding is not None:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise FormatError(f"the XML declaration names the encoding {encoding[:40]!r}, "
                              f"which is unknown; save the {what} file as UTF-8.", 1, 1) \
                from None
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
        raise FormatError(f"the {what} file nests elements more than {max_depth} deep; "
                          "attackgraph refuses such documents.", parser.CurrentLineNumber,
                          parser.CurrentColumnNumber + 1) from None
    except (expat.ExpatError, LookupError, ValueError):
        return  # the format's parser reports it, located
