"""A recognised layer read once into a FeatureTable: through GDAL's Arrow batches where it can, else
through QGIS's feature iterator. Both give the same columns (fid, WKB, code, label, canonical fields),
so every rule sees the same features whichever path ran.

The Arrow path (`ogr.Layer.GetArrowStreamAsNumPy`, GDAL ≥ 3.6) reads a GeoPackage or FileGDB layer
a batch at a time as NumPy arrays: no QgsFeature, no QVariant, no QgsGeometry per feature. A layer in
another projection is reprojected there, all its points through the PROJ pipeline QGIS instantiates
for the transform (so QGIS's coordinates, to the last bit). It is used when every field the schema
maps is a plain string or number. Otherwise — a PostGIS table (read through QGIS's provider), a
project layer with unsaved edits, a shapefile (its encoding is QGIS's to apply), a curved or Z
geometry to reproject, a date field, an older GDAL — QGIS reads the layer as before.
"""
import operator
import struct

import numpy as np
from osgeo import gdal, ogr, osr
from qgis.core import QgsCsException, QgsFeatureRequest, QgsPointXY, QgsProviderRegistry
from qgis.PyQt.QtCore import QVariant

from ..read.codes import normalize_code
from ..read.schema import schema
from .compact import COMPACT_OVER, FeatureTable, Shared
from .geomops import COORDINATE_LIMIT, SOUND_RING_POINTS, from_wkb
from .rings import Rings, Twins, WkbBlob, WkbBuilder

gdal.UseExceptions()
ogr.UseExceptions()

MAX_TEXT = 100           # characters of a code or name read from a plan that a finding carries (a BSM is 18)
POLL_EVERY = 4096        # features read between two looks at the cancel button (QGIS path)
TRANSFORM_CHUNK = 1 << 20   # points reprojected per call
ARROW_FORMATS = {"gpkg", "gdb", "gdbs"}
ARROW_FIELD_TYPES = {ogr.OFTString, ogr.OFTInteger, ogr.OFTInteger64, ogr.OFTReal}
HAS_ARROW = hasattr(ogr.Layer, "GetArrowStreamAsNumPy")


class FeatureReader:
    """What a run takes of a recognised layer's features: the canonical fields the schema maps, the code
    and the field that names a feature in messages (BSM, TBBH). Called with a QgsFeature it gives
    (canonical attrs, code, label) from one `attributes()` call (field positions looked up once); labels
    bounded as findings carry them, or `whole` as the layer holds them (what a merge writes)."""

    def __init__(self, found, names, whole=False):
        code_field = found.spec.field_for("code")
        code_name = found.fields.get(code_field.name) if code_field else None
        label_name = label_field(found, names)
        self.fields = {canonical: actual for canonical, actual in found.fields.items() if actual in names}
        self.code = code_name if code_name in names else None
        self.whole = whole
        self.label = label_name if label_name in names else None
        self.keys = tuple(self.fields)
        positions = [names.index(actual) for actual in self.fields.values()]
        self.code_at = names.index(self.code) if self.code is not None else None
        self.label_at = names.index(self.label) if self.label is not None else None
        self.positions = sorted(set(positions) | {p for p in (self.code_at, self.label_at) if p is not None})
        self._pick = (lambda values: (values[positions[0]],)) if len(positions) == 1 else (
            operator.itemgetter(*positions) if positions else (lambda values: ()))

    @property
    def names(self):
        """The layer's fields read."""
        return sorted(set(self.fields.values()) | {n for n in (self.code, self.label) if n is not None})

    def __call__(self, feature):
        values = feature.attributes()
        picked = self._pick(values)
        if QVariant in set(map(type, picked)):                 # a NULL among them
            picked = map(python_value, picked)
        code = bounded(normalize_code(python_value(values[self.code_at]))) if self.code_at is not None else ""
        label = label_text(values[self.label_at], self.whole) if self.label_at is not None else ""
        return dict(zip(self.keys, picked)), code, label


class Collected:
    """Columns gathered while reading, then made into a FeatureTable."""

    def __init__(self, keys, twin=None):
        self.keys = keys
        self.twin = twin
        self.fids, self.codes, self.labels = [], [], []
        self.wkbs = WkbBuilder(Twins(twin.wkbs) if twin is not None else None)
        self.columns = {key: [] for key in keys}
        self.share = Shared()
        self._codes = {}

    def code(self, value):
        """normalize_code, bounded, once per distinct value (a layer has few codes, many features)."""
        code = self._codes.get(value)
        if code is None:
            code = self._codes[value] = self.share(bounded(normalize_code(value)))
        return code

    def table(self, make, keep, wkbs=None):
        wkbs = wkbs or self.wkbs.done()
        return FeatureTable(make, self.fids, wkbs, self.codes, self.labels, self.columns, keep=keep,
                            twin=self.twin if wkbs.refs is not None else None)


