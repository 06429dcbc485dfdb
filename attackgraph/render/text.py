"""Untrusted text made safe for every output the render layer writes.

Labels, descriptions and titles come from other people's model files. Each
output language has one escaping function here, and every exporter goes
through them: Graphviz DOT strings and HTML-like labels, XML/HTML text,
Mermaid labels, Markdown table cells and CSV cells. :func:`clean` runs first
in all of them: it replaces characters that would corrupt a document or
mislead a reader (control characters such as ANSI escapes, bidirectional
overrides, lone surrogates) with U+FFFD, so that tampering stays visible.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

__all__ = [
    "REPLACEMENT",
    "clean",
    "csv_cell",
    "dot_html",
    "dot_string",
    "markdown_cell",
    "markdown_text",
    "mermaid_text",
    "number",
    "one_line",
    "wrap",
    "xml_text",
]

REPLACEMENT = "\ufffd"

# C0 controls but tab and newline, DEL and C1 controls, the bidirectional
# embeddings, overrides and isolates, lone surrogates and the two
# non-characters that XML forbids.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
_SPACE_RUN = re.compile(r"\s+")
_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def clean(text: object) -> str:
    """``text`` as a string with unsafe characters replaced by U+FFFD.

    Line breaks of every kind become ``\\n``; ANSI escapes, other control
    characters, bidirectional overrides and lone surrogates become the
    replacement character, so a label cannot reorder or recolour what is
    shown around it and cannot make an XML document ill-formed.

    Examples
    --------
    >>> clean("red \\x1b[31mtext\\r\\nnext")
    'red \\ufffd[31mtext\\nnext'
    >>> clean("file\\u202egpj.exe")
    'file\\ufffdgpj.exe'
    """
    value = str(text)
    if value.isascii() and value.isprintable():  # the common case, checked in C
        return value
    value = _LINE_BREAKS.sub("\n", value)
    return _UNSAFE.sub(REPLACEMENT, value)


def one_line(text: object) -> str:
    """:func:`clean` text with every run of white space made one space.

    Examples
    --------
    >>> one_line("  two\\n lines\\t")
    'two lines'
    """
    return _SPACE_RUN.sub(" ", clean(text)).strip()


def wrap(text: object, width: int, max_lines: int | None = None) -> list[str]:
    """Lines of at most ``width`` characters (long words are split).

    Parameters
    ----------
    text : object
        The text; white space runs count as one space.
    width : int
        Characters per line.
    max_lines : int, optional
        Keep at most this many lines, the last ending in an ellipsis.

    Examples
    --------
    >>> wrap("Exploit the capability access-control flaw", 16)
    ['Exploit the', 'capability', 'access-control', 'flaw']
    >>> wrap("a b c d e f", 3, max_lines=2)
    ['a b', 'c …']
    """
    flat = one_line(text)
    if not flat:
        return [""]
    if max_lines is not None:
        # Only the start can show: wrapping a 10 MB label whole takes minutes
        # (textwrap splits long words quadratically). Each line holds at most
        # width + 1 characters, so this prefix decides the kept lines and
        # whether more follow.
        flat = flat[: (max_lines + 2) * (width + 1)]
    lines = textwrap.wrap(flat, width, break_long_words=True, break_on_hyphens=False)
    if max_lines is not None and len(lines) > max_lines:
        kept = lines[:max_lines]
        last = kept[-1]
        kept[-1] = (last[: width - 2].rstrip() if len(last) > width - 2 else last) + " …"
        return kept
    return lines


def xml_text(text: object) -> str:
    """Text for XML or HTML content and attribute values.

    Examples
    --------
    >>> xml_text('</text><script>"x"</script>')
    '&lt;/text&gt;&lt;script&gt;&quot;x&quot;&lt;/script&gt;'
    """
    return (
        clean(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def dot_string(text: object) -> str:
    """A quoted DOT string whose escString value is exactly ``text``.

    Backslashes are doubled so that Graphviz's escape sequences (``\\N``,
    ``\\G``, ``\\l`` ...) stay literal; quotes are escaped; a newline becomes
    Graphviz's ``\\n``.

    Examples
    --------
    >>> print(dot_string('"]; x -> y [ \\\\N'))
    "\\"]; x -> y [ \\\\N"
    """
    value = clean(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{value}"'


def dot_html(text: object) -> str:
    """Text for the inside of a Graphviz HTML-like label (one line).

    Examples
    --------
    >>> dot_html("<<b>html</b>> & more")
    '&lt;&lt;b&gt;html&lt;/b&gt;&gt; &amp; more'
    """
    return (
        clean(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", " ")
    )


_MERMAID_SAFE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,_-'()/:?!+=*@$^~"
)


def mermaid_text(text: object) -> str:
    """Text for a quoted Mermaid label: ASCII punctuation becomes an entity code.

    Mermaid turns ``#NN;`` into the character NN; quotes, brackets, braces,
    ``<``, ``>``, ``&``, ``#``, ``%``, ``;``, ``|`` and backticks are written
    that way, so a label cannot end its string, become HTML or Markdown, or
    start a ``click`` or ``%%`` directive.

    Examples
    --------
    >>> mermaid_text('a"] --> b[<b>x</b>')
    'a#34;#93; #45;#45;#62; b#91;#60;b#62;x#60;/b#62;'
    """
    out = []
    for char in one_line(text):
        if char in _MERMAID_SAFE or (ord(char) > 127 and char.isprintable()):
            out.append(char)
        else:
            out.append(f"#{ord(char)};")
    return "".join(out).replace("--", "#45;#45;")


_MD_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&\"$^=:;@%?'/,])")


def markdown_text(text: object) -> str:
    """Inline Markdown whose rendering is exactly ``text`` (one line).

    Every ASCII punctuation character is backslash-escaped (CommonMark
    allows that for all of them), so no emphasis, link, raw HTML, entity or
    table pipe can come from a label.

    Examples
    --------
    >>> markdown_text("[x](javascript:alert(1)) | <b>")
    '\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\) \\\\| \\\\<b\\\\>'
    """
    return _MD_PUNCTUATION.sub(r"\\\1", one_line(text))


def markdown_cell(values: Iterable[object] | object) -> str:
    """A Markdown table cell: :func:`markdown_text` of one value or of values
    joined with commas (``-`` when empty)."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        values = [values]
    joined = ", ".join(markdown_text(v) for v in values)
    return joined or "\\-"


def csv_cell(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula.

    Cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    get a leading apostrophe (the OWASP advice), unless they are plain numbers.

    Examples
    --------
    >>> csv_cell('=HYPERLINK("http://x","y")'), csv_cell("-2.5"), csv_cell("E1 > S1")
    ('\\'=HYPERLINK("http://x","y")', '-2.5', 'E1 > S1')
    """
    text = clean(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def number(value: float | None, missing: str = "-") -> str:
    """A cost, probability or count as every output shows it: no useless
    ``.0``, four significant digits, ``missing`` for None.

    Examples
    --------
    >>> number(4.0), number(0.125), number(2 / 3), number(None)
    ('4', '0.125', '0.6667', '-')
    """
    if value is None:
        return missing
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"
