"""The plan panel: pick the one map and the plan, load them styled, run the verification as a task.

Thin: loading is core.read.loading.load_source, checking is core.check.engine.verify (through VerifyTask).
It acts only on the sources the user picked and the layers it loaded.
"""
import os

from qgis.core import Qgis, QgsApplication, QgsProject
from qgis.gui import QgsDockWidget, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.check.ruleset import available_rulesets
from ..core.compat import POLYGON_LAYER_FILTER
from ..core.errors import OneMapError
from ..core.read.layer_source import layer_source
from ..core.read.loading import load_source
from ..core.read.plankind import kind_of
from ..core.read.postgis import display, is_postgis
from ..core.read.schema import schema
from ..core.read.sources import source_name, source_title
from ..core.review.decisions import run_summary, same_plan
from ..core.review.findings import recorded_plan
from ..core.review.findings_layer import load_findings, reattach, release
from ..core.windows import long_path_warning
from ..core.yamlfile import load_data
from ..i18n import chinese_ui
from .export_panel import ExportPanel
from .findings_view import FindingsBrowser, zoom_to_layers
from .guide import open_guide
from .lifecycle_panel import LifecyclePanel
from .source_picker import SourcePicker
from .tasks import VerifyTask

PLAN_KINDS = ("village", "detailed")


def plan_file(plan):
    """The path of a plan (a source path, or a project layer's PlanSource)."""
    return plan if isinstance(plan, str) else plan.path


def plan_label(plan):
    """The plan as the run record names it."""
    return display(plan) if isinstance(plan, str) else plan.label


def plan_name(plan):
    """The plan as the panel's result rows name it."""
    return source_name(plan) if isinstance(plan, str) else plan.label


