"""Each detailed-plan rule on both sides of its line, on small plans drawn from rectangles (areas by arithmetic).

The cases the issue tried first are here too: 容积率 9.0, a repeated 地块编号, mixed use (0701/0901), a GB 50137
code (R2), a plan carrying its own 城镇开发边界, and 09 outside the boundary."""
import pytest
from osgeo import ogr

from geodesic import ellipsoidal_m2
from helpers import gpkg, indicators, labels, outcome, square
from plugin.core.check.engine import verify
from plugin.core.read.sources import open_source

X, Y = 560000.0, 4100000.0            # EPSG:4546
S, R = ogr.OFTString, ogr.OFTReal
PARCEL_FIELDS = [("DKBH", S), ("YDYHFLDM", S), ("YDYHFLMC", S), ("RJLSX", S), ("RJLXX", R), ("JZMDSX", R),
                 ("LDLXX", R), ("JZXG", R), ("JQBH", S), ("KFQ", S)]
FULL = {"RJLSX": "2.0", "JZMDSX": 30.0, "LDLXX": 30.0, "JZXG": 40.0}      # complete, plausible indicators
WORLD = square(X - 5000, Y - 5000, X + 5000, Y + 5000)


def cell(i, size=100.0, row=0):
    """The i-th 100 m square in a row, 100 m apart: cases that never touch each other."""
    return square(X + i * 200, Y + row * 200, X + i * 200 + size, Y + row * 200 + size)


def parcels(*items):
    """(code, wkt[, attrs]) -> a GHDK layer; 地块编号 A01-01, A01-02 … unless given; indicators complete unless given."""
    rows = []
    for number, item in enumerate(items, 1):
        code, wkt = item[0], item[1]
        values = dict(FULL, DKBH="A01-{:02d}".format(number), YDYHFLDM=code)
        values.update(item[2] if len(item) > 2 else {})
        rows.append((wkt, values))
    return (PARCEL_FIELDS, rows)


def named(*items):
    """(wkt, name[, code]) -> a layer with MC (and GHFQDM/GHFQMC for 城镇开发边界 sub-zones)."""
    return ([("MC", S), ("GHFQDM", S), ("GHFQMC", S)],
            [(wkt, {"MC": name, "GHFQDM": code, "GHFQMC": name}) for wkt, name, *rest in items
             for code in [rest[0] if rest else None]])


def check(tmp_path, plan, onemap, ruleset=None):
    """plan, onemap: {layer: (fields, rows)}; the one map always covers the area (its boundary: WORLD unless given)."""
    onemap = dict({"CZKFBJ": named((WORLD, "城镇集中建设区", "0401"))}, **onemap)
    return verify(gpkg(tmp_path / "plan.gpkg", 4546, plan), gpkg(tmp_path / "onemap.gpkg", 4546, onemap),
                  ruleset=ruleset, output=str(tmp_path / "findings.gpkg"))


def found(result, rule_id):
    return sorted((f.plan_code, f.severity, round(f.area_m2, 2) if f.area_m2 is not None else None)
                  for f in result.findings if f.rule_id == rule_id)


# ---- the cases the issue tried -----------------------------------------------------------------------------
def test_floor_area_ratio_9_on_housing_is_flagged_and_3_is_not(tmp_path):
    result = check(tmp_path, {"GHDK": parcels(("0701", cell(0), {"RJLSX": "9.0"}), ("0701", cell(1), {"RJLSX": "3.0"}),
                                              ("0902", cell(2), {"RJLSX": "9.0"}))}, {})
    assert [(f.plan_label, f.severity) for f in result.findings if f.rule_id == "DK-05"] == [
        ("A01-01", "warning"), ("A01-03", "warning")]        # housing above 3.1; offices above 8.0
    assert "容积率上限 9.0" in next(f.message for f in result.findings if f.rule_id == "DK-05")


def test_a_repeated_parcel_number_is_an_error_and_unique_ones_are_not(tmp_path):
    result = check(tmp_path, {"GHDK": parcels(("0701", cell(0)), ("0701", cell(1), {"DKBH": "A01-01"}),
                                              ("0701", cell(2), {"DKBH": "A01-03"}))}, {})
    assert [(f.plan_label, f.severity) for f in result.findings if f.rule_id == "DK-01"] == [("A01-01", "error")]
    assert "A01-01 重复" in next(f.message for f in result.findings if f.rule_id == "DK-01")
    assert "缺少 A01-02" in next(f.message for f in result.findings if f.rule_id == "DK-02")


