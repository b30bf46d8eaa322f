"""Geometry that crashed QGIS or GEOS, or silently hid findings, is made safe or reported (issue 18
item 5). Each side's cases run in a process of their own: a crash ends that process, not the suite,
and the test names the case it died on."""
import json
import os
import struct
import subprocess
import sys

import pytest

from conftest import ROOT

X, Y = 560000.0, 4100000.0
NAN, INF = float("nan"), float("inf")


def ring(x0, y0, x1, y1):
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]


def wkb_polygon(*rings):
    """Little-endian WKB of a 2D polygon, as it may sit in a delivered file (any ring, any values)."""
    out = struct.pack("<BII", 1, 3, len(rings))
    for points in rings:
        out += struct.pack("<I", len(points)) + b"".join(struct.pack("<dd", *p) for p in points)
    return out


A = "({0} {1},{2} {1},{2} {3},{0} {3},{0} {1})".format(X + 10, Y + 10, X + 150, Y + 90)     # 140 × 80
# case: (how, value, GEO-00 severity or None, CL-01 area of the parcel or None when left out)
CASES = {
    "collection of polygon, line and point": (
        "wkt", "GEOMETRYCOLLECTION(POLYGON({}),LINESTRING({} {},{} {}),POINT({} {}))".format(
            A, X + 10, Y + 10, X + 150, Y + 90, X + 10, Y + 10), "warning", 11200.0),
    "nested collection": ("wkt", "GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POLYGON({})),POINT({} {}))".format(
        A, X, Y), "warning", 11200.0),
    "multipolygon with an empty part": ("wkt", "MULTIPOLYGON(({}),EMPTY)".format(A), None, 11200.0),
    "curve polygon": ("wkt", "CURVEPOLYGON(CIRCULARSTRING({0} {1},{2} {1},{0} {1}))".format(X + 40, Y + 50, X + 100),
                      "info", 2827.0),
    "polygon Z M": ("wkt", "POLYGON ZM(({0} {1} 5 1,{2} {1} 5 1,{2} {3} 5 1,{0} {3} 5 1,{0} {1} 5 1))".format(
        X + 10, Y + 10, X + 150, Y + 90), None, 11200.0),
    "triangle": ("wkt", "TRIANGLE(({0} {1},{2} {1},{2} {3},{0} {1}))".format(X + 10, Y + 10, X + 150, Y + 90),
                 None, 5600.0),
    "unclosed ring": ("wkb", wkb_polygon(ring(X + 10, Y + 10, X + 150, Y + 90)[:-1]), None, 11200.0),
    "NaN coordinate": ("wkb", wkb_polygon([(X + 10, Y + 10), (NAN, Y + 10), (X + 150, Y + 90), (X + 10, Y + 10)]),
                       "error", None),
    "infinite coordinate": ("wkb", wkb_polygon([(X + 10, Y + 10), (X + 150, INF), (X + 150, Y + 90),
                                                (X + 10, Y + 10)]), "error", None),
    "one-point ring": ("wkb", wkb_polygon([(X + 10, Y + 10)]), "error", None),
    "one-point hole": ("wkb", wkb_polygon(ring(X + 10, Y + 10, X + 150, Y + 90), [(X + 20, Y + 20)]),
                       "warning", 11200.0),
    "line in a polygon layer": ("wkt", "LINESTRING({} {},{} {})".format(X + 10, Y + 10, X + 150, Y + 90),
                                "error", None),
}

RUN = r'''
import json, os, sys
sys.path.insert(0, os.environ["ONEMAP_ROOT"]); sys.path.insert(0, os.environ["ONEMAP_TESTS"])
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
from test_geometry_inputs import make
from plugin.core.check.engine import verify
side, folder = sys.argv[1], sys.argv[2]
for case in json.loads(sys.argv[3]):
    print(json.dumps({"start": case}), flush=True)
    plan, onemap = make(os.path.join(folder, str(abs(hash(case)))), case, side)
    result = verify(plan, onemap, output=os.path.join(os.path.dirname(plan), "findings.gpkg"))
    notes = [(f.severity, f.message, f.plan_fid, f.control_fid) for f in result.findings if f.rule_id == "GEO-00"]
    cl01 = sorted(round(f.area_m2) for f in result.findings if f.rule_id == "CL-01")
    print(json.dumps({"case": case, "notes": notes, "cl01": cl01}), flush=True)
'''


def make(folder, case, side):
    """A plan (homes on parcel 1, half of it — 5000 m² — on the farmland; cropland on parcel 2) and a one
    map of 永久基本农田, the case's geometry on `side`: the plan's land use (feature 3, coded 0703), the
    one map's farmland (feature 2), or the base year."""
    from osgeo import ogr, osr
    ogr.UseExceptions()
    os.makedirs(folder)
    how, value = CASES[case][:2]
    bad = ogr.CreateGeometryFromWkt(value) if how == "wkt" else ogr.CreateGeometryFromWkb(value)

    def square(x0, y0, x1, y1):
        return ogr.CreateGeometryFromWkt("POLYGON(({}))".format(",".join("%r %r" % p for p in ring(x0, y0, x1, y1))))

    def write(path, layers):
        dataset = ogr.GetDriverByName("GPKG").CreateDataSource(path)
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(4546)
        for name, field, rows in layers:
            layer = dataset.CreateLayer(name, srs, ogr.wkbMultiPolygon, ["FID=fid"])
            layer.CreateField(ogr.FieldDefn(field, ogr.OFTString))
            for geometry, value_ in rows:
                feature = ogr.Feature(layer.GetLayerDefn())
                feature.SetField(field, value_)
                feature.SetGeometry(geometry)
                layer.CreateFeature(feature)
        dataset = None
        return path
    farmland = [(square(X - 50, Y - 50, X + 150, Y + 150), "x")]
    plan = write(os.path.join(folder, "plan.gpkg"), [
        ("GHYDYH", "YDYHFLDM", [(square(X + 100, Y, X + 200, Y + 100), "0703"), (square(X, Y, X + 100, Y + 100), "0101")]
         + ([(bad, "0703")] if side == "plan" else [])),
        ("CJDCQ", "ZLDWMC", [(square(X - 10, Y - 10, X + 210, Y + 110), "村")]),
        ("JQDLTB", "JQDLBM", [(square(X, Y, X + 200, Y + 100), "0103")] + ([(bad, "0101")] if side == "base" else []))])
    onemap = write(os.path.join(folder, "onemap.gpkg"), [
        ("YJJBNTBHTB", "BZ", farmland + ([(bad, "bad")] if side == "onemap" else [])),
        ("XZQ", "XZQDM", [(square(X - 1000, Y - 1000, X + 1000, Y + 1000), "1")])])
    return plan, onemap


