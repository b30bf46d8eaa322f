"""Run inside QGIS by tools/desktop_smoke.sh: open the OneMap panel, load the sample, take a screenshot."""
import os

import qgis.utils
from in_qgis import OUT, SAMPLE, desktop, dock, finish, later, result, shoot, wait_then
from qgis.core import Qgis, QgsApplication, QgsProject

result["python_errors"] = []


def collect(message, tag, level):
    if "python" in tag.lower() or (level == Qgis.MessageLevel.Critical and "onemap" in (tag + message).lower()):
        result["python_errors"].append("{}: {}".format(tag, message))


QgsApplication.messageLog().messageReceived.connect(collect)


def run():
    result["plugin_loaded"] = "onemap" in qgis.utils.plugins
    desktop(hide_browser=False)
    plugin = qgis.utils.plugins["onemap"]
    plugin.actions[0].trigger()
    panel = dock()
    panel.onemap_picker.set_path(os.path.join(SAMPLE, "township_onemap.gpkg"))
    panel.plan_picker.set_path(os.path.join(SAMPLE, "village_conflicts.gpkg"))
    panel.load_button.click()
    result["layers"] = len(QgsProject.instance().mapLayers())
    result["provider"] = QgsApplication.processingRegistry().providerById("onemap") is not None
    result["dock_title"] = panel.windowTitle()
    result["load_button"] = panel.load_button.text()
    panel.output_widget.setFilePath(os.path.join(OUT, "findings.gpkg"))
    panel.verify_button.click()
    wait_then(lambda: dock().task is None, zoom_to_village, pause=0, tries=100)


def zoom_to_village():
    result["summary"] = dock().summary.text()
    canvas = qgis.utils.iface.mapCanvas()
    village = [l for l in QgsProject.instance().mapLayers().values() if l.customProperty("onemap/key") == "CJDCQ"
               and l.customProperty("onemap/source").endswith("village_conflicts.gpkg")][0]
    extent = canvas.mapSettings().layerExtentToOutputExtent(village, village.extent())
    extent.scale(1.15)
    canvas.setExtent(extent)
    canvas.refreshAllLayers()
    later(3000, lambda: (result.update(screenshot=shoot("qgis"), panel_screenshot=shoot("panel", dock())),
                         finish()))


later(3000, run)