def read_layer(source, found, layer, transform, near, make, poll, screen, where, twin=None):
    """The FeatureTable of a recognised layer. `layer` is its QgsVectorLayer (opened by the caller),
    `transform` a QgsCoordinateTransform to the working CRS or None, `near` a QgsRectangle in the
    layer's CRS to read within, or None; `make` builds a Feature; `poll` raises Cancelled; `screen` (a
    geomops.Screen) makes every geometry safe, noting what it changed under `where` = (side, key).
    `twin`: a FeatureTable already read (the plan's copy of this one-map layer) whose features this layer
    shares where their WKB bytes are the same (Arrow path, no reprojection: rings.Twins)."""
    keep = found.count <= COMPACT_OVER
    path = arrow_path(source, found)
    if transform is not None or (twin is not None and twin.wkbs.refs is not None):
        twin = None
    table = read_arrow(path, found, near, make, keep, poll, transform, screen, where, twin) \
        if path is not None else None
    if table is None:
        table = read_qgis(layer, found, transform, near, make, keep, poll, screen, where)
    return table


def arrow_path(source, found):
    """(dataset path, layer name) when the Arrow path can read this layer, else None."""
    if not HAS_ARROW or source.format not in ARROW_FORMATS or found.provider != "ogr" or not found.uri:
        return None
    if found.key in getattr(source, "snapshots", {}):            # a project layer, unsaved edits included
        return None
    parts = QgsProviderRegistry.instance().decodeUri("ogr", found.uri)
    if not parts.get("path") or parts.get("layerName") != found.name or parts.get("subset"):
        return None
    return parts["path"], found.name


def read_arrow(path, found, near, make, keep, poll, transform=None, screen=None, where=None, twin=None):
    """The table through GDAL's Arrow batches, reprojected by `transform`'s own PROJ pipeline when it is
    given, screened (see screened()), sharing `twin`'s features of the same bytes (read_layer); None when
    GDAL cannot give it so (QGIS reads it then)."""
    poll()
    try:
        dataset = gdal.OpenEx(path[0], gdal.OF_VECTOR | gdal.OF_READONLY)
        ogr_layer = dataset.GetLayerByName(path[1])
    except RuntimeError:
        ogr_layer = None
    if ogr_layer is None:
        return None
    definition = ogr_layer.GetLayerDefn()
    wanted = FeatureReader(found, [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())])
    types = {definition.GetFieldDefn(i).GetName(): (definition.GetFieldDefn(i).GetType(),
                                                    definition.GetFieldDefn(i).GetSubType())
             for i in range(definition.GetFieldCount())}
    for name in wanted.names:                  # a date, a boolean …: QGIS's values are the reference
        kind, subtype = types.get(name, (None, None))
        if kind not in ARROW_FIELD_TYPES or subtype != ogr.OFSTNone:
            return None
    ogr_layer.SetIgnoredFields([name for name in types if name not in wanted.names])
    if near is not None:
        ogr_layer.SetSpatialFilterRect(near.xMinimum(), near.yMinimum(), near.xMaximum(), near.yMaximum())
    fid_name = ogr_layer.GetFIDColumn() or "OGC_FID"
    geometry_name = (ogr_layer.GetGeometryColumn() or "wkb_geometry") if not found.spec.is_table else None
    collected = Collected(list(wanted.fields), twin if geometry_name is not None else None)
    for batch in ogr_layer.GetArrowStreamAsNumPy(options=["INCLUDE_FID=YES"]):
        poll()
        geometries = batch[geometry_name].tolist() if geometry_name is not None else None
        if near is not None:                    # no geometry, no place, so not near (as read_qgis)
            placed = np.array([bool(g) for g in geometries], dtype=bool)
            if not placed.all():
                batch = {name: column[placed] for name, column in batch.items()}
                geometries = [g for g in geometries if g]
        collected.fids.extend(batch[fid_name].tolist())
        if geometries is not None:
            collected.wkbs.extend(geometries)                          # copied into one buffer
        else:
            collected.wkbs.extend([None] * len(batch[fid_name]))
        values = {name: _python_values(batch[name], collected.share) for name in wanted.names}
        for key, actual in wanted.fields.items():
            collected.columns[key].extend(values[actual])
        count = len(batch[fid_name])
        collected.codes.extend(map(collected.code, values[wanted.code]) if wanted.code else [""] * count)
        collected.labels.extend(map(label_text, values[wanted.label]) if wanted.label else [""] * count)
    wkbs = collected.wkbs.done()
    if transform is not None:
        wkbs = reprojected(wkbs, transform)
        if wkbs is None:
            return None
    if screen is not None and not found.spec.is_table:
        missing = np.flatnonzero(wkbs.lengths() == 0) if near is None else []
        wkbs = screened(wkbs, collected.fids, screen, where, found.spec.geometry == "polygon", near is None)
        for number in missing:
            screen.missing((where[0], where[1], collected.fids[number]))
    return collected.table(make, keep, wkbs)


