"""What the installed package ships: the flagship sample and the resources."""

from __future__ import annotations

from pathlib import Path

from attackgraph.gui.app import flagship_path, resource_path

ROOT = Path(__file__).resolve().parents[1]


def test_packaged_flagship_is_the_sample():
    sample = ROOT / "samples" / "azure-sphere-2020.attackgraph.json"
    assert flagship_path().read_bytes() == sample.read_bytes()


def test_resources_are_reachable_from_the_package():
    icon = resource_path("icons", "attackgraph.svg")
    assert icon.read_bytes().startswith(b"<svg")
