"""The panel's one-map box: versions of the picked one map, a check against an earlier version, the merge
dialog (dry run, then merge), comparing versions and the trail — through its widgets."""
import os

from qgis.core import QgsProject
from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtWidgets import QFileDialog

import lifecycle_data as data
from export_helpers import pdf_text
from plugin.core.check.engine import verify
from plugin.core.lifecycle.merge import merge_plan
from test_dock import dock, wait_for  # noqa: F401 — dock is the panel fixture

A_NO, B_NO = "甲政函〔2024〕1号", "甲政函〔2024〕9号"


def merged(tmp_path):
    onemap = data.one_map(tmp_path / "onemap.gpkg")
    plan = data.plan(tmp_path / "a.gpkg", data.PLAN_A)
    verify(plan, onemap, output=str(tmp_path / "a_核对结果.gpkg"))
    merge_plan(plan, str(tmp_path / "a_核对结果.gpkg"), onemap, A_NO, "2024-01-10", "新编")
    return onemap


def test_the_box_lists_the_versions_and_checks_against_the_chosen_one(dock, tmp_path):
    panel = dock.lifecycle
    assert panel.table.rowCount() == 0 and not panel.load_button.isEnabled()
    onemap = merged(tmp_path)
    dock.onemap_picker.set_path(onemap)
    assert panel.table.rowCount() == 1 and panel.table.item(0, 1).text() == A_NO
    assert [panel.as_of_combo.itemData(i) for i in range(panel.as_of_combo.count())] == ["", "v1"]
    panel.as_of_combo.setCurrentIndex(1)
    panel.change_combo.setCurrentIndex(panel.change_combo.findData("修改"))
    assert panel.check_options() == {"as_of": "v1", "change": "修改"}
    dock.plan_picker.set_path(data.plan(tmp_path / "b.gpkg", data.PLAN_B))
    dock.output_widget.setFilePath(str(tmp_path / "b_核对结果.gpkg"))
    dock.verify_button.click()
    wait_for(lambda: dock.task is None)
    from plugin.core.export.report_data import read_report
    run = read_report(str(tmp_path / "b_核对结果.gpkg")).run
    assert (run["as_of"], run["change"]) == ("v1", "修改")
    assert panel.merge_button.isEnabled()               # offered; the merge itself refuses an as-of check


def test_the_versions_table_shows_the_merge_time_whole_in_a_narrow_panel(qgis_app):
    """A desktop walk: the last column, 入库时间, was stretched to what the panel had left and cut."""
    from qgis.PyQt.QtWidgets import QApplication

    from plugin.gui.lifecycle_panel import fill, read_only_table, version_columns
    table = read_only_table(version_columns())
    fill(table, version_columns(), [{"version": 1, "approval_no": A_NO, "approved_on": "2024-01-10", "change": "新编",
                                     "plan_name": "测试村村庄规划", "merged_at": "2026-12-07T23:35:05+08:00"}])
    table.resize(380, 150)
    table.show()
    QApplication.processEvents()
    last = table.columnCount() - 1
    assert table.item(0, last).text() == "2026-12-07 23:35，北京时间"
    assert table.horizontalHeader().sectionSize(last) >= table.sizeHintForColumn(last)
    table.close()


def test_merge_dialog_dry_run_then_merge(dock, tmp_path):
    from plugin.gui.lifecycle_panel import MergeDialog
    onemap = merged(tmp_path)
    plan_b = data.plan(tmp_path / "b.gpkg", data.PLAN_B)
    findings = str(tmp_path / "b_核对结果.gpkg")
    verify(plan_b, onemap, output=findings, change="修改")
    dialog = MergeDialog(plan_b, findings, onemap, "修改")
    assert dialog.change_combo.currentText() == "修改"
    dialog.approval_edit.setText(B_NO)
    dialog.date_edit.setDate(QDate(2024, 6, 1))
    dialog.preview_button.click()
    wait_for(lambda: dialog.task is None)
    assert dialog.output.toPlainText().startswith("试运行（未写入）：将入库为版本 2") and dialog.result is None
    dialog.merge_button.click()
    wait_for(lambda: dialog.task is None)
    assert dialog.result is not None and dialog.result.version == 2
    assert "原已批地块失效 5 个" in dialog.output.toPlainText()
    assert not dialog.merge_button.isEnabled()                      # merged once
    dialog.preview_button.click()                                     # the check is now out of date: said so
    wait_for(lambda: dialog.task is None)
    said = dialog.output.toPlainText()                                # in the UI's language
    assert ("在核对后已改变" in said or "changed after the check" in said) and dialog.result.version == 2


def test_compare_two_versions_and_show_the_trail(dock, tmp_path, monkeypatch):
    from plugin.gui.lifecycle_panel import TrailDialog
    onemap = merged(tmp_path)
    plan_b = data.plan(tmp_path / "b.gpkg", data.PLAN_B)
    verify(plan_b, onemap, output=str(tmp_path / "b_核对结果.gpkg"), change="修改")
    merge_plan(plan_b, str(tmp_path / "b_核对结果.gpkg"), onemap, B_NO, "2024-06-01", "修改")
    dock.onemap_picker.set_path(onemap)
    panel = dock.lifecycle
    assert [panel.table.item(row, 0).text() for row in range(panel.table.rowCount())] == ["2", "1"]   # newest first
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *args: str(out)))
    dock.export_panel.compiler_edit.setText("某县自然资源局")          # the 编制单位 the plan's sheets print
    panel.table.selectRow(0)                                         # version 2 alone: what its merge changed
    panel.compare_button.click()
    written = sorted(os.listdir(out))
    assert written == ["onemap_v1-v2_规划调整对比.gpkg", "onemap_v1-v2_规划调整对比.pdf",
                       "onemap_v1-v2_规划调整对比.png", "onemap_v1-v2_规划调整对比.xlsx"]
    assert "编制单位：某县自然资源局" in pdf_text(out / "onemap_v1-v2_规划调整对比.pdf").replace(" ", "")
    assert "用途改变 20000.00" in panel.status.text() or "use changed 20000.00" in panel.status.text()
    layer = next(l for l in QgsProject.instance().mapLayers().values() if l.name().endswith("v1 → v2"))
    assert layer.featureCount() == 1
    panel.table.selectRow(1)
    panel.load_button.click()
    group = QgsProject.instance().layerTreeRoot().children()[0]
    assert group.name().endswith("（版本 1）")
    trail = TrailDialog(onemap)
    table = trail.findChild(type(panel.table))
    assert table.rowCount() == 6 and table.item(5, 1).text() == "入库"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(tmp_path / "t.xlsx"), "")))
    trail.export()
    assert os.path.isfile(tmp_path / "t.xlsx") and "2" in trail.status.text()
