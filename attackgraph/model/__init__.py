"""The domain model: plain Python objects, a networkx graph, one mutation API.

Nothing here imports Qt; the GUI adapts these callbacks to signals.
"""

from attackgraph.model.core import AttackModel
from attackgraph.model.events import ModelEvent, Removed
from attackgraph.model.objects import Component, Edge, Mitigation, Node, Profile, Release
from attackgraph.model.validate import validate_document

__all__ = [
    "AttackModel",
    "Component",
    "Edge",
    "Mitigation",
    "ModelEvent",
    "Node",
    "Profile",
    "Release",
    "Removed",
    "validate_document",
]
