"""The plan panel, exercised through its widgets with pytest-qgis's iface."""
import os
import time

import pytest
from qgis.core import QgsApplication, QgsProject, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, Qt

from conftest import sample
from plugin.core.read.loading import PROPERTY_KEY


@pytest.fixture
def dock(qgis_iface, qgis_new_project):
    from plugin.gui.dock import OneMapDock
    for role in ("onemap", "plan"):
        QgsSettings().remove("onemap/recent/" + role)
    widget = OneMapDock(qgis_iface)
    yield widget
    widget.deleteLater()


def wait_for(condition, seconds=60):
    end = time.time() + seconds
    while not condition() and time.time() < end:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    assert condition()


def items(tree):
    top = tree.topLevelItem(tree.topLevelItemCount() - 1)
    return {top.child(i).text(0): top.child(i).text(1) for i in range(top.childCount())}


def test_load_button_loads_both_sources_and_reports_each_layer(dock):
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(sample("village_conflicts.gpkg"))
    dock.labels_check.setChecked(True)
    dock.load_button.click()
    keys = sorted(l.customProperty(PROPERTY_KEY) for l in QgsProject.instance().mapLayers().values())
    assert keys.count("YJJBNTBHTB") == 2 and "GHYDYH" in keys and "CJZBFJ" in keys
    assert dock.report.topLevelItemCount() == 2
    plan_rows = items(dock.report)
    assert any("GHDLTB" in name for name in plan_rows)
    assert any(status == "missing" for status in plan_rows.values())         # STBHHX, CZKFBJ, LSWHBHX
    landuse = [l for l in QgsProject.instance().mapLayers().values() if l.customProperty(PROPERTY_KEY) == "GHYDYH"][0]
    assert landuse.labelsEnabled()
    assert dock.onemap_picker.recent()[0].endswith("township_onemap.gpkg")        # remembered
    assert dock.output_widget.filePath().endswith("village_conflicts_核对结果.gpkg")


def test_a_bad_source_is_reported_not_raised(dock, tmp_path):
    dock.onemap_picker.set_path(str(tmp_path / "missing.gpkg"))
    dock.load_button.click()
    row = dock.report.topLevelItem(0)
    assert "missing.gpkg" in row.text(0) and "missing.gpkg" in row.text(1)
    assert QgsProject.instance().mapLayers() == {}
    assert dock.onemap_picker.recent() == []                       # only sources that loaded are kept


def test_verify_runs_as_a_task_and_loads_the_findings(dock, tmp_path):
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(sample("village_conflicts.gpkg"))
    output = str(tmp_path / "result.gpkg")
    dock.output_widget.setFilePath(output)
    dock.verify_button.click()
    assert not dock.verify_button.isEnabled() and dock.cancel_button.isEnabled()
    wait_for(lambda: dock.task is None)
    assert os.path.isfile(output) and dock.progress.value() == 100
    assert dock.summary.text().startswith("11 errors, 5 warnings, 1 note ")
    findings = [l for l in QgsProject.instance().mapLayers().values() if l.customProperty(PROPERTY_KEY) == "findings"]
    assert findings and findings[0].featureCount() == 17
    assert dock.browser.model.rowCount() == 29 and dock.browser.review.path == output


def test_a_recheck_replaces_the_findings_layer_keeping_style_and_place(dock, tmp_path):
    from qgis.core import QgsFillSymbol, QgsSingleSymbolRenderer
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(sample("village_conflicts.gpkg"))
    dock.output_widget.setFilePath(str(tmp_path / "result.gpkg"))
    dock.load_button.click()
    dock.verify_button.click()
    wait_for(lambda: dock.task is None)
    layer = [l for l in QgsProject.instance().mapLayers().values() if l.customProperty(PROPERTY_KEY) == "findings"][0]
    layer.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({"color": "1,2,3"})))   # a reviewer's own style
    root = QgsProject.instance().layerTreeRoot()
    node = root.findLayer(layer.id())
    root.addChildNode(node.clone())                 # the reviewer moved it to the bottom
    root.removeChildNode(node)
    position = root.children().index(root.findLayer(layer.id()))
    assert position == len(root.children()) - 1 > 0
    dock.verify_button.click()
    wait_for(lambda: dock.task is None)
    findings = [l for l in QgsProject.instance().mapLayers().values() if l.customProperty(PROPERTY_KEY) == "findings"]
    assert [l.id() for l in findings] == [layer.id()] and layer.featureCount() == 17
    assert layer.renderer().symbol().color().name() == "#010203"
    assert root.children().index(root.findLayer(layer.id())) == position


