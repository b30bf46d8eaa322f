"""Run inside QGIS by tools/desktop_smoke.sh: open the OneMap panel, load the sample, take a screenshot."""
import json
import os
import traceback

import qgis.utils
from qgis.core import Qgis, QgsApplication, QgsProject
from qgis.PyQt.QtCore import QTimer

OUT = os.environ["ONEMAP_SMOKE_OUT"]
SAMPLE = os.environ["ONEMAP_SAMPLE"]
errors = []


def collect(message, tag, level):
    if "python" in tag.lower() or (level == Qgis.MessageLevel.Critical and "onemap" in (tag + message).lower()):
        errors.append("{}: {}".format(tag, message))


QgsApplication.messageLog().messageReceived.connect(collect)


def finish(result):
    result["python_errors"] = errors
    with open(os.path.join(OUT, "result.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=1)
    QgsApplication.instance().exit(0)


def run():
    result = {"plugin_loaded": "onemap" in qgis.utils.plugins}
    # xvfb has no window manager: QGIS 3.40+ opens its window at its last-saved (default) size,
    # smaller than the screen, so size it the way a maximised window on a 1600x1000 desktop is.
    qgis.utils.iface.mainWindow().setGeometry(0, 0, 1600, 1000)
    try:
        plugin = qgis.utils.plugins["onemap"]
        plugin.actions[0].trigger()
        dock = plugin.dock
        dock.onemap_picker.set_path(os.path.join(SAMPLE, "township_onemap.gpkg"))
        dock.plan_picker.set_path(os.path.join(SAMPLE, "village_conflicts.gpkg"))
        dock.load_button.click()
        result["layers"] = len(QgsProject.instance().mapLayers())
        result["provider"] = QgsApplication.processingRegistry().providerById("onemap") is not None
        result["dock_title"] = dock.windowTitle()
        result["load_button"] = dock.load_button.text()
        dock.output_widget.setFilePath(os.path.join(OUT, "findings.gpkg"))
        dock.verify_button.click()
    except Exception:                      # recorded for the test, which then fails
        result["exception"] = traceback.format_exc()
        finish(result)
        return
    wait_for_check(result, dock, 0)


def wait_for_check(result, dock, tries):
    if dock.task is not None and tries < 100:
        QTimer.singleShot(200, lambda: wait_for_check(result, dock, tries + 1))
        return
    result["summary"] = dock.summary.text()
    canvas = qgis.utils.iface.mapCanvas()
    village = [l for l in QgsProject.instance().mapLayers().values() if l.customProperty("onemap/key") == "CJDCQ"
               and l.customProperty("onemap/source").endswith("village_conflicts.gpkg")][0]
    extent = canvas.mapSettings().layerExtentToOutputExtent(village, village.extent())
    extent.scale(1.15)
    canvas.setExtent(extent)
    canvas.refreshAllLayers()
    QTimer.singleShot(3000, lambda: shoot(result))


def shoot(result):
    window = qgis.utils.iface.mainWindow()
    result["screenshot"] = os.path.join(OUT, "qgis.png")
    window.grab().save(result["screenshot"])
    dock = qgis.utils.plugins["onemap"].dock
    result["panel_screenshot"] = os.path.join(OUT, "panel.png")
    dock.grab().save(result["panel_screenshot"])
    finish(result)


QTimer.singleShot(3000, run)
