"""The docks around the canvas: palette, mitigations and problems."""

from attackgraph.gui.docks.mitigations import MitigationsDock
from attackgraph.gui.docks.palette import Palette
from attackgraph.gui.docks.problems import ProblemsList

__all__ = ["MitigationsDock", "Palette", "ProblemsList"]
