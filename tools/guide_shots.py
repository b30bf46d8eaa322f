"""Run inside QGIS by `make guide-shots` (tools/desktop_smoke.sh with ONEMAP_SMOKE_CODE): the user guide's
screenshots, taken in the real desktop (zh_CN UI, 1600x1000) with the sample data, step by step as the guide
tells the user to work.

Each step is a function that does what the user does and returns the widget to grab (or None for
the main window); the grab happens after the canvas and the dialogs had time to draw.
Env: ONEMAP_SHOTS_OUT (images folder), ONEMAP_SMOKE_OUT (work folder: result.json, findings),
ONEMAP_SAMPLE (sample data), ONEMAP_REPO_URL (the plugins.xml of `make repo`).
"""
import os
import traceback

import qgis.utils
from in_qgis import OUT, SAMPLE, desktop, dock, exception_dialog, finish, first_finding, result, shoot, wait_then
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication

IMAGES = os.environ["ONEMAP_SHOTS_OUT"]
result.update(shots=[], errors=[])
keep = {}                                        # dialogs and edited layers, alive until the next step


def plugin():
    return qgis.utils.plugins["onemap"]


def panel_loaded():
    plugin().actions[0].trigger()
    panel = dock()
    panel.onemap_picker.set_path(os.path.join(SAMPLE, "township_onemap.gpkg"))
    panel.plan_picker.set_path(os.path.join(SAMPLE, "village_conflicts.gpkg"))
    panel.load_button.click()                                 # the panel zooms to the plan
    panel.output_widget.setFilePath(os.path.join(OUT, "village_conflicts_核对结果.gpkg"))
    return None


def verified():
    """Click 核对 and wait for the task (the grab is scheduled once it finished)."""
    dock().verify_button.click()
    return "wait"


def findings_browser():
    """Click the first 永久基本农田 finding: the map zooms to it, flashes it, selects the parcel."""
    panel = dock()
    browser = panel.browser
    panel.widget().ensureWidgetVisible(browser)
    index = first_finding("CL-01")
    browser.view.setCurrentIndex(index)
    browser.view.scrollTo(index)
    browser.navigate(index)
    return None


def decision_dialog():
    dialog = exception_dialog("CL-01", "省级重点交通项目无法避让，已按程序报批", "县自然资源局 王工", "晋政函〔2024〕12号")
    keep["dialog"] = dialog
    return dialog


def live_recheck():
    """Edit the plan as the guide says: the 城镇住宅用地 outside 城镇开发边界 becomes 农村宅基地; the browser
    updates at once and stays where it was (a GEO-04 finding selected)."""
    from qgis.PyQt.QtWidgets import QAbstractItemView
    keep.pop("dialog").close()
    browser = dock().browser
    index = first_finding("GEO-04")
    browser.view.setCurrentIndex(index)
    browser.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
    layer = browser.plan_layer("GHYDYH")
    layer.startEditing()
    parcel = next(f for f in browser.review.findings if f.rule_id == "CL-05" and "城镇住宅用地" in f.message).plan_fid
    layer.changeAttributeValue(parcel, layer.fields().indexOf("GHDLBM"), "0703")
    keep["edited"] = layer
    return dock()


def exports():
    """The report and the map sheets as the export box writes them; their first pages as images."""
    import glob
    import subprocess

    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QImage

    from onemap.core.export.mapsheets import export_mapsheets
    from onemap.core.export.report import export_report
    result["summary_after_edit"] = dock().summary.text()
    keep.pop("edited").rollBack()
    findings = os.path.join(OUT, "village_conflicts_核对结果.gpkg")
    export_report(findings, os.path.join(OUT, "report.pdf"))
    subprocess.run(["pdftoppm", "-r", "70", "-f", "1", "-l", "1", "-png", "-singlefile",
                    os.path.join(OUT, "report.pdf"), os.path.join(IMAGES, "report-page1")], check=True)
    result["shots"].append(os.path.join(IMAGES, "report-page1.png"))
    sheets = os.path.join(OUT, "sheets")
    export_mapsheets(os.path.join(SAMPLE, "village_conflicts.gpkg"), os.path.join(SAMPLE, "township_onemap.gpkg"),
                     sheets, findings, compiler="某某规划设计院")
    landuse = sorted(glob.glob(os.path.join(sheets, "*国土空间用途规划图*.png")))[0]
    QImage(landuse).scaledToWidth(1400, Qt.TransformationMode.SmoothTransformation).save(
        os.path.join(IMAGES, "mapsheet.png"))
    result["shots"].append(os.path.join(IMAGES, "mapsheet.png"))
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
    keep["dialog"] = dialog
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
        QTimer.singleShot(1500, lambda: shoot("plugin-repository", manager_window(), folder=IMAGES))
        QTimer.singleShot(2000, lambda: show_manager_tab("全部"))
        manager.findChild(QLineEdit, "leFilter").setText("一张图")
        view = [v for v in manager.findChildren(QAbstractItemView) if v.objectName() == "vwPlugins"][0]
        QTimer.singleShot(2500, lambda: view.setCurrentIndex(view.model().index(0, 0)))
    except Exception:
        result["errors"].append("plugin-manager: " + traceback.format_exc())
    QTimer.singleShot(5000, grab_manager)


def grab_manager():
    try:
        shoot("plugin-manager", manager_window(), folder=IMAGES)
        manager_window().close()
    except Exception:
        result["errors"].append("plugin-manager: " + traceback.format_exc())


STEPS = [("plugin-manager", plugin_manager), ("panel-loaded", panel_loaded), ("verified", verified),
         ("findings-browser", findings_browser), ("decision-dialog", decision_dialog),
         ("live-recheck", live_recheck), ("exports", exports),
         ("processing-toolbox", processing_toolbox), ("processing-dialog", processing_dialog)]


def run_step(index):
    if index >= len(STEPS):
        return finish()
    name, step = STEPS[index]
    try:
        widget = step()
    except Exception:                      # recorded; the remaining steps still run
        result["errors"].append("{}: {}".format(name, traceback.format_exc()))
        return QTimer.singleShot(100, lambda: run_step(index + 1))
    if widget == "wait":
        return wait_then(lambda: dock().task is None, lambda: summary_shot(name, index), pause=3000)
    if widget == "grabbed":                # the step grabbed inside a dialog's own event loop
        return QTimer.singleShot(500, lambda: run_step(index + 1))
    QTimer.singleShot(3000, lambda: (shoot(name, widget, folder=IMAGES), run_step(index + 1)))


def summary_shot(name, index):
    result["summary"] = dock().summary.text()
    shoot(name, folder=IMAGES)
    run_step(index + 1)


def start():
    desktop()
    QApplication.processEvents()
    run_step(0)


QTimer.singleShot(3000, start)
