"""onemap:exportmapsheets' engine: the map sheets a plan is handed in with, from the .qpt templates.

Sheets per village: 国土空间用途规划图, 三条控制线图, 规划分区图 (where zones exist), 一张图核对成果图
(when findings are given). Each template (resources/mapsheet_<paper>_<orientation>.qpt) already holds
title, frame, legend, scale bar, north arrow and notes; here the map gets its layers and extent, the
legend its classes (only those on the sheet, in code order, no "unlisted", no file names), and the
layout variables their text. Everything happens in a private QgsProject: the user's is never touched.
"""
import datetime
import math
import os
import re
from dataclasses import dataclass, field

from qgis.core import (
    QgsCoordinateTransform,
    QgsExpressionContextUtils,
    QgsFeatureRequest,
    QgsGeometry,
    QgsLabelingEngineSettings,
    QgsLayoutExporter,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsLayoutMeasurement,
    QgsLegendRenderer,
    QgsLegendStyle,
    QgsMapClippingRegion,
    QgsMapLayerLegendUtils,
    QgsProject,
    QgsRectangle,
    QgsRenderContext,
)

from ..errors import OneMapError
from ..read import overrides
from ..read.plan_name import plan_name
from ..read.plankind import plan_title
from ..read.schema import schema
from ..read.sources import open_source
from ..read.styles import PROVISIONAL, apply_style, style_path, style_status
from .findings_sheet import (
    LABELS,
    MARK_COLOURS,
    NUMBERS,
    anchors,
    area_text,
    findings_polygons,
    label_anchors,
    make_obstacle,
    marked_findings,
    move_out,
    pin_labels,
)
from .report_pdf import export_pdf, load_template
from .sheet_files import SheetSet, check_output_folder, check_targets, earlier_sheets, unique_names
from .sheet_layout import (
    fit_title,
    fits_one_line,
    make_room_for_legend,
    north_arrow,
    place_findings_table,
    remove_findings_table,
    scale_factor,
)
from .text import plain

SHEETS = (("landuse", "国土空间用途规划图"), ("control", "三条控制线图"), ("zoning", "规划分区图"),
          ("findings", "一张图核对成果图"))
CONTROL_KEYS = ("YJJBNTBHTB", "STBHHX", "CZKFBJ", "LSWHBHX", "HLFXKZX")
PAPERS = ("A3", "A1")
NICE_SCALES = [500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000, 100000, 200000, 250000, 500000, 1000000]
SEVERITY_ORDER = ("错误", "警告", "提示")
PNG_DPI = 150
MUTED_OPACITY = 0.35
EXTENSIONS = (".pdf", ".png")
SEGMENT_MM = 10.0                   # the bar scale's shortest segment on A3 (× 2 on A1): room for its figures
MARGIN_MM = 2.0                     # paper kept between the plan (or village) and the map's frame on A3 (× 2 on A1)
BAR_MM = 64.0                       # the bar's longest on A3 (× 2 on A1): its 80 mm box less its last figure and 米
MOVE_OUT_MM = {LABELS: (2.0,), NUMBERS: (1.5, 2.5, 4.0, 6.0, 9.0)}   # labels not placed go this much further out


@dataclass
class SheetLayer:
    layer: object
    key: str                        # schema key, or 'findings'
    title: str = ""                 # legend heading ('' : the layer's classes stand alone)
    in_legend: bool = True


@dataclass
class Village:
    name: str
    area: object                    # QgsGeometry in the plan's CRS
    fid: object = None              # the atlas feature in the boundary layer; None: no atlas (whole plan, or
                                    # a village in several polygons, shown by their extent)

    @property
    def extent(self):
        return self.area.boundingBox()


@dataclass
class Written:
    village: str
    sheet: str
    files: list = field(default_factory=list)


def crs_note(crs):
    """The coordinate-system note: 2000国家大地坐标系 with its projection, or the CRS the plan really uses."""
    code = crs.authid()
    number = int(code.split(":")[1]) if code.startswith("EPSG:") and code.split(":")[1].isdigit() else 0
    if number == 4490:
        return "2000国家大地坐标系（经纬度）"
    if 4513 <= number <= 4533:
        return "2000国家大地坐标系　高斯-克吕格投影　3度带 第{}带（带号前缀）".format(number - 4513 + 25)
    if 4534 <= number <= 4554:
        return "2000国家大地坐标系　高斯-克吕格投影　3度带 中央经线{}°".format(75 + 3 * (number - 4534))
    if 4491 <= number <= 4512:
        return "2000国家大地坐标系　高斯-克吕格投影　6度带"
    return "坐标系：{}（不是 2000国家大地坐标系）".format(crs.description() or code)


