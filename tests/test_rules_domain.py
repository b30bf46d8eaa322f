"""Each corrected rule on both sides of its line: what gives an error, a warning, or nothing.

Village plans lie outside the 城镇开发边界 by definition, so only urban housing there is an error;
the base year (JQDLTB) tells new construction from existing; areas for indicators are ellipsoidal.
"""
from osgeo import ogr

from geodesic import ellipsoidal_m2
from helpers import control, gpkg, landuse, outcome, square
from plugin.core.check.engine import verify

X, Y = 560000.0, 4100000.0            # EPSG:4546
S = ogr.OFTString
VILLAGE = ([("ZLDWDM", S)], [(square(X - 1000, Y - 1000, X + 1000, Y + 1000), {"ZLDWDM": "V1"})])


def cell(i, size=100.0):
    """The i-th 100 m square in a row: parcels that never touch each other's conflicts."""
    return square(X + i * 200, Y, X + i * 200 + size, Y + size)


def base_year(*parcels, **fields):
    rows = [(wkt, dict({"JQDLBM": code}, **fields)) for code, wkt in parcels]
    return ([("JQDLBM", S), ("KCXS", ogr.OFTReal)], rows)


def check(tmp_path, parcels, controls, extra=None, ruleset="village-default"):
    plan = gpkg(tmp_path / "plan.gpkg", 4546, dict({"GHYDYH": landuse(*parcels), "CJDCQ": VILLAGE}, **(extra or {})))
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, controls)
    return verify(plan, onemap, ruleset=ruleset)


def found(result, rule_id):
    return sorted((f.plan_code, f.severity, round(f.area_m2, 2)) for f in result.findings if f.rule_id == rule_id)


def test_outside_the_urban_boundary_only_urban_housing_is_an_error(tmp_path):
    codes = ["0701", "070102", "1207", "0703", "0801", "1202", "1311", "1504", "1002", "1001"]
    result = check(tmp_path, [(c, cell(i)) for i, c in enumerate(codes)],
                   {"CZKFBJ": control(square(X - 5000, Y - 5000, X - 4000, Y - 4000))})
    assert found(result, "CL-05") == [("0701", "error", 10000.0), ("070102", "error", 10000.0)]
    assert outcome(result, "CL-07")["status"] == "not_applicable"       # no 村庄建设边界 (GKBJ) in the plan


def test_business_land_outside_the_village_construction_boundary_is_a_warning(tmp_path):
    gkbj = ([("GKBJLXDM", S), ("GKBJLXMC", S)],
            [(square(X, Y, X + 300, Y + 100), {"GKBJLXDM": "0301", "GKBJLXMC": "村庄集中建设区"}),
             (square(X + 300, Y, X + 2000, Y + 100), {"GKBJLXDM": "0201", "GKBJLXMC": "一般农业空间"})])
    parcels = [("0901", cell(0)), ("0901", cell(2)), ("1207", cell(3)), ("0804", cell(4)), ("1208", cell(5))]
    result = check(tmp_path, parcels, {"CZKFBJ": control(square(X - 5000, Y - 5000, X - 4000, Y - 4000))},
                   extra={"GKBJ": gkbj})
    # 0901 inside 村庄集中建设区 gives nothing; outside it a warning; a village road or school nothing
    assert found(result, "CL-07") == [("0901", "warning", 10000.0), ("1208", "warning", 10000.0)]
    assert "村庄集中建设区" in next(f.message for f in result.findings if f.rule_id == "CL-07")


def test_parcels_outside_the_village_boundary(tmp_path):
    result = check(tmp_path, [("0103", square(X + 900, Y, X + 1100, Y + 100)), ("0103", cell(0))],
                   {"YJJBNTBHTB": control(square(X, Y, X + 1, Y + 1))})
    assert found(result, "GEO-05") == [("0103", "error", 10000.0)]


RED = {"STBHHX": control(square(X - 100, Y - 100, X + 2000, Y + 200))}


