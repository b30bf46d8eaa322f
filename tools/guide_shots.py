"""Run inside QGIS by tools/guide_shots.sh: the user guide's screenshots, taken in the real desktop
(zh_CN UI, 1600x1000) with the sample data, step by step as the guide tells the user to work.

Each step is a function that does what the user does and returns the widget to grab (or None for
the main window); the grab happens after the canvas and the dialogs had time to draw.
Env: ONEMAP_SHOTS_OUT (images folder), ONEMAP_SMOKE_OUT (work folder: result.json, findings),
ONEMAP_SAMPLE (sample data), ONEMAP_REPO_URL (the plugins.xml of `make repo`).
"""
import json
import os
import traceback

import qgis.utils
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDockWidget

OUT = os.environ["ONEMAP_SHOTS_OUT"]
WORK = os.environ["ONEMAP_SMOKE_OUT"]
SAMPLE = os.environ["ONEMAP_SAMPLE"]
iface = qgis.utils.iface
log = {"shots": [], "errors": []}


def plugin():
    return qgis.utils.plugins["onemap"]


def panel_loaded():
    plugin().actions[0].trigger()
    dock = plugin().dock
    dock.onemap_picker.set_path(os.path.join(SAMPLE, "township_onemap.gpkg"))
    dock.plan_picker.set_path(os.path.join(SAMPLE, "village_conflicts.gpkg"))
    dock.load_button.click()                                 # the panel zooms to the plan
    dock.output_widget.setFilePath(os.path.join(WORK, "village_conflicts_核对结果.gpkg"))
    return None


def verified():
    """Click 核对 and wait for the task (the grab is scheduled once it finished)."""
    plugin().dock.verify_button.click()
    return "wait"


def proxy_child(rule_id):
    """The first finding of a rule in the findings browser (as the user sees it)."""
    browser = plugin().dock.browser
    for row in range(browser.proxy.rowCount()):
        index = browser.proxy.index(row, 0)
        if index.data().startswith(rule_id + " "):
            return browser.proxy.index(0, 0, index)
    raise KeyError(rule_id)


def findings_browser():
    """Click the first 永久基本农田 finding: the map zooms to it, flashes it, selects the parcel."""
    dock = plugin().dock
    browser = dock.browser
    dock.widget().ensureWidgetVisible(browser)
    index = proxy_child("CL-01")
    browser.view.setCurrentIndex(index)
    browser.view.scrollTo(index)
    browser.navigate(index)
    return None


def decision_dialog():
    from onemap.gui.decision_dialog import DecisionDialog  # the installed plugin package
    browser = plugin().dock.browser
    dialog = DecisionDialog(browser.finding_at(proxy_child("CL-01")), None, browser)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("accepted"))
    dialog.reason_edit.setPlainText("省级重点交通项目无法避让，已按程序报批")
    dialog.approval_edit.setText("晋政函〔2024〕12号")
    dialog.reviewer_edit.setText("县自然资源局 王工")
    dialog.show()
    log["dialog"] = dialog
    return dialog


def live_recheck():
    """Edit the plan as the guide says: the 城镇住宅用地 outside 城镇开发边界 becomes 农村宅基地; the browser
    updates at once and stays where it was (a GEO-04 finding selected)."""
    from qgis.PyQt.QtWidgets import QAbstractItemView
    log.pop("dialog").close()
    browser = plugin().dock.browser
    index = proxy_child("GEO-04")
    browser.view.setCurrentIndex(index)
    browser.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
    layer = browser.plan_layer("GHYDYH")
    layer.startEditing()
    parcel = next(f for f in browser.review.findings if f.rule_id == "CL-05" and "城镇住宅用地" in f.message).plan_fid
    layer.changeAttributeValue(parcel, layer.fields().indexOf("GHDLBM"), "0703")
    log["edited"] = layer
    return plugin().dock


def exports():
    """The report and the map sheets as the export box writes them; their first pages as images."""
    import glob
    import subprocess

    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QImage

    from onemap.core.export.mapsheets import export_mapsheets
    from onemap.core.export.report import export_report
    log["summary_after_edit"] = plugin().dock.summary.text()
    log.pop("edited").rollBack()
    findings = os.path.join(WORK, "village_conflicts_核对结果.gpkg")
    export_report(findings, os.path.join(WORK, "report.pdf"))
    subprocess.run(["pdftoppm", "-r", "70", "-f", "1", "-l", "1", "-png", "-singlefile",
                    os.path.join(WORK, "report.pdf"), os.path.join(OUT, "report-page1")], check=True)
    log["shots"].append(os.path.join(OUT, "report-page1.png"))
    sheets = os.path.join(WORK, "sheets")
    export_mapsheets(os.path.join(SAMPLE, "village_conflicts.gpkg"), os.path.join(SAMPLE, "township_onemap.gpkg"),
                     sheets, findings, compiler="某某规划设计院")
    landuse = sorted(glob.glob(os.path.join(sheets, "*国土空间用途规划图*.png")))[0]
    QImage(landuse).scaledToWidth(1400, Qt.TransformationMode.SmoothTransformation).save(
        os.path.join(OUT, "mapsheet.png"))
    log["shots"].append(os.path.join(OUT, "mapsheet.png"))
    return "grabbed"


