#!/usr/bin/env python3
"""Write resources/tuze_A3.qpt, the 图则 (one sheet per 街区 of a detailed plan), for `make layouts`.

A3 landscape: title, frame, the 街区's map (atlas-driven, filled in by plugin/core/export/tuze.py), north
arrow, bar and numeric scale, the parcel indicator table (地块编号, 用地代码, 用地名称, 面积, 容积率, 建筑密度,
绿地率, 限高) as an attribute table the export points at the plan's parcels and filters to the page's 街区,
a 区位图 of the whole plan, the legend and the notes. The layout helpers are make_layouts.py's, so the 图则
looks like the other map sheets; texts are expressions over the same layout variables (@onemap_title …).

The table goes on where page 1's frame ends: CONTINUATION further pages (续表), each with two frames of the
table side by side, its own border, title and page number. A page's first frame hides it while empty, so a 街区
that fits on page 1 exports one page; @onemap_table_note says on every page how many parcels the 街区 has
and where the table goes on (filled in by the export, which also says when parcels did not fit).
"""
import os
import sys

from make_layouts import (add_frame, add_legend, add_map, add_north_arrow, add_scale_bar, add_title, label,
                          new_layout, save, text_format)
from qgis.core import (
    QgsApplication,
    QgsLayoutFrame,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemPage,
    QgsLayoutMultiFrame,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLayoutTable,
)
from qgis.PyQt.QtCore import Qt

from plugin.core.export.tuze import CELL_MARGIN_MM, TABLE_TEXT_PT

WIDTH, HEIGHT, MARGIN = 420.0, 297.0, 10.0
CONTINUATION = 3                                # 续表 pages (two table frames each, ≈ 55 parcels a frame)
CONTINUATION_FRAMES = ((50.0, 38.0, 150.0, 228.0), (220.0, 38.0, 150.0, 228.0))
MAP = (14.0, 30.0, 226.0, 222.0)                 # x, y, w, h
SIDE_X, SIDE_W = 246.0, 150.0                   # the right column: table, 区位图, legend


def tuze_template():
    layout = new_layout("图则 A3", WIDTH, HEIGHT)
    add_frame(layout, (MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN), 0.6)
    add_title(layout, (MARGIN, MARGIN + 2, WIDTH - 2 * MARGIN, 15), 20.0)

    x, y, w, h = MAP
    item = add_map(layout, "map", MAP)
    add_north_arrow(layout, item, (x + w - 10, y + h + 2, 10, 14))       # below the map: it hid parcel labels
    add_scale_bar(layout, item, (x, y + h + 3, 75, 12), 2.5, 8.0, 50)
    label(layout, "scale", "比例尺 1:[% @onemap_scale %]", (x + 80, y + h + 3, 45, 7), 10.0)
    label(layout, "crs", "[% @onemap_crs %]", (x + 80, y + h + 10, 130, 6), 8.0)

    label(layout, "table_title", "地块控制指标一览表", (SIDE_X, y, SIDE_W, 7), 11.0, True, Qt.AlignHCenter)
    table = parcel_table(layout)
    add_table_frame(layout, table, "parcels", (SIDE_X, y + 8, SIDE_W, 121), 0, False)
    label(layout, "table_note", "[% @onemap_table_note %]", (SIDE_X, y + 129.5, SIDE_W, 8.5), 7.5)

    label(layout, "overview_title", "区位图", (SIDE_X, y + 139, SIDE_W, 6), 9.0, True)
    add_map(layout, "overview", (SIDE_X, y + 145, 62, 52))
    add_legend(layout, item, (SIDE_X + 65, y + 139, SIDE_W - 65, 82), (11.0, 8.5, 8.0, 7.5), (7.0, 3.6), 1.8, 3.0)

    label(layout, "compiler", "[% @onemap_page_note %]编制单位：[% @onemap_compiler %]　　编制日期：[% @onemap_date %]",
          (SIDE_X, y + h + 3, SIDE_W, 7), 9.0, False, Qt.AlignRight)
    label(layout, "footnote", "[% @onemap_footnote %]", (x, y + h + 17, WIDTH - 2 * MARGIN - 8, 6), 7.0,
          False, Qt.AlignRight)
    for page in range(1, CONTINUATION + 1):
        add_continuation_page(layout, table, page)
    return layout


