"""The panel's findings file follows the plan: a check of another plan never writes over this plan's
file, and decisions carry over only from an earlier check of the same plan."""
import os
import shutil

import pytest
from test_editing import wait_up_to

from conftest import sample
from plugin.core.review import decisions, findings


@pytest.fixture
def dock(qgis_iface, qgis_new_project, tmp_path):
    from plugin.gui.dock import OneMapDock
    widget = OneMapDock(qgis_iface)
    widget.onemap_picker.set_path(sample("township_onemap.gpkg"))
    yield widget
    widget.deleteLater()


def plan_copy(tmp_path, name):
    path = str(tmp_path / name)
    shutil.copy(sample(name), path)
    return path


def check(dock):
    dock.verify_button.click()
    assert wait_up_to(lambda: dock.task is None, 60000)


def test_choosing_another_plan_moves_the_findings_file_and_keeps_the_first_plans_decisions(dock, tmp_path):
    first = plan_copy(tmp_path, "village_conflicts.gpkg")
    dock.plan_picker.set_path(first)
    dock.load_button.click()
    first_output = str(tmp_path / "village_conflicts_核对结果.gpkg")
    assert dock.output_widget.filePath() == first_output
    check(dock)
    finding = next(f for f in dock.browser.review.findings if f.rule_id == "CL-01")
    dock.browser.store(decisions.make(finding.finding_id, "accepted", "省重点项目", "晋政函〔2024〕12号", "张三"))

    second = plan_copy(tmp_path, "village_clean.gpkg")
    dock.plan_picker.set_path(second)
    dock.load_button.click()
    assert dock.output_widget.filePath() == str(tmp_path / "village_clean_核对结果.gpkg")
    check(dock)
    assert findings.recorded_plan(dock.output_widget.filePath()) == second
    assert decisions.read(dock.output_widget.filePath()) == []
    assert [d.approval_no for d in decisions.read(first_output)] == ["晋政函〔2024〕12号"]     # untouched
    assert findings.recorded_plan(first_output) == first


def test_a_findings_file_of_another_plan_lends_no_decisions_and_the_panel_says_so(dock, tmp_path):
    first = plan_copy(tmp_path, "village_conflicts.gpkg")
    dock.plan_picker.set_path(first)
    check(dock)
    output = dock.output_widget.filePath()
    finding = next(f for f in dock.browser.review.findings if f.rule_id == "CL-01")
    dock.browser.store(decisions.make(finding.finding_id, "accepted", "省重点项目", "晋政函〔2024〕12号", "张三"))

    dock.plan_picker.set_path(plan_copy(tmp_path, "village_clean.gpkg"))
    check(dock)                                         # into village_clean_核对结果.gpkg: it follows the plan
    assert dock.output_widget.filePath() != output and [d.approval_no for d in decisions.read(output)]
    dock.output_widget.setFilePath(output)              # then typed on purpose for the other plan
    check(dock)
    assert decisions.read(output) == []
    assert os.path.basename(output) in dock.summary.text() and first in dock.summary.text()


def test_the_same_plan_keeps_its_chosen_file(dock, tmp_path):
    plan = plan_copy(tmp_path, "village_conflicts.gpkg")
    dock.plan_picker.set_path(plan)
    chosen = str(tmp_path / "审查" / "杜村.gpkg")
    os.makedirs(os.path.dirname(chosen))
    dock.output_widget.setFilePath(chosen)
    dock.load_button.click()
    check(dock)
    assert dock.output_widget.filePath() == chosen and findings.recorded_plan(chosen) == plan
