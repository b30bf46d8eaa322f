"""The findings GeoPackage: layer `findings`, tables `rules`, `indicators`, `run` and `decisions`; written atomically.

It is the source of truth for everything after a check (browser, reviewer decisions, reports):
each finding carries a stable `finding_id` so decisions can be matched again after a re-run.
"""
import contextlib
import hashlib
import operator
import os

from osgeo import ogr, osr
from qgis.core import QgsGeometry

from ..errors import OneMapError
from ..outputs import atomic_output, check_written
from . import gpkg_rows, readback
from .layout import (ALIASES_ZH, DECISION_FIELDS, FINDING_FIELDS, INDICATOR_FIELDS, RULE_FIELDS,
                     RUN_FIELDS)

ogr.UseExceptions()

POLYGON_HEADER, MULTI_HEADER = b"\x01\x03\x00\x00\x00", b"\x01\x06\x00\x00\x00\x01\x00\x00\x00"   # little-endian WKB


def open_findings(path, update=False):
    """The findings GeoPackage as an OGR dataset; OneMapError naming the file if it cannot be opened."""
    try:
        dataset = ogr.Open(path, 1 if update else 0)
    except RuntimeError:
        dataset = None
    if dataset is None:
        raise OneMapError("无法打开核对结果 {}".format(path), "Cannot open the findings GeoPackage {}".format(path))
    return dataset


def recorded_plan(path):
    """The plan (its label, as the run record names it) whose check wrote the findings GeoPackage;
    '' when the file or its run record cannot be read."""
    try:
        return readback.run_record(path).get("plan_path") or ""
    except OneMapError:
        return ""


@contextlib.contextmanager
def updating(path, run_id=None):
    """The findings GeoPackage opened for update inside one transaction: committed when the block ends,
    rolled back if it fails, closed either way. Only a file whose schema lets a write change nothing but
    the rows written (core.review.guard), and with `run_id` only the check opened as that run (not a
    file put in its place since); GDAL's errors come out as OneMapError naming the file."""
    with readback.connect(path, writing=True) as db:
        if run_id is not None:
            readback.same_run(db, path, run_id)
    dataset = open_findings(path, update=True)
    dataset.StartTransaction()
    try:
        yield dataset
        dataset.CommitTransaction()
    except RuntimeError as exc:
        dataset.RollbackTransaction()
        raise OneMapError("写入核对结果 {} 失败（{}），文件未改动".format(path, exc),
                          "Writing into the findings file {} failed ({}); it is unchanged".format(path, exc)) from exc
    except Exception:
        dataset.RollbackTransaction()
        raise
    finally:
        dataset = None


def navigation_point(finding):
    """Where a reviewer should look: an explicit location, else a point on the conflicting part (worked
    out once per part: villages, the findings file and carried decisions all ask)."""
    if "x" in finding.extra:
        return finding.extra["x"], finding.extra["y"]
    if finding.place is None:
        finding.place = _point_on(finding.geometry)
    return finding.place


def _point_on(geometry):
    if geometry is None or geometry.isEmpty():
        return None, None
    point = geometry.pointOnSurface()
    if point.isEmpty():
        point = geometry.centroid()
    return point.asPoint().x(), point.asPoint().y()


