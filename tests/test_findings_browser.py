"""The findings browser, clicked as a reviewer would: rule rows, navigation, filters, decisions."""
import shutil

import pytest
from qgis.core import QgsCoordinateTransform, QgsProject, QgsRectangle
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.read.loading import PROPERTY_KEY, load_source
from plugin.core.review import decisions
from plugin.core.review.findings_layer import load_findings
from plugin.core.review.reader import Review


@pytest.fixture(scope="module")
def result_path(tmp_path_factory):
    output = str(tmp_path_factory.mktemp("browser") / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=output)
    return output


@pytest.fixture
def browser(qgis_iface, qgis_new_project, result_path, tmp_path):
    from plugin.gui.findings_view import FindingsBrowser
    path = str(tmp_path / "findings.gpkg")
    shutil.copy(result_path, path)                           # decisions are written into it
    load_source(sample("village_conflicts.gpkg"), QgsProject.instance())
    load_findings(path, QgsProject.instance(), "杜村")
    widget = FindingsBrowser(qgis_iface)
    widget.chinese = True
    widget.model.chinese = True
    widget.resize(700, 600)
    widget.show()
    widget.add_result(path, "杜村")
    QCoreApplication.processEvents()
    yield widget
    widget.close()
    widget.deleteLater()


def rule_row(browser, rule_id):
    proxy = browser.proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, 0).data().startswith(rule_id + " "):
            return row
    raise AssertionError(rule_id)


def cells(browser, row, parent=None):
    from qgis.PyQt.QtCore import QModelIndex
    parent = parent or QModelIndex()
    return [browser.proxy.index(row, c, parent).data() for c in range(browser.proxy.columnCount())]


def child(browser, rule_id, number=0):
    parent = browser.proxy.index(rule_row(browser, rule_id), 0)
    return browser.proxy.index(number, 0, parent)


