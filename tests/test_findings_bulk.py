"""The findings layer written in bulk (core.review.gpkg_rows): every row and part read back as written,
a sound R-tree that finds what a scan finds (SQLite's rtreecheck, GDAL's and QGIS's spatial filters),
and a file GDAL, QGIS and the live re-check go on using as one GDAL wrote."""
import contextlib
import math
import os
import random
import sqlite3

import pytest
from osgeo import ogr

from plugin.core.review.findings import MULTI_HEADER

pytestmark = pytest.mark.usefixtures("qgis_app")


class Rule:
    title = {"zh": "永久基本农田内规划为非耕地", "en": "Farmland"}


def turned_ring(cx, cy, size, angle, points=33):
    """A square `size` wide turned by `angle`, with `points` points (collinear extras along its edges)."""
    corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
    per_edge = (points - 1) // 4
    ring = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1]):
        for k in range(per_edge):
            t = k / per_edge
            x, y = (ax + (bx - ax) * t) * size / 2, (ay + (by - ay) * t) * size / 2
            ring.append((cx + x * math.cos(angle) - y * math.sin(angle), cy + x * math.sin(angle) + y * math.cos(angle)))
    return ring + ring[:1]


def wkt_ring(ring):
    return "(" + ",".join("{!r} {!r}".format(x, y) for x, y in ring) + ")"


def findings(count, seed=1):
    """`count` CL-01 findings: turned squares of 33 points, with among them parts of two polygons, a hole,
    a plain 5-point polygon, and findings with no geometry or an empty one."""
    from qgis.core import QgsGeometry

    from plugin.core.check.rules.base import Finding
    rng = random.Random(seed)
    found = []
    for k in range(count):
        cx, cy = 560000 + rng.uniform(0, 20000), 4100000 + rng.uniform(0, 20000)
        ring = turned_ring(cx, cy, rng.uniform(1, 60), rng.uniform(0, math.pi / 2))
        if k % 97 == 5:
            wkt = "MULTIPOLYGON(({}),({}))".format(wkt_ring(ring), wkt_ring(turned_ring(cx + 200, cy, 10, 0.3)))
        elif k % 97 == 6:
            wkt = "POLYGON({},{})".format(wkt_ring(turned_ring(cx, cy, 80, 0.2)), wkt_ring(turned_ring(cx, cy, 5, 0.2)[::-1]))
        elif k % 97 == 7:
            wkt = "POLYGON({})".format(wkt_ring(turned_ring(cx, cy, 8, 0.0, points=5)))
        else:
            wkt = "POLYGON({})".format(wkt_ring(ring))
        geometry = None if k % 97 == 8 else QgsGeometry() if k % 97 == 9 else QgsGeometry.fromWkt(wkt)
        found.append(Finding("CL-01", "error", "规划0703（要素 {}）位于永久基本农田内".format(k), plan_layer="GHYDYH",
                             plan_fid=k, plan_code="0703", control_layer="YJJBNTBHTB", control_fid=k % 7,
                             area_m2=None if geometry is None else geometry.area(), geometry=geometry,
                             plan_label="BSM{}".format(k), village="杜村" if k % 2 else "", extra=None if geometry
                             else {"x": 560000.0 + k, "y": 4100000.0}))
    return found


def written(tmp_path, found):
    from qgis.core import QgsCoordinateReferenceSystem

    from plugin.core.check.engine import RunResult
    from plugin.core.review.findings import write_results
    path = str(tmp_path / "findings.gpkg")
    write_results(path, RunResult(findings=found, outcomes=[], indicators=[], record={}, rules_by_id={"CL-01": Rule(), "IND-01": Rule()},
                                  crs=QgsCoordinateReferenceSystem("EPSG:4546")))
    return path


def rtree_checked(path):
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT rtreecheck('rtree_findings_geom')").fetchone()[0]


