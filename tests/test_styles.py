"""Styles: every QML agrees with the colour table; loadplan renders the official colours."""
import os

import pytest
from osgeo import ogr
from qgis.core import (
    QgsFeature,
    QgsFeatureRenderer,
    QgsGeometry,
    QgsMapRendererParallelJob,
    QgsMapSettings,
    QgsPointXY,
    QgsProject,
    QgsReadWriteContext,
    QgsRectangle,
    QgsRuleBasedRenderer,
    QgsSingleSymbolRenderer,
    QgsSymbol,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument

from conftest import ROOT, sample
from helpers import gpkg, square
from plugin.core.read.loading import PROPERTY_KEY, load_source
from plugin.core.read.styles import PROVISIONAL, apply_style, class_filter, color_table

STYLES = os.path.join(ROOT, "styles")


def read_qml_renderer(path):
    """The renderer stored in a QML file."""
    document = QDomDocument()
    with open(path, encoding="utf-8") as handle:
        document.setContent(handle.read())
    return QgsFeatureRenderer.load(document.documentElement().firstChildElement("renderer-v2"), QgsReadWriteContext())


def rgb(color):
    return [color.red(), color.green(), color.blue()]


@pytest.mark.parametrize("section", ["ydyh", "ghfq", "findings", "summary"])
def test_rule_based_qml_agrees_with_the_table(section):
    data = color_table()[section]
    renderer = read_qml_renderer(os.path.join(STYLES, "{}.qml".format(data.get("layer", section))))
    assert isinstance(renderer, QgsRuleBasedRenderer)
    rules = renderer.rootRule().children()
    listed = list(data["classes"])
    by_filter = {rule.filterExpression(): rule for rule in rules}
    assert len(rules) == len(listed) + (1 if "unlisted" in data else 0)
    for code, entry in data["classes"].items():
        rule = by_filter[class_filter(data["field"], code, listed, data["classes"][code].get("match") == "exact")]
        layer = rule.symbol().symbolLayer(0)
        assert rgb(layer.color()) == entry.get("rgb", [0, 0, 0]), code
        assert layer.color().alpha() == entry.get("alpha", 255)
        provisional = entry.get("status", data["status"]) == "provisional"
        assert (PROVISIONAL in rule.label()) == provisional, code
    if "unlisted" in data:
        assert [r for r in rules if r.isElse()][0].symbol().symbolLayer(0).color().name() == QColor(
            *data["unlisted"]["rgb"]).name()


def test_single_symbol_qml_agrees_with_the_table():
    for key, entry in color_table()["layers"].items():
        renderer = read_qml_renderer(os.path.join(STYLES, "{}.qml".format(key)))
        assert isinstance(renderer, QgsSingleSymbolRenderer), key
        layer = renderer.symbol().symbolLayer(0)
        if entry.get("brush") != "none":
            assert rgb(layer.color()) == entry["rgb"] and layer.color().alpha() == entry.get("alpha", 255), key
        if entry.get("geometry") == "line":
            assert renderer.symbol().type() == QgsSymbol.Line and layer.width() == pytest.approx(entry["width"]), key
            continue
        if entry.get("geometry") == "point":
            assert renderer.symbol().type() == QgsSymbol.Marker and layer.size() == pytest.approx(entry["size"]), key
        outline = entry["outline"]
        assert rgb(layer.strokeColor()) == outline[:3] and layer.strokeWidth() == pytest.approx(outline[3]), key


def test_no_stray_qml_files():
    table = color_table()
    expected = {table["ydyh"]["layer"], table["ghfq"]["layer"], "findings", "summary"} | set(table["layers"])
    expected |= set(table["ydyh"].get("also", []))          # the base year JQDLTB in 用地用海 colours
    assert {f[:-4] for f in os.listdir(STYLES) if f.endswith(".qml")} == expected


X, Y = 560000.0, 4100000.0
CODES = {"0103": [245, 248, 220], "070101": [255, 255, 45], "0703": [255, 211, 128], "080403": [255, 133, 201],
         "100102": [187, 150, 116], "060101": [216, 215, 159], "1207": [163, 163, 163], "120801": [183, 183, 183]}


def render(layers, extent, size=400):
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[0].crs())
    settings.setExtent(extent)
    settings.setOutputSize(QSize(size, size))
    settings.setBackgroundColor(QColor(0, 0, 0))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage(), settings


def pixel(image, settings, x, y):
    point = settings.mapToPixel().transform(QgsPointXY(x, y))
    return rgb(QColor(image.pixel(int(point.x()), int(point.y()))))