def click(browser, index, double=False):
    browser.view.scrollTo(index)
    QCoreApplication.processEvents()
    point = browser.view.visualRect(index).center()
    QTest.mouseClick(browser.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    if double:
        QTest.mouseDClick(browser.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    QCoreApplication.processEvents()


def plan_landuse():
    return [l for l in QgsProject.instance().mapLayers().values() if l.customProperty(PROPERTY_KEY) == "GHYDYH"][0]


def test_rules_are_listed_with_status_count_and_area(browser):
    assert browser.proxy.rowCount() == len(Review(browser.review.path).rules) == 29
    farmland = cells(browser, rule_row(browser, "CL-01"))
    assert farmland == ["CL-01 永久基本农田内规划为非耕地", "未通过", "1", "5,000.00", "7.50"]
    assert cells(browser, rule_row(browser, "CL-02"))[1] == "不适用"       # the reason: its row and tooltip
    assert cells(browser, rule_row(browser, "ATT-02"))[1] == "通过"
    gaps = cells(browser, rule_row(browser, "GEO-03"))
    assert gaps[2:] == ["3", "15,000.00", "22.50"]
    assert browser.summary.text() == "错误 11 个，警告 5 个，提示 1 个"


def test_findings_without_geometry_are_listed_under_their_rule(browser):
    crs = child(browser, "CRS-01")
    assert "坐标系" in crs.data() and browser.proxy.index(crs.row(), 1, crs.parent()).data() == "提示"
    parent = browser.proxy.index(rule_row(browser, "IND-01"), 0)
    rows = [cells(browser, r, parent) for r in range(browser.proxy.rowCount(parent))]
    texts = {row[0].split("：")[0]: row for row in rows}
    assert set(texts) == {"耕地保有量", "永久基本农田保护面积", "生态保护红线面积", "村庄建设用地规模", "建设用地总规模",
                          "新增建设用地", "建设占用耕地"}
    assert texts["村庄建设用地规模"][0] == ("村庄建设用地规模：下达 8.50 公顷（127.50 亩），规划 26.00 公顷（389.96 亩），"
                                      "差 +17.50 公顷（+262.46 亩）")
    assert texts["村庄建设用地规模"][1] == "警告"                       # indicative: a warning
    assert texts["耕地保有量"][1] == "通过"


def test_a_click_selects_the_parcel_and_zooms_to_the_conflicting_part(browser, qgis_iface):
    canvas = qgis_iface.mapCanvas()
    canvas.setExtent(QgsRectangle(0, 0, 1, 1))
    index = child(browser, "CL-01")
    click(browser, index)
    finding = browser.finding_at(index)
    assert plan_landuse().selectedFeatureIds() == [finding.plan_fid] == [1]
    part = QgsCoordinateTransform(browser.review.crs, canvas.mapSettings().destinationCrs(),
                                  QgsProject.instance()).transformBoundingBox(finding.geometry.boundingBox())
    extent = canvas.extent()
    assert extent.contains(part)
    assert min(extent.width() / part.width(), extent.height() / part.height()) < 3     # the part fills the view
    # another finding: the selection follows, the extent moves to that part (not the parcel's centroid)
    click(browser, child(browser, "CL-05"))
    assert plan_landuse().selectedFeatureIds() == [3]


def test_a_double_click_opens_the_attribute_form(browser, qgis_iface, monkeypatch):
    opened = []
    monkeypatch.setattr("plugin.gui.findings_view.open_feature_form", lambda iface, layer, feature, parent: opened.append(
        (layer.name(), feature["rule_id"])))
    click(browser, child(browser, "GEO-04"), double=True)
    assert opened[-1] == ("核对结果：杜村", "GEO-04")


def test_filters_by_severity_and_decision(browser):
    browser.severity_buttons["error"].setChecked(False)
    browser.severity_buttons["info"].setChecked(False)
    shown = {cells(browser, r)[0].split(" ")[0] for r in range(browser.proxy.rowCount())}
    assert shown == {"ATT-01", "GEO-04", "GEO-06", "CL-03", "IND-01"}    # the five warnings' rules
    browser.severity_buttons["error"].setChecked(True)
    browser.severity_buttons["info"].setChecked(True)
    assert browser.proxy.rowCount() == 29

    finding = browser.finding_at(child(browser, "CL-01"))
    browser.store(decisions.make(finding.finding_id, "accepted", "省重点项目", "晋政函〔2024〕12号", "张三"))
    assert browser.summary.text() == "错误 11 个（已认可例外 1 个），警告 5 个，提示 1 个"
    browser.decision_combo.setCurrentIndex(browser.decision_combo.findData("accepted"))
    assert [cells(browser, r)[0].split(" ")[0] for r in range(browser.proxy.rowCount())] == ["CL-01"]
    assert cells(browser, 0, browser.proxy.index(0, 0))[1] == "错误\n已认可例外"
    assert cells(browser, 0)[1] == "未通过\n已决定 1/1"
    browser.decision_combo.setCurrentIndex(browser.decision_combo.findData("open"))
    assert "CL-01" not in {cells(browser, r)[0].split(" ")[0] for r in range(browser.proxy.rowCount())}
    assert [(d.finding_id, d.approval_no) for d in decisions.read(browser.review.path)] == [
        (finding.finding_id, "晋政函〔2024〕12号")]


def test_a_decision_to_confirm_again_is_shown_apart_until_confirmed(browser):
    from dataclasses import replace
    finding = browser.finding_at(child(browser, "CL-01"))
    carried = decisions.make(finding.finding_id, "accepted", "省重点项目", "晋政函〔2024〕12号", "张三", "CL-01",
                             "（无基期数据，未区分新增与现状）")
    browser.store(replace(carried, review=1))
    assert browser.summary.text() == "错误 11 个（需复核 1 个），警告 5 个，提示 1 个"
    browser.decision_combo.setCurrentIndex(browser.decision_combo.findData("review"))
    assert [cells(browser, r)[0].split(" ")[0] for r in range(browser.proxy.rowCount())] == ["CL-01"]
    assert cells(browser, 0, browser.proxy.index(0, 0))[1] == "错误\n需复核\n已认可例外"
    assert cells(browser, 0)[1] == "未通过\n已决定 0/1\n需复核 1"
    assert browser.proxy.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == "未通过（已决定 0/1，需复核 1）"
    assert "未区分新增与现状" in browser.proxy.index(0, 0, browser.proxy.index(0, 0)).data(Qt.ItemDataRole.ToolTipRole)
    browser.decision_combo.setCurrentIndex(browser.decision_combo.findData("accepted"))
    assert browser.proxy.rowCount() == 0                 # not an approved exception until confirmed

    browser.confirm_decision(finding)
    assert browser.summary.text() == "错误 11 个（已认可例外 1 个），警告 5 个，提示 1 个"
    assert cells(browser, 0, browser.proxy.index(0, 0))[1] == "错误\n已认可例外"
    assert decisions.read(browser.review.path)[0].message == finding.message


def test_village_filter_lists_the_plans_villages(browser):
    combo = browser.village_combo
    assert [combo.itemData(i) for i in range(combo.count())] == ["", "杜村"]
    combo.setCurrentIndex(1)
    assert "CRS-01" not in {cells(browser, r)[0].split(" ")[0] for r in range(browser.proxy.rowCount())}


def test_decision_dialog_refuses_an_exception_without_approval_number(browser):
    from plugin.gui.decision_dialog import DecisionDialog
    finding = browser.finding_at(child(browser, "CL-05"))
    dialog = DecisionDialog(finding)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("accepted"))
    dialog.reason_edit.setPlainText("园区扩区")
    dialog.accept()
    assert dialog.decision is None and "批复文号" in dialog.error.text()
    dialog.approval_edit.setText("晋政函〔2024〕13号")
    dialog.reviewer_edit.setText("李四")
    dialog.accept()
    assert dialog.decision.approval_no == "晋政函〔2024〕13号" and dialog.result() == dialog.DialogCode.Accepted


def test_copy_text_quotes_rule_finding_and_parcel(browser):
    index = child(browser, "CL-01")
    browser.copy_text(index)
    text = QApplication.clipboard().text()
    assert text.startswith("CL-01 永久基本农田内规划为非耕地\t规划0703 农村宅基地（要素 1）位于永久基本农田内")
    assert "5,000.00" in text and "规划图斑 1" in text


def test_a_decision_made_in_the_browser_survives_a_recheck_of_the_reexported_plan(qgis_iface, qgis_new_project,
                                                                                   tmp_path):
    """Decided in the panel; the plan comes back re-exported in its place (new fids, vertices moved 4 cm);
    the panel's re-check into the same findings file shows the decision on the new finding."""
    import os

    from test_decisions import reexport
    from test_editing import wait_up_to

    from plugin.gui.dock import OneMapDock
    dock = OneMapDock(qgis_iface)
    output = str(tmp_path / "核对结果.gpkg")
    plan = str(tmp_path / "village_conflicts.gpkg")
    shutil.copy(sample("village_conflicts.gpkg"), plan)
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(plan)
    dock.output_widget.setFilePath(output)
    dock.verify_button.click()
    assert wait_up_to(lambda: dock.task is None, 60000)
    browser = dock.browser
    finding = next(f for f in browser.review.findings if f.rule_id == "CL-01" and "农村宅基地" in f.message)
    browser.store(decisions.make(finding.finding_id, "accepted", "省重点项目", "晋政函〔2024〕12号", "张三"))

    os.replace(reexport(sample("village_conflicts.gpkg"), str(tmp_path / "re-exported.gpkg")), plan)
    dock.verify_button.click()
    assert wait_up_to(lambda: dock.task is None, 60000)
    again = next(f for f in browser.review.findings if f.rule_id == "CL-01" and "农村宅基地" in f.message)
    assert again.finding_id != finding.finding_id                      # a new finding …
    decision = browser.review.decision(again)                          # … carrying the decision
    assert (decision.decision, decision.approval_no, decision.reviewer) == ("accepted", "晋政函〔2024〕12号", "张三")
    row = browser.proxy.mapFromSource(browser.model.finding_items[again.fid].index())
    model = browser.model                                              # the panel's language: the test's locale
    assert browser.proxy.index(row.row(), 1, row.parent()).data() == "{}\n{}".format(
        model.severity_name("error"), model.decision_name("accepted"))
    assert "（已认可例外 1 个）" in browser.summary.text() or "(1 approved exception)" in browser.summary.text()
    dock.deleteLater()