@pytest.mark.parametrize("count", [30, 6000])         # a root that is a leaf; a tree of three levels
def test_every_row_and_part_reads_back_and_the_rtree_finds_what_a_scan_finds(tmp_path, count, monkeypatch):
    from plugin.core.review.findings import finding_values
    monkeypatch.setattr("plugin.core.review.gpkg_rows.CHUNK", 1000)             # 6000 findings: six chunks
    found = findings(count)
    expected = [finding_values(f, Rule()) for f in found]
    path = written(tmp_path, found)
    assert rtree_checked(path) == "ok"
    dataset = ogr.Open(path)
    layer = dataset.GetLayerByName("findings")
    assert layer.GetFeatureCount() == count
    envelopes = {}
    for number, (feature, finding, values) in enumerate(zip(layer, found, expected)):
        assert feature.GetFID() == number + 1
        for name in ("finding_id", "message", "plan_fid", "plan_label", "village", "x", "y", "area_m2"):
            assert feature.GetField(name) == values[name], name
        geometry = feature.GetGeometryRef()
        if finding.geometry is None or finding.geometry.isEmpty():
            assert geometry is None
            continue
        assert geometry.GetGeometryType() == ogr.wkbMultiPolygon
        assert bytes(geometry.ExportToWkb()) == (finding.wkb if finding.wkb[1] == 6 else   # the very bytes,
                                                 MULTI_HEADER + finding.wkb)               # made multipart
        envelopes[feature.GetFID()] = geometry.GetEnvelope()
    minx = min(e[0] for e in envelopes.values())
    assert layer.GetExtent() == pytest.approx((minx, max(e[1] for e in envelopes.values()),
                                               min(e[2] for e in envelopes.values()), max(e[3] for e in envelopes.values())))
    rng = random.Random(2)
    for _probe in range(40):
        x, y, size = 560000 + rng.uniform(-100, 20100), 4100000 + rng.uniform(-100, 20100), rng.uniform(1, 3000)
        with contextlib.closing(sqlite3.connect(path)) as db:
            indexed = {row[0] for row in db.execute(
                "SELECT id FROM rtree_findings_geom WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?",
                (x, x + size, y, y + size))}
        scanned = {fid for fid, (x0, x1, y0, y1) in envelopes.items() if x1 >= x and x0 <= x + size and y1 >= y
                   and y0 <= y + size}
        assert scanned <= indexed and all(_near(envelopes[fid], x, y, size) for fid in indexed - scanned)
        layer.SetSpatialFilterRect(x, y, x + size, y + size)
        assert {f.GetFID() for f in layer} == {fid for fid in scanned if _meets(layer, fid, x, y, size)}
        layer.SetSpatialFilter(None)


def _near(envelope, x, y, size):
    """Boxes in the R-tree are 32-bit floats rounded outwards: a hit the scan misses lies within that rounding."""
    x0, x1, y0, y1 = envelope
    slack = 1.0
    return x1 + slack >= x and x0 - slack <= x + size and y1 + slack >= y and y0 - slack <= y + size


def _meets(layer, fid, x, y, size):
    rect = ogr.CreateGeometryFromWkt("POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))".format(x, y, x + size, y + size))
    feature = layer.GetFeature(fid)          # kept: its geometry is freed with it
    return feature.GetGeometryRef().Intersects(rect)


