"""Small hand-made cases per rule kind: holes, multipolygons, touching edges, noise, projections."""
import os
import re

import pytest
from osgeo import gdal, ogr

from helpers import control, gpkg, landuse, outcome, square
from plugin.core.check.engine import Cancelled, verify
from plugin.core.errors import OneMapError

X, Y = 560000.0, 4100000.0            # EPSG:4546 (zone 37, CM 111°E, no prefix)
PREFIX = 37000000.0                   # EPSG:4525: the same with the zone number in x
HOLED = "POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}),({4} {5},{6} {5},{6} {7},{4} {7},{4} {5}))".format(
    X, Y, X + 100, Y + 100, X + 40, Y + 40, X + 60, Y + 60)


def multi(*wkts):
    return "MULTIPOLYGON({})".format(",".join(w[len("POLYGON"):] for w in wkts))


def plan_and_map(tmp_path, parcels, controls, plan_epsg=4546, map_epsg=4546, dx=0.0, extra=None):
    plan = gpkg(tmp_path / "plan.gpkg", plan_epsg, dict({"GHYDYH": landuse(*parcels)}, **(extra or {})))
    onemap = gpkg(tmp_path / "onemap.gpkg", map_epsg, controls)
    return plan, onemap


def run(tmp_path, parcels, controls, **kw):
    plan, onemap = plan_and_map(tmp_path, parcels, controls, **kw)
    return verify(plan, onemap, ruleset="village-default", output=str(tmp_path / "findings.gpkg"))


def areas(result, rule_id):
    return sorted(round(f.area_m2, 2) for f in result.findings if f.rule_id == rule_id)


def test_overlap_with_a_hole_and_a_multipolygon(tmp_path):
    parcel = multi(square(X + 30, Y + 30, X + 70, Y + 70), square(X + 200, Y, X + 210, Y + 10))
    result = run(tmp_path, [("0703", parcel)], {"YJJBNTBHTB": control(HOLED)})
    assert areas(result, "CL-01") == [1200.00]          # 40 x 40 minus the 20 x 20 hole


def test_parcel_wholly_inside_needs_no_overlay_and_reports_its_area(tmp_path):
    result = run(tmp_path, [("0801", square(X + 10, Y + 10, X + 30, Y + 25))], {"STBHHX": control(square(X, Y, X + 100, Y + 100))})
    assert areas(result, "CL-02") == [300.00]


def test_touching_edges_and_sub_square_metre_noise_are_not_findings(tmp_path):
    parcels = [("0703", square(X + 100, Y, X + 150, Y + 100)),          # shares the edge x = X+100
               ("0704", square(X + 99.995, Y + 200, X + 150, Y + 300))]  # 0.005 m x 100 m = 0.5 m² inside
    controls = {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 300))}
    result = run(tmp_path, parcels, controls)
    assert areas(result, "CL-01") == []


def test_cropland_in_farmland_is_fine_and_2020_names_do_not_hide_conflicts(tmp_path):
    result = run(tmp_path, [("0103", square(X, Y, X + 50, Y + 50)), ("0201", square(X + 50, Y, X + 100, Y + 50))],
                 {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100))})
    assert areas(result, "CL-01") == [2500.00]
    assert [f.plan_code for f in result.findings if f.rule_id == "CL-01"] == ["0201"]


def test_outside_boundary_counts_only_the_outside_part_and_exempts_rural_homesteads(tmp_path):
    parcels = [("0701", square(X + 50, Y, X + 150, Y + 10)),           # half outside: 500 m²
               ("0703", square(X + 50, Y + 20, X + 150, Y + 30)),      # exempt in the rule data
               ("100101", square(X + 10, Y + 40, X + 20, Y + 50))]     # inside: fine
    result = run(tmp_path, parcels, {"CZKFBJ": control(square(X, Y, X + 100, Y + 100))})
    assert areas(result, "CL-05") == [500.00]
    assert [f.plan_code for f in result.findings if f.rule_id == "CL-05"] == ["0701"]


