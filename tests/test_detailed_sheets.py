"""A 控规's map sheets as a technician hands them in: the plan fills its frame at a series scale, the titles
name the plan from its own data. Read back from the PDFs (pdftotext) and their pixels (pdftoppm)."""
import os

import pytest
from qgis.PyQt.QtGui import QColor, QImage

from conftest import sample
from export_helpers import pdf_text, render_page

MM_PER_INCH = 25.4
MAP_TOP_MM, MAP_HEIGHT_MM = 32.0, 225.0       # the map's frame on mapsheet_A3_landscape.qpt (tools/make_layouts.py)


@pytest.fixture(scope="module")
def detailed(tmp_path_factory, qgis_app):
    from plugin.core.export.mapsheets import export_mapsheets
    folder = tmp_path_factory.mktemp("detailed_sheets")
    written = export_mapsheets(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"), str(folder / "out"),
                               compiler="某县自然资源局", date="2026年12月")
    return folder / "out", written


def plan_rows_mm(png, dpi, left_mm=100.0, right_mm=200.0):
    """(top, bottom) in mm of the coloured (land-use) pixels in a band of the map's middle."""
    image = QImage(str(png))
    px = dpi / MM_PER_INCH
    rows = [y for y in range(int(MAP_TOP_MM * px), int((MAP_TOP_MM + MAP_HEIGHT_MM) * px))
            if any(_coloured(image.pixel(x, y)) for x in range(int(left_mm * px), int(right_mm * px), 2))]
    return rows[0] / px, rows[-1] / px


def _coloured(pixel):
    red, green, blue, _alpha = QColor(pixel).getRgb()
    return max(red, green, blue) - min(red, green, blue) > 60


@pytest.mark.parametrize("sheet", ["01_土地使用规划图", "02_三条控制线图"])         # 03: zones fill it all
def test_the_plan_fills_its_frame_at_a_series_scale(detailed, sheet, tmp_path):
    """The 1 180 m × 1 060 m sample 控规 on an A3 landscape map 225 mm tall: 1:5000 (212 mm, 94 %) with room
    to spare, where a 4 % margin pushed it to 1:10000 (106 mm)."""
    folder, _written = detailed
    text = pdf_text(folder / (sheet + ".pdf"))
    assert "比例尺 1:5000" in text and "200 米" in text                  # bar: 4 × 50 m, true at 1:5000
    top, bottom = plan_rows_mm(render_page(folder / (sheet + ".pdf"), tmp_path / "page", dpi=30), 30)
    assert (bottom - top) / MAP_HEIGHT_MM > 0.9
    assert top > MAP_TOP_MM + 1.5 and bottom < MAP_TOP_MM + MAP_HEIGHT_MM - 1.5        # not cut by the frame


def test_fit_map_takes_the_largest_series_scale_the_extent_fits_with_its_margin(qgis_app):
    """Both sides of 1:5000 on a 269 mm × 225 mm map with 2 mm of margin: 1 110 m of ground at 1:5000 is
    222 mm — it does not fit in 225 − 2 × 2 mm; 1 090 m (218 mm) does."""
    from qgis.core import QgsCoordinateReferenceSystem, QgsLayoutItemMap, QgsLayoutSize, QgsPrintLayout, QgsProject, \
        QgsRectangle

    from plugin.core.export.mapsheets import fit_map
    layout = QgsPrintLayout(QgsProject.instance())
    layout.initializeDefaults()
    item = QgsLayoutItemMap(layout)
    layout.addLayoutItem(item)
    item.attemptResize(QgsLayoutSize(269.0, 225.0))
    item.setCrs(QgsCoordinateReferenceSystem("EPSG:4546"))
    for width, height, expected in ((1180.0, 1060.0, 5000), (1180.0, 1090.0, 5000), (1180.0, 1110.0, 10000),
                                     (400.0, 400.0, 2000)):
        extent = QgsRectangle(563410.0, 4103400.0, 563410.0 + width, 4103400.0 + height)
        assert fit_map(item, extent, 2.0) == expected, height
        assert round(item.scale()) == expected
        shown = item.extent()
        assert shown.contains(extent) and abs(shown.center().y() - extent.center().y()) < 1e-6

