"""The sample village plans against the township one map: every seeded conflict, to 0.01 m²."""
import os
import sqlite3

import pytest
import yaml
from osgeo import ogr

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.read.sources import source_hash


@pytest.fixture(scope="module")
def conflicts(tmp_path_factory):
    output = str(tmp_path_factory.mktemp("run") / "findings.gpkg")
    return verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=output)


def areas(result, rule_id):
    """Areas of a rule's findings about parcels of a known use."""
    return sorted(round(f.area_m2, 2) for f in result.findings if f.rule_id == rule_id and "用途无法识别" not in f.message)


def unreadable(result, rule_id):
    """Areas of a rule's findings about parcels whose use cannot be read (reported, never skipped)."""
    return sorted(round(f.area_m2, 2) for f in result.findings if f.rule_id == rule_id and "用途无法识别" in f.message)


def test_every_seeded_conflict_has_its_exact_area(conflicts):
    expected = yaml.safe_load(open(sample("expected.yaml"), encoding="utf-8"))["village_conflicts.gpkg"]
    assert areas(conflicts, "CL-01") == [expected["overlap_farmland_m2"]] == [5000.00]
    assert areas(conflicts, "CL-05") == [expected["outside_boundary_m2"]] == [30000.00]
    assert unreadable(conflicts, "CL-05") == []               # the 0799 parcel: ATT-01 alone reports it …
    cl05 = next(o for o in conflicts.outcomes if o["rule_id"] == "CL-05")
    assert "1 个用途无法识别的地块（代码 0799）未参与本规则核对" in cl05["reason"]     # … and CL-05 says it skipped it
    assert areas(conflicts, "CL-03") == [expected["heritage_m2"]] == [10000.00]
    assert areas(conflicts, "GEO-02") == [expected["plan_overlap_m2"]] == [40000.00]
    assert areas(conflicts, "GEO-03") == sorted(expected["gap_m2"]) == [2500.00, 2500.00, 10000.00]
    assert areas(conflicts, "GEO-04") == [expected["sliver_m2"]] == [300.00]
    assert areas(conflicts, "KEEP-01") == [expected["farmland_lost_m2"]] == [40000.00]
    invalid = [f for f in conflicts.findings if f.rule_id == "GEO-01"]
    assert len(invalid) == expected["invalid_geometries"] == 1
    # reported where the reviewer sees it: in the plan's zone-prefixed EPSG:4525
    assert (round(invalid[0].extra["x"], 2), round(invalid[0].extra["y"], 2)) == (37561650.00, 4101850.00)
    attribute = {f.severity: f for f in conflicts.findings if f.rule_id == "ATT-01"}
    assert expected["bad_code"] in attribute["error"].message and attribute["error"].plan_code == "0799"
    assert expected["alias_2020_name"] in attribute["warning"].message


def test_findings_name_the_features_involved(conflicts):
    farmland = next(f for f in conflicts.findings if f.rule_id == "CL-01")
    assert (farmland.plan_layer, farmland.plan_code, farmland.control_layer) == ("GHYDYH", "0703", "YJJBNTBHTB")
    assert farmland.plan_fid == 1 and farmland.control_fid is not None
    assert "永久基本农田" in farmland.message and "5000.00" in farmland.message


def test_indicators_against_the_allocation(conflicts):
    """Indicator figures are ellipsoidal (CGCS2000): QGIS's figure against pyproj's, within 0.1 m²."""
    expected = yaml.safe_load(open(sample("expected.yaml"), encoding="utf-8"))["village_conflicts.gpkg"]
    rows = {r["indicator"]: r for r in conflicts.indicators}
    for name, planned in expected["indicators_m2"].items():
        assert abs(rows[name]["planned_m2"] - planned) < 0.1, name
    assert rows["耕地保有量"]["status"] == "pass"
    assert rows["永久基本农田保护面积"]["status"] == "fail"
    # 0703 ×3, 1207, 1001: 26 ha planar, 25.9976 ha on the ellipsoid; the allocation is 8.5 ha
    assert rows["村庄建设用地规模"]["status"] == "fail" and round(rows["村庄建设用地规模"]["planned_ha"], 4) == 25.9976
    village = [f for f in conflicts.findings if f.rule_id == "IND-01" and "村庄建设用地规模" in f.message]
    assert [f.severity for f in village] == ["warning"]                  # indicative, not binding
    assert rows["建设用地总规模"]["status"] == "fail" and round(rows["建设用地总规模"]["planned_mu"], 2) == 434.96
    assert rows["生态保护红线面积"]["status"] == "not_applicable"
    assert rows["新增建设用地"]["status"] == "not_applicable"            # not allocated, and no base year


def test_red_line_rules_are_not_applicable_in_the_township(conflicts):
    status = {o["rule_id"]: o for o in conflicts.outcomes}
    for rule_id in ("CL-02", "KEEP-02"):
        assert status[rule_id]["status"] == "not_applicable"
        assert "STBHHX" in status[rule_id]["reason"]
    assert status["CL-01"]["status"] == "failed" and status["ATT-02"]["status"] == "passed"


