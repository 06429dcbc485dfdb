"""attackgraph: model attack chains across cloud and device components and
find the mitigations that break them.

The public model API is re-exported here lazily, so that importing the
package (as the command line does) costs nothing until it is used. This
package never imports Qt; only :mod:`attackgraph.gui` does.
"""

from __future__ import annotations

import importlib
from typing import Any

from attackgraph._version import __version__

__all__ = [
    "AttackGraphError",
    "AttackModel",
    "Component",
    "Edge",
    "FormatError",
    "Mitigation",
    "ModelError",
    "Node",
    "Problem",
    "Profile",
    "Release",
    "__version__",
    "read_model",
    "write_model",
]

_LAZY = {
    "AttackModel": "attackgraph.model",
    "Component": "attackgraph.model",
    "Edge": "attackgraph.model",
    "Mitigation": "attackgraph.model",
    "Node": "attackgraph.model",
    "Profile": "attackgraph.model",
    "Release": "attackgraph.model",
    "AttackGraphError": "attackgraph.errors",
    "FormatError": "attackgraph.errors",
    "ModelError": "attackgraph.errors",
    "Problem": "attackgraph.errors",
    "read_model": "attackgraph.formats",
    "write_model": "attackgraph.formats",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'attackgraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
