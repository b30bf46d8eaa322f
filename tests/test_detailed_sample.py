"""The sample detailed plan (控规 of the town seat) against its one map, end to end: every seeded finding
to 0.01 m², the parcels' own problems by 地块编号, and each unit's figures on the ellipsoid (pyproj)."""
import sqlite3

import pytest
import yaml

from conftest import sample
from helpers import indicators, labels, outcome
from plugin.core.check.engine import verify


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    output = str(tmp_path_factory.mktemp("detailed") / "findings.gpkg")
    return verify(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"), output=output)


@pytest.fixture(scope="module")
def expected():
    return yaml.safe_load(open(sample("expected.yaml"), encoding="utf-8"))["detailed_plan.gpkg"]


def found(result, rule_id):
    return sorted([f.plan_code or "", f.severity, round(f.area_m2, 2)] for f in result.findings if f.rule_id == rule_id)


def test_it_is_checked_as_a_detailed_plan_with_its_own_control_lines(result):
    assert result.record["ruleset_id"] == "detailed-default" and result.record["plan_kind"] == "detailed"
    assert "GHDK（规划地块）" in result.record["plan_kind_reason"]
    assert [f for f in result.findings if f.rule_id == "KIND-01"] == []      # its CZKFBJ and 四线 copies raise no doubt


def test_every_seeded_finding_with_its_exact_area(result, expected):
    for rule_id, items in expected["findings"].items():
        assert found(result, rule_id) == items, rule_id
    for rule_id in expected["no_findings"]:
        assert outcome(result, rule_id)["status"] == "passed", rule_id


def test_findings_name_the_parcel_by_its_number_on_its_own_layer(result):
    shop = next(f for f in result.findings if f.rule_id == "SX-02")
    assert (shop.plan_layer, shop.plan_label, shop.plan_code) == ("GHDK", "A06-01", "0901")
    mixed = [f for f in result.findings if f.rule_id == "DP-01" and f.plan_code == "0701/0901"]
    assert mixed and "混合用地 0701/0901" in mixed[0].message


def test_the_parcels_own_problems(result, expected):
    for rule_id in ("DK-03", "DK-04", "DK-05"):
        assert labels(result, rule_id) == expected[rule_id], rule_id
    numbers = [f.message for f in result.findings if f.rule_id == "DK-01"]
    assert any("地块编号 A01-04 重复" in m for m in numbers) and any("缺少地块编号" in m for m in numbers)
    gaps = sorted(f.message for f in result.findings if f.rule_id == "DK-02")
    assert len(gaps) == len(expected["DK-02"])
    for block, missing in expected["DK-02"].items():
        assert any("街区 {}".format(block) in m and "缺少 {}".format("、".join(missing)) in m for m in gaps), block
    far = next(f for f in result.findings if f.rule_id == "DK-05" and f.plan_label == "A01-01")
    assert "容积率上限 9.0" in far.message and far.severity == "warning"


def test_a_box_substation_is_no_sliver(result):
    assert outcome(result, "GEO-04")["status"] == "passed"        # the 64 m² 1303 parcel in 街区 B05


def test_each_unit_against_what_the_one_map_hands_down(result, expected):
    table = indicators(result)
    for unit, figures in expected["units"].items():
        land = table["城镇建设用地规模（{}）".format(unit)]
        assert abs(land["planned_m2"] - figures["城镇建设用地_m2"]) < 0.1, unit          # QGIS against pyproj
        assert land["allocated_value"] == figures["CZJSYDSX_ha"] and land["village_code"] == unit
        assert land["status"] == expected["unit_land_status"][unit] and land["rule_id"] == "UNIT-01"
        assert "单元规划人口 {:g} 万人".format(figures["RKGM"]) in land["note"]
        floor = table["总建筑面积（{}）".format(unit)]
        assert abs(floor["planned_value"] * 10000.0 - figures["总建筑面积_m2"]) < 1.0, unit
        assert floor["status"] == expected["unit_floor_status"][unit]
        for name in figures["无容积率地块"]:
            assert name in floor["note"]
        for facility, count in expected["facilities"][unit].items():
            row = table["{}（{}）".format(facility, unit)]
            assert row["planned_value"] == count and row["unit"] == "处", (unit, facility)
    failed = sorted(f.message.split("指标“")[1].split("”")[0] for f in result.findings if f.rule_id == "UNIT-03")
    assert failed == ["幼儿园（B）", "消防站（B）"]
    assert [f.severity for f in result.findings if f.rule_id == "UNIT-01"] == ["error"]     # B above its cap


def test_share_of_urban_land_outside_the_boundary(result, expected):
    row = indicators(result)["城镇开发边界外规划城镇建设用地占比"]
    assert abs(row["planned_m2"] - expected["share"]["outside_m2"]) < 0.1
    assert abs(row["planned_value"] - expected["share"]["share_percent"]) < 1e-4
    assert row["status"] == "pass" and row["allocated_value"] == 10.0 and "无基期数据" in row["note"]


def test_control_rules_say_they_skipped_the_unreadable_parcel(result):
    for rule_id in ("DP-01", "SX-01", "CL-03"):
        assert "代码 R2" in outcome(result, rule_id)["reason"], rule_id


def test_the_indicators_table_keeps_rule_unit_and_value(result):
    with sqlite3.connect(result.output) as db:
        stored = db.execute("SELECT rule_id, village_code, indicator, planned_value, unit FROM indicators "
                            "WHERE indicator = '消防站（B）'").fetchone()
        layers = {row[0] for row in db.execute("SELECT DISTINCT plan_layer FROM findings")}
    assert stored == ("UNIT-03", "B", "消防站（B）", 0.0, "处")
    assert layers <= {"GHDK", "GHYDYH", "CSLANX", ""} and "GHDK" in layers
