"""MITRE Attack Flow: STIX 2.1 bundles and Attack Flow Builder ``.afb``
files, read and written."""

from attackgraph.formats.attack_flow.afb_write import generate_afb
from attackgraph.formats.attack_flow.read import check_afb, check_stix, sniff_afb, sniff_stix
from attackgraph.formats.attack_flow.write import generate_stix, model_to_bundle

__all__ = [
    "check_afb",
    "check_stix",
    "generate_afb",
    "generate_stix",
    "model_to_bundle",
    "sniff_afb",
    "sniff_stix",
]