def today():
    now = datetime.date.today()
    return "{}年{}月".format(now.year, now.month)


def nice_scale(scale):
    return next((nice for nice in NICE_SCALES if nice >= scale * 0.999), int(scale) + 1)


def nice_length(metres):
    """1, 2 or 5 × 10^k metres, not more than `metres`."""
    power = 10 ** int(len(str(int(max(metres, 1)))) - 1)
    return max(step * power for step in (1, 2, 5) if step * power <= max(metres, 1))


def segment_length(scale, k=1.0):
    """The bar scale's segment: the shortest 1, 2 or 5 × 10^n metres that is SEGMENT_MM × k on paper or more
    (within 1 %: A1's k is 841/420, and 100.1 m must not become 200 m)."""
    metres = scale * SEGMENT_MM * k / 1000.0
    power = 10 ** math.floor(math.log10(metres * 0.99))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= metres * 0.99)


def bar_segments(scale, k=1.0):
    """(segment length in metres, number of segments) of the bar scale: up to four segments, as many as fit
    in BAR_MM × k, so that its last figure and 米 stay clear of the numeric scale beside it."""
    length = segment_length(scale, k)
    on_paper = length * 1000.0 / scale
    return length, max(1, min(4, int(BAR_MM * k / on_paper + 1e-9)))


def class_key(key, label):
    """A legend class's place: findings by severity, others in code order."""
    if key == "findings":
        return (SEVERITY_ORDER.index(label) if label in SEVERITY_ORDER else 9, label)
    return (0, label.split(" ")[0])            # '0103 旱地' -> '0103': code order, 2 digits before 4


def legend_label(label):
    """A class's label as a legend shows it: without the provisional mark, one plain line."""
    suffix = "（{}）".format(PROVISIONAL)
    return plain(label[:-len(suffix)] if label.endswith(suffix) else label)


def present_classes(layer, area, crs, code_field=None):
    """{legend key: codes} of the layer's features inside `area` (a geometry in `crs`); {'': …} for a
    single-symbol layer with any. The legend lists exactly these; codes of the ELSE class go to the footnote."""
    transform = QgsCoordinateTransform(crs, layer.crs(), QgsProject.instance())
    local = QgsGeometry(area)
    local.transform(transform)
    renderer = layer.renderer().clone()
    context = QgsRenderContext()
    context.expressionContext().appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    renderer.startRender(context, layer.fields())
    engine = QgsGeometry.createGeometryEngine(local.constGet())
    engine.prepareGeometry()
    found = {}
    for feature in layer.getFeatures(QgsFeatureRequest().setFilterRect(local.boundingBox())):
        if not feature.hasGeometry():
            continue
        geometry = feature.geometry()
        if not geometry.isGeosValid():                  # an invalid parcel is still drawn: list its class
            geometry = geometry.makeValid()
        if not engine.intersects(geometry.constGet()) or engine.touches(geometry.constGet()):
            continue                                    # a neighbour sharing the boundary is not on the sheet
        context.expressionContext().setFeature(feature)
        keys = renderer.legendKeysForFeature(feature, context) if renderer.type() == "RuleRenderer" else [""]
        for key in keys:
            found.setdefault(key, set()).add(str(feature[code_field]) if code_field else "")
    renderer.stopRender(context)
    return found


def else_keys(layer):
    renderer = layer.renderer()
    return {rule.ruleKey() for rule in renderer.rootRule().children() if rule.isElse()} \
        if renderer.type() == "RuleRenderer" else set()


def fill_legend(legend, entries, present):
    """The layers on the sheet; rule-based ones as the classes present, in code order, without the ELSE class.

    Returns the number of legend lines (layer headings included)."""
    legend.setAutoUpdateModel(False)
    legend.setLegendFilterByMapEnabled(False)
    model = legend.model()
    root = model.rootGroup()
    root.removeAllChildren()
    lines = 0
    for entry in entries:
        classes = present.get(id(entry))
        if not entry.in_legend or not classes:
            continue
        node = root.addLayer(entry.layer)
        node.setUseLayerName(False)
        node.setName(entry.title or entry.layer.name())
        renderer = entry.layer.renderer()
        if renderer.type() != "RuleRenderer":
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, 0, entry.title or entry.layer.name())
            model.refreshLayerLegend(node)
            lines += 1
            continue
        skip = else_keys(entry.layer)
        items = [(index, item) for index, item in enumerate(renderer.legendSymbolItems())
                 if item.ruleKey() in classes and item.ruleKey() not in skip]
        items.sort(key=lambda pair: class_key(entry.key, pair[1].label()))
        if not entry.title:
            QgsLegendRenderer.setNodeLegendStyle(node, QgsLegendStyle.Style.Hidden)
        QgsMapLayerLegendUtils.setLegendNodeOrder(node, [index for index, _item in items])
        for index, item in items:
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, index, legend_label(item.label()))
        model.refreshLayerLegend(node)
        lines += len(items) + (1 if entry.title else 0)
    legend.updateLegend()
    return lines


