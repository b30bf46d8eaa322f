"""A verification run's inputs, read once: plan and one-map layers in the working CRS, indexed.

Features are held in memory with a spatial index; rules ask for candidates by bounding box.
CRS decisions (assumed, detected, reprojected) are recorded for the crs rule to report.
"""
import operator
from dataclasses import dataclass

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import QVariant

from ..errors import Cancelled, OneMapError
from ..read import crs as crsmod
from ..read.codes import in_classes, normalize_code
from ..read.schema import schema
from .baseyear import BaseYear
from .boxindex import BoxIndex, box_of
from .compact import COMPACT_OVER, CompactFeatures
from .geomops import Prepared, Screen, polygonal, union
from .postgis_overlay import shared_database

POLL_EVERY = 4096        # features read, or box queries answered, between two looks at the cancel button


@dataclass
class Feature:
    fid: int
    geometry: QgsGeometry
    attrs: dict                      # canonical field -> value
    code: str = ""
    shape: QgsGeometry = None        # the geometry made valid, for every area computation
    label: str = ""                  # how messages name it: its BSM, else TBBH, else its fid
    _prepared: object = None
    box: tuple = None                # the shape's bounding box (xmin, ymin, xmax, ymax); None when empty

    def __post_init__(self):
        if not self.label:
            self.label = str(self.fid)
        if self.shape is None:
            empty_or_valid = self.geometry.isEmpty() or self.geometry.isGeosValid()
            self.shape = self.geometry if empty_or_valid else polygonal(self.geometry.makeValid())
        if self.box is None and not self.shape.isEmpty():
            self.box = box_of(self.shape)

    @property
    def prepared(self):
        if self._prepared is None:
            self._prepared = Prepared(self.shape)
        return self._prepared


class LayerData:
    """A layer's features in the working CRS; its spatial index is built on first use."""

    def __init__(self, key, name, features, crs=None, poll=None):
        self.key, self.name, self.features = key, name, features     # a list, or CompactFeatures
        self.crs = crs                   # the layer's own CRS (features are held in the working CRS)
        self.poll = poll                 # raises Cancelled when the run is cancelled (Context.poll)
        self._queries = 0
        self.compact = isinstance(features, CompactFeatures)
        self._by_fid = None
        self._index = None
        self._union = None

    @property
    def by_fid(self):
        if self._by_fid is None:
            self._by_fid = self.features.by_fid() if self.compact else {f.fid: f for f in self.features}
        return self._by_fid

    def union(self):
        """All shapes merged into one (computed once: the gap and coverage rules share it)."""
        if self._union is None:
            self._union = union(f.shape for f in self.features)
        return self._union

    @property
    def index(self):
        if self._index is None:
            if self.compact:                 # indexes numbers; Features are made for the ones found
                self._index = BoxIndex(range(len(self.features)), box=self.features.box)
            else:
                self._index = BoxIndex(self.features)
        return self._index

    def candidates(self, rect):
        """Features whose bounding box meets `rect` (a QgsRectangle or a box tuple), in layer order."""
        if isinstance(rect, QgsRectangle):
            rect = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
        return self._features(self.index.near(rect))

    def overlapping(self, box):
        """Features whose bounding box overlaps `box` with positive area: all that can share area with it."""
        return self._features(self.index.overlapping(box))

    def _features(self, found):
        """Compact layers: Features made one at a time as the caller walks them (never all at once).
        Every POLL_EVERY queries the run's cancel button is looked at: rules query per parcel."""
        self._queries += 1
        if self.poll is not None and not self._queries % POLL_EVERY:
            self.poll()
        return (self.features[n] for n in found) if self.compact else found


@dataclass
class CrsNote:
    side: str                        # 'plan' or 'onemap'
    layer: str
    level: str                       # 'error', 'warning', 'info'
    text: str                        # Chinese, as findings messages are


