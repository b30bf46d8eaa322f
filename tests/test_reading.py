"""A layer read through GDAL's Arrow batches or through QGIS gives the same features, so the same findings."""
import os
import re

import pytest
from osgeo import gdal

from conftest import sample
from plugin.core.check import reading
from plugin.core.check.engine import verify


def findings(result):
    """Every finding as a comparable row, its part as WKT rounded to the millimetre."""
    return sorted((f.rule_id, f.severity, f.message, f.plan_layer, f.plan_fid, f.plan_label, f.control_layer,
                   f.control_fid, None if f.area_m2 is None else round(f.area_m2, 6),
                   f.geometry.asWkt(3) if f.geometry is not None else None) for f in result.findings)


def paths_taken(monkeypatch, source=None):
    """The paths read_layer took ('arrow' or 'qgis') by layer name, for the layers of `source` (a path) or all."""
    taken = {}
    arrow, qgis = reading.read_arrow, reading.read_qgis

    def mine(found):
        return source is None or found.uri.startswith(source)

    def by_arrow(path, found, *args):
        table = arrow(path, found, *args)
        if mine(found):
            taken[found.name] = "arrow" if table is not None else "qgis"
        return table

    def by_qgis(layer, found, *args):
        if mine(found):
            taken.setdefault(found.name, "qgis")
        return qgis(layer, found, *args)
    monkeypatch.setattr(reading, "read_arrow", by_arrow)
    monkeypatch.setattr(reading, "read_qgis", by_qgis)
    return taken


def both_ways(monkeypatch, plan, onemap):
    """(findings read through Arrow where possible, findings read through QGIS only, paths taken)."""
    taken = paths_taken(monkeypatch)
    with_arrow = findings(verify(plan, onemap))
    monkeypatch.setattr(reading, "HAS_ARROW", False)            # an older GDAL
    with_qgis = findings(verify(plan, onemap))
    return with_arrow, with_qgis, taken


def test_geopackages_read_through_arrow_give_the_findings_of_qgis(monkeypatch):
    with_arrow, with_qgis, taken = both_ways(monkeypatch, sample("village_conflicts.gpkg"),
                                             sample("township_onemap.gpkg"))
    assert with_arrow == with_qgis and len(with_arrow) > 10
    assert taken["GHDLTB"] == "arrow" and taken["永久基本农田"] == "arrow"


def test_filegdb_read_through_arrow_gives_the_findings_of_qgis(monkeypatch):
    with_arrow, with_qgis, taken = both_ways(monkeypatch, sample("village_realdb"), sample("township_onemap.gpkg"))
    assert with_arrow == with_qgis and len(with_arrow) > 5
    assert taken["GHDLTB"] == "arrow"


def test_a_turned_densified_tier_read_through_arrow_gives_the_findings_of_qgis(monkeypatch, tmp_path):
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
    from bench_data import Tier, generate
    plan, onemap, _expected = generate(Tier("2k", 45, turn=15.0, vertices=33), str(tmp_path))
    with_arrow, with_qgis, taken = both_ways(monkeypatch, plan, onemap)
    assert with_arrow == with_qgis and len(with_arrow) > 400
    assert taken["GHYDYH"] == taken["CZKFBJ"] == "arrow"     # the other projection through QGIS's own pipeline


def test_nulls_numbers_and_empty_strings_come_through_arrow_as_through_qgis(monkeypatch, tmp_path):
    """Land use with a NULL code, a numeric code field (101 for 0101), blank and NULL labels."""
    from osgeo import ogr
    plan = str(tmp_path / "plan.gpkg")
    gdal.VectorTranslate(plan, sample("village_conflicts.gpkg"))
    dataset = ogr.Open(plan, 1)
    layer = dataset.GetLayerByName("GHDLTB")
    for number, feature in enumerate(list(layer)):
        if number == 0:
            feature.SetFieldNull("GHDLBM")
        elif number == 1:
            feature.SetField("BSM", "")
        elif number == 2:
            feature.SetFieldNull("BSM")
        layer.SetFeature(feature)
    dataset = None
    with_arrow, with_qgis, taken = both_ways(monkeypatch, plan, sample("township_onemap.gpkg"))
    assert with_arrow == with_qgis and taken["GHDLTB"] == "arrow"
    assert any(row[0] == "ATT-01" and "必填字段" in row[2] for row in with_arrow)    # the NULL code is reported


