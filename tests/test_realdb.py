"""杜村 delivered in the real village-database structure (two FileGDBs in one folder), end to end.

tools/make_sample_gdb.py writes it; its expected figures are worked out from the boxes, conflict
areas planar and exact, indicator figures ellipsoidal from pyproj (compared here within 0.1 m²).
"""
import pytest
import yaml
from qgis.core import QgsProject

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.read.loading import load_source
from plugin.core.read.sources import open_source, recognition_lines, source_hash

PLAN = "village_realdb"


@pytest.fixture(scope="module")
def expected():
    return yaml.safe_load(open(sample("expected.yaml"), encoding="utf-8"))[PLAN]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    return verify(sample(PLAN), sample("township_onemap.gpkg"), output=str(tmp_path_factory.mktemp("r") / "f.gpkg"))


def test_a_folder_holding_both_gdbs_is_one_plan():
    source = open_source(sample(PLAN))
    assert source.format == "gdbs" and source.guess_kind() == "village"
    assert {"GHYDYH", "CJDCQ", "CJDCQJX", "GKBJ", "LSWHBHQ", "GHGGJCSSD", "JQDLTB", "GGJCSSD", "GHZBB", "JQJSXMJHB",
            "KJGNJGTZB"} == set(source.recognised)
    assert source.get("GHYDYH").name == "GHDLTB" and source.get("GHYDYH").fields["YDYHFLDM"] == "GHDLBM"
    assert source.missing("village") == []              # 永久基本农田 comes as GKBJ 0202
    assert not source.unknown
    assert "GDBS" in recognition_lines(source)[0]


def test_conflicts_in_the_real_structure(result, expected):
    def found(rule_id):
        return [(f.severity, round(f.area_m2, 2)) for f in result.findings if f.rule_id == rule_id]
    assert found("CL-07") == [("warning", expected["CL-07_m2"])]          # 0901 outside 村庄集中建设区
    assert found("CL-03") == [("error", expected["CL-03_m2"])]            # a new home in the heritage line
    assert found("CL-08") == [("error", expected["CL-08_m2"])]            # ... and in the plan's 保护区; 1504 exempt
    assert found("CL-05") == [] and found("GEO-03") == [] and found("GEO-05") == [] and found("CL-01") == []
    assert [o["status"] for o in result.outcomes if o["rule_id"] == "KEEP-01"] == ["passed"]    # GKBJ 0202 kept
    area = [f for f in result.findings if f.rule_id == "GEO-06"]
    assert len(area) == 1 and expected["GEO-06_parcel_bsm"] in area[0].message and round(area[0].area_m2, 2) == 500.00
    table = [f for f in result.findings if f.rule_id == "TAB-01"]
    assert len(table) == 1 and expected["TAB-01_indicator"] in table[0].message
    assert abs(table[0].area_m2 - 5000.0) < 0.1                          # GHZBB off by 0.5 公顷, nothing else


def test_base_year_figures_and_indicators(result, expected):
    rows = {}
    for row in result.indicators:
        rows.setdefault(row["indicator"], row)
        if row.get("status") != "not_applicable":
            rows[row["indicator"]] = row
    for name in ("新增建设用地", "建设占用耕地", "耕地转入", "耕地转出", "耕地进出平衡", "耕地保有量", "村庄建设用地规模",
                 "建设用地总规模"):
        assert abs(rows[name]["planned_m2"] - expected[name]) < 0.1, name
    assert rows["耕地进出平衡"]["status"] == "pass"
    # net of 田坎 the plan keeps 106.60 公顷 of cropland, short of the 110 allocated; gross it would pass
    assert rows["耕地保有量"]["status"] == "fail" and expected["耕地保有量_gross"] > 1100000.0
    assert "扣除田坎" in rows["耕地保有量"]["note"] and "扣除田坎" in rows["建设占用耕地"]["note"]
    taken = [f for f in result.findings if f.rule_id == "BASE-01" and "建设占用耕地" in f.message]
    assert sorted(f.plan_code for f in taken) == ["0703", "0804"]        # the new homes and the school
    assert result.record["plan_kind"] == "village"


def test_base_year_changes_each_carry_the_changed_ground_once(result, expected):
    """A parcel's finding is the ground that changed, once: the new homes' 2 ha, not 新增 + 占用耕地."""
    notes = {f.plan_label: f for f in result.findings if f.rule_id == "BASE-01"}
    assert {label: round(f.area_m2, 2) for label, f in notes.items()} == expected["BASE-01_m2"]
    for finding in notes.values():                       # the finding's geometry is that ground (planar, zone 37)
        assert abs(finding.geometry.area() - finding.area_m2) < 0.01 * finding.area_m2
    homes = notes["00000005"].message
    assert "较基期变化 19998.16 平方米" in homes and "新增建设用地 19998.16 平方米" in homes
    assert "其中建设占用耕地 17998.35 平方米（扣除田坎）" in homes
    assert "耕地转出 35996.78 平方米（扣除田坎）" in notes["00000003"].message
    assert abs(sum(f.area_m2 for f in notes.values()) - expected["BASE-01_total_m2"]) < 0.1


def test_one_indicator_row_per_indicator(result):
    """IND-01 (not allocated here) and BASE-01 both know 新增建设用地: one row, the computed figure."""
    names = [row["indicator"] for row in result.indicators]
    assert len(names) == len(set(names))
    rows = {row["indicator"]: row for row in result.indicators}
    for name in ("新增建设用地", "建设占用耕地"):
        assert rows[name]["status"] == "computed" and rows[name]["note"].startswith("未分解该指标；基期对比")


def test_loaded_with_styles(qgis_new_project):
    report = load_source(sample(PLAN), QgsProject.instance())
    loaded = {key: status for key, _layer_id, status in report.loaded}
    assert loaded["GHYDYH"] == "verified" and loaded["JQDLTB"] == "verified"      # 用地用海 colours for both years
    assert loaded["GKBJ"] == "provisional" and "GHZBB" in loaded
    # points and the boundary line in the colour table's (provisional) symbols, not QGIS's random defaults
    assert loaded["GHGGJCSSD"] == loaded["GGJCSSD"] == loaded["CJDCQJX"] == "provisional"
    layers = {layer.name(): layer for layer in QgsProject.instance().mapLayers().values()}
    services = next(layer for name, layer in layers.items() if "GHGGJCSSD" in name or "规划公共服务设施点" in name)
    assert services.renderer().symbol().color().name() == "#ff00ff"


def test_the_plan_folder_is_never_modified(result):
    before = source_hash(sample(PLAN))
    verify(sample(PLAN), sample("township_onemap.gpkg"))
    assert source_hash(sample(PLAN)) == before
