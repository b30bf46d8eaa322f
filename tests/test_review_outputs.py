"""Findings a reviewer can quote: parcels named by BSM/TBBH, coordinates as stored, Chinese throughout."""
import pytest
from osgeo import gdal, ogr

from conftest import sample
from helpers import LANDUSE_FIELDS, control, gpkg, square
from plugin.core.check.engine import verify

X0, Y0 = 560000.0, 4100000.0


@pytest.fixture(scope="module")
def conflicts(tmp_path_factory):
    output = str(tmp_path_factory.mktemp("run") / "findings.gpkg")
    return verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=output)


def plan_with(tmp_path, fields, values):
    """A parcel 100 x 50 m inside 永久基本农田, its name fields given."""
    parcel = square(X0 + 100, Y0 + 100, X0 + 200, Y0 + 150)
    other = square(X0 + 300, Y0 + 100, X0 + 400, Y0 + 150)
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {"GHYDYH": (LANDUSE_FIELDS + fields, [
        (other, dict(values[0], YDYHFLDM="0103")), (parcel, dict(values[1], YDYHFLDM="0703"))])})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, {"YJJBNTBHTB": control(square(X0, Y0, X0 + 1000, Y0 + 1000))})
    return verify(plan, onemap, ruleset="village-default", output=str(tmp_path / "f.gpkg"))


@pytest.mark.parametrize("fields,values,label", [
    ([("BSM", ogr.OFTString), ("TBBH", ogr.OFTString)], [{"BSM": "7", "TBBH": "a"}, {"BSM": "3701", "TBBH": "b"}],
     "3701"),
    ([("TBBH", ogr.OFTString)], [{"TBBH": "12-1"}, {"TBBH": "12-2"}], "12-2"),
    ([("bsm", ogr.OFTInteger)], [{"bsm": 5}, {"bsm": 6}], "6"),
    ([], [{}, {}], "2"),                                                  # no BSM/TBBH: the fid
])
def test_a_parcel_is_named_by_bsm_else_tbbh_else_fid(tmp_path, fields, values, label):
    farmland = [f for f in plan_with(tmp_path, fields, values).findings if f.rule_id == "CL-01"]
    assert len(farmland) == 1 and farmland[0].plan_fid == 2
    assert "（要素 {}）".format(label) in farmland[0].message and farmland[0].plan_label == label
    dataset = ogr.Open(str(tmp_path / "f.gpkg"))
    row = [f for f in dataset.GetLayerByName("findings") if f.GetField("rule_id") == "CL-01"][0]
    assert row.GetField("plan_label") == label


def test_a_one_map_feature_is_named_by_its_tbbh_alias(conflicts):
    lost = [f for f in conflicts.findings if f.rule_id == "KEEP-01"][0]
    assert "要素 141181106205-2" in lost.message                       # YJJBNTTBBH, alias TBBH


def test_invalid_geometry_in_chinese_at_the_stored_coordinates(conflicts):
    invalid = [f for f in conflicts.findings if f.rule_id == "GEO-01"][0]
    assert invalid.message == "要素 14 几何无效（自相交），位置 (37561650.00, 4101850.00)"   # zone 37 prefix kept
    assert invalid.detail == "Self-intersection"


def test_not_applicable_reason_is_chinese_with_english_beside(conflicts):
    red_line = next(o for o in conflicts.outcomes if o["rule_id"] == "CL-02")
    assert red_line["reason"] == "一张图中没有图层 STBHHX" and red_line["reason_en"] == "the one map has no STBHHX layer"


