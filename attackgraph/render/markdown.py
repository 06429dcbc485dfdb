"""Model descriptions (Markdown from other people) made safe for reports.

:func:`markdown_html` renders them with markdown-it-py with raw HTML off,
images off (a report makes no network loads) and markdown-it's own link
validation (no ``javascript:``, ``vbscript:``, ``file:`` or ``data:`` links).
:func:`markdown_source` keeps them as Markdown for the Markdown report but
defuses raw HTML, images and dangerous link schemes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from attackgraph.render.html import Markup
from attackgraph.render.text import clean

__all__ = ["markdown_html", "markdown_source"]


@lru_cache(maxsize=1)
def _renderer() -> Any:
    from markdown_it import MarkdownIt  # lazily: only reports need it

    md = MarkdownIt(
        "commonmark", {"html": False, "xhtmlOut": True, "linkify": False, "typographer": False}
    )
    md.enable(["table", "strikethrough"])
    md.disable("image")
    return md


def markdown_html(text: str | None) -> Markup:
    """Markdown as safe, well-formed HTML (empty for None).

    Examples
    --------
    >>> print(markdown_html("**bold** <script>alert(1)</script> [x](javascript:alert(1))"))
    <p><strong>bold</strong> &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p>
    <BLANKLINE>
    """
    if not text:
        return Markup("")
    return Markup(_renderer().render(clean(text)))


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_LINK_SCHEME = re.compile(
    r"(\]\(\s*<?\s*|^\s{0,3}\[[^\]]*\]:\s*<?)"
    r"(javascript|vbscript|data|file)\s*:",
    re.IGNORECASE | re.MULTILINE,
)


def _defuse(segment: str) -> str:
    segment = segment.replace("&", "&amp;").replace("<", "&lt;")
    segment = segment.replace("![", "\\![")
    return _LINK_SCHEME.sub(lambda m: f"{m.group(1)}#blocked-{m.group(2).lower()}:", segment)


def markdown_source(text: str | None) -> str:
    """Markdown kept as Markdown, with raw HTML, entities, images and
    dangerous link schemes defused (code spans and fenced blocks unchanged).

    Examples
    --------
    >>> markdown_source('Hi <img src=x onerror=alert(1)> `a<b` ![t](http://x/t.png)')
    'Hi &lt;img src=x onerror=alert(1)> `a<b` \\\\![t](http://x/t.png)'
    >>> markdown_source("[x](javascript:alert(1))")
    '[x](#blocked-javascript:alert(1))'
    """
    if not text:
        return ""
    out = []
    fence: str | None = None
    for line in clean(text).split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            out.append(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        if match:
            fence = match.group(1)
            out.append(line)
            continue
        pieces, last = [], 0
        for span in _CODE_SPAN.finditer(line):
            pieces.append(_defuse(line[last : span.start()]))
            pieces.append(span.group(0))
            last = span.end()
        pieces.append(_defuse(line[last:]))
        out.append("".join(pieces))
    return "\n".join(out)