class SheetData:
    """The layers of one plan (and its one map, findings) loaded once into a private project."""

    def __init__(self, plan_path, onemap_path=None, findings_path=None):
        self.project = QgsProject()
        engine = self.project.labelingEngineSettings()      # unplaced labels are reported, never drawn
        engine.setFlag(QgsLabelingEngineSettings.Flag.CollectUnplacedLabels, True)
        engine.setFlag(QgsLabelingEngineSettings.Flag.DrawUnplacedLabels, False)
        engine.setFlag(QgsLabelingEngineSettings.Flag.UsePartialCandidates, False)
        self.project.setLabelingEngineSettings(engine)
        self.plan = open_source(plan_path)
        if "GHYDYH" not in self.plan.recognised:
            raise OneMapError("规划成果 {} 中没有可识别的规划用地用海图层".format(self.plan.label),
                              "The plan {} has no recognisable land-use layer".format(self.plan.label))
        self.onemap = open_source(onemap_path) if onemap_path else None
        self.landuse = self._layer("GHYDYH", self.plan)
        found = self.plan.get("GHYDYH")
        self.code_field = found.fields.get(found.spec.field_for("code").name)
        self.crs = self.landuse.crs()
        self.project.setCrs(self.crs)
        self.muted = self._layer("GHYDYH", self.plan, opacity=MUTED_OPACITY)
        self.boundary = self._layer("CJDCQ", self.plan) if self.plan.get("CJDCQ") else None
        self.controls = {key: layer for key, layer in ((key, self._either(key)) for key in CONTROL_KEYS) if layer}
        self.zoning = self._either("GHFQ")
        self.extent = self._layer("GHFW", self.plan) if self.plan.get("GHFW") else None   # the plan's own only
        self.kind = self.plan.guess_kind()
        self.area_name = "村域" if self.kind == "village" else "规划范围"    # what the notes call the sheet's area
        self.own_name = plan_name(self.plan, self.onemap) if self.boundary is None else ""    # a 控规's, from its data
        self.report, self.marked, self.findings, self.indicator_rules = \
            self._findings(findings_path) if findings_path else (None, [], None, set())

    def close(self):
        """Delete the private project's layouts and layers — closing their files — now, while QGIS runs: an
        error's traceback (a cancel's, kept by the task that ran it) may hold the project on, and a layer
        deleted when Python exits crashed it in GDAL's close."""
        self.project.layoutManager().clear()
        self.project.removeAllMapLayers()
        self.project = None

    def title(self, village):
        """The sheets' title before the sheet's name: the village's name, or a plan drawn whole (a 控规) by its
        own name where its data gives one (core.read.plan_name), else by its file name; with the plan's kind."""
        return plan_title((self.own_name if village.fid is None else "") or village.name, self.kind)

    def _layer(self, key, source, opacity=1.0):
        found = source.get(key)
        layer = source.open_layer(key)
        code = found.spec.field_for("code")
        apply_style(layer, key, found.fields.get(code.name) if code else None)
        layer.setName(found.spec.zh)
        if opacity < 1.0:                   # symbol opacity: kept in vector PDF output (layer opacity is not)
            renderer = layer.renderer()
            for symbol in renderer.symbols(QgsRenderContext()):
                symbol.setOpacity(opacity)
        self.project.addMapLayer(layer, False)
        return layer

    def _either(self, key):
        """The plan's own layer (what it puts into effect), else the one map's."""
        for source in (self.plan, self.onemap):
            if source is not None and source.get(key):
                return self._layer(key, source)
        return None

    def _findings(self, path):
        from .report_data import read_report
        report = read_report(path)                      # a clear error if it is not a findings file
        crs = report.crs                                # from the file's EPSG code, checked by the reader
        marked = marked_findings(report, crs)
        indicator_rules = {rule["rule_id"] for rule in report.rules if rule.get("kind") == "indicator"}
        polygons = findings_polygons(marked, crs, indicator_rules)
        make_obstacle(polygons)
        self.project.addMapLayer(polygons, False)
        return report, marked, polygons, indicator_rules

    def finding_anchors(self, village):
        """The anchor layer of the findings on a village's sheet (in the project, not yet labelled)."""
        area = QgsGeometry(village.area)
        area.transform(QgsCoordinateTransform(self.crs, self.findings.crs(), self.project))
        layer = anchors(self.marked, self.findings.crs(), area, self.indicator_rules)
        self.project.addMapLayer(layer, False)
        return layer

    def marked_on(self, marks):
        """The findings anchored on a sheet (its anchor layer `marks`), in number order."""
        numbers = {feature["number"] for feature in marks.getFeatures()}
        return [one for one in self.marked if one.number in numbers]

    def violated_controls(self):
        """The control lines the findings concern (their control_layer), in CONTROL_KEYS order."""
        named = {key for feature in self.findings.getFeatures()
                 for key in (feature["control_layer"] or "").split("、")}
        return [key for key in CONTROL_KEYS if key in named and key in self.controls]

    def villages(self):
        """One Village per feature of the plan's boundary layer; the whole plan when it has none."""
        if self.boundary is not None:
            found = self.plan.get("CJDCQ")
            name_field = next((found.fields.get(s.name) for s in (found.spec.field_for("village_name"),
                                                                    found.spec.field_for("village_code")) if s), None)
            parts = {}                              # a village in several polygons is still one set of sheets
            for feature in self.boundary.getFeatures():
                if feature.hasGeometry() and not feature.geometry().isEmpty():
                    name = str(feature[name_field]) if name_field and feature[name_field] else ""
                    parts.setdefault(name or "村域{}".format(feature.id()), []).append(feature)
            villages = [Village(name, QgsGeometry.unaryUnion([f.geometry() for f in features]),
                                features[0].id() if len(features) == 1 else None)
                        for name, features in parts.items()]
            if villages:
                return villages
        name = os.path.splitext(os.path.basename(os.path.normpath(self.plan.path)))[0]
        return [Village(name, QgsGeometry.fromRect(self.landuse.extent()))]

    def sheet_layers(self, sheet):
        """Drawing order top first; None when the sheet has nothing to show."""
        boundary = [SheetLayer(self.boundary, "CJDCQ", "村域范围")] if self.boundary is not None else \
            [SheetLayer(self.extent, "GHFW", "规划范围")] if self.extent is not None else []   # where the plan is
        if sheet == "landuse":
            return boundary + [SheetLayer(self.landuse, "GHYDYH")]
        if sheet == "control":
            controls = [SheetLayer(layer, key, layer.name()) for key, layer in self.controls.items()]
            return controls + boundary + [SheetLayer(self.muted, "GHYDYH", in_legend=False)]
        if sheet == "zoning" and self.zoning is not None:
            return boundary + [SheetLayer(self.zoning, "GHFQ")]
        if sheet == "findings" and self.findings is not None:
            controls = [SheetLayer(self.controls[key], key, self.controls[key].name())
                        for key in self.violated_controls()]          # drawn under the findings
            return [SheetLayer(self.findings, "findings", "核对问题")] + controls + boundary + \
                [SheetLayer(self.muted, "GHYDYH", in_legend=False)]
        return None


