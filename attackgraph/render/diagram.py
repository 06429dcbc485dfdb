"""Diagrams as files: DOT through Graphviz to SVG, PNG or PDF, and SVGs that
carry their model.

An SVG written here holds the native model (compact JSON, ASCII only) in a
``<metadata>`` element, so that a diagram passed around in a pull request or
a document opens again as a model (:mod:`attackgraph.formats.svg` reads it).
"""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor

from attackgraph.formats.native import model_to_document
from attackgraph.formats.svg import MODEL_NAMESPACE
from attackgraph.model import AttackModel
from attackgraph.render.backend import DEFAULT_TIMEOUT, run_graphviz
from attackgraph.render.dot import DiagramOptions, generate_dot
from attackgraph.render.overlay import Overlay
from attackgraph.render.text import one_line, xml_text

__all__ = [
    "DIAGRAM_FORMATS",
    "MODEL_ELEMENT",
    "embed_model",
    "inline_svg",
    "model_payload",
    "render_diagram",
]

DIAGRAM_FORMATS = ("svg", "png", "pdf", "dot")
"""What :func:`render_diagram` writes."""
MODEL_ELEMENT = "model"
"""Local name of that element (inside the SVG's ``<metadata>``)."""

_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*>\s*")
_SVG_START = re.compile(rb"<svg\b[^>]*>")


def model_payload(model: AttackModel) -> str:
    """The model as the embedded element's content: compact, ASCII-only JSON
    with ``&``, ``<`` and ``>`` escaped (quotes need no escaping in content)."""
    payload = json.dumps(model_to_document(model), ensure_ascii=True, separators=(",", ":"))
    return payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def embed_model(svg: bytes, model: AttackModel | None, *, payload: str | None = None) -> bytes:
    """A Graphviz SVG tidied, titled and (with ``model``) carrying the model.

    The DOCTYPE (a reference to an external DTD) is dropped, the model title
    becomes the SVG's ``<title>`` and the model goes into
    ``<metadata><ag:model xmlns:ag="urn:attackgraph:model">JSON</ag:model></metadata>``.

    Parameters
    ----------
    svg : bytes
        Graphviz's SVG output.
    model : AttackModel or None
        The model to embed (None: only tidy).
    payload : str, optional
        :func:`model_payload` of ``model``, when already computed.

    Returns
    -------
    bytes
    """
    svg = _DOCTYPE.sub(b"", svg, count=1)
    match = _SVG_START.search(svg)
    if match is None or model is None:
        return svg
    if payload is None:
        payload = model_payload(model)
    inserted = (
        f"\n<title>{xml_text(one_line(model.title))}</title>\n"
        f'<metadata id="attackgraph-model"><ag:{MODEL_ELEMENT} '
        f'xmlns:ag="{MODEL_NAMESPACE}" format="attackgraph" version="1" '
        f'encoding="json">{payload}</ag:{MODEL_ELEMENT}></metadata>'
    )
    return svg[: match.end()] + inserted.encode("utf-8") + svg[match.end() :]


def inline_svg(svg: bytes) -> str:
    """SVG text for inclusion in an HTML page: no XML declaration, DOCTYPE
    or comments (Graphviz's comments repeat node names)."""
    text = svg.decode("utf-8", "replace")
    start = text.find("<svg")
    text = text[start:] if start >= 0 else text
    return re.sub(r"<!--.*?-->\s*", "", text, flags=re.DOTALL)


def render_diagram(
    model: AttackModel,
    output_format: str,
    *,
    overlay: Overlay | None = None,
    options: DiagramOptions | None = None,
    embed: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    cancel: threading.Event | None = None,
) -> bytes:
    """The diagram of ``model`` as ``svg``, ``png``, ``pdf`` or ``dot`` bytes.

    Parameters
    ----------
    model : AttackModel
        The model.
    output_format : {"svg", "png", "pdf", "dot"}
        What to produce; ``dot`` runs nothing.
    overlay : Overlay, optional
        Analysis state to draw (see :func:`~attackgraph.render.overlay.build_overlay`).
    options : DiagramOptions, optional
        Title, legend, mitigations shown or hidden, label wrapping.
    embed : bool
        SVG only: carry the model in the file (default).
    timeout : float
        Seconds before Graphviz is stopped.
    cancel : threading.Event, optional
        Set it to stop a running render.

    Returns
    -------
    bytes

    Raises
    ------
    RenderError
        Graphviz is missing, failed, timed out or was cancelled.
    ValueError
        An unknown ``output_format``.
    """
    if output_format not in DIAGRAM_FORMATS:
        raise ValueError(
            f"unknown diagram format {output_format!r}; choose one of {', '.join(DIAGRAM_FORMATS)}"
        )
    source = generate_dot(model, overlay, options)
    if output_format == "dot":
        return source.encode("utf-8")
    if output_format != "svg" or not embed:
        out = run_graphviz(source, output_format, timeout=timeout, cancel=cancel)
        return embed_model(out, None) if output_format == "svg" else out
    # The model's JSON is made while dot runs (dot is another process).
    with ThreadPoolExecutor(max_workers=1) as pool:
        payload = pool.submit(model_payload, model)
        out = run_graphviz(source, output_format, timeout=timeout, cancel=cancel)
        return embed_model(out, model, payload=payload.result())
