"""Load a plan source into a QGIS project: one group per source, sub-groups in drawing order,
Chinese names, official (or clearly provisional) styles, optional labels and map themes.

The panel's Load button and onemap:loadplan both call `load_source`. Only qgis.core is used.
"""
from dataclasses import dataclass, field

from qgis.core import (
    QgsMapThemeCollection,
    QgsPalLayerSettings,
    QgsProject,
    QgsTextFormat,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor, QFont

from ..errors import OneMapError
from .history import AsOf
from .layer_tree import PROPERTY_KEY, PROPERTY_SOURCE, add_subgroup, hide_covering_fills, insert_source_group
from .schema import schema
from .sources import open_source, open_vector, source_name
from .styles import apply_style, only_a_look

THEMES = {"三线": ["control"], "用地用海": ["landuse", "base"], "规划分区": ["zoning", "control"]}


@dataclass
class LoadReport:
    source: object
    kind: str
    group_name: str = ""
    loaded: list = field(default_factory=list)      # (key, layer id, style status)
    failed: list = field(default_factory=list)      # (layer name, message)


GEOMETRY_RANK = {"point": 0, "line": 1}


def _ordered(source):
    """Recognised layers in canonical drawing order: control lines above zones above land use; in a
    group points and lines above polygons (a facility point is not hidden under the land use)."""
    spec_schema = schema()
    groups = spec_schema.group_order()
    order = list(spec_schema.layers)
    found = [layer for layer in source.layers if layer.key]
    return sorted(found, key=lambda l: (groups.index(l.spec.group) if l.spec.group in groups else len(groups),
                                        GEOMETRY_RANK.get(l.spec.geometry, 2), order.index(l.key)))


def _labels(layer, found):
    """Label features with their code (land use, zones) or name."""
    spec = found.spec
    for role in ("code", "name", "village_name"):
        field_spec = spec.field_for(role)
        if field_spec is not None and field_spec.name in found.fields:
            settings = QgsPalLayerSettings()
            settings.fieldName = found.fields[field_spec.name]
            text = QgsTextFormat()
            text.setFont(QFont("Noto Sans CJK SC"))
            text.setSize(9)
            text.setColor(QColor(40, 40, 40))
            settings.setFormat(text)
            layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
            layer.setLabelsEnabled(True)
            return


def load_source(path, project=None, kind=None, labels=False, as_of=None):
    """Add the source's recognised layers to the project; unreadable layers are reported, the rest load.
    `as_of`: a one map's approved plans as of a version or date (history.py), named in the group."""
    project = project or QgsProject.instance()
    as_of = AsOf.parse(as_of)
    source = open_source(path, as_of)
    kind = kind or source.guess_kind()
    kind_info = schema().kinds.get(kind, {})
    report = LoadReport(source=source, kind=kind)
    report.group_name = "{}：{}{}".format(kind_info.get("zh", kind), source_name(source.path),
                                         "（{}）".format(as_of.zh) if as_of else "")
    root = project.layerTreeRoot()
    group = insert_source_group(project, report.group_name, source.label + ("@" + as_of.text if as_of else ""),
                                kind)                      # an earlier state is a group of its own
    subgroups = {}
    by_group = {}
    for found in _ordered(source):
        try:
            layer = open_vector(found, source.label)
        except OneMapError as exc:
            report.failed.append((found.name, exc))
            continue
        spec = found.spec
        layer.setName(spec.zh if found.name in (spec.key, spec.zh) else "{}（{}）".format(spec.zh, found.name))
        code = spec.field_for("code")
        status = "" if spec.is_table else apply_style(layer, found.key, found.fields.get(code.name) if code else None)
        only_a_look(layer)                       # a table (GHZBB, CJZBFJ) as much as a map layer
        if labels and not spec.is_table:
            _labels(layer, found)
        layer.setCustomProperty(PROPERTY_KEY, found.key)
        layer.setCustomProperty(PROPERTY_SOURCE, source.label)
        project.addMapLayer(layer, False)
        name = spec.group or "base"
        if name not in subgroups:
            subgroups[name] = add_subgroup(group, name, schema().groups.get(name, {}).get("zh", name))
        subgroups[name].addLayer(layer)
        by_group.setdefault(name, []).append(layer)
        report.loaded.append((found.key, layer.id(), status))
    if not report.loaded:
        root.removeChildNode(group)
    else:
        _themes(project, report, by_group)
        hide_covering_fills(root)
    return report


def _themes(project, report, by_group):
    """Map themes showing only some sub-groups of this source (e.g. 三线: control lines only)."""
    for theme, names in THEMES.items():
        layers = [layer for name in names for layer in by_group.get(name, [])]
        if not layers:
            continue
        record = QgsMapThemeCollection.MapThemeRecord()
        record.setLayerRecords([QgsMapThemeCollection.MapThemeLayerRecord(layer) for layer in layers])
        project.mapThemeCollection().insert("{} · {}".format(theme, report.group_name), record)

