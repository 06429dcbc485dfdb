"""The desktop app opens, imports and exports the threat-modelling formats
(OTM, Threat Dragon, Microsoft TMT) through the format registry."""

from __future__ import annotations

from attackgraph.formats import read_model
from attackgraph.formats.native import model_to_document
from attackgraph.gui.files import export_filters, import_filters, open_filters
from tests.formats.threat_files import DATA


def _without_layout(model) -> dict:
    doc = model_to_document(model)
    doc.pop("layout", None)  # the window lays an imported model out
    return doc


def test_dialog_filters_list_the_formats() -> None:
    for filters in (open_filters(), import_filters()):
        assert "Open Threat Model (OTM 0.2) (*.otm.json" in filters
        assert "OWASP Threat Dragon model (v2 JSON) (*.threat-dragon.json" in filters
        assert "Microsoft Threat Modeling Tool model (.tm7) (*.tm7)" in filters
    # demo models of these tools are often plain *.json: Import shows them
    assert "(*.threat-dragon.json *.td.json *.json)" in import_filters()
    assert "Open Threat Model" in export_filters() and "Threat Dragon" in export_filters()
    assert ".tm7" not in export_filters()  # read only


def test_each_format_is_imported_and_exported(window, tmp_path) -> None:
    for name in ("small.tm7", "small.otm.yaml", "small.threat-dragon.json"):
        path = DATA / name
        assert window.files.open_path(str(path))
        assert window.document.path is None and window.document.imported_from == str(path)
        assert window.windowTitle().startswith(f"{name} (imported)")
        for suffix in (".otm.json", ".threat-dragon.json"):
            target = tmp_path / f"{name}{suffix}"
            window.document.export(str(target))
            exported = read_model(target)
            assert _without_layout(exported) == _without_layout(read_model(path))
            assert set(exported.layout) == set(exported.nodes)
