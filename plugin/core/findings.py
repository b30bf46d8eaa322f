"""The findings GeoPackage: layer `findings`, tables `rules`, `indicators` and `run`; written atomically.

It is the source of truth for everything after a check (browser, reviewer decisions, reports):
each finding carries a stable `finding_id` so decisions can be matched again after a re-run.
"""
import hashlib
import os
import tempfile

from osgeo import ogr, osr
from qgis.core import QgsGeometry

ogr.UseExceptions()

FINDING_FIELDS = [
    ("finding_id", ogr.OFTString), ("rule_id", ogr.OFTString), ("severity", ogr.OFTString),
    ("message", ogr.OFTString), ("rule_title", ogr.OFTString), ("rule_title_en", ogr.OFTString),
    ("plan_layer", ogr.OFTString), ("plan_fid", ogr.OFTInteger64), ("plan_code", ogr.OFTString),
    ("control_layer", ogr.OFTString), ("control_fid", ogr.OFTInteger64), ("area_m2", ogr.OFTReal),
    ("x", ogr.OFTReal), ("y", ogr.OFTReal),
]
RULE_FIELDS = [("rule_id", ogr.OFTString), ("kind", ogr.OFTString), ("severity", ogr.OFTString),
               ("title", ogr.OFTString), ("title_en", ogr.OFTString), ("clause", ogr.OFTString),
               ("clause_source", ogr.OFTString), ("status", ogr.OFTString), ("findings", ogr.OFTInteger),
               ("reason", ogr.OFTString)]
INDICATOR_FIELDS = [("village_code", ogr.OFTString), ("indicator", ogr.OFTString), ("compare", ogr.OFTString),
                    ("allocated_value", ogr.OFTReal), ("unit", ogr.OFTString), ("allocated_m2", ogr.OFTReal),
                    ("planned_m2", ogr.OFTReal), ("planned_ha", ogr.OFTReal), ("planned_mu", ogr.OFTReal),
                    ("difference_m2", ogr.OFTReal), ("tolerance_m2", ogr.OFTReal), ("status", ogr.OFTString),
                    ("note", ogr.OFTString)]
RUN_FIELDS = [("run_id", ogr.OFTString), ("plugin_version", ogr.OFTString), ("qgis_version", ogr.OFTString),
              ("ruleset_id", ogr.OFTString), ("ruleset_path", ogr.OFTString), ("ruleset_sha256", ogr.OFTString),
              ("plan_kind", ogr.OFTString), ("plan_path", ogr.OFTString), ("plan_sha256", ogr.OFTString),
              ("onemap_path", ogr.OFTString), ("onemap_sha256", ogr.OFTString), ("crs", ogr.OFTString),
              ("plan_crs", ogr.OFTString), ("started", ogr.OFTString), ("finished", ogr.OFTString),
              ("errors", ogr.OFTInteger), ("warnings", ogr.OFTInteger), ("infos", ogr.OFTInteger),
              ("not_applicable", ogr.OFTInteger), ("rule_errors", ogr.OFTInteger)]


def navigation_point(finding):
    """Where a reviewer should look: an explicit location, else a point on the conflicting part."""
    if "x" in finding.extra:
        return finding.extra["x"], finding.extra["y"]
    if finding.geometry is None or finding.geometry.isEmpty():
        return None, None
    point = finding.geometry.pointOnSurface()
    if point.isEmpty():
        point = finding.geometry.centroid()
    return point.asPoint().x(), point.asPoint().y()


def finding_id(finding, x, y):
    """Stable across re-runs of the same inputs: rule, features involved, area and location."""
    parts = [finding.rule_id, finding.plan_layer, finding.plan_fid, finding.control_layer, finding.control_fid,
             None if finding.area_m2 is None else round(finding.area_m2, 1),
             None if x is None else round(x, 1), None if y is None else round(y, 1)]
    return hashlib.sha1("|".join(map(str, parts)).encode("utf-8")).hexdigest()[:16]


def _table(dataset, name, fields, srs=None):
    layer = dataset.CreateLayer(name, srs, ogr.wkbMultiPolygon if srs is not None else ogr.wkbNone,
                                ["FID=fid", "GEOMETRY_NULLABLE=YES"] if srs is not None else ["FID=fid"])
    for field_name, field_type in fields:
        layer.CreateField(ogr.FieldDefn(field_name, field_type))
    return layer


_TYPED = {ogr.OFTString: ogr.Feature.SetFieldString, ogr.OFTInteger: ogr.Feature.SetFieldInteger64,
          ogr.OFTInteger64: ogr.Feature.SetFieldInteger64}


def _field_setters(layer):
    """(name, index, setter) per field, looked up once per table: SetField by name searches every field."""
    definition = layer.GetLayerDefn()
    setters = []
    for index in range(definition.GetFieldCount()):
        field = definition.GetFieldDefn(index)
        setters.append((field.GetName(), index, _TYPED.get(field.GetType(), ogr.Feature.SetField)))
    return setters


def _insert(layer, values, geometry=None, setters=None):
    feature = ogr.Feature(layer.GetLayerDefn())
    for name, index, setter in setters or _field_setters(layer):
        value = values.get(name)
        if value is not None:
            setter(feature, index, str(value) if setter is ogr.Feature.SetFieldString else value)
    if geometry is not None and not geometry.isEmpty():
        multi = QgsGeometry(geometry)
        multi.convertToMultiType()
        feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(bytes(multi.asWkb())))
    layer.CreateFeature(feature)


def write_results(path, result):
    """Write the run's GeoPackage to a temporary file beside `path`, then move it into place."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".onemap-", suffix=".gpkg", dir=folder)
    os.close(handle)
    os.remove(temporary)
    try:
        dataset = ogr.GetDriverByName("GPKG").CreateDataSource(temporary)
        srs = osr.SpatialReference()
        srs.SetFromUserInput(result.crs.authid() or result.crs.toWkt())
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        layer = _table(dataset, "findings", FINDING_FIELDS, srs)
        setters = _field_setters(layer)
        dataset.StartTransaction()                      # one transaction, fields by index: 200k findings in seconds
        for finding in result.findings:
            x, y = navigation_point(finding)
            values = {name: getattr(finding, name, None) for name, _t in FINDING_FIELDS}
            rule = result.rules_by_id[finding.rule_id]
            values.update(finding_id=finding_id(finding, x, y), x=x, y=y,
                          rule_title=rule.title["zh"], rule_title_en=rule.title["en"])
            _insert(layer, values, finding.geometry, setters)
        dataset.CommitTransaction()
        rules = _table(dataset, "rules", RULE_FIELDS)
        for outcome in result.outcomes:
            _insert(rules, outcome)
        indicators = _table(dataset, "indicators", INDICATOR_FIELDS)
        columns = {name for name, _type in INDICATOR_FIELDS}
        for row in result.indicators:
            _insert(indicators, {k: v for k, v in row.items() if k in columns})
        _insert(_table(dataset, "run", RUN_FIELDS), result.record)
        dataset = None
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path
