"""The panel's export box: the check report and the map sheets of the results the findings browser shows,
and the batch check.

Thin: the work is core.export (report, map sheets) and core.check.batch (several plans), run as QgsTasks
(tasks.WorkTask) with progress and cancel, so QGIS stays responsive; the dock tells this box which results
the browser shows (or that they hold nothing to export) and hands it several plans. Only the report as PDF, where QGIS lays it out with QtWebKit,
runs on the main thread: QtWebKit works only there (it takes a fraction of a second).
"""
import os

from qgis.core import Qgis, QgsApplication, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
)

from ..core.check.batch import (SUMMARY_LAYER, beside_plans, present_summary, summary_crs, verify_plans,
                                write_summary)
from ..core.export.mapsheets import PAPERS, SHEETS
from ..core.export.report_pdf import has_webkit
from ..core.read.sources import ogr_uri, source_name
from ..i18n import chinese_ui, tr
from .tasks import WorkTask

LONGEST_SHEET = max(("{:02d}_{}.png".format(number, name) for number, (_key, name) in enumerate(SHEETS, 1)), key=len)

class ExportPanel(QGroupBox):
    def __init__(self, dock):
        super().__init__(tr("Export"))
        self.dock = dock
        self.plan = self.onemap = self.findings = None
        self.task = None
        form = QFormLayout(self)
        self.paper_combo = QComboBox()
        self.paper_combo.addItems(list(PAPERS))
        self.compiler_edit = QLineEdit()
        self.compiler_edit.setPlaceholderText(tr("Compiler (编制单位)"))
        form.addRow(tr("Paper size"), self.paper_combo)
        form.addRow(tr("Compiler"), self.compiler_edit)
        buttons = QHBoxLayout()
        self.report_button = QPushButton(tr("Check report…"))
        self.report_button.setToolTip(tr("The check report as PDF, HTML or XLSX (by the file's extension)."))
        self.report_button.clicked.connect(self.export_report)
        self.sheets_button = QPushButton(tr("Map sheets…"))
        self.sheets_button.setToolTip(tr("Land use, control lines, planning zones and check results as PDF and PNG."))
        self.sheets_button.clicked.connect(self.export_sheets)
        buttons.addWidget(self.report_button)
        buttons.addWidget(self.sheets_button)
        form.addRow(buttons)
        running = QHBoxLayout()                        # shown while an export runs
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        form.addRow(running)
        self.show_running(False)
        self.status = QLabel(tr("Run a check first."))
        self.status.setWordWrap(True)
        form.addRow(self.status)
        self.set_enabled(False)

    def set_enabled(self, enabled):
        self.report_button.setEnabled(enabled)
        self.sheets_button.setEnabled(enabled)

    def show_running(self, running):
        self.progress.setValue(0)
        self.progress.setVisible(running)
        self.cancel_button.setVisible(running)

    def compiler(self):
        """The 编制单位 typed here: the map sheets' and the comparison sheet's."""
        return self.compiler_edit.text().strip()

    def text(self, error):
        return error.zh if chinese_ui() else error.en

    # -- the results shown
    def set_result(self, plan, onemap, findings):
        """The browser shows this findings file (of this plan and one map): exports now use them. While an
        export runs, the next one waits for it (finished() enables the buttons)."""
        self.plan, self.onemap, self.findings = plan, onemap, findings
        if self.task is None:
            self.set_enabled(True)
            self.status.setText(tr("Ready to export: {}").format(os.path.basename(findings)))

    def show_nothing(self, entry):
        """The browser shows `entry`, which has no findings file to export (a check that failed or was
        cancelled, a file that cannot be read), or nothing yet."""
        self.plan = self.onemap = self.findings = None
        if self.task is None:
            self.set_enabled(False)
            self.status.setText(tr("Nothing to export: “{}” shown above wrote no findings.").format(entry)
                                if entry else tr("Run a check first."))

    def export_report(self):
        base = os.path.splitext(self.findings)[0]
        path, _filter = QFileDialog.getSaveFileName(self, tr("Check report"), base + "_报告.pdf",
                                                    "PDF (*.pdf);;HTML (*.html);;Excel (*.xlsx)")
        if path:
            from ..core.export.report import export_report
            findings = self.findings

            def work(_feedback):
                export_report(findings, path)
                return [path]
            self.dock.warn_long_path(path)
            self.start(tr("OneMap check report"), work, main_thread=path.lower().endswith(".pdf") and has_webkit())

    def export_sheets(self):
        folder = QFileDialog.getExistingDirectory(self, tr("Folder for the map sheets"),
                                                  os.path.dirname(self.findings))
        if folder:
            from ..core.export.mapsheets import export_mapsheets
            args = (self.plan, self.onemap, folder, self.findings, self.paper_combo.currentText(), "",
                    self.compiler())
            self.dock.warn_long_path(os.path.join(folder, LONGEST_SHEET))

            def work(feedback):
                return [path for sheet in export_mapsheets(*args, feedback=feedback) for path in sheet.files]
            self.start(tr("OneMap map sheets"), work)

    # -- several plans
    def verify_many(self, plans, onemap, ruleset, kind, chosen_output):
        """Check several plans into one folder (findings + summary), never beside the plans: the folder of
        the findings file chosen in the panel — unless that is a plan's own folder, as the default findings
        file beside the plan is —, else one picked now."""
        folder = os.path.dirname(chosen_output) if chosen_output else ""
        if not folder or beside_plans(plans, folder):
            title = tr("Folder for the findings and the summary (not the plans' own folder)") if folder else tr(
                "Folder for the findings and the summary")
            folder = QFileDialog.getExistingDirectory(self, title, os.path.expanduser("~"))
        if not folder:
            return False

        def work(feedback):
            rows = verify_plans(plans, onemap, folder, ruleset=ruleset, kind=kind, feedback=feedback)
            return rows, write_summary(rows, folder, summary_crs(onemap))
        self.start(tr("OneMap batch check"), work, batch=True)
        return True

    # -- running
    def start(self, title, work, main_thread=False, batch=False):
        """Run `work` as a task (progress, cancel); `main_thread`: at once, for what only runs there."""
        self.set_enabled(False)
        self.status.setText(tr("Working…"))
        self.task = WorkTask(title, work)
        if main_thread:
            QCoreApplication.processEvents()             # show it before the main thread is busy
            task, self.task = self.task, None
            task.run()
            self.finished(task.result, task.error)
            return
        self.show_running(True)
        self.task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        self.task.taskCompleted.connect(lambda: self.task_done(batch))
        self.task.taskTerminated.connect(lambda: self.task_done(batch))
        QgsApplication.taskManager().addTask(self.task)

    def task_done(self, batch):
        task, self.task = self.task, None
        if task is None:
            return
        self.show_running(False)
        if batch and task.result is not None:         # cancelled too: the plans checked so far are summed up
            rows, files = task.result
            failed = sum(1 for row in rows if row["status"] == "failed")
            layer = QgsVectorLayer(ogr_uri(files[0], SUMMARY_LAYER), tr("Batch check summary"), "ogr")
            if layer.isValid():
                present_summary(layer, chinese_ui())
                QgsProject.instance().addMapLayer(layer)
            written = [row for row in rows if row.get("findings_file")]
            for row in written:                       # each plan's findings can be walked in the browser
                self.dock.browser.add_result(row["findings_file"], source_name(row["path"]), select=row is written[-1])
            for row in rows:                          # and a plan that failed is listed as such
                if row["status"] == "failed":
                    said = row.get("reason") if chinese_ui() else row.get("detail") or row.get("reason")
                    self.dock.browser.add_failure(source_name(row["path"]), said or "?", select=False)
            summary = tr("Cancelled after {} plans, {} failed") if task.cancelled() else tr("{} plans checked, {} failed")
            summary = summary.format(len(rows), failed)
            self.dock.summary.setText("{} — {}".format(summary, files[0]))   # the line under 核对 too
            self.finished(files, None, summary)
        elif task.cancelled():
            written = task.result or []                # map sheets: those written before the cancel
            self.finished(written, None, tr("Cancelled: {} files written").format(len(written)))
        else:
            self.finished(task.result, task.error)
        if batch:
            self.dock.verify_button.setEnabled(True)
            self.dock.cancel_button.setEnabled(False)

    def cancel(self):
        if self.task is not None:
            self.task.cancel()

    def finished(self, paths, error, summary=""):
        self.set_enabled(self.findings is not None)
        if error is not None:
            self.status.setText(self.text(error))
            self.dock.message(self.text(error), Qgis.MessageLevel.Critical)
            return
        self.status.setText("\n".join(([summary] if summary else []) + list(paths or [])))
        if paths:
            self.dock.message(tr("Written: {}").format(os.path.dirname(paths[0])), Qgis.MessageLevel.Success)