def test_what_arrow_cannot_read_is_read_by_qgis(monkeypatch, tmp_path):
    """A shapefile folder (its encoding is QGIS's to apply): QGIS reads it."""
    shapefiles = tmp_path / "village_shp"
    gdal.VectorTranslate(str(shapefiles), sample("village_clean.gpkg"), format="ESRI Shapefile",
                         layerCreationOptions=["ENCODING=UTF-8"])
    taken = paths_taken(monkeypatch, str(shapefiles))
    verify(str(shapefiles), sample("township_onemap.gpkg"))
    assert taken and set(taken.values()) == {"qgis"}


def test_a_project_layer_with_unsaved_edits_is_read_by_qgis(monkeypatch, qgis_app):
    from qgis.core import QgsProject, QgsVectorLayer

    from plugin.core.read.layer_source import layer_source
    layer = QgsVectorLayer(sample("village_conflicts.gpkg") + "|layername=GHDLTB", "GHDLTB", "ogr")
    layer.startEditing()
    feature = next(layer.getFeatures())
    layer.changeAttributeValue(feature.id(), layer.fields().indexOf("GHDLBM"), "1001")   # not saved
    taken = paths_taken(monkeypatch)
    result = verify(layer_source(layer, QgsProject.instance()), sample("township_onemap.gpkg"))
    layer.rollBack()
    assert taken["GHDLTB"] == "qgis"
    assert any(f.plan_fid == feature.id() and f.plan_code == "1001" for f in result.findings)


def test_a_ring_stored_unclosed_is_judged_as_qgis_closes_it(monkeypatch, tmp_path):
    """A 200 m² 耕地 sliver (minimum 400 m²) whose ring of six points is stored unclosed, as some tools write: GEO-04
    reports it and GEO-06 sums the closed ring's area, through Arrow as through QGIS (red-team e6: the open
    ring's shoelace cleared the sliver and halved its area)."""
    import struct

    from osgeo import ogr

    from helpers import gpkg, square
    x, y = 560000.0, 4100000.0
    plan = gpkg(tmp_path / "plan.gpkg", 4546, {
        "GHYDYH": ([("YDYHFLDM", ogr.OFTString)], [(square(x, y, x + 2000, y + 1000), {"YDYHFLDM": "0701"})]),
        "CJDCQ": ([("ZLDWMC", ogr.OFTString)], [(square(x, y, x + 2020, y + 1000), {"ZLDWMC": "村"})])})
    points = [(x + 2000, y), (x + 2010, y), (x + 2020, y), (x + 2020, y + 10), (x + 2010, y + 10), (x + 2000, y + 10)]
    sliver = struct.pack("<BII", 1, 6, 1) + struct.pack("<BII", 1, 3, 1) + struct.pack("<I", len(points)) + \
        b"".join(struct.pack("<dd", *p) for p in points)
    dataset = ogr.Open(plan, 1)
    layer = dataset.GetLayerByName("GHYDYH")
    feature = ogr.Feature(layer.GetLayerDefn())
    feature.SetField("YDYHFLDM", "0103")
    feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(sliver))
    layer.CreateFeature(feature)
    dataset = None
    with_arrow, with_qgis, taken = both_ways(monkeypatch, plan, sample("township_onemap.gpkg"))
    assert taken["GHYDYH"] == "arrow" and with_arrow == with_qgis
    assert [row[8] for row in with_arrow if row[0] == "GEO-04"] == [200.0]
    total, village = map(float, re.findall(r"([\d.]+) 平方米", next(row[2] for row in with_arrow if row[0] == "GEO-06"))[:2])
    assert total == pytest.approx(2000200.0 * village / (2020.0 * 1000.0), abs=0.5)     # the sliver counted whole
