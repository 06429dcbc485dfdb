"""Mitigation catalogs (MITRE ATT&CK, the Seven Properties of Highly Secured
Devices) and the suggestions they make for a model's steps.

Qt-free. Catalog files are read lazily from the package's bundled
``resources/catalogs`` folder.
"""

from attackgraph.catalogs.catalog import (
    CATALOG_FILES,
    Catalog,
    CatalogEntry,
    available_catalogs,
    load_catalog,
)
from attackgraph.catalogs.suggest import (
    NodeSuggestions,
    Suggestion,
    build_mitigation,
    suggest_all,
    suggestions_for,
)
from attackgraph.catalogs.techniques import normalize_technique, parent_technique

__all__ = [
    "CATALOG_FILES",
    "Catalog",
    "CatalogEntry",
    "NodeSuggestions",
    "Suggestion",
    "available_catalogs",
    "build_mitigation",
    "load_catalog",
    "normalize_technique",
    "parent_technique",
    "suggest_all",
    "suggestions_for",
]
