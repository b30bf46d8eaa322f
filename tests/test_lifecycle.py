"""The one map learns (issue 20): approved plans merged with their history, refusals that leave the one map
byte-identical, reads as of a version or date, the approved-plans rules, comparisons with exact areas."""
import contextlib
import datetime
import os
import shutil
import sqlite3

import pytest
from osgeo import gdal, ogr

import lifecycle_data as data
from helpers import gpkg, square
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.lifecycle.merge import merge_plan
from plugin.core.read.sources import open_source

SCHOOL_NO, HOUSING_NO = "甲政函〔2024〕1号", "甲政函〔2024〕9号"


def check(plan, onemap, folder, name, **options):
    output = os.path.join(str(folder), name + "_核对结果.gpkg")
    verify(plan, onemap, output=output, **options)
    return output


@pytest.fixture
def county(tmp_path):
    """A one map with plan A (the school) merged as version 1, and plan B (housing on the school)."""
    onemap = data.one_map(tmp_path / "onemap.gpkg")
    plan_a = data.plan(tmp_path / "a.gpkg", data.PLAN_A)
    merge_plan(plan_a, check(plan_a, onemap, tmp_path, "a"), onemap, SCHOOL_NO, "2024-01-10", "新编")
    return onemap, data.plan(tmp_path / "b.gpkg", data.PLAN_B), tmp_path


def rows(path, table, where=""):
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute('SELECT * FROM "{}" {} ORDER BY fid'.format(table, where))]


def in_force(onemap, as_of=None):
    """(label, code, approval no) of the approved parcels a read sees, as QGIS reads them."""
    source = open_source(onemap, as_of)
    layer = source.open_layer("YPGHYDYH")
    return sorted((f["BSM"], f["YDYHFLDM"], f["PFWH"]) for f in layer.getFeatures())


# -- merging
def test_first_merge_writes_the_approved_plan_with_its_version_and_trail(county):
    onemap, _plan_b, _tmp = county
    parcels = rows(onemap, "YPGHYDYH")
    assert [(p["BSM"], p["YDYHFLDM"], p["PFWH"], p["PFRQ"], p["BGLX"], p["valid_from"], p["valid_to"],
             p["version_from"], p["version_to"], p["GHMC"]) for p in parcels] == [
        (label, code, SCHOOL_NO, "2024-01-10", "新编", "2024-01-10", None, 1, None, "测试村村庄规划")
        for label, code, _box in data.PLAN_A]
    version = rows(onemap, "onemap_versions")
    assert len(version) == 1 and version[0]["version"] == 1 and version[0]["parent"] == 0
    assert version[0]["approval_no"] == SCHOOL_NO and version[0]["change"] == "新编" and version[0]["added"] == 5
    assert len(version[0]["plan_sha256"]) == len(version[0]["findings_sha256"]) == len(version[0]["onemap_sha256"]) == 64
    assert version[0]["area_m2"] == pytest.approx(1_000_000.0, abs=1e-6)
    assert [event["event"] for event in rows(onemap, "onemap_trail")] == ["核对", "批复", "入库"]


def test_the_school_to_housing_plan_is_a_finding_naming_the_approval(county):
    onemap, plan_b, tmp = county
    result = verify(plan_b, onemap)
    found = {f.rule_id: f for f in result.findings if f.rule_id.startswith("APP")}
    use = found["APP-02"]
    assert use.severity == "warning" and use.area_m2 == pytest.approx(20000.0, abs=1e-6)
    assert SCHOOL_NO in use.message and "0804 教育用地" in use.message and "0701 城镇住宅用地" in use.message
    public = found["APP-03"]
    assert public.severity == "warning" and public.area_m2 == pytest.approx(20000.0, abs=1e-6)
    assert "已批 120000.00 平方米、本规划 100000.00 平方米（净减少 20000.00 平方米）" in public.message
    assert found["APP-01"].severity == "warning" and SCHOOL_NO in found["APP-01"].message
    assert found["APP-01"].area_m2 == pytest.approx(1_000_000.0, abs=1e-6) and "未声明" in found["APP-01"].message


