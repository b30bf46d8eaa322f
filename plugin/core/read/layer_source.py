"""A plan taken from layers open in the project, as they are now: unsaved edits are checked too.

The features are copied on the calling (main) thread, so the check itself can run in a task. A layer
OneMap loaded from a plan source stands in for that source's layer; the source's other layers are
read from their files. Any other polygon layer is checked as the plan's land use (规划用地用海).
"""
import hashlib

from qgis.core import QgsFeature, QgsFeatureRequest, QgsRectangle

from ..compat import POLYGON_GEOMETRY
from ..errors import OneMapError
from .layer_tree import PROPERTY_KEY, PROPERTY_SOURCE
from .schema import schema
from .sources import PlanSource, SourceLayer, open_source

LAYER_PREFIX = "工程图层："          # label of a plan that is a project layer of its own
CHECKED_AS = "onemap/checked_as"     # set on such a layer: the label its findings name it by


class Snapshot:
    """The parts of a QgsVectorLayer the engine reads, frozen: features, fields, CRS, extent."""

    def __init__(self, layer):
        self._fields, self._crs, self.name = layer.fields(), layer.crs(), layer.name()
        self.features = [QgsFeature(f) for f in layer.getFeatures(QgsFeatureRequest())]
        self._extent = QgsRectangle()          # of the features as they are (edits may reach beyond the saved one)
        for feature in self.features:
            if feature.hasGeometry():
                box = feature.geometry().boundingBox()
                if self._extent.isEmpty():
                    self._extent = QgsRectangle(box)
                else:
                    self._extent.combineExtentWith(box)

    def fields(self):
        return self._fields

    def crs(self):
        return self._crs

    def extent(self):
        return self._extent

    def featureCount(self):  # noqa: N802
        return len(self.features)

    def getFeatures(self, request=None):  # noqa: N802
        return iter(self.features)

    def digest(self):
        sha = hashlib.sha256()
        for feature in self.features:
            sha.update(str(feature.id()).encode())
            sha.update(bytes(feature.geometry().asWkb()) if feature.hasGeometry() else b"")
            sha.update(repr(feature.attributes()).encode("utf-8"))
        return sha.hexdigest()


class LayerPlanSource(PlanSource):
    """A PlanSource whose layers are (partly) snapshots of project layers."""

    def __init__(self, path, fmt, layers, snapshots, label):
        super().__init__(path=path, format=fmt, layers=layers)
        self.snapshots = snapshots          # key -> Snapshot
        self._label = label

    @property
    def label(self):
        return self._label

    def open_layer(self, key):
        found = self.get(key)
        key = found.key if found is not None else key          # GHYDYH served by a detailed plan's GHDK
        return self.snapshots[key] if key in self.snapshots else super().open_layer(key)

    def content_hash(self):
        """SHA-256 over the snapshots (what was checked, edits included)."""
        return hashlib.sha256("".join(s.digest() for _k, s in sorted(self.snapshots.items())).encode()).hexdigest()


def layer_source(layer, project):
    """The plan a project layer belongs to, its current content included; OneMapError if unusable."""
    if layer is None or not layer.isValid() or layer.geometryType() != POLYGON_GEOMETRY:
        raise OneMapError("请选择工程中的面图层作为规划用地", "Pick a polygon layer of the project as the plan's land use")
    label = layer.customProperty(PROPERTY_SOURCE) or ""
    if label and layer.customProperty(PROPERTY_KEY):
        base = open_source(label)
        snapshots = {}
        for other in project.mapLayers().values():
            key = other.customProperty(PROPERTY_KEY)
            if other.customProperty(PROPERTY_SOURCE) == label and key in base.recognised and other.isSpatial():
                snapshots[key] = Snapshot(other)
        return LayerPlanSource(base.path, base.format, base.layers, snapshots, base.label)
    names = layer.fields().names()
    spec = schema().layers["GHYDYH"]
    found = SourceLayer(name=layer.name(), uri="", geometry="polygon", count=layer.featureCount(),
                        field_names=names, provider="", key="GHYDYH", matched_by="name",
                        fields=spec.resolve_fields(names))
    if spec.field_for("code").name not in found.fields:
        code = spec.field_for("code")
        raise OneMapError("图层 {} 没有用地用海代码字段（{}）".format(layer.name(), "、".join([code.name] + code.aliases)),
                          "Layer {} has no land-use code field ({})".format(layer.name(), ", ".join([code.name] + code.aliases)))
    snapshot = Snapshot(layer)
    layer.setCustomProperty(CHECKED_AS, LAYER_PREFIX + layer.name())       # the browser finds it by this
    return LayerPlanSource(layer.source(), "layer", [found], {"GHYDYH": snapshot}, LAYER_PREFIX + layer.name())