def test_mixed_use_is_read_and_a_gb50137_code_is_ats_finding_alone(tmp_path):
    boundary = {"CZKFBJ": named((square(X - 10, Y - 10, X + 2000, Y + 200), "城镇集中建设区", "0401"))}
    result = check(tmp_path, {"GHDK": parcels(("0701/0901", cell(0)), ("0901+0902", cell(1)), ("R2", cell(2)),
                                              ("1002", cell(3)))}, boundary)
    attribute = [(f.plan_code, f.severity) for f in result.findings if f.rule_id == "ATT-01"]
    assert attribute == [("R2", "error")]
    assert "GB 50137" in next(f.message for f in result.findings if f.rule_id == "ATT-01")
    assert found(result, "DP-02") == [("1002", "warning", 10000.0)]          # mining only: not the mixed, not R2
    for rule_id in ("DP-02", "ZONE-03"):
        assert "代码 R2" in outcome(result, rule_id)["reason"]


def test_a_detailed_plan_carrying_its_own_boundary_is_no_one_map(tmp_path):
    copy = named((square(X, Y, X + 300, Y + 100), "城镇集中建设区", "0401"))
    plan = {"GHDK": parcels(("0701", cell(0))), "CZKFBJ": copy}
    result = check(tmp_path, plan, {})
    assert result.record["plan_kind"] == "detailed" and [f for f in result.findings if f.rule_id == "KIND-01"] == []
    # the same layers without a detailed plan's parcels or extent still raise the doubt
    (tmp_path / "b").mkdir()
    landuse = ([("YDYHFLDM", S)], [(cell(0), {"YDYHFLDM": "0701"})])
    other = check(tmp_path / "b", {"GHYDYH": landuse, "CZKFBJ": copy}, {})
    assert [f.severity for f in other.findings if f.rule_id == "KIND-01"] == ["warning"]


def test_outside_the_boundary_only_urban_housing_is_an_error(tmp_path):
    boundary = {"CZKFBJ": named((square(X - 5000, Y - 5000, X - 4000, Y - 4000), "城镇集中建设区", "0401"))}
    codes = ["0701", "0702", "0701/0901", "0901", "1001", "1101", "1207", "1311", "0703"]
    result = check(tmp_path, {"GHDK": parcels(*[(c, cell(i)) for i, c in enumerate(codes)])}, boundary)
    assert found(result, "DP-01") == [("0701", "error", 10000.0), ("0701/0901", "error", 10000.0),
                                      ("0702", "error", 10000.0)]
    assert found(result, "DP-05") == [("0901", "warning", 10000.0), ("1001", "warning", 10000.0),   # 0701/0901: DP-01's
                                      ("1101", "warning", 10000.0)]
    assert found(result, "DP-03") == [("1207", "warning", 10000.0)]


# ---- 城镇开发边界 --------------------------------------------------------------------------------------------
def test_a_parcel_marked_as_development_zone_outside_the_boundary_is_an_error(tmp_path):
    boundary = {"CZKFBJ": named((square(X - 5000, Y - 5000, X - 4000, Y - 4000), "城镇集中建设区", "0401"))}
    result = check(tmp_path, {"GHDK": parcels(("1001", cell(0), {"KFQ": "新材料产业园"}), ("1001", cell(1)))}, boundary)
    assert [(f.plan_label, f.severity) for f in result.findings if f.rule_id == "DP-04"] == [("A01-01", "error")]


def test_share_of_urban_land_outside_the_boundary_against_ten_percent(tmp_path):
    boundary = {"CZKFBJ": named((square(X - 10, Y - 10, X + 1000, Y + 110), "城镇集中建设区", "0401"))}
    outside = square(X + 2000, Y, X + 2000 + 100, Y + 10)                        # 1 000 m² outside
    inside = [("0701", cell(i)) for i in range(5)]                                # 50 000 m² inside
    result = check(tmp_path, {"GHDK": parcels(*inside, ("0901", outside))}, boundary)
    row = indicators(result)["城镇开发边界外规划城镇建设用地占比"]
    share = ellipsoidal_m2(ogr_geometry(outside), 4546) / sum(ellipsoidal_m2(ogr_geometry(w), 4546)
                                                             for w in [outside] + [c for _code, c in inside])
    assert row["status"] == "pass" and abs(row["planned_value"] - 100 * share) < 1e-6     # 1.96 %
    (tmp_path / "b").mkdir()
    big = square(X + 2000, Y, X + 2100, Y + 100)                                 # 10 000 of 60 000: 16.7 %
    result = check(tmp_path / "b", {"GHDK": parcels(*inside, ("0901", big))}, boundary)
    assert indicators(result)["城镇开发边界外规划城镇建设用地占比"]["status"] == "fail"
    assert [f.severity for f in result.findings if f.rule_id == "DP-06"] == ["warning"]


