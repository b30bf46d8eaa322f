"""Run inside QGIS by `make review-screenshots` (tools/desktop_smoke.sh with ONEMAP_SMOKE_CODE, QGIS started
as `qgis --lang zh-Hans`): a county technician's walk, photographed — the sample loaded into a fresh project,
checked, a finding clicked (zoomed, flashed, parcel selected), a decision recorded, a parcel edited (the live
re-check), map sheets exported as a task, the real-structure FileGDB plan loaded. result.json records what
each step saw, for the test and for the report."""
import os
import shutil

import qgis.utils
from in_qgis import (OUT, SAMPLE, desktop, dock, exception_dialog, finish, first_finding, later, result, shoot,
                     wait_then)
from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QDockWidget, QFileDialog

PLAN = os.path.join(OUT, "village_conflicts.gpkg")          # a copy: the walk edits it


def start():
    desktop()
    qgis.utils.plugins["onemap"].actions[0].trigger()
    shutil.copy(os.path.join(SAMPLE, "village_conflicts.gpkg"), PLAN)
    panel = dock()
    result["panel_language"] = [panel.load_button.text(), panel.verify_button.text()]
    panel.onemap_picker.set_path(os.path.join(SAMPLE, "township_onemap.gpkg"))
    panel.plan_picker.set_path(PLAN)
    panel.load_button.click()
    later(2500, loaded)


def loaded():
    canvas = qgis.utils.iface.mapCanvas()
    result["canvas_width_after_load_m"] = round(canvas.extent().width())
    shoot("review-load")                                      # the plan fills the map, not the township
    dock().output_widget.setFilePath(os.path.join(OUT, "village_conflicts_核对结果.gpkg"))
    dock().verify_button.click()
    wait_then(lambda: dock().task is None, checked)


def checked():
    result["summary"] = dock().summary.text()
    click_finding()


def click_finding():
    browser = dock().browser
    dock().widget().ensureWidgetVisible(browser)       # the dock scrolls to the browser
    index = first_finding("CL-01")
    browser.view.setCurrentIndex(index)
    browser.view.scrollTo(index)
    browser.navigate(index)
    result["selected"] = browser.plan_layer("GHYDYH").selectedFeatureIds()
    later(300, shoot_flash)


def shoot_flash():
    shoot("review-click")
    later(2500, shoot_browser)


def shoot_browser():
    shoot("review-qgis")
    shoot("review-panel", dock())
    later(200, decide)


def decide():
    browser = dock().browser
    dialog = exception_dialog("CL-01", "省级重点交通项目无法避让，已按程序报批", "县自然资源局 王工")
    dialog.accept()                                   # no 批复文号 yet: the dialog says so and stays open
    result["dialog_error"] = dialog.error.text()
    shoot("review-decision-missing", dialog)
    dialog.approval_edit.setText("晋政函〔2024〕12号")
    dialog.accept()
    browser.store(dialog.decision)
    browser.decision_combo.setCurrentIndex(0)
    result["summary_after_decision"] = browser.summary.text()
    result["summary_line_after_decision"] = dock().summary.text()
    later(800, shoot_decided)


def shoot_decided():
    browser = dock().browser
    browser.view.scrollTo(first_finding("CL-01"), browser.view.ScrollHint.PositionAtCenter)
    shoot("review-panel-decided", dock())
    later(300, edit_parcel)


def edit_parcel():
    """The technician fixes the plan in edit mode: the 城镇住宅用地 outside 城镇开发边界 becomes 农村宅基地 (0703)."""
    browser = dock().browser
    selected = first_finding("GEO-04")
    browser.view.setCurrentIndex(selected)
    browser.view.scrollTo(selected, browser.view.ScrollHint.PositionAtCenter)
    result["before_edit"] = {"scroll": browser.view.verticalScrollBar().value(), "selected": selected.data()}
    layer = browser.plan_layer("GHYDYH")
    layer.startEditing()
    parcel = next(f for f in browser.review.findings if f.rule_id == "CL-05" and "城镇住宅用地" in f.message).plan_fid
    layer.changeAttributeValue(parcel, layer.fields().indexOf("GHDLBM"), "0703")
    wait_then(lambda: sum(f.rule_id == "CL-05" for f in browser.review.findings) == 1, rechecked)


def rechecked():
    browser = dock().browser
    result["after_edit"] = {"scroll": browser.view.verticalScrollBar().value(),
                            "selected": browser.view.currentIndex().data(),
                            "summary_line": dock().summary.text()}
    shoot("review-live-recheck", dock())
    browser.plan_layer("GHYDYH").rollBack()
    later(800, export_sheets)


def export_sheets():
    folder = os.path.join(OUT, "sheets")
    QFileDialog.getExistingDirectory = staticmethod(lambda *args, **kwargs: folder)
    panel = dock()
    panel.widget().ensureWidgetVisible(panel.export_panel)
    panel.export_panel.compiler_edit.setText("某某规划设计院")
    panel.export_panel.sheets_button.click()
    result["export_is_a_task"] = panel.export_panel.task is not None
    wait_then(lambda: panel.export_panel.progress.value() > 0 or panel.export_panel.task is None, shoot_export, pause=0)


def shoot_export():
    panel = dock()
    result["export_progress_seen"] = panel.export_panel.progress.value()
    shoot("review-export-running", panel.export_panel)
    wait_then(lambda: panel.export_panel.task is None, exported)


def exported():
    folder = os.path.join(OUT, "sheets")
    result["sheets"] = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    result["export_status"] = dock().export_panel.status.text()
    panel = dock()
    panel.plan_picker.set_path(os.path.join(SAMPLE, "village_realdb"))
    panel.load_button.click()
    later(2500, realdb_loaded)


def realdb_loaded():
    window = qgis.utils.iface.mainWindow()
    root = QgsProject.instance().layerTreeRoot()
    group = next(g for g in root.children() if g.name().endswith("village_realdb"))
    qgis.utils.iface.layerTreeView().collapseAllNodes()      # the groups in view, not the legends
    group.setExpanded(True)
    for child in group.children():
        child.setExpanded(True)
    result["realdb_groups"] = {child.name(): [layer.name() for layer in child.findLayers()]
                               for child in group.children()}
    layers = [panel for panel in window.findChildren(QDockWidget) if panel.objectName() == "Layers"]
    later(1500, lambda: (shoot("review-realdb-tree", layers[0] if layers else None, 440), finish()))


later(3000, start)
