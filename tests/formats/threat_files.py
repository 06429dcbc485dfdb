"""Helpers for the threat-modelling formats' tests (OTM, Threat Dragon, TMT).

Real public files are not committed. To run the tests on them, point
``ATTACKGRAPH_THREAT_MODEL_FILES`` at a folder holding:

- ``otm/``: OTM files, e.g. ``EXAMPLE.json`` and ``EXAMPLE.yaml`` of
  github.com/iriusrisk/OpenThreatModel, ``td.vue/src/service/demo/mobile-cloud.otm.json``
  of github.com/OWASP/threat-dragon, ``examples/otm/mtmt_example.yaml`` of
  github.com/iriusrisk/startleft;
- ``otm_schema.json``: ``otm_schema.json`` of iriusrisk/OpenThreatModel;
- ``td/``: Threat Dragon models, e.g. ``td.vue/src/service/demo/*.json`` and
  ``ThreatDragonModels/demo-threat-model.json`` of OWASP/threat-dragon;
- ``td_v2_schema.json``: ``td.vue/src/assets/schema/threat-dragon-v2.schema.json``
  of OWASP/threat-dragon;
- ``tm7/``: ``.tm7`` files, e.g. ``tm7_Samples/*.tm7`` of github.com/Part-IO/TMT2Cairis,
  ``assets/*.tm7`` of github.com/tris790/tm8, ``slp_mtmt/tests/resources/mtmt/*.tm7``
  of iriusrisk/startleft.

Files that hold no threats (component-only diagrams) are expected to be
refused with one clear error; every other file must import.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from attackgraph.formats.native import CheckedModel
from attackgraph.formats.native.document import model_to_document
from attackgraph.model import AttackModel

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples").glob("*.attackgraph.json"))


def real_dir() -> Path | None:
    """The folder of real files, or None when not configured."""
    value = os.environ.get("ATTACKGRAPH_THREAT_MODEL_FILES", "").strip()
    path = Path(value) if value else None
    return path if path is not None and path.is_dir() else None


def real_files(sub: str, pattern: str = "*") -> list[Path]:
    """Real files of one format; skips the test when there are none."""
    folder = real_dir()
    files = sorted((folder / sub).glob(pattern)) if folder else []
    files = [f for f in files if f.is_file()]
    if not files:
        pytest.skip(f"no real files: set ATTACKGRAPH_THREAT_MODEL_FILES (with {sub}/)")
    return files


def schema(name: str) -> dict[str, Any]:
    """A format's own JSON schema from the real-files folder (skips when absent)."""
    folder = real_dir()
    if folder is None or not (folder / name).is_file():
        pytest.skip(f"no {name}: set ATTACKGRAPH_THREAT_MODEL_FILES")
    return json.loads((folder / name).read_text(encoding="utf-8"))


def schema_errors(document: Any, schema_doc: dict[str, Any]) -> list[str]:
    """Every error of ``document`` against ``schema_doc`` (draft 7)."""
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(schema_doc)
    return [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(document)]


def assert_imported(checked: CheckedModel, name: str) -> AttackModel:
    """A real file imported, or was refused only for holding no threats."""
    for problem in checked.problems:
        assert problem.message.endswith("."), problem
        assert "Traceback" not in problem.message
    if checked.model is None:
        assert [p.message for p in checked.errors] and all(
            "holds no threats" in p.message for p in checked.errors
        ), (name, checked.errors)
        return None  # type: ignore[return-value]
    assert any("no attack paths" in p.message for p in checked.warnings) or any(
        "attackgraph" in str(k) for k in checked.model.extras
    ), name
    return checked.model


def same(a: AttackModel, b: AttackModel) -> bool:
    """Whether two models write the same native document."""
    return model_to_document(a) == model_to_document(b)
