"""A finding's attribute form (a double click in the findings browser) as a county technician reads it.
Desktop walk on QGIS 3.44: 面积 read 4999.999999985099 and X/Y raw floats, 规则（英文） was shown in the Chinese
UI, the form opened so small its values were cut, and 规划图层 read "GHYDYH" where the plan's layer is GHDLTB.
The findings GeoPackage's columns and values stay as written (a contract): only their presentation changes."""
import pytest
from osgeo import ogr
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QComboBox, QPlainTextEdit, QScrollArea, QWidget

from conftest import sample
from test_browser_review import desktop_font  # noqa: F401 — autouse: QGIS's 9 pt desktop font, as in the panel's tests
from plugin.core.check.engine import verify
from plugin.core.read.loading import PROPERTY_KEY, load_source
from plugin.core.review.findings_layer import load_findings, present
from plugin.core.review.layout import FINDING_FIELDS


@pytest.fixture(scope="module")
def findings_file(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("form") / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=path)
    return path


def open_form(iface, layer, rule_id):
    from plugin.gui.feature_form import open_feature_form
    feature = next(f for f in layer.getFeatures() if f["rule_id"] == rule_id)
    dialog = open_feature_form(iface, layer, feature, None)
    QCoreApplication.processEvents()
    return dialog


def shown(dialog, field):
    """(what the form shows for a field, whether it is shown at all)."""
    named = [w for w in dialog.findChildren(QWidget) if w.objectName() == field]     # its row, then its editor
    if not named:
        return "", False
    editor = named[-1]
    if isinstance(editor, QComboBox):
        return editor.currentText(), named[0].isVisible()
    return editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text(), named[0].isVisible()


def test_figures_to_two_decimals_and_the_plan_layer_by_its_name(qgis_iface, qgis_new_project, findings_file):
    load_source(sample("village_conflicts.gpkg"), QgsProject.instance())
    landuse = next(l for l in QgsProject.instance().mapLayers().values() if l.customProperty(PROPERTY_KEY) == "GHYDYH")
    layer = load_findings(findings_file, QgsProject.instance(), "杜村", chinese=True)
    feature = next(f for f in layer.getFeatures() if f["rule_id"] == "CL-01")
    assert abs(feature["area_m2"] - 5000.0) < 1e-6 and feature["area_m2"] != 5000.0       # as stored: a raw float
    dialog = open_form(qgis_iface, layer, "CL-01")
    assert shown(dialog, "area_m2") == ("5000.00", True)
    assert shown(dialog, "x")[0] == "{:.2f}".format(feature["x"]) and shown(dialog, "y")[0] == "{:.2f}".format(feature["y"])
    assert shown(dialog, "plan_layer")[0] == landuse.name() and "GHDLTB" in landuse.name()
    assert shown(dialog, "message")[0] == feature["message"]                  # in full, wrapped
    assert shown(dialog, "rule_title_en")[1] is False and shown(dialog, "rule_title")[1] is True
    dialog.close()
    dialog = open_form(qgis_iface, layer, "CRS-01")                  # no plan layer: empty, not "()"
    assert shown(dialog, "plan_layer")[0] == "" and shown(dialog, "area_m2")[0] == "NULL"
    dialog.close()


def test_the_english_ui_shows_the_english_title(qgis_iface, qgis_new_project, findings_file):
    layer = load_findings(findings_file, QgsProject.instance(), "Du", chinese=False)
    dialog = open_form(qgis_iface, layer, "CL-01")
    feature = next(f for f in layer.getFeatures() if f["rule_id"] == "CL-01")
    assert shown(dialog, "rule_title_en") == (feature["rule_title_en"], True)
    assert shown(dialog, "plan_layer")[0].endswith(" (GHYDYH)")              # not loaded: its schema name
    dialog.close()


def test_without_the_plan_loaded_the_plan_layer_reads_its_schema_name(qgis_iface, qgis_new_project, findings_file):
    layer = load_findings(findings_file, QgsProject.instance(), "杜村", chinese=True)
    dialog = open_form(qgis_iface, layer, "CL-01")
    assert shown(dialog, "plan_layer")[0] == "规划用地用海（GHYDYH）"
    dialog.close()
    load_source(sample("village_conflicts.gpkg"), QgsProject.instance())          # loaded later: named as loaded
    present(layer, QgsProject.instance(), chinese=True)
    dialog = open_form(qgis_iface, layer, "CL-01")
    assert "GHDLTB" in shown(dialog, "plan_layer")[0]
    dialog.close()


def test_the_form_is_big_enough_to_read_whole(qgis_iface, qgis_new_project, findings_file):
    """Every finding's form at QGIS's desktop font: no value runs past the form's width, nor is one cut (a
    CRS-01 finding names five layers; the plan layer's list holds every plan layer named)."""
    from qgis.PyQt.QtWidgets import QApplication

    from plugin.gui.feature_form import FORM_SIZE, SCREEN_SHARE
    layer = load_findings(findings_file, QgsProject.instance(), "杜村", chinese=True)
    room = QApplication.primaryScreen().availableGeometry()
    for rule_id in sorted({f["rule_id"] for f in layer.getFeatures()}):
        dialog = open_form(qgis_iface, layer, rule_id)
        assert dialog.width() >= min(FORM_SIZE[0], int(room.width() * SCREEN_SHARE)), rule_id
        assert dialog.height() == min(FORM_SIZE[1], int(room.height() * SCREEN_SHARE)), rule_id
        scroll = dialog.findChild(QScrollArea)
        assert scroll.widget().minimumSizeHint().width() <= scroll.viewport().width(), rule_id
        dialog.close()


