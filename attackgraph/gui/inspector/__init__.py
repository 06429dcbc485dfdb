"""The inspector: the fields of the selected object, or of the model."""

from attackgraph.gui.inspector.panel import Inspector

__all__ = ["Inspector"]