def test_a_folder_checks_summary_draws_outlines_only():
    """The summary layer of a folder check lies above the plans: each village outlined by its conclusion,
    nothing filled (QGIS's default fill hid the plans beneath it)."""
    layer = QgsVectorLayer("Polygon?crs=EPSG:4546&field=conclusion:string", "summary", "memory")
    feature = QgsFeature(layer.fields())
    feature.setGeometry(QgsGeometry.fromWkt(square(X, Y, X + 400, Y + 400)))
    feature.setAttribute("conclusion", "不通过")
    layer.dataProvider().addFeatures([feature])
    assert apply_style(layer, "summary")
    image, settings = render([layer], QgsRectangle(X - 100, Y - 100, X + 500, Y + 500))
    assert pixel(image, settings, X + 200, Y + 200) == [0, 0, 0]            # the background shows through
    assert pixel(image, settings, X, Y + 200) == [200, 0, 0]               # the outline, 不通过 in red


def test_loadplan_renders_official_colours_for_4_and_6_digit_codes(onemap_provider, tmp_path, qgis_new_project):
    import processing
    parcels = [(square(X + i * 100, Y, X + i * 100 + 100, Y + 100), {"GHDLBM": code}) for i, code in enumerate(CODES)]
    path = gpkg(tmp_path / "plan.gpkg", 4546, {"GHDLTB": ([("GHDLBM", ogr.OFTString)], parcels)})
    result = processing.run("onemap:loadplan", {"SOURCE": path, "KIND": 3})
    assert result["LOADED"] == 1 and result["FAILED"] == 0
    layer = [l for l in QgsProject.instance().mapLayers().values() if l.customProperty(PROPERTY_KEY) == "GHYDYH"][0]
    assert layer.name() == "规划用地用海（GHDLTB）"
    image, settings = render([layer], QgsRectangle(X, Y - 350, X + 800, Y + 450))
    for i, (code, expected) in enumerate(CODES.items()):
        assert pixel(image, settings, X + i * 100 + 50, Y + 50) == expected, code


def test_sample_one_map_loads_in_drawing_order_with_themes(qgis_new_project):
    project = QgsProject.instance()
    report = load_source(sample("township_onemap.gpkg"), project)
    group = project.layerTreeRoot().findGroup(report.group_name)
    assert [g.name() for g in group.children()] == ["控制线", "规划分区", "基础/现状", "指标与表格"]
    assert [l.name() for l in group.children()[0].children()] == ["永久基本农田", "城镇开发边界", "历史文化保护线"]
    statuses = dict((key, status) for key, _id, status in report.loaded)
    assert statuses["CZKFBJ"] == "provisional" and statuses["CJZBFJ"] == ""
    czkfbj = project.mapLayer(dict((k, i) for k, i, _s in report.loaded)["CZKFBJ"])
    assert "provisional" in czkfbj.styleManager().currentStyle()
    themes = project.mapThemeCollection().mapThemes()
    assert "三线 · " + report.group_name in themes
    control = project.mapThemeCollection().mapThemeState("三线 · " + report.group_name).layerRecords()
    assert {r.layer().customProperty(PROPERTY_KEY) for r in control} == {"YJJBNTBHTB", "CZKFBJ", "LSWHBHX"}


def test_a_layer_that_fails_to_open_is_reported_and_the_rest_load(tmp_path, qgis_new_project, monkeypatch):
    from plugin.core.errors import OneMapError
    from plugin.core.read import loading
    real = loading.open_vector

    def flaky(found, path):
        if found.key == "CZKFBJ":
            raise OneMapError("坏图层", "broken layer")
        return real(found, path)
    monkeypatch.setattr(loading, "open_vector", flaky)
    report = load_source(sample("township_onemap.gpkg"), QgsProject.instance())
    assert [name for name, _e in report.failed] == ["CZKFBJ"]
    assert len(report.loaded) == 5


def test_a_province_style_folder_overrides_the_shipped_style(tmp_path, qgis_new_project):
    from qgis.core import QgsSettings

    from plugin.core.read.styles import style_path
    override = tmp_path / "CZKFBJ.qml"
    override.write_text(open(os.path.join(STYLES, "STBHHX.qml"), encoding="utf-8").read(), encoding="utf-8")
    QgsSettings().setValue("onemap/style_path", str(tmp_path))
    try:
        assert style_path("CZKFBJ") == str(override)
        assert style_path("GHYDYH") == os.path.join(STYLES, "GHYDYH.qml")
    finally:
        QgsSettings().remove("onemap/style_path")
    assert style_path("CZKFBJ") == os.path.join(STYLES, "CZKFBJ.qml")


def test_level_one_codes_have_their_published_colours():
    """07, 08, 10, 14 coded only at level 1 no longer fall to the grey 'unlisted' symbol (derived)."""
    renderer = read_qml_renderer(os.path.join(STYLES, "GHYDYH.qml"))
    colours = {rule.label(): rgb(rule.symbol().color()) for rule in renderer.rootRule().children()}
    assert colours["07 居住用地"] == [255, 255, 45] and colours["08 公共管理与公共服务用地"] == [255, 0, 255]
    assert colours["10 工矿用地"] == [187, 150, 116] and colours["14 绿地与开敞空间用地"] == [0, 255, 0]
