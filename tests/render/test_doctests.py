"""The examples in the docstrings of the render layer and the diff run and pass."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import attackgraph.render

MODULES = ["attackgraph.compare", "attackgraph.render"] + [
    info.name for info in pkgutil.walk_packages(attackgraph.render.__path__, "attackgraph.render.")
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"


def test_doctests_exist() -> None:
    attempted = sum(doctest.testmod(importlib.import_module(n)).attempted for n in MODULES)
    assert attempted >= 25
