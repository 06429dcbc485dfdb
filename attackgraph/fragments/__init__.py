"""Reusable fragments: components with their chains, saved once and inserted
into many models with their ports wired; a bundled starter library; updates
of inserted instances that keep local edits. Qt-free."""

from attackgraph.fragments.compose import (
    INSTANCES_KEY,
    Connection,
    Insertion,
    Instance,
    insert_fragment,
    instances,
    parse_connection,
    update_instance,
)
from attackgraph.fragments.fragment import (
    FRAGMENT_KEY,
    Fragment,
    check_fragment_document,
    extract_fragment,
    parse_fragment,
    read_fragment,
)
from attackgraph.fragments.library import (
    BUNDLED,
    Library,
    Outdated,
    bundled_library,
    load_library,
    outdated,
)

__all__ = [
    "BUNDLED",
    "FRAGMENT_KEY",
    "INSTANCES_KEY",
    "Connection",
    "Fragment",
    "Insertion",
    "Instance",
    "Library",
    "Outdated",
    "bundled_library",
    "check_fragment_document",
    "extract_fragment",
    "insert_fragment",
    "instances",
    "load_library",
    "outdated",
    "parse_connection",
    "parse_fragment",
    "read_fragment",
    "update_instance",
]
