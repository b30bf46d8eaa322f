"""The findings layer in a project: one per plan. A re-check replaces its data in place (style, tree
position and id kept); a toolbox run's new layer takes the old one's style and place (`adopt`). How the
findings read in QGIS's attribute form and table is set here too (`present`); the file's columns and
values stay as written.

Before a check replaces a findings file the project shows, `release` lets go of it: Windows refuses to
replace a file another handle holds open (os.replace: "being used by another process"), and QGIS holds
a loaded GeoPackage open — the layer's provider and its pooled feature-iterator connections.
"""
import os

from qgis.core import QgsEditorWidgetSetup, QgsMapLayerStyle, QgsProject, QgsVectorLayer, QgsWkbTypes

from ..errors import OneMapError
from ..read.layer_source import CHECKED_AS
from ..read.loading import PROPERTY_KEY, PROPERTY_SOURCE
from ..read.schema import schema
from ..read.sources import ogr_uri
from ..read.styles import apply_style
from . import readback
from .findings import recorded_plan
from .layout import ALIASES_ZH, LIST_JOIN, SEVERITY_ZH

PROPERTY_PLAN = "onemap/plan"          # the checked plan (as the run table records it)
FIGURE_LIMIT = 1e10                    # the form's number fields span ±this: their width fits it, not ±1.8e308
NAMED_LAYERS = 100                     # layer values named in the form and table (a plan has some 40 layers)


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


def load_findings(path, project=None, title="", chinese=True):
    """The plan's findings layer showing `path`: the existing one refreshed, or a new one on top
    (`chinese`: the language of the attribute form, see `present`)."""
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
        _mark(layer, path, plan)
        present(layer, project, chinese)
        layer.triggerRepaint()
        return layer
    layer = findings_vector_layer(path, layer_name(title))
    apply_style(layer, "findings")
    _mark(layer, path, plan)
    present(layer, project, chinese)
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


def reattach(project, path, chinese=True):
    """Show `path` again in the findings layers released for a check that then wrote nothing."""
    for layer in _findings_layers(project):
        if same_file(layer.customProperty(PROPERTY_SOURCE), path) and layer.providerType() == "memory":
            layer.setDataSource(uri(path), layer.name(), "ogr", False)
            present(layer, project, chinese)


def adopt(layer, project=None, chinese=True):
    """A findings layer just added (by Processing) replaces the plan's earlier one: same style, same
    place in the layer tree; without an earlier one it gets the findings style. Processing hands back the
    layer already showing the file when the run wrote over a loaded one: it is read again, style kept."""
    project = project or QgsProject.instance()
    path = layer.source().split("|")[0]
    if layer.customProperty(PROPERTY_KEY) == "findings":
        return load_findings(path, project, chinese=chinese)
    plan = recorded_plan(path)
    old = existing(project, path, plan, exclude=layer)
    root = project.layerTreeRoot()
    if old is None:
        apply_style(layer, "findings")
        _mark(layer, path, plan)
        present(layer, project, chinese)
        return layer
    saved = QgsMapLayerStyle()
    saved.readFromLayer(old)
    saved.writeToLayer(layer)
    layer.setName(old.name())
    _mark(layer, path, plan)
    present(layer, project, chinese)
    old_node, new_node = root.findLayer(old.id()), root.findLayer(layer.id())
    if old_node is not None and new_node is not None:
        parent = old_node.parent()
        parent.insertChildNode(parent.children().index(old_node), new_node.clone())
        new_node.parent().removeChildNode(new_node)
    project.removeMapLayer(old.id())
    return layer


