"""Small hand-made plans for rule tests, written with the sample generator's GeoPackage writer."""
from make_sample import write_gpkg
from osgeo import ogr
from qgis.core import QgsGeometry

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


def outcome(result, rule_id):
    """A run's outcome of one rule (its status, reason …)."""
    return next(o for o in result.outcomes if o["rule_id"] == rule_id)


def labels(result, rule_id):
    """The plan features a rule's findings name (地块编号 …), sorted."""
    return sorted(f.plan_label for f in result.findings if f.rule_id == rule_id)


def indicators(result):
    """A run's indicator rows by indicator."""
    return {row["indicator"]: row for row in result.indicators}