def test_cancel_leaves_no_output(dock, tmp_path):
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(sample("village_conflicts.gpkg"))
    output = tmp_path / "cancelled.gpkg"
    dock.output_widget.setFilePath(str(output))
    dock.verify_button.click()
    dock.cancel_button.click()
    wait_for(lambda: dock.task is None)
    assert not output.exists() and list(tmp_path.iterdir()) == []
    assert "Cancelled" in dock.summary.text()
    assert dock.verify_button.isEnabled()


def test_verify_with_bad_input_shows_the_error(dock, tmp_path):
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(sample("township_onemap.gpkg"))          # no land-use layer
    dock.output_widget.setFilePath(str(tmp_path / "x.gpkg"))
    dock.verify_button.click()
    wait_for(lambda: dock.task is None)
    assert "land-use" in dock.summary.text() or "用地" in dock.summary.text()
    assert not (tmp_path / "x.gpkg").exists()


def test_toolbar_action_opens_and_unload_removes_the_panel(qgis_iface, qgis_processing):
    from plugin import classFactory
    plugin = classFactory(qgis_iface)
    plugin.initGui()
    plugin.actions[0].trigger()
    assert plugin.dock is not None and plugin.dock.isVisible()
    plugin.unload()
    assert plugin.dock is None and QgsApplication.processingRegistry().providerById("onemap") is None


def test_an_unexpected_error_in_the_task_is_shown_not_fatal(dock, tmp_path, monkeypatch):
    from plugin.gui import tasks

    def explode(**_kwargs):
        raise ValueError("boom")
    monkeypatch.setattr(tasks, "verify", explode)
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(sample("village_clean.gpkg"))
    dock.output_widget.setFilePath(str(tmp_path / "y.gpkg"))
    dock.verify_button.click()
    wait_for(lambda: dock.task is None)
    assert "boom" in dock.summary.text() and dock.verify_button.isEnabled()


def add_two_plans(dock, folder):
    """The two sample village plans copied into `folder` and added to the panel's plans; their paths."""
    import shutil
    plans = []
    for name in ("village_clean.gpkg", "village_conflicts.gpkg"):
        shutil.copy(sample(name), folder / name)
        plans.append(str(folder / name))
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    for plan in plans:
        dock.plan_picker.set_path(plan)
        dock.add_plan()
    return plans


def test_several_plans_are_loaded_and_checked_into_the_chosen_folder(dock, tmp_path):
    plans = add_two_plans(dock, tmp_path)
    assert dock.plan_paths() == plans and dock.plan_picker.path() == ""
    dock.load_button.click()
    assert dock.report.topLevelItemCount() == 3
    assert dock.plan_picker.recent()[:2] == plans[::-1]
    dock.output_widget.setFilePath(str(tmp_path / "out" / "chosen.gpkg"))      # several plans: its folder
    dock.verify_button.click()
    wait_for(lambda: dock.export_panel.task is None and dock.verify_button.isEnabled())
    assert dock.export_panel.status.text().startswith("2 plans checked, 0 failed")
    assert sorted(os.listdir(tmp_path / "out")) == ["summary.gpkg", "summary.xlsx", "village_clean_核对结果.gpkg",
                                                    "village_conflicts_核对结果.gpkg"]
    assert sorted(os.listdir(tmp_path)) == ["out"] + sorted(os.path.basename(p) for p in plans)   # none beside
    combo = dock.browser.results_combo                  # each plan's findings, one after another in the browser
    assert [combo.itemText(i) for i in range(combo.count())] == ["village_clean.gpkg", "village_conflicts.gpkg"]
    assert combo.isVisibleTo(dock) and dock.browser.review.path.endswith("village_conflicts_核对结果.gpkg")


def test_several_plans_with_the_findings_file_beside_them_ask_for_another_folder(dock, tmp_path, monkeypatch):
    """The default findings file lies beside the plan; several plans are never checked into their own folder:
    the panel asks for a folder (before, the batch was refused), and the summary layer draws outlines only."""
    import shutil

    from qgis.PyQt.QtWidgets import QFileDialog
    asked = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: asked.append(a[1]) or str(tmp_path / "out"))
    from plugin.gui import export_panel
    monkeypatch.setattr(export_panel, "chinese_ui", lambda: True)       # (the summary's fields by their Chinese names)
    add_two_plans(dock, tmp_path)
    dock.output_widget.setFilePath(str(tmp_path / "village_conflicts_核对结果.gpkg"))   # beside the plans
    dock.verify_button.click()
    wait_for(lambda: dock.export_panel.task is None and dock.verify_button.isEnabled())
    assert len(asked) == 1 and "plans' own folder" in asked[0]
    assert dock.export_panel.status.text().startswith("2 plans checked, 0 failed")
    assert dock.summary.text() == "2 plans checked, 0 failed — {}".format(tmp_path / "out" / "summary.gpkg")
    assert "summary.gpkg" in os.listdir(tmp_path / "out")
    summary = [layer for layer in QgsProject.instance().mapLayers().values() if layer.source().endswith("layername=plans")]
    assert len(summary) == 1
    rules = summary[0].renderer().rootRule().children()
    assert {rule.label() for rule in rules} == {"不通过", "无法判定", "失败", "通过"}
    assert all(rule.symbol().symbolLayer(0).brushStyle() == Qt.BrushStyle.NoBrush for rule in rules)
    fields = summary[0].fields()                   # a desktop walk: English field names only (GDAL 3.6 stores no alias)
    assert [fields.field(name).alias() for name in ("village", "conclusion", "errors")] == ["村庄", "核对结论", "错误"]
    other = tmp_path / "again" / "village_clean_核对结果.gpkg"        # the same plan's findings from elsewhere
    other.parent.mkdir()
    shutil.copy(tmp_path / "out" / "village_clean_核对结果.gpkg", other)
    dock.browser.add_result(str(other), "village_clean.gpkg")
    combo = dock.browser.results_combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "village_clean.gpkg", "village_conflicts.gpkg", "village_clean.gpkg（again）"]


