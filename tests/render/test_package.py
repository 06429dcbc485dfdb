"""The render layer is Qt-free, its public names resolve, and importing it
(or the canvas layout) loads neither matplotlib nor markdown-it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import attackgraph.render
from tests.test_qt_free import BLOCKER

ROOT = Path(__file__).resolve().parents[2]


def test_public_names_resolve() -> None:
    for name in attackgraph.render.__all__:
        assert callable(getattr(attackgraph.render, name)), name


def test_render_is_qt_free_and_light() -> None:
    code = BLOCKER + textwrap.dedent("""
        import importlib, json, pkgutil
        import attackgraph.render.layout
        light = sorted({m.split(".")[0] for m in sys.modules} & {"matplotlib", "markdown_it"})
        import attackgraph.render, attackgraph.compare, attackgraph.cli.export
        import attackgraph.cli.diff, attackgraph.formats.svg
        for info in pkgutil.walk_packages(attackgraph.render.__path__, "attackgraph.render."):
            importlib.import_module(info.name)
        qt = [m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")]
        print(json.dumps({"light": light, "qt": qt}))
    """)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"light": [], "qt": []}