@pytest.mark.parametrize("named", [True, False])
def test_outside_coded_boundaries_without_their_name_field(tmp_path, named):
    """CL-07 names the 村庄集中建设区 by GKBJLXMC when the plan has that (optional) field, the layer when it
    has not (red team rt-rules2: an IndexError had ended the rule with its conflicts unreported)."""
    fields = [("GKBJLXDM", ogr.OFTString)] + ([("GKBJLXMC", ogr.OFTString)] if named else [])
    values = dict({"GKBJLXDM": "0301"}, **({"GKBJLXMC": "村庄集中建设区"} if named else {}))
    extra = {"CJDCQ": ([("ZLDWDM", ogr.OFTString)], [(square(X - 500, Y - 500, X + 500, Y + 500),
                                                      {"ZLDWDM": "141181106201"})]),
             "GKBJ": (fields, [(square(X, Y, X + 100, Y + 100), values)])}
    result = run(tmp_path, [("1001", square(X + 100, Y, X + 200, Y + 100)), ("0703", square(X, Y, X + 100, Y + 100))],
                 {"STBHHX": control(square(X - 400, Y - 400, X - 390, Y - 390))}, extra=extra)
    assert outcome(result, "CL-07")["status"] == "failed" and areas(result, "CL-07") == [10000.0]
    message = next(f.message for f in result.findings if f.rule_id == "CL-07")
    assert ("位于村庄集中建设区外" if named else "位于管控边界外") in message, message


def test_outside_a_boundary_of_two_touching_polygons(tmp_path):
    boundary = control(square(X, Y, X + 50, Y + 100), square(X + 50, Y, X + 100, Y + 100))
    result = run(tmp_path, [("0901", square(X + 25, Y + 10, X + 75, Y + 20))], {"CZKFBJ": boundary})
    assert areas(result, "CL-05") == []


def test_mixed_projections_give_the_same_answers(tmp_path):
    parcel = multi(square(X + 30, Y + 30, X + 70, Y + 70), square(X + 90, Y + 90, X + 130, Y + 95))
    for name in "abc":
        (tmp_path / name).mkdir()
    base = run(tmp_path / "a", [("0703", parcel)], {"YJJBNTBHTB": control(HOLED)})
    prefixed_plan = multi(square(X + 30, Y + 30, X + 70, Y + 70, PREFIX), square(X + 90, Y + 90, X + 130, Y + 95, PREFIX))
    mixed = run(tmp_path / "b", [("0703", prefixed_plan)], {"YJJBNTBHTB": control(HOLED)}, plan_epsg=4525)
    assert areas(base, "CL-01") == areas(mixed, "CL-01") == [1250.00]
    # the one map delivered in the neighbouring zone (38) instead: reprojected into the plan's zone
    zone38 = str(tmp_path / "c" / "onemap38.gpkg")
    gdal.VectorTranslate(zone38, str(tmp_path / "a" / "onemap.gpkg"), format="GPKG", dstSRS="EPSG:4547")
    other_zone = verify(str(tmp_path / "a" / "plan.gpkg"), zone38, output=str(tmp_path / "c" / "f.gpkg"))
    assert areas(other_zone, "CL-01") == [1250.00]
    assert any("EPSG:4547" in f.message for f in other_zone.findings if f.rule_id == "CRS-01")
    # the plan in geographic CGCS2000 (EPSG:4490): computed in its 3° zone, 37
    geographic = str(tmp_path / "c" / "plan4490.gpkg")
    gdal.VectorTranslate(geographic, str(tmp_path / "a" / "plan.gpkg"), format="GPKG", dstSRS="EPSG:4490")
    lonlat = verify(geographic, str(tmp_path / "a" / "onemap.gpkg"), ruleset="village-default")
    assert areas(lonlat, "CL-01") == [1250.00] and lonlat.record["crs"] == "EPSG:4546"


def test_missing_prj_with_zone_prefixed_x_is_detected(tmp_path):
    plan, onemap = plan_and_map(tmp_path, [("0703", square(X + 30, Y + 30, X + 70, Y + 70, PREFIX))],
                                {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100))}, plan_epsg=4525)
    folder = tmp_path / "shp"
    folder.mkdir()
    gdal.VectorTranslate(str(folder / "GHYDYH.shp"), plan, format="ESRI Shapefile", layers=["GHYDYH"])
    os.remove(folder / "GHYDYH.prj")
    result = verify(str(folder), onemap, output=str(tmp_path / "f.gpkg"))
    assert areas(result, "CL-01") == [1600.00]
    crs = [f for f in result.findings if f.rule_id == "CRS-01"]
    assert [f.message for f in crs if f.severity == "warning"] == [
        "规划成果（GHYDYH）：缺少坐标系定义（.prj）；x 坐标带 37 带号，按 EPSG:4525 处理"]
    assert result.record["plan_crs"] == "EPSG:4525"


