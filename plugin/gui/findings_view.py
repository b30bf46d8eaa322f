"""The findings browser: a tree view over FindingsModel with filters, map navigation and decisions.

A click zooms to the conflicting part, flashes it and selects the plan parcel in the plan's layer — on an
indicator row of a 规划单元 or village, shows and flashes that area (core.review.places) —; what has no place is said in
the status line under the counts. A double click opens the finding's (or the area's) attribute form; the
context menu copies a finding's text and records or withdraws a reviewer decision (written to the findings
GeoPackage). A check that failed or was cancelled is an entry of its own in the results list, shown empty
with its error: the findings of an earlier check are never shown as if they were its.
The map shows the file the browser shows, and the other way round (findings_on_map).
"""
import os

from qgis.core import QgsCoordinateTransform, QgsGeometry, QgsPointXY, QgsProject, QgsRectangle
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..core.check.context import placed_extent
from ..core.errors import OneMapError
from ..core.read.loading import PROPERTY_KEY, PROPERTY_SOURCE
from ..core.review import decisions
from ..core.review.layout import SEVERITY_ZH
from ..core.review.findings_layer import checked_layers, present, same_file
from ..core.review.places import WHOLE_PLAN, locate
from ..core.review.reader import Review
from ..i18n import chinese_ui
from . import view_state
from .decision_dialog import DecisionDialog
from .feature_form import open_feature_form
from .findings_columns import WrappingDelegate, fit_columns
from .findings_model import AREA_ROLE, KIND_ROLE, RULE_ROLE, SEVERITY_EN, FindingsFilter, FindingsModel, icon
from .findings_on_map import FindingsOnMap
from .live_check import LiveCheck

POINT_VIEW_M = 150.0           # extent shown around a finding that is only a point
FAILED_ROLE = Qt.ItemDataRole.UserRole + 20     # a results entry of a check that wrote nothing: what to say
TITLE_ROLE = Qt.ItemDataRole.UserRole + 21      # a results entry's plan name (its text may add the file's)


def zoom_to_layers(iface, layer_ids):
    """Show the layers' whole extent (in the canvas CRS) with a little margin, leaving out a layer whose
    coordinates its CRS cannot place (带号 on x where the CRS has none: CRS-01), which would zoom the map out
    to the whole world, and taking a stale stored extent from the features. The canvas takes the project's
    layers first: in a fresh project QGIS sets the canvas CRS and zooms to every layer when its layer-tree
    bridge next runs (deferred), which would undo this zoom."""
    if iface is None:
        return
    bridge = iface.layerTreeCanvasBridge() if hasattr(iface, "layerTreeCanvasBridge") else None
    if bridge is not None:
        bridge.setCanvasLayers()
    canvas, project = iface.mapCanvas(), QgsProject.instance()
    extent = QgsRectangle()
    for layer in filter(None, map(project.mapLayer, layer_ids)):
        if not layer.isSpatial():
            continue
        own = placed_extent(layer, layer.crs(), project.transformContext()) if layer.crs().isValid() else layer.extent()
        if own is None or own.isEmpty():
            continue
        transform = QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(), project)
        rect = transform.transformBoundingBox(own)
        if extent.isEmpty():
            extent = QgsRectangle(rect)
        else:
            extent.combineExtentWith(rect)
    if not extent.isEmpty():
        extent.scale(1.05)
        canvas.setExtent(extent)
        canvas.refresh()