def test_with_a_base_year_only_new_urban_land_counts_in_the_share(tmp_path):
    boundary = {"CZKFBJ": named((square(X - 10, Y - 10, X + 1000, Y + 110), "城镇集中建设区", "0401"))}
    big = square(X + 2000, Y, X + 2100, Y + 100)                                 # outside, but built already
    base = ([("JQDLBM", S)], [(big, {"JQDLBM": "0901"})])
    result = check(tmp_path, {"GHDK": parcels(*[("0701", cell(i)) for i in range(5)], ("0901", big)), "JQDLTB": base},
                   boundary)
    row = indicators(result)["城镇开发边界外新增城镇建设用地占比"]
    assert row["status"] == "pass" and row["planned_value"] == 0.0


def test_sub_zones_of_the_boundary(tmp_path):
    zones = {"CZKFBJ": named((square(X - 10, Y - 10, X + 390, Y + 110), "特别用途区", "0403"),
                             (square(X + 390, Y - 10, X + 790, Y + 110), "城镇弹性发展区", "0402"),
                             (square(X + 790, Y - 10, X + 1200, Y + 110), "城镇集中建设区", "0401"))}
    codes = ["0901", "1401", "1001", "16", "0103", "0701"]
    result = check(tmp_path, {"GHDK": parcels(*[(c, cell(i)) for i, c in enumerate(codes)])}, zones)
    assert found(result, "ZONE-01") == [("0901", "warning", 10000.0)]        # 1401 exempt
    assert found(result, "ZONE-02") == [("1001", "warning", 10000.0)]        # 16 留白 exempt
    assert found(result, "ZONE-03") == [("0103", "info", 10000.0)]           # housing: nothing
    assert outcome(result, "ZONE-03")["status"] == "passed"                   # a note does not fail a rule
    messages = {f.rule_id: f.message for f in result.findings if f.rule_id.startswith("ZONE-")}
    assert "位于城镇开发边界（特别用途区）内" in messages["ZONE-01"]               # not "城镇开发边界内": reads as fine
    assert "位于城镇开发边界（城镇弹性发展区）内" in messages["ZONE-02"]


def test_sub_zones_are_recognised_by_name_alone(tmp_path):
    zones = {"CZKFBJ": ([("GHFQMC", S)], [(square(X - 10, Y - 10, X + 200, Y + 110), {"GHFQMC": "城镇弹性发展区"})])}
    result = check(tmp_path, {"GHDK": parcels(("1001", cell(0)))}, zones)
    assert found(result, "ZONE-02") == [("1001", "warning", 10000.0)]


# ---- the historic district and the 四线 --------------------------------------------------------------------
def district(key="LSWHBHX"):
    core = square(X - 10, Y - 10, X + 110, Y + 110)
    belt = square(X + 190, Y - 10, X + 710, Y + 110)
    return {key: named((core, "东街历史文化街区核心保护范围"), (belt, "东街历史文化街区建设控制地带"))}


def test_core_range_against_construction_control_belt(tmp_path):
    result = check(tmp_path, {"GHDK": parcels(("0901", cell(0)), ("0901", cell(1)), ("1504", cell(2)),
                                              ("0701/1504", cell(3)))}, district())
    assert found(result, "CL-03") == [("0901", "warning", 10000.0)]          # core, no base year: 无基期数据
    assert "无基期数据" in next(f.message for f in result.findings if f.rule_id == "CL-03")
    assert found(result, "CL-09") == [("0701/1504", "warning", 10000.0), ("0901", "warning", 10000.0)]


def test_core_range_with_a_base_year_tells_new_from_existing(tmp_path):
    base = ([("JQDLBM", S)], [(cell(0), {"JQDLBM": "0103"})])
    result = check(tmp_path, {"GHDK": parcels(("0901", cell(0)), ("0701/1504", cell(0, row=3))), "JQDLTB": base},
                   dict(district(), LSWHBHX=named((square(X - 10, Y - 10, X + 110, Y + 110), "核心保护范围"),
                                                  (square(X - 10, Y + 590, X + 110, Y + 710), "核心保护范围"))))
    # new construction in the core: an error; a mixed 0701/1504 is judged by its strictest use (0701), not exempt
    assert found(result, "CL-03") == [("0701/1504", "error", 10000.0), ("0901", "error", 10000.0)]


