"""A verification run's inputs, read once: plan and one-map layers in the working CRS, indexed.

Features are held in memory with a spatial index; rules ask for candidates by bounding box.
CRS decisions (assumed, detected, reprojected) are recorded for the crs rule to report.
"""
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
)

from ..errors import Cancelled, OneMapError
from ..read import crs as crsmod
from ..read.codes import in_classes
from ..read.schema import schema
from . import reading
from .baseyear import BaseYear
from .boxindex import BoxIndex, box_of
from .compact import FeatureTable
from .geomops import Prepared, Screen, polygonal, union
from .postgis_overlay import shared_database
from .reading import FeatureReader  # noqa: F401 — core.check.recheck reads a feature as a run does
from .rules.base import SIDE_EN, SIDE_ZH, NotApplicable
from .seams import open_parcels

POLL_EVERY = 4096        # box queries answered (and features read) between two looks at the cancel button
SCANS = 32               # box queries a layer answers by scanning its boxes before it builds its index


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


def make_feature(*args, **values):
    """A Feature (looked up when called: tests count the Features a run makes)."""
    return Feature(*args, **values)


def finite_extent(layer):
    """The layer's extent; when it is not finite (QGIS 3.40 counts a feature's NaN or infinite coordinates
    in it), the box of the features whose own boxes are finite (the screen leaves the others out)."""
    extent = layer.extent()
    return extent if _finite_rect(extent) else features_extent(layer)


def placed_extent(layer, crs, transform_context):
    """The layer's extent when `crs` can place every feature of it (crs.reaches_ellipsoid), else None: its
    stored extent, or — a GeoPackage's stored extent can be stale — its features' own. An empty layer, or one
    without a finite geometry, has nothing to misplace."""
    extent = finite_extent(layer)
    if layer.featureCount() == 0 or crsmod.reaches_ellipsoid(crs, extent, transform_context):
        return extent
    extent = features_extent(layer)
    return extent if not _finite_rect(extent) or crsmod.reaches_ellipsoid(crs, extent, transform_context) else None


def features_extent(layer):
    """The box of the layer's features whose own boxes are finite, from the features themselves (not the
    extent a provider keeps: a GeoPackage's can be stale)."""
    rect = QgsRectangle()
    rect.setMinimal()
    for feature in layer.getFeatures(QgsFeatureRequest().setNoAttributes()):
        box = feature.geometry().boundingBox()
        if not feature.geometry().isEmpty() and _finite_rect(box):
            rect.combineExtentWith(box)
    return rect


def _finite_rect(rect):
    return all(math.isfinite(v) for v in (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()))