class FindingsBrowser(QWidget):
    reviewChanged = pyqtSignal()          # counts or decisions of the shown findings changed (not a new file)
    resultShown = pyqtSignal()            # another results entry is shown (or the same file read again)

    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.chinese = chinese_ui()
        self.notice = ""                          # what the last click found (or could not), under the counts
        self.opened = {}                          # areas read from a checked source once (places.locate)
        self.model = FindingsModel(self, self.chinese)
        self.proxy = FindingsFilter(self)
        self.proxy.setSourceModel(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.results_combo = QComboBox()          # one entry per findings GeoPackage checked this session
        self.results_combo.setVisible(False)
        self.results_combo.currentIndexChanged.connect(self.show_selected_result)
        layout.addWidget(self.results_combo)
        bar = QHBoxLayout()
        self.severity_buttons = {}
        for severity in ("error", "warning", "info"):
            button = QToolButton()
            button.setCheckable(True)
            button.setChecked(True)
            button.setIcon(icon(severity))
            button.setText((SEVERITY_ZH if self.chinese else SEVERITY_EN)[severity])
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setAutoRaise(True)
            button.toggled.connect(self.apply_filter)
            bar.addWidget(button)
            self.severity_buttons[severity] = button
        self.decision_combo = QComboBox()
        for mode, text in zip(FindingsFilter.DECISION_MODES, (
                self.tr("All decisions"), self.tr("Undecided"), self.tr("Decided"),
                self.tr("Approved exceptions"), self.tr("False positives"), self.tr("To confirm again"))):
            self.decision_combo.addItem(text, mode)
        self.decision_combo.currentIndexChanged.connect(self.apply_filter)
        self.village_combo = QComboBox()
        self.village_combo.setVisible(False)          # shown when a plan has several villages
        self.village_combo.currentIndexChanged.connect(self.apply_filter)
        bar.addStretch(1)
        layout.addLayout(bar)
        choices = QHBoxLayout()                       # a second row: the panel stays narrow
        for combo in (self.decision_combo, self.village_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            choices.addWidget(combo, 1)
        layout.addLayout(choices)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.view = QTreeView()
        self.view.setModel(self.proxy)
        self.view.setWordWrap(True)                   # long messages wrap instead of being cut off
        self.view.setItemDelegate(WrappingDelegate(self.view))
        self.view.setIndentation(14)                  # the findings' messages keep the room
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)     # read-only rows
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self.context_menu)
        self.view.clicked.connect(self.navigate)
        self.view.doubleClicked.connect(self.open_form)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):                    # sized to their texts by fit_columns
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(lambda *_args: self.view.doItemsLayout())     # rows wrap anew
        self.view.setMinimumHeight(260)
        layout.addWidget(self.view, 1)
        self.live = LiveCheck(self)
        self.on_map = FindingsOnMap(self)

    # -- content
    def add_result(self, path, title, select=True):
        """List the findings GeoPackage `path` under `title` (a second file of the same plan, e.g. from a folder
        check or the toolbox, is told apart by its folder's name, or in the same folder by its own) and show it
        (with `select`). It replaces an entry of a failed check of that plan."""
        self.drop_failure(title)
        index = self.entry_of(path)
        if index < 0:
            text = title
            if self.results_combo.findText(title) >= 0:
                same = self.results_combo.itemData(self.results_combo.findText(title)) or ""
                folder = os.path.dirname(os.path.abspath(path))
                text = "{}（{}）".format(title, os.path.basename(path if same_file(os.path.dirname(
                    os.path.abspath(same)), folder) else folder))
            self.results_combo.addItem(text, path)
            index = self.results_combo.count() - 1
            self.results_combo.setItemData(index, title, TITLE_ROLE)
        if select:
            self.select_result(index)
        else:
            self.results_combo.setVisible(self.results_combo.count() > 1)

    def current_title(self):
        """The plan name of the entry shown."""
        return self.results_combo.currentData(TITLE_ROLE) or self.results_combo.currentText()

    def entry_of(self, path):
        """The results entry of the file `path` (however it is spelled), or -1."""
        return next((i for i in range(self.results_combo.count()) if same_file(self.results_combo.itemData(i), path)),
                    -1)

    def add_failure(self, title, text, cancelled=False, select=True):
        """A check of the plan `title` that wrote nothing (`text`: its error, or None when it was cancelled):
        an entry of its own, shown (with `select`) as an empty tree and the error; the earlier results stay
        in the list under their plans' names."""
        self.drop_failure(title)
        state = self.tr("cancelled") if cancelled else self.tr("check failed")
        self.results_combo.addItem(("{}（{}）" if self.chinese else "{} ({})").format(title, state))
        index = self.results_combo.count() - 1
        self.results_combo.setItemData(index, (title, text or ""), FAILED_ROLE)
        if select:
            self.select_result(index)
        else:
            self.results_combo.setVisible(self.results_combo.count() > 1)

    def drop_failure(self, title):
        for index in range(self.results_combo.count() - 1, -1, -1):
            failed = self.results_combo.itemData(index, FAILED_ROLE)
            if failed is not None and failed[0] == title:
                self.results_combo.removeItem(index)

    def select_result(self, index):
        self.results_combo.setVisible(self.results_combo.count() > 1)
        if index == self.results_combo.currentIndex():
            self.show_selected_result()
        else:
            self.results_combo.setCurrentIndex(index)

    def show_selected_result(self, *_args):
        """Show the chosen entry: its findings file (on the map too), or why a check wrote none."""
        failed = self.results_combo.currentData(FAILED_ROLE)
        path = self.results_combo.currentData()
        if failed is not None:
            self.show_failure(*failed)
        elif not path:
            self.set_review(None)
        else:
            try:
                self.set_review(Review(path))
                self.on_map.layer(load=True)
            except OneMapError as exc:
                self.set_review(None)
                self.summary.setText(exc.zh if self.chinese else exc.en)
        self.resultShown.emit()

    def show_failure(self, title, text):
        """An empty tree and why the check of `title` left no findings (no text: it was cancelled)."""
        self.set_review(None)
        earlier = any(self.results_combo.itemData(i) for i in range(self.results_combo.count()))
        if text:
            said = self.tr("The check of {} failed; it wrote no findings: {}").format(title, text)
        else:
            said = self.tr("The check of {} was cancelled; it wrote no findings.").format(title)
        if earlier:
            said += ("" if self.chinese else " ") + self.tr("Earlier checks can be chosen above, each under its plan's name.")
        self.summary.setText(said)
        self.summary.setStyleSheet("color: #b00000")

    def set_review(self, review):
        """Show a core.review.reader.Review. A re-check into the file already shown keeps the open rules, the
        current finding and the scroll."""
        before = view_state.capture(self)
        self.notice, self.opened = "", {}
        self.summary.setStyleSheet("")
        self.model.set_review(review)
        fit_columns(self.view, self.model)
        villages = review.villages() if review is not None else []
        self.village_combo.blockSignals(True)
        self.village_combo.clear()
        self.village_combo.addItem(self.tr("All villages"), "")
        for village in villages:
            self.village_combo.addItem(village, village)
        self.village_combo.setVisible(len(villages) > 1)
        self.village_combo.blockSignals(False)
        self.apply_filter()
        if before is not None and review is not None and before.path == review.path:
            view_state.restore(self, before)
        self.update_summary()
        self.live.follow()
        self.on_map.watch(review.path if review is not None else None)

    def show_recheck(self, plan_layer, plan_fid, rule_ids):
        """A live re-check rewrote one parcel's findings: update those rows, the figures and the map; the
        tree stays where it was."""
        before = view_state.capture(self)
        removed, added = self.review.update(plan_layer, plan_fid, rule_ids)
        fit_columns(self.view, self.model, self.model.apply_update(removed, added))
        view_state.restore(self, before)
        self.update_summary()
        layer = self.on_map.layer()
        if layer is not None:
            layer.reload()
            layer.triggerRepaint()
        self.reviewChanged.emit()

    @property
    def review(self):
        return self.model.review

    def update_summary(self):
        """The counts, and under them what the last click found (or could not)."""
        lines = [self.review.summary(self.chinese) if self.review is not None else "", self.notice]
        self.summary.setText("\n".join(line for line in lines if line))

    def say(self, text):
        self.notice = text
        self.update_summary()

    def apply_filter(self, *_args):
        severities = [s for s, button in self.severity_buttons.items() if button.isChecked()]
        self.proxy.set_filter(severities, self.decision_combo.currentData(), self.village_combo.currentData() or "")
        if self.proxy.active():
            self.view.expandAll()
        else:
            self.view.collapseAll()
            for row in range(self.proxy.rowCount()):           # open the failed rules
                index = self.proxy.index(row, 0)
                if self.proxy.rowCount(index) and self.model.review is not None:
                    self.view.expand(index)

    def finding_at(self, proxy_index):
        return self.model.finding(self.proxy.mapToSource(proxy_index))

    # -- navigation
    def navigate(self, proxy_index):
        """Zoom to the finding's conflicting part, flash it and select the plan parcel; on an indicator row of
        a 规划单元 or village, to that area whole. What cannot be shown is said in the status line."""
        item = self.row_item(proxy_index)
        if item is None or self.iface is None or item.data(KIND_ROLE) not in ("finding", "indicator"):
            return
        finding = self.finding_at(proxy_index)
        try:
            if item.data(AREA_ROLE) is not None:
                self.show_area(item)
                return
            geometry = self.finding_geometry(finding) if finding is not None else None
        except OneMapError as exc:                    # the file was replaced, the part is damaged, no such unit
            self.say(exc.zh if self.chinese else exc.en)
            return
        if geometry is None:
            self.say(WHOLE_PLAN[0 if self.chinese else 1] if item.data(KIND_ROLE) == "indicator" else
                     self.tr("This finding has no place on the map (e.g. the coordinate system)."))
            return
        self.show_on_map(geometry, self.review.crs, point=True)
        self.select_plan_feature(finding)
        self.say("")

    def show_area(self, item):
        """Zoom to the area an indicator row is about and flash it (core.review.places) — not selected: QGIS
        paints a selected polygon solid in the selection colour, which would hide the plan's parcels in it."""
        kind = self.review.by_rule[item.data(RULE_ROLE)].values.get("kind")
        place = locate(QgsProject.instance(), self.review.run, kind, item.data(AREA_ROLE), self.opened)
        self.show_on_map(place.geometry, place.crs)
        self.say(self.tr("Shown on the map: {}").format(place.zh if self.chinese else place.en))

    def show_on_map(self, geometry, crs, point=False):
        """Zoom to `geometry` (in `crs`) with what surrounds it — a point (`point`: a finding's place) in a
        view of POINT_VIEW_M — and flash it."""
        canvas = self.iface.mapCanvas()
        transform = QgsCoordinateTransform(crs, canvas.mapSettings().destinationCrs(), QgsProject.instance())
        rect = transform.transformBoundingBox(geometry.boundingBox())
        if point and rect.width() < 1 and rect.height() < 1:
            centre = rect.center()
            half = POINT_VIEW_M / 2
            rect = QgsRectangle(centre.x() - half, centre.y() - half, centre.x() + half, centre.y() + half)
        else:
            rect.scale(2.5 if point else 1.1)        # a part and what surrounds it; an area whole, a margin
        canvas.setExtent(rect)
        canvas.refresh()
        canvas.flashGeometries([geometry], crs)

    def row_item(self, proxy_index):
        """The column-0 item of a row, or None."""
        if not proxy_index.isValid():
            return None
        source = self.proxy.mapToSource(proxy_index)
        return self.model.itemFromIndex(source.sibling(source.row(), 0))

    @staticmethod
    def finding_geometry(finding):
        if finding.has_geometry:
            return QgsGeometry(finding.geometry)
        if finding.x is not None and finding.y is not None:
            return QgsGeometry.fromPointXY(QgsPointXY(finding.x, finding.y))
        return None

    def plan_layer(self, key):
        """The plan's layer `key` in the project (loaded by the panel from the checked source), or None."""
        return checked_layers(QgsProject.instance(), (self.review.run or {}).get("plan_path") or "").get(key)

    def plan_layer_ids(self):
        """The project layers of the plan the shown findings were made from."""
        source = (self.review.run or {}).get("plan_path") if self.review is not None else None
        return [layer.id() for layer in QgsProject.instance().mapLayers().values()
                if source and layer.customProperty(PROPERTY_SOURCE) == source
                and layer.customProperty(PROPERTY_KEY) != "findings"]

    def select_plan_feature(self, finding):
        layer = self.plan_layer(finding.plan_layer) if finding.plan_layer else None
        if layer is None:
            return
        if finding.plan_fid is None:
            layer.removeSelection()
        else:
            layer.selectByIds([int(finding.plan_fid)])

    def open_form(self, proxy_index):
        """The finding's attribute form; for an indicator row without one, its area's (when loaded)."""
        finding = self.finding_at(proxy_index)
        if self.iface is None:
            return
        if finding is None:
            item = self.row_item(proxy_index)
            if item is not None and item.data(AREA_ROLE) is not None:
                self.open_area_form(item)
            return
        try:
            layer = self.on_map.layer(load=True)
        except OneMapError as exc:                    # the file cannot be opened as a layer
            self.say(exc.zh if self.chinese else exc.en)
            return
        present(layer, QgsProject.instance(), self.chinese)    # the plan's layers by their names as loaded now
        feature = layer.getFeature(finding.fid)
        if feature.isValid():
            open_feature_form(self.iface, layer, feature, self)

    def open_area_form(self, item):
        kind = self.review.by_rule[item.data(RULE_ROLE)].values.get("kind")
        try:
            place = locate(QgsProject.instance(), self.review.run, kind, item.data(AREA_ROLE), self.opened)
        except OneMapError:
            return                                    # the click before said why
        layer = QgsProject.instance().mapLayer(place.layer_id) if place.layer_id else None
        if layer is not None:
            self.iface.openFeatureForm(layer, layer.getFeature(place.fid))

    # -- context menu
    def context_menu(self, position):
        proxy_index = self.view.indexAt(position)
        finding = self.finding_at(proxy_index)
        menu = QMenu(self)
        if finding is not None:
            menu.addAction(self.tr("Zoom to finding"), lambda: self.navigate(proxy_index))
            menu.addAction(self.tr("Open attribute form"), lambda: self.open_form(proxy_index))
            menu.addAction(self.tr("Decision…"), lambda: self.edit_decision(finding))
            current = self.review.decision(finding)
            if current is not None and current.review:
                menu.addAction(self.tr("Confirm decision"), lambda: self.confirm_decision(finding))
            if current is not None:
                menu.addAction(self.tr("Withdraw decision"), lambda: self.withdraw_decision(finding))
        if proxy_index.isValid():
            menu.addAction(self.tr("Copy text"), lambda: self.copy_text(proxy_index))
        if not menu.isEmpty():
            menu.exec(self.view.viewport().mapToGlobal(position))

    def row_text(self, proxy_index):
        """A row as a reviewer would quote it: every column, then the rule for a finding."""
        cells = [(self.proxy.index(proxy_index.row(), c, proxy_index.parent()).data() or "").split("\n")
                 for c in range(self.proxy.columnCount())]
        cells = [self.model.one_line(lines[0], lines[1:]) for lines in cells]      # a status's lines, as one
        finding = self.finding_at(proxy_index)
        text = "\t".join(c for c in cells if c)
        if finding is not None:
            text = "{} {}\t{}".format(finding.rule_id, finding.rule_title or "", text)
            if finding.plan_label:
                text += "\t{}".format(("规划图斑 " if self.chinese else "plan parcel ") + str(finding.plan_label))
        return text

    def copy_text(self, proxy_index):
        QApplication.clipboard().setText(self.row_text(proxy_index))

    def edit_decision(self, finding):
        dialog = DecisionDialog(finding, self.review.decision(finding), self)
        if dialog.exec():
            self.store(dialog.decision)

    def store(self, decision):
        """Write a decision (already validated) into the file the browser opened, and show it."""
        self.write_decision(decisions.save, decision)

    def confirm_decision(self, finding):
        """Keep a decision marked 需复核 for the finding as it reads now (an invalid one is refused: record it
        again in the dialog)."""
        self.write_decision(decisions.confirm, self.review.decision(finding), finding.message)

    def withdraw_decision(self, finding):
        self.write_decision(decisions.remove, finding.finding_id)

    def write_decision(self, write, *args):
        """Write through core.review.decisions into the check the browser opened (its run id): a file put
        in its place since, or one whose triggers would change other rows, is refused and said in the
        summary line."""
        try:
            write(self.review.path, *args, run_id=self.review.run_id)
        except OneMapError as exc:
            self.summary.setText(exc.zh if self.chinese else exc.en)
            return
        self.decisions_changed()

    def decisions_changed(self):
        before = view_state.capture(self)
        self.model.refresh_decisions()
        self.proxy.invalidateFilter()
        fit_columns(self.view, self.model)
        view_state.restore(self, before)
        self.update_summary()
        layer = self.on_map.layer()
        if layer is not None:
            layer.triggerRepaint()
        self.reviewChanged.emit()