def test_findings_geopackage_has_chinese_aliases_and_an_empty_decisions_table(conflicts):
    dataset = ogr.Open(conflicts.output)
    definition = dataset.GetLayerByName("findings").GetLayerDefn()
    aliases = {definition.GetFieldDefn(i).GetName(): definition.GetFieldDefn(i).GetAlternativeName()
               for i in range(definition.GetFieldCount())}
    if int(gdal.VersionInfo()) >= 3070000:            # GPKG field aliases (gpkg_data_columns) since GDAL 3.7
        assert aliases["severity"] == "级别" and aliases["area_m2"] == "面积（平方米）"
        assert all(aliases.values()), "every findings field has a Chinese alias"
    decisions = dataset.GetLayerByName("decisions")
    definition = decisions.GetLayerDefn()
    names = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    assert names[:7] == ["finding_id", "decision", "reason", "approval_no", "reviewer", "decided_at", "resolved"]
    assert decisions.GetFeatureCount() == 0


def test_loaded_findings_layer_is_chinese(conflicts, qgis_new_project):
    from qgis.core import QgsProject

    from plugin.core.review.findings_layer import load_findings
    layer = load_findings(conflicts.output, QgsProject.instance(), "杜村")
    assert layer.name() == "核对结果：杜村"
    fields = layer.fields()
    assert layer.attributeDisplayName(fields.indexOf("message")) == "问题说明"
    setup = layer.editorWidgetSetup(fields.indexOf("severity"))
    assert setup.type() == "ValueMap" and {"错误": "error"} in setup.config()["map"]
    legend = [item.label() for item in layer.renderer().legendSymbolItems()]
    assert sorted(legend) == sorted(["错误", "警告", "提示"])


@pytest.mark.parametrize("locale", ["zh-Hans", "zh_CN", "zh", "zh_Hans_CN"])
def test_every_chinese_locale_gets_the_chinese_panel(qgis_app, locale):
    from qgis.PyQt.QtCore import QCoreApplication

    from plugin.i18n import install_translator, remove_translator
    translator = install_translator(locale)
    try:
        assert translator is not None and QCoreApplication.translate("OneMapDock", "Verify") == "核对"
    finally:
        remove_translator(translator)


def test_toolbox_runs_keep_one_findings_layer_per_plan(onemap_provider, qgis_new_project, tmp_path, monkeypatch):
    """A run from the toolbox loads its result; the next run's layer takes the first one's style and place."""
    import processing
    import qgis.utils
    from qgis.core import QgsFillSymbol, QgsLayerTreeModel, QgsProject, QgsSingleSymbolRenderer
    from qgis.gui import QgsLayerTreeView

    from plugin.core.read.loading import PROPERTY_KEY
    # QGIS 3.44 hands iface.layerTreeView() to C++ when loading results; pytest-qgis's iface has a mock there.
    view = QgsLayerTreeView()
    view.setModel(QgsLayerTreeModel(QgsProject.instance().layerTreeRoot(), view))
    monkeypatch.setattr(qgis.utils.iface, "layerTreeView", lambda: view)

    def findings_layers():
        return [l for l in QgsProject.instance().mapLayers().values() if l.customProperty(PROPERTY_KEY) == "findings"]
    parameters = {"PLAN": sample("village_conflicts.gpkg"), "ONEMAP": sample("township_onemap.gpkg"),
                  "OUTPUT": str(tmp_path / "a.gpkg")}
    processing.runAndLoadResults("onemap:verifyplan", parameters)
    first = findings_layers()
    assert len(first) == 1 and first[0].name() == "核对结果：village_conflicts" and first[0].featureCount() == 17
    assert first[0].attributeDisplayName(first[0].fields().indexOf("severity")) == "级别"
    first[0].setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({"color": "1,2,3"})))
    processing.runAndLoadResults("onemap:verifyplan", dict(parameters, OUTPUT=str(tmp_path / "b.gpkg")))
    second = findings_layers()
    assert len(second) == 1 and second[0].source().startswith(str(tmp_path / "b.gpkg"))
    assert second[0].renderer().symbol().color().name() == "#010203"


