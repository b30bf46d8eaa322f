"""Editing a decided parcel inside QGIS keeps its decision (issue 18 item 7): the live re-check moves
decisions as the full check carries them over, never resolving them silently."""
import shutil

import pytest
from osgeo import ogr
from qgis.core import QgsGeometry, QgsRectangle, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.check.recheck import Recheck
from plugin.core.export.report_data import read_report
from plugin.core.review import decisions

ONEMAP = "township_onemap.gpkg"


@pytest.fixture
def checked(tmp_path):
    """A copy of the conflicts plan, checked, with the 宅基地-on-farmland finding (parcel 1) accepted."""
    plan = str(tmp_path / "village_conflicts.gpkg")
    shutil.copy(sample("village_conflicts.gpkg"), plan)
    output = str(tmp_path / "f.gpkg")
    verify(plan, sample(ONEMAP), output=output)
    finding_id = next(f["finding_id"] for f in rows(output) if f["rule_id"] == "CL-01" and f["plan_fid"] == 1)
    decisions.save(output, decisions.make(finding_id, "accepted", "省重点项目无法避让", "晋政函〔2024〕12号",
                                          reviewer="张三"))
    return plan, output


def rows(path):
    dataset = ogr.Open(path)                 # held while its layer is read
    return [feature.items() for feature in dataset.GetLayerByName("findings")]


def moved(feature, dx, vertex=0):
    """The feature with one vertex moved dx metres east (as dragging it in edit mode would)."""
    geometry = QgsGeometry(feature.geometry())
    point = geometry.vertexAt(vertex)
    assert geometry.moveVertex(point.x() + dx, point.y(), vertex)
    feature.setGeometry(geometry)
    return feature


def stored(path):
    return {d.rule_id: d for d in decisions.read(path)}


def recheck(plan, output, edit):
    checker = Recheck(plan, sample(ONEMAP))
    checker.prepare()
    feature = edit(QgsVectorLayer("{}|layername=GHDLTB".format(plan), "p", "ogr").getFeature(1))
    checker.apply(output, 1, checker.check(feature))


def test_a_vertex_moved_3_m_keeps_the_exception_through_the_next_full_check(checked, tmp_path):
    plan, output = checked
    recheck(plan, output, lambda feature: moved(feature, 3.0))
    decision = stored(output)["CL-01"]
    finding_ids = {f["finding_id"] for f in rows(output)}
    assert (decision.state, decision.resolved, decision.approval_no) == ("accepted", 0, "晋政函〔2024〕12号")
    assert decision.finding_id in finding_ids                      # on the re-checked finding
    again = verify(plan, sample(ONEMAP), output=str(tmp_path / "again.gpkg"), previous=output)
    assert [(d.rule_id, d.state, d.resolved) for d in again.decisions] == [("CL-01", "accepted", 0)]
    assert read_report(again.output).count("error", "accepted") == 1


def test_an_edit_that_removes_the_conflict_resolves_its_decision(checked):
    plan, output = checked

    def recode(feature):
        feature.setAttribute("GHDLBM", "0103")                      # 旱地 on farmland: no conflict any more
        return feature
    recheck(plan, output, recode)
    assert stored(output)["CL-01"].resolved == 1


def test_a_conflict_reshaped_beyond_recognition_is_to_confirm_not_resolved(checked):
    """The same parcel still conflicts with the same rule, but on less than half the ground: 需复核."""
    plan, output = checked

    def shrink(feature):
        box = feature.geometry().boundingBox()
        feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(box.xMinimum(), box.yMinimum(),
                                                              box.xMinimum() + box.width() / 3,
                                                              box.yMinimum() + box.height() / 3)))
        return feature
    recheck(plan, output, shrink)
    decision = stored(output)["CL-01"]
    assert (decision.state, decision.resolved, decision.review) == ("review", 0, 1)


def test_the_desktop_walk_keeps_the_exception(qgis_iface, qgis_new_project, tmp_path):
    """As the technician did: decide in the panel, move a vertex 3 m in edit mode, save."""
    from test_editing import checked_in_the_panel, landuse_layer, wait_up_to
    plan = str(tmp_path / "village_conflicts.gpkg")
    shutil.copy(sample("village_conflicts.gpkg"), plan)
    dock = checked_in_the_panel(qgis_iface, plan, tmp_path)
    browser = dock.browser
    finding = next(f for f in browser.review.findings if f.rule_id == "CL-01" and f.plan_fid == 1)
    browser.store(decisions.make(finding.finding_id, "accepted", "省重点项目无法避让", "晋政函〔2024〕12号"))
    layer = landuse_layer()
    layer.startEditing()
    point = layer.getFeature(1).geometry().vertexAt(0)
    assert layer.moveVertex(point.x() + 3.0, point.y(), 1, 0)

    def decided():
        now = next((f for f in browser.review.findings if f.rule_id == "CL-01" and f.plan_fid == 1), None)
        decision = browser.review.decision(now) if now is not None else None
        return now is not None and now.finding_id != finding.finding_id and decision is not None and \
            decision.state == "accepted"
    assert wait_up_to(decided, 2000), "the exception is lost after the edit"
    assert layer.commitChanges()
    QCoreApplication.processEvents()
    assert wait_up_to(decided, 2000), "the exception is lost after saving"
    assert "已认可例外 1 个" in browser.summary.text() or "1 approved exception" in browser.summary.text()
    again = verify(plan, sample(ONEMAP), output=str(tmp_path / "again.gpkg"), previous=browser.review.path)
    assert [(d.rule_id, d.state) for d in again.decisions if not d.resolved] == [("CL-01", "accepted")]
    dock.deleteLater()


def test_an_exception_on_a_part_a_fifth_smaller_is_to_confirm_and_back_when_the_edit_is_undone(checked):
    """A desktop walk: cut to 80 % of its height, the CL-01 part moved its 已认可例外 silently, its stored text
    rewritten to 4000 m² the reviewer never saw; rolled back, it stayed 需复核. A part more than AREA_CHANGE
    larger or smaller is to confirm, the text decided on is kept, and the decision is whole again when the
    finding reads again exactly as it did."""
    plan, output = checked
    decided_on = next(f["message"] for f in rows(output) if f["rule_id"] == "CL-01" and f["plan_fid"] == 1)

    def lower(feature):
        box = feature.geometry().boundingBox()
        feature.setGeometry(QgsGeometry.fromRect(QgsRectangle(box.xMinimum(), box.yMinimum(), box.xMaximum(),
                                                              box.yMinimum() + box.height() * 0.8)))
        return feature
    recheck(plan, output, lower)
    decision = stored(output)["CL-01"]
    assert (decision.state, decision.message) == ("review", decided_on)
    recheck(plan, output, lambda feature: feature)                   # the edit undone: the parcel as saved
    decision = stored(output)["CL-01"]
    assert (decision.state, decision.message, decision.approval_no) == ("accepted", decided_on, "晋政函〔2024〕12号")
