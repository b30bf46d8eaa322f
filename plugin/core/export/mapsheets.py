"""onemap:exportmapsheets' engine: the map sheets a plan is handed in with, from the .qpt templates.

Sheets per village: 国土空间用途规划图, 三条控制线图, 规划分区图 (where zones exist), 一张图核对成果图
(when findings are given). Each template (resources/mapsheet_<paper>_<orientation>.qpt) already holds
title, frame, legend, scale bar, north arrow and notes; here the map gets its layers and extent, the
legend its classes (only those on the sheet, in code order, no "unlisted", no file names), and the
layout variables their text. Everything happens in a private QgsProject: the user's is never touched.
"""
import datetime
import os
import re
from dataclasses import dataclass, field

from qgis.core import (
    QgsCoordinateTransform,
    QgsExpressionContextUtils,
    QgsFeatureRequest,
    QgsGeometry,
    QgsLayoutExporter,
    QgsLayoutItemHtml,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLegendRenderer,
    QgsLegendStyle,
    QgsMapClippingRegion,
    QgsMapLayerLegendUtils,
    QgsProject,
    QgsRectangle,
    QgsRenderContext,
    QgsTextFormat,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QFont

from ..errors import OneMapError
from ..read import overrides
from ..read.schema import schema
from ..read.sources import open_source
from ..read.styles import PROVISIONAL, apply_style, style_path, style_status
from ..review.findings_layer import findings_vector_layer
from . import FONT
from .atomic import write_atomically
from .findings_sheet import findings_layers
from .report_pdf import export_pdf, load_template

SHEETS = (("landuse", "国土空间用途规划图"), ("control", "三条控制线图"), ("zoning", "规划分区图"),
          ("findings", "一张图核对成果图"))
CONTROL_KEYS = ("YJJBNTBHTB", "STBHHX", "CZKFBJ", "LSWHBHX", "HLFXKZX")
PAPERS = ("A3", "A1")
NICE_SCALES = [500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000, 100000, 200000, 250000, 500000, 1000000]
SEVERITY_ORDER = ("错误", "警告", "提示")
PNG_DPI = 150
MUTED_OPACITY = 0.35


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


def _class_key(key, label):
    if key == "findings":
        return (SEVERITY_ORDER.index(label) if label in SEVERITY_ORDER else 9, label)
    return (0, label.split(" ")[0])            # '0103 旱地' -> '0103': code order, 2 digits before 4


def _clean(label):
    suffix = "（{}）".format(PROVISIONAL)
    return label[:-len(suffix)] if label.endswith(suffix) else label


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
        items.sort(key=lambda pair: _class_key(entry.key, pair[1].label()))
        if not entry.title:
            QgsLegendRenderer.setNodeLegendStyle(node, QgsLegendStyle.Style.Hidden)
        QgsMapLayerLegendUtils.setLegendNodeOrder(node, [index for index, _item in items])
        for index, item in items:
            QgsMapLayerLegendUtils.setLegendNodeUserLabel(node, index, _clean(item.label()))
        model.refreshLayerLegend(node)
        lines += len(items) + (1 if entry.title else 0)
    legend.updateLegend()
    return lines


def make_room_for_legend(layout, legend, map_item, lines, orientation):
    """Columns for `lines` legend entries; when the template's box is too small the legend grows into
    the map (leftwards on landscape sheets, upwards on portrait ones) so nothing is cut off."""
    k = legend.symbolHeight() / 5.0                       # 1 on A3, 2 on A1 (the templates' symbol is 5 mm × k)
    row, column_width, heading = legend.symbolHeight() + 2.6 * k, 58.0 * k, 12.0 * k
    box = legend.sizeWithUnits()
    position = legend.positionWithUnits()
    if orientation == "landscape":
        columns = max(1, -(-lines // max(1, int((box.height() - heading) / row))))
        grow = min(max(0.0, columns * column_width - box.width()), map_item.rect().width() * 0.4)
        legend.attemptMove(QgsLayoutPoint(position.x() - grow, position.y()))
        legend.attemptResize(QgsLayoutSize(box.width() + grow, box.height()))
        map_item.attemptResize(QgsLayoutSize(map_item.rect().width() - grow, map_item.rect().height()))
        north = next((item for item in layout.items() if isinstance(item, QgsLayoutItemPicture)), None)
        if north is not None and grow:
            north.attemptMove(QgsLayoutPoint(north.positionWithUnits().x() - grow, north.positionWithUnits().y()))
    else:
        columns = max(1, int(box.width() / column_width))
        needed = -(-lines // columns) * row + heading
        grow = min(max(0.0, needed - box.height()), map_item.rect().height() * 0.4)
        legend.attemptMove(QgsLayoutPoint(position.x(), position.y() - grow))
        legend.attemptResize(QgsLayoutSize(box.width(), box.height() + grow))
        map_item.attemptResize(QgsLayoutSize(map_item.rect().width(), map_item.rect().height() - grow))
        columns = min(columns, max(1, lines))
    legend.setColumnCount(columns)
    legend.setSplitLayer(columns > 1)
    legend.setEqualColumnWidth(columns > 1)


class SheetData:
    """The layers of one plan (and its one map, findings) loaded once into a private project."""

    def __init__(self, plan_path, onemap_path=None, findings_path=None):
        self.project = QgsProject()
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
        self.findings, self.finding_labels = self._findings(findings_path) if findings_path else (None, None)

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
        layer = findings_vector_layer(path, "核对问题")
        polygons, labels = findings_layers(layer, report)
        for made in (polygons, labels):
            self.project.addMapLayer(made, False)
        return polygons, labels

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
        boundary = [SheetLayer(self.boundary, "CJDCQ", "村域范围")] if self.boundary is not None else []
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
            return [SheetLayer(self.finding_labels, "findings", in_legend=False),
                    SheetLayer(self.findings, "findings", "核对问题")] + controls + boundary + \
                [SheetLayer(self.muted, "GHYDYH", in_legend=False)]
        return None


def absent_controls_note(entries, present):
    """'本村域内无城镇开发边界、生态保护红线。' — control lines the sheet would show but none touches the village;
    '规划成果与一张图均无…图层。' for those neither source holds."""
    shown = {entry.key for entry in entries}
    absent = [entry.title for entry in entries if entry.key in CONTROL_KEYS and not present.get(id(entry))]
    missing = [schema().layers[key].zh for key in CONTROL_KEYS if key not in shown and key in schema().layers]
    notes = ["本村域内无{}。".format("、".join(absent))] if absent else []
    if missing:
        notes.append("规划成果与一张图均无{}图层。".format("、".join(missing)))
    return "".join(notes)


def footnote(entries, present, sheet=""):
    """The sheet's one footnote: control lines not in the village (sheet 02), codes drawn without a legend
    entry, provisional symbols."""
    notes = [absent_controls_note(entries, present)] if sheet == "control" else []
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


def _orientation(extent):
    return "landscape" if extent.width() >= extent.height() else "portrait"


def plain_title(layout):
    """The sheet title as a plain bold label, centred where the template puts it. The template's title
    is an HTML label: without QtWebKit (Debian 13's 3.40, sid's 3.44) it draws nothing, and QGIS 3.40+
    turns an HTML label into an HTML frame when loading, evaluating [% @onemap_title %] before it is set."""
    label = layout.itemById("title")
    if isinstance(label, QgsLayoutItemLabel):
        if label.mode() != QgsLayoutItemLabel.Mode.ModeHtml:
            return
        old, html, remove = label, label.text(), layout.removeLayoutItem
    else:
        html_items = [item for item in layout.multiFrames()
                      if isinstance(item, QgsLayoutItemHtml) and item.frameCount()]
        if not html_items:
            return
        old, html, remove = html_items[0], html_items[0].html(), layout.removeMultiFrame
    place = old if isinstance(old, QgsLayoutItemLabel) else old.frame(0)
    position, size = place.positionWithUnits(), place.sizeWithUnits()
    points = float((re.search(r"font-size:\s*([\d.]+)pt", html) or [None, "22"])[1])
    remove(old)
    title = QgsLayoutItemLabel(layout)
    title.setId("title")
    title.setText("[% @onemap_title %]")
    font = QFont(FONT)
    font.setBold(True)
    font.setPointSizeF(points)
    if hasattr(title, "setTextFormat"):
        text_format = QgsTextFormat.fromQFont(font)
        text_format.setSize(points)
        title.setTextFormat(text_format)
    else:
        title.setFont(font)
    title.setHAlign(Qt.AlignmentFlag.AlignHCenter)
    title.setVAlign(Qt.AlignmentFlag.AlignVCenter)
    layout.addLayoutItem(title)
    title.attemptMove(position)
    title.attemptResize(size)


def build_sheet(data, sheet, sheet_name, village, paper="A3", title="", compiler="", date=""):
    """The print layout of one sheet for one village (None when the sheet has nothing to show).

    With a village boundary the layout's atlas is that village: the map follows it at the best of the
    predefined scales and is clipped to it."""
    entries = data.sheet_layers(sheet)
    if entries is None:
        return None
    orientation = _orientation(village.extent)
    layout = load_template("mapsheet_{}_{}.qpt".format(paper, orientation), data.project)
    plain_title(layout)
    layout.renderContext().setPredefinedScales([float(scale) for scale in NICE_SCALES])
    map_item = next(item for item in layout.items() if isinstance(item, QgsLayoutItemMap))
    legend = next(item for item in layout.items() if isinstance(item, QgsLayoutItemLegend))
    present = {id(entry): present_classes(entry.layer, village.area, data.crs,
                                          data.code_field if entry.layer is data.landuse else None)
               for entry in entries}
    make_room_for_legend(layout, legend, map_item, fill_legend(legend, entries, present), orientation)
    map_item.setCrs(data.crs)
    map_item.setLayers([entry.layer for entry in entries])
    map_item.setKeepLayerSet(True)
    map_item.setExtent(fit_extent(village.extent, map_item.rect().width() / map_item.rect().height()))
    if village.fid is not None:
        atlas = layout.atlas()
        atlas.setCoverageLayer(data.boundary)
        atlas.setFilterFeatures(True)
        atlas.setFilterExpression("$id = {}".format(int(village.fid)))
        atlas.setEnabled(True)
        map_item.setAtlasDriven(True)
        map_item.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Predefined)
        map_item.setAtlasMargin(0.04)
        clipping = map_item.atlasClippingSettings()
        clipping.setEnabled(True)
        clipping.setFeatureClippingType(QgsMapClippingRegion.FeatureClippingType.ClipPainterOnly)  # invalid parcels too
        atlas.beginRender()
        atlas.first()
    else:
        map_item.setScale(nice_scale(map_item.scale()))
    scale = int(round(map_item.scale()))
    scalebar = next(item for item in layout.items() if isinstance(item, QgsLayoutItemScaleBar))
    scalebar.setUnitsPerSegment(nice_length(scale * map_item.rect().width() / 20.0 / 1000.0))  # 4 segments ≈ 1/5
    scalebar.update()
    variables = {"onemap_title": "{}　{}".format(title, sheet_name), "onemap_compiler": compiler or "",
                 "onemap_date": date or today(), "onemap_scale": str(scale), "onemap_crs": crs_note(data.crs),
                 "onemap_footnote": footnote(entries, present, sheet)}
    for name, value in variables.items():
        QgsExpressionContextUtils.setLayoutVariable(layout, name, value)
    layout.refresh()
    return layout


def export_png(layout, path):
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = PNG_DPI
    if QgsLayoutExporter(layout).exportToImage(path, settings) != QgsLayoutExporter.ExportResult.Success:
        raise OneMapError("导出 PNG 失败：{}".format(path), "PNG export failed: {}".format(path))


def check_output_folder(output_dir):
    """OneMapError naming output_dir unless it is, or can be made, a folder (checked before any work)."""
    existing = os.path.abspath(output_dir)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise OneMapError("输出位置 {} 应为文件夹，但 {} 是一个文件".format(output_dir, existing),
                          "Output {} must be a folder, but {} is a file".format(output_dir, existing))


def export_mapsheets(plan_path, onemap_path, output_dir, findings_path=None, paper="A3", title="", compiler="",
                     date="", feedback=None):
    """Write <sheet>.pdf and .png per village into output_dir; returns [Written]."""
    if paper not in PAPERS:
        raise OneMapError("图幅须为 A3 或 A1：{}".format(paper), "Paper must be A3 or A1: {}".format(paper))
    check_output_folder(output_dir)
    data = SheetData(plan_path, onemap_path, findings_path)
    villages = data.villages()
    kind = schema().kinds.get(data.plan.guess_kind(), {}).get("zh", "规划")
    detailed = data.plan.guess_kind() == "detailed"         # 土地使用规划图 and 图则 instead of sheet 01 (tuze.py)
    written = []
    steps = len(villages) * len(SHEETS)
    for v_index, village in enumerate(villages):
        for s_index, (sheet, sheet_name) in enumerate(SHEETS, 1):
            if feedback is not None:
                if feedback.isCanceled():
                    return written
                feedback.setProgress(100.0 * (v_index * len(SHEETS) + s_index - 1) / steps)
            if detailed and sheet == "landuse":
                continue
            layout = build_sheet(data, sheet, sheet_name, village, paper,
                                 title or "{}{}".format(village.name, kind), compiler, date)
            if layout is None:
                continue
            stem = "{:02d}_{}".format(s_index, sheet_name)
            if len(villages) > 1:
                stem = "{}_{}".format(village.name, stem)
            done = Written(village.name, sheet_name)
            for extension, write in ((".pdf", export_pdf), (".png", export_png)):
                path = os.path.join(output_dir, stem + extension)
                write_atomically(path, lambda temporary, w=write, l=layout: w(l, temporary))
                done.files.append(path)
            written.append(done)
    if detailed:
        from .tuze import export_detailed_sheets
        written += export_detailed_sheets(data, output_dir, (1, len(SHEETS) + 1), title, compiler, date, paper, feedback)
    return written