@pytest.mark.parametrize("key,rule_id,expected", [
    # 蓝线: 水工 1311, 水面 1701 and 绿地 14 belong; a road crossing is a warning; a substation does not belong
    ("CSLANX", "SX-01", [("0901", "error", 10000.0), ("1207", "warning", 10000.0), ("1303", "error", 10000.0)]),
    ("CSLVX", "SX-02", [("0901", "error", 10000.0), ("1207", "warning", 10000.0), ("1303", "error", 10000.0),
                        ("1311", "warning", 10000.0)]),
    # 黄线: only 交通 12, 公用设施 13 and 防护绿地 1402
    ("CSHX", "SX-03", [("0901", "error", 10000.0), ("1401", "error", 10000.0)]),
])
def test_the_four_lines(tmp_path, key, rule_id, expected):
    line = {key: named((square(X - 10, Y - 10, X + 1600, Y + 110), "线"))}
    codes = ["0901", "1311", "1701", "1207", "1401", "1402", "1303", "R2"]
    result = check(tmp_path, {"GHDK": parcels(*[(c, cell(i)) for i, c in enumerate(codes)])}, line)
    assert found(result, rule_id) == expected
    assert "代码 R2" in outcome(result, rule_id)["reason"]


def test_purple_line_core_and_belt(tmp_path):
    result = check(tmp_path, {"GHDK": parcels(("0901", cell(0)), ("0901", cell(1)), ("1504", cell(3)))},
                   district("CSZX"))
    assert found(result, "SX-04") == [("0901", "warning", 10000.0)]
    assert found(result, "SX-05") == [("0901", "warning", 10000.0)]


# ---- control lines the plan carries ------------------------------------------------------------------------
def test_the_plans_copy_of_the_boundary_is_compared_both_ways(tmp_path):
    onemap = {"CZKFBJ": named((square(X - 10, Y - 10, X + 400, Y + 110), "城镇集中建设区", "0401"))}
    extent = ([("MC", S)], [(square(X - 10, Y - 10, X + 600, Y + 110), {"MC": "范围"})])
    copy = named((square(X - 10, Y - 10, X + 300, Y + 110), "城镇集中建设区", "0401"),
                 (square(X + 450, Y - 10, X + 500, Y + 110), "城镇集中建设区", "0401"))
    result = check(tmp_path, {"GHDK": parcels(("0701", cell(0))), "GHFW": extent, "CZKFBJ": copy}, onemap)
    assert found(result, "KEEP-03") == [("", "error", 12000.0), ("", "warning", 6000.0)]
    (tmp_path / "b").mkdir()
    result = check(tmp_path / "b", {"GHDK": parcels(("0701", cell(0))), "GHFW": extent}, onemap)
    assert outcome(result, "KEEP-03")["status"] == "not_applicable"          # the plan carries no copy: nothing to compare


def test_the_four_lines_kept_whole(tmp_path):
    line = named((square(X, Y, X + 100, Y + 100), "东街公园"))
    extent = ([("MC", S)], [(square(X - 10, Y - 10, X + 600, Y + 110), {"MC": "范围"})])
    missing = check(tmp_path, {"GHDK": parcels(("1401", cell(0))), "GHFW": extent}, {"CSLVX": line})
    assert found(missing, "KEEP-05") == [("", "error", 10000.0)]
    assert "规划成果未包含该图层" in next(f.message for f in missing.findings if f.rule_id == "KEEP-05")
    (tmp_path / "b").mkdir()
    kept = named((square(X, Y, X + 100, Y + 100), "东街公园"), (square(X + 200, Y, X + 300, Y + 100), "新增绿地"))
    result = check(tmp_path / "b", {"GHDK": parcels(("1401", cell(0))), "GHFW": extent, "CSLVX": kept},
                   {"CSLVX": line})
    assert found(result, "KEEP-05") == [("", "info", 10000.0)]                 # a line the plan adds: a note


# ---- the parcels' own indicators ---------------------------------------------------------------------------
def test_numbers_continuous_within_each_block(tmp_path):
    items = [("0701", cell(0), {"DKBH": "A01-01"}), ("0701", cell(1), {"DKBH": "A01-02"}),
             ("0701", cell(2), {"DKBH": "B01-01"}), ("0701", cell(3), {"DKBH": "B01-03"}),
             ("0701", cell(4), {"DKBH": "C01-01", "JQBH": "C01"}), ("0701", cell(5), {"DKBH": "", "JQBH": "C01"})]
    result = check(tmp_path, {"GHDK": parcels(*items)}, {})
    messages = sorted(f.message for f in result.findings if f.rule_id == "DK-02")
    assert len(messages) == 1 and "街区 B01" in messages[0] and "缺少 B01-02" in messages[0]
    assert [f.plan_label for f in result.findings if f.rule_id == "DK-01"] == ["6"]     # named by its fid