def test_a_layer_whose_x_carries_a_zone_number_its_crs_lacks_is_an_error(tmp_path):
    """The village boundary written with 带号 (37 560 000) in EPSG:4546: CRS-01 says so, with the zone and what
    to do, instead of passing (red-team e2); the layer is left out, so the rules needing it are not applicable
    with that reason — not 7 parcels 'outside the village' and a village of 0 m² (desktop walk)."""
    village = ([("XZQDM", ogr.OFTString)], [(square(X, Y, X + 200, Y + 100, PREFIX), {"XZQDM": "1"})])
    result = run(tmp_path, [("0103", square(X, Y, X + 100, Y + 100)), ("0701", square(X + 100, Y, X + 200, Y + 100))],
                 {"YJJBNTBHTB": control(square(X, Y, X + 200, Y + 100))}, extra={"CJDCQ": village})
    errors = [f.message for f in result.findings if f.rule_id == "CRS-01" and f.severity == "error"]
    assert errors == ["规划成果（CJDCQ）：坐标（x 37560000–37560200，y 4100000–4100100）不在坐标系 EPSG:4546 的范围内"
                      "（x 坐标带 37 带号，而 EPSG:4546 不带带号：请去掉 x 的带号，或将坐标系定义为 EPSG:4525）；该图层未参与核对"]
    for rule_id in ("GEO-03", "GEO-05"):
        assert outcome(result, rule_id)["status"] == "not_applicable", rule_id
        assert outcome(result, rule_id)["reason"] == "规划成果的图层 CJDCQ 坐标不在其坐标系范围内（见 CRS-01），未参与核对"
    assert not [f for f in result.findings if f.rule_id in ("GEO-03", "GEO-05", "GEO-06")]
    assert areas(result, "CL-01") == [10000.0]                   # the plan's other layers are checked as ever


def test_a_misplaced_layer_a_rule_reads_directly_is_not_taken_as_absent(tmp_path):
    """The plan's own 永久基本农田 with 带号 its CRS lacks: KEEP-01 (which asks the context for it directly) is
    not applicable naming CRS-01 — not an error "规划成果未包含该图层" for every one-map patch (review)."""
    village = ([("XZQDM", ogr.OFTString)], [(square(X, Y, X + 200, Y + 100), {"XZQDM": "1"})])
    kept = control(square(X, Y, X + 100, Y + 100, PREFIX))
    result = run(tmp_path, [("0103", square(X, Y, X + 200, Y + 100))],
                 {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100))}, extra={"CJDCQ": village, "YJJBNTBHTB": kept})
    assert outcome(result, "KEEP-01")["status"] == "not_applicable"
    assert outcome(result, "KEEP-01")["reason"] == "规划成果的图层 YJJBNTBHTB 坐标不在其坐标系范围内（见 CRS-01），未参与核对"
    assert not [f for f in result.findings if f.rule_id == "KEEP-01"]


def test_one_stray_patch_with_a_zone_number_is_not_passed_over_in_any_zone(tmp_path):
    """Zone 25 (EPSG:4534): the centre between x 500 100 and x 25 500 200 still inverts, so only the extent's
    corners tell (red team: CL-01 had lost parcel 2's conflict without a word)."""
    x, y = 500000.0, 4400000.0
    plan = gpkg(tmp_path / "plan.gpkg", 4534, {"GHYDYH": landuse(("0701", square(x, y, x + 100, y + 100)),
                                                                 ("0701", square(x + 100, y, x + 200, y + 100)))})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4534, {"YJJBNTBHTB": control(
        square(x, y, x + 100, y + 100), square(x + 100, y, x + 200, y + 100, 25e6))})
    result = verify(plan, onemap, ruleset="village-default", output=str(tmp_path / "f.gpkg"))
    assert outcome(result, "CL-01")["status"] == "not_applicable"
    errors = [f.message for f in result.findings if f.rule_id == "CRS-01" and f.severity == "error"]
    assert len(errors) == 1 and "x 坐标有的带带号、有的不带（x 从 500000 到 25500200）" in errors[0]