class Context:
    def __init__(self, plan, onemap, ruleset, transform_context=None, feedback=None):
        self.plan, self.onemap, self.ruleset = plan, onemap, ruleset
        self.feedback = feedback         # a QgsFeedback whose cancel stops reading and rules (poll)
        # captured on the calling thread: a QgsTask must not touch the project while it runs
        self.transform_context = transform_context or QgsProject.instance().transformContext()
        self.crs_notes = []
        self.screen = Screen()           # every geometry read made safe; its notes for the `usable` rule
        self.indicator_rows = []         # filled by the indicator rule, written to the `indicators` table
        self._cache = {}
        self._plan_box = None
        self.read_near_plan = True       # one-map layers read only around the plan (off for live edits)
        self.database = shared_database(plan, onemap)     # both in one PostGIS database: overlaps run there
        self._crs_of = {}
        self._base_year = None
        self.plan_kind = None            # the engine's plankind.KindDecision (said out loud by KIND-01)
        self.as_of = None                # the one map's approved plans read as of (core.read.history.AsOf)
        self.declared_change = ""        # what the plan declares itself: 新编, 修改 … (core.lifecycle.changes)
        self._measures = None
        landuse = plan.open_layer("GHYDYH")
        self._opened = {("plan", "GHYDYH"): landuse}       # read again by _load: open it once
        self.plan_crs = self._layer_crs("plan", plan.get("GHYDYH").name, landuse, fallback=None)
        if not self.plan_crs.isValid():
            raise OneMapError("无法确定规划用地图层的坐标系：{}".format(plan.label),
                              "Cannot determine the CRS of the plan's land-use layer: {}".format(plan.label))
        try:
            self.crs = crsmod.working_crs(self.plan_crs, landuse.extent(), self.transform_context)
        except QgsCsException:
            extent = landuse.extent().toString(0)
            raise OneMapError("规划用地图层的坐标（{}）不在其坐标系 {} 的范围内：{}".format(extent, self.plan_crs.authid(), plan.label),
                              "The plan's land-use coordinates ({}) lie outside its CRS {}: {}".format(
                                  extent, self.plan_crs.authid(), plan.label))

    def _layer_crs(self, side, name, layer, fallback):
        """The layer's CRS; a missing one is guessed from zone-prefixed x values or taken from fallback."""
        if (side, name) not in self._crs_of:
            self._crs_of[(side, name)] = self._decide_crs(side, name, layer, fallback)
        return self._crs_of[(side, name)]

    def _decide_crs(self, side, name, layer, fallback):
        crs = layer.crs()
        if crsmod.is_defined(crs):
            if not crsmod.is_cgcs2000(crs):
                self.crs_notes.append(CrsNote(side, name, "error",
                                              "坐标系不是 CGCS2000：{}".format(crs.authid() or crs.description())))
            return crs
        extent = layer.extent()
        zone = crsmod.prefixed_zone(extent.xMinimum(), extent.xMaximum())
        if zone is not None:
            guessed = crsmod.crs_for_prefixed_zone(zone)
            self.crs_notes.append(CrsNote(side, name, "warning",
                                          "缺少坐标系定义（.prj）；x 坐标带 {} 带号，按 {} 处理".format(zone, guessed.authid())))
            return guessed
        if fallback is not None and fallback.isValid():
            self.crs_notes.append(CrsNote(side, name, "error",
                                          "缺少坐标系定义且无法判断；按 {} 处理".format(fallback.authid())))
        return fallback or QgsCoordinateReferenceSystem()

    def load_all(self):
        """Read every recognised layer of both sources (so all CRS notes exist)."""
        for key in self.plan.recognised:
            self.plan_layer(key)
        for key in self.onemap.recognised:
            self.onemap_layer(key)

    def base_year(self):
        """The plan's base-year land use (JQDLTB), read once; `available` is False without it."""
        if self._base_year is None:
            self._base_year = BaseYear(self.plan_layer("JQDLTB"))
        return self._base_year

    def measures(self):
        """Indicator figures in ellipsoidal area (see measures.py), made once."""
        if self._measures is None:
            from .measures import Measures
            self._measures = Measures(self)
        return self._measures

    def poll(self):
        """Raise Cancelled when the run's feedback is cancelled (looked at while reading and in rules)."""
        if self.feedback is not None and self.feedback.isCanceled():
            raise Cancelled()

    def plan_layer(self, key):
        return self._load("plan", self.plan, key)

    def onemap_layer(self, key):
        return self._load("onemap", self.onemap, key)

    def layer_point(self, data, point):
        """A working-CRS point as stored in the layer's own CRS (zone prefix kept), for messages."""
        if data.crs is None or data.crs == self.crs:
            return point
        return QgsCoordinateTransform(self.crs, data.crs, self.transform_context).transform(point)

    def _load(self, side, source, key):
        if (side, key) in self._cache:
            return self._cache[(side, key)]
        found = source.get(key)
        if found is not None and found.key != key:     # a layer serving as another (GHDK as GHYDYH): read once
            opened = self._opened.pop((side, key), None)     # never left open: a QGIS layer freed late crashes
            if opened is not None and (side, found.key) not in self._cache:
                self._opened[(side, found.key)] = opened
            self._cache[(side, key)] = self._load(side, source, found.key)
            return self._cache[(side, key)]
        data = None
        host = schema().stand_in(key) if found is None and side == "plan" else None
        if host is not None and source.get(host[0]) is not None:
            data = self._stand_in(side, source, key, *host)
        if found is not None:
            layer = self._opened.pop((side, key), None) or source.open_layer(key)
            read = FeatureReader(found, layer.fields().names())
            request = QgsFeatureRequest().setSubsetOfAttributes(read.fields)
            features = []
            layer_crs = None
            if found.spec.is_table:
                for feature in layer.getFeatures(request):
                    attrs, _code, label = read(feature)
                    features.append(Feature(feature.id(), QgsGeometry(), attrs, label=label))
            else:
                layer_crs = self._layer_crs(side, found.name, layer, self.plan_crs)
                transform = None
                if layer_crs != self.crs:
                    transform = QgsCoordinateTransform(layer_crs, self.crs, self.transform_context)
                if layer_crs != self.plan_crs:
                    self.crs_notes.append(CrsNote(
                        side, found.name, "info", "坐标系 {} 与规划用地图层 {} 不同，已统一转换到 {} 计算".format(
                            layer_crs.authid(), self.plan_crs.authid(), self.crs.authid())))
                if side == "onemap" and self.read_near_plan:
                    near = self._near_plan(layer_crs)
                    if near is not None:
                        request.setFilterRect(near)   # GeoPackage R-tree / PostGIS GiST: only what lies near
                if found.count > COMPACT_OVER:
                    features = CompactFeatures(Feature)          # WKB per feature; Features made on demand
                    add = features.add
                else:
                    def add(fid, geometry, attrs, code, label):
                        features.append(Feature(fid, geometry, attrs, code, label=label))
                polygonal = found.spec.geometry == "polygon"     # facility points, boundary lines: as they are
                for number, feature in enumerate(layer.getFeatures(request)):
                    if not number % POLL_EVERY:
                        self.poll()
                    add(feature.id(), self.screen(feature.geometry(), transform, (side, key, feature.id()), polygonal),
                        *read(feature))
            data = LayerData(key, found.name, features, layer_crs, self.poll)
        self._cache[(side, key)] = data
        return data

    def _stand_in(self, side, source, key, host_key, codes):
        """A layer the plan delivers as coded features of another (永久基本农田 as GKBJ 0202)."""
        host = self._load(side, source, host_key)
        features = [f for f in host.features if in_classes(f.code, codes)]
        return LayerData(key, "{}（{}）".format(host.name, "/".join(codes)), features, host.crs, self.poll)

    def plan_box(self):
        """The box around every plan layer in the working CRS (None when the plan has no geometry)."""
        if self._plan_box is None:
            boxes = [data.index.extent for data in map(self.plan_layer, self.plan.recognised)
                     if data is not None and data.index.extent is not None]
            self._plan_box = (min(b[0] for b in boxes), min(b[1] for b in boxes),
                              max(b[2] for b in boxes), max(b[3] for b in boxes)) if boxes else ()
        return self._plan_box or None

    def _near_plan(self, layer_crs):
        """The plan's box in a one-map layer's CRS, a little larger: every one-map feature a rule can
        meet has its box there, so nothing else is read (a village against a county one map)."""
        box = self.plan_box()
        if box is None:
            return None
        rect = QgsRectangle(*box)
        if layer_crs != self.crs:
            rect = QgsCoordinateTransform(self.crs, layer_crs, self.transform_context).transformBoundingBox(rect)
        rect.scale(1.01)
        rect.grow(1e-6 * max(1.0, abs(rect.xMaximum()), abs(rect.yMaximum())))
        return rect


