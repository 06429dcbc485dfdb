"""Model (and analysis) to pictures and documents. Qt-free.

Layers, each usable on its own (the CLI and the desktop app call the same
functions):

- :mod:`~.text`: escaping of untrusted text for every output language;
- :mod:`~.overlay`: an :class:`~.overlay.Overlay` from an analysis (open and
  broken chains, defences, one chain highlighted);
- :mod:`~.dot`: the one DOT writer (:func:`~.dot.generate_dot` for diagrams,
  :func:`~.dot.layout_dot` for the canvas layout), pure, no subprocess;
- :mod:`~.backend`: the only place that runs Graphviz (timeout, cancellation);
- :mod:`~.diagram`: SVG/PNG/PDF/DOT files; SVGs carry their model;
- :mod:`~.layout`: positions for the desktop canvas (Graphviz ``dot`` with
  frame-sized clusters, or the built-in nested-lane layout; pinned positions
  kept), in one call, :func:`~.layout.compute_layout`;
- :mod:`~.mermaid`, :mod:`~.table`: Mermaid flowcharts and the CSV matrix;
- :mod:`~.report_data`, :mod:`~.report_html`, :mod:`~.report_md`,
  :mod:`~.plots`: HTML and Markdown reports with matplotlib plots;
- :mod:`~.diff_report`: a model diff as text or HTML.

The names below are importable from this package directly; each loads its
module on first use, so ``import attackgraph.render.layout`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "DiagramOptions",
    "Overlay",
    "RenderCancelled",
    "analysis_overlay",
    "build_overlay",
    "chains_csv",
    "collect_report",
    "generate_dot",
    "generate_mermaid",
    "html_report",
    "markdown_report",
    "render_diagram",
    "run_graphviz",
]

_HOME = {
    "DiagramOptions": "dot",
    "generate_dot": "dot",
    "Overlay": "overlay",
    "analysis_overlay": "overlay",
    "build_overlay": "overlay",
    "RenderCancelled": "backend",
    "run_graphviz": "backend",
    "chains_csv": "table",
    "collect_report": "report_data",
    "generate_mermaid": "mermaid",
    "html_report": "report_html",
    "markdown_report": "report_md",
    "render_diagram": "diagram",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        module = importlib.import_module(f"attackgraph.render.{_HOME[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'attackgraph.render' has no attribute {name!r}")
