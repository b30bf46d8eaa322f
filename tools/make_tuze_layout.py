#!/usr/bin/env python3
"""Write resources/tuze_A3.qpt, the 图则 (one sheet per 街区 of a detailed plan), for `make layouts`.

A3 landscape: title, frame, the 街区's map (atlas-driven, filled in by plugin/core/export/tuze.py), north
arrow, bar and numeric scale, the parcel indicator table (地块编号, 用地代码, 用地名称, 面积, 容积率, 建筑密度,
绿地率, 限高) as an attribute table the export points at the plan's parcels and filters to the page's 街区,
a 区位图 of the whole plan, the legend and the notes. The layout helpers are make_layouts.py's, so the 图则
looks like the other map sheets; texts are expressions over the same layout variables (@onemap_title …).
"""
import os
import sys

from make_layouts import (add_frame, add_legend, add_map, add_north_arrow, add_scale_bar, add_title, label,
                          new_layout, save, text_format)
from qgis.core import (
    QgsApplication,
    QgsLayoutFrame,
    QgsLayoutItemAttributeTable,
    QgsLayoutMultiFrame,
)
from qgis.PyQt.QtCore import QRectF, Qt

WIDTH, HEIGHT, MARGIN = 420.0, 297.0, 10.0
MAP = (14.0, 30.0, 226.0, 222.0)                 # x, y, w, h
SIDE_X, SIDE_W = 246.0, 150.0                   # the right column: table, 区位图, legend


def tuze_template():
    layout = new_layout("图则 A3", WIDTH, HEIGHT)
    add_frame(layout, (MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN), 0.6)
    add_title(layout, (MARGIN, MARGIN + 2, WIDTH - 2 * MARGIN, 15), 20.0)

    x, y, w, h = MAP
    item = add_map(layout, "map", MAP)
    add_north_arrow(layout, item, (x + w - 14, y + 3, 10, 14))
    add_scale_bar(layout, item, (x, y + h + 3, 75, 12), 2.5, 8.0, 50)
    label(layout, "scale", "比例尺 1:[% @onemap_scale %]", (x + 80, y + h + 3, 45, 7), 10.0)
    label(layout, "crs", "[% @onemap_crs %]", (x + 80, y + h + 10, 140, 6), 8.0)

    label(layout, "table_title", "地块控制指标一览表", (SIDE_X, y, SIDE_W, 7), 11.0, True, Qt.AlignHCenter)
    table = QgsLayoutItemAttributeTable(layout)
    table.setResizeMode(QgsLayoutMultiFrame.UseExistingFrames)
    table.setMaximumNumberOfFeatures(200)
    table.setHeaderTextFormat(text_format(7.0, True))
    table.setContentTextFormat(text_format(7.0))
    table.setCellMargin(0.8)
    table.setGridStrokeWidth(0.15)
    table.setHeaderHAlignment(QgsLayoutItemAttributeTable.HeaderCenter)
    table.setWrapBehavior(QgsLayoutItemAttributeTable.WrapText)
    table_frame = QgsLayoutFrame(layout, table)
    table_frame.setId("parcels")
    table_frame.attemptSetSceneRect(QRectF(SIDE_X, y + 8, SIDE_W, 128))
    table.addFrame(table_frame)
    layout.addMultiFrame(table)

    label(layout, "overview_title", "区位图", (SIDE_X, y + 139, SIDE_W, 6), 9.0, True)
    add_map(layout, "overview", (SIDE_X, y + 145, 62, 52))
    add_legend(layout, item, (SIDE_X + 65, y + 139, SIDE_W - 65, 82), (11.0, 8.5, 8.0, 7.5), (7.0, 3.6), 1.8, 3.0)

    label(layout, "compiler", "编制单位：[% @onemap_compiler %]　　编制日期：[% @onemap_date %]",
          (SIDE_X, y + h + 3, SIDE_W, 7), 9.0, False, Qt.AlignRight)
    label(layout, "footnote", "[% @onemap_footnote %]", (x, y + h + 17, WIDTH - 2 * MARGIN - 8, 6), 7.0,
          False, Qt.AlignRight)
    return layout


def main():
    app = QgsApplication([], False)
    app.initQgis()
    save(tuze_template(), "tuze_A3.qpt")
    app.exitQgis()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
