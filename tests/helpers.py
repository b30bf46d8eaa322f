"""Small hand-made plans for rule tests, written with the sample generator's GeoPackage writer."""
import os
import sys

from osgeo import ogr
from qgis.core import QgsGeometry

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
from make_sample import write_gpkg  # noqa: E402

LANDUSE_FIELDS = [("YDYHFLDM", ogr.OFTString), ("YDYHFLMC", ogr.OFTString)]


def square(x0, y0, x1, y1, dx=0.0):
    return "POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))".format(x0 + dx, y0, x1 + dx, y1)


def gpkg(path, epsg, layers):
    """layers: {name: (fields, [(wkt or None, values)])} -> path."""
    write_gpkg(str(path), [(name, fields, [(QgsGeometry.fromWkt(w) if w else None, v) for w, v in rows])
                           for name, (fields, rows) in layers.items()], epsg, "test case")
    return str(path)


def landuse(*parcels):
    """(code, wkt) pairs -> a GHYDYH layer entry."""
    return (LANDUSE_FIELDS, [(wkt, {"YDYHFLDM": code}) for code, wkt in parcels])


def control(*wkts):
    return ([("BZ", ogr.OFTString)], [(wkt, {"BZ": "test"}) for wkt in wkts])
