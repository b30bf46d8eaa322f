"""Live re-check wiring: while the land-use layer of the plan shown in the findings browser is in edit
mode, each added, changed or deleted parcel goes through core.recheck and the browser updates."""
from qgis.core import Qgis, QgsMessageLog, QgsProject
from qgis.PyQt.QtCore import QObject, QTimer

from ..core.errors import OneMapError
from ..core.layer_source import CHECKED_AS, layer_source
from ..core.recheck import LANDUSE, Recheck

DELAY_MS = 150                  # edits arriving together (a paste, an undo) are checked in one go
SIGNALS = ("featureAdded", "featureDeleted", "geometryChanged", "attributeValueChanged")


class LiveCheck(QObject):
    def __init__(self, browser):
        super().__init__(browser)
        self.browser = browser
        self.layer = None
        self.checker = None
        self.pending = set()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.flush)

    def follow(self):
        """Watch the land-use layer of the plan the browser now shows (if it is in the project)."""
        layer = self.browser.plan_layer(LANDUSE) if self.browser.review is not None else None
        if layer is self.layer:
            return
        self.forget()
        self.layer = layer
        if layer is not None:
            for name in SIGNALS:
                getattr(layer, name).connect(self.changed)
            layer.editingStopped.connect(self.stopped)
            layer.willBeDeleted.connect(self.forget)

    def forget(self):
        """Stop watching (the layer is about to go, or another plan is shown)."""
        if self.layer is not None:
            for name in SIGNALS:
                getattr(self.layer, name).disconnect(self.changed)
            self.layer.editingStopped.disconnect(self.stopped)
            self.layer.willBeDeleted.disconnect(self.forget)
        self.layer, self.checker, self.pending = None, None, set()

    def changed(self, fid, *_args):
        if self.layer is not None and self.layer.isEditable():
            self.pending.add(fid)
            self.timer.start()

    def stopped(self):
        self.flush()
        self.checker = None          # the next edit session starts from the saved plan

    def build(self):
        run = self.browser.review.run
        plan = run.get("plan_path") or ""
        if self.layer.customProperty(CHECKED_AS) == plan:
            plan = layer_source(self.layer, QgsProject.instance())
        checker = Recheck(plan, run.get("onemap_path"), run.get("ruleset_path") or None, run.get("plan_kind") or None,
                          QgsProject.instance().transformContext())
        checker.prepare()
        return checker

    def flush(self):
        """Check the parcels changed since the last flush and show the result."""
        if not self.pending or self.layer is None or self.browser.review is None:
            return
        fids, self.pending = sorted(self.pending), set()
        try:
            if self.checker is None:
                self.checker = self.build()
            for fid in fids:
                feature = self.layer.getFeature(fid)
                found = self.checker.check(feature) if feature.isValid() and feature.hasGeometry() else []
                self.checker.apply(self.browser.review.path, fid, found)
                self.browser.show_recheck(LANDUSE, fid, self.checker.rule_ids)
        except OneMapError as exc:
            self.browser.summary.setText(exc.zh if self.browser.chinese else exc.en)
            return
        except Exception as exc:  # noqa: BLE001 — an edit must never raise into QGIS
            QgsMessageLog.logMessage("live re-check: {}".format(exc), "OneMap", Qgis.MessageLevel.Warning)
            return
