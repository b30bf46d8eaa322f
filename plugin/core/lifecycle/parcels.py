"""The land-use parcels a life-cycle step works on: a plan's land use, or the one map's approved plans.

Read through QGIS (core.read.sources: a history layer shows the rows in force, or those as of an
earlier state) into the check's own Feature objects, indexed by box, in one CRS chosen by the caller.
"""
from qgis.core import QgsCoordinateTransform, QgsFeatureRequest, QgsProject, QgsRectangle

from ..check.context import Feature, LayerData
from ..check.geomops import Screen
from ..check.reading import FeatureReader
from ..errors import OneMapError
from ..read import crs as crsmod

# A plan's land use as the schema recognises it. Detailed plans' parcels (GHDK, label DKBH) come in here
# too: as an alias of GHYDYH nothing changes; if the schema gives them a key of their own, add it here.
PLAN_LANDUSE = ("GHYDYH",)
APPROVED = "YPGHYDYH"          # the one map's approved plans (schema.yaml)
GRID_M = 0.0001                # XY tolerance of public checkers (standards README, "Tolerances")


def landuse_key(source):
    """The key of the parcels to take from a source: a plan's land use, else the one map's approved plans."""
    for key in PLAN_LANDUSE + (APPROVED,):
        if key in source.recognised:
            return key
    raise OneMapError("{} 中既没有规划用地用海图层，也没有已批规划用地图层".format(source.label),
                      "{} has neither a land-use layer nor approved plans".format(source.label))


def layer_crs(layer, label):
    """A layer's CRS, or OneMapError: the life cycle never guesses where a parcel lies."""
    crs = layer.crs()
    if not crsmod.is_defined(crs):
        raise OneMapError("图层 {}（{}）没有坐标系定义".format(layer.name(), label),
                          "Layer {} of {} has no coordinate system".format(layer.name(), label))
    return crs


def read_parcels(source, key, crs=None, near=None, transform_context=None, whole_labels=False):
    """LayerData of the source's layer `key` in `crs` (default: the layer's own), only features whose box
    meets `near` (a QgsRectangle in `crs`) when given. Features carry code, label (BSM/DKBH …: bounded as
    findings carry it, or `whole_labels` as the layer holds it — what a merge writes) and the schema's
    fields by canonical name."""
    found = source.get(key)
    layer = source.open_layer(key)
    own = layer_crs(layer, source.label)
    crs = crs or own
    context = transform_context or QgsProject.instance().transformContext()
    transform = QgsCoordinateTransform(own, crs, context) if own != crs else None
    read = FeatureReader(found, layer.fields().names(), whole=whole_labels)
    request = QgsFeatureRequest().setSubsetOfAttributes(read.positions)
    if near is not None:
        rect = QgsRectangle(near)
        if transform is not None:
            rect = QgsCoordinateTransform(crs, own, context).transformBoundingBox(rect)
        request.setFilterRect(rect)
    features, screen = [], Screen()               # a collection or NaN parcel is made safe (or left out) first
    for feature in layer.getFeatures(request):
        geometry = screen(feature.geometry(), transform)
        if geometry.isEmpty():
            continue
        if transform is not None:
            geometry = geometry.snappedToGrid(GRID_M, GRID_M)     # shared edges stay shared after reprojection
        attrs, code, label = read(feature)
        features.append(Feature(feature.id(), geometry, attrs, code, label=label))
    data = LayerData(key, found.name, features, crs)
    data.labelled = read.label is not None                 # else a label is only the fid
    return data