def test_a_password_is_never_remembered(qgis_app):
    from plugin.gui.source_picker import SourcePicker
    QgsSettings().remove("onemap/recent/secret")
    picker = SourcePicker("secret")
    picker.remember("PG:host=db dbname=plan user=u password=hunter2")
    picker.remember("pgconn:saved/plan")
    assert picker.recent() == ["pgconn:saved/plan"]


def test_export_buttons_after_a_check_write_report_and_sheets(dock, tmp_path, monkeypatch):
    from qgis.PyQt.QtWidgets import QFileDialog
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(sample("village_conflicts.gpkg"))
    assert not dock.export_panel.report_button.isEnabled()
    dock.output_widget.setFilePath(str(tmp_path / "findings.gpkg"))
    dock.verify_button.click()
    wait_for(lambda: dock.task is None and dock.verify_button.isEnabled())
    assert dock.export_panel.report_button.isEnabled()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "report.xlsx"), ""))
    dock.export_panel.report_button.click()
    wait_for(lambda: dock.export_panel.task is None)                 # exports run as tasks
    assert (tmp_path / "report.xlsx").is_file()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "sheets"))
    dock.export_panel.sheets_button.click()
    wait_for(lambda: dock.export_panel.task is None)
    assert len([n for n in os.listdir(tmp_path / "sheets") if n.endswith(".pdf")]) == 4
    assert str(tmp_path / "sheets") in dock.export_panel.status.text()


def test_the_map_zooms_to_the_plan_not_to_a_layer_its_crs_cannot_place(qgis_iface, qgis_new_project, tmp_path):
    """A village boundary written with 带号 (37 560 000) in EPSG:4546 beside sound land use: the map shows the
    land use, not the whole world (desktop walk: 1:221 150 832 and a blank map)."""
    from osgeo import ogr
    from qgis.core import QgsCoordinateReferenceSystem, QgsVectorLayer

    from helpers import gpkg, landuse, square
    from plugin.gui.findings_view import zoom_to_layers
    x, y = 560000.0, 4100000.0
    path = gpkg(tmp_path / "plan.gpkg", 4546, {
        "GHYDYH": landuse(("0701", square(x, y, x + 200, y + 100))),
        "CJDCQ": ([("XZQDM", ogr.OFTString)], [(square(x + 37000000, y, x + 37000200, y + 100), {"XZQDM": "1"})])})
    stale = gpkg(tmp_path / "stale.gpkg", 4546, {"GHYDYH": landuse(
        ("0701", square(x + 300, y, x + 400, y + 100)), ("0701", square(x + 37000000, y, x + 37000100, y + 100)))})
    dataset = ogr.Open(stale, 1)                      # the stray parcel deleted: the stored extent still spans it
    dataset.GetLayerByName("GHYDYH").DeleteFeature(2)
    dataset = None
    layers = [QgsVectorLayer("{}|layername={}".format(path, name), name, "ogr") for name in ("GHYDYH", "CJDCQ")]
    layers.append(QgsVectorLayer("{}|layername=GHYDYH".format(stale), "stale", "ogr"))
    assert layers[2].extent().xMaximum() > 37000000                   # (the case: a stale stored extent)
    QgsProject.instance().addMapLayers(layers)
    qgis_iface.mapCanvas().setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4546"))
    zoom_to_layers(qgis_iface, [layer.id() for layer in layers])
    extent = qgis_iface.mapCanvas().extent()
    assert extent.contains(layers[0].extent()) and extent.width() < 2000, extent.toString()
    assert extent.xMaximum() > x + 400                                 # the sound layer with a stale extent kept
