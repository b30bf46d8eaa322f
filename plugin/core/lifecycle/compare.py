"""onemap:compareplans' engine: two plans, or the one map at two versions (or dates), laid over each other
(对比分析, GB/T 39972-2021).

Output GeoPackage: layer `changes` — each piece of ground whose use changed (`changed`: old and new
code), that only the old side holds (`removed`) or only the new one (`added`), with its area and the
parcels' labels (BSM/DKBH); `matched_by` says whether old and new parcel share that label or were
paired by their ground; table `summary` — per class (一级类 and 二级类) the old and new area and the
difference, for the whole and per village where the sources have villages (CJDCQ); table `run` — what
was compared (sources, states, hashes, time). Areas are planar in the 3° Gauss-Krüger zone of the
ground, as the checks' conflict areas are; pieces under NOISE_M2 are shared edges.
"""
import datetime
import os
import sqlite3
import urllib.parse
from contextlib import closing
from dataclasses import dataclass, field

from osgeo import ogr, osr
from qgis.core import QgsCoordinateTransform, QgsGeometry, QgsProject

from ..check.context import Feature, LayerData
from ..errors import OneMapError
from ..export.atomic import write_atomically
from ..paths import plugin_version
from ..read import crs as crsmod
from ..read.codes import code_list
from ..read.history import AsOf
from ..read.sources import open_source, source_files, source_hash, source_name
from . import overlay
from .overlay import NOISE_M2
from .parcels import landuse_key, layer_crs, read_parcels

ogr.UseExceptions()

CHANGE_ZH = {"added": "新增", "removed": "移出", "changed": "用途改变"}
CHANGE_FIELDS = [("change", ogr.OFTString), ("old_code", ogr.OFTString), ("old_name", ogr.OFTString),
                 ("new_code", ogr.OFTString), ("new_name", ogr.OFTString), ("area_m2", ogr.OFTReal),
                 ("old_label", ogr.OFTString), ("new_label", ogr.OFTString), ("matched_by", ogr.OFTString),
                 ("old_approval_no", ogr.OFTString), ("new_approval_no", ogr.OFTString), ("unit", ogr.OFTString)]
SUMMARY_FIELDS = [("unit", ogr.OFTString), ("level", ogr.OFTInteger), ("class_code", ogr.OFTString),
                  ("class_name", ogr.OFTString), ("old_m2", ogr.OFTReal), ("new_m2", ogr.OFTReal),
                  ("difference_m2", ogr.OFTReal)]
RUN_FIELDS = [("old_path", ogr.OFTString), ("old_state", ogr.OFTString), ("old_sha256", ogr.OFTString),
              ("new_path", ogr.OFTString), ("new_state", ogr.OFTString), ("new_sha256", ogr.OFTString),
              ("crs", ogr.OFTString), ("noise_m2", ogr.OFTReal), ("compared_at", ogr.OFTString),
              ("plugin_version", ogr.OFTString)]
ALIASES_ZH = {"change": "变化", "old_code": "原用途代码", "old_name": "原用途", "new_code": "新用途代码",
              "new_name": "新用途", "area_m2": "面积（平方米）", "old_label": "原地块", "new_label": "新地块",
              "matched_by": "对应方式", "old_approval_no": "原批复文号", "new_approval_no": "新批复文号", "unit": "所在村",
              "level": "级别", "class_code": "地类代码", "class_name": "地类", "old_m2": "原面积（平方米）",
              "new_m2": "新面积（平方米）", "difference_m2": "增减（平方米）"}


@dataclass
class Side:
    path: str
    as_of: object                     # core.read.history.AsOf or None
    source: object = None             # core.read.sources.PlanSource
    key: str = ""

    @property
    def state(self):
        """What was read: '现行' for a one map now, '版本 3' / '2024-05-01', or '' for a plan."""
        if self.as_of is not None:
            return self.as_of.zh
        return "现行" if self.key == "YPGHYDYH" else ""

    @property
    def name(self):
        """The source (its file's or schema's name) and the state read, e.g. 'onemap.gpkg（版本 2）'."""
        name = source_name(self.source.path)
        return "{}（{}）".format(name, self.state) if self.state else name


