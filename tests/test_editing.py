"""Checking what is being edited: a project layer as the plan (unsaved edits included) and the live
re-check of single parcels in edit mode."""
import shutil
import sys

import pytest
from osgeo import ogr
from qgis.core import QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtTest import QTest

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.check.recheck import Recheck
from plugin.core.read.layer_source import layer_source
from plugin.core.read.loading import PROPERTY_KEY, load_source
from plugin.core.read.sources import source_hash

ONEMAP = "township_onemap.gpkg"


def landuse_layer():
    return [l for l in QgsProject.instance().mapLayers().values() if l.customProperty(PROPERTY_KEY) == "GHYDYH"][0]


def rule_ids(path):
    dataset = ogr.Open(path)
    return sorted(f.GetField("rule_id") for f in dataset.GetLayerByName("findings"))


def wait_up_to(condition, milliseconds):
    """Qt's own wait (events keep flowing): True as soon as `condition` holds, False after the time."""
    for _step in range(milliseconds // 10):
        if condition():
            return True
        QTest.qWait(10)
    return condition()


def checked_in_the_panel(iface, plan, tmp_path):
    """The panel after loading `plan` and checking it against the township one map."""
    from plugin.gui.dock import OneMapDock
    dock = OneMapDock(iface)
    dock.onemap_picker.set_path(sample(ONEMAP))
    dock.plan_picker.set_path(plan)
    dock.output_widget.setFilePath(str(tmp_path / "result.gpkg"))
    dock.load_button.click()
    dock.verify_button.click()
    assert wait_up_to(lambda: dock.task is None, 60000)
    return dock


@pytest.fixture
def plan_copy(tmp_path):
    path = str(tmp_path / "village_conflicts.gpkg")
    shutil.copy(sample("village_conflicts.gpkg"), path)
    return path


def test_unsaved_edits_of_a_loaded_plan_are_checked(qgis_new_project, plan_copy, tmp_path):
    load_source(plan_copy, QgsProject.instance())
    layer = landuse_layer()
    layer.startEditing()
    layer.changeAttributeValue(1, layer.fields().indexOf("GHDLBM"), "0103")      # 宅基地 -> 旱地 on farmland
    before = source_hash(plan_copy)
    result = verify(layer_source(layer, QgsProject.instance()), sample(ONEMAP), output=str(tmp_path / "f.gpkg"))
    assert not any(f.rule_id == "CL-01" and f.plan_fid == 1 for f in result.findings)
    assert result.record["plan_path"] == plan_copy                     # named as the source it came from
    assert any(f.rule_id == "GEO-03" for f in result.findings)          # the source's other layers still read
    assert source_hash(plan_copy) == before and layer.isModified()      # nothing saved, nothing written
    layer.rollBack()


def test_a_project_layer_of_its_own_is_a_plan(qgis_new_project, plan_copy, tmp_path, onemap_provider):
    import processing
    layer = QgsVectorLayer("{}|layername=GHDLTB".format(plan_copy), "我的用地", "ogr")
    QgsProject.instance().addMapLayer(layer)
    layer.startEditing()
    layer.changeAttributeValue(3, layer.fields().indexOf("GHDLBM"), "0703")      # 工业用地 -> 宅基地: exempt
    output = str(tmp_path / "layer.gpkg")
    result = processing.run("onemap:verifyplan", {"PLAN_LAYER": layer, "ONEMAP": sample(ONEMAP), "OUTPUT": output})
    ids = rule_ids(output)
    assert "CL-05" not in ids and "CL-01" in ids and "GEO-01" in ids
    assert "GEO-03" not in ids                        # no village boundary: the gap rule is not applicable
    dataset = ogr.Open(output)
    assert result["ERRORS"] == sum(1 for f in dataset.GetLayerByName("findings") if f.GetField("severity") == "error")
    assert dataset.GetLayerByName("run").GetNextFeature().GetField("plan_path") == "工程图层：我的用地"
    layer.rollBack()


def test_a_plan_is_needed_either_way(onemap_provider, tmp_path):
    import processing
    from qgis.core import QgsProcessingException
    with pytest.raises(QgsProcessingException):
        processing.run("onemap:verifyplan", {"ONEMAP": sample(ONEMAP), "OUTPUT": str(tmp_path / "x.gpkg")})


def test_recheck_replaces_one_parcels_findings(plan_copy, tmp_path, qgis_app):
    output = str(tmp_path / "f.gpkg")
    verify(plan_copy, sample(ONEMAP), output=output)
    checker = Recheck(plan_copy, sample(ONEMAP))
    checker.prepare()
    layer = QgsVectorLayer("{}|layername=GHDLTB".format(plan_copy), "p", "ogr")
    feature = layer.getFeature(1)
    assert [f.rule_id for f in checker.check(feature)] == ["CL-01"]
    feature.setAttribute("GHDLBM", "0103")
    found = checker.check(feature)
    assert [(f.rule_id, f.severity) for f in found] == [("ATT-01", "warning")]      # the name no longer fits
    checker.apply(output, 1, found)
    assert "CL-01" not in rule_ids(output)
    dataset = ogr.Open(output)
    rules = {f.GetField("rule_id"): (f.GetField("status"), f.GetField("findings")) for f in dataset.GetLayerByName("rules")}
    assert rules["CL-01"] == ("passed", 0) and rules["ATT-01"] == ("failed", 3)
    run = dataset.GetLayerByName("run").GetNextFeature()
    assert (run.GetField("errors"), run.GetField("warnings")) == (10, 6)
    counted = {}                                    # the counts moved by delta equal a recount of every finding
    for finding in dataset.GetLayerByName("findings"):
        counted[finding.GetField("rule_id")] = counted.get(finding.GetField("rule_id"), 0) + 1
    assert all(counted.get(rule_id, 0) == n for rule_id, (status, n) in rules.items() if status in ("passed", "failed"))


def test_rules_a_live_recheck_does_not_run_again_give_no_verdict(plan_copy, tmp_path, qgis_app):
    """After an edit the whole-plan rules (gaps, overlaps between parcels, indicators …) still give their
    outcome from before it: the findings file names them, the report says 编辑前 beside each and gives no
    verdict (a desktop walk saw GEO-03 通过 in the report over a gap the edit had made)."""
    from plugin.core.export.report_data import UNDECIDED, read_report
    from plugin.core.review import readback
    output = str(tmp_path / "f.gpkg")
    verify(plan_copy, sample(ONEMAP), output=output)
    assert readback.read(output).stale_rules == [] and read_report(output).verdict != UNDECIDED
    checker = Recheck(plan_copy, sample(ONEMAP))
    checker.prepare()
    layer = QgsVectorLayer("{}|layername=GHDLTB".format(plan_copy), "p", "ogr")
    checker.apply(output, 1, checker.check(layer.getFeature(1)))
    stale = readback.read(output).stale_rules
    rechecked = {rule.id for rule in checker.rules}
    assert "GEO-03" in stale and "IND-01" in stale and not rechecked & set(stale)
    assert set(stale) | rechecked == {row["rule_id"] for row in readback.read(output).rules}
    report = read_report(output)
    assert report.verdict == UNDECIDED and "GEO-03" in report.basis() and "重新完整核对" in report.basis()
    geo03 = next(rule for rule in report.rules if rule["rule_id"] == "GEO-03")
    cl01 = next(rule for rule in report.rules if rule["rule_id"] == "CL-01")
    assert report.status_zh(geo03).endswith("（编辑前）") and report.status_zh(cl01) in ("通过", "未通过")
    from plugin.core.lifecycle.verdict import read_check
    zh, en = read_check(output).refusal()          # a desktop walk: "无法判定" in Chinese, "did not pass" in English
    assert "编辑前" in zh and "GEO-03" in zh and "cannot be judged" in en and "edited after the check" in en


def test_an_edit_that_removes_a_conflict_clears_its_finding_in_the_browser(qgis_iface, qgis_new_project, plan_copy,
                                                                            tmp_path):
    dock = checked_in_the_panel(qgis_iface, plan_copy, tmp_path)
    browser = dock.browser

    def listed(rule_id):
        return any(f.rule_id == rule_id for f in browser.review.findings)
    assert listed("CL-01")
    layer = landuse_layer()
    layer.startEditing()
    layer.changeAttributeValue(1, layer.fields().indexOf("GHDLBM"), "0103")
    assert wait_up_to(lambda: not listed("CL-01"), 1000), "the finding is still listed after a second"
    assert "错误 10 个" in browser.summary.text() or "10 errors" in browser.summary.text()
    assert "规划已编辑" in browser.summary.text() or "The plan was edited" in browser.summary.text()
    layer.rollBack()                                     # undone: the saved 宅基地 is on the farmland again
    assert wait_up_to(lambda: listed("CL-01"), 1000)

    # a parcel drawn on the farmland is reported at once, and under its real fid once saved
    from qgis.core import QgsFeature, QgsGeometry
    layer.startEditing()
    parcel = QgsFeature(layer.fields())
    parcel.setAttribute("GHDLBM", "0703")
    parcel.setAttribute("GHDLMC", "农村宅基地")
    parcel.setAttribute("BSM", "99")
    farmland = next(f for f in browser.review.findings if f.rule_id == "CL-01").geometry
    parcel.setGeometry(QgsGeometry.fromRect(farmland.boundingBox().buffered(-10)))
    layer.addFeature(parcel)

    def new_parcel():
        return [f for f in browser.review.findings if f.rule_id == "CL-01" and f.plan_label == "99"]
    assert wait_up_to(lambda: len(new_parcel()) == 1, 1000) and new_parcel()[0].plan_fid < 0
    assert layer.commitChanges()
    assert wait_up_to(lambda: len(new_parcel()) == 1 and new_parcel()[0].plan_fid > 0, 1000)
    QCoreApplication.processEvents()
    dock.deleteLater()


def test_a_checked_plan_loaded_again_or_removed_is_let_go(qgis_iface, qgis_new_project, plan_copy, tmp_path):
    """The live re-check watches the checked land-use layer; when it leaves the project (the plan
    loaded again in its place, the layer removed) it is let go without touching the deleted layer."""
    errors = []
    hook = sys.excepthook
    sys.excepthook = lambda *info: errors.append(info[1])           # what a slot raises inside Qt
    try:
        dock = checked_in_the_panel(qgis_iface, plan_copy, tmp_path)
        assert dock.browser.live.layer is landuse_layer()
        dock.load_button.click()                                     # the same plan again, in place
        QCoreApplication.processEvents()
        assert dock.browser.live.layer is landuse_layer()            # the new layer, watched in turn
        QgsProject.instance().removeMapLayer(landuse_layer())
        QCoreApplication.processEvents()
        assert dock.browser.live.layer is None
        assert errors == []
        dock.deleteLater()
    finally:
        sys.excepthook = hook
