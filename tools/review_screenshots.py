"""Run inside QGIS by `make review-screenshots` (tools/desktop_smoke.sh with ONEMAP_SMOKE_CODE): the
review a county technician does, photographed — sample loaded and checked, a finding clicked in the
browser (zoomed, flashed, parcel selected), a decision recorded, the decision dialog."""
import json
import os
import traceback

import qgis.utils
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QTimer

OUT = os.environ["ONEMAP_SMOKE_OUT"]
SAMPLE = os.environ["ONEMAP_SAMPLE"]
result = {}


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


def start():
    plugin = qgis.utils.plugins["onemap"]
    plugin.actions[0].trigger()
    window = qgis.utils.iface.mainWindow()
    window.resize(1600, 1000)
    panel = dock()
    panel.onemap_picker.set_path(os.path.join(SAMPLE, "township_onemap.gpkg"))
    panel.plan_picker.set_path(os.path.join(SAMPLE, "village_conflicts.gpkg"))
    panel.load_button.click()
    panel.output_widget.setFilePath(os.path.join(OUT, "village_conflicts_核对结果.gpkg"))
    panel.verify_button.click()
    wait(0)


def wait(tries):
    if dock().task is not None and tries < 150:
        later(200, lambda: wait(tries + 1))
        return
    result["summary"] = dock().summary.text()
    later(1500, click_finding)


def proxy_child(rule_id):
    browser = dock().browser
    for row in range(browser.proxy.rowCount()):
        index = browser.proxy.index(row, 0)
        if index.data().startswith(rule_id + " "):
            return browser.proxy.index(0, 0, index)
    raise KeyError(rule_id)


def click_finding():
    browser = dock().browser
    dock().widget().ensureWidgetVisible(browser)       # the dock scrolls to the browser
    index = proxy_child("CL-01")
    browser.view.setCurrentIndex(index)
    browser.view.scrollTo(index)
    browser.navigate(index)
    result["selected"] = browser.plan_layer("GHYDYH").selectedFeatureIds()
    later(300, shoot_flash)


def shoot_flash():
    qgis.utils.iface.mainWindow().grab().save(os.path.join(OUT, "review-click.png"))
    later(2500, shoot_browser)


def shoot_browser():
    window = qgis.utils.iface.mainWindow()
    window.grab().save(os.path.join(OUT, "review-qgis.png"))
    dock().grab().save(os.path.join(OUT, "review-panel.png"))
    later(200, decide)


def decide():
    from onemap.gui.decision_dialog import DecisionDialog  # the installed plugin package
    browser = dock().browser
    finding = browser.finding_at(proxy_child("CL-01"))
    dialog = DecisionDialog(finding, None, browser)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("accepted"))
    dialog.reason_edit.setPlainText("省级重点交通项目无法避让，已按程序报批")
    dialog.reviewer_edit.setText("县自然资源局 王工")
    dialog.show()
    dialog.accept()                                   # no 批复文号 yet: the dialog says so and stays open
    result["dialog_error"] = dialog.error.text()
    dialog.grab().save(os.path.join(OUT, "review-decision-missing.png"))
    dialog.approval_edit.setText("晋政函〔2024〕12号")
    dialog.accept()
    browser.store(dialog.decision)
    browser.decision_combo.setCurrentIndex(0)
    result["summary_after_decision"] = browser.summary.text()
    later(800, shoot_decided)


def shoot_decided():
    dock().grab().save(os.path.join(OUT, "review-panel-decided.png"))
    finish()


later(3000, start)
