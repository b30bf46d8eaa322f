"""The findings GeoPackage: layer `findings`, tables `rules`, `indicators`, `run` and `decisions`; written atomically.

It is the source of truth for everything after a check (browser, reviewer decisions, reports):
each finding carries a stable `finding_id` so decisions can be matched again after a re-run.
"""
import contextlib
import hashlib
import os

from osgeo import ogr, osr
from qgis.core import QgsGeometry

from ..errors import OneMapError
from ..outputs import atomic_output, check_written

ogr.UseExceptions()

FINDING_FIELDS = [
    ("finding_id", ogr.OFTString), ("rule_id", ogr.OFTString), ("severity", ogr.OFTString),
    ("message", ogr.OFTString), ("rule_title", ogr.OFTString), ("rule_title_en", ogr.OFTString),
    ("plan_layer", ogr.OFTString), ("plan_fid", ogr.OFTInteger64), ("plan_code", ogr.OFTString),
    ("control_layer", ogr.OFTString), ("control_fid", ogr.OFTInteger64), ("area_m2", ogr.OFTReal),
    ("x", ogr.OFTReal), ("y", ogr.OFTReal), ("plan_label", ogr.OFTString), ("detail", ogr.OFTString),
    ("village", ogr.OFTString),
]
RULE_FIELDS = [("rule_id", ogr.OFTString), ("kind", ogr.OFTString), ("severity", ogr.OFTString),
               ("title", ogr.OFTString), ("title_en", ogr.OFTString), ("clause", ogr.OFTString),
               ("clause_source", ogr.OFTString), ("status", ogr.OFTString), ("findings", ogr.OFTInteger),
               ("reason", ogr.OFTString), ("reason_en", ogr.OFTString), ("clause_status", ogr.OFTString)]
INDICATOR_FIELDS = [("village_code", ogr.OFTString), ("indicator", ogr.OFTString), ("compare", ogr.OFTString),
                    ("allocated_value", ogr.OFTReal), ("unit", ogr.OFTString), ("allocated_m2", ogr.OFTReal),
                    ("planned_m2", ogr.OFTReal), ("planned_ha", ogr.OFTReal), ("planned_mu", ogr.OFTReal),
                    ("difference_m2", ogr.OFTReal), ("tolerance_m2", ogr.OFTReal), ("status", ogr.OFTString),
                    ("note", ogr.OFTString),
                    # a figure not in m² (总建筑面积 万平方米, facilities 处, a share %) in the allocation's unit,
                    # and the rule that made the row (several rules record indicators in a detailed plan)
                    ("planned_value", ogr.OFTReal), ("rule_id", ogr.OFTString)]
RUN_FIELDS = [("run_id", ogr.OFTString), ("plugin_version", ogr.OFTString), ("qgis_version", ogr.OFTString),
              ("ruleset_id", ogr.OFTString), ("ruleset_path", ogr.OFTString), ("ruleset_sha256", ogr.OFTString),
              ("plan_kind", ogr.OFTString), ("plan_kind_reason", ogr.OFTString), ("plan_path", ogr.OFTString), ("plan_sha256", ogr.OFTString),
              ("onemap_path", ogr.OFTString), ("onemap_sha256", ogr.OFTString), ("crs", ogr.OFTString),
              ("plan_crs", ogr.OFTString), ("started", ogr.OFTString), ("finished", ogr.OFTString),
              ("errors", ogr.OFTInteger), ("warnings", ogr.OFTInteger), ("infos", ogr.OFTInteger),
              ("not_applicable", ogr.OFTInteger), ("rule_errors", ogr.OFTInteger),
              ("pushed_down", ogr.OFTString),          # the rules that ran as SQL in the PostGIS database
              ("villages", ogr.OFTString),             # the plan's village names, a JSON list (for the exports)
              ("as_of", ogr.OFTString), ("change", ogr.OFTString),   # core.lifecycle: one map as of, plan declared as
              ("checked_by", ogr.OFTString)]