def absent_controls_note(entries, present, inside=None, where="村域"):
    """'本村域内无城镇开发边界、生态保护红线。' — control lines the sheet would show but none touches the village
    (`inside`: what lies in it, by default `present`; `where`: 村域, or 规划范围 for a 控规); '图中…位于规划范围外。'
    for those the map shows around it; '规划成果与一张图均无…图层。' for those neither source holds."""
    inside = present if inside is None else inside
    shown = {entry.key for entry in entries}
    absent = [entry for entry in entries if entry.key in CONTROL_KEYS and not inside.get(id(entry))]
    around = [entry.title for entry in absent if present.get(id(entry))]
    missing = [schema().layers[key].zh for key in CONTROL_KEYS if key not in shown and key in schema().layers]
    notes = ["本{}内无{}。".format(where, "、".join(entry.title for entry in absent))] if absent else []
    if around:
        notes.append("图中{}位于{}外。".format("、".join(around), where))
    if missing:
        notes.append("规划成果与一张图均无{}图层。".format("、".join(missing)))
    return "".join(notes)


def footnote(entries, present, sheet="", inside=None, where="村域"):
    """The sheet's one footnote: control lines not in the village or plan (sheet 02: absent_controls_note),
    codes drawn without a legend entry, provisional symbols."""
    notes = [absent_controls_note(entries, present, inside, where)] if sheet == "control" else []
    notes = [note for note in notes if note]
    for entry in entries:
        codes = sorted({code for key in else_keys(entry.layer) for code in present.get(id(entry), {}).get(key, ())})
        if codes and entry.in_legend:
            notes.append("网格填充为配色表未列出的代码（{}），见核对报告。".format("、".join(codes)))
    note = provisional_note([entry for entry in entries if present.get(id(entry)) and entry.in_legend])
    if note:
        notes.append(note)
    return "注：" + "".join(notes) if notes else ""


