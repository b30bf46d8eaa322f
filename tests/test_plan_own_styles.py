"""A plan or one map may carry its own default style (a GeoPackage's `layer_styles`, a .qml beside a shapefile):
form Python, actions, HTML widgets, virtual fields. None of it reaches a loaded layer — tables (GHZBB, CJZBFJ)
included, which get no OneMap style — and reading for a check evaluates none of it (issue 18, red team #2)."""
import os
import shutil

from osgeo import gdal
from qgis.core import (
    QgsAction,
    QgsEditFormConfig,
    QgsEditorWidgetSetup,
    QgsField,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QVariant

from conftest import sample
from plugin.core.read.loading import PROPERTY_KEY, load_source
from plugin.core.read.sources import open_source

FORM_PYTHON = "def formOpen(dialog, layer, feature):\n    open('{}', 'w').write('ran')\n"


def hostile(layer, marker):
    """Give the layer everything a style can carry beyond a look."""
    config = layer.editFormConfig()
    config.setInitCodeSource(QgsEditFormConfig.PythonInitCodeSource.CodeSourceDialog)
    config.setInitFunction("formOpen")
    config.setInitCode(FORM_PYTHON.format(marker))
    layer.setEditFormConfig(config)
    layer.actions().addAction(QgsAction(QgsAction.ActionType.GenericPython, "run", "open('{}', 'w')".format(marker)))
    layer.addExpressionField("sqlite_fetch_and_increment('{}', 't', 'c', 'k', 'v', 1)".format(marker),
                             QgsField("counter", QVariant.Int))
    layer.setEditorWidgetSetup(0, QgsEditorWidgetSetup("WebView", {}))
    layer.setMapTipTemplate("<img src='http://127.0.0.1:9/x'>")


def give_default_style(path, layer_name, marker):
    layer = QgsVectorLayer("{}|layername={}".format(path, layer_name), layer_name, "ogr")
    hostile(layer, marker)
    message = layer.saveStyleToDatabase("own", "", True, "")
    assert not message, message


def assert_only_data(layer):
    config = layer.editFormConfig()
    assert config.initCode() == "" and config.initFunction() == ""
    assert not layer.actions().actions() and layer.mapTipTemplate() == ""
    assert "counter" not in layer.fields().names()
    assert all(layer.editorWidgetSetup(i).type() != "WebView" for i in range(layer.fields().count()))


def test_a_plan_s_own_default_styles_bring_no_code_to_tables_or_map_layers(qgis_new_project, tmp_path):
    plan = str(tmp_path / "village.gpkg")
    shutil.copy(sample("village_conflicts.gpkg"), plan)
    gdal.VectorTranslate(plan, os.path.join(sample("village_realdb"), "规划表格.gdb"), accessMode="append", layers=["GHZBB"],
                         format="GPKG")
    marker = str(tmp_path / "ran")
    for name in ("GHZBB", "GHDLTB"):
        give_default_style(plan, name, marker)
    assert "formOpen" in QgsVectorLayer(plan + "|layername=GHZBB", "", "ogr").editFormConfig().initFunction()  # carried
    report = load_source(plan, QgsProject.instance())
    loaded = {key: QgsProject.instance().mapLayer(layer_id) for key, layer_id, _status in report.loaded}
    assert {"GHZBB", "GHYDYH"} <= set(loaded)
    for layer in loaded.values():
        assert_only_data(layer)
    assert loaded["GHYDYH"].renderer().type() == "RuleRenderer"          # OneMap's style still applies
    source = open_source(plan)
    assert_only_data(source.open_layer("GHZBB"))                          # what a check reads, too


def test_the_one_map_s_allocation_table_and_a_shapefile_s_sidecar_style(qgis_new_project, tmp_path):
    onemap = str(tmp_path / "onemap.gpkg")
    shutil.copy(sample("township_onemap.gpkg"), onemap)
    marker = str(tmp_path / "ran")
    give_default_style(onemap, "CJZBFJ", marker)
    folder = tmp_path / "village_shp"
    gdal.VectorTranslate(str(folder), sample("village_clean.gpkg"), format="ESRI Shapefile",
                         layerCreationOptions=["ENCODING=UTF-8"])
    shapefile = QgsVectorLayer(str(folder / "GHDLTB.shp"), "GHDLTB", "ogr")
    hostile(shapefile, marker)
    shapefile.saveNamedStyle(str(folder / "GHDLTB.qml"))                  # QGIS loads it with the .shp by default
    assert QgsVectorLayer(str(folder / "GHDLTB.shp"), "x", "ogr").editFormConfig().initFunction() == "formOpen"
    for path, key in ((onemap, "CJZBFJ"), (str(folder), "GHYDYH")):
        report = load_source(path, QgsProject.instance())
        layer = next(QgsProject.instance().mapLayer(i) for k, i, _s in report.loaded if k == key)
        assert layer.customProperty(PROPERTY_KEY) == key
        assert_only_data(layer)
    assert not (tmp_path / "ran").exists()