def test_a_declared_revision_lists_its_content_and_still_warns_on_public_land(county):
    onemap, plan_b, _tmp = county
    result = verify(plan_b, onemap, change="修改")
    by_rule = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule_id, []).append(finding)
    assert "APP-01" not in by_rule                               # a 修改 over approved ground is expected
    assert [(f.severity, round(f.area_m2, 2)) for f in by_rule["APP-02"]] == [("info", 20000.0)]
    assert "修改内容" in by_rule["APP-02"][0].message
    assert [f.severity for f in by_rule["APP-03"]] == ["warning"]
    assert result.record["change"] == "修改"


def test_a_new_plan_where_nothing_is_approved_passes_and_a_revision_there_is_told(tmp_path):
    onemap = data.one_map(tmp_path / "onemap.gpkg", shifts=(0.0, 3000.0))
    plan_a = data.plan(tmp_path / "a.gpkg", data.PLAN_A)
    outcomes = {o["rule_id"]: o for o in verify(plan_a, onemap).outcomes}
    assert outcomes["APP-01"]["status"] == "not_applicable" and "尚无规划入库" in outcomes["APP-01"]["reason"]
    merge_plan(plan_a, check(plan_a, onemap, tmp_path, "a"), onemap, SCHOOL_NO, "2024-01-10", "新编")
    elsewhere = data.plan(tmp_path / "elsewhere.gpkg", data.PLAN_A, dx=3000.0)      # the next village: nothing approved
    outcomes = {o["rule_id"]: o for o in verify(elsewhere, onemap, change="新编").outcomes}
    assert outcomes["APP-01"]["status"] == "passed"
    assert outcomes["APP-02"]["status"] == outcomes["APP-03"]["status"] == "not_applicable"
    assert outcomes["APP-02"]["reason"] == "规划范围内没有已批规划"
    revision = verify(elsewhere, onemap, change="修改")
    told = [f for f in revision.findings if f.rule_id == "APP-01"]
    assert len(told) == 1 and told[0].message == "本规划声明为修改，但规划范围内没有已批规划"


def test_a_revision_ends_the_approved_rows_it_replaces_and_never_deletes_them(county):
    onemap, plan_b, tmp = county
    result = merge_plan(plan_b, check(plan_b, onemap, tmp, "b", change="修改"), onemap, HOUSING_NO, "2024-06-01", "修改")
    assert result.version == 2 and len(result.added) == 5 and len(result.replaced) == 5
    assert all(item.kept is None for item in result.replaced)
    parcels = rows(onemap, "YPGHYDYH")
    assert len(parcels) == 10                                                # ended, not deleted
    ended = [p for p in parcels if p["PFWH"] == SCHOOL_NO]
    assert {(p["valid_to"], p["version_to"]) for p in ended} == {("2024-06-01", 2)}
    assert [p["YDYHFLDM"] for p in parcels if p["version_to"] is None and p["BSM"] == "1"] == ["0701"]
    assert rows(onemap, "onemap_versions")[1]["parent"] == 1


def test_every_earlier_state_can_be_read_by_version_and_by_date(county):
    onemap, plan_b, tmp = county
    merge_plan(plan_b, check(plan_b, onemap, tmp, "b", change="修改"), onemap, HOUSING_NO, "2024-06-01", "修改")
    school = ("1", "0804", SCHOOL_NO)
    assert school in in_force(onemap, "v1") and school in in_force(onemap, "2024-03-01")
    assert ("1", "0701", HOUSING_NO) in in_force(onemap) == in_force(onemap, 2) == in_force(onemap, "2024-06-01")
    assert in_force(onemap, 0) == in_force(onemap, "2023-12-31") == []
    with pytest.raises(OneMapError, match="没有版本 3（最新为版本 2）"):
        open_source(onemap, 3)
    with pytest.raises(OneMapError, match="无法识别的版本或日期"):
        open_source(onemap, "2024-13-01")
    as_of_school = verify(plan_b, onemap, as_of="v1")               # checked against the school again
    assert as_of_school.record["as_of"] == "v1"
    assert any(f.rule_id == "APP-02" and SCHOOL_NO in f.message and "版本 1" in f.message for f in as_of_school.findings)
    assert not [f for f in verify(plan_b, onemap).findings if f.rule_id == "APP-02"]   # now the housing is approved