# Reviewer decisions (core.review.decisions): created empty by every run, filled from the panel or carried
# over from a previous run; `resolved` = 1 when the decided finding no longer occurs, `review` = 1 when
# it was carried onto a finding whose severity or wording changed (需复核 until the reviewer confirms).
DECISION_FIELDS = [("finding_id", ogr.OFTString), ("decision", ogr.OFTString), ("reason", ogr.OFTString),
                   ("approval_no", ogr.OFTString), ("reviewer", ogr.OFTString), ("decided_at", ogr.OFTString),
                   ("resolved", ogr.OFTInteger), ("rule_id", ogr.OFTString), ("message", ogr.OFTString),
                   ("review", ogr.OFTInteger)]
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
POLYGON_HEADER, MULTI_HEADER = b"\x01\x03\x00\x00\x00", b"\x01\x06\x00\x00\x00\x01\x00\x00\x00"   # little-endian WKB
STATUS_ZH = {"passed": "通过", "failed": "未通过", "not_applicable": "不适用", "error": "执行出错"}
# Chinese field names: set on the loaded layer, and stored as GeoPackage field aliases where GDAL >= 3.7
# writes them (gpkg_data_columns).
ALIASES_ZH = {
    "finding_id": "问题编号", "rule_id": "规则编号", "severity": "级别", "message": "问题说明", "rule_title": "规则",
    "rule_title_en": "规则（英文）", "plan_layer": "规划图层", "plan_fid": "规划要素 FID", "plan_code": "用地用海代码",
    "control_layer": "对照图层", "control_fid": "对照要素 FID", "area_m2": "面积（平方米）", "x": "X 坐标",
    "y": "Y 坐标", "plan_label": "规划图斑（标识码/编号）", "detail": "技术细节", "village": "所在村", "decision": "审查决定",
    "reason": "理由", "approval_no": "批复文号", "reviewer": "审查人", "decided_at": "决定时间", "resolved": "已消除",
    "review": "需复核",
}


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
        dataset = open_findings(path)
    except OneMapError:
        return ""
    run = dataset.GetLayerByName("run")
    feature = run.GetNextFeature() if run is not None else None
    return (feature.GetField("plan_path") or "") if feature is not None else ""


@contextlib.contextmanager
def updating(path):
    """The findings GeoPackage opened for update inside one transaction: committed when the block ends,
    rolled back (and re-raised) if it fails, closed either way."""
    dataset = open_findings(path, update=True)
    dataset.StartTransaction()
    try:
        yield dataset
        dataset.CommitTransaction()
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


def _field_setters(layer):
    """(name, index, setter) per field, looked up once per table: SetField by name searches every field."""
    definition = layer.GetLayerDefn()
    setters = []
    for index in range(definition.GetFieldCount()):
        field = definition.GetFieldDefn(index)
        setters.append((field.GetName(), index, _TYPED.get(field.GetType(), ogr.Feature.SetField)))
    return setters


def _insert(layer, values, geometry=None, setters=None):
    _create(layer, [values.get(name) for name, _index, _setter in setters or _field_setters(layer)],
            None if geometry is None or geometry.isEmpty() else bytes(geometry.asWkb()), setters)


def _create(layer, values, wkb=None, setters=None):
    """One row: `values` in the layer's field order, `wkb` its geometry (made multipart) or None."""
    feature = ogr.Feature(layer.GetLayerDefn())
    for (_name, index, setter), value in zip(setters or _field_setters(layer), values):
        if value is not None:
            setter(feature, index, str(value) if setter is ogr.Feature.SetFieldString else value)
    if wkb:
        feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(_multi(wkb)))
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


def _write_findings(layer, findings, rules_by_id):
    """The `findings` rows: each finding's values taken straight into the field order, its part's WKB
    straight into OGR (no QgsGeometry unless it must be made multipart)."""
    setters = _field_setters(layer)
    names = [name for name, _index, _setter in setters]
    for finding in findings:
        row = finding_values(finding, rules_by_id[finding.rule_id])
        _create(layer, [row[name] for name in names], finding.wkb, setters)


def write_results(path, result, inputs=()):
    """Write the run's GeoPackage atomically (core.outputs: never over an input, checked before it replaces)."""
    with atomic_output(path, inputs) as temporary:
        dataset = ogr.GetDriverByName("GPKG").CreateDataSource(temporary)
        srs = osr.SpatialReference()
        srs.SetFromUserInput(result.crs.authid() or result.crs.toWkt())
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        layer = _table(dataset, "findings", FINDING_FIELDS, srs)
        dataset.StartTransaction()                      # one transaction, fields by index: 200k findings in seconds
        _write_findings(layer, result.findings, result.rules_by_id)
        dataset.CommitTransaction()
        dataset.ExecuteSQL("CREATE INDEX findings_plan_fid ON findings(plan_fid)")   # core.check.recheck: one parcel's
        rules = _table(dataset, "rules", RULE_FIELDS)
        for outcome in result.outcomes:
            _insert(rules, outcome)
        indicators = _table(dataset, "indicators", INDICATOR_FIELDS)
        columns = {name for name, _type in INDICATOR_FIELDS}
        for row in result.indicators:
            _insert(indicators, {k: v for k, v in row.items() if k in columns})
        _insert(_table(dataset, "run", RUN_FIELDS), result.record)
        decisions = _table(dataset, "decisions", DECISION_FIELDS)
        for row in result.decisions:
            _insert(decisions, vars(row))          # core.review.decisions.Decision
        dataset = None
        check_written(temporary, {"findings": len(result.findings), "rules": len(result.outcomes),
                                  "indicators": len(result.indicators), "run": 1, "decisions": len(result.decisions)})
    return os.path.realpath(path)
