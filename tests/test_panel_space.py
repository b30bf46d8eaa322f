"""The panel gives the findings the room: a failed load keeps the layer column readable, the browser
is tall and in view after a check, a 不适用 reason is shown in full, GEO-06's area as in the report."""
import os

from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import QApplication
from test_editing import wait_up_to
from test_findings_browser import browser, cells, child, result_path, rule_row  # noqa: F401 (fixtures)

from conftest import SAMPLE, sample
from plugin.core.export.report_data import read_report


def test_a_failed_load_keeps_the_layer_column_readable(qgis_iface, qgis_new_project):
    from plugin.gui.dock import OneMapDock
    dock = OneMapDock(qgis_iface)
    dock.resize(560, 900)
    dock.show()
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(os.path.join(SAMPLE, "village_conflict.gpkg"))            # mistyped
    dock.load_button.click()
    QCoreApplication.processEvents()
    room = dock.report.viewport().width()
    assert dock.report.columnWidth(0) >= room * 3 // 10 > 100
    failed = dock.report.topLevelItem(dock.report.topLevelItemCount() - 1)
    assert failed.text(0) == "village_conflict.gpkg" and failed.toolTip(0).endswith("/village_conflict.gpkg")
    assert "不存在" in failed.text(1) or "not found" in failed.text(1)
    dock.close()


def test_the_browser_is_tall_and_in_view_after_a_check(qgis_iface, qgis_new_project, tmp_path):
    from plugin.gui.dock import OneMapDock
    dock = OneMapDock(qgis_iface)
    dock.resize(560, 700)
    dock.show()
    assert dock.browser.view.minimumHeight() >= max(360, QApplication.primaryScreen().availableGeometry().height() // 2)
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(sample("village_conflicts.gpkg"))
    dock.output_widget.setFilePath(str(tmp_path / "out.gpkg"))
    dock.verify_button.click()
    assert wait_up_to(lambda: dock.task is None, 60000)
    QCoreApplication.processEvents()
    top = dock.browser.mapTo(dock.scroll.widget(), dock.browser.rect().topLeft()).y()
    shown = dock.scroll.verticalScrollBar().value()
    assert shown <= top < shown + dock.scroll.viewport().height()          # scrolled to the findings
    dock.close()


def test_a_not_applicable_reason_is_shown_in_full(browser):
    row = rule_row(browser, "CL-02")
    status = browser.proxy.index(row, 1)
    assert status.data() == "不适用"
    assert status.data(Qt.ItemDataRole.ToolTipRole) == "不适用：一张图中没有图层 STBHHX"
    assert browser.view.isExpanded(browser.proxy.index(row, 0))
    assert child(browser, "CL-02").data() == "原因：一张图中没有图层 STBHHX"


def test_geo06_shows_the_area_the_report_shows(browser):
    report = read_report(browser.review.path)
    geo06 = next(f for f in report.findings if f["rule_id"] == "GEO-06")
    row = child(browser, "GEO-06")
    assert browser.proxy.index(row.row(), 3, row.parent()).data() == "{:,.2f}".format(report.finding_area_m2(geo06))
    assert cells(browser, rule_row(browser, "GEO-06"))[3] == "{:,.2f}".format(report.finding_area_m2(geo06))