def provisional_note(entries):
    """The sentence naming the symbols that are OneMap's provisional choice (none with a province folder)."""
    names = []
    for entry in entries:
        if style_status(entry.key) != "provisional":
            continue
        path = style_path(entry.key) or ""
        if any(os.path.abspath(path).startswith(os.path.abspath(folder)) for folder in overrides.folders(
                overrides.STYLES)):
            continue
        names.append(entry.title or entry.layer.name())
    if not names:
        return ""
    return "{}的符号为暂定样式（官方符号尚未核实），以省级制图规范为准。".format("、".join(dict.fromkeys(names)))


def fit_extent(extent, ratio, margin=0.04):
    """`extent` grown by a margin and to the map item's width/height ratio, centred."""
    width = extent.width() * (1 + 2 * margin)
    height = extent.height() * (1 + 2 * margin)
    width, height = max(width, height * ratio), max(height, width / ratio)
    centre = extent.center()
    return QgsRectangle(centre.x() - width / 2, centre.y() - height / 2,
                        centre.x() + width / 2, centre.y() + height / 2)


def fit_map(map_item, extent, margin_mm):
    """Show `extent` centred on the map item at the largest scale of NICE_SCALES at which it fits inside the
    frame with at least `margin_mm` of paper on every side (a margin in paper, not a share of the extent: 4 % of
    a 1 060 m tall 控规 pushed it from 1:5000 to 1:10000, a quarter of the frame). Returns the scale."""
    width, height = map_item.rect().width(), map_item.rect().height()
    map_item.setExtent(fit_extent(extent, width / height, margin=0.0))
    shown = map_item.extent()                          # the map's scale is QGIS's: right in degrees too
    needed = map_item.scale() * max(extent.width() / max(shown.width(), 1e-12) * width / (width - 2 * margin_mm),
                                    extent.height() / max(shown.height(), 1e-12) * height / (height - 2 * margin_mm))
    scale = nice_scale(needed)
    map_item.setScale(scale)
    return scale


def _orientation(extent):
    return "landscape" if extent.width() >= extent.height() else "portrait"


@dataclass
class Sheet:
    """A sheet's print layout and, on sheet 04, its findings' anchors and how they are labelled."""
    layout: object
    map_item: object
    marks: object = None            # the anchor layer (sheet 04)
    form: str = LABELS
    listed: int = 0                 # findings in the 问题清单 beside the map (NUMBERS)
    entries: list = field(default_factory=list)
    present: dict = field(default_factory=dict)      # what the legend lists: {id(entry): present_classes}


def sheet_title(layout, title, sheet_name):
    """'<title>　<sheet name>' fitted into the template's title box (smaller, then on two lines); OneMapError
    if it cannot be."""
    label = layout.itemById("title")
    suffix = "\u3000" + sheet_name
    return fit_title(label, title, suffix) if label is not None else title + suffix


def check_one_line(layout, item_id, text, zh, en):
    """OneMapError when `text` does not fit on its label's one line (编制单位 and 编制日期)."""
    label = layout.itemById(item_id)
    if isinstance(label, QgsLayoutItemLabel) and not fits_one_line(label, text):
        raise OneMapError("{}过长（{} 字），图上放不下；请缩短".format(zh, len(text)),
                          "{} is too long ({} characters) for the sheet: shorten it".format(en, len(text)))


def compiler_and_date(layout, compiler, date):
    """编制单位 and 编制日期 as a sheet prints them (plain text; the date this month when not given); OneMapError
    when they do not fit on the template's line."""
    compiler, date = plain(compiler), plain(date or today())
    check_one_line(layout, "compiler", "编制单位：{}　　编制日期：{}".format(compiler, date), "编制单位或编制日期",
                   "COMPILER or DATE")
    return compiler, date


