"""Geometry helpers shared by the rule kinds: safe polygonal shapes, polygonal parts, prepared
geometries, unions.

Every geometry read for a check goes through `Screen` first: what reaches GEOS and QGIS's geometry
functions is then a 2D Polygon or MultiPolygon of finite coordinates whose rings have at least four
points (or empty). Delivered data holds more than that, and some of it crashes QGIS 3.22 or leaves
the spatial index unusable (tried one case per process: tests/test_geometry_inputs.py):

- a GEOMETRYCOLLECTION (polygon + line + point, or nested) or a MultiPolygon with an empty part:
  `QgsGeometry.densifyByDistance` (the indicator areas) ends the process — kept: its polygon parts;
- NaN or infinite coordinates, and coordinates beyond 1e8 (no CGCS2000 projection or degree has
  them): tracebacks in the box index, and a one-map feature silently hides its neighbours;
- a ring of one point (outer or hole): a traceback where a finding is located;
- TRIANGLE / TIN (read as a MultiPolygon of triangles): the findings GeoPackage cannot be written
  ("Corrupt data"), so rings of four points or fewer are rebuilt as plain polygons;
- curves (CURVEPOLYGON, MULTISURFACE): measured after stroking; Z/M: dropped (areas are planar);
- lines or points in a polygon layer: no area to check;
- unclosed rings (shapefiles from some tools): closed, as GEOS would read them — no note.

What was done is said once per feature (`Screen.notes`: kept polygon parts → warning, curves → info,
nothing usable → error and the feature is left out of every rule); the `usable` rule reports them.
"""
import math

from qgis.core import (
    QgsCsException,
    QgsCurvePolygon,
    QgsGeometry,
    QgsGeometryCollection,
    QgsLineString,
    QgsMultiPolygon,
    QgsPoint,
    QgsPolygon,
    QgsWkbTypes,
)

from ..compat import MULTIPOLYGON_WKB, POLYGON_GEOMETRY, POLYGON_WKB

POLYGONAL_2D = (POLYGON_WKB, MULTIPOLYGON_WKB)
SOUND_RING_POINTS = 5           # rings with fewer points go the slow way (too few, or a triangle)
COORDINATE_LIMIT = 1e8          # |x| or |y| beyond this is no coordinate of a projection or in degrees
NOTES = {   # what: (level, zh, en)
    "coordinates": ("error", "坐标无效（非数值、无穷大或超出范围），未参与核对",
                    "invalid coordinates (NaN, infinite or out of range): left out of the check"),
    "transform": ("error", "坐标无法转换到核对坐标系，未参与核对",
                  "its coordinates cannot be transformed to the working CRS: left out of the check"),
    "not_polygonal": ("error", "不是面（只有线、点），没有可核对的面积，未参与核对",
                      "not a polygon (lines or points only): no area to check, left out of the check"),
    "too_few_points": ("error", "环的点数过少，不构成面，未参与核对",
                       "rings with too few points: no polygon, left out of the check"),
    "parts_dropped": ("warning", "几何含非面部分（{}），已只保留面部分参与核对",
                      "the geometry holds parts that are not polygons ({}): only its polygons are checked"),
    "curves": ("info", "几何含曲线，已按折线计算", "the geometry has curves: measured as straight segments"),
    "no_geometry": ("error", "没有几何图形（为空或无法读取），未参与核对",
                    "no geometry (empty, or unreadable bytes): left out of the check"),
}
DROPPED_ZH = {"line": "线", "point": "点", "ring": "点数过少的环", "other": "其他几何"}


class GeometryNote:
    __slots__ = ("side", "key", "fid", "level", "zh", "en")

    def __init__(self, side, key, fid, what, detail=()):
        level, zh, en = NOTES[what]
        self.side, self.key, self.fid, self.level = side, key, fid, level
        self.zh = zh.format("、".join(DROPPED_ZH[d] for d in detail)) if detail else zh
        self.en = en.format(", ".join(detail)) if detail else en