def test_indicators_required_by_class(tmp_path):
    result = check(tmp_path, {"GHDK": parcels(
        ("0701", cell(0), {"JZXG": None}), ("1401", cell(1), {"RJLSX": None, "JZMDSX": None, "LDLXX": None, "JZXG": None}),
        ("1207", cell(2), {"RJLSX": None}), ("1303", cell(3), {"RJLSX": "待定"}), ("0901", cell(4)))}, {})
    messages = {f.plan_label: f.message for f in result.findings if f.rule_id == "DK-03"}
    assert sorted(messages) == ["A01-01", "A01-04"]
    assert "缺少建筑限高" in messages["A01-01"] and "无法读取容积率上限“待定”" in messages["A01-04"]


def test_a_layer_without_an_indicator_field_is_said_once(tmp_path):
    fields = [f for f in PARCEL_FIELDS if f[0] != "JZXG"]
    plan = {"GHDK": (fields, [(cell(i), {"DKBH": "A01-0{}".format(i + 1), "YDYHFLDM": "0701", **{
        k: v for k, v in FULL.items() if k != "JZXG"}}) for i in range(3)])}
    result = check(tmp_path, plan, {})
    found_ = [f for f in result.findings if f.rule_id == "DK-03"]
    assert len(found_) == 1 and "没有字段 建筑限高" in found_[0].message and found_[0].plan_fid is None


def test_lower_bound_above_upper(tmp_path):
    result = check(tmp_path, {"GHDK": parcels(("0701", cell(0), {"RJLXX": 2.8, "RJLSX": "2.5"}),
                                              ("0701", cell(1), {"RJLXX": 2.5, "RJLSX": "2.5"}),
                                              ("0901", cell(2), {"RJLSX": "2.5-2.0"}),
                                              ("0901", cell(3), {"RJLSX": "≤2.5"}))}, {})
    assert labels(result, "DK-04") == ["A01-01", "A01-03"]


def test_plausible_ranges(tmp_path):
    result = check(tmp_path, {"GHDK": parcels(
        ("0901", cell(0), {"JZMDSX": 0.35}), ("0901", cell(1), {"JZXG": 260.0}), ("0901", cell(2), {"JZXG": 160.0}),
        ("0701", cell(3), {"JZXG": 120.0}), ("0901", cell(4), {"JZXG": 120.0}), ("0901", cell(5), {"RJLSX": "0"}),
        ("0901", cell(6), {"LDLXX": 35.0}))}, {})
    got = sorted((f.plan_label, f.severity) for f in result.findings if f.rule_id == "DK-05")
    assert got == [("A01-01", "warning"), ("A01-02", "error"), ("A01-02", "warning"), ("A01-03", "warning"),
                   ("A01-04", "warning"), ("A01-06", "error")]


def test_a_utility_parcel_is_no_sliver_but_a_small_house_is(tmp_path):
    result = check(tmp_path, {"GHDK": parcels(("1303", cell(0, size=8)), ("0701", cell(1, size=8)),
                                              ("0701", cell(2)))}, {})
    assert found(result, "GEO-04") == [("0701", "warning", 64.0)]


def test_gaps_and_parcels_outside_the_plans_extent(tmp_path):
    extent = ([("MC", S)], [(square(X, Y, X + 300, Y + 100), {"MC": "范围"})])
    result = check(tmp_path, {"GHDK": parcels(("0701", cell(0)), ("0701", square(X + 250, Y, X + 400, Y + 100))),
                              "GHFW": extent}, {})
    assert [round(f.area_m2, 2) for f in result.findings if f.rule_id == "GEO-03"] == [15000.0]
    assert "规划范围内 15000.00 平方米" in next(f.message for f in result.findings if f.rule_id == "GEO-03")
    assert found(result, "GEO-05") == [("0701", "error", 10000.0)]
    assert "位于规划范围外" in next(f.message for f in result.findings if f.rule_id == "GEO-05")


def test_a_land_use_layer_with_parcel_numbers_is_taken_as_parcels(tmp_path):
    path = gpkg(tmp_path / "plan.gpkg", 4546, {"规划用地": parcels(("0701", cell(0)))})
    source = open_source(path)
    assert source.layers[0].key == "GHDK" and source.get("GHYDYH") is source.layers[0]
    assert source.guess_kind() == "detailed"


# ---- what each unit hands down -----------------------------------------------------------------------------
def units(*items):
    """(wkt, code, cap 公顷, floor cap 万平方米)"""
    return ([("DYBH", S), ("DYMC", S), ("CZJSYDSX", R), ("JZMJSX", R), ("RKGM", R)],
            [(wkt, {"DYBH": code, "DYMC": code + "单元", "CZJSYDSX": cap, "JZMJSX": floor, "RKGM": 1.0})
             for wkt, code, cap, floor in items])


