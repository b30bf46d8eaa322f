"""Run inside QGIS by `make lifecycle-walk` (tools/desktop_smoke.sh with ONEMAP_SMOKE_CODE): the one map's
life cycle as a county technician does it, photographed — 杜村 with a school checked, reported and merged
(version 1); the next plan, housing on the school, checked against it (APP findings), decided, merged as a
修改 (version 2); the two versions compared; the trail.

Plans are made from the sample 杜村 plan: plan A turns its homestead block (1000–1400 × 800–1000 m) into
a school (0804), plan B that school into homes (0703; urban housing 0701 outside the 城镇开发边界 would be
CL-05's error).
"""
import json
import os
import shutil
import traceback

import qgis.utils
from osgeo import ogr
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QDate, QTimer

OUT = os.environ["ONEMAP_SMOKE_OUT"]
SAMPLE = os.environ["ONEMAP_SAMPLE"]
ONEMAP = os.path.join(OUT, "阳泉曲镇一张图.gpkg")
PLANS = {"A": os.path.join(OUT, "杜村村庄规划.gpkg"), "B": os.path.join(OUT, "杜村村庄规划修改.gpkg")}
NUMBERS = {"A": "孝政函〔2024〕12号", "B": "孝政函〔2025〕3号"}
result = {"shots": []}


def later(milliseconds, step):
    def guarded():
        try:
            step()
        except Exception:                    # recorded, then QGIS exits
            result["exception"] = traceback.format_exc()
            finish()
    QTimer.singleShot(milliseconds, guarded)


def finish():
    with open(os.path.join(OUT, "result.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=1)
    QgsApplication.instance().exit(0)


def dock():
    return qgis.utils.plugins["onemap"].dock


def shoot(name, widget=None):
    path = os.path.join(OUT, name + ".png")
    (widget or qgis.utils.iface.mainWindow()).grab().save(path)
    result["shots"].append(path)


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


def wait(condition, then, tries=0):
    if not condition() and tries < 300:
        later(200, lambda: wait(condition, then, tries + 1))
        return
    then()


def check(key, change, then):
    panel = dock()
    panel.plan_picker.set_path(PLANS[key])
    panel.load_button.click()
    panel.lifecycle.change_combo.setCurrentIndex(panel.lifecycle.change_combo.findData(change))
    panel.output_widget.setFilePath(os.path.splitext(PLANS[key])[0] + "_核对结果.gpkg")
    panel.verify_button.click()
    wait(lambda: dock().task is None, then)


def start():
    prepare()
    qgis.utils.plugins["onemap"].actions[0].trigger()
    qgis.utils.iface.mainWindow().setGeometry(0, 0, 1600, 1000)
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
        wait(lambda: dialog.task is None, done)

    def done():
        result["merge_" + key] = dialog.output.toPlainText()
        shoot("merge-{}-merged".format(key), dialog)
        dialog.close()
        panel.refresh()
        then()
    wait(lambda: dialog.task is None, previewed)


def show_box():
    """The dock scrolled to the one-map box, photographed."""
    dock().scroll.ensureWidgetVisible(dock().lifecycle)


def merged_a():
    show_box()
    shoot("2-versions-after-A", dock())
    check("B", "修改", checked_b)


def proxy_child(rule_id):
    browser = dock().browser
    for row in range(browser.proxy.rowCount()):
        index = browser.proxy.index(row, 0)
        if index.data().startswith(rule_id + " "):
            return browser.proxy.index(0, 0, index)
    raise KeyError(rule_id)


def checked_b():
    result["check_b"] = dock().summary.text()
    browser = dock().browser
    index = proxy_child("APP-03")
    browser.view.setCurrentIndex(index)
    browser.navigate(index)
    result["app03"] = browser.finding_at(index).message
    later(2500, decide_b)


def decide_b():
    shoot("3-checked-B-APP")
    from onemap.gui.decision_dialog import DecisionDialog
    browser = dock().browser
    finding = browser.finding_at(proxy_child("APP-03"))
    dialog = DecisionDialog(finding, None, browser)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("accepted"))
    dialog.reason_edit.setPlainText("学校迁建至镇区新址，原址改为住宅，经县政府同意")
    dialog.approval_edit.setText("孝政函〔2025〕1号")
    dialog.reviewer_edit.setText("孝义市自然资源局 王工")
    dialog.show()
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