def test_a_form_wider_than_its_fields_need_is_widened(qgis_iface, qgis_new_project, findings_file):
    """A bigger font (13 pt): the form grows to its fields' width, within the screen."""
    from qgis.PyQt.QtGui import QFont
    from qgis.PyQt.QtWidgets import QApplication
    QApplication.setFont(QFont("Sans Serif", 13))             # (desktop_font gives the font back)

    from plugin.gui.feature_form import FORM_SIZE, SCREEN_SHARE, widen
    layer = load_findings(findings_file, QgsProject.instance(), "杜村", chinese=True)
    dialog = open_form(qgis_iface, layer, "ATT-01")
    scroll = dialog.findChild(QScrollArea)
    limit = int(QApplication.primaryScreen().availableGeometry().width() * SCREEN_SHARE)

    def fits():
        return scroll.widget().minimumSizeHint().width() <= scroll.viewport().width() or dialog.width() == limit
    assert dialog.width() >= FORM_SIZE[0] and fits()
    dialog.resize(300, dialog.height())                      # narrower than its fields (whatever QGIS lays out)
    QApplication.processEvents()
    assert not fits()
    widen(dialog, limit)
    QApplication.processEvents()
    assert dialog.width() > 300 and fits()
    dialog.close()


def test_the_findings_file_keeps_its_columns(qgis_new_project, findings_file):
    layer = load_findings(findings_file, QgsProject.instance(), "杜村", chinese=True)
    assert layer.fields().names() == ["fid"] + [name for name, _kind in FINDING_FIELDS]
    dataset = ogr.Open(findings_file)
    definition = dataset.GetLayerByName("findings").GetLayerDefn()
    assert [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())] == \
        [name for name, _kind in FINDING_FIELDS]


def test_the_control_layer_by_its_name(qgis_iface, qgis_new_project, findings_file):
    """A desktop walk: 对照图层 read YJJBNTBHTB. It reads as the layer tree names the one map's layer where it
    is loaded, else 永久基本农田（YJJBNTBHTB）; CRS-01's five layers by their names alone, within the form."""
    layer = load_findings(findings_file, QgsProject.instance(), "杜村", chinese=True)
    dialog = open_form(qgis_iface, layer, "CL-01")
    assert shown(dialog, "control_layer")[0] == "永久基本农田（YJJBNTBHTB）"
    dialog.close()
    dialog = open_form(qgis_iface, layer, "CRS-01")
    names = shown(dialog, "control_layer")[0]
    assert names.startswith("村级调查区、") and "YJJBNTBHTB" not in names
    dialog.close()
    load_source(sample("township_onemap.gpkg"), QgsProject.instance())
    present(layer, QgsProject.instance(), chinese=True)
    farmland = next(l for l in QgsProject.instance().mapLayers().values()
                    if l.customProperty(PROPERTY_KEY) == "YJJBNTBHTB")
    dialog = open_form(qgis_iface, layer, "CL-01")
    assert shown(dialog, "control_layer")[0] == farmland.name()
    dialog.close()
    stored = ogr.Open(findings_file)
    assert {f["control_layer"] for f in stored.GetLayerByName("findings") if f["rule_id"] == "CL-01"} == {"YJJBNTBHTB"}


def test_crs_01s_layer_names_are_shown_whole(qgis_iface, qgis_new_project, findings_file):
    """The five names take no more than the box the form gives them (the box does not widen the form)."""
    from qgis.PyQt.QtGui import QFontMetrics
    layer = load_findings(findings_file, QgsProject.instance(), "杜村", chinese=True)
    dialog = open_form(qgis_iface, layer, "CRS-01")
    box = [w for w in dialog.findChildren(QComboBox) if w.objectName() == "control_layer"][-1]
    assert QFontMetrics(box.font()).horizontalAdvance(box.currentText()) < box.width() - 20
    dialog.close()


def test_a_file_naming_thousands_of_layers_keeps_its_values_as_written(qgis_new_project, tmp_path):
    """A hostile findings file with 3 000 distinct control_layer values (a red team): no value map, which
    QGIS 3.22 rebuilds for every cell shown (9 ms a row), only the values as stored."""
    import shutil
    path = str(tmp_path / "many.gpkg")
    shutil.copy(verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"),
                       output=str(tmp_path / "f.gpkg")).output, path)
    dataset = ogr.Open(path, 1)
    layer = dataset.GetLayerByName("findings")
    template = layer.GetFeature(1)
    for n in range(3000):
        feature = template.Clone()
        feature.SetFID(-1)
        feature.SetField("control_layer", "L{}".format(n))
        layer.CreateFeature(feature)
    template = layer = None
    dataset = None                                   # (its layer let go first)
    loaded = load_findings(path, QgsProject.instance(), "杜村", chinese=True)
    assert loaded.editorWidgetSetup(loaded.fields().indexOf("control_layer")).type() != "ValueMap"
    assert loaded.editorWidgetSetup(loaded.fields().indexOf("plan_layer")).type() == "ValueMap"
