"""A source field: a GeoPackage, a .gdb or shapefile folder, or a saved PostGIS connection; recent ones kept."""
import os

from qgis.core import QgsProviderConnectionException, QgsSettings
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QMenu,
    QToolButton,
    QWidget,
)

from ..core.read.postgis import SAVED_PREFIX, saved_connections, schemas
from .dialogs import message, pick_item

RECENT_LIMIT = 10


class SourcePicker(QWidget):
    changed = pyqtSignal(str)

    def __init__(self, settings_key, parent=None):
        super().__init__(parent)
        self.settings_key = "onemap/recent/" + settings_key
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)             # long recent paths must not widen the panel
        self.combo.lineEdit().setPlaceholderText(self.tr("GeoPackage, .gdb folder, shapefile folder or PostGIS"))
        self.combo.addItems(self.recent())
        self.combo.setCurrentIndex(-1)
        self.combo.currentTextChanged.connect(self.changed)
        self.button = QToolButton()
        self.button.setText("…")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.button)
        menu.addAction(self.tr("GeoPackage or shapefile…"), self.pick_file)
        menu.addAction(self.tr("Folder (.gdb or shapefiles)…"), self.pick_folder)
        menu.addAction(self.tr("PostGIS connection…"), self.pick_postgis)
        self.button.setMenu(menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo, 1)
        layout.addWidget(self.button)

    def path(self):
        return self.combo.currentText().strip()

    def set_path(self, path):
        self.combo.setEditText(path)

    def pick_file(self):
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Plan source"), os.path.dirname(self.path()),
                                                    self.tr("GeoPackage or shapefile (*.gpkg *.shp)"))
        if path:
            self.set_path(path)

    def pick_folder(self):
        path = QFileDialog.getExistingDirectory(self, self.tr("Plan source folder"), os.path.dirname(self.path()))
        if path:
            self.set_path(path)

    def pick_postgis(self):
        """A PostgreSQL connection saved in QGIS, then one of its schemas: 'pgconn:<name>/<schema>'."""
        names = saved_connections()
        if not names:
            message(self, self.tr("No PostgreSQL connection is saved in QGIS yet "
                                  "(Browser ▸ PostgreSQL ▸ New Connection)."))
            return
        name, ok = pick_item(self, self.tr("PostGIS connection"), self.tr("Connection"), names)
        if not ok:
            return
        try:
            options = schemas(name)
        except QgsProviderConnectionException as exc:
            message(self, str(exc), warning=True)
            return
        schema, ok = pick_item(self, self.tr("PostGIS connection"), self.tr("Schema"), options)
        if ok:
            self.set_path("{}{}/{}".format(SAVED_PREFIX, name, schema))

    def recent(self):
        value = QgsSettings().value(self.settings_key, [])
        return [value] if isinstance(value, str) else list(value or [])

    def remember(self, path):
        """Put a source that loaded first in the recent list (QgsSettings); never one with a password."""
        if not path or "password=" in path:
            return
        current = self.path()
        recent = [path] + [p for p in self.recent() if p != path]
        QgsSettings().setValue(self.settings_key, recent[:RECENT_LIMIT])
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems(recent[:RECENT_LIMIT])
        self.combo.setEditText(current)
        self.combo.blockSignals(False)
