"""The panel's one-map box: the versions of the one map, checks against an earlier version, merging the
plan just checked, comparing versions and reading the trail.

Thin: merging is core.lifecycle.merge, comparing core.lifecycle.compare(_report), the versions and the
trail core.lifecycle.trail; the dock hands this box the one map it shows and the check that finished.
"""
import os

from qgis.core import Qgis, QgsApplication, QgsProject, QgsSettings
from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..core.errors import OneMapError
from ..core.export.citation import when_zh
from ..core.lifecycle.changes import CHANGES
from ..core.lifecycle.compare import compare
from ..core.lifecycle.compare_report import changes_layer, export_sheet, write_xlsx
from ..core.lifecycle.merge import merge_plan
from ..core.lifecycle.trail import export_trail, read_history
from ..core.lifecycle.verdict import read_check
from ..core.read.loading import load_source
from ..core.read.sources import source_title
from ..i18n import chinese_ui, tr
from .decision_dialog import REVIEWER_KEY
from .dialogs import name_buttons
from .tasks import WorkTask

TIMES = ("merged_at", "at")                          # ISO times, shown as the report shows them


def version_columns():
    return (("version", tr("Version")), ("approval_no", tr("Approval no.")), ("approved_on", tr("Approved on")),
            ("change", tr("Change")), ("plan_name", tr("Plan")), ("merged_at", tr("Merged")))


def trail_columns():
    return (("version", tr("Version")), ("event", tr("Event")), ("at", tr("When")), ("who", tr("Who")),
            ("summary", tr("What")), ("approval_no", tr("Approval no.")), ("plan_sha256", tr("Plan SHA-256")),
            ("onemap_sha256", tr("One map SHA-256")), ("findings_sha256", tr("Findings SHA-256")))


def _text(error):
    return (error.zh if chinese_ui() else error.en) if isinstance(error, OneMapError) else str(error)