def test_a_partial_adjustment_replaces_only_its_changed_parcels(county):
    onemap, plan_b, tmp = county
    merge_plan(plan_b, check(plan_b, onemap, tmp, "b", change="修改"), onemap, HOUSING_NO, "2024-06-01", "修改")
    plan_c = data.plan(tmp / "c.gpkg", data.PLAN_C)
    result = merge_plan(plan_c, check(plan_c, onemap, tmp, "c", change="局部调整"), onemap, "甲政函〔2024〕20号",
                        "2024-09-01", "局部调整")
    assert sorted((label, code, round(area, 2)) for label, code, area in result.added) == [
        ("3a", "0804", 50000.0), ("3b", "1401", 50000.0)]
    assert [(item.row.code, round(item.area_m2, 2)) for item in result.replaced] == [("1401", 100000.0)]
    assert result.area_m2 == pytest.approx(100000.0, abs=1e-6)
    assert len(in_force(onemap)) == 6


def test_a_part_outside_the_new_plan_goes_on_as_a_row_of_its_own_plan(county):
    onemap, _plan_b, tmp = county
    plan_d = data.plan(tmp / "d.gpkg", data.PLAN_D, boundary=(0, 0, 600, 100))
    result = merge_plan(plan_d, check(plan_d, onemap, tmp, "d", change="修改"), onemap, "甲政函〔2024〕30号",
                        "2024-07-01", "修改")
    assert sorted((item.row.label, round(item.area_m2, 2), item.kept is not None) for item in result.replaced) == [
        ("1", 20000.0, False), ("2", 40000.0, True)]
    kept = [p for p in rows(onemap, "YPGHYDYH") if p["version_from"] == 2 and p["PFWH"] == SCHOOL_NO]
    assert len(kept) == 1 and kept[0]["YDYHFLDM"] == "0703" and kept[0]["PFRQ"] == "2024-01-10"
    assert kept[0]["valid_from"] == "2024-07-01"
    layer = open_source(onemap).open_layer("YPGHYDYH")
    areas = {(f["BSM"], f["PFWH"]): f.geometry().area() for f in layer.getFeatures()}
    assert areas[("2", SCHOOL_NO)] == pytest.approx(40000.0, abs=1e-6)
    assert areas[("1", "甲政函〔2024〕30号")] == pytest.approx(60000.0, abs=1e-6)


def test_a_dry_run_says_what_would_change_and_writes_nothing(county):
    onemap, plan_b, tmp = county
    findings = check(plan_b, onemap, tmp, "b", change="修改")
    before = data.sha256(onemap)
    result = merge_plan(plan_b, findings, onemap, HOUSING_NO, "2024-06-01", "修改", dry_run=True)
    assert result.dry_run and result.version == 2 and len(result.replaced) == 5
    assert result.lines()[0].startswith("试运行（未写入）：将入库为版本 2")
    assert data.sha256(onemap) == before


def test_a_plan_in_another_projection_is_merged_in_the_one_maps(tmp_path):
    onemap = data.one_map(tmp_path / "onemap.gpkg")
    prefixed = data.plan(tmp_path / "prefixed.gpkg", data.PLAN_A, dx=37_000_000.0, epsg=4525)     # zone in x
    merge_plan(prefixed, check(prefixed, onemap, tmp_path, "p"), onemap, SCHOOL_NO, "2024-01-10", "新编")
    layer = open_source(onemap).open_layer("YPGHYDYH")
    assert layer.crs().authid() == "EPSG:4546"
    school = next(f for f in layer.getFeatures() if f["BSM"] == "1")
    assert school.geometry().area() == pytest.approx(20000.0, abs=1e-3)
    assert school.geometry().boundingBox().xMinimum() == pytest.approx(data.X0, abs=1e-3)