def parcel_table(layout):
    """The parcel indicator table, header in every frame, long 用地名称 wrapped; frames are the template's."""
    table = QgsLayoutItemAttributeTable(layout)
    table.setResizeMode(QgsLayoutMultiFrame.ResizeMode.UseExistingFrames)
    table.setMaximumNumberOfFeatures(1000)
    table.setHeaderMode(QgsLayoutTable.HeaderMode.AllFrames)
    table.setHeaderTextFormat(text_format(TABLE_TEXT_PT, True))
    table.setContentTextFormat(text_format(TABLE_TEXT_PT))
    table.setCellMargin(CELL_MARGIN_MM)
    table.setGridStrokeWidth(0.15)
    table.setHeaderHAlignment(QgsLayoutTable.HeaderHAlignment.HeaderCenter)
    table.setWrapBehavior(QgsLayoutTable.WrapBehavior.WrapText)
    layout.addMultiFrame(table)
    return table


def add_table_frame(layout, table, item_id, rect, page, hide_page_if_empty):
    frame = QgsLayoutFrame(layout, table)
    frame.setId(item_id)
    frame.setHidePageIfEmpty(hide_page_if_empty)
    table.addFrame(frame)
    on_page(frame, rect, page)
    return frame


def on_page(item, rect, page):
    """Place `item` at `rect` (x, y, w, h in mm) on page `page` (0 = the first)."""
    x, y, w, h = rect
    item.attemptResize(QgsLayoutSize(w, h))
    item.attemptMove(QgsLayoutPoint(x, y), True, False, page)


def add_continuation_page(layout, table, page):
    """A 续表 page: border, title, the table's next two frames (hiding the page while they are empty), notes."""
    sheet = QgsLayoutItemPage(layout)
    sheet.setPageSize(QgsLayoutSize(WIDTH, HEIGHT))
    layout.pageCollection().addPage(sheet)
    inner, number = WIDTH - 2 * MARGIN, page + 1
    centre, right = Qt.AlignmentFlag.AlignHCenter, Qt.AlignmentFlag.AlignRight
    items = [
        (add_frame(layout, (0, 0, 1, 1), 0.6), (MARGIN, MARGIN, inner, HEIGHT - 2 * MARGIN)),
        (label(layout, "continued_title_{}".format(number), "[% @onemap_title %]（续表）", (0, 0, 1, 1), 18.0, True,
               centre), (MARGIN, MARGIN + 2, inner, 15)),
        (label(layout, "continued_table_title_{}".format(number), "地块控制指标一览表（续）", (0, 0, 1, 1), 11.0, True,
               centre), (MARGIN, 30.0, inner, 7)),
        (label(layout, "continued_note_{}".format(number), "[% @onemap_table_note %]", (0, 0, 1, 1), 8.0),
         (50.0, 268.0, 320.0, 6)),
        (label(layout, "continued_page_{}".format(number), "第 [% @layout_page %] 页 共 [% @onemap_pages %] 页　　"
               "编制单位：[% @onemap_compiler %]　　编制日期：[% @onemap_date %]", (0, 0, 1, 1), 8.0, False, right),
         (50.0, 275.0, 320.0, 6))]
    for item, rect in items:
        on_page(item, rect, page)
    for index, rect in enumerate(CONTINUATION_FRAMES, 1):        # QGIS hides a page if any such frame is empty:
        add_table_frame(layout, table, "parcels_{}_{}".format(number, index), rect, page, index == 1)   # the 1st


def main():
    app = QgsApplication([], False)
    app.initQgis()
    save(tuze_template(), "tuze_A3.qpt")
    app.exitQgis()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
