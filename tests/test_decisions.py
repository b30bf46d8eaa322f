"""Reviewer decisions: validated, stored in the GeoPackage, carried over to a re-exported plan."""
import pytest
from osgeo import ogr

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.review import decisions


def reexport(source, target, dx=0.04, dy=-0.03, recode=None):
    """Write `source` again as a re-export would: features in reverse order (new fids), every vertex
    moved by (dx, dy); `recode` maps a land-use code to another."""
    src = ogr.Open(source)
    out = ogr.GetDriverByName("GPKG").CreateDataSource(target)
    for index in range(src.GetLayerCount()):
        layer = src.GetLayerByIndex(index)
        copy = out.CreateLayer(layer.GetName(), layer.GetSpatialRef(), layer.GetGeomType())
        definition = layer.GetLayerDefn()
        for i in range(definition.GetFieldCount()):
            copy.CreateField(definition.GetFieldDefn(i))
        features = list(layer)
        for feature in reversed(features):
            new = ogr.Feature(copy.GetLayerDefn())
            for i in range(definition.GetFieldCount()):
                new.SetField(i, feature.GetField(i))
            if recode and feature.GetFieldIndex("GHDLBM") >= 0 and feature.GetField("GHDLBM") in recode:
                new.SetField("GHDLBM", recode[feature.GetField("GHDLBM")])
            geometry = feature.GetGeometryRef()
            if geometry is not None:
                moved = geometry.Clone()
                for part in range(max(1, moved.GetGeometryCount())):
                    ring_owner = moved.GetGeometryRef(part) if moved.GetGeometryCount() else moved
                    for r in range(max(1, ring_owner.GetGeometryCount())):
                        ring = ring_owner.GetGeometryRef(r) if ring_owner.GetGeometryCount() else ring_owner
                        for p in range(ring.GetPointCount()):
                            ring.SetPoint_2D(p, ring.GetX(p) + dx, ring.GetY(p) + dy)
                new.SetGeometry(moved)
            copy.CreateFeature(new)
    out = None
    return target


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    folder = tmp_path_factory.mktemp("decisions")
    result = verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=str(folder / "first.gpkg"))
    return folder, result


def finding_row(path, rule_id, contains=""):
    dataset = ogr.Open(path)
    for feature in dataset.GetLayerByName("findings"):
        if feature.GetField("rule_id") == rule_id and contains in feature.GetField("message"):
            return feature.GetField("finding_id"), feature.GetField("message")
    raise AssertionError("no {} finding".format(rule_id))


@pytest.mark.parametrize("kind,reason,approval,message", [
    ("accepted", "国家重点项目", "", "批复文号"),
    ("accepted", " ", "晋政函〔2024〕12号", "理由"),
    ("false_positive", "", "", "理由"),
    ("maybe", "x", "y", "未知"),
])
def test_incomplete_decisions_are_refused_in_chinese(kind, reason, approval, message):
    with pytest.raises(OneMapError) as raised:
        decisions.make("abc", kind, reason, approval)
    assert message in raised.value.zh


def test_a_decision_is_stored_and_replaced_and_withdrawn(first, tmp_path):
    import shutil
    path = str(tmp_path / "copy.gpkg")
    shutil.copy(first[1].output, path)
    finding_id, _message = finding_row(path, "CL-01", "农村宅基地")
    decisions.save(path, decisions.make(finding_id, "false_positive", "图斑已调出", reviewer="张三"))
    decisions.save(path, decisions.make(finding_id, "accepted", "省重点项目", "晋自然资函〔2024〕88号", reviewer="李四"))
    stored = decisions.read(path)
    assert len(stored) == 1
    assert (stored[0].decision, stored[0].approval_no, stored[0].reviewer) == ("accepted", "晋自然资函〔2024〕88号", "李四")
    assert stored[0].decided_at[:4].isdigit() and stored[0].resolved == 0
    decisions.remove(path, finding_id)
    assert decisions.read(path) == []


def test_decisions_survive_a_recheck_of_a_reexported_plan(first, tmp_path):
    folder, result = first
    previous = str(tmp_path / "previous.gpkg")
    import shutil
    shutil.copy(result.output, previous)
    farmland, decided_on = finding_row(previous, "CL-01", "农村宅基地")
    indicator, _ = finding_row(previous, "IND-01", "建设用地总规模")
    industry, industry_message = finding_row(previous, "CL-05")
    decisions.save(previous, decisions.make(farmland, "accepted", "省重点项目无法避让", "晋政函〔2024〕12号"))
    decisions.save(previous, decisions.make(indicator, "false_positive", "指标已调整，待下达"))
    decisions.save(previous, decisions.make(industry, "accepted", "园区扩区", "晋政函〔2024〕13号"))

    plan = reexport(sample("village_conflicts.gpkg"), str(tmp_path / "reexported.gpkg"), recode={"070102": "0703"})
    output = str(tmp_path / "second.gpkg")
    again = verify(plan, sample("township_onemap.gpkg"), output=output, previous=previous)

    new_farmland, message = finding_row(output, "CL-01", "农村宅基地")
    new_indicator, _ = finding_row(output, "IND-01", "建设用地总规模")
    assert new_farmland != farmland                              # new fid, moved vertices: a new id
    stored = {d.finding_id: d for d in decisions.read(output)}
    assert stored[new_farmland].decision == "accepted" and stored[new_farmland].approval_no == "晋政函〔2024〕12号"
    assert stored[new_farmland].resolved == 0 and stored[new_farmland].message == decided_on != message  # 5000.00 m²
    assert stored[new_indicator].decision == "false_positive" and stored[new_indicator].resolved == 0
    assert not any(f.rule_id == "CL-05" and "0799" not in f.message for f in again.findings)   # 城镇住宅用地 now 0703
    assert stored[industry].resolved == 1 and stored[industry].message == industry_message
    assert len(stored) == 3
    counts = again.counts                         # the 4 cm shift adds slivers along the farmland's edges
    assert decisions.run_summary(again) == "错误 {} 个（已认可例外 1 个、误报 1 个），警告 {} 个，提示 {} 个".format(
        counts["error"], counts["warning"], counts["info"])
    assert decisions.run_summary(again, chinese=False).startswith(
        "{} errors (1 approved exception, 1 false positive), ".format(counts["error"]))