class Screen:
    """Turns each geometry read for the check into a safe polygonal shape (see the module's text) and
    keeps a note, per feature, of what it changed or could not use."""

    def __init__(self):
        self.notes = []

    def __call__(self, geometry, transform=None, where=None, polygonal=True, missing=True):
        """The usable shape of `geometry`, transformed by `transform`; `where` = (side, layer key, fid)
        names the feature in the note (None: no note kept, e.g. a live edit). A point or line layer's
        geometry (`polygonal` False: facility points, boundary lines) is kept as it is when its
        coordinates are finite. A geometry empty as read (a NULL, or bytes GDAL could not read) is noted too,
        unless `missing` is False (a one-map layer read near the plan: such a feature has no place there)."""
        if geometry is None or geometry.isEmpty():
            if missing:
                self.missing(where)
            return QgsGeometry()
        shape, what, detail = usable(geometry) if polygonal else _finite_only(geometry)
        if transform is not None and not shape.isEmpty():
            try:
                shape.transform(transform)
            except QgsCsException:
                shape, what, detail = QgsGeometry(), "transform", ()
            if not shape.isEmpty() and not _finite(shape.boundingBox()):
                shape, what, detail = QgsGeometry(), "transform", ()
        if what is not None and where is not None:
            self.notes.append(GeometryNote(*where, what, detail))
        return shape

    def missing(self, where):
        """Note that the feature `where` = (side, layer key, fid) has no geometry (None: no note)."""
        if where is not None:
            self.notes.append(GeometryNote(*where, "no_geometry"))


def usable(geometry):
    """(shape, what, detail): `geometry` as a safe 2D (Multi)Polygon or empty, and the NOTES key of what
    was done (None when nothing worth saying). An ordinary polygon passes with a type, box, area and
    ring-size test (a few µs); anything else is rebuilt."""
    if geometry is None or geometry.isEmpty():
        return QgsGeometry(), None, ()
    if geometry.wkbType() in POLYGONAL_2D and _finite(geometry.boundingBox()) and _sound(geometry):
        return geometry, None, ()
    return _rebuilt(geometry)


def _finite_only(geometry):
    """(geometry, None, ()) when its coordinates are finite, else (empty, 'coordinates', ())."""
    if geometry is None or geometry.isEmpty():
        return QgsGeometry(), None, ()
    if _finite(geometry.boundingBox()):
        return geometry, None, ()
    return QgsGeometry(), "coordinates", ()


def _finite(rect):
    """Every coordinate of the box finite and within COORDINATE_LIMIT."""
    limit = COORDINATE_LIMIT
    return (-limit <= rect.xMinimum() <= rect.xMaximum() <= limit
            and -limit <= rect.yMinimum() <= rect.yMaximum() <= limit)


def _sound(geometry):
    """No NaN (the box skips them, the area does not), no part empty, every ring closed (its last point
    its first) and of five points or more (a ring of four may be a QgsTriangle, which no MultiPolygon can
    be written with: rebuilt)."""
    area = geometry.area()
    if area != area or area == math.inf:
        return False
    abstract = geometry.constGet()
    polygons = [abstract.geometryN(i) for i in range(abstract.numGeometries())] \
        if isinstance(abstract, QgsGeometryCollection) else [abstract]
    for polygon in polygons:
        rings = [polygon.exteriorRing()] + [polygon.interiorRing(i) for i in range(polygon.numInteriorRings())]
        if not all(ring is not None and _sound_ring(ring) for ring in rings):
            return False
    return bool(polygons)


def _sound_ring(ring):
    last = ring.numPoints() - 1
    return last + 1 >= SOUND_RING_POINTS and ring.xAt(0) == ring.xAt(last) and ring.yAt(0) == ring.yAt(last)


