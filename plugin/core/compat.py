"""Enum names that moved after QGIS 3.22 (3.30+ and QGIS 4 keep them in Qgis.*): one place to pick.

Each name is taken from where the running QGIS has it, so the plugin works on 3.22 … 4.x.
"""
from qgis.core import (Qgis, QgsMapLayerProxyModel, QgsProcessing, QgsProcessingAlgorithm, QgsProcessingParameterDateTime,
                       QgsProcessingParameterFile, QgsSimpleMarkerSymbolLayerBase, QgsUnitTypes, QgsWkbTypes)


def _new_or_old(group, member, old):
    return getattr(getattr(Qgis, group), member) if hasattr(Qgis, group) else old


POLYGON_GEOMETRY = _new_or_old("GeometryType", "Polygon", getattr(QgsWkbTypes, "PolygonGeometry", None))
MILLIMETERS = _new_or_old("RenderUnit", "Millimeters", getattr(QgsUnitTypes, "RenderMillimeters", None))
NO_THREADING = _new_or_old("ProcessingAlgorithmFlag", "NoThreading",
                           getattr(QgsProcessingAlgorithm, "FlagNoThreading", None))
FILE_PARAMETER = _new_or_old("ProcessingFileParameterBehavior", "File",
                             getattr(QgsProcessingParameterFile, "File", None))
FOLDER_PARAMETER = _new_or_old("ProcessingFileParameterBehavior", "Folder",
                               getattr(QgsProcessingParameterFile, "Folder", None))
DATE_PARAMETER = _new_or_old("ProcessingDateTimeParameterDataType", "Date",
                             getattr(QgsProcessingParameterDateTime, "Date", None))
POLYGON_SOURCE = _new_or_old("ProcessingSourceType", "VectorPolygon",
                             getattr(QgsProcessing, "TypeVectorPolygon", None))
POLYGON_WKB = _new_or_old("WkbType", "Polygon", getattr(QgsWkbTypes, "Polygon", None))        # 2D only
MULTIPOLYGON_WKB = _new_or_old("WkbType", "MultiPolygon", getattr(QgsWkbTypes, "MultiPolygon", None))
POLYGON_LAYER_FILTER = _new_or_old("LayerFilter", "PolygonLayer", getattr(QgsMapLayerProxyModel, "PolygonLayer", None))
MARKER_SHAPES = {name.lower(): _new_or_old("MarkerShape", name, getattr(QgsSimpleMarkerSymbolLayerBase, name, None))
                 for name in ("Circle", "Square", "Triangle")}
VALIDATOR_GEOS = Qgis.GeometryValidationEngine.Geos          # in Qgis since 3.22
