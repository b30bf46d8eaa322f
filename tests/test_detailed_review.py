"""A detailed plan's findings as a reviewer reads them: the unit transmission table in the report (PDF, HTML,
XLSX, read back) and in the findings browser, and a click on a parcel's finding selecting that parcel."""
import shutil
import subprocess

import pytest
from osgeo import ogr
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QCoreApplication

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.export.report import export_report
from plugin.core.read.loading import load_source
from plugin.core.review.findings_layer import load_findings


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    output = str(tmp_path_factory.mktemp("detailed_review") / "findings.gpkg")
    verify(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"), output=output)
    return output


def test_report_has_the_unit_table_and_keeps_the_plan_name(findings, tmp_path):
    pdf, html, xlsx = (str(tmp_path / "report.{}".format(ext)) for ext in ("pdf", "html", "xlsx"))
    for path in (pdf, html, xlsx):
        export_report(findings, path)
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert text.strip().startswith("阳泉曲镇镇区控制性详细规划（示例）一张图核对报告")   # its 规划范围's name (not "A、B"
                                                                                    # from the units' codes, not the file)
    assert "单元指标传导" in text and "万平方米" in text and "消防站" in text
    page = open(html, encoding="utf-8").read()
    assert page.count("<h3") == 1 and "城镇建设用地规模" in page.split("单元指标传导")[1]
    dataset = ogr.Open(xlsx)
    sheet = dataset.GetLayerByName("单元指标传导")
    rows = {(f["单元"], f["指标"]): (f["下达"], f["规划"], f["单位"], f["结论"]) for f in sheet}
    assert rows[("B", "消防站")] == (1.0, 0.0, "处", "不符合")
    assert rows[("A", "总建筑面积")][2:] == ("万平方米", "不符合")
    assert rows[("B", "城镇建设用地规模")][0] == 56.0 and rows[("B", "城镇建设用地规模")][3] == "不符合"
    assert dataset.GetLayerByName("指标").GetFeatureCount() == 0           # no village allocation rows
    share = rows[("—", "城镇开发边界外规划城镇建设用地占比")]                # DP-06: a share, in % as the panel says
    assert share[0] == 10.0 and round(share[1], 3) == 4.745 and share[2:] == ("%", "符合")
    row = next(line.split() for line in text.splitlines() if line.strip().startswith("— "))
    assert row[2:7] == ["不超过", "10", "4.7455", "%", "符合"], row


def test_browser_lists_each_units_figures_under_its_rule(findings, tmp_path, qgis_iface, qgis_new_project):
    from plugin.gui.findings_view import FindingsBrowser
    path = str(tmp_path / "findings.gpkg")
    shutil.copy(findings, path)
    load_source(sample("detailed_plan.gpkg"), QgsProject.instance())
    load_findings(path, QgsProject.instance(), "控规")
    browser = FindingsBrowser(qgis_iface)
    browser.chinese = browser.model.chinese = True
    browser.add_result(path, "控规")
    QCoreApplication.processEvents()
    proxy = browser.proxy

    def children(rule_id):
        row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data().startswith(rule_id + " "))
        parent = proxy.index(row, 0)
        return [proxy.index(n, 0, parent).data() for n in range(proxy.rowCount(parent))]
    assert sorted(children("UNIT-03")) == sorted([
        "幼儿园（A）：下达 2 处，规划 3 处", "中小学（A）：下达 1 处，规划 1 处", "社区卫生服务站（A）：下达 1 处，规划 1 处",
        "文化活动中心（A）：下达 1 处，规划 1 处", "幼儿园（B）：下达 2 处，规划 1 处", "消防站（B）：下达 1 处，规划 0 处",
        "变电站（B）：下达 1 处，规划 2 处", "垃圾转运站（B）：下达 1 处，规划 3 处"])
    land = children("UNIT-01")
    assert len(land) == 2 and land[1].startswith("城镇建设用地规模（B）：下达 56.00 公顷（840.00 亩），规划 59.03 公顷")
    assert children("UNIT-02")[0].startswith("总建筑面积（A）：下达 95.7 万平方米，规划 98.67 万平方米")
    assert children("DP-06") == ["城镇开发边界外规划城镇建设用地占比：下达 10 %，规划 4.745 %"]
    # a click on a parcel's finding selects that parcel in the plan's 规划地块 layer
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data().startswith("SX-02 "))
    finding = proxy.index(0, 0, proxy.index(row, 0))
    browser.view.setCurrentIndex(finding)
    browser.view.clicked.emit(finding)
    QCoreApplication.processEvents()
    parcels = next(layer for layer in QgsProject.instance().mapLayers().values() if layer.name() == "规划地块")
    assert [f["DKBH"] for f in parcels.selectedFeatures()] == ["A06-01"]
    browser.close()
    browser.deleteLater()


def test_live_recheck_of_a_parcel_replaces_its_findings(findings, tmp_path):
    """The live re-check keys a detailed plan's findings on its parcels' layer (GHDK), as the full run does."""
    import sqlite3

    from qgis.core import QgsFeature, QgsVectorLayer

    from plugin.core.check.recheck import Recheck
    path = str(tmp_path / "findings.gpkg")
    shutil.copy(findings, path)
    checker = Recheck(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"))
    checker.prepare()
    layer = QgsVectorLayer(sample("detailed_plan.gpkg") + "|layername=GHDK", "parcels", "ogr")
    shop = next(f for f in layer.getFeatures() if f["DKBH"] == "A06-01")      # the shop in the park's 绿线
    assert [(f.rule_id, f.plan_layer, f.plan_label) for f in checker.check(shop) if f.rule_id == "SX-02"] == [
        ("SX-02", "GHDK", "A06-01")]
    moved = QgsFeature(shop)
    geometry = moved.geometry()
    geometry.translate(300.0, 0.0)                                          # into 街区 B05: no line there
    moved.setGeometry(geometry)
    found = checker.check(moved)
    checker.apply(path, shop.id(), found)
    with sqlite3.connect(path) as db:
        left = db.execute("SELECT count(*) FROM findings WHERE rule_id = 'SX-02'").fetchone()[0]
        served = db.execute("SELECT count(*) FROM findings WHERE plan_layer = 'GHYDYH'").fetchone()[0]
    assert left == 0 and served == 0
