"""Plugin lifecycle: Processing provider in initProcessing(), GUI in initGui(), all undone in unload()."""
import os.path

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon

from .core.paths import RESOURCES_DIR
from .core.threads import keep_task_threads
from .i18n import install_translator, remove_translator
from .processing.provider import OneMapProvider

ICON_PATH = os.path.join(RESOURCES_DIR, "icon.svg")
MENU = "OneMap"


class OneMapPlugin:
    """Wires the headless core to QGIS: a Processing provider always, GUI when there is one."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.actions = []
        self.toolbar = None
        self.dock = None
        self.translator = install_translator()

    # -- Processing: runs under qgis_process too, where initGui() never does.
    def initProcessing(self):  # noqa: N802
        keep_task_threads()              # the toolbox runs our algorithms in task threads too (core/threads.py)
        if self.provider is None:
            self.provider = OneMapProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()
        if self.iface is None:
            return
        from qgis.PyQt.QtWidgets import QAction
        self.toolbar = self.iface.addToolBar("OneMap")
        self.toolbar.setObjectName("OneMapToolbar")
        action = QAction(QIcon(ICON_PATH), "国土空间规划一张图 / OneMap", self.iface.mainWindow())
        action.setObjectName("OneMapShowPanel")
        action.setCheckable(True)
        action.toggled.connect(self.toggle_panel)
        self.toolbar.addAction(action)
        self.iface.addPluginToMenu(MENU, action)
        self.actions.append(action)

    def toggle_panel(self, visible):
        if self.dock is None:
            from .gui.dock import OneMapDock
            self.dock = OneMapDock(self.iface)
            self.dock.visibilityChanged.connect(self.actions[0].setChecked)
            self.iface.addDockWidget(self.dock.default_area(), self.dock)
            if hasattr(self.iface.mainWindow(), "resizeDocks"):         # wide enough for the findings columns
                self.iface.mainWindow().resizeDocks([self.dock], [self.dock.preferred_width()], Qt.Orientation.Horizontal)
        self.dock.setVisible(visible)

    def unload(self):
        for action in self.actions:
            self.iface.removePluginMenu(MENU, action)
            if self.toolbar is not None:
                self.toolbar.removeAction(action)
            action.deleteLater()
        self.actions = []
        if self.toolbar is not None:
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.dock is not None:
            self.iface.removeDockWidget(self.dock)
            self.dock.close()
            self.dock.deleteLater()
            self.dock = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator(self.translator)
        self.translator = None
