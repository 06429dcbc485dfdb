"""A :class:`~attackgraph.compare.ModelDiff` as readable text (terminal,
80 columns, no escape sequence from a model ever reaches it) and as a
self-contained HTML page."""

from __future__ import annotations

import math
import textwrap
from typing import Any

from attackgraph.compare import KINDS, AnalysisDiff, ModelDiff, ObjectChange
from attackgraph.render.html import Markup, join, page, tag
from attackgraph.render.text import one_line

__all__ = ["diff_html", "diff_text", "format_value"]

_SIGN = {"added": "+", "removed": "-", "changed": "~"}
_BADGE = {"added": "effect", "removed": "open", "changed": "partial"}
_TITLES = {
    "model": "Model",
    "components": "Components",
    "nodes": "Nodes",
    "edges": "Edges",
    "mitigations": "Mitigations",
    "profiles": "Profiles",
    "releases": "Releases",
}


def format_value(value: Any, limit: int = 60) -> str:
    """A field value on one line: strings quoted and shortened, no control
    characters.

    Examples
    --------
    >>> format_value("x" * 70)[-4:], format_value(None), format_value(["a", "b"])
    ('xx…"', '-', '[a, b]')
    >>> format_value("red \\x1b[31m")
    '"red \\ufffd[31m"'
    """
    if value is None:
        return "-"
    if isinstance(value, str):
        text = one_line(value)
        return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(one_line(v) for v in value) + "]"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return one_line(value)


def _cost(value: float | None) -> str:
    return "infeasible" if value is None else format_value(float(value))


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(
        text, 80, initial_indent=indent, subsequent_indent=indent + "    ", break_on_hyphens=False
    ) or [indent]


def _change_lines(change: ObjectChange) -> list[str]:
    label = f"  {format_value(change.label, 40)}" if change.label else ""
    if change.kind == "model":
        field = change.fields[0]
        return _wrap(
            f"~ {field.field}: {format_value(field.old)} -> {format_value(field.new)}", "    "
        )
    lines = _wrap(f"{_SIGN[change.change]} {change.key}{label}", "    ")
    for field in change.fields:
        lines += _wrap(
            f"{field.field}: {format_value(field.old)} -> {format_value(field.new)}", "        "
        )
    return lines


def _analysis_lines(result: AnalysisDiff) -> list[str]:
    lines = ["Analysis (deployed defences, every goal)"]
    lines += _wrap("goals newly reachable: " + (", ".join(result.newly_reachable) or "-"), "  ")
    lines += _wrap("goals newly safe: " + (", ".join(result.newly_safe) or "-"), "  ")
    more = "" if result.complete else " (among the listed chains)"
    lines.append(f"  open chains: {result.old_open} -> {result.new_open}{more}")
    for title, chains in (("opened", result.opened), ("closed", result.closed)):
        lines.append(f"  chains {title}: {len(chains)}")
        for chain in chains:
            ident = chain.new_id if title == "opened" else chain.old_id
            lines += _wrap(
                f"{ident or '?'} -> {chain.goal}: {' > '.join(chain.nodes)} ({chain.reason})",
                "    ",
            )
    change = result.cost_change
    delta = (
        ""
        if change is None or change == 0
        else f" ({'+' if change > 0 else ''}{format_value(change)})"
    )
    lines.append(f"  optimal set cost: {_cost(result.old_cost)} -> {_cost(result.new_cost)}{delta}")
    return lines


