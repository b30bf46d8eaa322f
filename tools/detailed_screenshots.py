"""Run inside QGIS by `make detailed-screenshots` (tools/desktop_smoke.sh with ONEMAP_SMOKE_CODE): a detailed
plan checked as a county reviewer does — the sample 控规 loaded over its one map and checked, the units'
figures opened in the findings browser, a parcel's finding clicked — photographed for the README and the
user guide."""
import os

import qgis.utils
from in_qgis import OUT, SAMPLE, desktop, dock, finish, first_finding, later, result, rule_row, shoot, wait_then


def start():
    qgis.utils.plugins["onemap"].actions[0].trigger()
    desktop(hide_browser=False)
    panel = dock()
    panel.onemap_picker.set_path(os.path.join(SAMPLE, "detailed_onemap.gpkg"))
    panel.plan_picker.set_path(os.path.join(SAMPLE, "detailed_plan.gpkg"))
    panel.load_button.click()
    panel.output_widget.setFilePath(os.path.join(OUT, "detailed_plan_核对结果.gpkg"))
    panel.verify_button.click()
    wait_then(lambda: dock().task is None, open_units)


def open_units():
    from qgis.PyQt.QtWidgets import QAbstractItemView
    result["summary"] = dock().summary.text()
    browser = dock().browser
    dock().widget().ensureWidgetVisible(browser)
    finding = first_finding("SX-02")                   # the shop in the park's 绿线
    browser.view.setCurrentIndex(finding)
    browser.navigate(finding)
    browser.view.collapseAll()
    for rule_id in ("UNIT-01", "UNIT-03"):
        browser.view.expand(rule_row(rule_id))
    browser.view.scrollTo(rule_row("UNIT-01"), QAbstractItemView.ScrollHint.PositionAtTop)
    result["selected"] = [f["DKBH"] for f in browser.plan_layer("GHDK").selectedFeatures()]
    later(2500, lambda: (shoot("detailed-qgis"), shoot("detailed-panel", dock()), finish()))


later(3000, start)