def screened(wkbs, fids, screen, where, polygonal, missing=True):
    """The WkbBlob with every geometry the screen would change replaced by what it keeps (geomops.Screen,
    one QgsGeometry each). A plain 2D one-ring polygon (or multipolygon of one such part) of finite
    coordinates and five points or more — the usual parcel — passes as read, judged for all features at
    once from its header and points (a chunk at a time: a million patches' points are never all held
    twice); any other goes through the screen (`missing`: whether bytes it cannot read are noted)."""
    count = len(wkbs)
    plain = np.zeros(count, dtype=bool)
    for start, part in wkbs.chunks() if polygonal else ():
        plain[start:start + len(part)] = _plain(Rings(part), len(part))
    suspects = np.flatnonzero(~plain & (wkbs.lengths() > 0))
    new = {}
    for number in suspects.tolist():
        shape = screen(from_wkb(wkbs.wkb(number)), None, (where[0], where[1], int(fids[number])), polygonal,
                       missing)
        new[number] = shape.asWkb() if not shape.isEmpty() else None
    return wkbs.replaced(new) if new else wkbs


def _plain(rings, count):
    """Per feature of `rings`: True for a plain 2D one-ring polygon of finite coordinates and
    SOUND_RING_POINTS points or more."""
    plain = np.zeros(count, dtype=bool)
    if not len(rings):
        return plain
    per_feature = np.bincount(rings.owner, minlength=count)
    sizes = np.diff(rings.starts)
    finite = np.isfinite(rings.x) & np.isfinite(rings.y) & (np.abs(rings.x) <= COORDINATE_LIMIT) & (
        np.abs(rings.y) <= COORDINATE_LIMIT)
    ring_ok = (sizes >= SOUND_RING_POINTS) & ~rings.hole
    nonempty = np.flatnonzero(sizes > 0)
    ring_ok[nonempty] &= np.logical_and.reduceat(finite, rings.starts[nonempty])
    plain[rings.owner[ring_ok]] = True
    return plain & rings.simple & (per_feature == 1)


def reprojected(wkbs, transform):
    """The WkbBlob with every point put through the PROJ pipeline QGIS instantiates for `transform` (so the
    coordinates are QGIS's to the last bit), a million points per call, a chunk of features at a time; None
    when the pipeline cannot be had or a point does not transform (QGIS then reads the layer and says what
    went wrong)."""
    blob = wkbs.blob if isinstance(wkbs.blob, bytearray) else bytearray(wkbs.blob)
    to_working = None
    for _start, part in WkbBlob(blob, wkbs.offsets).chunks():
        rings = Rings(part)
        if not rings.parsed.all():                        # curves, Z …: not read here
            return None
        if not len(rings.x):
            continue
        if to_working is None:
            to_working = operation(pipeline_of(transform, QgsPointXY(float(rings.x[0]), float(rings.y[0]))))
            if to_working is None:
                return None
        points = np.column_stack([rings.x, rings.y])
        for first in range(0, len(points), TRANSFORM_CHUNK):
            moved = through(to_working, points[first:first + TRANSFORM_CHUNK])
            if moved is None or not np.isfinite(moved).all():
                return None
            points[first:first + TRANSFORM_CHUNK] = moved
        for at, first, count in zip(rings.at.tolist(), rings.starts[:-1].tolist(), np.diff(rings.starts).tolist()):
            blob[at:at + 16 * count] = points[first:first + count].tobytes()
    return WkbBlob(blob, wkbs.offsets)


def pipeline_of(transform, point):
    """The PROJ pipeline QGIS uses for `transform` (known once `point` has gone through), or None."""
    try:
        transform.transform(point)
    except QgsCsException:
        return None
    return transform.instantiatedCoordinateOperationDetails().proj or None


def operation(pipeline):
    """GDAL's coordinate transformation running exactly that PROJ pipeline, or None."""
    options = osr.CoordinateTransformationOptions()
    if pipeline is None or not options.SetOperation(pipeline):
        return None
    return osr.CreateCoordinateTransformation(None, None, options)


