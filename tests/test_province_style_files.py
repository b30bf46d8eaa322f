"""Province style files (issue 18 red team #12 and the findings.qml case): a QML larger than the cap or that is no
regular file is skipped for the next folder's style, never read; a province findings.qml of any renderer still
gives sheet 04 with decided findings drawn apart."""
import os

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFillSymbol,
    QgsGeometry,
    QgsRenderContext,
    QgsSingleSymbolRenderer,
    QgsVectorLayer,
)

from conftest import sample
from fifo_helpers import watched_fifo
from plugin.core.paths import STYLES_DIR
from plugin.core.read.styles import MAX_STYLE_BYTES, apply_style, style_path


def landuse_layer():
    return QgsVectorLayer(sample("village_conflicts.gpkg") + "|layername=GHDLTB", "GHDLTB", "ogr")


def test_a_huge_or_non_regular_province_style_is_skipped_unread(qgis_app, tmp_path, monkeypatch):
    """A 3 GB (sparse) GHYDYH.qml was read whole: 2.5 GB of memory in 9 s."""
    monkeypatch.setenv("ONEMAP_STYLE_PATH", str(tmp_path))
    with open(tmp_path / "GHYDYH.qml", "wb") as handle:
        handle.truncate(3 << 30)
    os.symlink("/dev/zero", tmp_path / "GHFQ.qml")
    with watched_fifo(str(tmp_path / "CZKFBJ.qml")) as opened:
        for key in ("GHYDYH", "GHFQ", "CZKFBJ"):
            assert style_path(key) == os.path.join(STYLES_DIR, key + ".qml")
        assert apply_style(landuse_layer(), "GHYDYH", "GHDLBM") == "verified"          # the shipped style
    assert not opened
    with open(tmp_path / "GHYDYH.qml", "wb") as handle:                                # at the cap: the province's
        handle.write(open(os.path.join(STYLES_DIR, "GHYDYH.qml"), "rb").read())
        handle.write(b" " * (MAX_STYLE_BYTES - handle.tell()))
    assert style_path("GHYDYH") == str(tmp_path / "GHYDYH.qml")


def marked(decision, x):
    from plugin.core.export.findings_sheet import Marked
    finding = {"finding_id": "f{}".format(x), "rule_id": "CL-01", "severity": "error", "area_m2": 100.0,
               "control_layer": "YJJBNTBHTB"}
    square = QgsGeometry.fromWkt("POLYGON(({0} 0, {1} 0, {1} 10, {0} 10, {0} 0))".format(x, x + 10))
    return Marked(x, finding, decision, False, square)


def drawn_with(layer):
    """{finding_id: stroke colour of the symbol drawing it}."""
    renderer, context = layer.renderer().clone(), QgsRenderContext()
    renderer.startRender(context, layer.fields())
    colours = {f["finding_id"]: [s.symbolLayer(0).strokeColor().name() for s in renderer.originalSymbolsForFeature(f, context)]
               for f in layer.getFeatures()}
    renderer.stopRender(context)
    return colours


def test_a_single_symbol_province_findings_style_keeps_its_look_and_decided_findings_apart(qgis_app, tmp_path, monkeypatch):
    """A province findings.qml with a plain single symbol: AttributeError in _split_decided, no map sheets."""
    from plugin.core.export.findings_sheet import findings_polygons
    findings = QgsVectorLayer(sample("village_conflicts.gpkg") + "|layername=GHDLTB", "f", "ogr")
    findings.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({"color": "0,0,0,0",
                                                                              "outline_color": "255,0,0"})))
    findings.saveNamedStyle(str(tmp_path / "findings.qml"))
    monkeypatch.setenv("ONEMAP_STYLE_PATH", str(tmp_path))
    layer = findings_polygons([marked("", 0), marked("accepted", 20)], QgsCoordinateReferenceSystem("EPSG:4546"), set())
    assert drawn_with(layer) == {"f0": ["#ff0000"], "f20": ["#00823c"]}        # the province's red, 已认可例外 green
    assert [rule.label() for rule in layer.renderer().rootRule().children()] == ["核对问题", "已认可例外", "误报"]
    (tmp_path / "findings.qml").write_text("<qgis><renderer-v2 type='heatmapRenderer'/></qgis>", encoding="utf-8")
    layer = findings_polygons([marked("", 0), marked("accepted", 20)], QgsCoordinateReferenceSystem("EPSG:4546"), set())
    assert [r.label() for r in layer.renderer().rootRule().children()][-2:] == ["已认可例外", "误报"]
    assert drawn_with(layer)["f20"] == ["#00823c"] and drawn_with(layer)["f0"] != ["#ff0000"]   # OneMap's own style


def test_exportmapsheets_with_a_single_symbol_findings_style_writes_sheet_04(onemap_provider, tmp_path, monkeypatch):
    import processing

    from plugin.core.check.engine import verify
    styles = tmp_path / "styles"
    styles.mkdir()
    layer = QgsVectorLayer(sample("village_conflicts.gpkg") + "|layername=GHDLTB", "f", "ogr")
    layer.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({"color": "0,0,0,0", "outline_color": "255,0,0"})))
    layer.saveNamedStyle(str(styles / "findings.qml"))
    monkeypatch.setenv("ONEMAP_STYLE_PATH", str(styles))
    findings = str(tmp_path / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=findings)
    result = processing.run("onemap:exportmapsheets", {
        "PLAN": sample("village_conflicts.gpkg"), "ONEMAP": sample("township_onemap.gpkg"), "FINDINGS": findings,
        "OUTPUT": str(tmp_path / "out")})
    assert result["SHEETS"] == 4 and os.path.isfile(tmp_path / "out" / "04_一张图核对成果图.pdf")
