"""Small, escaping HTML building blocks for the reports.

:class:`Markup` marks text that is already HTML; everything else passed to
:func:`tag` or :func:`esc` is escaped, so model text can only ever become
text. Pages are well-formed XHTML-compatible HTML5 (they parse as XML too),
self-contained, and carry a Content Security Policy that forbids scripts and
every network load.
"""

from __future__ import annotations

from collections.abc import Iterable

from attackgraph._version import __version__
from attackgraph.render.text import xml_text

__all__ = ["CSP", "Markup", "esc", "join", "page", "tag"]

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
"""No scripts, no fetches: the report reads the same offline and online."""


class Markup(str):
    """A string that is already HTML (built here from escaped parts)."""

    __slots__ = ()


def esc(value: object) -> Markup:
    """``value`` as HTML text (Markup passes through unchanged).

    Examples
    --------
    >>> esc("<b>") + esc(Markup("<i>x</i>"))
    '&lt;b&gt;<i>x</i>'
    """
    if isinstance(value, Markup):
        return value
    return Markup(xml_text(value))


def join(parts: Iterable[object], separator: str = "") -> Markup:
    """Escaped parts joined by a (trusted) separator."""
    return Markup(separator.join(esc(p) for p in parts))


_VOID = frozenset({"br", "hr", "meta", "img", "col", "input"})


def tag(element: str, /, *children: object, **attrs: object) -> Markup:
    """One element: ``tag("td", "x", class_="num")`` is ``<td class="num">x</td>``.

    Attribute names come from code (a trailing ``_`` is dropped, ``_`` inside
    becomes ``-``); values are escaped; None and False leave an attribute out.

    Examples
    --------
    >>> tag("a", "<x>", title='"q"', data_id=3)
    '<a title="&quot;q&quot;" data-id="3">&lt;x&gt;</a>'
    """
    rendered = []
    for key, value in attrs.items():
        if value is None or value is False:
            continue
        attr = key.rstrip("_").replace("_", "-")
        rendered.append(f' {attr}="{xml_text(attr if value is True else value)}"')
    opening = f"<{element}{''.join(rendered)}"
    if element in _VOID:
        return Markup(opening + " />")
    return Markup(opening + ">" + "".join(esc(c) for c in children) + f"</{element}>")


STYLE = """
:root { --ink: #1f2328; --muted: #5f6670; --line: #d8dde3; --open: #c62828;
        --ok: #2e7d32; --broken: #8a8f98; --band: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif;
       color: var(--ink); margin: 0; background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; line-height: 1.2; overflow-wrap: anywhere; }
.description, .card .what { overflow-wrap: anywhere; }
td { overflow-wrap: break-word; }
td bdi { overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 34px 0 10px; padding-bottom: 4px;
     border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 8px; }
p.meta, .muted { color: var(--muted); }
p.meta { margin: 0 0 16px; }
.description { border-left: 4px solid var(--line); padding: 2px 16px; margin: 12px 0;
               max-height: none; }
.description h1, .description h2, .description h3 { font-size: 15px; border: 0;
               margin: 12px 0 6px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0; }
.card { flex: 1 1 180px; border: 1px solid var(--line); border-radius: 8px;
        padding: 12px 14px; background: var(--band); }
.card .figure { font-size: 28px; font-weight: bold; line-height: 1.1; }
.card .what { color: var(--muted); font-size: 12.5px; }
.card.bad .figure { color: var(--open); }
.card.good .figure { color: var(--ok); }
figure { margin: 12px 0; }
figcaption { color: var(--muted); font-size: 12.5px; margin-top: 4px; }
.diagram { overflow: auto; border: 1px solid var(--line); border-radius: 8px;
           background: #fff; }
.diagram svg { display: block; width: 100%; height: auto; }
input.zoom { margin: 0 4px 0 0; vertical-align: middle; }
label.zoom { font-size: 12.5px; color: var(--muted); }
input.zoom:checked ~ figure .diagram { max-height: 85vh; }
input.zoom:checked ~ figure .diagram svg { width: auto; height: auto; max-width: none; }
nav { font-size: 13px; margin: 6px 0 10px; }
nav a { color: #1f4e8c; text-decoration: none; }
.plot svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 4px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left;
         vertical-align: top; }
th { background: var(--band); font-weight: 600; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .id { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.id { color: var(--muted); }
.tag { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px;
       font-weight: 600; white-space: nowrap; }
.tag.open, .tag.reachable { background: #fdecea; color: var(--open); }
.tag.broken { background: #eef0f2; color: var(--broken); }
.tag.safe, .tag.effect { background: #e8f5e9; color: var(--ok); }
.tag.partial { background: #fff6d9; color: #8a6d00; }
ol.steps { margin: 0; padding-left: 18px; }
.matrix-wrap { overflow: auto; max-height: 80vh; border: 1px solid var(--line);
               border-radius: 8px; }
table.matrix { width: auto; font-size: 12px; }
table.matrix th.m { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
                    padding: 6px 3px; font-weight: 500; }
table.matrix td.x { text-align: center; color: var(--ink); font-weight: bold; }
table.matrix td.x.effect { background: #e8f5e9; color: var(--ok); }
table.matrix th.m.effect { background: #e8f5e9; }
table.matrix tr.open th { color: var(--open); }
.bdi { unicode-bidi: isolate; }
bdi { unicode-bidi: isolate; }
.change-added { color: var(--ok); }
.change-removed { color: var(--open); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print {
  main { max-width: none; padding: 0; }
  body { font-size: 10.5pt; }
  h2 { break-after: avoid; }
  table, figure, .card { break-inside: auto; }
  tr, .card { break-inside: avoid; }
  th { position: static; }
  .diagram, .matrix-wrap { overflow: visible; max-height: none; border: 0; }
  .diagram svg { width: 100% !important; height: auto !important; }
  input.zoom, label.zoom, nav { display: none; }
  a { color: inherit; text-decoration: none; }
}
@page { size: A4 landscape; margin: 14mm; }
"""


def page(title: str, body: Markup, *, extra_style: str = "") -> str:
    """A whole HTML document: doctype, CSP, print CSS, ``body`` in ``<main>``.

    Parameters
    ----------
    title : str
        The document title (escaped).
    body : Markup
        The content.
    extra_style : str
        More CSS (from code, never from a model).

    Returns
    -------
    str
    """
    head = Markup(
        '<meta charset="utf-8" />'
        + tag("meta", http_equiv="Content-Security-Policy", content=CSP)
        + tag("meta", name="viewport", content="width=device-width, initial-scale=1")
        + tag("meta", name="generator", content=f"attackgraph {__version__}")
        + tag("title", title)
        + Markup("<style>" + STYLE + extra_style + "</style>")
    )
    return (
        "<!DOCTYPE html>\n"
        + tag("html", tag("head", head), tag("body", tag("main", body)), lang="en")
        + "\n"
    )
