"""Geometry helpers shared by the rule kinds: polygonal parts, prepared geometries, unions."""
from qgis.core import QgsGeometry

from ..compat import POLYGON_GEOMETRY


def polygonal(geometry):
    """Only the polygon parts (an intersection along a shared edge yields lines, not area)."""
    if geometry is None or geometry.isEmpty():
        return QgsGeometry()
    if geometry.type() == POLYGON_GEOMETRY and not geometry.isMultipart():
        return geometry
    parts = [part for part in geometry.asGeometryCollection() if part.type() == POLYGON_GEOMETRY]
    if not parts:
        return QgsGeometry()
    return parts[0] if len(parts) == 1 else QgsGeometry.collectGeometry(parts)


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

    def contains(self, other):
        return self.engine.contains(other.constGet())

    def intersects(self, other):
        return self.engine.intersects(other.constGet())

    def common(self, other):
        """The area both share, as polygons: empty when they are apart or only touch (a shared edge is
        not an overlap). One intersection through this engine, no separate touches() test."""
        geometry = other.constGet()
        if not self.engine.intersects(geometry):
            return QgsGeometry()
        return polygonal(QgsGeometry(self.engine.intersection(geometry)))
