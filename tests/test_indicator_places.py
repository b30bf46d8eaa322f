"""An indicator row of the findings browser shows the area its figure is about: UNIT-01…03 rows the 规划单元 of the
one map (passed and failed alike), IND-01 rows the village. A row with nothing to show says so in the status line
under the counts — never a click that silently does nothing."""
import shutil
import sqlite3

import pytest
from qgis.core import QgsCoordinateTransform, QgsProject, QgsRectangle
from qgis.PyQt.QtCore import QCoreApplication

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.read.loading import PROPERTY_KEY, load_source
from plugin.core.review.findings_layer import load_findings


@pytest.fixture(scope="module")
def detailed_findings(tmp_path_factory):
    output = str(tmp_path_factory.mktemp("places") / "findings.gpkg")
    verify(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"), output=output)
    return output


def open_browser(qgis_iface, path, title):
    from plugin.gui.findings_view import FindingsBrowser
    load_findings(path, QgsProject.instance(), title)
    browser = FindingsBrowser(qgis_iface)
    browser.chinese = browser.model.chinese = True
    browser.resize(700, 600)
    browser.add_result(path, title)
    QCoreApplication.processEvents()
    return browser


@pytest.fixture
def browser(qgis_iface, qgis_new_project, detailed_findings, tmp_path):
    path = str(tmp_path / "findings.gpkg")
    shutil.copy(detailed_findings, path)
    load_source(sample("detailed_onemap.gpkg"), QgsProject.instance())
    load_source(sample("detailed_plan.gpkg"), QgsProject.instance())
    widget = open_browser(qgis_iface, path, "控规")
    yield widget
    widget.deleteLater()


def row_of(browser, rule_id, starts=""):
    """The proxy index of the first child row of `rule_id` whose text starts with `starts`."""
    proxy = browser.proxy
    head = next(proxy.index(r, 0) for r in range(proxy.rowCount()) if proxy.index(r, 0).data().startswith(rule_id + " "))
    return next(proxy.index(n, 0, head) for n in range(proxy.rowCount(head))
                if proxy.index(n, 0, head).data().startswith(starts))


def layer_of(key):
    return next(l for l in QgsProject.instance().mapLayers().values() if l.customProperty(PROPERTY_KEY) == key)


def unit(code):
    units = layer_of("GHDY")
    return next(f for f in units.getFeatures() if f["DYBH"] == code)


def canvas_box(canvas, layer, geometry):
    return QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(),
                                  QgsProject.instance()).transformBoundingBox(geometry.boundingBox())


def click(browser, index):
    browser.view.setCurrentIndex(index)
    browser.view.clicked.emit(index)
    QCoreApplication.processEvents()


def shows_whole(canvas, box):
    extent = canvas.extent()
    return extent.contains(box) and min(extent.width() / box.width(), extent.height() / box.height()) < 1.3


@pytest.mark.parametrize("rule_id, row, code", [
    ("UNIT-03", "幼儿园（A）", "A"),                 # passed, no finding behind it
    ("UNIT-01", "城镇建设用地规模（A）", "A"),         # passed
    ("UNIT-01", "城镇建设用地规模（B）", "B"),         # failed: its finding's place is a point in the unit
    ("UNIT-03", "消防站（B）", "B")])                 # failed
def test_a_units_row_shows_that_unit_whole(browser, qgis_iface, rule_id, row, code):
    canvas = qgis_iface.mapCanvas()
    canvas.setExtent(QgsRectangle(0, 0, 1, 1))
    click(browser, row_of(browser, rule_id, row))
    feature = unit(code)
    assert shows_whole(canvas, canvas_box(canvas, layer_of("GHDY"), feature.geometry()))
    assert layer_of("GHDY").selectedFeatureIds() == []           # a selected unit would be painted solid yellow
    assert browser.summary.text().splitlines()[-1].endswith("规划单元 {0}（城关{0}单元）".format(code))
    assert browser.summary.text().startswith("错误 17 个")                        # the counts stay


def test_a_double_click_on_a_passed_units_row_opens_the_units_form(browser, qgis_iface, monkeypatch):
    opened = []
    monkeypatch.setattr(qgis_iface, "openFeatureForm", lambda layer, feature, *a: opened.append(
        (layer.customProperty(PROPERTY_KEY), feature["DYBH"])), raising=False)
    browser.view.doubleClicked.emit(row_of(browser, "UNIT-03", "中小学（A）"))
    assert opened == [("GHDY", "A")]