def present(layer, project=None, chinese=True):
    """The findings as a technician reads them in the attribute form and table: Chinese field names;
    severities as 错误/警告/提示; the message and detail wrapped; areas (m²) and projected coordinates to 2 decimals; the English rule title
    hidden in a Chinese UI (`chinese`); the plan's and the one map's layer (规划图层, 对照图层) by the name it
    has in the layer tree where it is loaded, else by its schema name, several (CRS-01) by their names
    alone. The stored values stay as written: the findings GeoPackage's columns are a contract."""
    project = project or QgsProject.instance()
    fields = layer.fields()

    def show(name, kind, config=None):
        index = fields.indexOf(name)
        if index >= 0:
            layer.setEditorWidgetSetup(index, QgsEditorWidgetSetup(kind, config or {}))

    for name, alias in ALIASES_ZH.items():
        index = fields.indexOf(name)
        if index >= 0:
            layer.setFieldAlias(index, alias)
    show("severity", "ValueMap", {"map": [{zh: value} for value, zh in SEVERITY_ZH.items()]})
    for name in ("message", "detail"):                    # long texts wrap instead of scrolling in a line
        show(name, "TextEdit", {"IsMultiline": True, "UseHtml": False})
    show("area_m2", "Range", _figure(2))
    for name in ("x", "y"):                               # degrees where the findings' CRS is geographic
        show(name, "Range", _figure(8 if layer.crs().isGeographic() else 2))
    show("rule_title_en", "Hidden" if chinese else "")
    run = _run(layer)
    for name, source in (("plan_layer", "plan_path"), ("control_layer", "onemap_path")):
        index = fields.indexOf(name)
        if index >= 0:
            loaded = checked_layers(project, run.get(source) or "")
            values = sorted(v for v in layer.uniqueValues(index) if v)      # "" (a CRS finding): shown empty
            if len(values) <= NAMED_LAYERS:           # QGIS 3.22 rebuilds a value map for every cell it shows
                show(name, "ValueMap", {"map": [{"": ""}] + [{_layers_named(value, loaded, chinese): value}
                                                             for value in values]})


def _figure(decimals):
    """A Range widget's config: a number shown to `decimals` places, read-only in the form as elsewhere."""
    return {"Min": -FIGURE_LIMIT, "Max": FIGURE_LIMIT, "Step": 1, "Precision": decimals, "AllowNull": True,
            "Style": "SpinBox"}


def _run(layer):
    try:
        return readback.run_record(layer.customProperty(PROPERTY_SOURCE) or "")
    except OneMapError:
        return {}


def _layers_named(value, loaded, chinese):
    """A finding's layer as the user knows it (_layer_name); several (CRS-01 names every one-map layer it
    compared, 'CJDCQ、YJJBNTBHTB、…') by their names alone: five names with their keys would not fit a form."""
    keys = value.split(LIST_JOIN)
    if len(keys) == 1:
        return _layer_name(value, loaded, chinese)
    return (LIST_JOIN if chinese else ", ").join(_short_name(key, loaded, chinese) for key in keys)


def _short_name(key, loaded, chinese):
    spec = schema().layers.get(key)
    if key in loaded:
        return loaded[key].name()
    return key if spec is None else spec.zh if chinese else spec.en


def _layer_name(key, loaded, chinese):
    """A layer's key as the user knows the layer: its name in the layer tree where `loaded` has it, else
    its schema name with the key."""
    spec = schema().layers.get(key)
    if key in loaded or spec is None:
        return _short_name(key, loaded, chinese)
    return "{}（{}）".format(spec.zh, key) if chinese else "{} ({})".format(spec.en, key)


def checked_layers(project, plan):
    """{layer key: project layer} of a checked source — the plan, or the one map (core.review.places) — that
    OneMap loaded (`plan`: the source as the run record names it), a layer serving as another key (a
    detailed plan's GHDK as GHYDYH) standing for that one too; a project layer checked as the plan's land
    use (CHECKED_AS) stands for GHYDYH."""
    serves = {key: served for served, keys in schema().serving().items() for key in keys}
    found = {}
    for layer in project.mapLayers().values():
        key = layer.customProperty(PROPERTY_KEY)
        if plan and key and key != "findings" and layer.customProperty(PROPERTY_SOURCE) == plan:
            found.setdefault(key, layer)
            if key in serves:
                found.setdefault(serves[key], layer)
        elif plan and layer.customProperty(CHECKED_AS) == plan:
            found.setdefault("GHYDYH", layer)
    return found
