"""Run inside QGIS by `make lifecycle-walk` (tools/desktop_smoke.sh with ONEMAP_SMOKE_CODE): the one map's
life cycle as a county technician does it, photographed — 杜村 with a school checked, reported and merged
(version 1); the next plan, housing on the school, checked against it (APP findings), decided, merged as a
修改 (version 2); the two versions compared; the trail.

Plans are made from the sample 杜村 plan: plan A turns its homestead block (1000–1400 × 800–1000 m) into
a school (0804), plan B that school into homes (0703; urban housing 0701 outside the 城镇开发边界 would be
CL-05's error).
"""
import os
import shutil

import qgis.utils
from in_qgis import (OUT, SAMPLE, desktop, dock, exception_dialog, finish, first_finding, later, result, shoot,
                     wait_then)
from osgeo import ogr
from qgis.PyQt.QtCore import QDate

ONEMAP = os.path.join(OUT, "阳泉曲镇一张图.gpkg")
PLANS = {"A": os.path.join(OUT, "杜村村庄规划.gpkg"), "B": os.path.join(OUT, "杜村村庄规划修改.gpkg")}
NUMBERS = {"A": "孝政函〔2024〕12号", "B": "孝政函〔2025〕3号"}


def recode(path, code, name):
    """The homestead block of the sample 杜村 plan (GHDLBM 0703, 1000–1400 × 800–1000 m) given another use."""
    dataset = ogr.Open(path, 1)
    layer = dataset.GetLayerByName("GHDLTB")
    for feature in layer:
        if feature.GetField("GHDLBM") == "0703":
            feature.SetField("GHDLBM", code)
            feature.SetField("GHDLMC", name)
            layer.SetFeature(feature)
    dataset = None


def prepare():
    shutil.copy(os.path.join(SAMPLE, "township_onemap.gpkg"), ONEMAP)
    for key, (code, name) in (("A", ("0804", "教育用地")), ("B", ("0703", "农村宅基地"))):
        shutil.copy(os.path.join(SAMPLE, "village_clean.gpkg"), PLANS[key])
        recode(PLANS[key], code, name)


def check(key, change, then):
    panel = dock()
    panel.plan_picker.set_path(PLANS[key])
    panel.load_button.click()
    panel.lifecycle.change_combo.setCurrentIndex(panel.lifecycle.change_combo.findData(change))
    panel.output_widget.setFilePath(os.path.splitext(PLANS[key])[0] + "_核对结果.gpkg")
    panel.verify_button.click()
    wait_then(lambda: dock().task is None, then, pause=0, tries=300)


def start():
    prepare()
    qgis.utils.plugins["onemap"].actions[0].trigger()
    desktop(hide_browser=False)
    dock().onemap_picker.set_path(ONEMAP)
    check("A", "新编", checked_a)


def checked_a():
    result["check_a"] = dock().summary.text()
    from onemap.core.export.report import export_report            # the installed plugin package
    export_report(dock().export_panel.findings, os.path.join(OUT, "杜村_核对报告.pdf"))
    shoot("1-checked-A")
    merge("A", "新编", "2024-05-20", merged_a)


def merge(key, change, date, then):
    from onemap.gui.lifecycle_panel import MergeDialog
    panel = dock().lifecycle
    plan, onemap, findings = panel.checked
    dialog = MergeDialog(plan, findings, onemap, change, panel)
    dialog.approval_edit.setText(NUMBERS[key])
    dialog.date_edit.setDate(QDate.fromString(date, "yyyy-MM-dd"))
    dialog.reviewer_edit.setText("孝义市自然资源局 王工")
    dialog.show()
    dialog.preview_button.click()

    def previewed():
        shoot("merge-{}-dry-run".format(key), dialog)
        dialog.merge_button.click()
        wait_then(lambda: dialog.task is None, done, pause=0, tries=300)

    def done():
        result["merge_" + key] = dialog.output.toPlainText()
        shoot("merge-{}-merged".format(key), dialog)
        dialog.close()
        panel.refresh()
        then()
    wait_then(lambda: dialog.task is None, previewed, pause=0, tries=300)


def show_box():
    """The dock scrolled to the one-map box, photographed."""
    dock().scroll.ensureWidgetVisible(dock().lifecycle)


def merged_a():
    show_box()
    shoot("2-versions-after-A", dock())
    check("B", "修改", checked_b)


def checked_b():
    result["check_b"] = dock().summary.text()
    browser = dock().browser
    index = first_finding("APP-03")
    browser.view.setCurrentIndex(index)
    browser.navigate(index)
    result["app03"] = browser.finding_at(index).message
    later(2500, decide_b)


def decide_b():
    shoot("3-checked-B-APP")
    browser = dock().browser
    dialog = exception_dialog("APP-03", "学校迁建至镇区新址，原址改为住宅，经县政府同意", "孝义市自然资源局 王工",
                              "孝政函〔2025〕1号")
    shoot("4-decision-B", dialog)
    dialog.accept()
    browser.store(dialog.decision)
    from onemap.core.export.report import export_report
    export_report(dock().export_panel.findings, os.path.join(OUT, "杜村修改_核对报告.pdf"))
    merge("B", "修改", "2025-03-18", merged_b)


def merged_b():
    panel = dock().lifecycle
    show_box()
    shoot("5-versions-after-B", dock())
    shoot("lifecycle-box", panel)
    from qgis.PyQt.QtWidgets import QFileDialog
    QFileDialog.getExistingDirectory = staticmethod(lambda *args: OUT)
    panel.table.selectRow(0)                      # version 2: what its merge changed
    panel.compare_button.click()
    result["compare"] = panel.status.text()
    canvas = qgis.utils.iface.mapCanvas()
    changes = [layer for layer in qgis.core.QgsProject.instance().mapLayers().values()
               if "规划调整对比.gpkg" in layer.source()]
    extent = changes[0].extent()
    extent.scale(8)
    canvas.setExtent(extent)
    canvas.refresh()
    later(3000, trail)


def trail():
    shoot("6-compared")
    from onemap.gui.lifecycle_panel import TrailDialog
    dialog = TrailDialog(ONEMAP, dock())
    dialog.show()
    later(500, lambda: (shoot("7-trail", dialog), dialog.close(), finish()))


later(3000, start)