def _rebuilt(geometry):
    """The slow path: every polygon found (collections walked, curves stroked, Z/M dropped, rings
    closed), checked coordinate by coordinate."""
    polygons, dropped, curved, bad = [], set(), [False], [False]

    def ring_points(ring):
        points = [(p.x(), p.y()) for p in ring.points()]
        if not all(-COORDINATE_LIMIT <= x <= COORDINATE_LIMIT and -COORDINATE_LIMIT <= y <= COORDINATE_LIMIT
                   for x, y in points):
            bad[0] = True
            return None
        points = [p for n, p in enumerate(points) if n == 0 or p != points[n - 1]]
        if points and points[0] != points[-1]:
            points.append(points[0])
        return points if len(points) >= 4 else None

    def walk(part):
        if part.isEmpty():                      # an empty part holds nothing to lose
            return
        if isinstance(part, QgsGeometryCollection):
            for index in range(part.numGeometries()):
                walk(part.geometryN(index))
        elif isinstance(part, QgsCurvePolygon):
            if part.hasCurvedSegments():
                curved[0] = True
            linear = part.segmentize()
            exterior = ring_points(linear.exteriorRing()) if linear.exteriorRing() is not None else None
            if exterior is None:
                dropped.add("ring")
                return
            polygon = QgsPolygon()
            polygon.setExteriorRing(QgsLineString([QgsPoint(x, y) for x, y in exterior]))
            for index in range(linear.numInteriorRings()):
                hole = ring_points(linear.interiorRing(index))
                if hole is None:
                    dropped.add("ring")
                else:
                    polygon.addInteriorRing(QgsLineString([QgsPoint(x, y) for x, y in hole]))
            polygons.append(polygon)
        elif not part.isEmpty():
            dropped.add({0: "point", 1: "line"}.get(part.dimension(), "other"))

    walk(geometry.constGet())
    if bad[0]:
        return QgsGeometry(), "coordinates", ()
    if not polygons:
        return QgsGeometry(), ("too_few_points" if dropped <= {"ring"} else "not_polygonal"), ()
    if len(polygons) == 1 and not QgsWkbTypes.isMultiType(geometry.wkbType()):    # a MultiPolygon stays one
        shape = QgsGeometry(polygons[0])
    else:
        multi = QgsMultiPolygon()
        for polygon in polygons:
            multi.addGeometry(polygon)
        shape = QgsGeometry(multi)
    if dropped:
        return shape, "parts_dropped", tuple(sorted(dropped))
    return shape, ("curves" if curved[0] else None), ()


def from_wkb(wkb):
    """A new QgsGeometry of WKB bytes (empty for None or no bytes)."""
    geometry = QgsGeometry()
    if wkb:
        geometry.fromWkb(bytes(wkb))
    return geometry


def polygonal(geometry):
    """Only the polygon parts (an intersection along a shared edge yields lines, not area); nested
    collections are walked."""
    if geometry is None or geometry.isEmpty():
        return QgsGeometry()
    if geometry.type() == POLYGON_GEOMETRY and not geometry.isMultipart():
        return geometry
    parts = [part for part in _leaves(geometry) if part.type() == POLYGON_GEOMETRY and not part.isEmpty()]
    if not parts:
        return QgsGeometry()
    return parts[0] if len(parts) == 1 else QgsGeometry.collectGeometry(parts)


def _leaves(geometry):
    for part in geometry.asGeometryCollection():
        if part.isMultipart() and part.type() != POLYGON_GEOMETRY:
            yield from _leaves(part)
        else:
            yield part


def single_parts(geometry):
    """Each polygon of a (multi)polygon as its own geometry, holes kept."""
    geometry = polygonal(geometry)
    if geometry.isEmpty():
        return []
    return geometry.asGeometryCollection() if geometry.isMultipart() else [geometry]


def union(geometries):
    geometries = [g for g in geometries if g is not None and not g.isEmpty()]
    if not geometries:
        return QgsGeometry()
    return polygonal(QgsGeometry.unaryUnion(geometries)) if len(geometries) > 1 else geometries[0]


class Prepared:
    """A geometry prepared once for many contains/intersects tests against it."""

    def __init__(self, geometry):
        self.geometry = geometry
        self.engine = QgsGeometry.createGeometryEngine(geometry.constGet())
        self.engine.prepareGeometry()
        self.inside_grid = None              # its inside.InsideGrid, made when first asked (inside.grid_of)

    def contains(self, other):
        return self.engine.contains(other.constGet())

    def intersects(self, other):
        return self.engine.intersects(other.constGet())

    def common(self, other):
        """The area both share, as polygons: empty when they are apart or only touch (a shared edge is
        not an overlap). One intersection through this engine, no separate touches() test."""
        if not self.engine.intersects(other.constGet()):
            return QgsGeometry()
        return self.shared(other)

    def shared(self, other):
        """common() for a geometry already known to meet this one."""
        return polygonal(QgsGeometry(self.engine.intersection(other.constGet())))