def add_points(path, name, rows):
    """A point layer (SSMC, SSDM) added to a GeoPackage the helpers wrote (they write polygons and tables)."""
    from osgeo import osr
    dataset = ogr.Open(path, 1)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4546)
    layer = dataset.CreateLayer(name, srs, ogr.wkbPoint)
    for field in ("SSMC", "SSDM"):
        layer.CreateField(ogr.FieldDefn(field, S))
    for (x, y), values in rows:
        feature = ogr.Feature(layer.GetLayerDefn())
        for key, value in values.items():
            feature.SetField(key, value)
        feature.SetGeometry(ogr.CreateGeometryFromWkt("POINT({} {})".format(x, y)))
        layer.CreateFeature(feature)
    dataset = None


def ogr_geometry(wkt):
    from qgis.core import QgsGeometry
    return QgsGeometry.fromWkt(wkt)


def test_unit_land_and_floor_area_against_their_caps(tmp_path):
    # unit U1 holds two 100 × 100 parcels and half of a third (clipped at x = X + 450)
    u1, u2 = square(X - 50, Y - 50, X + 450, Y + 150), square(X + 450, Y - 50, X + 1000, Y + 150)
    plan = {"GHDK": parcels(("0701", cell(0), {"RJLSX": "2.0"}), ("0901", cell(1), {"RJLSX": "≤3.0"}),
                            ("0701", square(X + 400, Y, X + 500, Y + 100), {"RJLSX": "1.0"}),
                            ("1401", cell(3)), ("1001", cell(4), {"RJLSX": None}))}
    result = check(tmp_path, plan, {"GHDY": units((u1, "U1", 2.0, 6.0), (u2, "U2", 3.0, None))})
    table = indicators(result)
    land1 = sum(ellipsoidal_m2(ogr_geometry(w), 4546) for w in (cell(0), cell(1), square(X + 400, Y, X + 450, Y + 100)))
    assert abs(table["城镇建设用地规模（U1）"]["planned_m2"] - land1) < 0.05
    assert table["城镇建设用地规模（U1）"]["status"] == "fail"                        # 2.5 ha against 2.0
    assert table["城镇建设用地规模（U2）"]["status"] == "pass"                        # 0.5 + 1.0 + 1.0 ha against 3.0
    floor1 = (2.0 * ellipsoidal_m2(ogr_geometry(cell(0)), 4546) + 3.0 * ellipsoidal_m2(ogr_geometry(cell(1)), 4546)
              + 1.0 * ellipsoidal_m2(ogr_geometry(square(X + 400, Y, X + 450, Y + 100)), 4546))
    assert abs(table["总建筑面积（U1）"]["planned_value"] * 10000 - floor1) < 0.5
    assert table["总建筑面积（U1）"]["status"] == "pass"                              # 5.5 万 against 6.0
    assert table["总建筑面积（U2）"]["status"] == "not_applicable"
    assert "A01-05" in table["总建筑面积（U2）"]["note"]                             # no ratio: named, not counted
    assert [f.severity for f in result.findings if f.rule_id == "UNIT-01"] == ["error"]


def test_unit_facilities_by_parcel_class_and_point_name(tmp_path):
    unit = square(X - 50, Y - 50, X + 1000, Y + 150)
    table = ([("DYBH", S), ("SSMC", S), ("SSDM", S), ("SL", ogr.OFTInteger)],
             [(None, {"DYBH": "U1", "SSMC": "幼儿园", "SSDM": "080404", "SL": 2}),
              (None, {"DYBH": "U1", "SSMC": "社区卫生服务站", "SSDM": "", "SL": 1}),
              (None, {"DYBH": "U1", "SSMC": "消防站", "SSDM": "1310", "SL": 1})])
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, {"CZKFBJ": named((WORLD, "城镇集中建设区", "0401")),
                                                   "GHDY": units((unit, "U1", 10.0, None)), "DYSSPZ": table})
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {"GHDK": parcels(("080404", cell(0)), ("0702", cell(1)))})
    add_points(plan, "GHGGJCSSD", [((X + 50, Y + 50), {"SSMC": "幼儿园", "SSDM": "080404"}),
                                   ((X + 250, Y + 50), {"SSMC": "社区卫生服务站", "SSDM": ""})])
    result = verify(plan, onemap)
    got = {k: (v["planned_value"], v["status"]) for k, v in indicators(result).items() if v["rule_id"] == "UNIT-03"}
    # the kindergarten point stands in the kindergarten parcel: one site, not two
    assert got == {"幼儿园（U1）": (1, "fail"), "社区卫生服务站（U1）": (1, "pass"), "消防站（U1）": (0, "fail")}
    assert len([f for f in result.findings if f.rule_id == "UNIT-03"]) == 2