def read_only_table(columns):
    """An empty read-only table, rows selected whole, for fill(); every column as wide as its contents (a
    stretched last column was cut to what the panel had left: 入库时间 showed '2026-12-07 2…'), scrolled
    sideways when they are wider than the panel."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels([title for _key, title in columns])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def fill(table, columns, rows):
    """Show dict rows (the versions or the trail) in a read_only_table."""
    table.setRowCount(len(rows))
    for row_number, row in enumerate(rows):
        for column, (key, _title) in enumerate(columns):
            value = "" if row.get(key) is None else str(row[key])
            if key in TIMES and "T" in value:
                value = when_zh(value)                   # '2026-12-02 21:06，北京时间'
            item = QTableWidgetItem(value)
            item.setToolTip(item.text())
            table.setItem(row_number, column, item)


class MergeDialog(QDialog):
    """批复文号, 批复日期, kind of change and who merges; 试运行 shows what would change, 入库 merges."""

    def __init__(self, plan, findings, onemap, declared="", parent=None):
        super().__init__(parent)
        self.args = (plan, findings, onemap)
        self.result = None
        self.task = None
        self.setWindowTitle(self.tr("Merge the approved plan into the one map"))
        layout = QVBoxLayout(self)
        what = QLabel(self.tr("Plan: {}\nChecked: {}\nOne map: {}").format(source_title(plan),
                                                                           os.path.basename(findings), onemap))
        what.setWordWrap(True)
        layout.addWidget(what)
        form = QFormLayout()
        self.approval_edit = QLineEdit()
        self.approval_edit.setPlaceholderText(self.tr("e.g. 孝政函〔2024〕12号"))
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.change_combo = QComboBox()
        self.change_combo.addItems(list(CHANGES))
        if declared in CHANGES:
            self.change_combo.setCurrentIndex(CHANGES.index(declared))
        self.reviewer_edit = QLineEdit(QgsSettings().value(REVIEWER_KEY, "") or "")
        form.addRow(self.tr("Approval document no."), self.approval_edit)
        form.addRow(self.tr("Approval date"), self.date_edit)
        form.addRow(self.tr("Kind of change"), self.change_combo)
        form.addRow(self.tr("Merged by"), self.reviewer_edit)
        layout.addLayout(form)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setMinimumHeight(140)
        layout.addWidget(self.output)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.preview_button = buttons.addButton(self.tr("Dry run"), QDialogButtonBox.ButtonRole.ActionRole)
        self.merge_button = buttons.addButton(self.tr("Merge"), QDialogButtonBox.ButtonRole.ActionRole)
        self.preview_button.clicked.connect(lambda: self.run(True))
        self.merge_button.clicked.connect(lambda: self.run(False))
        buttons.rejected.connect(self.reject)
        name_buttons(buttons)
        layout.addWidget(buttons)
        self.resize(560, self.sizeHint().height())

    def run(self, dry_run):
        plan, findings, onemap = self.args
        values = (self.approval_edit.text(), self.date_edit.date(), self.change_combo.currentIndex(),
                  self.reviewer_edit.text())
        if self.reviewer_edit.text().strip():
            QgsSettings().setValue(REVIEWER_KEY, self.reviewer_edit.text().strip())
        transform_context = QgsProject.instance().transformContext()

        def work(feedback):
            return merge_plan(plan, findings, onemap, values[0], values[1], values[2], dry_run=dry_run,
                              reviewer=values[3], feedback=feedback, transform_context=transform_context)
        self.preview_button.setEnabled(False)
        self.merge_button.setEnabled(False)
        self.output.setPlainText(self.tr("Working…"))
        self.task = WorkTask(self.tr("OneMap merge"), work)
        self.task.taskCompleted.connect(self.done_task)
        self.task.taskTerminated.connect(self.done_task)
        QgsApplication.taskManager().addTask(self.task)

    def done_task(self):
        task, self.task = self.task, None
        if task is None:
            return
        self.preview_button.setEnabled(True)
        if task.error is not None:
            self.output.setPlainText(self.tr("Refused, the one map is unchanged:") + "\n" + _text(task.error))
            self.merge_button.setEnabled(True)
            return
        self.output.setPlainText("\n".join(task.result.lines()))
        if task.result.dry_run:
            self.merge_button.setEnabled(True)
        else:
            self.result = task.result


class TrailDialog(QDialog):
    """The one map's trail (全过程留痕), with an export to a workbook."""

    def __init__(self, onemap, parent=None):
        super().__init__(parent)
        self.onemap = onemap
        self.setWindowTitle(self.tr("Trail of the one map"))
        layout = QVBoxLayout(self)
        columns = trail_columns()
        table = read_only_table(columns)
        fill(table, columns, read_history(onemap)[1])
        layout.addWidget(table)
        self.status = QLabel()
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.tr("Export…"), QDialogButtonBox.ButtonRole.ActionRole).clicked.connect(self.export)
        buttons.rejected.connect(self.reject)
        name_buttons(buttons)
        layout.addWidget(buttons)
        self.resize(900, 420)

    def export(self):
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Export the trail"),
                                                    os.path.expanduser("~/全过程留痕.xlsx"), "Excel (*.xlsx)")
        if path:
            try:
                versions, rows = export_trail(self.onemap, path)
            except OneMapError as exc:
                self.status.setText(_text(exc))
                return
            self.status.setText(self.tr("{} versions, {} entries written to {}").format(len(versions), len(rows), path))