def findings_note(data, marks, form, listed):
    """What sheet 04 says about its markers: what the numbers are, which findings have no place on the map."""
    notes = []
    if form == NUMBERS:
        notes.append("图中编号为核对报告问题清单的序号。")
        if listed < marks.featureCount():
            notes.append("表中未列出的编号见核对报告。")
    without = [finding["rule_id"] for finding in data.report.findings if not finding.get("_wkb")]
    if without:
        notes.append("无图形位置的问题 {} 项（{}）见核对报告。".format(
            len(without), "、".join(plain(rule) for rule in dict.fromkeys(without))))
    return "".join(notes)


def build_sheet(data, sheet, sheet_name, village, paper="A3", title="", compiler="", date=""):
    """The print layout of one sheet for one village (None when the sheet has nothing to show)."""
    made = make_sheet(data, sheet, sheet_name, village, paper, title, compiler, date)
    return made.layout if made is not None else None


def make_sheet(data, sheet, sheet_name, village, paper="A3", title="", compiler="", date="", form=LABELS):
    """One sheet for one village as a Sheet (None when the sheet has nothing to show).

    With a village boundary the layout's atlas is that village: the map follows it at the best of the
    predefined scales and is clipped to it (sheet 04's findings and their labels are not: GEO-05's lie
    outside), and the legend lists what lies in the village. A plan without villages (a 控规) is drawn whole,
    unclipped, so its legend lists what the map's extent shows — the one map's farmland or zones around the
    plan too —, laid out again while that differs from what it was laid out for. On sheet 04 the findings
    are labelled in `form` (LABELS or NUMBERS with the 问题清单)."""
    area = village.area
    for _round in range(3):
        made = _make_sheet(data, sheet, sheet_name, village, paper, title, compiler, date, form, area)
        if made is None or data.boundary is not None:     # a village's sheet: the legend is of the village
            return made
        area = QgsGeometry.fromRect(made.map_item.extent())
        if _keys(classes_in(data, made.entries, area)) == _keys(made.present):
            return made
        data.project.layoutManager().removeLayout(made.layout)
    return _make_sheet(data, sheet, sheet_name, village, paper, title, compiler, date, form, area)


def classes_in(data, entries, area, keys=None):
    """{id(entry): present_classes} of the entries the legend or the notes speak of (those of schema keys in
    `keys` only, if given) inside `area`."""
    return {id(entry): present_classes(entry.layer, area, data.crs,      # (the muted land use: none)
                                       data.code_field if entry.layer is data.landuse else None)
            for entry in entries if (entry.in_legend or entry.key in CONTROL_KEYS) and (keys is None or entry.key in keys)}


def _keys(present):
    return {entry: set(classes) for entry, classes in present.items()}