def run_side(tmp_path, side, cases):
    done = subprocess.run([sys.executable, "-c", RUN, side, str(tmp_path), json.dumps(cases)], capture_output=True,
                          text=True, timeout=600, env=dict(os.environ, ONEMAP_ROOT=ROOT,
                                                          ONEMAP_TESTS=os.path.dirname(os.path.abspath(__file__))))
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    started = [line["start"] for line in lines if "start" in line]
    results = {line["case"]: line for line in lines if "case" in line}
    died = [case for case in started if case not in results]
    assert done.returncode == 0 and not died, "the check died (exit {}) on: {}\n{}".format(
        done.returncode, died, done.stderr[-2000:])
    return results


def test_plan_parcels_are_kept_as_polygons_or_reported(tmp_path):
    results = run_side(tmp_path, "plan", list(CASES))
    for case, (_how, _value, severity, area) in CASES.items():
        notes, cl01 = results[case]["notes"], results[case]["cl01"]
        assert [note[0] for note in notes] == ([severity] if severity else []), case
        if notes:
            assert notes[0][2] == 3 and "GHYDYH" in notes[0][1] and "要素 3" in notes[0][1], case
        parcel = [a for a in cl01 if a != 5000]                   # parcel 1's piece
        assert parcel == ([round(area)] if area else []), (case, cl01)


@pytest.mark.parametrize("side", ["onemap", "base"])
def test_one_map_and_base_year_features_never_crash_or_hide_their_neighbours(tmp_path, side):
    cases = ["collection of polygon, line and point", "multipolygon with an empty part", "NaN coordinate",
             "infinite coordinate", "one-point ring", "triangle", "line in a polygon layer"]
    results = run_side(tmp_path, side, cases)
    for case in cases:
        expected = CASES[case][2]
        notes = results[case]["notes"]
        assert [note[0] for note in notes] == ([expected] if expected else []), (side, case)
        if side == "onemap":
            assert notes == [] or notes[0][3] == 2 and "YJJBNTBHTB" in notes[0][1], case
            assert 5000 in results[case]["cl01"], (case, results[case]["cl01"])    # the good farmland still judged


@pytest.mark.parametrize("side, layer", [("plan", "GHYDYH"), ("onemap", "YJJBNTBHTB"), ("base", "JQDLTB")])
@pytest.mark.parametrize("stored", ["NULL", "bytes GDAL cannot read"])
def test_a_feature_without_geometry_is_said_to_be_left_out(monkeypatch, tmp_path, side, layer, stored):
    """A NULL geometry, or a blob that is no geometry at all (a damaged file), in the plan: GEO-00 says the
    feature was left out, read through Arrow as through QGIS (GEO-01 had said "没有几何图形" of a parcel
    only, a damaged base-year parcel went without a word), and GEO-01 does not say it again. The one map is
    read near the plan: a patch of no geometry has no place there, on either path, and the others are
    judged."""
    import sqlite3

    from plugin.core.check import reading
    from plugin.core.check.engine import verify
    CASES["a square"] = ("wkt", "POLYGON(({0} {1},{2} {1},{2} {3},{0} {1}))".format(X + 10, Y + 10, X + 150, Y + 90),
                         None, None)
    try:
        plan, onemap = make(str(tmp_path / "data"), "a square", side)
    finally:
        del CASES["a square"]
    path = onemap if side == "onemap" else plan
    with sqlite3.connect(path) as db:
        for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            db.execute('DROP TRIGGER "{}"'.format(trigger))            # (they need SpatiaLite's functions)
        db.execute("UPDATE {} SET geom = ? WHERE fid = (SELECT max(fid) FROM {})".format(layer, layer),
                   (None if stored == "NULL" else b"GP\x00\x01\xe2\x11\x00\x00" + b"\xff" * 40,))

    def notes(result):
        return sorted((f.rule_id, f.severity, f.message, f.plan_fid, f.control_fid) for f in result.findings
                      if f.rule_id in ("GEO-00", "GEO-01"))
    result = verify(plan, onemap)
    through_arrow = notes(result)
    monkeypatch.setattr(reading, "HAS_ARROW", False)
    assert notes(verify(plan, onemap)) == through_arrow
    if side == "onemap":
        assert through_arrow == [] and [round(f.area_m2) for f in result.findings if f.rule_id == "CL-01"] == [5000]
        return
    assert [(rule, severity) for rule, severity, *_rest in through_arrow] == [("GEO-00", "error")]
    fid = 3 if side == "plan" else 2
    assert layer in through_arrow[0][2] and "要素 {}：没有几何图形（为空或无法读取），未参与核对".format(fid) in through_arrow[0][2]
    assert through_arrow[0][3] == fid