def test_a_stray_parcel_with_a_zone_number_stops_the_check_instead_of_choosing_the_zone(tmp_path):
    """A zone-25 parcel with 带号 among sound ones chose the working zone (CL-01 17 964 m² for 10 000)."""
    x, y = 500000.0, 4400000.0
    plan = gpkg(tmp_path / "plan.gpkg", 4534, {"GHYDYH": landuse(("0701", square(x, y, x + 100, y + 100)),
                                                                 ("0701", square(x, y, x + 100, y + 100, 25e6)))})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4534, {"YJJBNTBHTB": control(square(x, y, x + 100, y + 100))})
    with pytest.raises(OneMapError) as refused:
        verify(plan, onemap, ruleset="village-default", output=str(tmp_path / "f.gpkg"))
    assert "规划用地图层的坐标（x 500000–25500100" in refused.value.zh and "有的带带号、有的不带" in refused.value.zh


def test_x_without_the_zone_number_its_crs_expects_is_told_which_crs_fits(tmp_path):
    village = ([("XZQDM", ogr.OFTString)], [(square(X, Y, X + 200, Y + 100), {"XZQDM": "1"})])   # no 带号 in 4525
    result = run(tmp_path, [("0701", square(X, Y, X + 200, Y + 100, PREFIX))],
                 {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100, PREFIX))}, plan_epsg=4525, map_epsg=4525,
                 extra={"CJDCQ": village})
    errors = [f.message for f in result.findings if f.rule_id == "CRS-01" and f.severity == "error"]
    assert errors == ["规划成果（CJDCQ）：坐标（x 560000–560200，y 4100000–4100100）不在坐标系 EPSG:4525 的范围内"
                      "（x 坐标不带带号，而 EPSG:4525 要求 37 带号：请给 x 加上带号，或将坐标系定义为 EPSG:4546）；该图层未参与核对"]


def test_an_empty_layer_in_a_zone_prefixed_crs_is_no_crs_error(tmp_path):
    """An empty layer's extent is (0, 0): in EPSG:4525 that is 37 000 km west of the zone, no reason for CRS-01."""
    empty = ([("XZQDM", ogr.OFTString)], [])
    result = run(tmp_path, [("0701", square(X, Y, X + 100, Y + 100, PREFIX))],
                 {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100, PREFIX)), "STBHHX": control()},
                 plan_epsg=4525, map_epsg=4525, extra={"CJDCQ": empty})
    assert not [f.message for f in result.findings if f.rule_id == "CRS-01" and f.severity == "error"]
    assert areas(result, "CL-01") == [10000.0]
    assert "CRS-01" not in (outcome(result, "CL-02").get("reason") or "")


def test_farmland_whose_x_carries_a_zone_number_is_not_passed_over(tmp_path):
    """The one map's 永久基本农田 with 带号 in a CRS without one lies 37 000 km away (its 行政区 where it should
    be): CL-01 must not say 'passed' (nothing overlaps there) but not applicable, naming the layer and CRS-01."""
    county = ([("XZQDM", ogr.OFTString)], [(square(X - 1000, Y - 1000, X + 1000, Y + 1000), {"XZQDM": "1"})])
    result = run(tmp_path, [("0701", square(X, Y, X + 100, Y + 100))],
                 {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100, PREFIX)), "XZQ": county})
    assert outcome(result, "CL-01")["status"] == "not_applicable"
    assert outcome(result, "CL-01")["reason"] == "一张图的图层 YJJBNTBHTB 坐标不在其坐标系范围内（见 CRS-01），未参与核对"
    assert any(f.severity == "error" and "一张图（YJJBNTBHTB）" in f.message and "EPSG:4525" in f.message
               for f in result.findings if f.rule_id == "CRS-01")