def _make_sheet(data, sheet, sheet_name, village, paper, title, compiler, date, form, area):
    """make_sheet's one layout, its legend of what lies in `area`."""
    entries = data.sheet_layers(sheet)
    if entries is None:
        return None
    orientation = _orientation(village.extent)
    layout = load_template("mapsheet_{}_{}.qpt".format(paper, orientation), data.project)
    layouts = data.project.layoutManager()          # the project owns its layouts: they go before it does
    layout.setName("{} {} {}".format(village.name, sheet_name, len(layouts.layouts())))
    layouts.addLayout(layout)
    title_text = sheet_title(layout, plain(title), sheet_name)
    compiler, date = compiler_and_date(layout, compiler, date)
    layout.renderContext().setPredefinedScales([float(scale) for scale in NICE_SCALES])
    map_item = next(item for item in layout.items() if isinstance(item, QgsLayoutItemMap))
    legend = next(item for item in layout.items() if isinstance(item, QgsLayoutItemLegend))
    marks = None
    if sheet == "findings":
        marks = data.finding_anchors(village)
        label_anchors(marks, form)
        entries = [SheetLayer(marks, "findings", in_legend=False)] + entries
    present = classes_in(data, entries, area)
    inside = present if area is village.area else classes_in(data, entries, village.area, CONTROL_KEYS)
    lines = fill_legend(legend, entries, present)
    make_room_for_legend(layout, legend, map_item, lines, orientation)
    listed = 0
    if form == NUMBERS and marks is not None:
        marked = data.marked_on(marks)
        rows = [[str(m.number), plain(m.finding["rule_id"]), plain(m.finding.get("rule_title") or ""), m.status_zh,
                 area_text(m, data.indicator_rules)] for m in marked]
        colours = [MARK_COLOURS.get(m.mark) for m in marked]
        listed = place_findings_table(layout, legend, lines, map_item, rows, colours, orientation,
                                      "其余 {} 项见核对报告问题清单".format)
    else:
        remove_findings_table(layout)
    map_item.setCrs(data.crs)
    map_item.setLayers([entry.layer for entry in entries])
    map_item.setKeepLayerSet(True)
    map_item.setLabelMargin(QgsLayoutMeasurement(1.5))
    north = north_arrow(layout)
    if north is not None:
        map_item.addLabelBlockingItem(north)
    fit_map(map_item, village.extent, MARGIN_MM * scale_factor(legend))
    if village.fid is not None:
        atlas = layout.atlas()
        atlas.setCoverageLayer(data.boundary)
        atlas.setFilterFeatures(True)
        atlas.setFilterExpression("$id = {}".format(int(village.fid)))
        atlas.setEnabled(True)
        map_item.setAtlasDriven(True)
        map_item.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Fixed)     # fit_map's scale, centred on it
        clipping = map_item.atlasClippingSettings()
        clipping.setEnabled(True)
        clipping.setFeatureClippingType(QgsMapClippingRegion.FeatureClippingType.ClipPainterOnly)  # invalid parcels too
        clipping.setRestrictToLayers(True)              # findings (GEO-05's lie outside) and labels are not clipped
        clipping.setLayersToClip([entry.layer for entry in entries if entry.key != "findings"])
        atlas.beginRender()
        atlas.first()
    scale = int(round(map_item.scale()))
    scalebar = next(item for item in layout.items() if isinstance(item, QgsLayoutItemScaleBar))
    length, count = bar_segments(scale, scale_factor(legend))
    scalebar.setUnitsPerSegment(length)
    scalebar.setNumberOfSegments(count)
    scalebar.update()
    note = footnote(entries, present, sheet, inside, data.area_name)
    if marks is not None:
        note = (note or "注：") + findings_note(data, marks, form, listed)
    variables = {"onemap_title": title_text, "onemap_compiler": compiler, "onemap_date": date,
                 "onemap_scale": str(scale), "onemap_crs": crs_note(data.crs), "onemap_footnote": note}
    for name, value in variables.items():
        QgsExpressionContextUtils.setLayoutVariable(layout, name, value)
    layout.refresh()
    return Sheet(layout, map_item, marks, form, listed, entries, present)


def export_png(layout, path):
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = PNG_DPI
    if QgsLayoutExporter(layout).exportToImage(path, settings) != QgsLayoutExporter.ExportResult.Success:
        raise OneMapError("导出 PNG 失败：{}".format(path), "PNG export failed: {}".format(path))


def anchor_labels(sheet, exporter):
    """The labels (QgsLabelPosition) the export gave the sheet's anchors, placed and unplaced."""
    results = exporter.labelingResults().get(sheet.map_item.uuid())
    return [label for label in (results.allLabels() if results else []) if label.layerID == sheet.marks.id()]


def keep_placed(sheet, exporter):
    """Ids of the sheet's anchors the export left without a placed label; the placed ones are pinned."""
    labels = anchor_labels(sheet, exporter)
    pin_labels(sheet.marks, labels)
    return {feature.id() for feature in sheet.marks.getFeatures()} - \
        {label.featureId for label in labels if not label.isUnplaced}


def export_findings_sheet(sheet, build, pdf_path):
    """Sheet 04 exported to `pdf_path` with every finding labelled: as LABELS when they fit near their
    findings, else as NUMBERS keyed to the 问题清单. Labels the engine could not place are moved further
    out, round by round; numbers still unplaced after the last round are named in the footnote."""
    for form in (LABELS, NUMBERS):
        sheet = sheet if form == LABELS else build(form)
        for step in MOVE_OUT_MM[form] + (None,):
            missing = keep_placed(sheet, export_pdf(sheet.layout, pdf_path))
            if not missing:
                return sheet
            if step is not None:
                move_out(sheet.marks, missing, step)
    numbers = sorted(sheet.marks.getFeature(fid)["number"] for fid in missing)
    note = QgsExpressionContextUtils.layoutScope(sheet.layout).variable("onemap_footnote")
    QgsExpressionContextUtils.setLayoutVariable(sheet.layout, "onemap_footnote", note + (
        "图面过密，第 {} 号问题未能在图上标注，见核对报告。".format("、".join(map(str, numbers)))))
    export_pdf(sheet.layout, pdf_path)
    return sheet