def test_clean_plan_has_no_findings_and_passes_every_indicator(tmp_path):
    result = verify(sample("village_clean.gpkg"), sample("township_onemap.gpkg"), output=str(tmp_path / "f.gpkg"))
    assert result.findings == []
    expected = yaml.safe_load(open(sample("expected.yaml"), encoding="utf-8"))["village_clean.gpkg"]
    rows = {r["indicator"]: r for r in result.indicators}
    for name, planned in expected["indicators_m2"].items():
        assert abs(rows[name]["planned_m2"] - planned) < 0.1 and rows[name]["status"] == "pass"


def test_findings_geopackage_layout(conflicts):
    dataset = ogr.Open(conflicts.output)
    findings = dataset.GetLayerByName("findings")
    names = [findings.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(findings.GetLayerDefn().GetFieldCount())]
    for field in ("rule_id", "severity", "message", "plan_layer", "plan_fid", "plan_code", "control_layer",
                  "control_fid", "area_m2", "finding_id"):
        assert field in names
    assert findings.GetFeatureCount() == len(conflicts.findings)
    assert findings.GetSpatialRef().GetAuthorityCode(None) == "4525"          # the plan's own CRS
    severities = {f.GetField("severity") for f in findings}
    assert severities <= {"error", "warning", "info"}
    farmland = [f for f in findings if f.GetField("rule_id") == "CL-01"][0]
    assert round(farmland.GetGeometryRef().GetArea(), 2) == 5000.00
    for table in ("rules", "indicators", "run"):
        assert dataset.GetLayerByName(table) is not None
    assert dataset.GetLayerByName("rules").GetFeatureCount() == len(conflicts.outcomes)


def test_run_table_lets_a_reviewer_reproduce_the_check(conflicts, tmp_path):
    with sqlite3.connect(conflicts.output) as db:
        db.row_factory = sqlite3.Row
        run = dict(db.execute("SELECT * FROM run").fetchone())
    assert run["plan_sha256"] == source_hash(sample("village_conflicts.gpkg"))
    assert run["onemap_sha256"] == source_hash(sample("township_onemap.gpkg"))
    assert run["ruleset_id"] == "village-default" and len(run["ruleset_sha256"]) == 64
    assert run["crs"] == "EPSG:4546" and run["plan_crs"] == "EPSG:4525"
    assert run["errors"] == conflicts.counts["error"] and run["started"] <= run["finished"]
    again = verify(run["plan_path"], run["onemap_path"], ruleset=run["ruleset_path"], output=str(tmp_path / "again.gpkg"))
    assert again.record["ruleset_sha256"] == run["ruleset_sha256"]
    with sqlite3.connect(conflicts.output) as first, sqlite3.connect(again.output) as second:
        query = "SELECT finding_id, area_m2 FROM findings ORDER BY finding_id"
        assert first.execute(query).fetchall() == second.execute(query).fetchall()


def test_inputs_are_never_modified(sample_copy, tmp_path):
    """Byte for byte (source_hash leaves a SQLite header's bookkeeping out)."""
    plan, onemap = sample_copy("village_conflicts.gpkg"), sample_copy("township_onemap.gpkg")

    def files():
        return [open(path, "rb").read() for path in (plan, onemap)], sorted(os.listdir(os.path.dirname(plan)))
    (tmp_path / "out").mkdir()
    before = files()
    verify(plan, onemap, output=str(tmp_path / "out" / "out.gpkg"))
    assert files() == before                      # (no -wal, -shm or -journal left beside them either)


def test_county_one_map_red_line_applies(tmp_path):
    """A plan in zone 38 with the zone number in x (EPSG:4526) against the county one map (EPSG:4547)."""
    from helpers import gpkg, landuse, square
    x0, y0, prefix = 440000.0, 4180000.0, 38000000.0
    plan = gpkg(tmp_path / "plan.gpkg", 4526, {"GHYDYH": landuse(
        ("0801", square(x0 + 9000, y0 + 9000, x0 + 9600, y0 + 9200, prefix)),      # 500 x 200 in the red line
        ("0103", square(x0 + 500, y0 + 500, x0 + 1700, y0 + 2500, prefix)),        # cropland on farmland
        ("0701", square(x0 + 3000, y0 + 7000, x0 + 3100, y0 + 7100, prefix)))})    # in the heritage line
    result = verify(plan, sample("county_onemap.gpkg"), ruleset="village-default", output=str(tmp_path / "f.gpkg"))
    assert areas(result, "CL-02") == [100000.00]
    assert areas(result, "CL-03") == [10000.00]
    assert areas(result, "CL-05") == [10000.00]          # 0701 urban housing outside; 0801 is not
    assert areas(result, "CL-01") == []
    status = {o["rule_id"]: o["status"] for o in result.outcomes}
    assert status["CL-02"] == "failed" and status["KEEP-02"] == "failed"      # the plan carries no red line layer
    red = [f for f in result.findings if f.rule_id == "CL-02"]
    assert red[0].severity == "error" and "无基期数据" in red[0].message    # no base year: new or existing unknown