def test_non_cgcs2000_crs_is_an_error(tmp_path):
    plan, onemap = plan_and_map(tmp_path, [("0703", square(X, Y, X + 10, Y + 10))],
                                {"YJJBNTBHTB": control(square(X, Y, X + 5, Y + 5))})
    zone38 = str(tmp_path / "zone38.gpkg")              # the same place in another CGCS2000 zone: a note, not an error
    gdal.VectorTranslate(zone38, onemap, format="GPKG", dstSRS="EPSG:4547")
    result = verify(plan, zone38, ruleset="village-default")
    assert not [f for f in result.findings if f.rule_id == "CRS-01" and f.severity == "error"]
    utm = str(tmp_path / "utm.gpkg")
    gdal.VectorTranslate(utm, str(tmp_path / "plan.gpkg"), format="GPKG", dstSRS="EPSG:32649")
    result = verify(utm, str(tmp_path / "onemap.gpkg"), output=str(tmp_path / "g.gpkg"))
    errors = [f for f in result.findings if f.rule_id == "CRS-01" and f.severity == "error"]
    assert errors and "EPSG:32649" in errors[0].message


def test_coverage_when_the_plan_lacks_the_layer_or_cuts_it(tmp_path):
    village = ([("XZQDM", ogr.OFTString)], [(square(X, Y, X + 200, Y + 200), {"XZQDM": "1"})])
    farmland = control(square(X + 10, Y + 10, X + 60, Y + 60), square(X + 150, Y + 150, X + 250, Y + 250))
    result = run(tmp_path, [("0103", square(X, Y, X + 200, Y + 200))], {"YJJBNTBHTB": farmland},
                 extra={"CJDCQ": village})
    # the plan has no farmland layer: all of it inside the village is reported, clipped to the village
    assert areas(result, "KEEP-01") == [2500.00, 2500.00]
    kept = control(square(X + 10, Y + 10, X + 60, Y + 50), square(X + 150, Y + 150, X + 200, Y + 200))   # 500 m² cut
    (tmp_path / "k").mkdir()
    result = run(tmp_path / "k", [("0103", square(X, Y, X + 200, Y + 200))], {"YJJBNTBHTB": farmland},
                 extra={"CJDCQ": village, "YJJBNTBHTB": kept})
    assert areas(result, "KEEP-01") == [500.00]


def test_geometry_checks_on_a_plan_with_holes(tmp_path):
    village = ([("XZQDM", ogr.OFTString)], [(square(X, Y, X + 100, Y + 100), {"XZQDM": "1"})])
    ring = HOLED                                                   # a parcel with a 20 x 20 hole
    parcels = [("0301", ring), ("0301", square(X + 40, Y + 40, X + 60, Y + 55)),    # fills 300 of the hole
               ("0703", square(X + 45, Y + 45, X + 50, Y + 50))]                   # 25 m² overlap, sliver
    result = run(tmp_path, parcels, {"CZKFBJ": control(square(X, Y, X + 100, Y + 100))}, extra={"CJDCQ": village})
    assert areas(result, "GEO-03") == [100.00]
    assert areas(result, "GEO-02") == [25.00]
    assert areas(result, "GEO-04") == [25.00, 300.00]


def test_a_run_fails_only_without_land_use_or_control_layers(tmp_path):
    controls = {"YJJBNTBHTB": control(square(X, Y, X + 5, Y + 5))}
    no_landuse = gpkg(tmp_path / "p.gpkg", 4546, {"CJDCQ": ([("XZQDM", ogr.OFTString)], [(square(X, Y, X + 1, Y + 1), {"XZQDM": "1"})])})
    onemap = gpkg(tmp_path / "m.gpkg", 4546, controls)
    with pytest.raises(OneMapError) as error:
        verify(no_landuse, onemap)
    assert "p.gpkg" in error.value.zh and "land-use" in error.value.en
    plan = gpkg(tmp_path / "q.gpkg", 4546, {"GHYDYH": landuse(("0103", square(X, Y, X + 1, Y + 1)))})
    with pytest.raises(OneMapError) as error:
        verify(plan, plan)
    assert "control layer" in error.value.en
    assert verify(plan, onemap).record["ruleset_id"] == "detailed-default"   # no village boundary
    result = verify(plan, onemap, kind="village")   # no boundary, no allocation: those rules are n/a
    status = {o["rule_id"]: o["status"] for o in result.outcomes}
    assert status["GEO-03"] == status["IND-01"] == status["KEEP-02"] == "not_applicable"
    assert status["CL-01"] == "passed"
    assert status["KEEP-01"] == "failed"            # the plan carries no farmland layer at all