def test_a_whole_plan_figure_says_it_has_no_place_of_its_own(browser, qgis_iface):
    canvas = qgis_iface.mapCanvas()
    canvas.setExtent(QgsRectangle(0, 0, 1, 1))
    before = canvas.extent()
    click(browser, row_of(browser, "DP-06"))
    assert canvas.extent() == before
    assert "whole plan" in browser.summary.text() or "整个规划" in browser.summary.text()


def test_without_the_one_map_in_the_project_the_unit_is_read_from_the_checked_file(qgis_iface, qgis_new_project,
                                                                                     detailed_findings, tmp_path):
    path = str(tmp_path / "findings.gpkg")
    shutil.copy(detailed_findings, path)
    browser = open_browser(qgis_iface, path, "控规")                             # nothing loaded but the findings
    canvas = qgis_iface.mapCanvas()
    canvas.setExtent(QgsRectangle(0, 0, 1, 1))
    click(browser, row_of(browser, "UNIT-03", "幼儿园（A）"))
    from qgis.core import QgsVectorLayer
    units = QgsVectorLayer(sample("detailed_onemap.gpkg") + "|layername=GHDY", "u", "ogr")
    feature = next(f for f in units.getFeatures() if f["DYBH"] == "A")
    assert shows_whole(canvas, canvas_box(canvas, units, feature.geometry()))
    browser.deleteLater()


def test_a_unit_that_cannot_be_located_is_said_so(qgis_iface, qgis_new_project, detailed_findings, tmp_path):
    """A findings file naming a one map that is not on this machine (never opened) and not loaded; a unit code the
    loaded one map lacks."""
    path = str(tmp_path / "findings.gpkg")
    shutil.copy(detailed_findings, path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE run SET onemap_path = '//elsewhere/share/onemap.gpkg'")
    browser = open_browser(qgis_iface, path, "控规")
    canvas = qgis_iface.mapCanvas()
    canvas.setExtent(QgsRectangle(0, 0, 1, 1))
    before = canvas.extent()
    click(browser, row_of(browser, "UNIT-03", "幼儿园（A）"))
    assert canvas.extent() == before
    last = browser.summary.text().splitlines()[-1]
    assert "规划单元 A" in last and ("load the layers" in last or "加载图层" in last), last
    browser.deleteLater()
    other = str(tmp_path / "other.gpkg")
    shutil.copy(detailed_findings, other)
    with sqlite3.connect(other) as db:
        db.execute("UPDATE indicators SET village_code = 'Z' WHERE village_code = 'A'")
    load_source(sample("detailed_onemap.gpkg"), QgsProject.instance())
    browser = open_browser(qgis_iface, other, "控规")
    click(browser, row_of(browser, "UNIT-03", "幼儿园（A）"))
    assert "Z" in browser.summary.text().splitlines()[-1] and canvas.extent() == before
    browser.deleteLater()


def test_a_village_indicator_shows_the_village_and_a_crs_finding_says_it_has_no_place(qgis_iface, qgis_new_project,
                                                                                      tmp_path):
    path = str(tmp_path / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=path)
    load_source(sample("village_conflicts.gpkg"), QgsProject.instance())
    browser = open_browser(qgis_iface, path, "杜村")
    canvas = qgis_iface.mapCanvas()
    canvas.setExtent(QgsRectangle(0, 0, 1, 1))
    click(browser, row_of(browser, "IND-01", "耕地保有量"))                        # passed
    village = layer_of("CJDCQ")
    feature = next(village.getFeatures())
    assert shows_whole(canvas, canvas_box(canvas, village, feature.geometry()))
    assert "村 " in browser.summary.text().splitlines()[-1]
    canvas.setExtent(QgsRectangle(0, 0, 1, 1))
    before = canvas.extent()
    click(browser, row_of(browser, "CRS-01"))
    assert canvas.extent() == before
    assert "no place on the map" in browser.summary.text() or "没有" in browser.summary.text()
    browser.deleteLater()


def test_a_rules_note_on_parcels_it_left_to_another_rule_is_a_row_under_its_findings(browser):
    proxy = browser.proxy
    head = next(proxy.index(r, 0) for r in range(proxy.rowCount()) if proxy.index(r, 0).data().startswith("DP-05 "))
    rows = [proxy.index(n, 0, head).data() for n in range(proxy.rowCount(head))]
    assert len(rows) == 3 and all("位于城镇开发边界外" in row for row in rows[:2])
    assert rows[2] == ("说明：1 个用途无法识别的地块（代码 R2）未参与本规则核对，见 ATT-01；1 个地块（A07-02）已由 DP-01 报告，"
                       "本规则不重复列出；1 个地块（B07-01）已由 DP-04 报告，本规则不重复列出")
    click(browser, proxy.index(2, 0, head))                  # a note: nothing to show, nothing said
    assert len(browser.summary.text().splitlines()) == 1