def test_unit_rules_say_why_they_cannot_judge(tmp_path):
    result = check(tmp_path, {"GHDK": parcels(("0701", cell(0)))}, {})
    for rule_id in ("UNIT-01", "UNIT-02", "UNIT-03"):
        assert outcome(result, rule_id)["status"] == "not_applicable" and "GHDY" in outcome(result, rule_id)["reason"]
    (tmp_path / "b").mkdir()
    far = units((square(X + 9000, Y, X + 9100, Y + 100), "U9", 1.0, 1.0))
    result = check(tmp_path / "b", {"GHDK": parcels(("0701", cell(0)))}, {"GHDY": far})
    assert "不在一张图的任何规划单元" in outcome(result, "UNIT-01")["reason"]


def test_unit_rules_never_pass_over_what_they_cannot_read(tmp_path):
    """Caps written in another unit ('1.5亩'), negative or blank, and facility counts written '两处', -3, 2.5 or
    left out are never taken as 0: each is a warning naming the unit and the value, its row not_applicable;
    a rule no unit gave a figure to is not_applicable (red-team: UNIT-03 had waived a 幼儿园 as '需配置 0 处')."""
    unit_fields = [("DYBH", S), ("DYMC", S), ("CZJSYDSX", S), ("JZMJSX", R)]
    u1, u2 = square(X - 50, Y - 50, X + 250, Y + 150), square(X + 250, Y - 50, X + 1000, Y + 150)
    facilities = ([("DYBH", S), ("SSMC", S), ("SSDM", S), ("SL", S)],
                  [(None, {"DYBH": "U1", "SSMC": name, "SSDM": "080404", "SL": count})
                   for name, count in (("幼儿园", "两处"), ("托儿所", "-3"), ("小学", "2.5"), ("中学", None), ("书店", "1"))])
    result = check(tmp_path, {"GHDK": parcels(("0701", cell(0)), ("0701", cell(2)))},
                   {"GHDY": (unit_fields, [(u1, {"DYBH": "U1", "CZJSYDSX": "1.5亩", "JZMJSX": None}),
                                           (u2, {"DYBH": "U2", "CZJSYDSX": "-2", "JZMJSX": None})]),
                    "DYSSPZ": facilities})
    table = indicators(result)
    assert outcome(result, "UNIT-01")["status"] == "failed"
    assert sorted(f.message for f in result.findings if f.rule_id == "UNIT-01") == [
        "单元 U1 指标“城镇建设用地规模（U1）”：城镇建设用地规模上限（CZJSYDSX）“1.5亩”无法读作数字（应为不小于 0 的数值），未核对",
        "单元 U2 指标“城镇建设用地规模（U2）”：城镇建设用地规模上限（CZJSYDSX）“-2”无法读作数字（应为不小于 0 的数值），未核对"]
    assert {f.severity for f in result.findings if f.rule_id == "UNIT-01"} == {"warning"}
    assert table["城镇建设用地规模（U1）"]["status"] == "not_applicable"
    assert outcome(result, "UNIT-02")["status"] == "not_applicable"               # no unit gives JZMJSX
    assert "均未给出总建筑面积上限" in outcome(result, "UNIT-02")["reason"]
    got = {k: v["status"] for k, v in table.items() if v["rule_id"] == "UNIT-03"}
    assert got == {"幼儿园（U1）": "not_applicable", "托儿所（U1）": "not_applicable", "小学（U1）": "not_applicable",
                   "中学（U1）": "not_applicable", "书店（U1）": "fail"}
    messages = sorted(f.message for f in result.findings if f.rule_id == "UNIT-03" and f.severity == "warning")
    assert len(messages) == 4 and any("“两处”无法读作处数" in m for m in messages)
    assert any("配置数量（SL）未给出" in m for m in messages)
    # each warning quotes its indicator, so the browser shows it on its indicator's row; the report keeps the unit
    assert all("指标“{}”".format(name) in message for name, message in zip(
        ("中学（U1）", "小学（U1）", "幼儿园（U1）", "托儿所（U1）"), sorted(messages, key=lambda m: m.split("“")[1])))
    from plugin.core.export.report import export_report
    export_report(str(tmp_path / "findings.gpkg"), str(tmp_path / "report.xlsx"))
    workbook = ogr.Open(str(tmp_path / "report.xlsx"))           # held: a layer outliving its dataset crashes GDAL
    units = {(f["单元"], f["指标"]): (f["单位"], f["结论"]) for f in workbook.GetLayerByName("单元指标传导")}
    workbook = None
    assert units[("U1", "幼儿园")] == ("处", "不适用") and units[("U1", "城镇建设用地规模")] == ("公顷", "不适用")