class CancelAfter:
    def __init__(self, calls):
        self.calls = calls

    def isCanceled(self):  # noqa: N802
        self.calls -= 1
        return self.calls < 0

    def setProgress(self, value):  # noqa: N802
        pass


def test_a_cancelled_run_leaves_no_output(tmp_path):
    plan, onemap = plan_and_map(tmp_path, [("0703", square(X, Y, X + 10, Y + 10))],
                                {"YJJBNTBHTB": control(square(X, Y, X + 5, Y + 5))})
    output = tmp_path / "out" / "findings.gpkg"
    with pytest.raises(Cancelled):
        verify(plan, onemap, output=str(output), feedback=CancelAfter(3))
    assert not output.exists()
    assert not [p for p in (tmp_path / "out").glob("*")] if (tmp_path / "out").exists() else True


def test_attribute_rule_on_missing_and_empty_fields(tmp_path):
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {
        "GHYDYH": ([("YDYHFLDM", ogr.OFTString), ("YDYHFLMC", ogr.OFTString)],
                   [(square(X, Y, X + 10, Y + 10), {"YDYHFLDM": "0103", "YDYHFLMC": "旱地"}),
                    (square(X + 10, Y, X + 20, Y + 10), {"YDYHFLMC": "旱地"}),            # code NULL
                    (square(X + 20, Y, X + 30, Y + 10), {"YDYHFLDM": "0301", "YDYHFLMC": "旱地"})]),
        "CJDCQ": ([("XZQMC", ogr.OFTString)], [(square(X, Y, X + 30, Y + 10), {"XZQMC": "无代码村"})])})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, {"YJJBNTBHTB": control(square(X, Y, X + 5, Y + 5))})
    result = verify(plan, onemap, output=str(tmp_path / "f.gpkg"))
    attribute = [(f.rule_id, f.severity, f.plan_fid) for f in result.findings if f.rule_id.startswith("ATT")]
    assert ("ATT-01", "error", 2) in attribute                       # required code empty
    assert ("ATT-01", "warning", 3) in attribute                     # name does not match 0301
    layer_level = [f for f in result.findings if f.rule_id == "ATT-02"]
    assert len(layer_level) == 1 and "XZQDM" in layer_level[0].message and layer_level[0].plan_fid is None


def test_indicator_units_in_mu_and_square_metres(tmp_path):
    village = ([("XZQDM", ogr.OFTString)], [(square(X, Y, X + 300, Y + 100), {"XZQDM": "V1"})])
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {
        "GHYDYH": landuse(("0103", square(X, Y, X + 200, Y + 100)), ("0703", square(X + 200, Y, X + 300, Y + 100))),
        "CJDCQ": village})
    allocation = ([("XZQDM", ogr.OFTString), ("ZBMC", ogr.OFTString), ("ZBZ", ogr.OFTReal), ("DW", ogr.OFTString)],
                  [(None, {"XZQDM": "V1", "ZBMC": "耕地保护目标", "ZBZ": 30.0, "DW": "亩"}),          # 20000 m² = 30 亩
                   (None, {"XZQDM": "V1", "ZBMC": "村庄建设用地面积", "ZBZ": 9990.0, "DW": "平方米"}),
                   (None, {"XZQDM": "V1", "ZBMC": "建设用地总规模", "ZBZ": 1.0, "DW": "坪"})])
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, {"YJJBNTBHTB": control(square(X, Y, X + 5, Y + 5)),
                                                   "CJZBFJ": allocation})
    result = verify(plan, onemap, output=str(tmp_path / "f.gpkg"))
    rows = {r["indicator"]: r for r in result.indicators}
    assert rows["耕地保有量"]["status"] == "pass" and round(rows["耕地保有量"]["allocated_m2"], 2) == 20000.00
    assert round(rows["耕地保有量"]["planned_mu"], 2) == 30.00
    assert rows["村庄建设用地规模"]["status"] == "pass"                  # 10000 vs 9990 within 20 m²
    assert rows["建设用地总规模"]["status"] == "error"
    assert any("坪" in f.message for f in result.findings if f.rule_id == "IND-01")
    assert rows["永久基本农田保护面积"]["status"] == "not_applicable"