def processing_toolbox():
    toolbox = qgis.utils.plugins["processing"].toolbox
    toolbox.setVisible(True)
    toolbox.raise_()
    toolbox.searchBox.setText("一张图")
    return toolbox


def processing_dialog():
    import processing
    dialog = processing.createAlgorithmDialog("onemap:verifyplan", {
        "PLAN": os.path.join(SAMPLE, "village_conflicts.gpkg"), "ONEMAP": os.path.join(SAMPLE, "township_onemap.gpkg")})
    dialog.resize(1150, 760)
    dialog.show()
    log["dialog"] = dialog          # keep it alive until grabbed
    return dialog


def plugin_manager():
    """Settings ▸ Plugins with the internal repository added (as the guide's install steps do),
    OneMap found by searching 一张图; grabbed from inside its own event loop, then closed."""
    import pyplugin_installer
    from pyplugin_installer.installer_data import officialRepo, reposGroup, settingsGroup
    from qgis.core import QgsSettings
    settings = QgsSettings()
    settings.setValue(settingsGroup + "/allowExperimental", True)
    settings.setValue("{}/{}/enabled".format(reposGroup, officialRepo[0]), False)     # no internet here
    settings.setValue("{}/{}/url".format(reposGroup, "单位插件库"), os.environ["ONEMAP_REPO_URL"])
    installer = pyplugin_installer.instance()
    installer.fetchAvailablePlugins(True)          # reload: the repository was added after QGIS started
    QTimer.singleShot(4000, show_onemap_in_manager)
    installer.showPluginManagerWhenReady(0)
    return "grabbed"


def manager_window():
    return [w for w in QApplication.topLevelWidgets() if w.metaObject().className() == "QgsPluginManager"][0]


def show_manager_tab(title):
    """Switch the plugin manager to the tab (left list) named `title`."""
    from qgis.PyQt.QtWidgets import QListWidget
    tabs = manager_window().findChild(QListWidget, "mOptionsListWidget")
    tabs.setCurrentRow([tabs.item(row).text() for row in range(tabs.count())].index(title))


def show_onemap_in_manager():
    from qgis.PyQt.QtWidgets import QAbstractItemView, QLineEdit
    try:
        manager = manager_window()
        manager.resize(1300, 800)
        show_manager_tab("设置")
        from qgis.PyQt.QtWidgets import QGroupBox
        for box in manager.findChildren(QGroupBox):                           # as the guide's step 2 says
            if box.isCheckable() and "试验性" in box.title():
                box.setChecked(True)
        QTimer.singleShot(1500, lambda: grab("plugin-repository", manager_window()))
        QTimer.singleShot(2000, lambda: show_manager_tab("全部"))
        manager.findChild(QLineEdit, "leFilter").setText("一张图")
        view = [v for v in manager.findChildren(QAbstractItemView) if v.objectName() == "vwPlugins"][0]
        QTimer.singleShot(2500, lambda: view.setCurrentIndex(view.model().index(0, 0)))
    except Exception:
        log["errors"].append("plugin-manager: " + traceback.format_exc())
    QTimer.singleShot(5000, grab_manager)


def grab_manager():
    try:
        grab("plugin-manager", manager_window())
        manager_window().close()
    except Exception:
        log["errors"].append("plugin-manager: " + traceback.format_exc())


STEPS = [("plugin-manager", plugin_manager), ("panel-loaded", panel_loaded), ("verified", verified),
         ("findings-browser", findings_browser), ("decision-dialog", decision_dialog),
         ("live-recheck", live_recheck), ("exports", exports),
         ("processing-toolbox", processing_toolbox), ("processing-dialog", processing_dialog)]


def grab(name, widget):
    path = os.path.join(OUT, name + ".png")
    (widget or iface.mainWindow()).grab().save(path)
    log["shots"].append(path)


def run_step(index):
    if index >= len(STEPS):
        return finish()
    name, step = STEPS[index]
    try:
        widget = step()
    except Exception:                      # recorded; the remaining steps still run
        log["errors"].append("{}: {}".format(name, traceback.format_exc()))
        return QTimer.singleShot(100, lambda: run_step(index + 1))
    if widget == "wait":
        return wait_for_task(name, index, 0)
    if widget == "grabbed":                # the step grabbed inside a dialog's own event loop
        return QTimer.singleShot(500, lambda: run_step(index + 1))
    QTimer.singleShot(3000, lambda: (grab(name, widget), run_step(index + 1)))


def wait_for_task(name, index, tries):
    dock = plugin().dock
    if dock.task is not None and tries < 150:
        return QTimer.singleShot(200, lambda: wait_for_task(name, index, tries + 1))
    log["summary"] = dock.summary.text()
    QTimer.singleShot(3000, lambda: (grab(name, None), run_step(index + 1)))


def finish():
    log.pop("dialog", None)
    log.pop("edited", None)
    with open(os.path.join(WORK, "result.json"), "w", encoding="utf-8") as handle:
        json.dump(log, handle, ensure_ascii=False, indent=1)
    QgsApplication.instance().exit(0)


def start():
    iface.mainWindow().setGeometry(0, 0, 1600, 1000)
    for dock in iface.mainWindow().findChildren(QDockWidget):
        if dock.objectName() in ("Browser", "Browser2"):
            dock.setVisible(False)                           # room for the layer tree
    QApplication.processEvents()
    run_step(0)


QTimer.singleShot(3000, start)