def finding_id(finding, x, y):
    """Stable across re-runs of the same inputs: rule, features involved, area and location."""
    parts = [finding.rule_id, finding.plan_layer, finding.plan_fid, finding.control_layer, finding.control_fid,
             None if finding.area_m2 is None else round(finding.area_m2, 1),
             None if x is None else round(x, 1), None if y is None else round(y, 1)]
    return hashlib.sha1("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def finding_values(finding, rule):
    """The `findings` row of a finding: its fields, stable id, navigation point and rule titles."""
    x, y = navigation_point(finding)
    values = {name: getattr(finding, name, None) for name, _t in FINDING_FIELDS}
    values.update(finding_id=finding_id(finding, x, y), x=x, y=y, rule_title=rule.title["zh"],
                  rule_title_en=rule.title["en"])
    return values


def insert_finding(layer, values, geometry):
    """Add one row to an open `findings` layer (core.check.recheck updates a GeoPackage in place)."""
    _insert(layer, values, geometry)


def _table(dataset, name, fields, srs=None):
    layer = dataset.CreateLayer(name, srs, ogr.wkbMultiPolygon if srs is not None else ogr.wkbNone,
                                ["FID=fid", "GEOMETRY_NULLABLE=YES"] if srs is not None else ["FID=fid"])
    for field_name, field_type in fields:
        definition = ogr.FieldDefn(field_name, field_type)
        if name in ("findings", "decisions") and field_name in ALIASES_ZH:
            definition.SetAlternativeName(ALIASES_ZH[field_name])
        layer.CreateField(definition)
    return layer


_TYPED = {ogr.OFTString: ogr.Feature.SetFieldString, ogr.OFTInteger: ogr.Feature.SetFieldInteger64,
          ogr.OFTInteger64: ogr.Feature.SetFieldInteger64}


def _insert(layer, values, geometry=None):
    """One row: `values` by field name, `geometry` a QgsGeometry (made multipart) or None."""
    definition = layer.GetLayerDefn()
    feature = ogr.Feature(definition)
    for index in range(definition.GetFieldCount()):
        field = definition.GetFieldDefn(index)
        value, setter = values.get(field.GetName()), _TYPED.get(field.GetType(), ogr.Feature.SetField)
        if value is not None:
            setter(feature, index, str(value) if setter is ogr.Feature.SetFieldString else value)
    if geometry is not None and not geometry.isEmpty():
        feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(_multi(bytes(geometry.asWkb()))))
    layer.CreateFeature(feature)


def _multi(wkb):
    """WKB of a polygon as a one-part multipolygon, by its header (the findings layer is MultiPolygon)."""
    if wkb[:5] == POLYGON_HEADER:
        return MULTI_HEADER + wkb
    if wkb[:5] == MULTI_HEADER[:5]:
        return wkb
    multi = QgsGeometry()
    multi.fromWkb(wkb)
    multi.convertToMultiType()
    return bytes(multi.asWkb())


def _finding_records(findings, rules_by_id):
    """(row in FINDING_FIELDS order, the finding's part as MultiPolygon WKB or None) of each finding, one at a
    time, for gpkg_rows.fill."""
    ordered = operator.itemgetter(*(name for name, _kind in FINDING_FIELDS))
    for finding in findings:
        yield (ordered(finding_values(finding, rules_by_id[finding.rule_id])),
               _multi(finding.wkb) if finding.wkb else None)


def _tables(path, result):
    """GDAL makes the GeoPackage — `findings` empty, with its R-tree and triggers — and writes the small
    tables. What GDAL fails to do as the dataset is let go it only logs: gpkg_rows.fill and check_written
    find the file incomplete (asking GDAL to finish first, with FlushCache, crashed GDAL 3.6 on a full disk)."""
    srs = osr.SpatialReference()
    srs.SetFromUserInput(result.crs.authid() or result.crs.toWkt())
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    columns = {name for name, _type in INDICATOR_FIELDS}
    small = [("rules", RULE_FIELDS, result.outcomes),
             ("indicators", INDICATOR_FIELDS, [{k: v for k, v in row.items() if k in columns} for row in result.indicators]),
             ("run", RUN_FIELDS, [result.record]),
             ("decisions", DECISION_FIELDS, [vars(row) for row in result.decisions])]   # review.decisions.Decision
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    try:
        _table(dataset, "findings", FINDING_FIELDS, srs)
        for name, fields, values in small:
            _insert_all(_table(dataset, name, fields), values)
    finally:
        dataset = None


def _insert_all(layer, rows):
    for values in rows:
        _insert(layer, values)


def write_results(path, result, inputs=()):
    """Write the run's GeoPackage atomically (core.outputs: never over an input, checked before it replaces):
    GDAL makes the tables and writes the small ones, gpkg_rows fills `findings` (a county has 300 000)."""
    with atomic_output(path, inputs) as temporary:
        _tables(temporary, result)
        gpkg_rows.fill(temporary, "findings", [name for name, _type in FINDING_FIELDS],
                       _finding_records(result.findings, result.rules_by_id),
                       indexes=["CREATE INDEX findings_plan_fid ON findings(plan_fid)"])   # core.check.recheck
        check_written(temporary, {"findings": len(result.findings), "rules": len(result.outcomes),
                                  "indicators": len(result.indicators), "run": 1, "decisions": len(result.decisions)})
    return os.path.realpath(path)