def test_a_failing_rule_is_recorded_and_the_others_still_run(tmp_path, monkeypatch):
    from plugin.core.check.rules.outside import OutsideRule

    def broken(self, ctx):
        raise RuntimeError("GEOS exploded")
    monkeypatch.setattr(OutsideRule, "run", broken)
    result = run(tmp_path, [("0703", square(X + 30, Y + 30, X + 70, Y + 70))],
                 {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100)), "CZKFBJ": control(square(X, Y, X + 10, Y + 10))})
    status = {o["rule_id"]: o for o in result.outcomes}
    assert status["CL-05"]["status"] == "error" and "GEOS exploded" in status["CL-05"]["reason_en"]
    assert status["CL-01"]["status"] == "failed" and areas(result, "CL-01") == [1600.00]
    assert result.record["rule_errors"] == 3                # CL-05, CL-07 and GEO-05 are all 'outside' rules
    assert any(f.rule_id == "CL-05" and f.severity == "error" and "GEOS exploded" in f.detail
               and "GEOS" not in f.message for f in result.findings)


def test_a_small_utility_parcel_is_no_sliver_in_a_village_plan_but_a_small_home_is(tmp_path):
    """GEO-04: a 64 m² 1309 box substation is drawn as its own parcel; a 64 m² home is a sliver (100 m²)."""
    parcels = [("0703", square(X, Y, X + 8, Y + 8)), ("1309", square(X + 20, Y, X + 28, Y + 8)),
               ("0703", square(X + 40, Y, X + 60, Y + 20))]
    result = run(tmp_path, parcels, {"YJJBNTBHTB": control(square(X + 500, Y, X + 510, Y + 10))})
    assert [(f.plan_code, round(f.area_m2, 2)) for f in result.findings if f.rule_id == "GEO-04"] == [("0703", 64.0)]


def test_a_protected_area_indicator_counts_only_what_lies_in_the_village(tmp_path):
    """IND-01 永久基本农田保护面积: a patch straddling the village boundary counts its inside half, the
    neighbour's patch the plan carries counts nothing, and the row says how much was left out (red team
    rt-rules2: 39 998 m² against a 25 000 m² allocation passed with 19 999 m² in the village)."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsDistanceArea, QgsGeometry, QgsProject
    village = square(X, Y, X + 1000, Y + 1000)
    farm = [square(X + 100, Y + 100, X + 200, Y + 200), square(X + 900, Y + 400, X + 1100, Y + 500),
            square(X + 1100, Y + 600, X + 1200, Y + 700)]
    patches = ([("DLBM", ogr.OFTString)], [(w, {"DLBM": "0103"}) for w in farm])
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {
        "GHYDYH": landuse(("0103", village)), "YJJBNTBHTB": patches,
        "CJDCQ": ([("ZLDWDM", ogr.OFTString)], [(village, {"ZLDWDM": "141181106201"})])})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, {"YJJBNTBHTB": patches, "CJZBFJ": (
        [("XZQDM", ogr.OFTString), ("ZBMC", ogr.OFTString), ("ZBZ", ogr.OFTReal), ("DW", ogr.OFTString)],
        [(None, {"XZQDM": "141181106201", "ZBMC": "永久基本农田保护面积", "ZBZ": 2.5, "DW": "公顷"})])})
    row = next(r for r in verify(plan, onemap).indicators if r["indicator"] == "永久基本农田保护面积")
    measure = QgsDistanceArea()
    measure.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4546"), QgsProject.instance().transformContext())
    measure.setEllipsoid("EPSG:1024")
    pieces = [QgsGeometry.fromWkt(w).intersection(QgsGeometry.fromWkt(village)) for w in farm]
    assert row["planned_m2"] == pytest.approx(sum(map(measure.measureArea, pieces)), abs=0.01)
    assert row["status"] == "fail" and re.search(r"村域外 1999\d\.\d\d 平方米未计入", row["note"])


@pytest.mark.parametrize("twice", [True, False])
def test_base_year_parcels_that_overlap_count_once(tmp_path, twice):
    """A base-year cropland parcel delivered twice under a 0701 parcel: 建设占用耕地 is the parcel's own area,
    not twice it, and BASE-01 says the base year overlaps itself (red team rt-rules2: 19 999 m² for 9 999)."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsDistanceArea, QgsGeometry, QgsProject
    parcel = square(X, Y, X + 100, Y + 100)
    base = [(square(X - 50, Y - 50, X + 150, Y + 150), {"JQDLBM": "0103", "KCXS": 0.0})] * (2 if twice else 1)
    village = square(X - 500, Y - 500, X + 500, Y + 500)
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {
        "GHYDYH": landuse(("0701", parcel), ("0103", square(X + 200, Y, X + 300, Y + 100))),
        "CJDCQ": ([("ZLDWDM", ogr.OFTString)], [(village, {"ZLDWDM": "141181106201"})]),
        "JQDLTB": ([("JQDLBM", ogr.OFTString), ("KCXS", ogr.OFTReal)], base)})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, {"STBHHX": control(square(X - 400, Y - 400, X - 390, Y - 390))})
    result = verify(plan, onemap)
    taken = next(r for r in result.indicators if r["indicator"] == "建设占用耕地")["planned_m2"]
    measure = QgsDistanceArea()
    measure.setSourceCrs(QgsCoordinateReferenceSystem("EPSG:4546"), QgsProject.instance().transformContext())
    measure.setEllipsoid("EPSG:1024")
    assert taken == pytest.approx(measure.measureArea(QgsGeometry.fromWkt(parcel)), abs=0.01)
    overlaps = [f for f in result.findings if f.rule_id == "BASE-01" and f.plan_layer == "JQDLTB"]
    assert [(f.severity, round(f.area_m2)) for f in overlaps] == ([("warning", 40000)] if twice else [])
    assert not overlaps or "重叠部分只计一次" in overlaps[0].message


