"""Ellipsoidal areas for the sample generators, computed independently of QGIS (pyproj's geodesic).

The plugin measures indicator areas with QgsDistanceArea on the CGCS2000 ellipsoid; the expected
figures written beside the sample data come from here, so the tests compare two implementations.
Edges are densified every metre so they follow the projected straight lines the parcels are drawn with.
"""
import os

os.environ.setdefault("PROJ_DATA", "/usr/share/proj")
from pyproj import Geod, Transformer  # noqa: E402

CGCS2000 = Geod(a=6378137.0, rf=298.257222101)


def ellipsoidal_m2(geometry, epsg):
    """Area in m² on the CGCS2000 ellipsoid of a QgsGeometry (multi)polygon in EPSG:`epsg`."""
    to_lonlat = Transformer.from_crs(epsg, 4490, always_xy=True)
    dense = geometry.densifyByDistance(1.0)
    polygons = dense.asMultiPolygon() if dense.isMultipart() else [dense.asPolygon()]
    total = 0.0
    for rings in polygons:
        for index, ring in enumerate(rings):
            lon, lat = to_lonlat.transform([p.x() for p in ring], [p.y() for p in ring])
            area = abs(CGCS2000.polygon_area_perimeter(lon, lat)[0])
            total += area if index == 0 else -area
    return total
