"""The plugin loads through classFactory, registers its provider, and unloads without leftovers."""
import configparser
import os

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from qgis.PyQt.QtWidgets import QAction, QToolBar

from conftest import ROOT


def flush_deletes():
    QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)


def metadata():
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(os.path.join(ROOT, "metadata.txt"), encoding="utf-8")
    return parser["general"]


def test_metadata_is_complete_and_admits_this_qgis():
    meta = metadata()
    for key in ("name", "qgisMinimumVersion", "description", "about", "version", "author",
                "category", "tags", "changelog", "icon"):
        assert meta.get(key), key
    assert meta["name"] == "OneMap 国土空间规划一张图"
    assert meta["qgisMinimumVersion"] == "3.22"
    assert meta["hasProcessingProvider"] == "yes"
    assert not [key for key in meta if "example.invalid" in meta[key]], "no made-up addresses"
    assert os.path.isfile(os.path.join(ROOT, meta["icon"]))
    minimum = tuple(int(p) for p in meta["qgisMinimumVersion"].split("."))
    assert (Qgis.QGIS_VERSION_INT // 10000, Qgis.QGIS_VERSION_INT // 100 % 100) >= minimum


def test_init_processing_registers_provider_without_gui(qgis_app, qgis_processing):
    from plugin import classFactory
    registry = QgsApplication.processingRegistry()
    plugin = classFactory(None)            # qgis_process passes no iface
    plugin.initProcessing()
    try:
        assert registry.providerById("onemap") is not None
        assert registry.algorithmById("onemap:describesource") is not None
    finally:
        plugin.unload()
    assert registry.providerById("onemap") is None


def test_gui_lifecycle_and_reload_leave_no_duplicates(qgis_iface, qgis_processing):
    from plugin import classFactory
    window = qgis_iface.mainWindow()
    registry = QgsApplication.processingRegistry()
    for _ in range(2):                     # load, unload, load again: as Plugin Reloader does
        plugin = classFactory(qgis_iface)
        plugin.initProcessing()
        plugin.initGui()
        flush_deletes()
        assert len(window.findChildren(QAction, "OneMapShowPanel")) == 1
        assert len(window.findChildren(QToolBar, "OneMapToolbar")) == 1
        assert len([p for p in registry.providers() if p.id() == "onemap"]) == 1
        plugin.unload()
        flush_deletes()
        assert window.findChildren(QAction, "OneMapShowPanel") == []
        assert window.findChildren(QToolBar, "OneMapToolbar") == []
        assert registry.providerById("onemap") is None
