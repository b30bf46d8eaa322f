"""What a comparison is handed in as: a workbook like the check report's (汇总, 变化清单, 说明) and the map
sheet 规划调整对比图 — the changes coloured (新增 / 移出 / 用途改变, each labelled 原用途→新用途) over the new
side's land use, from the map-sheet template every other sheet uses (resources/mapsheet_*.qpt).
"""
import os

from qgis.core import (
    Qgis,
    QgsCoordinateTransform,
    QgsExpressionContextUtils,
    QgsFeatureRequest,
    QgsFillSymbol,
    QgsGeometry,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutItemScaleBar,
    QgsPalLayerSettings,
    QgsProject,
    QgsRectangle,
    QgsRenderContext,
    QgsRuleBasedRenderer,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)

from ..errors import OneMapError
from ..export import fonts
from ..export.atomic import write_atomically
from ..export.mapsheets import (MARGIN_MM, MUTED_OPACITY, SheetLayer, bar_segments, compiler_and_date, crs_note,
                                export_png, fill_legend, fit_map, make_room_for_legend, present_classes)
from ..export.report_pdf import export_pdf, load_template
from ..export.sheet_layout import scale_factor
from ..read.sources import ogr_uri, source_title
from ..read.styles import apply_style
from .compare import CHANGE_ZH
from ..export.xlsx import INTEGER, REAL, TEXT, write_workbook

SHEET_NAME = "规划调整对比图"
SYMBOLS = {  # the change, its fill and outline: green in, red out, orange changed (OneMap's own choice)
    "added": {"color": "40,160,60,150", "outline_color": "20,110,40", "outline_width": "0.5"},
    "removed": {"color": "210,40,40,150", "outline_color": "150,20,20", "outline_width": "0.5"},
    "changed": {"color": "245,150,20,170", "outline_color": "170,90,0", "outline_width": "0.5"}}
LABEL = ("CASE WHEN \"change\" = 'changed' THEN \"old_code\" || '→' || \"new_code\" "
         "WHEN \"change\" = 'added' THEN '+' || \"new_code\" ELSE '−' || \"old_code\" END")


def write_xlsx(comparison, path):
    """The comparison as a workbook (.xlsx): 汇总, 变化清单, 说明; written atomically."""
    summary = [[row["unit"] or "全部", "一级类" if row["level"] == 1 else "二级类", row["class_code"], row["class_name"],
                round(row["old_m2"], 2), round(row["new_m2"], 2), round(row["difference_m2"], 2),
                round(row["difference_m2"] / 10000.0, 4)] for row in comparison.summary]
    changes = [[index, CHANGE_ZH[row["change"]], row["old_code"], row["old_name"], row["new_code"], row["new_name"],
                round(row["area_m2"], 2), row["old_label"], row["new_label"],
                {"label": "按编号", "geometry": "按位置"}.get(row["matched_by"], ""), row["old_approval_no"],
                row["new_approval_no"], row["unit"]] for index, row in enumerate(comparison.changes, 1)]
    record = comparison.record
    notes = [["原（对比前）", comparison.old.name], ["原数据", record["old_path"]], ["原 SHA-256", record["old_sha256"]],
             ["新（对比后）", comparison.new.name], ["新数据", record["new_path"]], ["新 SHA-256", record["new_sha256"]],
             ["新增", "{:.2f} 平方米".format(comparison.total("added"))],
             ["移出", "{:.2f} 平方米".format(comparison.total("removed"))],
             ["用途改变", "{:.2f} 平方米".format(comparison.total("changed"))],
             ["面积", "{} 平面面积；小于 {} 平方米的碎片（共边、投影误差）不计".format(record["crs"], record["noise_m2"])],
             ["对比时间", record["compared_at"]], ["OneMap 版本", record["plugin_version"]]]
    write_workbook(path, [
        ("汇总", [("范围", TEXT), ("级别", TEXT), ("地类代码", TEXT), ("地类", TEXT), ("原面积（平方米）", REAL),
                ("新面积（平方米）", REAL), ("增减（平方米）", REAL), ("增减（公顷）", REAL)], summary),
        ("变化清单", [("序号", INTEGER), ("变化", TEXT), ("原用途代码", TEXT), ("原用途", TEXT), ("新用途代码", TEXT),
                  ("新用途", TEXT), ("面积（平方米）", REAL), ("原地块", TEXT), ("新地块", TEXT), ("对应方式", TEXT),
                  ("原批复文号", TEXT), ("新批复文号", TEXT), ("所在村", TEXT)], changes),
        ("说明", [("项目", TEXT), ("内容", TEXT)], notes)])
    return os.path.realpath(path)


def changes_layer(path):
    """The `changes` layer of a comparison, coloured by change and labelled 原用途→新用途."""
    layer = QgsVectorLayer(ogr_uri(path, "changes"), "规划调整", "ogr")
    if not layer.isValid():
        raise OneMapError("无法读取对比结果 {}".format(path), "Cannot read the comparison {}".format(path))
    root = QgsRuleBasedRenderer.Rule(None)
    for change, symbol in SYMBOLS.items():
        root.appendChild(QgsRuleBasedRenderer.Rule(QgsFillSymbol.createSimple(symbol), 0, 0,
                                                   "\"change\" = '{}'".format(change), CHANGE_ZH[change]))
    layer.setRenderer(QgsRuleBasedRenderer(root))
    settings = QgsPalLayerSettings()
    settings.fieldName = LABEL
    settings.isExpression = True
    settings.displayAll = True
    settings.setFormat(fonts.label_format(8, (30, 30, 30), 0.8))
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)
    return layer