def diff_text(diff: ModelDiff, old_name: str, new_name: str) -> str:
    """The diff for a terminal.

    Parameters
    ----------
    diff : ModelDiff
    old_name, new_name : str
        How to name the two files.

    Returns
    -------
    str
    """
    head = f"{one_line(old_name)} -> {one_line(new_name)}: "
    if diff.same:
        lines = _wrap(head + "the models are the same (canvas layout is not compared)", "")
    else:
        lines = _wrap(head + f"{len(diff.changes)} change(s) (canvas layout is not compared)", "")
        for kind in KINDS:
            items = diff.of_kind(kind)
            if items:
                lines.append(f"  {_TITLES[kind]}")
                for change in items:
                    lines += _change_lines(change)
    if diff.analysis is not None and (diff.analysis.changed or not diff.same):
        lines += ["", *_analysis_lines(diff.analysis)]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _chain_table(chains: tuple[Any, ...], which: str) -> Markup:
    if not chains:
        return tag("p", "None.", class_="muted")
    rows = [
        tag(
            "tr",
            tag("td", tag("b", (c.new_id if which == "opened" else c.old_id) or "?")),
            tag("td", tag("span", c.goal, class_="id")),
            tag("td", join((tag("span", n, class_="id") for n in c.nodes), " › ")),
            tag("td", c.reason),
        )
        for c in chains
    ]
    return tag(
        "table",
        tag(
            "thead",
            tag("tr", tag("th", "Chain"), tag("th", "Goal"), tag("th", "Steps"), tag("th", "Why")),
        ),
        tag("tbody", *rows),
    )


def diff_html(diff: ModelDiff, old_name: str, new_name: str) -> str:
    """The diff as a self-contained HTML page (no script, no network)."""
    body = [
        tag("h1", "Model changes"),
        tag(
            "p",
            tag("bdi", one_line(old_name)),
            " → ",
            tag("bdi", one_line(new_name)),
            f" · {len(diff.changes)} change(s); canvas layout is not compared",
            class_="meta",
        ),
    ]
    if diff.same:
        body.append(tag("p", "The models are the same."))
    for kind in KINDS:
        items = diff.of_kind(kind)
        if not items:
            continue
        rows = []
        for change in items:
            fields = join(
                tag(
                    "div",
                    tag("code", f.field),
                    ": ",
                    tag("span", format_value(f.old, 200), class_="change-removed"),
                    " → ",
                    tag("span", format_value(f.new, 200), class_="change-added"),
                )
                for f in change.fields
            )
            badge = tag("span", change.change, class_=f"tag {_BADGE[change.change]}")
            rows.append(
                tag(
                    "tr",
                    tag("td", badge),
                    tag("td", tag("span", change.key, class_="id")),
                    tag("td", tag("bdi", one_line(change.label))),
                    tag("td", fields),
                )
            )
        body += [
            tag("h2", _TITLES[kind]),
            tag(
                "table",
                tag(
                    "thead",
                    tag(
                        "tr",
                        tag("th", "Change"),
                        tag("th", "Id"),
                        tag("th", "Label"),
                        tag("th", "Fields"),
                    ),
                ),
                tag("tbody", *rows),
            ),
        ]
    result = diff.analysis
    if result is not None:
        change = result.cost_change
        delta = (
            ""
            if change is None or change == 0
            else f" ({'+' if change > 0 else ''}{format_value(change)})"
        )
        body += [
            tag("h2", "Analysis (deployed defences, every goal)"),
            tag(
                "div",
                tag(
                    "div",
                    tag("div", ", ".join(result.newly_reachable) or "–", class_="figure"),
                    tag("div", "goals newly reachable", class_="what"),
                    class_="card bad" if result.newly_reachable else "card",
                ),
                tag(
                    "div",
                    tag("div", ", ".join(result.newly_safe) or "–", class_="figure"),
                    tag("div", "goals newly safe", class_="what"),
                    class_="card good" if result.newly_safe else "card",
                ),
                tag(
                    "div",
                    tag("div", f"{result.old_open} → {result.new_open}", class_="figure"),
                    tag(
                        "div",
                        "open chains" + ("" if result.complete else " (among the listed chains)"),
                        class_="what",
                    ),
                    class_="card",
                ),
                tag(
                    "div",
                    tag(
                        "div",
                        f"{_cost(result.old_cost)} → {_cost(result.new_cost)}{delta}",
                        class_="figure",
                    ),
                    tag("div", "optimal set cost", class_="what"),
                    class_="card",
                ),
                class_="cards",
            ),
            tag("h3", f"Chains opened ({len(result.opened)})"),
            _chain_table(result.opened, "opened"),
            tag("h3", f"Chains closed ({len(result.closed)})"),
            _chain_table(result.closed, "closed"),
        ]
    return page(f"Model changes: {one_line(new_name)}", Markup("".join(body)))