def test_the_map_a_reviewer_needs(qgis_new_project, qgis_iface, tmp_path):
    """One map above the plan (its zones switched off), thin parcel outlines, reloading replaces the
    group in place, the panel's load zooms to the plan."""
    import shutil

    from qgis.core import QgsLayerTree, QgsProject

    from plugin.core.read.loading import load_source
    from plugin.gui.dock import OneMapDock
    root = QgsProject.instance().layerTreeRoot()
    plan = str(tmp_path / "village_conflicts.gpkg")
    shutil.copy(sample("village_conflicts.gpkg"), plan)
    load_source(plan, QgsProject.instance())
    load_source(sample("township_onemap.gpkg"), QgsProject.instance())
    names = [node.name() for node in root.children()]
    assert names == ["总体规划一张图：township_onemap.gpkg", "村庄规划：village_conflicts.gpkg"]
    onemap = root.children()[0]
    visible = {node.layer().customProperty("onemap/key"): node.isVisible() for node in onemap.findLayers()}
    assert visible["YJJBNTBHTB"] and visible["CZKFBJ"] and not visible["GHFQ"]     # the zones' fills: off
    load_source(plan, QgsProject.instance())                     # again: same place, no duplicate layers
    assert [node.name() for node in root.children()] == names
    assert len(QgsProject.instance().mapLayers()) == 9
    landuse = [l for l in QgsProject.instance().mapLayers().values() if l.name().startswith("规划用地用海")][0]
    symbol = landuse.renderer().rootRule().children()[0].symbol().symbolLayer(0)
    assert symbol.strokeStyle() == 1 and 0 < symbol.strokeWidth() <= 0.15       # a thin solid outline

    dock = OneMapDock(qgis_iface)
    dock.plan_picker.set_path(sample("village_clean.gpkg"))
    canvas = qgis_iface.mapCanvas()
    dock.load_button.click()
    clean = [l for l in QgsProject.instance().mapLayers().values()
             if l.customProperty("onemap/source").endswith("village_clean.gpkg") and l.customProperty("onemap/key") == "GHYDYH"][0]
    plan_extent = canvas.mapSettings().layerExtentToOutputExtent(clean, clean.extent())
    assert canvas.extent().contains(plan_extent)
    assert min(canvas.extent().width() / plan_extent.width(), canvas.extent().height() / plan_extent.height()) < 1.2
    dock.deleteLater()


def test_the_panel_is_chinese_under_zh_hans(qgis_iface, qgis_processing):
    """QGIS's own 简体中文 is the locale zh-Hans: the whole panel, browser included, comes up in Chinese."""
    from qgis.core import QgsSettings

    from plugin import classFactory
    settings = QgsSettings()
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "zh-Hans")
    plugin = classFactory(qgis_iface)
    try:
        plugin.initGui()
        plugin.actions[0].trigger()
        dock = plugin.dock
        assert (dock.load_button.text(), dock.verify_button.text()) == ("加载图层", "核对")
        browser = dock.browser
        headers = [browser.model.headerData(c, 1) for c in range(browser.model.columnCount())]
        assert headers == ["规则 / 问题", "状态", "数量", "平方米", "亩"]          # 面积（平方米） … in the tooltips
        assert [b.text() for b in browser.severity_buttons.values()] == ["错误", "警告", "提示"]
        assert browser.decision_combo.itemText(3) == "已认可例外"
    finally:
        plugin.unload()
        settings.remove("locale/overrideFlag")
        settings.remove("locale/userLocale")


def test_the_recognition_report_is_chinese_only_for_a_chinese_ui(qgis_app):
    from plugin.core.read.sources import open_source, recognition_lines
    source = open_source(sample("township_onemap.gpkg"))
    chinese = "\n".join(recognition_lines(source, chinese=True))
    assert "按名称" in chinese and "缺少：STBHHX 生态保护红线" in chinese
    assert not any(word in chinese for word in ("by name", "features", "missing", "Ecological"))
    assert "按名称 by name" in "\n".join(recognition_lines(source))          # the default stays bilingual
