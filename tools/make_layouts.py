#!/usr/bin/env python3
"""Write the print-layout templates in resources/ (`make layouts`); the plugin only loads and fills them.

- report_a4.qpt: one HTML frame on A4 portrait (QGIS adds pages until the report's text ends) and a
  page footer (report title, 第 n 页 共 m 页).
- mapsheet_<A3|A1>_<landscape|portrait>.qpt: a map sheet — title, frame, map, legend, numeric and
  bar scale in 米, north arrow, the CGCS2000 note, compiler and date, footnote. Texts are
  expressions over layout variables (@onemap_title, @onemap_compiler, @onemap_date, @onemap_scale,
  @onemap_crs, @onemap_footnote) that the export sets from the data, so the sheet's words come
  from the plan. Items carry ids (map, legend, title, footer …) for whoever edits the templates.
  A 问题清单 table (id findings_table: 序号, 规则, 问题, 级别, 面积) sits under the legend; the export fills
  it on sheet 04 when the findings are numbered on the map, places it, and removes it everywhere else.
"""
import os
import sys

from qgis.core import (
    QgsApplication,
    QgsLayoutFrame,
    QgsLayoutItemHtml,
    QgsLayoutItemLabel,
    QgsLayoutItemLegend,
    QgsLayoutItemManualTable,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutItemShape,
    QgsLayoutMultiFrame,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLayoutTable,
    QgsLayoutTableColumn,
    QgsLegendStyle,
    QgsPrintLayout,
    QgsProject,
    QgsReadWriteContext,
    QgsTextFormat,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import QRectF, Qt
from qgis.PyQt.QtGui import QColor, QFont

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from plugin.core.export import FONT, fonts  # noqa: E402

PAPERS = {"A3": (420.0, 297.0), "A1": (841.0, 594.0)}
TABLE_COLUMNS = (("序号", 6.0, Qt.AlignHCenter), ("规则", 12.0, Qt.AlignLeft), ("问题", 25.0, Qt.AlignLeft),
                 ("级别", 10.0, Qt.AlignLeft), ("面积 m²", 13.0, Qt.AlignRight))     # mm on A3: 75 with margins;
# the export shares their sum among the columns by what they hold (core.export.sheet_layout.fit_columns)


def font(size, bold=False):
    value = QFont(FONT)
    value.setPointSizeF(size)
    value.setBold(bold)
    return value


def text_format(size, bold=False):
    fmt = QgsTextFormat()
    fmt.setFont(font(size, bold))
    fmt.setSize(size)
    fmt.setColor(QColor(0, 0, 0))
    return fmt


def new_layout(name, width, height):
    layout = QgsPrintLayout(QgsProject.instance())
    layout.setName(name)
    page = QgsLayoutItemPage(layout)
    page.setPageSize(QgsLayoutSize(width, height))
    layout.pageCollection().addPage(page)
    return layout


def label(layout, item_id, text, rect, size, bold=False, align=Qt.AlignLeft):
    item = QgsLayoutItemLabel(layout)
    item.setId(item_id)
    item.setText(text)
    if hasattr(item, "setTextFormat"):
        item.setTextFormat(text_format(size, bold))
    else:
        item.setFont(font(size, bold))
    item.setHAlign(align)
    item.setVAlign(Qt.AlignVCenter)
    layout.addLayoutItem(item)
    place(item, rect)
    return item


def place(item, rect):
    x, y, w, h = rect
    item.attemptMove(QgsLayoutPoint(x, y))
    item.attemptResize(QgsLayoutSize(w, h))


# The parts every map sheet has (the mapsheet_* templates and tools/make_tuze_layout.py's 图则), sized by the caller.
def add_frame(layout, rect, stroke):
    """The sheet's border (id frame)."""
    frame = QgsLayoutItemShape(layout)
    frame.setShapeType(QgsLayoutItemShape.Rectangle)
    frame.setId("frame")
    symbol = frame.symbol().clone()
    symbol.symbolLayer(0).setBrushStyle(Qt.NoBrush)
    symbol.symbolLayer(0).setStrokeWidth(stroke)
    frame.setSymbol(symbol)
    layout.addLayoutItem(frame)
    place(frame, rect)
    return frame


def add_title(layout, rect, size):
    """The sheet's title (id title): @onemap_title, bold, centred in the rect. A plain label (an HTML one, before
    0.3.0, drew nothing in QGIS builds without QtWebKit, and every export had to replace it)."""
    return label(layout, "title", "[% @onemap_title %]", rect, size, True, Qt.AlignHCenter)


def add_map(layout, item_id, rect):
    """A framed map item; the export sets its layers, extent and scale."""
    item = QgsLayoutItemMap(layout)
    item.setId(item_id)
    item.setFrameEnabled(True)
    layout.addLayoutItem(item)
    place(item, rect)
    return item


def add_north_arrow(layout, linked_map, rect):
    north = QgsLayoutItemPicture(layout)
    north.setId("north")
    north.setPicturePath(":/images/north_arrows/layout_default_north_arrow.svg")
    north.setLinkedMap(linked_map)
    north.setNorthMode(QgsLayoutItemPicture.GridNorth)
    layout.addLayoutItem(north)
    place(north, rect)
    return north


def add_legend(layout, linked_map, rect, sizes, symbol, box_space, column_space):
    """The legend (id legend, 图  例): `sizes` in points of its title, groups, subgroups and entries;
    `symbol` (width, height) in mm. The export fills it and sizes it to what the sheet shows."""
    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle("图  例")
    legend.setLinkedMap(linked_map)
    legend.setResizeToContents(False)
    legend.setFrameEnabled(True)
    legend.setWrapString("")
    parts = (QgsLegendStyle.Title, QgsLegendStyle.Group, QgsLegendStyle.Subgroup, QgsLegendStyle.SymbolLabel)
    for part, size, bold in zip(parts, sizes, (True, True, True, False)):
        fonts.set_legend_font(legend, part, font(size, bold))
    legend.setSymbolWidth(symbol[0])
    legend.setSymbolHeight(symbol[1])
    legend.setBoxSpace(box_space)
    legend.setColumnSpace(column_space)
    layout.addLayoutItem(legend)
    place(legend, rect)
    return legend


def add_scale_bar(layout, linked_map, rect, height, text_size, units_per_segment):
    """A bar scale in 米, four segments (the export picks a round segment length for the scale it prints at)."""
    scale = QgsLayoutItemScaleBar(layout)
    scale.setId("scalebar")
    scale.setStyle("Single Box")
    scale.setLinkedMap(linked_map)
    scale.setUnits(QgsUnitTypes.DistanceMeters)
    scale.setUnitLabel("米")
    scale.setNumberOfSegments(4)
    scale.setNumberOfSegmentsLeft(0)
    scale.setHeight(height)
    scale.setTextFormat(text_format(text_size))
    scale.setUnitsPerSegment(units_per_segment)
    layout.addLayoutItem(scale)
    place(scale, rect)
    return scale


ROW_BREAK_MM = 45.0


def report_template():
    layout = new_layout("核对报告", 210.0, 297.0)
    html = QgsLayoutItemHtml(layout)
    html.setContentMode(QgsLayoutItemHtml.ManualHtml)
    html.setResizeMode(QgsLayoutMultiFrame.RepeatUntilFinished)
    html.setUseSmartBreaks(True)
    # QGIS ends a page at the pixel row with the fewest colour changes up to this far above the page's
    # end: a table's ruled lines, where the 10 mm default cut rows of 问题清单 30 mm tall through their text.
    html.setMaxBreakDistance(ROW_BREAK_MM)
    html.setEvaluateExpressions(False)         # the report's text is data: [% … %] in it is printed, not run
    frame = QgsLayoutFrame(layout, html)
    frame.setId("report")
    frame.attemptSetSceneRect(QRectF(15.0, 15.0, 180.0, 267.0))
    html.addFrame(frame)
    layout.addMultiFrame(html)
    # The page footer; the export repeats it on every page QGIS adds for the report's text.
    label(layout, "footer", "[% @onemap_report_title %]　　第 [% @layout_page %] 页 共 [% @layout_numpages %] 页",
          (15.0, 285.0, 180.0, 6.0), 8.0, False, Qt.AlignRight)
    return layout


def mapsheet_template(paper, orientation):
    long_side, short_side = PAPERS[paper]
    width, height = (long_side, short_side) if orientation == "landscape" else (short_side, long_side)
    k = long_side / 420.0                       # A1 is A3 scaled by √2 · √2 = 2.0
    layout = new_layout("{} {}".format(paper, orientation), width, height)
    margin = 12.0 * k
    title_h = 16.0 * k
    side = (78.0 if orientation == "landscape" else 0.0) * k      # legend column on the right in landscape
    bottom = (26.0 if orientation == "landscape" else 70.0) * k   # notes band (and legend in portrait)

    add_frame(layout, (margin, margin, width - 2 * margin, height - 2 * margin), 0.6 * k)
    add_title(layout, (margin, margin + 2 * k, width - 2 * margin, title_h), 22.0 * k)

    map_x, map_y = margin + 4 * k, margin + title_h + 4 * k
    map_w = width - 2 * margin - 8 * k - side
    map_h = height - map_y - margin - bottom - 2 * k
    item = add_map(layout, "map", (map_x, map_y, map_w, map_h))
    add_north_arrow(layout, item, (map_x + map_w - 16 * k, map_y + 3 * k, 12 * k, 16 * k))

    if orientation == "landscape":
        legend_rect = (map_x + map_w + 3 * k, map_y, side - 3 * k, map_h)
        notes_y = map_y + map_h + 3 * k
    else:
        legend_rect = (map_x, map_y + map_h + 3 * k, width - 2 * margin - 8 * k, bottom - 30 * k)
        notes_y = legend_rect[1] + legend_rect[3] + 2 * k
    add_legend(layout, item, legend_rect, (13.0 * k, 10.0 * k, 9.5 * k, 8.5 * k), (9.0 * k, 5.0 * k),
               2.5 * k, 4.0 * k)

    findings_table(layout, (legend_rect[0], legend_rect[1] + legend_rect[3] / 2, 75.0 * k, legend_rect[3] / 2), k)

    notes_w = width - 2 * margin - 8 * k
    add_scale_bar(layout, item, (map_x, notes_y, 80 * k, 12 * k), 2.5 * k, 8.0 * k, 100)

    label(layout, "scale", "比例尺 1:[% @onemap_scale %]", (map_x + 84 * k, notes_y, 50 * k, 7 * k), 10.0 * k)
    label(layout, "crs", "[% @onemap_crs %]",
          (map_x + 84 * k, notes_y + 7 * k, 120 * k, 6 * k), 8.5 * k)
    label(layout, "compiler", "编制单位：[% @onemap_compiler %]　　编制日期：[% @onemap_date %]",
          (map_x + notes_w - 150 * k, notes_y, 150 * k, 7 * k), 9.0 * k, False, Qt.AlignRight)
    label(layout, "footnote", "[% @onemap_footnote %]", (map_x, notes_y + 14 * k, notes_w, 7 * k),
          7.5 * k, False, Qt.AlignRight)
    return layout


def findings_table(layout, rect, k):
    """The 问题清单 keyed to the numbers on sheet 04: header, grid and fonts; rows come from the export."""
    table = QgsLayoutItemManualTable.create(layout)
    columns = []
    for heading, width, align in TABLE_COLUMNS:
        column = QgsLayoutTableColumn(heading)
        column.setWidth(width * k)
        column.setHAlignment(align)
        columns.append(column)
    table.setHeaders(columns)
    table.setColumnWidths([width * k for _heading, width, _align in TABLE_COLUMNS])
    table.setIncludeTableHeader(True)
    table.setHeaderTextFormat(text_format(7.0 * k, True))
    table.setContentTextFormat(text_format(6.5 * k))
    table.setCellMargin(0.8 * k)
    table.setGridStrokeWidth(0.15 * k)
    table.setWrapBehavior(QgsLayoutTable.WrapText)
    table.setResizeMode(QgsLayoutMultiFrame.UseExistingFrames)
    frame = QgsLayoutFrame(layout, table)
    frame.setId("findings_table")
    x, y, w, h = rect
    frame.attemptSetSceneRect(QRectF(x, y, w, h))
    table.addFrame(frame)
    layout.addMultiFrame(table)
    return table


def save(layout, name):
    path = os.path.join(ROOT, "resources", name)
    if not layout.saveAsTemplate(path, QgsReadWriteContext()):
        sys.exit("cannot write " + path)
    print(path)


def main():
    app = QgsApplication([], False)
    app.initQgis()
    save(report_template(), "report_a4.qpt")
    for paper in PAPERS:
        for orientation in ("landscape", "portrait"):
            save(mapsheet_template(paper, orientation), "mapsheet_{}_{}.qpt".format(paper, orientation))
    app.exitQgis()


if __name__ == "__main__":
    main()