class FeatureReader:
    """A QGIS feature of a recognised layer -> (canonical attrs, code, label), from one `attributes()`
    call: field positions are looked up once per layer, the wanted values picked in C (itemgetter)."""

    def __init__(self, found, names):
        code_field = found.spec.field_for("code")
        code_name = found.fields.get(code_field.name) if code_field else None
        label_name = label_field(found, names)
        pairs = [(canonical, names.index(actual)) for canonical, actual in found.fields.items() if actual in names]
        self.keys = tuple(canonical for canonical, _ in pairs)
        positions = [position for _, position in pairs]
        self.code_at = names.index(code_name) if code_name in names else None
        self.label_at = names.index(label_name) if label_name in names else None
        self.fields = sorted(set(positions) | {p for p in (self.code_at, self.label_at) if p is not None})
        self._pick = (lambda values: (values[positions[0]],)) if len(positions) == 1 else (
            operator.itemgetter(*positions) if positions else (lambda values: ()))

    def __call__(self, feature):
        values = feature.attributes()
        picked = self._pick(values)
        if QVariant in set(map(type, picked)):                 # a NULL among them
            picked = map(python_value, picked)
        code = normalize_code(python_value(values[self.code_at])) if self.code_at is not None else ""
        label = label_text(values[self.label_at]) if self.label_at is not None else ""
        return dict(zip(self.keys, picked)), code, label


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


def label_text(value):
    """A BSM/TBBH value as text, or '' (then its fid names it)."""
    value = python_value(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def python_value(value):
    """QGIS NULL (an empty QVariant) as None; everything else unchanged."""
    return None if isinstance(value, QVariant) and value.isNull() else value
