"""Sheet 04's findings layers: open findings by severity, decided ones drawn apart, one label per finding.

The findings GeoPackage keeps decisions in their own table; here each finding with a geometry is copied
into a memory layer with its decision, so that approved exceptions (已认可例外) and false positives
(误报) get their own symbols and legend lines. Labels come from a separate point layer — one point on
the surface of each finding, made valid first so that an invalid parcel (a bow-tie) is labelled too —
placed around the point, errors first, so that labels do not overlap where there is room.
"""
from qgis.core import (
    QgsFeature,
    QgsFillSymbol,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsProperty,
    QgsRuleBasedRenderer,
    QgsSingleSymbolRenderer,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtGui import QColor, QFont

from ..read.styles import apply_style
from ..review.decisions import KINDS, NAMES
from . import FONT
from .text import plain

DECIDED_SYMBOLS = {   # drawn apart from open findings: no alarm colour, outline only
    "accepted": {"color": "0,150,70,35", "outline_color": "0,130,60", "outline_width": "0.6",
                 "outline_style": "dash"},
    "false_positive": {"color": "150,150,150,30", "outline_color": "100,100,100", "outline_width": "0.4",
                       "outline_style": "dot"}}
PRIORITY = "CASE WHEN \"decision\" <> '' THEN 2 WHEN \"severity\" = 'error' THEN 10 " \
           "WHEN \"severity\" = 'warning' THEN 7 ELSE 4 END"
FIELDS = (("finding_id", "string"), ("rule_id", "string"), ("severity", "string"), ("area_m2", "double"),
          ("decision", "string"), ("control_layer", "string"), ("label", "string"))


def _memory(kind, crs, name):
    fields = "".join("&field={}:{}".format(field, type_) for field, type_ in FIELDS)
    return QgsVectorLayer("{}?crs={}{}".format(kind, crs.authid() or crs.toWkt(), fields), name, "memory")


def label_text(finding, kind, indicator_rules):
    """'CL-01\n5,000 m²\n（已认可例外）': rule, area (not an indicator's difference), the decision as shown."""
    area = finding["area_m2"]
    text = plain(finding["rule_id"] or "")
    if area and area > 0 and finding["rule_id"] not in indicator_rules:
        text += "\n{:,.0f} m²".format(area)
    return text + ("\n（{}）".format(NAMES[kind][0]) if kind in NAMES else "")


def findings_layers(source, report):
    """(polygon layer styled by severity and decision, label point layer) of the findings with a geometry."""
    indicator_rules = {r["rule_id"] for r in report.rules if r.get("kind") == "indicator"}
    polygons = _memory("MultiPolygon", source.crs(), "核对问题")
    points = _memory("Point", source.crs(), "核对问题标注")
    shapes, anchors = [], []
    for feature in source.getFeatures():
        if not feature.hasGeometry() or feature.geometry().isEmpty():
            continue
        kind = report.decision_kind(feature)
        closing = kind if kind in KINDS else ""         # 需复核 closes nothing: drawn as an open finding
        values = [feature["finding_id"], feature["rule_id"], feature["severity"], feature["area_m2"], closing,
                  feature["control_layer"], label_text(feature, kind, indicator_rules)]
        shape = QgsFeature(polygons.fields())
        shape.setGeometry(feature.geometry())
        shape.setAttributes(values)
        shapes.append(shape)
        geometry = feature.geometry()
        if not geometry.isGeosValid():
            geometry = geometry.makeValid()
        anchor = QgsFeature(points.fields())
        anchor.setGeometry(geometry.pointOnSurface())
        anchor.setAttributes(values)
        anchors.append(anchor)
    polygons.dataProvider().addFeatures(shapes)
    points.dataProvider().addFeatures(anchors)
    apply_style(polygons, "findings")
    _split_decided(polygons.renderer())
    points.setRenderer(QgsSingleSymbolRenderer(QgsMarkerSymbol.createSimple(
        {"size": "0", "color": "0,0,0,0", "outline_style": "no"})))
    _labels(points)
    return polygons, points


def _split_decided(renderer):
    """Severity rules apply to open findings only; one rule per decision kind after them."""
    root = renderer.rootRule()
    for rule in root.children():
        rule.setFilterExpression("({}) AND coalesce(\"decision\", '') = ''".format(rule.filterExpression()))
    for kind, (name, _en) in KINDS.items():
        root.appendChild(QgsRuleBasedRenderer.Rule(QgsFillSymbol.createSimple(DECIDED_SYMBOLS[kind]), 0, 0,
                                                   "\"decision\" = '{}'".format(kind), name))


def _labels(layer):
    settings = QgsPalLayerSettings()
    settings.fieldName = "label"
    settings.placement = QgsPalLayerSettings.Placement.OrderedPositionsAroundPoint      # eight places tried per label
    settings.dist = 0.5
    settings.displayAll = True                          # every finding labelled, even where space is short
    settings.priority = 5
    properties = settings.dataDefinedProperties()
    properties.setProperty(QgsPalLayerSettings.Property.Priority, QgsProperty.fromExpression(PRIORITY))
    properties.setProperty(QgsPalLayerSettings.Property.Color, QgsProperty.fromExpression(
        "CASE WHEN \"decision\" <> '' THEN '80,80,80' ELSE '150,0,0' END"))
    settings.setDataDefinedProperties(properties)
    text = QgsTextFormat()
    text.setFont(QFont(FONT))
    text.setSize(8)
    text.setColor(QColor(150, 0, 0))
    buffer = QgsTextBufferSettings()
    buffer.setEnabled(True)
    buffer.setSize(0.8)
    buffer.setColor(QColor(255, 255, 255))
    text.setBuffer(buffer)
    settings.setFormat(text)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)
