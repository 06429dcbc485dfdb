"""The examples in the docstrings of the core run and pass."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from types import ModuleType

import pytest

import attackgraph.formats
import attackgraph.fragments
import attackgraph.model


def _modules() -> list[str]:
    names = ["attackgraph.errors", "attackgraph.fileio", "attackgraph.merge"]
    for package in (attackgraph.model, attackgraph.formats, attackgraph.fragments):
        names.append(package.__name__)
        names += [
            info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        ]
    return names


MODULES = _modules()


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module: ModuleType = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


def test_doctests_exist() -> None:
    attempted = sum(doctest.testmod(importlib.import_module(n)).attempted for n in MODULES)
    assert attempted >= 20
    assert "attackgraph.model.core" in MODULES
    assert "attackgraph.formats.native.parse" in MODULES