def test_a_huge_parcel_serial_costs_nothing(tmp_path):
    """DK-02 counts the missing numbers, it does not list them: A01-200000000 is one finding at once (it took
    8 GB); a serial of non-ASCII digits ('²') is no serial (it raised)."""
    items = [("0701", cell(0), {"DKBH": "A01-01"}), ("0701", cell(1), {"DKBH": "A01-200000000"}),
             ("0701", cell(2), {"DKBH": "A01-²"}), ("0701", cell(3), {"DKBH": "B01-01"}),
             ("0701", cell(4), {"DKBH": "B01-04"})]
    result = check(tmp_path, {"GHDK": parcels(*items)}, {})
    assert outcome(result, "DK-02")["status"] == "failed"
    messages = sorted(f.message for f in result.findings if f.rule_id == "DK-02")
    assert messages == ["街区 A01 的地块编号不连续：缺少 A01-000000002、A01-000000003、A01-000000004、A01-000000005、"
                        "A01-000000006、A01-000000007、A01-000000008、A01-000000009、A01-000000010、A01-000000011等"
                        "（共 199999998 个）",
                        "街区 B01 的地块编号不连续：缺少 B01-02、B01-03（共 2 个）"]


def test_unit_allocations_are_read_in_their_own_unit_and_ranges_as_a_minimum_count(tmp_path):
    """Second red team: '15%' and '2m' were read as 15 and 2 公顷; a count of '1-2' asked for 2; a DYSSPZ row
    keyed 1.0 did not find unit 1; no row for the plan's units let UNIT-03 pass having compared nothing."""
    unit_fields = [("DYBH", ogr.OFTInteger), ("DYMC", S), ("CZJSYDSX", S), ("JZMJSX", S)]
    u1 = square(X - 50, Y - 50, X + 1000, Y + 150)
    facilities = ([("DYBH", R), ("SSMC", S), ("SSDM", S), ("SL", S)],
                  [(None, {"DYBH": 1.0, "SSMC": "幼儿园", "SSDM": "080404", "SL": "1-2"}),
                   (None, {"DYBH": 1.0, "SSMC": "托儿所", "SSDM": "080404", "SL": "≥1处"})])
    result = check(tmp_path, {"GHDK": parcels(("080404", cell(0)), ("0701", cell(2)))},
                   {"GHDY": (unit_fields, [(u1, {"DYBH": 1, "CZJSYDSX": "15%", "JZMJSX": "2m"})]),
                    "DYSSPZ": facilities})
    table = indicators(result)
    assert (table["幼儿园（1）"]["allocated_value"], table["幼儿园（1）"]["status"]) == (1, "pass")
    assert (table["托儿所（1）"]["allocated_value"], table["托儿所（1）"]["status"]) == (1, "pass")
    assert sorted(f.message.split("：")[1] for f in result.findings if f.rule_id in ("UNIT-01", "UNIT-02")) == [
        "城镇建设用地规模上限（CZJSYDSX）“15%”无法读作数字（应为不小于 0 的数值），未核对",
        "总建筑面积上限（JZMJSX）“2m”无法读作数字（应为不小于 0 的数值），未核对"]
    (tmp_path / "b").mkdir()
    elsewhere = ([("DYBH", S), ("SSMC", S), ("SSDM", S), ("SL", S)],
                 [(None, {"DYBH": "U9", "SSMC": "幼儿园", "SSDM": "080404", "SL": "2"})])
    result = check(tmp_path / "b", {"GHDK": parcels(("0701", cell(0)))},
                   {"GHDY": (unit_fields, [(u1, {"DYBH": 1, "CZJSYDSX": "56公顷", "JZMJSX": "≤9.5"})]),
                    "DYSSPZ": elsewhere})
    assert outcome(result, "UNIT-03")["status"] == "not_applicable"
    assert outcome(result, "UNIT-03")["reason"] == "一张图的单元设施配置（DYSSPZ）中没有规划所在单元（1）的记录"
    table = indicators(result)
    assert table["城镇建设用地规模（1）"]["allocated_value"] == 56.0 and table["总建筑面积（1）"]["allocated_value"] == 9.5


def test_area_consistency_compares_a_detailed_plan_with_its_extent(tmp_path):
    """GEO-06 in a 控规: the parcels' total against 规划范围 GHFW, said in its words (it had compared nothing and
    said "也没有村域可比")."""
    extent = ([("BZ", S)], [(square(X, Y, X + 400, Y + 100), {"BZ": "规划范围"})])
    result = check(tmp_path, {"GHDK": parcels(("0701", cell(0)), ("0901", cell(1))), "GHFW": extent}, {})
    message = next(f.message for f in result.findings if f.rule_id == "GEO-06")
    assert "与规划范围面积" in message and "村域" not in message