def test_a_detailed_plans_parcel_number_goes_in_whole(tmp_path):
    """BSM is declared as text without a width: a 控规's DKBH longer than a finding carries (100
    characters, core.check.reading.MAX_TEXT) is written as the plan holds it, not cut to 99 and '…'."""
    number = "A01-03-" + "区" * 143
    fields = [("DKBH", ogr.OFTString), ("YDYHFLDM", ogr.OFTString), ("RJLSX", ogr.OFTString),
              ("JZMDSX", ogr.OFTReal), ("LDLXX", ogr.OFTReal), ("JZXG", ogr.OFTReal)]
    indicators = {"RJLSX": "2.0", "JZMDSX": 30.0, "LDLXX": 30.0, "JZXG": 40.0}
    parcels = [(data.box(i * 200, 0, i * 200 + 200, 200), dict(indicators, DKBH=label, YDYHFLDM=code))
               for i, (label, code) in enumerate([("A01-01", "0804"), ("A01-02", "0701"), (number, "0901")])]
    plan = gpkg(tmp_path / "kg.gpkg", data.EPSG, {
        "GHDK": (fields, parcels), "GHFW": ([("MC", ogr.OFTString)], [(data.box(0, 0, 600, 200), {"MC": "范围"})])})
    world = square(data.X0 - 5000, data.Y0 - 5000, data.X0 + 5000, data.Y0 + 5000)
    onemap = gpkg(tmp_path / "onemap.gpkg", data.EPSG, {
        "CZKFBJ": ([("GHFQDM", ogr.OFTString), ("GHFQMC", ogr.OFTString)],
                   [(world, {"GHFQDM": "0401", "GHFQMC": "城镇集中建设区"})]),
        "XZQ": ([("XZQDM", ogr.OFTString), ("XZQMC", ogr.OFTString)], [(world, {"XZQDM": "140311", "XZQMC": "测试镇"})])})
    merge_plan(plan, check(plan, onemap, tmp_path, "kg"), onemap, SCHOOL_NO, "2024-01-10", "新编")
    assert [row["BSM"] for row in rows(onemap, "YPGHYDYH")] == ["A01-01", "A01-02", number]


# -- refusals: the one map byte-identical after each
def refused(onemap, match, *args, **kwargs):
    before = data.sha256(onemap)
    with pytest.raises(OneMapError, match=match):
        merge_plan(*args, **kwargs)
    assert data.sha256(onemap) == before
    assert not [name for name in os.listdir(os.path.dirname(onemap)) if name.endswith(("-journal", "-wal"))]


def failing_plan(tmp_path, onemap):
    plan = data.plan(tmp_path / "bad.gpkg", data.PLAN_A[:4] + [("5", "0799", (0, 300, 1000, 1000))])
    return plan, check(plan, onemap, tmp_path, "bad")


def test_findings_that_did_not_pass_are_refused(tmp_path):
    onemap = data.one_map(tmp_path / "onemap.gpkg")
    plan, findings = failing_plan(tmp_path, onemap)
    refused(onemap, "结论为不通过（未处理的错误 1 项）", plan, findings, onemap, SCHOOL_NO, "2024-01-10", "新编")


def decide(findings, **values):
    """Write a decision row straight into the file, as a hand edit would (unvalidated)."""
    dataset = ogr.Open(findings, 1)
    error = next(f for f in dataset.GetLayerByName("findings") if f.GetField("severity") == "error")
    table = dataset.GetLayerByName("decisions")
    feature = ogr.Feature(table.GetLayerDefn())
    for key, value in dict(values, finding_id=error.GetField("finding_id"), rule_id=error.GetField("rule_id")).items():
        feature.SetField(key, value)
    table.CreateFeature(feature)
    dataset = None


