"""The findings browser and the map show one findings file.

Choosing an entry in the browser points the plan's findings layer at its file (or loads one). When the
project removes the layer showing the browser's file and another layer now shows the plan's findings — a
toolbox run of the plan, loaded on completion in its place (findings_layer.adopt) —, the browser shows that
file: the toolbox's result becomes the current one. When the file shown is replaced on disk by another check
of the plan (the toolbox or qgis_process writing the same file), it is read again, on the map too. The
layer is looked up whenever it is needed, never kept: the project may delete it at any time (desktop walk
on QGIS 3.44: "wrapped C/C++ object of type QgsVectorLayer has been deleted" on the next decision after a
toolbox run).
"""
import os

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QFileSystemWatcher, QObject, QTimer

from ..core.errors import OneMapError
from ..core.read.loading import PROPERTY_KEY, PROPERTY_SOURCE
from ..core.review import readback
from ..core.review.decisions import same_plan
from ..core.review.findings_layer import existing, load_findings, same_file


class FindingsOnMap(QObject):
    def __init__(self, browser):
        super().__init__(browser)
        self.browser = browser
        self.follow_timer = QTimer(self)          # once the project has removed the layer
        self.follow_timer.setSingleShot(True)
        self.follow_timer.setInterval(0)
        self.follow_timer.timeout.connect(self.follow)
        QgsProject.instance().layerWillBeRemoved.connect(self.layer_removed)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self.file_changed)

    def layer(self, load=False):
        """The project's findings layer showing the browser's file, or None; with `load`, the plan's findings
        layer is pointed at the file (or one is added) when none shows it (OneMapError if it cannot be)."""
        review = self.browser.review
        if review is None:
            return None
        project = QgsProject.instance()
        layer = existing(project, review.path, "")
        if layer is None and load:
            layer = load_findings(review.path, project, self.browser.current_title(), self.browser.chinese)
        return layer

    def watch(self, path):
        """Watch the file the browser shows now (None: nothing)."""
        if self.watcher.files():
            self.watcher.removePaths(self.watcher.files())
        if path and os.path.isfile(path):
            self.watcher.addPath(path)

    def layer_removed(self, layer_id):
        """The project is about to remove a layer: when it shows the browser's file, see once it is gone
        what shows the plan's findings then."""
        layer = QgsProject.instance().mapLayer(layer_id)
        review = self.browser.review
        if review is not None and layer is not None and layer.customProperty(PROPERTY_KEY) == "findings" \
                and same_file(layer.customProperty(PROPERTY_SOURCE), review.path):
            self.follow_timer.start()

    def follow(self):
        """Show the file the plan's findings layer shows now; none (removed by hand): keep the file."""
        review = self.browser.review
        if review is None:
            return
        layer = existing(QgsProject.instance(), review.path, review.run.get("plan_path") or "")
        if layer is not None:
            self.browser.add_result(layer.customProperty(PROPERTY_SOURCE), self.browser.current_title())

    def file_changed(self, path):
        """The browser's file changed on disk: replaced by another check of the same plan, read again (on the
        map too). Decisions and live re-checks written from here keep its run; another plan's file put in
        its place is not shown under this plan's name (the next click or decision says it was replaced)."""
        review = self.browser.review
        if review is None or not same_file(path, review.path):
            return
        self.watch(review.path)                       # a replaced file is no longer watched
        try:
            run = readback.run_record(path)
        except OneMapError:
            return                                    # unreadable now: the next action says why
        if run.get("run_id") not in (None, review.run_id) and same_plan(run.get("plan_path"),
                                                                        review.run.get("plan_path")):
            load_findings(review.path, QgsProject.instance(), chinese=self.browser.chinese)
            self.browser.show_selected_result()
