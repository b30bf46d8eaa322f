"""Live re-check wiring: while the land-use layer of the plan shown in the findings browser is in edit
mode, each added, changed or deleted parcel goes through core.check.recheck and the browser updates."""
from qgis.core import Qgis, QgsMessageLog, QgsProject
from qgis.PyQt.QtCore import QObject, QTimer

from ..core.check.recheck import LANDUSE, Recheck
from ..core.errors import OneMapError
from ..core.read.layer_source import CHECKED_AS, layer_source
from ..core.read.sources import source_name
from ..core.review.recorded import may_open

DELAY_MS = 150                  # edits arriving together (a paste, an undo) are checked in one go
SIGNALS = ("featureAdded", "featureDeleted", "geometryChanged", "attributeValueChanged")


class LiveCheck(QObject):
    def __init__(self, browser):
        super().__init__(browser)
        self.browser = browser
        self.layer = None
        self.checker = None
        self.pending = set()
        self.temporary = []          # fids of parcels added in this edit session, before saving
        self.touched = set()         # every parcel changed in this edit session
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.flush)
        project = QgsProject.instance()           # told before a layer goes (its own willBeDeleted comes
        project.layerWillBeRemoved.connect(self.removing)      # when the object is already half gone)
        project.layersAdded.connect(self.follow)                # the plan loaded again: watch the new layer

    def follow(self, *_args):
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
            layer.beforeCommitChanges.connect(self.before_commit)
            layer.committedFeaturesAdded.connect(self.committed)
            layer.afterRollBack.connect(self.rolled_back)
            layer.editingStarted.connect(self.started)

    def before_commit(self, *_args):
        """New parcels get their real fids on saving: note the temporary ones."""
        self.flush()
        buffer = self.layer.editBuffer() if self.layer is not None else None
        self.temporary = list(buffer.addedFeatures()) if buffer is not None else []

    def committed(self, _layer_id, features):
        """Findings of the temporary fids go; the saved parcels are checked under their real fids."""
        gone, self.temporary = set(self.temporary), []
        self.pending |= gone | {feature.id() for feature in features}
        self.flush(saved=True, gone=gone)

    def forget(self):
        """Stop watching (the layer is about to go, or another plan is shown)."""
        if self.layer is not None:
            for name in SIGNALS:
                getattr(self.layer, name).disconnect(self.changed)
            self.layer.editingStopped.disconnect(self.stopped)
            self.layer.beforeCommitChanges.disconnect(self.before_commit)
            self.layer.committedFeaturesAdded.disconnect(self.committed)
            self.layer.afterRollBack.disconnect(self.rolled_back)
            self.layer.editingStarted.disconnect(self.started)
        self.layer, self.checker, self.pending = None, None, set()

    def removing(self, layer_id):
        if self.layer is not None and self.layer.id() == layer_id:      # (the layer is still whole here)
            self.forget()

    def started(self):
        self.touched = set()

    def changed(self, fid, *_args):
        if self.layer is not None and self.layer.isEditable():
            self.pending.add(fid)
            self.touched.add(fid)
            self.timer.start()

    def rolled_back(self):
        """The edits are undone: the parcels they touched are checked again as saved."""
        self.pending, self.touched = set(self.touched), set()
        self.flush(saved=True)

    def stopped(self):
        self.pending = set()         # rolled back, or saved (committed() has run): nothing left to check
        self.checker = None          # the next edit session starts from the saved plan

    def build(self):
        run, project = self.browser.review.run, QgsProject.instance()
        for label in (run.get("plan_path"), run.get("onemap_path"), run.get("ruleset_path")):
            if label and not may_open(label, project):       # a findings file from elsewhere: no connection
                name = source_name(label)
                raise OneMapError("实时核对不会打开核对结果中记录的 {}（不在本机，也未在工程中加载）：请在面板中加载后重新核对"
                                  .format(name), "The live re-check does not open {}, named in the findings file "
                                  "(not on this machine, not loaded in the project): load it in the panel and "
                                  "check again".format(name))
        plan = run.get("plan_path") or ""
        if self.layer.customProperty(CHECKED_AS) == plan:
            plan = layer_source(self.layer, project)
        checker = Recheck(plan, run.get("onemap_path"), run.get("ruleset_path") or None, run.get("plan_kind") or None,
                          project.transformContext())
        checker.prepare()
        return checker

    def flush(self, saved=False, gone=()):
        """Check the parcels changed since the last flush and show the result; `gone`: fids whose
        findings only go (a new parcel's temporary fid once it is saved)."""
        if not self.pending or self.layer is None or self.browser.review is None:
            return
        if not saved and not self.layer.isEditable():
            return
        fids, self.pending = sorted(self.pending), set()
        try:
            if self.checker is None:
                self.checker = self.build()
            found = {}
            for fid in fids:
                feature = self.layer.getFeature(fid)
                found[fid] = self.checker.check(feature) if fid not in gone and feature.isValid() and \
                    feature.hasGeometry() else []
            self.checker.apply_all(self.browser.review.path, found, self.browser.review.run_id)   # decisions move too
            self.browser.review.reload_decisions()
            for fid in fids:
                self.browser.show_recheck(self.checker.landuse.key, fid, self.checker.rule_ids)
        except OneMapError as exc:
            self.browser.summary.setText(exc.zh if self.browser.chinese else exc.en)
            return
        except Exception as exc:  # noqa: BLE001 — an edit must never raise into QGIS
            QgsMessageLog.logMessage("live re-check: {}".format(exc), "OneMap", Qgis.MessageLevel.Warning)
            return