def test_an_invalid_decision_counts_as_undecided_and_a_valid_one_lets_it_pass(tmp_path):
    onemap = data.one_map(tmp_path / "onemap.gpkg")
    plan, findings = failing_plan(tmp_path, onemap)
    decide(findings, decision="accepted", reason="省级重点项目", approval_no="", reviewer="张三", resolved=0, review=0)
    refused(onemap, "无效的审查决定 1 项按未决处理（已认可例外须填写批复文号）", plan, findings, onemap, SCHOOL_NO,
            "2024-01-10", "新编")
    valid = check(plan, onemap, tmp_path, "bad_decided")
    decide(valid, decision="false_positive", reason="代码为待定地类，经核实为误报", reviewer="张三", resolved=0, review=0)
    assert merge_plan(plan, valid, onemap, SCHOOL_NO, "2024-01-10", "新编").version == 1


def test_findings_of_another_plan_are_refused(county):
    onemap, plan_b, tmp = county
    plan_a_findings = os.path.join(str(tmp), "a_核对结果.gpkg")
    refused(onemap, "属于另一份规划", plan_b, plan_a_findings, onemap, HOUSING_NO, "2024-06-01", "修改")


def test_a_plan_changed_after_its_check_is_refused(county):
    onemap, plan_b, tmp = county
    findings = check(plan_b, onemap, tmp, "b", change="修改")
    dataset = ogr.Open(plan_b, 1)
    layer = dataset.GetLayerByName("GHYDYH")
    feature = layer.GetNextFeature()
    feature.SetField("YDYHFLDM", "0804")
    layer.SetFeature(feature)
    dataset = None
    refused(onemap, "在核对后已改变", plan_b, findings, onemap, HOUSING_NO, "2024-06-01", "修改")


def test_a_plan_edited_in_qgis_whose_edits_sit_in_its_write_ahead_log_is_refused(county):
    """QGIS edits a GeoPackage in WAL mode: a saved edit stays in the `-wal` file until a checkpoint, the
    GeoPackage itself unchanged. Its hash covered the GeoPackage only, so a plan edited after its check
    (QGIS still open) was merged as checked (red team)."""
    onemap, plan_b, tmp = county
    os.mkdir(os.path.join(str(tmp), "editing"))
    plan_b = shutil.copy(plan_b, os.path.join(str(tmp), "editing", "b.gpkg"))    # its -wal beside it, not the one map
    editing = sqlite3.connect(plan_b)                         # QGIS's connection, held while it edits
    try:
        assert editing.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
        editing.execute("PRAGMA wal_autocheckpoint=0")
        for name in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):   # (the R-tree triggers name them)
            editing.create_function(name, 1, lambda _geometry: 0)
        editing.execute("UPDATE GHYDYH SET YDYHFLMC = YDYHFLMC WHERE fid = 1")
        editing.commit()
        findings = check(plan_b, onemap, tmp, "b", change="修改")
        before = os.path.getsize(plan_b), open(plan_b, "rb").read()
        editing.execute("UPDATE GHYDYH SET YDYHFLDM = '0804' WHERE fid = 1")
        editing.commit()
        assert (os.path.getsize(plan_b), open(plan_b, "rb").read()) == before      # the edit is in the log only
        refused(onemap, "在核对后已改变", plan_b, findings, onemap, HOUSING_NO, "2024-06-01", "修改")
    finally:
        editing.close()


def test_a_plan_left_in_wal_mode_is_merged_after_one_check(county):
    """A GeoPackage left in WAL mode (QGIS crashed, or it was copied while open) is switched back to its
    journal by the first QGIS layer made of it — our own check's —, which rewrites header bytes and no
    content. The hash leaves that bookkeeping out: the first merge had been refused as "changed"."""
    onemap, plan_b, tmp = county
    with contextlib.closing(sqlite3.connect(plan_b)) as db:
        assert db.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    findings = check(plan_b, onemap, tmp, "b", change="修改")
    assert merge_plan(plan_b, findings, onemap, HOUSING_NO, "2024-06-01", "修改", dry_run=True).version == 2