def test_red_line_tells_new_from_existing_with_the_base_year(tmp_path):
    parcels = [("0703", cell(0)), ("0703", cell(1)), ("1202", cell(2)), ("0801", cell(3)), ("0103", cell(4)),
               ("0103", cell(5)), ("0301", cell(6))]
    base = base_year(("0703", cell(0)), ("0103", cell(1)), ("1202", cell(2)), ("0801", cell(3)), ("0301", cell(4)),
                     ("0103", cell(5)), ("0103", cell(6)))
    result = check(tmp_path, parcels, RED, extra={"JQDLTB": base})
    assert found(result, "CL-02") == [("0103", "error", 10000.0),        # newly opened cropland
                                      ("0703", "error", 10000.0),        # a new house (was 耕地)
                                      ("0801", "warning", 10000.0),      # existing, kept: needs its basis
                                      ("1202", "info", 10000.0)]         # existing road
    # the resident's existing house (0703 on 0703) and kept cropland give nothing
    messages = [f.message for f in result.findings if f.rule_id == "CL-02" and f.plan_code == "0703"]
    assert "新增" in messages[0]


def test_red_line_without_a_base_year_says_it_cannot_tell(tmp_path):
    """Without JQDLTB new cropland cannot be told from existing: 01 and 06 are warnings to verify, not
    errors; construction stays an error the plan must answer (it must show it is existing)."""
    result = check(tmp_path, [("0703", cell(0)), ("1202", cell(1)), ("0103", cell(2)), ("0801", cell(3)),
                              ("0601", cell(4))], RED)
    assert found(result, "CL-02") == [("0103", "warning", 10000.0), ("0601", "warning", 10000.0),
                                      ("0703", "error", 10000.0), ("0801", "error", 10000.0),
                                      ("1202", "warning", 10000.0)]
    messages = {f.plan_code: f.message for f in result.findings if f.rule_id == "CL-02"}
    assert all("无基期数据" in message for message in messages.values())
    assert "需核实是否新增开垦" in messages["0103"] and "须以基期数据证明" in messages["0801"]


def test_every_matrix_entry_without_a_base_year_is_an_error_only_when_it_says_so():
    """Undeterminable is not an error: an entry whose `new` is an error gives a warning without a base year
    unless it says `unknown: error` and why (`unknown_note`)."""
    from plugin.core.check.rules.matrix import undetermined_severity
    from plugin.core.check.ruleset import load_ruleset
    for ruleset in ("village", "detailed"):
        for rule in load_ruleset(None, ruleset).rules:
            for entry in rule.args.get("matrix", []):
                if undetermined_severity(entry) == "error":
                    assert entry.get("unknown") == "error" and entry.get("unknown_note"), (rule.id, entry)


def test_heritage_line_exempts_relics_and_existing_homes(tmp_path):
    heritage = {"LSWHBHX": control(square(X - 100, Y - 100, X + 2000, Y + 200))}
    parcels = [("1504", cell(0)), ("0703", cell(1)), ("0901", cell(2)), ("0703", cell(3))]
    base = base_year(("0101", cell(0)), ("0703", cell(1)), ("0103", cell(2)), ("0103", cell(3)))
    result = check(tmp_path, parcels, heritage, extra={"JQDLTB": base})
    assert found(result, "CL-03") == [("0703", "error", 10000.0), ("0901", "error", 10000.0)]
    (tmp_path / "b").mkdir()
    unknown = check(tmp_path / "b", parcels, heritage)        # no base year: a warning to review
    assert found(unknown, "CL-03") == [("0703", "warning", 10000.0), ("0703", "warning", 10000.0),
                                       ("0901", "warning", 10000.0)]


def test_flood_line_exempts_water_works_green_buffers_and_crossings(tmp_path):
    flood = {"HLFXKZX": control(square(X - 100, Y - 100, X + 2000, Y + 200))}
    parcels = [("1311", cell(0)), ("1402", cell(1)), ("1202", cell(2)), ("0703", cell(3))]
    result = check(tmp_path, parcels, flood)
    assert found(result, "CL-06") == [("0703", "warning", 10000.0)]


def test_detailed_plan_boundary_rules(tmp_path):
    parcels = [("0901", cell(0)), ("1207", cell(1)), ("1202", cell(2)), ("0703", cell(3)), ("1002", cell(4))]
    boundary = {"CZKFBJ": control(square(X + 790, Y - 10, X + 1000, Y + 110))}     # holds only the 1002 parcel
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {"GHYDYH": landuse(*parcels)})
    result = verify(plan, gpkg(tmp_path / "map.gpkg", 4546, boundary))
    assert result.record["ruleset_id"] == "detailed-default"
    assert found(result, "DP-01") == []                            # issue 19: only urban housing is an error …
    assert found(result, "DP-05") == [("0901", "warning", 10000.0)]   # … 09/1001/11 need a siting justification
    assert found(result, "DP-03") == [("1207", "warning", 10000.0)]
    assert found(result, "DP-02") == [("1002", "warning", 10000.0)]