class LifecyclePanel(QGroupBox):
    """Versions of the one map the dock shows; what the next check reads; merge, compare and trail."""

    def __init__(self, dock):
        super().__init__()
        self.setTitle(self.tr("One-map versions"))
        self.dock = dock
        self.checked = None                 # (plan, onemap, findings) of the last check
        self.versions = []
        layout = QVBoxLayout(self)
        self.table = read_only_table(version_columns())
        self.table.setMaximumHeight(150)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.load_button = QPushButton(self.tr("Load version"))
        self.load_button.setToolTip(self.tr("Load the one map as it was right after the selected merge."))
        self.load_button.clicked.connect(self.load_version)
        self.compare_button = QPushButton(self.tr("Compare…"))
        self.compare_button.setToolTip(self.tr("One version selected: what its merge changed. Two: the older "
                                               "against the newer. A table, a GeoPackage and the map sheet."))
        self.compare_button.clicked.connect(self.compare_versions)
        self.trail_button = QPushButton(self.tr("Trail…"))
        self.trail_button.clicked.connect(self.show_trail)
        for button in (self.load_button, self.compare_button, self.trail_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        form = QFormLayout()
        self.as_of_combo = QComboBox()
        self.as_of_combo.setToolTip(self.tr("The approved plans the next check compares the plan with."))
        self.change_combo = QComboBox()
        self.change_combo.addItem(self.tr("not declared"), "")
        for change in CHANGES:
            self.change_combo.addItem(change, change)
        form.addRow(self.tr("Check against"), self.as_of_combo)
        form.addRow(self.tr("The plan is a"), self.change_combo)
        layout.addLayout(form)
        self.merge_button = QPushButton(self.tr("Merge approved plan…"))
        self.merge_button.setToolTip(self.tr("After approval: put the plan just checked (passed) into the one map."))
        self.merge_button.clicked.connect(self.merge)
        layout.addWidget(self.merge_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        dock.onemap_picker.changed.connect(lambda _path: self.refresh())
        self.refresh()

    def onemap(self):
        return self.dock.onemap_picker.path()

    # -- what the dock asks
    def check_options(self):
        """as_of and change for the next check (core.check.engine.verify)."""
        return {"as_of": self.as_of_combo.currentData() or None, "change": self.change_combo.currentData() or ""}

    def set_result(self, plan, onemap, findings):
        """A check finished: it can be merged once approved (the engine refuses what did not pass)."""
        self.checked = (plan, onemap, findings)
        self.refresh()

    # -- the versions
    def refresh(self):
        """Read the versions of the one map the dock shows (none for a source without history)."""
        self.versions = []
        onemap = self.onemap()
        if onemap:
            try:
                self.versions = read_history(onemap)[0]
            except OneMapError:
                self.versions = []
        fill(self.table, version_columns(), list(reversed(self.versions)))          # newest first
        current = self.as_of_combo.currentData()
        self.as_of_combo.clear()
        self.as_of_combo.addItem(self.tr("the one map as it is now"), "")
        for row in reversed(self.versions):
            self.as_of_combo.addItem(self.tr("version {} ({})").format(row["version"], row.get("approval_no") or ""),
                                     "v{}".format(row["version"]))
        self.as_of_combo.setCurrentIndex(max(0, self.as_of_combo.findData(current or "")))
        has_history = bool(self.versions)
        for button in (self.load_button, self.compare_button, self.trail_button):
            button.setEnabled(has_history)
        self.merge_button.setEnabled(self.checked is not None and self.checked[1] == onemap)

    def selected_versions(self):
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return sorted(int(self.table.item(row, 0).text()) for row in rows)

    def load_version(self):
        chosen = self.selected_versions()
        if len(chosen) != 1:
            self.status.setText(self.tr("Select one version."))
            return
        try:
            report = load_source(self.onemap(), QgsProject.instance(), "onemap", as_of="v{}".format(chosen[0]))
        except OneMapError as exc:
            self.status.setText(_text(exc))
            return
        self.status.setText(self.tr("Loaded: {}").format(report.group_name))

    def compare_versions(self):
        chosen = self.selected_versions()
        if len(chosen) not in (1, 2):
            self.status.setText(self.tr("Select one version (what its merge changed) or two."))
            return
        old, new = (chosen[0] - 1, chosen[0]) if len(chosen) == 1 else chosen
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the comparison"), os.path.expanduser("~"))
        if not folder:
            return
        onemap = self.onemap()
        stem = os.path.join(folder, "{}_v{}-v{}_规划调整对比".format(source_title(onemap), old, new))
        self.status.setText(self.tr("Working…"))
        try:
            result = compare(onemap, onemap, stem + ".gpkg", old_as_of=old, new_as_of=new)
            files = [result.output, write_xlsx(result, stem + ".xlsx")] + export_sheet(
                result, stem + ".pdf", title=source_title(onemap), compiler=self.dock.export_panel.compiler())
        except OneMapError as exc:
            self.status.setText(_text(exc))
            return
        layer = changes_layer(result.output)
        layer.setName(self.tr("Changes v{} → v{}").format(old, new))
        QgsProject.instance().addMapLayer(layer)
        self.status.setText("\n".join([self.tr("Added {:.2f} m², removed {:.2f} m², use changed {:.2f} m²").format(
            result.total("added"), result.total("removed"), result.total("changed"))] + files))

    def show_trail(self):
        try:
            TrailDialog(self.onemap(), self).exec()
        except OneMapError as exc:
            self.status.setText(_text(exc))

    # -- merging
    def merge(self):
        if self.checked is None:
            return
        plan, onemap, findings = self.checked
        try:
            declared = read_check(findings).run.get("change") or ""      # what the plan was checked as
        except OneMapError as exc:
            self.status.setText(_text(exc))
            return
        dialog = MergeDialog(plan, findings, onemap, declared, self)
        dialog.exec()
        if dialog.result is not None:
            self.dock.message(dialog.result.lines()[0], Qgis.MessageLevel.Success)
            self.checked = None
            self.refresh()