def test_a_decision_carried_onto_a_changed_finding_is_to_be_confirmed_again(first, tmp_path):
    """Walk: decided on a 警告 “（无基期数据，未区分新增与现状）”, the re-check finds an 错误 “（新增）” on the
    same ground: the decision moves but is 需复核, counted apart, with the wording it was made on."""
    import shutil
    previous = str(tmp_path / "previous.gpkg")
    shutil.copy(first[1].output, previous)
    heritage, message = finding_row(previous, "CL-03")
    farmland, _ = finding_row(previous, "CL-01", "农村宅基地")
    decisions.save(previous, decisions.make(heritage, "accepted", "现有宅基地保留", "晋政函〔2024〕12号"))
    decisions.save(previous, decisions.make(farmland, "accepted", "省重点项目", "晋政函〔2024〕13号"))
    dataset = ogr.Open(previous, 1)                  # the finding as it read when decided
    findings = dataset.GetLayerByName("findings")
    findings.SetAttributeFilter("finding_id = '{}'".format(heritage))
    row = findings.GetNextFeature()
    decided_on = message.replace("（新增）", "（无基期数据，未区分新增与现状）") if "（新增）" in message else message + "（旧）"
    row.SetField("message", decided_on)
    row.SetField("severity", "error" if row.GetField("severity") != "error" else "warning")
    findings.SetFeature(row)
    dataset = None

    output = str(tmp_path / "second.gpkg")
    again = verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=output, previous=previous)
    stored = {d.rule_id: d for d in decisions.read(output)}
    assert (stored["CL-03"].review, stored["CL-03"].resolved, stored["CL-03"].message) == (1, 0, decided_on)
    assert (stored["CL-01"].review, stored["CL-01"].decision) == (0, "accepted")
    severity = next(f.severity for f in again.findings if f.rule_id == "CL-03")
    parts = dict(part.split(" ", 1) for part in decisions.run_summary(again).split("，"))
    assert "需复核 1 个" in parts[decisions.SEVERITY_ZH[severity]]
    assert "已认可例外 1 个" in parts["错误"] and "已认可例外 2 个" not in decisions.run_summary(again)
    assert "1 to confirm again" in decisions.run_summary(again, chinese=False)
    from plugin.core.export.report_data import read_report
    report = read_report(output)                         # the check report counts it apart too
    assert report.count(severity, "review") == 1 and report.count("error", "accepted") == 1
    assert {report.decision_zh(f) for f in report.findings if f["rule_id"] == "CL-03"} == {"需复核（已认可例外）"}

    confirmed = str(tmp_path / "confirmed.gpkg")         # confirmed: an approved exception again, kept so
    shutil.copy(output, confirmed)
    decisions.confirm(confirmed, stored["CL-03"], next(f.message for f in again.findings if f.rule_id == "CL-03"))
    third = verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=str(tmp_path / "3.gpkg"),
                   previous=confirmed)
    assert {d.rule_id: d.review for d in third.decisions} == {"CL-03": 0, "CL-01": 0}


def test_a_decision_is_not_moved_to_another_parcel(first, tmp_path):
    """The same rule on a different parcel is a different finding: the decision is resolved, not moved."""
    import shutil
    previous = str(tmp_path / "previous.gpkg")
    shutil.copy(first[1].output, previous)
    farmland, _ = finding_row(previous, "CL-01", "农村宅基地")
    decisions.save(previous, decisions.make(farmland, "accepted", "x", "晋政函〔2024〕1号"))
    plan = reexport(sample("village_conflicts.gpkg"), str(tmp_path / "moved.gpkg"), dx=60.0, dy=0.0)
    output = str(tmp_path / "second.gpkg")
    verify(plan, sample("township_onemap.gpkg"), output=output, previous=previous)
    stored = decisions.read(output)
    assert [(d.finding_id, d.resolved) for d in stored] == [(farmland, 1)]


def test_processing_accepts_previous(first, tmp_path, onemap_provider):
    import shutil

    from qgis import processing
    previous = str(tmp_path / "previous.gpkg")
    shutil.copy(first[1].output, previous)
    farmland, _ = finding_row(previous, "CL-01", "农村宅基地")
    decisions.save(previous, decisions.make(farmland, "accepted", "x", "晋政函〔2024〕1号"))
    output = str(tmp_path / "out.gpkg")
    processing.run("onemap:verifyplan", {"PLAN": sample("village_conflicts.gpkg"),
                                         "ONEMAP": sample("township_onemap.gpkg"), "PREVIOUS": previous,
                                         "OUTPUT": output})
    assert [(d.finding_id, d.decision, d.resolved) for d in decisions.read(output)] == [(farmland, "accepted", 0)]