def test_farmland_kept_both_ways(tmp_path):
    onemap_farmland = control(square(X, Y, X + 100, Y + 100))
    plan_farmland = control(square(X, Y, X + 100, Y + 50), square(X + 300, Y, X + 400, Y + 100))
    result = check(tmp_path, [("0103", square(X, Y, X + 400, Y + 100))], {"YJJBNTBHTB": onemap_farmland},
                   extra={"YJJBNTBHTB": plan_farmland})
    assert sorted((f.severity, round(f.area_m2, 2)) for f in result.findings if f.rule_id == "KEEP-01") == [
        ("error", 5000.0), ("warning", 10000.0)]          # half missing; a 补划 the one map does not hold


def test_2020_codes_that_mean_something_else_in_2023(tmp_path):
    fields = [("YDYHFLDM", S), ("YDYHFLMC", S)]
    parcels = [(cell(0), {"YDYHFLDM": "0204"}), (cell(1), {"YDYHFLDM": "0204", "YDYHFLMC": "其他园地"}),
               (cell(2), {"YDYHFLDM": "0204", "YDYHFLMC": "油料园地"}),
               (cell(3), {"YDYHFLDM": "1207", "YDYHFLMC": "村庄内部道路用地"})]
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {"GHYDYH": (fields, parcels), "CJDCQ": VILLAGE})
    result = verify(plan, gpkg(tmp_path / "map.gpkg", 4546, {"YJJBNTBHTB": control(cell(9))}))
    att = sorted((f.plan_fid, f.severity) for f in result.findings if f.rule_id == "ATT-01")
    assert att == [(1, "warning"), (2, "error"), (4, "warning")]     # 0204 油料园地 named in 2023 terms: fine


def test_village_construction_land_and_its_ellipsoidal_area(tmp_path):
    parcels = [("0703", cell(0)), ("0801", cell(1)), ("1207", cell(2)), ("1311", cell(3)), ("1202", cell(4)),
               ("2301", cell(5))]
    allocation = ([("XZQDM", S), ("ZBMC", S), ("ZBZ", ogr.OFTReal), ("DW", S)],
                  [(None, {"XZQDM": "V1", "ZBMC": "村庄建设用地规模", "ZBZ": 4.0, "DW": "公顷"}),
                   (None, {"XZQDM": "V1", "ZBMC": "建设用地总规模", "ZBZ": 5.9, "DW": "公顷"})])
    result = check(tmp_path, parcels, {"YJJBNTBHTB": control(cell(9)), "CJZBFJ": allocation})
    rows = {r["indicator"]: r for r in result.indicators}
    village = sum(ellipsoidal_m2(__import__("qgis.core").core.QgsGeometry.fromWkt(cell(i)), 4546) for i in (0, 1, 2, 5))
    assert abs(rows["村庄建设用地规模"]["planned_m2"] - village) < 0.01       # 0703, 0801, 1207, 2301; not 1311/1202
    assert rows["村庄建设用地规模"]["status"] == "pass"                       # 39996.3 m² ≤ 4 ha
    assert rows["建设用地总规模"]["status"] == "fail"                         # 6 × 9999.1 m² > 5.9 ha
    assert "椭球面积" in rows["建设用地总规模"]["note"]


def test_control_boundary_and_base_year_codes_are_checked(tmp_path):
    gkbj = ([("GKBJLXDM", S), ("GKBJLXMC", S)], [(cell(0), {"GKBJLXDM": "0301", "GKBJLXMC": "村庄集中建设区"}),
                                                 (cell(1), {"GKBJLXDM": "0399", "GKBJLXMC": "自定义"})])
    result = check(tmp_path, [("0703", cell(0))], {"YJJBNTBHTB": control(cell(9))},
                   extra={"GKBJ": gkbj, "JQDLTB": base_year(("0799", cell(0)))})
    assert [(f.rule_id, f.severity) for f in result.findings if f.rule_id in ("ATT-03", "ATT-04")] == [
        ("ATT-03", "error"), ("ATT-04", "error")]