class OneMapDock(QgsDockWidget):
    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.task = None
        self.output_plan = None          # the plan the findings file was chosen for (None: the next one)
        self.queue, self.lines, self.total = [], [], 0
        self.result_lines = {}           # findings file -> its line in the summary
        self.checked = {}                # findings file -> (plan, one map) of a check run here: what exports use
        self.setObjectName("OneMapDock")
        self.setWindowTitle("国土空间规划一张图 / OneMap")
        body = QWidget()
        layout = QVBoxLayout(body)

        sources = QGroupBox(self.tr("Sources"))
        form = QFormLayout(sources)
        self.onemap_picker = SourcePicker("onemap")
        self.plan_picker = SourcePicker("plan")
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(self.tr("Detect from the layers"), "")
        for kind in PLAN_KINDS:
            self.kind_combo.addItem(schema().kinds[kind]["zh" if chinese_ui() else "en"], kind)
        self.labels_check = QCheckBox(self.tr("Label codes and names"))
        self.plan_list = QListWidget()
        self.plan_list.setMaximumHeight(56)
        self.plan_list.setToolTip(self.tr("Several plans are checked one after another into a folder you "
                                          "choose: one findings file each and a summary."))
        add_button = QPushButton(self.tr("Add"))
        add_button.clicked.connect(self.add_plan)
        remove_button = QPushButton(self.tr("Remove"))
        remove_button.clicked.connect(lambda: self.plan_list.takeItem(self.plan_list.currentRow()))
        list_buttons = QVBoxLayout()
        list_buttons.addWidget(add_button)
        list_buttons.addWidget(remove_button)
        plans = QHBoxLayout()
        plans.addWidget(self.plan_list, 1)
        plans.addLayout(list_buttons)
        form.addRow(self.tr("One map"), self.onemap_picker)
        form.addRow(self.tr("Plan under review"), self.plan_picker)
        form.addRow(self.tr("More plans"), plans)
        self.plan_layer_combo = QgsMapLayerComboBox()             # or a layer of the project, edits included
        self.plan_layer_combo.setFilters(POLYGON_LAYER_FILTER)
        self.plan_layer_combo.setAllowEmptyLayer(True)
        self.plan_layer_combo.setLayer(None)
        self.plan_layer_combo.setToolTip(self.tr("A land-use layer open in the project is checked as it is now, "
                                                 "unsaved edits included; it takes the place of the plan above."))
        form.addRow(self.tr("…or project layer"), self.plan_layer_combo)
        form.addRow(self.tr("Plan kind"), self.kind_combo)
        form.addRow("", self.labels_check)
        self.load_button = QPushButton(self.tr("Load layers"))
        self.load_button.clicked.connect(self.load)
        form.addRow("", self.load_button)
        layout.addWidget(sources)

        self.report = QTreeWidget()
        self.report.setHeaderLabels([self.tr("Layer"), self.tr("Status")])
        self.report.setRootIsDecorated(True)
        self.report.setMinimumHeight(120)
        self.report.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.report.setMaximumHeight(220)                       # a load report: the findings need the room
        self.report.header().setStretchLastSection(True)       # a long error never squeezes the layer names
        self.report.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        layout.addWidget(self.report)

        check = QGroupBox(self.tr("One-map verification"))
        form = QFormLayout(check)
        self.ruleset_combo = QComboBox()
        self.ruleset_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.ruleset_combo.setMinimumContentsLength(12)
        self.ruleset_combo.addItem(self.tr("Default for the plan kind"), "")
        for ruleset_id, path in sorted(available_rulesets().items()):
            title = (load_data(path).get("title") or {}).get("zh" if chinese_ui() else "en", "")
            self.ruleset_combo.addItem("{} ({})".format(title, ruleset_id) if title else ruleset_id, path)
        self.output_widget = QgsFileWidget()
        self.output_widget.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output_widget.setFilter("GeoPackage (*.gpkg)")
        self.output_widget.fileChanged.connect(lambda _path: setattr(self, "output_plan", self.current_plan()))
        form.addRow(self.tr("Rule set"), self.ruleset_combo)
        form.addRow(self.tr("Findings file"), self.output_widget)
        buttons = QHBoxLayout()
        self.verify_button = QPushButton(self.tr("Verify"))
        self.verify_button.clicked.connect(self.start_verify)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_verify)
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.cancel_button)
        form.addRow(buttons)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        form.addRow(self.progress)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        form.addRow(self.summary)
        layout.addWidget(check)
        results = QGroupBox(self.tr("Findings"))
        results_layout = QVBoxLayout(results)
        self.browser = FindingsBrowser(iface)
        self.browser.reviewChanged.connect(self.review_changed)
        screen = QApplication.primaryScreen()                   # half the screen: rules and findings in view
        self.browser.view.setMinimumHeight(max(360, screen.availableGeometry().height() // 2 if screen else 0))
        results_layout.addWidget(self.browser)
        layout.addWidget(results, 2)
        self.export_panel = ExportPanel(self)
        self.browser.resultShown.connect(self.result_shown)
        layout.addWidget(self.export_panel)
        self.lifecycle = LifecyclePanel(self)
        layout.addWidget(self.lifecycle)
        self.help_button = QPushButton(QgsApplication.getThemeIcon("/mActionHelpContents.svg"), self.tr("User guide"))
        self.help_button.clicked.connect(lambda: open_guide())
        layout.addWidget(self.help_button)
        scroll = self.scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)   # fit the dock's width
        scroll.setWidget(body)
        self.setWidget(scroll)
        self.setMinimumWidth(340)

    @staticmethod
    def preferred_width():
        """Room for the findings browser's message, status, count and area columns."""
        return 600

    @staticmethod
    def default_area():
        return Qt.DockWidgetArea.RightDockWidgetArea

    def message(self, text, level=Qgis.MessageLevel.Warning):
        if self.iface is not None:
            self.iface.messageBar().pushMessage("OneMap", text, level)

    def warn_long_path(self, path):
        """Say so before writing a path Windows may find too long (nothing elsewhere)."""
        warning = long_path_warning(path)
        if warning is not None:
            self.message(warning[0] if chinese_ui() else warning[1])

    def error_text(self, error):
        return (error.zh if chinese_ui() else error.en) if isinstance(error, OneMapError) else str(error)

    # -- sources
    def add_plan(self):
        """Move the plan field's path into the list of plans under review."""
        path = self.plan_picker.path()
        if path and path not in self.listed_plans():
            self.plan_list.addItem(path)
            self.plan_picker.set_path("")

    def listed_plans(self):
        return [self.plan_list.item(i).text() for i in range(self.plan_list.count())]

    def plan_paths(self):
        """The listed plans, then the one in the plan field (if not listed)."""
        listed = self.listed_plans()
        current = self.plan_picker.path()
        return listed + ([current] if current and current not in listed else [])

    def load(self):
        """Load the one map, then each plan, each into its own group; report per layer in the tree."""
        self.report.clear()
        kind = self.kind_combo.currentData() or None
        sources = [(self.onemap_picker.path(), "onemap", self.onemap_picker)] if self.onemap_picker.path() else []
        plan_layers = []
        for path, source_kind, picker in sources + [(plan, kind, self.plan_picker) for plan in self.plan_paths()]:
            try:
                report = load_source(path, QgsProject.instance(), source_kind, self.labels_check.isChecked())
            except OneMapError as exc:
                row = self.add_report_row(plan_name(path), self.error_text(exc), failed=True)
                row.setToolTip(0, path)
                self.message(self.error_text(exc), Qgis.MessageLevel.Critical)
                continue
            self.show_report(report)
            picker.remember(path)
            if source_kind != "onemap":
                plan_layers += [layer_id for _key, layer_id, _status in report.loaded]
        zoom_to_layers(self.iface, plan_layers)                # the plans, not the whole one map
        self.fit_report()
        plans = self.plan_paths()
        if len(plans) == 1:
            self.output_for(plans[0])

    def fit_report(self):
        """The layer column as wide as its names, up to 60 % of the tree; the status takes the rest."""
        self.report.resizeColumnToContents(0)
        room = self.report.viewport().width()
        self.report.setColumnWidth(0, max(min(self.report.columnWidth(0), room * 6 // 10), room * 3 // 10))

    def current_plan(self):
        """The path of the one plan a check would take now (a project layer's before the field's), else None."""
        layer = self.plan_layer_combo.currentLayer()
        if layer is not None:
            try:
                return layer_source(layer, QgsProject.instance()).path
            except OneMapError:
                return None
        plans = self.plan_paths()
        return plans[0] if len(plans) == 1 else None

    def output_for(self, plan_path):
        """The findings file of a plan: the one chosen while it was the plan, else <plan>_核对结果.gpkg —
        it follows the plan, so a check of another plan never writes over this one's decisions."""
        if not self.output_widget.filePath() or self.output_plan not in (None, plan_path):
            self.output_widget.setFilePath(self.default_output(plan_path))
        self.output_plan = plan_path
        return self.output_widget.filePath()

    @staticmethod
    def default_output(plan_path):
        """<plan>_核对结果.gpkg beside a file plan; in the home folder for a PostGIS plan."""
        folder = os.path.expanduser("~") if is_postgis(plan_path) else os.path.dirname(os.path.normpath(plan_path))
        return os.path.join(folder, "{}_核对结果.gpkg".format(source_title(plan_path)))

    def add_report_row(self, title, status, failed=False, parent=None):
        item = QTreeWidgetItem([title, status])
        item.setToolTip(0, title)
        item.setToolTip(1, status)
        if failed:
            item.setForeground(1, Qt.GlobalColor.red)
        (parent.addChild(item) if parent is not None else self.report.addTopLevelItem(item))
        return item

    def show_report(self, report):
        zh = chinese_ui()
        top = self.add_report_row(report.group_name, self.tr("{} layers loaded").format(len(report.loaded)))
        layers = report.source.recognised
        for key, _layer_id, status in report.loaded:
            spec = schema().layers[key]
            text = self.tr("loaded") + (" · " + self.tr("provisional style") if status == "provisional" else "")
            item = self.add_report_row("{} ({})".format(spec.zh if zh else spec.en, layers[key].name), text, parent=top)
            if status == "provisional":
                item.setToolTip(1, self.tr("Provisional style: the official symbol is not verified yet."))
        for name, error in report.failed:
            self.add_report_row(name, self.tr("failed: {}").format(self.error_text(error)), True, top)
        if report.kind != "onemap" and "GHYDYH" in layers:     # why it is checked as this kind, said out loud
            kind, why, why_en = kind_of(report.source)
            chosen = kind == report.kind
            self.add_report_row(self.tr("Plan kind"), (why if zh else why_en) if chosen else self.tr("chosen by the user"),
                                parent=top)
        for key in report.source.missing(report.kind):
            spec = schema().layers[key]
            self.add_report_row(spec.zh if zh else spec.en, self.tr("missing"), parent=top)
        for layer in report.source.unknown:
            self.add_report_row(layer.name, self.tr("not recognised: {}").format(layer.problem), True, top)
        top.setExpanded(True)

    # -- verification
    def start_verify(self):
        """Queue one VerifyTask per plan; they run one after another."""
        plans, onemap = self.plan_paths(), self.onemap_picker.path()
        layer = self.plan_layer_combo.currentLayer()
        if layer is not None and onemap:
            try:
                plans = [layer_source(layer, QgsProject.instance())]
            except OneMapError as exc:
                self.summary.setText(self.error_text(exc))
                return
        if not plans or not onemap:
            self.summary.setText(self.tr("Pick the one map and the plan first."))
            return
        if len(plans) > 1:        # several plans: findings and a summary in one chosen folder (core.check.batch)
            if self.export_panel.verify_many(plans, onemap, self.ruleset_combo.currentData() or None,
                                             self.kind_combo.currentData() or None, self.output_widget.filePath()):
                self.verify_button.setEnabled(False)
                self.cancel_button.setEnabled(True)
                self.lines, self.result_lines = [], {}
                self.summary.setText(self.tr("Checking…"))
            return
        self.queue = [(plans[0], self.output_for(plan_file(plans[0])))]
        self.total, self.lines, self.result_lines = len(self.queue), [], {}
        self.verify_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        self.summary.setText(self.tr("Checking…"))
        self.start_next()

    def start_next(self):
        plan, output = self.queue.pop(0)
        done = self.total - len(self.queue) - 1
        previous = self.previous_run(plan, output)
        release(QgsProject.instance(), output)        # Windows cannot replace a file QGIS holds open
        self.warn_long_path(output)
        self.task = VerifyTask(plan, self.onemap_picker.path(), self.ruleset_combo.currentData() or None, output,
                               self.kind_combo.currentData() or None, previous, **self.lifecycle.check_options())
        self.task.progressChanged.connect(
            lambda value: self.progress.setValue(int((done + value / 100.0) * 100 / self.total)))
        self.task.taskCompleted.connect(self.verify_finished)
        self.task.taskTerminated.connect(self.verify_finished)
        QgsApplication.taskManager().addTask(self.task)

    def previous_run(self, plan, output):
        """`output` when it holds an earlier check of the same plan (its decisions carry over), else None;
        says so when it belongs to another plan."""
        if not os.path.isfile(output):
            return None
        recorded = recorded_plan(output)
        if same_plan(recorded, plan_label(plan)):
            return output
        self.lines.append(self.tr("{} holds the check of another plan ({}): its decisions are not carried over "
                                  "and it is replaced.").format(os.path.basename(output), recorded or "?"))
        self.message(self.lines[-1])
        return None

    def cancel_verify(self):
        self.queue = []
        self.export_panel.cancel()
        if self.task is not None:
            self.task.cancel()

    def verify_finished(self):
        task, self.task = self.task, None
        if task is None:
            return
        name = plan_name(task.args["plan_path"])
        if task.result is None:
            reattach(QgsProject.instance(), task.args["output"], chinese_ui())     # nothing written: the old file
        if task.error is not None:
            self.lines.append("{}: {}".format(name, self.error_text(task.error)))
            self.message(self.error_text(task.error), Qgis.MessageLevel.Critical)
            self.browser.add_failure(name, self.error_text(task.error))      # never an earlier plan's findings
        elif task.result is None:
            self.lines.append(self.tr("Cancelled: nothing was written."))
            self.browser.add_failure(name, None, cancelled=True)
        else:
            self.result_lines[task.result.output] = len(self.lines)
            self.lines.append("{} — {}".format(run_summary(task.result, chinese_ui()), task.result.output))
            findings = load_findings(task.result.output, QgsProject.instance(), name, chinese_ui())
            self.checked[os.path.normcase(os.path.realpath(task.result.output))] = (
                plan_file(task.args["plan_path"]), task.args["onemap_path"])
            self.browser.add_result(task.result.output, name)              # the exports follow (result_shown)
            zoom_to_layers(self.iface, self.browser.plan_layer_ids() or [findings.id()])
            self.scroll.ensureWidgetVisible(self.browser, 0, 0)            # the findings in view
            self.lifecycle.set_result(plan_file(task.args["plan_path"]), task.args["onemap_path"], task.result.output)
        if self.queue:
            self.start_next()
        else:
            self.verify_button.setEnabled(True)
            self.cancel_button.setEnabled(False)
            self.progress.setValue(100 if task.result is not None else 0)
        self.summary.setText("\n".join(self.lines))

    def result_shown(self):
        """The browser shows another entry: the exports take its findings file, with the plan and one map of
        the check here that wrote it (else as its run record names them: a folder check, the toolbox), or
        say that the entry has nothing to export. A file of the plan in the plan field becomes the findings
        file: checking again updates the results shown, their decisions carried over."""
        review = self.browser.review
        if review is None:
            self.export_panel.show_nothing(self.browser.results_combo.currentText())
            return
        run = review.run or {}
        plan, onemap = self.checked.get(os.path.normcase(os.path.realpath(review.path)),
                                        (run.get("plan_path"), run.get("onemap_path")))
        self.export_panel.set_result(plan, onemap, review.path)
        plans = self.plan_paths()
        if self.plan_layer_combo.currentLayer() is None and len(plans) == 1 and \
                same_plan(run.get("plan_path"), plan_label(plans[0])):
            self.output_widget.setFilePath(review.path)

    def review_changed(self):
        """A decision or a live edit changed the shown findings: their line in the summary follows."""
        review = self.browser.review
        index = self.result_lines.get(review.path) if review is not None else None
        if index is not None:
            self.lines[index] = "{} — {}".format(review.summary(chinese_ui()), review.path)
            self.summary.setText("\n".join(self.lines))