def through(transformation, points):
    """(n, 2) float64 points put through a GDAL coordinate transformation in one call; None when it fails."""
    points = np.ascontiguousarray(points, dtype=np.float64)
    line = ogr.CreateGeometryFromWkb(struct.pack("<BII", 1, ogr.wkbLineString, len(points)) + points.tobytes())
    try:
        if line.Transform(transformation) != 0:
            return None
    except RuntimeError:
        return None
    return np.frombuffer(line.ExportToWkb(ogr.wkbNDR), dtype="<f8", offset=9).reshape(-1, 2)


def _python_values(column, share):
    """A batch's column as Python values, None where NULL; strings decoded from UTF-8 once per distinct
    value (codes and names repeat)."""
    mask = np.ma.getmaskarray(column) if np.ma.isMaskedArray(column) else None
    data = np.ma.getdata(column)
    if data.dtype.kind in "SO":
        distinct, inverse = np.unique(data.astype("S") if data.dtype.kind == "O" else data, return_inverse=True)
        decoded = [share(v.decode("utf-8", "replace")) for v in distinct.tolist()]    # (as QGIS reads bad UTF-8)
        values = [decoded[i] for i in inverse.tolist()]
    else:
        values = data.tolist()
    if mask is not None and mask.any():
        for number in np.flatnonzero(mask).tolist():
            values[number] = None
    return values


def read_qgis(layer, found, transform, near, make, keep, poll, screen=None, where=None):
    """The table through QGIS's feature iterator (any provider, project layers, reprojection); each
    geometry made safe by `screen` (geomops.Screen) before it is transformed."""
    read = FeatureReader(found, layer.fields().names())
    request = QgsFeatureRequest().setSubsetOfAttributes(read.positions)
    if found.spec.is_table:
        request.setFlags(QgsFeatureRequest.Flag.NoGeometry)
    if near is not None:
        request.setFilterRect(near)                 # GeoPackage R-tree / PostGIS GiST: only what lies near
    collected = Collected(read.keys)
    polygonal = found.spec.geometry == "polygon"         # facility points, boundary lines: kept as they are
    columns = [collected.columns[key] for key in read.keys]
    share = collected.share
    for number, feature in enumerate(layer.getFeatures(request)):
        if not number % POLL_EVERY:
            poll()
        geometry = feature.geometry() if not found.spec.is_table else None
        if near is not None and geometry.isEmpty():
            continue                   # no place, so not near (QGIS leaves out the filter on a layer inside it)
        attrs, code, label = read(feature)
        for column, value in zip(columns, attrs.values()):
            column.append(share(value))
        collected.fids.append(feature.id())
        if geometry is not None and screen is not None:
            geometry = screen(geometry, transform, (where[0], where[1], feature.id()), polygonal)
        elif geometry is not None and transform is not None and not geometry.isEmpty():
            geometry.transform(transform)
        if geometry is not None and not geometry.isEmpty():
            collected.wkbs.extend([geometry.asWkb()])
        else:
            collected.wkbs.extend([None])
        collected.codes.append(share(code))
        collected.labels.append(label)
    if not collected.fids:
        poll()
    return collected.table(make, keep)


def label_field(found, names):
    """The layer's field that names a feature in messages: the first of the schema's `feature_label`
    names (BSM, TBBH) the layer has, directly or as an alias of one of its spec's fields; else None."""
    by_upper = {n.upper(): n for n in names}
    for wanted in schema().label_fields(found.spec):          # BSM, TBBH; a 控规 parcel's DKBH
        if wanted.upper() in by_upper:
            return by_upper[wanted.upper()]
        for canonical, spec in found.spec.fields.items():
            if wanted.upper() in (a.upper() for a in [canonical] + spec.aliases) and canonical in found.fields:
                return found.fields[canonical]
    return None


def label_text(value, whole=False):
    """A BSM/TBBH value as text (bounded unless `whole`: the one map keeps a parcel's number as its plan
    has it), or '' (then its fid names it)."""
    value = python_value(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = "" if value is None else str(value).strip()
    return text if whole else bounded(text)


def bounded(text):
    """A text read from a plan as a finding carries it: at most MAX_TEXT characters, a cut one ending in '…' (a
    1 MB code would otherwise travel into every message, findings file and report that names it)."""
    return text[:MAX_TEXT - 1] + "…" if len(text) > MAX_TEXT else text


def python_value(value):
    """QGIS NULL (an empty QVariant) as None; everything else unchanged."""
    return None if isinstance(value, QVariant) and value.isNull() else value
