"""No rule says "passed" about what it did not examine (issue 10): unreadable uses (left to ATT-01 and
named in each control rule's outcome, issue 19), a plan outside the one map, an undefined CRS, an empty
land-use layer."""
import sqlite3

import pytest

from helpers import LANDUSE_FIELDS, control, gpkg, landuse, square
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError

X, Y = 560000.0, 4100000.0            # EPSG:4546


def run(tmp_path, parcels, controls, epsg=4546):
    plan = gpkg(tmp_path / "plan.gpkg", epsg, {"GHYDYH": landuse(*parcels)})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, controls)
    return verify(plan, onemap, ruleset="village-default")


def error_of(call, *args, **kwargs):
    """The OneMapError's English text, its traceback (holding QGIS layers) dropped before QGIS exits."""
    try:
        call(*args, **kwargs)
    except OneMapError as exc:
        return exc.en
    raise AssertionError("no OneMapError")


def status(result, rule_id):
    return next(o["status"] for o in result.outcomes if o["rule_id"] == rule_id)


@pytest.mark.parametrize("code", [None, "", "   ", "9999", "农田", "R2"])
def test_a_parcel_whose_use_cannot_be_read_is_reported_once_and_no_control_rule_claims_it(tmp_path, code):
    """Issue 19: only ATT-01 reports an unreadable use (a mixed-use or GB 50137 code used to get a
    finding from every control rule as well); each control rule says it could not examine the parcel."""
    parcel = square(X + 10, Y + 10, X + 30, Y + 30)                      # 400 m² inside both controls
    result = run(tmp_path, [(code, parcel)], {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100)),
                                              "STBHHX": control(square(X, Y, X + 100, Y + 100))})
    for rule_id in ("CL-01", "CL-02"):
        assert not [f for f in result.findings if f.rule_id == rule_id], rule_id
        outcome = next(o for o in result.outcomes if o["rule_id"] == rule_id)
        assert "1 个用途无法识别的地块" in outcome["reason"] and "见 ATT-01" in outcome["reason"], rule_id
    assert [f.severity for f in result.findings if f.rule_id == "ATT-01"] == ["error"]


def test_unknown_use_outside_the_development_boundary_is_left_to_the_attribute_rule(tmp_path):
    result = run(tmp_path, [("0799", square(X + 200, Y, X + 220, Y + 20)), ("0703", square(X, Y, X + 10, Y + 10))],
                 {"CZKFBJ": control(square(X, Y, X + 100, Y + 100)),
                  "YJJBNTBHTB": control(square(X + 500, Y, X + 600, Y + 100))})
    assert [f for f in result.findings if f.rule_id == "CL-05"] == []
    assert "代码 0799" in next(o for o in result.outcomes if o["rule_id"] == "CL-05")["reason"]
    assert [f.plan_code for f in result.findings if f.rule_id == "ATT-01"] == ["0799"]


def test_a_plan_outside_the_one_map_is_an_error_not_a_pass(tmp_path):
    with pytest.raises(OneMapError) as error:
        run(tmp_path, [("0703", square(X + 50000, Y, X + 50100, Y + 100))],
            {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100)), "XZQ": (
                [("XZQDM", 4), ("XZQMC", 4)], [(square(X - 1000, Y - 1000, X + 1000, Y + 1000), {"XZQDM": "1", "XZQMC": "县"})])})
    assert "outside the one map" in error.value.en



def test_a_plan_beyond_a_one_map_of_control_lines_only_is_an_error(tmp_path):
    """No XZQ/CJDCQ/GHFQ: a village 300 km from every one-map feature is outside the one map, not passed."""
    far = square(X + 300000, Y, X + 300100, Y + 100)
    with pytest.raises(OneMapError) as error:
        run(tmp_path, [("0703", far)], {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100)),
                                        "STBHHX": control(square(X + 1000, Y, X + 1100, Y + 100))})
    assert "outside the one map" in error.value.en and "YJJBNTBHTB" in error.value.en


@pytest.mark.parametrize("dx", [500, 40000])
def test_a_plan_near_the_one_maps_control_lines_but_clear_of_them_passes(tmp_path, dx):
    """Between two farmland patches, or 40 km beyond them: within the one map's reach, clear of it."""
    near = square(X + dx, Y, X + dx + 100, Y + 100)
    result = run(tmp_path, [("0703", near)], {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100),
                                                                     square(X + 1000, Y, X + 1100, Y + 100))})
    assert status(result, "CL-01") == "passed"

def undefine_srs(path, srs_id):
    with sqlite3.connect(path) as db:
        db.execute("UPDATE gpkg_geometry_columns SET srs_id = ?", (srs_id,))
        db.execute("UPDATE gpkg_contents SET srs_id = ?", (srs_id,))


@pytest.mark.parametrize("srs_id", [0, -1])
def test_an_undefined_srs_is_not_computed_in_degrees_or_unitless(tmp_path, srs_id):
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {"GHYDYH": landuse(("0703", square(X, Y, X + 50, Y + 50)))})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100))})
    undefine_srs(plan, srs_id)
    assert "CRS" in error_of(verify, plan, onemap, ruleset="village-default")


def test_an_undefined_srs_in_the_one_map_is_reported_and_taken_from_the_plan(tmp_path):
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {"GHYDYH": landuse(("0703", square(X, Y, X + 50, Y + 50)))})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100))})
    undefine_srs(onemap, 0)
    result = verify(plan, onemap, ruleset="village-default")
    assert [round(f.area_m2, 2) for f in result.findings if f.rule_id == "CL-01"] == [2500.00]
    assert any(f.severity == "error" and "坐标系" in f.message for f in result.findings if f.rule_id == "CRS-01")


def test_an_empty_land_use_layer_is_an_error(tmp_path):
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {"GHYDYH": (LANDUSE_FIELDS, [])})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, {"YJJBNTBHTB": control(square(X, Y, X + 100, Y + 100))})
    with pytest.raises(OneMapError) as error:
        verify(plan, onemap, ruleset="village-default")
    assert "no features" in error.value.en


def test_coordinates_far_outside_the_crs_are_a_clear_error(tmp_path):
    far = 1e12
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {"GHYDYH": landuse(("0703", square(far, far, far + 10, far + 10)))})
    onemap = gpkg(tmp_path / "onemap.gpkg", 4546, {"YJJBNTBHTB": control(square(far, far, far + 5, far + 5))})
    assert "outside its CRS" in error_of(verify, plan, onemap, ruleset="village-default")