class LayerData:
    """A layer's features in the working CRS (a FeatureTable); its spatial index is built on first use."""

    def __init__(self, key, name, features, crs=None, poll=None):
        if not isinstance(features, FeatureTable):           # Features already made (a stand-in, a re-check)
            features = FeatureTable.of_features(features)
        self.key, self.name, self.features = key, name, features
        self.crs = crs                   # the layer's own CRS (features are held in the working CRS)
        self.poll = poll                 # raises Cancelled when the run is cancelled (Context.poll)
        self._queries = 0
        self._scans = 0
        self._index = None
        self._union = None
        self._prepared_union = None
        self._seams = None               # seams.open_parcels of the stored geometries (or its Future)
        self._open = None

    @property
    def by_fid(self):
        return self.features.by_fid()

    def union(self):
        """All shapes merged into one (computed once: the gap and coverage rules share it)."""
        if self._union is None:
            self._union = union(f.shape for f in self.features)
        return self._union

    def prepared_union(self):
        """union(), prepared for GEOS (made once: the coverage rules and indicators asking about the village
        share it, and its inside grid)."""
        if self._prepared_union is None:
            self._prepared_union = Prepared(self.union())
        return self._prepared_union

    @property
    def index(self):
        """The box index of the features' numbers (Features are made for the ones a query finds)."""
        if self._index is None:
            self._index = BoxIndex.of_boxes(self.features.boxes)
        return self._index

    def find_seams_beside(self, beside):
        """Start matching the parcels' edges on `beside` (an executor) while other rules run: NumPy and
        the stored WKB only — no QGIS object, no PROJ, nothing another thread changes."""
        if self._seams is None and self._open is None:
            self._seams = beside.submit(open_parcels, self.features.wkbs)

    def open_parcels(self):
        """Numbers of the features that meet a neighbour otherwise than edge to edge, or lie on the
        layer's outline or a gap (seams.py), or were made valid: the only ones an overlap or gap test
        must start from."""
        if self._open is None:
            table = self.features
            seams = open_parcels(table.wkbs) if self._seams is None else self._seams.result()
            self._open, self._seams = np.flatnonzero(seams | ~table.valid()), None
        return self._open

    def candidates(self, rect):
        """Features whose bounding box meets `rect` (a QgsRectangle or a box tuple), in layer order."""
        return self._features(self.near_numbers(rect))

    def near_numbers(self, rect):
        """Numbers of the features whose bounding box meets `rect`, in layer order."""
        if isinstance(rect, QgsRectangle):
            rect = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
        self._poll()
        return self.features.meeting(rect).tolist() if self._scan_first() else self.index.near(rect)

    def overlapping(self, box):
        """Features whose bounding box overlaps `box` with positive area: all that can share area with it."""
        return self._features(self.overlapping_numbers(box))

    def overlapping_numbers(self, box):
        self._poll()
        return self.features.meeting(box, strict=True).tolist() if self._scan_first() else self.index.overlapping(box)

    def _scan_first(self):
        """Whether to answer this query by scanning every box: the first SCANS queries are, so that a layer
        asked a few times (a million patches asked about the few the plan changed) builds no index."""
        if self._index is not None or self._scans >= SCANS:
            return False
        self._scans += 1
        return True

    def _features(self, numbers):
        """Features made one at a time as the caller walks them (never all at once)."""
        return (self.features[n] for n in numbers)

    def _poll(self):
        """Every POLL_EVERY queries the run's cancel button is looked at: rules query per parcel."""
        self._queries += 1
        if self.poll is not None and not self._queries % POLL_EVERY:
            self.poll()


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
        self.misplaced = {}              # (side, layer name) -> (zh, en): coordinates outside the layer's CRS
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
        self._beside = None
        landuse = plan.open_layer("GHYDYH")
        self._opened = {("plan", "GHYDYH"): landuse}       # read again by _load: open it once
        self.plan_crs = self._layer_crs("plan", plan.get("GHYDYH").name, landuse, fallback=None)
        if not self.plan_crs.isValid():
            raise OneMapError("无法确定规划用地图层的坐标系：{}".format(plan.label),
                              "Cannot determine the CRS of the plan's land-use layer: {}".format(plan.label))
        self.crs = self._working_crs(finite_extent(landuse))
        if self.crs is None:                    # a second look: a GeoPackage's stored extent can be stale
            extent = features_extent(landuse)
            self.crs = self._working_crs(extent)
        if self.crs is None:
            raise OneMapError("规划用地图层的{}：{}".format(crsmod.outside_text(self.plan_crs, extent), plan.label),
                              "The plan's land-use coordinates ({}) lie outside its CRS {}: {}".format(
                                  extent.toString(0), self.plan_crs.authid(), plan.label))

    def _working_crs(self, extent):
        """The working CRS for the land use's `extent`, or None when its CRS cannot place all of it (a stray
        parcel with 带号 would otherwise choose the zone)."""
        try:
            crs = crsmod.working_crs(self.plan_crs, extent, self.transform_context)   # (it names QGIS's own failure)
        except QgsCsException:
            return None
        return crs if crsmod.reaches_ellipsoid(self.plan_crs, extent, self.transform_context) else None

    def _decide(self, side, found, layer):
        """A layer's CRS, decided once, with a note when it differs from the plan's."""
        known = (side, found.name) in self._crs_of
        layer_crs = self._layer_crs(side, found.name, layer, self.plan_crs)
        if not known and layer_crs != self.plan_crs:
            self.crs_notes.append(CrsNote(side, found.name, "info", "坐标系 {} 与规划用地图层 {} 不同，已统一转换到 {} 计算".format(
                layer_crs.authid(), self.plan_crs.authid(), self.crs.authid())))
        if not known and layer_crs.isValid() and placed_extent(layer, layer_crs, self.transform_context) is None:
            self.misplaced[(side, found.name)] = self._misplaced_note(side, found.name, features_extent(layer),
                                                                     layer_crs)
        return layer_crs

    def _misplaced_note(self, side, name, extent, crs):
        """The CRS-01 error for a layer whose coordinates (`extent`) its CRS cannot place (带号 on x where the
        CRS has none): where they are, the zone its x names, what to do; (zh, en) why rules leave it out."""
        self.crs_notes.append(CrsNote(side, name, "error", crsmod.outside_text(crs, extent) + "；该图层未参与核对"))
        return ("{}的图层 {} 坐标不在其坐标系范围内（见 CRS-01），未参与核对".format(SIDE_ZH[side], name),
                "the {} layer {} lies outside its CRS (see CRS-01): not checked".format(SIDE_EN[side], name))

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
        """Decide every recognised layer's CRS, so that all CRS notes exist; a layer no rule has read is
        opened, not read (one a rule runs in the database need never cross the wire)."""
        for side, source in (("plan", self.plan), ("onemap", self.onemap)):
            for key, found in source.recognised.items():
                if (side, key) in self._cache or found.spec.is_table:
                    continue
                self._decide(side, found, self._opened.get((side, key)) or source.open_layer(key))

    def base_year(self):
        """The plan's base-year land use (JQDLTB), read once; `available` is False without it."""
        if self._base_year is None:
            self._base_year = BaseYear(self.plan_layer("JQDLTB"))
        return self._base_year

    def beside(self):
        """A thread for work that goes on beside the rules (Rule.prepare); NumPy only: a short-lived
        thread must not use PROJ (core/threads.py)."""
        if self._beside is None:
            self._beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="onemap-beside")
        return self._beside

    def close(self):
        """Let go of the thread beside the rules, the shared database and any layer opened but not read (a
        cancelled run does not wait; a QGIS layer freed late, at exit, crashes)."""
        self._opened.clear()
        if self._beside is not None:
            self._beside.shutdown(wait=False, cancel_futures=True)
        if self.database is not None:
            self.database.close()

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
        """The plan's layer `key` (None when the plan has none); NotApplicable, saying why, for a layer its
        CRS cannot place (CRS-01): every rule that needs it is then not applicable, not misled."""
        return self._usable("plan", self.plan, key)

    def onemap_layer(self, key):
        return self._usable("onemap", self.onemap, key)

    def placed(self, side, key):
        """The layer, None when absent or left out (CRS-01): for the run's own steps, which never raise."""
        return self._load(side, self.plan if side == "plan" else self.onemap, key)

    def _usable(self, side, source, key):
        data = self._load(side, source, key)
        if data is None:
            host = schema().stand_in(key) if source.get(key) is None and side == "plan" else None
            found = source.get(host[0] if host else key)          # (a stand-in's host: 永久基本农田 in GKBJ)
            if found is not None and (side, found.name) in self.misplaced:
                raise NotApplicable(*self.misplaced[(side, found.name)])
        return data

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
            layer_crs, transform, near = None, None, None
            if not found.spec.is_table:
                layer_crs = self._decide(side, found, layer)
                if (side, found.name) in self.misplaced:        # its features would land anywhere: left out
                    self._cache[(side, key)] = None
                    return None
                if layer_crs != self.crs:
                    transform = QgsCoordinateTransform(layer_crs, self.crs, self.transform_context)
                if side == "onemap" and self.read_near_plan:
                    near = self._near_plan(layer_crs)
            features = reading.read_layer(source, found, layer, transform, near, make_feature, self.poll,
                                          self.screen, (side, key), self._twin(side, key))
            data = LayerData(key, found.name, features, layer_crs, self.poll)
        self._cache[(side, key)] = data
        return data

    def _twin(self, side, key):
        """For a one-map layer, the plan's own layer of that name as read already (a run reads the plan
        first; nothing is read for this): what the plan copied of it (its 永久基本农田 patches, as a rule) is
        then held once (reading.read_layer). Not a stand-in: its features are made, not read."""
        plan = self._cache.get(("plan", key)) if side == "onemap" and self.plan.get(key) is not None else None
        return plan.features if plan is not None and isinstance(plan.features, FeatureTable) else None

    def _stand_in(self, side, source, key, host_key, codes):
        """A layer the plan delivers as coded features of another (永久基本农田 as GKBJ 0202)."""
        host = self._load(side, source, host_key)
        if host is None:                                   # its host left out (CRS-01)
            return None
        features = [f for f in host.features if in_classes(f.code, codes)]
        return LayerData(key, "{}（{}）".format(host.name, "/".join(codes)), features, host.crs, self.poll)

    def plan_box(self):
        """The box around every plan layer in the working CRS (None when the plan has no geometry)."""
        if self._plan_box is None:
            layers = (self.placed("plan", key) for key in self.plan.recognised)
            boxes = [layer.features.boxes for layer in layers if layer is not None]
            stacked = np.vstack(boxes) if boxes else np.empty((0, 4))
            present = stacked[~np.isnan(stacked[:, 0])]
            self._plan_box = tuple(present[:, :2].min(axis=0).tolist() + present[:, 2:].max(axis=0).tolist()) \
                if len(present) else ()
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
