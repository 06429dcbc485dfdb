"""Files shipped inside the package (Qt-free): the ``resources/`` folder
(icons, mitigation catalogs), reached through the ``attackgraph/resources``
link in a checkout and as package data when installed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["resource_path"]


def resource_path(*parts: str) -> Path:
    """A file or folder of the bundled ``resources/`` folder.

    Examples
    --------
    >>> resource_path("catalogs").name
    'catalogs'
    """
    return Path(str(resources.files("attackgraph").joinpath("resources", *parts)))
