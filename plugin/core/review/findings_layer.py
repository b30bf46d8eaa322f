"""The findings layer in a project: one per plan. A re-check replaces its data in place (style, tree
position and id kept); a toolbox run's new layer takes the old one's style and place (`adopt`).

Before a check replaces a findings file the project shows, `release` lets go of it: Windows refuses to
replace a file another handle holds open (os.replace: "being used by another process"), and QGIS holds
a loaded GeoPackage open — the layer's provider and its pooled feature-iterator connections.
"""
import os

from qgis.core import QgsEditorWidgetSetup, QgsMapLayerStyle, QgsProject, QgsVectorLayer, QgsWkbTypes

from ..errors import OneMapError
from ..read.loading import PROPERTY_KEY, PROPERTY_SOURCE
from ..read.sources import ogr_uri
from ..read.styles import apply_style
from .findings import recorded_plan
from .layout import ALIASES_ZH, SEVERITY_ZH

PROPERTY_PLAN = "onemap/plan"          # the checked plan (as the run table records it)


def uri(path):
    return ogr_uri(path, "findings")


def findings_vector_layer(path, name):
    """The GeoPackage's `findings` table as a QgsVectorLayer; OneMapError naming the file if it is unusable."""
    layer = QgsVectorLayer(uri(path), name, "ogr")
    if not layer.isValid():
        raise OneMapError("无法打开核对结果：{}".format(path), "Cannot open findings: {}".format(path))
    return layer


def layer_name(title):
    return "核对结果{}".format("：{}".format(title) if title else "")


def same_file(path, other):
    """Whether two spellings name one file (C:/a/B.gpkg and c:\\a\\b.gpkg on Windows, symlinks, '..')."""
    def key(text):
        return os.path.normcase(os.path.realpath(text))
    return bool(path) and bool(other) and key(path) == key(other)


def _findings_layers(project, exclude=None):
    return [layer for layer in project.mapLayers().values()
            if layer is not exclude and layer.customProperty(PROPERTY_KEY) == "findings"]


def existing(project, path, plan, exclude=None):
    """The project's findings layer of the same output file or the same plan, or None."""
    layers = _findings_layers(project, exclude)
    by_path = [layer for layer in layers if same_file(layer.customProperty(PROPERTY_SOURCE), path)]
    by_plan = [layer for layer in layers if plan and layer.customProperty(PROPERTY_PLAN) == plan]
    return (by_path or by_plan or [None])[0]


def _mark(layer, path, plan):
    layer.setCustomProperty(PROPERTY_KEY, "findings")
    layer.setCustomProperty(PROPERTY_SOURCE, path)
    layer.setCustomProperty(PROPERTY_PLAN, plan)


def load_findings(path, project=None, title=""):
    """The plan's findings layer showing `path`: the existing one refreshed, or a new one on top."""
    project = project or QgsProject.instance()
    plan = recorded_plan(path)
    layer = existing(project, path, plan)
    if layer is not None:
        if same_file(layer.customProperty(PROPERTY_SOURCE), path) and layer.providerType() == "ogr":
            layer.dataProvider().reloadData()         # the file was replaced: read it again
            layer.reload()
        else:                                         # another file, or released for the check
            layer.setDataSource(uri(path), layer.name(), "ogr", False)     # False: keep the style
        layer.updateFields()
        layer.updateExtents()
        chinese_fields(layer)
        _mark(layer, path, plan)
        layer.triggerRepaint()
        return layer
    layer = findings_vector_layer(path, layer_name(title))
    style(layer)
    _mark(layer, path, plan)
    project.addMapLayer(layer, False)
    project.layerTreeRoot().insertLayer(0, layer)
    return layer


def release(project, path):
    """Point the project's findings layers of `path` at an empty stand-in (style, place and id kept) and
    close QGIS's pooled connections to the file, so a check can replace it; `reattach` undoes it."""
    released = []
    for layer in _findings_layers(project):
        if same_file(layer.customProperty(PROPERTY_SOURCE), path) and layer.providerType() == "ogr":
            layer.dataProvider().reloadData()         # closes the pooled iterator connections to the file
            stand_in = "{}?crs={}".format(QgsWkbTypes.displayString(layer.wkbType()), layer.crs().authid())
            layer.setDataSource(stand_in, layer.name(), "memory", False)
            released.append(layer)
    return released


def reattach(project, path):
    """Show `path` again in the findings layers released for a check that then wrote nothing."""
    for layer in _findings_layers(project):
        if same_file(layer.customProperty(PROPERTY_SOURCE), path) and layer.providerType() == "memory":
            layer.setDataSource(uri(path), layer.name(), "ogr", False)
            chinese_fields(layer)


def adopt(layer, project=None):
    """A findings layer just added (by Processing) replaces the plan's earlier one: same style, same
    place in the layer tree; without an earlier one it gets the findings style."""
    project = project or QgsProject.instance()
    path = layer.source().split("|")[0]
    plan = recorded_plan(path)
    old = existing(project, path, plan, exclude=layer)
    root = project.layerTreeRoot()
    if old is None:
        style(layer)
        _mark(layer, path, plan)
        return layer
    saved = QgsMapLayerStyle()
    saved.readFromLayer(old)
    saved.writeToLayer(layer)
    chinese_fields(layer)
    layer.setName(old.name())
    _mark(layer, path, plan)
    old_node, new_node = root.findLayer(old.id()), root.findLayer(layer.id())
    if old_node is not None and new_node is not None:
        parent = old_node.parent()
        parent.insertChildNode(parent.children().index(old_node), new_node.clone())
        new_node.parent().removeChildNode(new_node)
    project.removeMapLayer(old.id())
    return layer


def style(layer):
    apply_style(layer, "findings")
    chinese_fields(layer)


def chinese_fields(layer):
    """Chinese field aliases, and severities shown as 错误/警告/提示 (the stored values stay English)."""
    fields = layer.fields()
    for name, alias in ALIASES_ZH.items():
        index = fields.indexOf(name)
        if index >= 0:
            layer.setFieldAlias(index, alias)
    index = fields.indexOf("severity")
    if index >= 0:
        layer.setEditorWidgetSetup(index, QgsEditorWidgetSetup(
            "ValueMap", {"map": [{zh: value} for value, zh in SEVERITY_ZH.items()]}))
