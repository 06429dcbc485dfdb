"""The core and the command line never import Qt, and ``--help`` stays light."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import attackgraph

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(attackgraph.__file__).resolve().parent
CORE_PACKAGES = [
    "attackgraph.model",
    "attackgraph.formats",
    "attackgraph.cli",
    "attackgraph.fragments",
    "attackgraph.merge",
]
if (PACKAGE / "analysis" / "__init__.py").exists():
    CORE_PACKAGES.append("attackgraph.analysis")

BLOCKER = textwrap.dedent("""
    import sys

    class BlockQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6"):
                raise ImportError(f"Qt is blocked in the core: {name}")
            return None

    sys.meta_path.insert(0, BlockQt())
""")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def test_blocker_really_blocks_qt() -> None:
    result = _python(BLOCKER + "import PySide6.QtCore\n")
    assert result.returncode != 0
    assert "Qt is blocked in the core" in result.stderr


def test_core_imports_without_qt() -> None:
    code = BLOCKER + textwrap.dedent(f"""
        import importlib, json, pkgutil
        import attackgraph, attackgraph.errors, attackgraph.fileio
        imported = []
        for name in {CORE_PACKAGES!r}:
            package = importlib.import_module(name)
            imported.append(name)
            for info in pkgutil.walk_packages(getattr(package, "__path__", []), name + "."):
                importlib.import_module(info.name)
                imported.append(info.name)
        # the lazy public API resolves too
        for attr in attackgraph.__all__:
            getattr(attackgraph, attr)
        from attackgraph.formats.native import parse_model, generate_yaml
        model = parse_model('{{"format": "attackgraph", "version": 1, "title": "t", '
                            '"nodes": [{{"id": "E1", "kind": "entry", "label": "e"}}]}}')
        generate_yaml(model)
        qt = [m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")]
        print(json.dumps({{"imported": imported, "qt": qt}}))
    """)
    result = _python(code)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["qt"] == []
    assert "attackgraph.model.core" in report["imported"]
    assert "attackgraph.formats.native.parse" in report["imported"]
    assert "attackgraph.cli.validate" in report["imported"]


def test_cli_validate_runs_without_qt(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text('{"format": "attackgraph", "version": 1, "title": "t", "nodes": []}')
    code = BLOCKER + textwrap.dedent(f"""
        from attackgraph.cli import main
        sys.exit(main(["validate", {str(path)!r}]))
    """)
    result = _python(code)
    assert result.returncode == 0, result.stderr
    assert "valid (0 error(s)" in result.stderr


def test_help_imports_no_heavy_modules() -> None:
    code = textwrap.dedent("""
        import json, sys
        sys.argv = ["attackgraph", "--help"]
        from attackgraph.cli import main
        try:
            main()
        except SystemExit as exc:
            code = exc.code
        heavy = sorted({m.split(".")[0] for m in sys.modules}
                       & {"networkx", "yaml", "PySide6", "shiboken6", "scipy", "numpy"})
        print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
    """)
    result = _python(code)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stderr.splitlines()[-1])
    assert report == {"code": 0, "heavy": []}
    assert "validate" in result.stdout


def test_python_m_attackgraph_help() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "attackgraph", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0
    assert "usage: attackgraph" in result.stdout
    imported = {
        line.split("|")[-1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "attackgraph" in imported  # the import-time report is really there
    assert not imported & {"networkx", "yaml", "PySide6", "shiboken6"}