@dataclass
class Comparison:
    output: str
    old: Side
    new: Side
    changes: list = field(default_factory=list)      # dicts of CHANGE_FIELDS (+ '_geometry' in the output CRS)
    summary: list = field(default_factory=list)      # dicts of SUMMARY_FIELDS
    record: dict = field(default_factory=dict)

    def total(self, change):
        return sum(row["area_m2"] for row in self.changes if row["change"] == change)


def _class_rows(parcels):
    """{(level, class code): m²} of parcels (a LayerData) — 一级类 and 二级类 of each code."""
    areas = {}
    for feature in parcels.features:
        area = feature.shape.area()
        for level, size in ((1, 2), (2, 4)):
            if len(feature.code) >= size:
                key = (level, feature.code[:size])
                areas[key] = areas.get(key, 0.0) + area
    return areas


def _summary(unit, old, new):
    before, after = _class_rows(old), _class_rows(new)
    names = code_list("ydyh")
    return [{"unit": unit, "level": level, "class_code": code, "class_name": names.name(code) or "",
             "old_m2": before.get((level, code), 0.0), "new_m2": after.get((level, code), 0.0),
             "difference_m2": after.get((level, code), 0.0) - before.get((level, code), 0.0)}
            for level, code in sorted(set(before) | set(after))]


def _clipped(parcels, area):
    """The parcels' parts inside `area` (a unit's Feature), as a LayerData."""
    parts = []
    for feature in parcels.overlapping(area.box):
        part = feature.shape if area.prepared.contains(feature.shape) else area.prepared.common(feature.shape)
        if not part.isEmpty():
            parts.append(Feature(feature.fid, part, feature.attrs, feature.code, label=feature.label))
    return LayerData(parcels.key, parcels.name, parts, parcels.crs)


def _units(side, crs, context):
    """The villages of a side (its CJDCQ), or [] when it has none."""
    if side.source.get("CJDCQ") is None:
        return []
    villages = read_parcels(side.source, "CJDCQ", crs, transform_context=context)
    return [(str(v.attrs.get("ZLDWMC") or v.attrs.get("ZLDWDM") or v.label), v) for v in villages.features]


def _check_output(output, sides):
    if not output.lower().endswith(".gpkg"):
        raise OneMapError("对比结果应为 .gpkg 文件：{}".format(output), "The comparison is written as .gpkg: {}".format(output))
    target = os.path.realpath(output)
    for side in sides:
        files = [] if side.source.format == "postgis" else source_files(side.path)
        folder = os.path.realpath(side.path) if os.path.isdir(side.path) else None
        if target in map(os.path.realpath, files) or (folder and target.startswith(folder + os.sep)):
            raise OneMapError("对比结果 {} 不能是输入数据或位于其中".format(output),
                              "The comparison {} must not be, or lie inside, an input".format(output))
    if os.path.isfile(target) and os.path.getsize(target) and not is_comparison(target):
        raise OneMapError("{} 已存在且不是 OneMap 对比结果，不会覆盖".format(output),
                          "{} exists and is not a OneMap comparison: it is not replaced".format(output))
    return target


