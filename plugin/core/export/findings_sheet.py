"""Sheet 04's findings: their areas by severity and decision, and a marker for each one on the sheet.

The findings GeoPackage keeps decisions in their own table; here each finding with a geometry is copied
into a memory layer with its decision, so that approved exceptions (已认可例外) and false positives
(误报) get their own symbols and legend lines (a decision 需复核 closes nothing: drawn as open).

Each finding on a village's sheet gets one anchor — a dot on its surface (made valid first, so a
bow-tie is marked too) — and one label placed by QGIS's label engine around the dot, with a leader line
when it sits away from it. Two forms, chosen per sheet by `mapsheets` from what the engine could place:
- LABELS: the rule and area ("CL-07 / 10,000 m²") in the severity's colour;
- NUMBERS: the finding's number in the report's 问题清单 (a circled number in the severity's colour),
  keyed to a table beside the map — the way review drawings number their 问题.
Labels never overprint: the engine drops what does not fit (collected as unplaced), and `mapsheets`
moves those further out, or switches to numbers, until every finding is placed.
"""
from dataclasses import dataclass

from qgis.core import (
    Qgis,
    QgsCallout,
    QgsFeature,
    QgsFillSymbol,
    QgsLabelObstacleSettings,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsMessageLog,
    QgsPalLayerSettings,
    QgsProperty,
    QgsRuleBasedRenderer,
    QgsSimpleLineCallout,
    QgsSingleSymbolRenderer,
    QgsTextBackgroundSettings,
    QgsTextFormat,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtCore import QSizeF
from qgis.PyQt.QtGui import QColor

from ..check.geomops import from_wkb
from ..read.styles import apply_style, build_renderer
from ..review.decisions import KINDS
from ..review.layout import SEVERITY_ZH
from . import fonts
from .text import plain

LABELS, NUMBERS = "labels", "numbers"
DECIDED_SYMBOLS = {   # drawn apart from open findings: no alarm colour, outline only
    "accepted": {"color": "0,150,70,35", "outline_color": "0,130,60", "outline_width": "0.6",
                 "outline_style": "dash"},
    "false_positive": {"color": "150,150,150,30", "outline_color": "100,100,100", "outline_width": "0.4",
                       "outline_style": "dot"}}
MARK_COLOURS = {"error": (190, 0, 0), "warning": (196, 98, 0), "info": (0, 86, 190),        # the legend's hues,
                "accepted": (0, 125, 60), "false_positive": (105, 105, 105)}               # dark enough for text
OPEN = "coalesce(\"decision\", '') = ''"
PRIORITY = {"error": 10, "warning": 7, "info": 5, "accepted": 3, "false_positive": 2}
DISTANCE_MM = 1.5                   # a label's first distance from its dot (a short leader line)
FIELDS = (("finding_id", "string"), ("number", "integer"), ("rule_id", "string"), ("severity", "string"),
          ("area_m2", "double"), ("decision", "string"), ("control_layer", "string"), ("label", "string"),
          ("mark", "string"), ("colour", "string"), ("priority", "integer"), ("distance", "double"),
          ("label_x", "double"), ("label_y", "double"))


@dataclass
class Marked:
    """One finding on a sheet: its number in the report's 问题清单 and how it is drawn."""
    number: int
    finding: dict
    decision: str                   # 'accepted', 'false_positive', or '' (open, incl. 需复核)
    review: bool                    # a carried-over decision to confirm (需复核)
    geometry: object

    @property
    def mark(self):
        """The colour key: the decision for decided findings, else the severity."""
        return self.decision or self.finding["severity"]

    @property
    def status_zh(self):
        text = KINDS[self.decision][0] if self.decision else SEVERITY_ZH.get(self.finding["severity"], "")
        return text + ("（需复核）" if self.review else "")


def _memory(kind, crs, name):
    fields = "".join("&field={}:{}".format(field, type_) for field, type_ in FIELDS)
    return QgsVectorLayer("{}?crs={}{}".format(kind, crs.authid() or crs.toWkt(), fields), name, "memory")


def marked_findings(report, crs):
    """Every finding with a geometry as Marked, numbered as the report's 问题清单 numbers it (its order)."""
    marked = []
    for number, finding in enumerate(report.findings, 1):
        if not finding.get("_wkb"):
            continue
        geometry = from_wkb(finding["_wkb"])
        if geometry.isEmpty():
            continue
        kind = report.decision_kind(finding)
        marked.append(Marked(number, finding, kind if kind in KINDS else "", kind == "review", geometry))
    return marked


def area_text(marked, indicator_rules):
    """The finding's area in m² as sheet 04 shows it ('10,000'), or '' (none, or an indicator's)."""
    area = marked.finding.get("area_m2")
    if not area or area <= 0 or marked.finding["rule_id"] in indicator_rules:
        return ""
    return "{:,.0f}".format(area)


def label_text(marked, indicator_rules):
    """'CL-07 / 10,000 m² / （误报）', each line with a space either side: neighbouring labels never touch."""
    area = area_text(marked, indicator_rules)
    lines = [plain(marked.finding["rule_id"] or "")]
    if area:
        lines.append("{} m²".format(area))
    suffix = KINDS[marked.decision][0] if marked.decision else "需复核" if marked.review else ""
    if suffix:
        lines.append("（{}）".format(suffix))
    return "\n".join(" {} ".format(line) for line in lines)


def _values(marked, indicator_rules, distance=DISTANCE_MM):
    finding = marked.finding
    colour = MARK_COLOURS.get(marked.mark, MARK_COLOURS["info"])
    return [finding["finding_id"], marked.number, finding["rule_id"], finding["severity"], finding.get("area_m2"),
            marked.decision, finding.get("control_layer"), label_text(marked, indicator_rules), marked.mark,
            "{},{},{}".format(*colour), PRIORITY.get(marked.mark, 1), distance, None, None]


def findings_polygons(marked, crs, indicator_rules):
    """The findings' areas, styled by severity; decided ones by their decision."""
    layer = _memory("MultiPolygon", crs, "核对问题")
    features = []
    for one in marked:
        feature = QgsFeature(layer.fields())
        feature.setGeometry(one.geometry)
        feature.setAttributes(_values(one, indicator_rules))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    if not apply_style(layer, "findings"):             # a province's findings.qml that does not import
        layer.setRenderer(build_renderer("findings"))
    layer.setRenderer(_split_decided(_rules(layer)))
    return layer


def _rules(layer):
    """The findings style as rules: a province's single-symbol, categorised or graduated findings.qml is
    converted (its look kept); a renderer that has no rules (a heat map …) gives way to OneMap's own style."""
    renderer = layer.renderer()
    if isinstance(renderer, QgsRuleBasedRenderer):
        return renderer.clone()
    converted = QgsRuleBasedRenderer.convertFromRenderer(renderer, layer) if renderer is not None else None
    if converted is None:
        QgsMessageLog.logMessage("核对问题样式（{}）无法区分已处理问题，已改用 OneMap 的核对问题样式 (the findings style "
                                 "cannot tell decided findings apart: OneMap's own is used)".format(
                                     renderer.type() if renderer is not None else "-"), "OneMap", Qgis.MessageLevel.Warning)
        converted = build_renderer("findings")
    return converted


def _split_decided(renderer):
    """Severity rules apply to open findings only; one rule per decision kind after them."""
    root = renderer.rootRule()
    for rule in root.children():
        if rule.isElse():
            continue                    # an ELSE rule applies where no other rule does: never to a decided finding
        condition = rule.filterExpression().strip()
        rule.setFilterExpression("({}) AND {}".format(condition, OPEN) if condition else OPEN)
        if not rule.label():
            rule.setLabel("核对问题")
    for kind, (name, _en) in KINDS.items():
        root.appendChild(QgsRuleBasedRenderer.Rule(QgsFillSymbol.createSimple(DECIDED_SYMBOLS[kind]), 0, 0,
                                                   "\"decision\" = '{}'".format(kind), name))
    return renderer


def anchors(marked, crs, area, indicator_rules):
    """A point layer of the findings touching `area` (a village, in `crs`): one dot on each finding's part
    inside it (the whole finding when it lies outside, as GEO-05's parcels do)."""
    layer = _memory("Point", crs, "核对问题编号")
    features = []
    for one in marked:
        geometry = one.geometry if one.geometry.isGeosValid() else one.geometry.makeValid()
        if not geometry.intersects(area):
            continue
        inside = geometry.intersection(area)
        if inside.isEmpty() or inside.area() <= 0:
            inside = geometry
        feature = QgsFeature(layer.fields())
        feature.setGeometry(inside.pointOnSurface())
        feature.setAttributes(_values(one, indicator_rules))
        features.append(feature)
    layer.dataProvider().addFeatures(features)
    dot = QgsMarkerSymbol.createSimple({"name": "circle", "size": "1.4", "color": "0,0,0",
                                        "outline_color": "255,255,255", "outline_width": "0.3"})
    dot.symbolLayer(0).setDataDefinedProperty(dot.symbolLayer(0).PropertyFillColor,
                                              QgsProperty.fromField("colour"))
    layer.setRenderer(QgsSingleSymbolRenderer(dot))
    return layer


def label_anchors(layer, form):
    """Label each dot (LABELS: rule and area; NUMBERS: a circled number), around it, with a leader line."""
    settings = QgsPalLayerSettings()
    settings.fieldName = "label" if form == LABELS else "' ' || \"number\" || ' '"   # spaces: the box's margin
    settings.isExpression = form == NUMBERS
    settings.placement = QgsPalLayerSettings.Placement.OrderedPositionsAroundPoint   # eight places per distance
    settings.dist = DISTANCE_MM
    settings.displayAll = False                     # never overprint: what does not fit is reported unplaced
    settings.priority = 5
    properties = settings.dataDefinedProperties()
    properties.setProperty(QgsPalLayerSettings.Property.Priority, QgsProperty.fromField("priority"))
    properties.setProperty(QgsPalLayerSettings.Property.LabelDistance, QgsProperty.fromField("distance"))
    for key, value in ((QgsPalLayerSettings.Property.PositionX, QgsProperty.fromField("label_x")),   # see pin_labels
                       (QgsPalLayerSettings.Property.PositionY, QgsProperty.fromField("label_y")),
                       (QgsPalLayerSettings.Property.Hali, QgsProperty.fromValue("Center")),
                       (QgsPalLayerSettings.Property.Vali, QgsProperty.fromValue("Half")),
                       (QgsPalLayerSettings.Property.MultiLineAlignment, QgsProperty.fromValue("Center")),
                       (QgsPalLayerSettings.Property.AlwaysShow, QgsProperty.fromExpression("\"label_x\" IS NOT NULL"))):
        properties.setProperty(key, value)
    if form == NUMBERS:
        text = QgsTextFormat()
        text.setFont(fonts.font(bold=True))
        text.setSize(7.5)
        text.setColor(QColor(255, 255, 255))
        background = QgsTextBackgroundSettings()
        background.setEnabled(True)
        background.setType(QgsTextBackgroundSettings.ShapeType.ShapeRectangle)   # exactly the box the engine
        background.setSizeType(QgsTextBackgroundSettings.SizeType.SizeBuffer)      # keeps clear of the others
        background.setSize(QSizeF(0, 0))
        background.setRadii(QSizeF(1.2, 1.2))
        background.setStrokeColor(QColor(255, 255, 255))
        background.setStrokeWidth(0.25)
        text.setBackground(background)
        properties.setProperty(QgsPalLayerSettings.Property.ShapeFillColor, QgsProperty.fromField("colour"))
    else:
        text = fonts.label_format(8, (0, 0, 0), 0.9)          # its colour is the finding's (data-defined)
        properties.setProperty(QgsPalLayerSettings.Property.Color, QgsProperty.fromField("colour"))
    settings.setFormat(text)
    settings.setDataDefinedProperties(properties)
    callout = QgsSimpleLineCallout()
    callout.setEnabled(True)
    callout.setMinimumLength(0.5)
    callout.setLabelAnchorPoint(QgsCallout.LabelAnchorPoint.LabelPointOnExterior)
    callout.setLineSymbol(QgsLineSymbol.createSimple({"line_color": "60,60,60", "line_width": "0.2"}))
    settings.setCallout(callout)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


def make_obstacle(layer):
    """Labels keep off the outlines of the layer's polygons (a label inside a large finding is fine)."""
    settings = QgsPalLayerSettings()
    settings.drawLabels = False
    settings.fieldName = "''"
    settings.isExpression = True
    obstacle = settings.obstacleSettings()
    obstacle.setIsObstacle(True)
    obstacle.setType(QgsLabelObstacleSettings.ObstacleType.PolygonBoundary)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)


def move_out(layer, feature_ids, step_mm):
    """Move the labels of these anchor features `step_mm` further from their dots."""
    index = layer.fields().indexOf("distance")
    changes = {fid: {index: layer.getFeature(fid)["distance"] + step_mm} for fid in feature_ids}
    layer.dataProvider().changeAttributeValues(changes)
    return bool(changes)


def pin_labels(layer, labels):
    """Keep each placed label where it is (its centre as the label's data-defined position, shown even if
    another render's text metrics would differ): the PNG then shows what the PDF shows."""
    fields = layer.fields()
    changes = {label.featureId: {fields.indexOf("label_x"): label.labelRect.center().x(),
                                 fields.indexOf("label_y"): label.labelRect.center().y()}
               for label in labels if not label.isUnplaced}
    layer.dataProvider().changeAttributeValues(changes)