def export_mapsheets(plan_path, onemap_path, output_dir, findings_path=None, paper="A3", title="", compiler="",
                     date="", feedback=None):
    """Write <sheet>.pdf and .png per village into output_dir, the whole set or nothing; returns [Written].

    Checked before anything is rendered: the paper, the output folder (not a file, not an input nor inside
    one), every file name the set may take (a folder or a foreign file there is refused). Earlier sheets of
    the same set that this run does not write (e.g. an 04 when no findings are given now) are removed."""
    if paper not in PAPERS:
        raise OneMapError("图幅须为 A3 或 A1：{}".format(paper), "Paper must be A3 or A1: {}".format(paper))
    check_output_folder(output_dir, [plan_path, onemap_path, findings_path])
    data = SheetData(plan_path, onemap_path, findings_path)
    try:
        return _write_set(data, output_dir, paper, title, compiler, date, feedback)
    finally:
        data.close()


class Progress:
    """A run's sheets counted off on its QgsFeedback (None: no one watches); a cancel raises OneMapError before
    the next sheet, so the set is never committed and the folder stays as it was."""

    def __init__(self, feedback, steps):
        self.feedback, self.steps, self.done = feedback, max(1, steps), 0

    def next(self):
        """Called before each sheet is rendered."""
        if self.feedback is None:
            return
        if self.feedback.isCanceled():
            raise OneMapError("已取消，未写入任何图件，输出文件夹保持原样",
                              "Cancelled: no map sheet was written, the output folder is as it was")
        self.feedback.setProgress(100.0 * self.done / self.steps)
        self.done += 1


def _write_set(data, output_dir, paper, title, compiler, date, feedback):
    villages = data.villages()
    prefixes = ["{}_".format(name) for name in unique_names([v.name for v in villages])] \
        if len(villages) > 1 else [""]
    stems = [["{}{:02d}_{}".format(prefix, index, name) for index, (_s, name) in enumerate(SHEETS, 1)]
             for prefix in prefixes]
    check_targets([os.path.join(output_dir, stem + ext) for row in stems for stem in row for ext in EXTENSIONS])
    kind = data.kind
    detailed = None
    if kind == "detailed":                                  # 土地使用规划图 and 图则 instead of sheet 01 (tuze.py)
        from .tuze import DetailedSheets, export_detailed_sheets, sheet_names
        detailed = DetailedSheets(data)
    sheets = [(index, sheet) for index, sheet in enumerate(SHEETS) if not (detailed and sheet[0] == "landuse")]
    progress = Progress(feedback, len(villages) * len(sheets) + (detailed.sheet_count if detailed else 0))
    written = []
    with SheetSet(output_dir) as staged:
        for v_index, village in enumerate(villages):
            for s_index, (sheet, sheet_name) in sheets:
                progress.next()
                done = _export_sheet(data, sheet, sheet_name, village, paper, title or data.title(village),
                                     compiler, date, staged, stems[v_index][s_index])
                if done is not None:
                    written.append(done)
        names = [re.escape("{:02d}_{}".format(i, name)) for i, (_s, name) in enumerate(SHEETS, 1)]
        if detailed:
            written += export_detailed_sheets(detailed, staged, progress, (1, len(SHEETS) + 1), title, compiler,
                                              date, paper)
            names += sheet_names((1, len(SHEETS) + 1))
        progress.next()                                     # a cancel after the last sheet still writes nothing
        pattern = re.compile("({})({})\\.(pdf|png)".format(
            "|".join(re.escape(prefix) for prefix in prefixes), "|".join(names)), re.I)
        staged.commit(earlier_sheets(output_dir, pattern))
    return written


def _export_sheet(data, sheet, sheet_name, village, paper, title, compiler, date, staged, stem):
    """One sheet's PDF and PNG into the staging folder; None when the sheet has nothing to show."""
    def build(form=LABELS):
        return make_sheet(data, sheet, sheet_name, village, paper, title, compiler, date, form)
    made = build()
    if made is None:
        return None
    pdf, png = staged.path(stem + ".pdf"), staged.path(stem + ".png")
    if made.marks is None:
        export_pdf(made.layout, pdf)
    else:
        made = export_findings_sheet(made, build, pdf)
    export_png(made.layout, png)
    return Written(village.name, sheet_name, [staged.target(stem + ext) for ext in EXTENSIONS])