def _background(comparison):
    """The new side's land use, muted (as the control-line sheet draws it)."""
    side = comparison.new
    layer = side.source.open_layer(side.key)
    found = side.source.get(side.key)
    apply_style(layer, side.key, found.fields.get(found.spec.field_for("code").name))
    for symbol in layer.renderer().symbols(QgsRenderContext()):
        symbol.setOpacity(MUTED_OPACITY)
    return layer


def _villages(comparison):
    """The villages (CJDCQ) of the new side, else the old one, styled as on every sheet; None without."""
    side = next((side for side in (comparison.new, comparison.old) if side.source.get("CJDCQ") is not None), None)
    if side is None:
        return None
    layer = side.source.open_layer("CJDCQ")
    apply_style(layer, "CJDCQ")
    return layer


def _sheet_extent(changes, villages):
    """What the sheet shows: the villages the changes lie in (the ground they belong to), else the changes
    with room around them."""
    extent = QgsRectangle(changes.extent())
    if villages is None or extent.isEmpty():
        extent.scale(3.0)
        return extent
    transform = QgsCoordinateTransform(villages.crs(), changes.crs(), QgsProject.instance())
    request = QgsFeatureRequest().setFilterRect(transform.transformBoundingBox(extent, Qgis.TransformDirection.Reverse))
    for village in villages.getFeatures(request):
        extent.combineExtentWith(transform.transformBoundingBox(village.geometry().boundingBox()))
    return extent


def export_sheet(comparison, path, paper="A3", title="", compiler="", date=""):
    """规划调整对比图 as PDF at `path` and PNG beside it, its 编制单位 and 编制日期 as on the plan's sheets; returns
    the two paths."""
    if not path.lower().endswith(".pdf"):
        raise OneMapError("对比图应为 .pdf 文件：{}".format(path), "The comparison sheet is written as .pdf: {}".format(path))
    project = QgsProject()
    changes, background, villages = changes_layer(comparison.output), _background(comparison), _villages(comparison)
    for layer in (changes, background, villages):
        if layer is not None:
            project.addMapLayer(layer, False)
    crs = changes.crs()
    project.setCrs(crs)
    extent = _sheet_extent(changes, villages) if changes.featureCount() else background.extent()
    area = QgsGeometry.fromRect(extent)
    orientation = "landscape" if extent.width() >= extent.height() else "portrait"
    layout = load_template("mapsheet_{}_{}.qpt".format(paper, orientation), project)
    compiler, date = compiler_and_date(layout, compiler, date)
    map_item = next(item for item in layout.items() if isinstance(item, QgsLayoutItemMap))
    legend = next(item for item in layout.items() if isinstance(item, QgsLayoutItemLegend))
    entries = [SheetLayer(changes, "changes", "规划调整")] + \
        ([SheetLayer(villages, "CJDCQ", "村域范围")] if villages is not None else []) + \
        [SheetLayer(background, comparison.new.key, in_legend=False)]
    present = {id(entry): present_classes(entry.layer, area, crs) for entry in entries}
    make_room_for_legend(layout, legend, map_item, fill_legend(legend, entries, present), orientation)
    map_item.setCrs(crs)
    map_item.setLayers([entry.layer for entry in entries])
    map_item.setKeepLayerSet(True)
    scale = fit_map(map_item, extent, MARGIN_MM * scale_factor(legend))       # as the map sheets: a margin in paper
    scalebar = next(item for item in layout.items() if isinstance(item, QgsLayoutItemScaleBar))
    length, count = bar_segments(scale, scale_factor(legend))
    scalebar.setUnitsPerSegment(length)
    scalebar.setNumberOfSegments(count)
    scalebar.update()
    note = ("注：对比前为{}，对比后为{}；标注为 原用途→新用途（+ 新增，− 移出）；新增 {:.2f}、移出 {:.2f}、用途改变 {:.2f} 平方米"
            "（{} 平面面积）。底图为对比后的用地。").format(
        comparison.old.name, comparison.new.name, comparison.total("added"), comparison.total("removed"),
        comparison.total("changed"), comparison.record["crs"])
    variables = {"onemap_title": "{}　{}".format(title or source_title(comparison.new.source.path), SHEET_NAME),
                 "onemap_compiler": compiler, "onemap_date": date, "onemap_scale": str(scale),
                 "onemap_crs": crs_note(crs), "onemap_footnote": note}
    for name, value in variables.items():
        QgsExpressionContextUtils.setLayoutVariable(layout, name, value)
    layout.refresh()
    png = os.path.splitext(path)[0] + ".png"
    write_atomically(path, lambda temporary: export_pdf(layout, temporary))
    write_atomically(png, lambda temporary: export_png(layout, temporary))
    return [os.path.realpath(path), os.path.realpath(png)]
