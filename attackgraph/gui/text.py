"""Showing text that comes from model files, which other people write.

Qt guesses whether a string is rich text in tooltips, labels and message
boxes; a label such as ``<img src=...>`` must be shown, never interpreted.
"""

from __future__ import annotations

__all__ = ["escape_html", "plain"]


def escape_html(text: str) -> str:
    """Text to put inside rich text (a tooltip we format ourselves).

    Examples
    --------
    >>> escape_html("<b>&")
    '&lt;b&gt;&amp;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str) -> str:
    """Text for a widget that guesses rich text: angle brackets become
    look-alikes, so nothing is taken for a tag.

    Examples
    --------
    >>> plain("<img src=x>")
    '‹img src=x›'
    """
    return text.replace("<", "‹").replace(">", "›")