@pytest.mark.parametrize("marked", [True, False])
def test_development_zone_parcels_are_judged_by_their_mark_or_not_at_all(tmp_path, marked):
    """DP-04 on a detailed plan whose land use is GHYDYH: its KFQ field is read as GHDK's is, a marked 1001 parcel
    outside 城镇开发边界 is an error; without the field the rule is not applicable, not passed (red team
    rt-rules2: 'passed' with the KFQ column never read)."""
    fields = [("YDYHFLDM", ogr.OFTString)] + ([("KFQ", ogr.OFTString)] if marked else [])
    rows = [(square(X + 300, Y, X + 400, Y + 100), dict({"YDYHFLDM": "1001"}, **({"KFQ": "某某产业园"} if marked else {}))),
            (square(X, Y, X + 100, Y + 100), dict({"YDYHFLDM": "0701"}, **({"KFQ": ""} if marked else {})))]
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {
        "GHYDYH": (fields, rows), "GHFW": ([("BZ", ogr.OFTString)], [(square(X - 500, Y - 500, X + 500, Y + 500), {"BZ": "x"})])})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, {"CZKFBJ": ([("GHFQDM", ogr.OFTString)], [
        (square(X - 200, Y - 200, X + 200, Y + 200), {"GHFQDM": "0401"})])})
    result = verify(plan, onemap, kind="detailed")
    if marked:
        assert outcome(result, "DP-04")["status"] == "failed" and areas(result, "DP-04") == [10000.0]
    else:
        assert outcome(result, "DP-04")["status"] == "not_applicable" and "KFQ" in outcome(result, "DP-04")["reason"]


@pytest.mark.parametrize("zone_at", [0.0, 1500.0])
def test_a_control_code_the_one_map_has_only_away_from_the_plan_is_passed_not_inapplicable(tmp_path, zone_at):
    """CL-04: the one map is read near the plan, so a 生态控制区 1.5 km away is not read; the plan meets none:
    通过 — not 不适用 "GHFQ 中没有…生态控制区 的要素", which a desktop walk found untrue."""
    zones = ([("GHFQDM", ogr.OFTString)], [(square(X - 2000, Y - 100, X + 200, Y + 200), {"GHFQDM": "01"}),
                                           (square(X + zone_at, Y, X + zone_at + 50, Y + 100), {"GHFQDM": "02"})])
    result = run(tmp_path, [("0701", square(X, Y, X + 100, Y + 100))],
                 {"GHFQ": zones, "STBHHX": control(square(X - 400, Y - 400, X - 390, Y - 390))})
    if zone_at:
        assert outcome(result, "CL-04")["status"] == "passed"
    else:
        assert outcome(result, "CL-04")["status"] == "failed"
