"""Run inside QGIS by `make detailed-screenshots` (tools/desktop_smoke.sh with ONEMAP_SMOKE_CODE): a detailed
plan checked as a county reviewer does — the sample 控规 loaded over its one map and checked, the units'
figures opened in the findings browser, a parcel's finding clicked — photographed for the README and the
user guide."""
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
    qgis.utils.plugins["onemap"].actions[0].trigger()
    qgis.utils.iface.mainWindow().resize(1600, 1000)
    panel = dock()
    panel.onemap_picker.set_path(os.path.join(SAMPLE, "detailed_onemap.gpkg"))
    panel.plan_picker.set_path(os.path.join(SAMPLE, "detailed_plan.gpkg"))
    panel.load_button.click()
    panel.output_widget.setFilePath(os.path.join(OUT, "detailed_plan_核对结果.gpkg"))
    panel.verify_button.click()
    wait(0)


def wait(tries):
    if dock().task is not None and tries < 150:
        later(200, lambda: wait(tries + 1))
        return
    result["summary"] = dock().summary.text()
    later(1500, open_units)


def rule_index(rule_id):
    proxy = dock().browser.proxy
    return next(proxy.index(row, 0) for row in range(proxy.rowCount())
                if proxy.index(row, 0).data().startswith(rule_id + " "))


def open_units():
    from qgis.PyQt.QtWidgets import QAbstractItemView
    browser = dock().browser
    dock().widget().ensureWidgetVisible(browser)
    finding = browser.proxy.index(0, 0, rule_index("SX-02"))       # the shop in the park's 绿线
    browser.view.setCurrentIndex(finding)
    browser.navigate(finding)
    browser.view.collapseAll()
    for rule_id in ("UNIT-01", "UNIT-03"):
        browser.view.expand(rule_index(rule_id))
    browser.view.scrollTo(rule_index("UNIT-01"), QAbstractItemView.ScrollHint.PositionAtTop)
    result["selected"] = [f["DKBH"] for f in browser.plan_layer("GHDK").selectedFeatures()]
    later(2500, shoot)


def shoot():
    qgis.utils.iface.mainWindow().grab().save(os.path.join(OUT, "detailed-qgis.png"))
    dock().grab().save(os.path.join(OUT, "detailed-panel.png"))
    finish()


later(3000, start)