def test_a_check_made_by_an_older_onemap_is_to_be_made_again(county):
    """Before 0.3.5 a source's hash took a SQLite header's bookkeeping in: such a check's hashes cannot be
    compared, and "changed after the check" would be untrue."""
    onemap, plan_b, tmp = county
    findings = check(plan_b, onemap, tmp, "b", change="修改")
    with contextlib.closing(sqlite3.connect(findings)) as db:
        db.execute("UPDATE run SET plugin_version = '0.3.4'")
        db.commit()
    refused(onemap, "由 OneMap 0.3.4 生成.*重新核对", plan_b, findings, onemap, HOUSING_NO, "2024-06-01", "修改")


def test_a_one_map_changed_after_the_check_is_refused(county):
    onemap, plan_b, tmp = county
    findings = check(plan_b, onemap, tmp, "b", change="修改")
    gdal.VectorTranslate(onemap, onemap, accessMode="append", layerName="LSWHBHX", SQLStatement="SELECT * FROM LSWHBHX")
    refused(onemap, "一张图 .* 在核对后已改变", plan_b, findings, onemap, HOUSING_NO, "2024-06-01", "修改")


def test_an_approval_number_already_merged_is_refused(county):
    onemap, plan_b, tmp = county
    findings = check(plan_b, onemap, tmp, "b", change="修改")
    refused(onemap, "批复文号 甲政函〔2024〕1号 已于 .* 入库为版本 1", plan_b, findings, onemap, " " + SCHOOL_NO,
            "2024-06-01", "修改")


def test_a_check_against_an_earlier_state_or_of_another_kind_is_refused(county):
    onemap, plan_b, tmp = county
    findings = check(plan_b, onemap, tmp, "b_v1", change="修改", as_of="v1")
    refused(onemap, "历史状态（v1）", plan_b, findings, onemap, HOUSING_NO, "2024-06-01", "修改")
    findings = check(plan_b, onemap, tmp, "b_new", change="新编")
    refused(onemap, "核对时本规划声明为“新编”，入库为“修改”", plan_b, findings, onemap, HOUSING_NO, "2024-06-01", "修改")


@pytest.mark.parametrize("approval_no, approved_on, change, match", [
    ("", "2024-06-01", "修改", "须填写批复文号"), (HOUSING_NO, "2024-02-30", "修改", "批复日期“2024-02-30”无效"),
    (HOUSING_NO, "2024-06-01", "改了", "未知的变更类型"), (HOUSING_NO, "2023-06-01", "修改", "早于将被替代的已批规划")])
def test_bad_merge_arguments_are_refused(county, approval_no, approved_on, change, match):
    onemap, plan_b, tmp = county
    findings = check(plan_b, onemap, tmp, "b", change="修改")
    refused(onemap, match, plan_b, findings, onemap, approval_no, approved_on, change)


def test_an_approval_date_after_today_or_before_1949_is_refused(county):
    onemap, plan_b, tmp = county
    findings = check(plan_b, onemap, tmp, "b", change="修改")
    today = datetime.date.today()
    tomorrow = today + datetime.timedelta(days=1)
    refused(onemap, "批复日期“{}”晚于今天（{}）".format(tomorrow, today), plan_b, findings, onemap, HOUSING_NO,
            tomorrow.isoformat(), "修改")
    refused(onemap, "批复日期“2099-01-10”晚于今天", plan_b, findings, onemap, HOUSING_NO, "2099-01-10", "修改",
            dry_run=True)
    for early in ("0001-01-01", "1949-09-30"):
        refused(onemap, "批复日期“{}”早于 1949-10-01".format(early), plan_b, findings, onemap, HOUSING_NO, early, "修改")
    assert merge_plan(plan_b, findings, onemap, HOUSING_NO, today, "修改").approved_on == today.isoformat()


