"""Run inside QGIS (qgis --code): install OneMap from a plugin repository through pyplugin_installer,
the way Settings ▸ Plugins does after a user adds the repository's URL.

Env: ONEMAP_REPO_URL (…/plugins.xml), ONEMAP_RESULT (json written here before QGIS exits).
The official repository is disabled (no internet here); experimental plugins are allowed, as
OneMap is marked experimental.
"""
import json
import os
import traceback

import pyplugin_installer
import qgis.utils
from pyplugin_installer.installer_data import officialRepo, plugins, reposGroup, repositories
from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QTimer

REPO = "OneMap internal"


def allow_experimental():
    """Tick "Show also experimental plugins" (a settings-tree entry since QGIS 3.30, a key before)."""
    try:
        from qgis.core import QgsSettingsTree
        QgsSettingsTree.node("plugin-manager").childSetting("allow-experimental").setValue(True)
    except ImportError:
        QgsSettings().setValue("app/plugin_installer/allowExperimental", True)


def configure():
    allow_experimental()
    settings = QgsSettings()
    settings.setValue("{}/{}/url".format(reposGroup, officialRepo[0]), officialRepo[1])
    settings.setValue("{}/{}/enabled".format(reposGroup, officialRepo[0]), False)
    settings.setValue("{}/{}/url".format(reposGroup, REPO), os.environ["ONEMAP_REPO_URL"])
    settings.setValue("{}/{}/enabled".format(reposGroup, REPO), True)


def write(result):
    with open(os.environ["ONEMAP_RESULT"], "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=1)


def watchdog():
    """A dialog waiting for a click would hang the run: name the visible windows and stop QGIS."""
    from qgis.PyQt.QtWidgets import QApplication, QLabel
    windows = ["{} '{}': {}".format(w.metaObject().className(), w.windowTitle(),
                                    " | ".join(label.text() for label in w.findChildren(QLabel) if label.text()))
               for w in QApplication.topLevelWidgets() if w.isVisible() and w is not qgis.utils.iface.mainWindow()]
    write({"exception": "blocked after 90 s; open windows: {}".format(windows)})
    os._exit(1)


def run():
    result = {}
    try:
        configure()
        installer = pyplugin_installer.instance()
        installer.fetchAvailablePlugins(True)                 # reads every enabled repository's plugins.xml
        result["repository_state"] = repositories.all()[REPO]["state"]
        result["repository_error"] = repositories.all()[REPO]["error"]
        available = plugins.all().get("onemap")
        result["available"] = None if available is None else {
            key: available[key] for key in ("name", "version_available", "version_installed", "status", "status_exp",
                                            "zip_repository", "experimental")}
        if available is not None:
            installer.installPlugin("onemap", quiet=True, stable=not available["experimental"])
        installed = plugins.all().get("onemap", {})
        result["installed_version"] = installed.get("version_installed")
        result["active"] = "onemap" in qgis.utils.active_plugins
        result["enabled_setting"] = QgsSettings().value("PythonPlugins/onemap", False, type=bool)
        result["provider"] = QgsApplication.processingRegistry().providerById("onemap") is not None
    except Exception:                      # recorded for the test, which then fails
        result["exception"] = traceback.format_exc()
    write(result)
    QgsApplication.instance().exit(0)


QTimer.singleShot(90000, watchdog)
QTimer.singleShot(2000, run)