def is_comparison(path):
    """True for a GeoPackage compareplans wrote (tables changes, summary, run); never raises."""
    try:
        uri = "file:{}?mode=ro".format(urllib.parse.quote(path))
        with closing(sqlite3.connect(uri, uri=True)) as db:
            return {"changes", "summary", "run"} <= {row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")}
    except sqlite3.Error:
        return False


def compare(old, new, output, old_as_of=None, new_as_of=None, transform_context=None):
    """Compare two plans, or the one map at two states; write OUTPUT (.gpkg); return a Comparison."""
    context = transform_context or QgsProject.instance().transformContext()
    sides = [Side(old, AsOf.parse(old_as_of)), Side(new, AsOf.parse(new_as_of))]
    for side in sides:
        side.source = open_source(side.path, side.as_of)
        side.key = landuse_key(side.source)
    old_side, new_side = sides
    target = _check_output(output, sides)
    new_layer = new_side.source.open_layer(new_side.key)
    out_crs = layer_crs(new_layer, new_side.source.label)
    extent = new_layer.extent()
    if extent.isEmpty():
        old_layer = old_side.source.open_layer(old_side.key)
        extent = QgsCoordinateTransform(layer_crs(old_layer, old_side.source.label), out_crs,
                                        context).transformBoundingBox(old_layer.extent())
    if extent.isEmpty():
        raise OneMapError("两侧都没有地块，无法对比", "Neither side has parcels: nothing to compare")
    working = crsmod.working_crs(out_crs, extent, context)
    olds = read_parcels(old_side.source, old_side.key, working, transform_context=context)
    news = read_parcels(new_side.source, new_side.key, working, transform_context=context)
    result = Comparison(target, old_side, new_side)
    result.changes = _changes(olds, news)
    units = _units(new_side, working, context) or _units(old_side, working, context)
    result.summary = _summary("", olds, news)
    for name, unit in units:
        result.summary += _summary(name, _clipped(olds, unit), _clipped(news, unit))
        for row in result.changes:
            if not row["unit"] and unit.prepared.contains(row["_point"]):
                row["unit"] = name
    to_output = QgsCoordinateTransform(working, out_crs, context) if working != out_crs else None
    for row in result.changes:
        if to_output is not None:
            row["_geometry"].transform(to_output)
    result.record = {"old_path": old_side.source.label, "old_state": old_side.state,
                     "old_sha256": source_hash(old_side.source.path), "new_path": new_side.source.label,
                     "new_state": new_side.state, "new_sha256": source_hash(new_side.source.path),
                     "crs": working.authid(), "noise_m2": NOISE_M2, "plugin_version": plugin_version(),
                     "compared_at": datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds")}
    write_atomically(target, lambda temporary: _write(temporary, result, out_crs))
    return result


def _changes(olds, news):
    """The rows of `changes`, geometry (in the working CRS) under '_geometry', a point on it under '_point'."""
    names = code_list("ydyh")
    old_labels = {f.label for f in olds.features} if olds.labelled else set()
    new_labels = {f.label for f in news.features} if news.labelled else set()
    rows = []

    def row(change, geometry, old=None, new=None):
        old_label = old.label if old is not None and olds.labelled else ""
        new_label = new.label if new is not None and news.labelled else ""
        if new is None and old_label in new_labels:        # the parcel goes on under its label, on less ground
            new_label = old_label
        if old is None and new_label in old_labels:
            old_label = new_label
        rows.append({"change": change, "old_code": old.code if old else "", "new_code": new.code if new else "",
                     "old_name": names.name(old.code) if old else "", "new_name": names.name(new.code) if new else "",
                     "area_m2": geometry.area(), "old_label": old_label, "new_label": new_label,
                     "matched_by": "label" if old_label and old_label == new_label else (
                         "geometry" if old is not None and new is not None else ""),
                     "old_approval_no": (old.attrs.get("PFWH") or "") if old else "",
                     "new_approval_no": (new.attrs.get("PFWH") or "") if new else "", "unit": "",
                     "_geometry": geometry, "_point": geometry.pointOnSurface()})

    for new, old, piece, _area in overlay.pieces(news.features, olds, NOISE_M2):
        if new.code != old.code:
            row("changed", piece, old, new)
    for old in olds.features:
        rest = overlay.uncovered(old, news, NOISE_M2)
        if rest is not None:
            row("removed", rest, old=old)
    for new in news.features:
        rest = overlay.uncovered(new, olds, NOISE_M2)
        if rest is not None:
            row("added", rest, new=new)
    return rows


def _write(path, result, crs):
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.SetFromUserInput(crs.authid() or crs.toWkt())
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    for name, fields, rows, layer_srs in (("changes", CHANGE_FIELDS, result.changes, srs),
                                          ("summary", SUMMARY_FIELDS, result.summary, None),
                                          ("run", RUN_FIELDS, [result.record], None)):
        layer = dataset.CreateLayer(name, layer_srs, ogr.wkbMultiPolygon if layer_srs else ogr.wkbNone, ["FID=fid"])
        for field_name, kind in fields:
            definition = ogr.FieldDefn(field_name, kind)
            definition.SetAlternativeName(ALIASES_ZH.get(field_name, ""))
            layer.CreateField(definition)
        dataset.StartTransaction()
        for values in rows:
            feature = ogr.Feature(layer.GetLayerDefn())
            for field_name, _kind in fields:
                if values.get(field_name) not in (None, ""):
                    feature.SetField(field_name, values[field_name])
            if "_geometry" in values:
                multi = QgsGeometry(values["_geometry"])
                multi.convertToMultiType()
                feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(bytes(multi.asWkb())))
            layer.CreateFeature(feature)
        dataset.CommitTransaction()
    dataset = None