def test_an_approval_on_1949_10_01_is_taken(tmp_path):
    onemap = data.one_map(tmp_path / "onemap.gpkg")
    plan = data.plan(tmp_path / "a.gpkg", data.PLAN_A)
    merge_plan(plan, check(plan, onemap, tmp_path, "a"), onemap, SCHOOL_NO, "1949-10-01", "新编")
    assert {row["PFRQ"] for row in rows(onemap, "YPGHYDYH")} == {"1949-10-01"}


@pytest.mark.parametrize("approval_no, reviewer, match", [
    ("\u200b\u3164", "", "入库须填写批复文号（所填只有不显示的字符，如零宽空格、填充符）"),
    ("\u200b\x00\u202e", "", "入库须填写批复文号（所填只有不显示的字符"),
    ("号" * 10000, "", "批复文号过长（10000 个字符，最多 1000 个）"),
    (HOUSING_NO, "张" * 1001, "入库人过长（1001 个字符，最多 1000 个）"),
    ("甲政函\x00〔2024〕1号", "", "批复文号 甲政函〔2024〕1号 已于 .* 入库为版本 1"),
    ("\u202d甲政函〔2024〕1号\u200b\x07", "", "批复文号 甲政函〔2024〕1号 已于 .* 入库为版本 1")],
    ids=["invisible", "nul-bidi-only", "long-approval-no", "long-reviewer", "nul-hides-merged", "bidi-hides-merged"])
def test_an_approval_number_or_name_that_prints_nothing_is_too_long_or_hides_a_merged_one_is_refused(
        county, approval_no, reviewer, match):
    onemap, plan_b, tmp = county
    findings = check(plan_b, onemap, tmp, "b", change="修改")
    refused(onemap, match, plan_b, findings, onemap, approval_no, "2024-06-01", "修改", reviewer=reviewer)


def test_control_and_bidi_characters_are_removed_from_the_approval_number_and_name(county):
    onemap, plan_b, tmp = county
    findings = check(plan_b, onemap, tmp, "b", change="修改")
    reviewer = "\u202e张\x08三" + "三" * 998
    merged = merge_plan(plan_b, findings, onemap, " 甲政函\x00〔2024〕\x1b9号\u200f\r\n", "2024-06-01", "修改",
                        reviewer=reviewer)
    assert merged.approval_no == HOUSING_NO
    version = rows(onemap, "onemap_versions")[-1]
    assert (version["approval_no"], version["reviewer"]) == (HOUSING_NO, "张三" + "三" * 998)
    assert {row["PFWH"] for row in rows(onemap, "YPGHYDYH", "WHERE version_from = 2")} == {HOUSING_NO}
    assert {(row["event"], row["approval_no"]) for row in rows(onemap, "onemap_trail", "WHERE version = 2")} == {
        ("核对", None), ("批复", HOUSING_NO), ("入库", HOUSING_NO)}


def test_a_partial_adjustment_that_changes_nothing_is_refused(county):
    onemap, _plan_b, tmp = county
    same = data.plan(tmp / "same.gpkg", data.PLAN_A)
    findings = check(same, onemap, tmp, "same", change="局部调整")
    refused(onemap, "没有变化的地块", same, findings, onemap, "甲政函〔2024〕40号", "2024-06-01", "局部调整")


def test_only_geopackage_and_postgis_one_maps_take_merges(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    gdal.VectorTranslate(str(folder), data.one_map(tmp_path / "onemap.gpkg"), format="ESRI Shapefile")
    plan = data.plan(tmp_path / "a.gpkg", data.PLAN_A)
    findings = check(plan, str(folder), tmp_path, "a")
    with pytest.raises(OneMapError, match="入库只支持 GeoPackage 或 PostGIS"):
        merge_plan(plan, findings, str(folder), SCHOOL_NO, "2024-01-10", "新编")