def test_the_file_has_gdals_triggers_and_takes_a_live_recheck_edit(tmp_path):
    """The triggers are GDAL's own (the guard lets a decision or re-check write); rows written and
    deleted afterwards through OGR keep the R-tree sound, and QGIS reads the layer by extent."""
    from qgis.core import QgsFeatureRequest, QgsGeometry, QgsRectangle, QgsVectorLayer

    from plugin.core.review import findings as findings_mod
    from plugin.core.review import guard
    path = written(tmp_path, findings(3000))
    reference = str(tmp_path / "reference.gpkg")
    source = ogr.Open(path)                  # kept open while its layer's CRS is used
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(reference)
    findings_mod._table(dataset, "findings", findings_mod.FINDING_FIELDS, source.GetLayer("findings").GetSpatialRef())
    dataset = source = None

    def triggers(file):
        with contextlib.closing(sqlite3.connect(file)) as db:
            return sorted(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                     "AND tbl_name = 'findings'"))
    assert triggers(path) == triggers(reference) and len(triggers(path)) >= 8       # (GDAL 3.13 makes 9)
    with contextlib.closing(sqlite3.connect(path)) as db:
        guard.check(db, path, writing=True)
        assert db.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'findings'").fetchone() == (3000,)
    with findings_mod.updating(path) as dataset:
        layer = dataset.GetLayerByName("findings")
        for fid in range(1, 400, 3):
            layer.DeleteFeature(fid)
        findings_mod.insert_finding(layer, {"finding_id": "new", "rule_id": "CL-01"},
                                    QgsGeometry.fromWkt("POLYGON((1 1, 2 1, 2 2, 1 1))"))
    assert rtree_checked(path) == "ok"
    layer = QgsVectorLayer(path + "|layername=findings", "findings", "ogr")
    assert layer.featureCount() == 3000 - 133 + 1
    near = [f["finding_id"] for f in layer.getFeatures(QgsFeatureRequest().setFilterRect(QgsRectangle(0, 0, 3, 3)))]
    assert near == ["new"]


def test_no_findings_and_only_findings_without_a_place(tmp_path):
    """An empty layer, and one whose rows have no geometry: the R-tree stays empty and sound."""
    from plugin.core.check.rules.base import Finding
    path = written(tmp_path, [])
    dataset = ogr.Open(path)
    assert rtree_checked(path) == "ok" and dataset.GetLayer("findings").GetFeatureCount() == 0
    path = written(tmp_path, [Finding("IND-01", "warning", "村庄建设用地超出 {}".format(k), extra={"x": 1.0, "y": 2.0})
                              for k in range(3)])
    dataset = ogr.Open(path)
    layer = dataset.GetLayer("findings")
    assert rtree_checked(path) == "ok" and layer.GetFeatureCount() == 3
    assert [f.GetGeometryRef() for f in layer] == [None] * 3


def test_values_of_other_types_are_written_as_ogr_wrote_them(tmp_path):
    """A NumPy integer fid, a code held as a number, a NumPy float area: written as int, text and real."""
    import numpy as np
    from qgis.core import QgsGeometry

    from plugin.core.check.rules.base import Finding
    path = written(tmp_path, [Finding("CL-01", "error", "m", plan_layer="GHYDYH", plan_fid=np.int64(5), plan_code=701,
                                      control_fid=np.int32(3), area_m2=np.float64(400.0),
                                      geometry=QgsGeometry.fromWkt("POLYGON((0 0, 20 0, 20 20, 0 20, 0 0))"))])
    dataset = ogr.Open(path)
    feature = dataset.GetLayer("findings").GetNextFeature()
    assert (feature.GetField("plan_fid"), feature.GetField("plan_code"), feature.GetField("control_fid"),
            feature.GetField("area_m2")) == (5, "701", 3, 400.0)


def test_a_text_no_file_can_hold_is_a_write_error_and_the_previous_result_stays(tmp_path):
    """A lone surrogate in a message (a red team): OneMapError naming the output, not UnicodeEncodeError."""
    from plugin.core.check.rules.base import Finding
    from plugin.core.errors import OneMapError
    path = written(tmp_path, findings(3))
    before = open(path, "rb").read()
    with pytest.raises(OneMapError) as error:
        written(tmp_path, [Finding("CL-01", "error", "规划\ud800用地", plan_layer="GHYDYH", plan_fid=1)])
    assert "findings.gpkg" in str(error.value) and open(path, "rb").read() == before
    assert sorted(os.listdir(tmp_path)) == ["findings.gpkg"]
