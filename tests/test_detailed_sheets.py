"""A 控规's map sheets as a technician hands them in: the plan fills its frame at a series scale, the titles
name the plan from its own data. Read back from the PDFs (pdftotext) and their pixels (pdftoppm)."""
import os

import pytest
from qgis.PyQt.QtGui import QColor, QImage

from conftest import sample
from export_helpers import pdf_text, render_page, sheet_rows

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



def test_the_sheets_are_titled_by_the_plan_s_own_name_not_its_file(detailed):
    """The sample's 规划范围 is named 阳泉曲镇镇区控制性详细规划范围（示例）: the plan is 阳泉曲镇镇区控制性详细规划（示例）."""
    folder, written = detailed
    name = "阳泉曲镇镇区控制性详细规划（示例）"
    for sheet in written:
        pdf = next(path for path in sheet.files if path.endswith(".pdf"))
        first = pdf_text(pdf).splitlines()[0].replace("\u3000", " ")
        assert first.startswith(name + " ") and "detailed_plan" not in first and "详细规划 " + "详细规划" not in first
    assert "图则 街区 A04" in pdf_text(folder / "05_图则_A04.pdf").replace("\u3000", " ")


def _plan(path, extent_names=(), units=("A", "B"), identifier=None):
    """A 控规 of two parcels in units A and B of the sample one map, its 规划范围 named `extent_names`."""
    import sqlite3

    from osgeo import ogr

    from helpers import gpkg, square
    parcels = [(square(563410, 4103400, 563900, 4104000), {"DKBH": "A01-01", "YDYHFLDM": "0701", "DYBH": units[0]}),
               (square(564100, 4103400, 564590, 4104000), {"DKBH": "B01-01", "YDYHFLDM": "0701", "DYBH": units[1]})]
    gpkg(path, 4546, {
        "GHDK": ([("DKBH", ogr.OFTString), ("YDYHFLDM", ogr.OFTString), ("DYBH", ogr.OFTString)], parcels),
        "GHFW": ([("MC", ogr.OFTString)], [(square(563410, 4103400, 564590, 4104000), {"MC": name})
                                           for name in extent_names or (None,)])})
    if identifier:
        with sqlite3.connect(str(path)) as db:
            db.execute("UPDATE gpkg_contents SET identifier = ? WHERE table_name = 'GHFW'", (identifier,))
    return str(path)


@pytest.mark.parametrize("extent_names, identifier, expected", [
    (["城东片区控制性详细规划范围"], None, "城东片区控制性详细规划"),        # 1. the 规划范围's name, less 范围
    (["城东片区"], None, "城东片区"),
    (["范围"], "城西片区控制性详细规划", "城西片区控制性详细规划"),         # 2. a name that only says 范围: metadata
    ([], "GHFW", "城关A单元、城关B单元"),                                # 3. the units its parcels name (one map's GHDY)
    (["x" * 41], None, "城关A单元、城关B单元"),                             # too long for a title: passed over
])
def test_plan_name_from_the_plan_s_data_in_order(qgis_app, tmp_path, extent_names, identifier, expected):
    from plugin.core.read.plan_name import plan_name
    from plugin.core.read.sources import open_source
    plan = _plan(tmp_path / "plan.gpkg", extent_names, identifier=identifier)
    assert plan_name(open_source(plan), open_source(sample("detailed_onemap.gpkg"))) == expected


def test_a_plan_without_any_name_is_titled_by_its_file(qgis_app, tmp_path):
    from plugin.core.read.plan_name import plan_name
    from plugin.core.read.plankind import plan_title
    from plugin.core.read.sources import open_source
    plan = open_source(_plan(tmp_path / "城南.gpkg", units=("X", "Y")))        # units the one map does not have
    assert plan_name(plan, open_source(sample("detailed_onemap.gpkg"))) == "" and plan_name(plan) == ""
    assert plan_title("城东片区", "detailed") == "城东片区详细规划"
    assert plan_title("城东片区控制性详细规划（修改）", "detailed") == "城东片区控制性详细规划（修改）"


def test_the_report_is_titled_as_the_sheets_in_pdf_html_and_xlsx(qgis_app, tmp_path):
    """The name is recorded at check time (run record plan_name): the report never opens the plan."""
    from plugin.core.check.engine import verify
    from plugin.core.export.report import export_report
    findings = str(tmp_path / "findings.gpkg")
    verify(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"), output=findings)
    title = "阳泉曲镇镇区控制性详细规划（示例）一张图核对报告"
    for extension in ("pdf", "html", "xlsx"):
        export_report(findings, str(tmp_path / ("report." + extension)))
    assert pdf_text(tmp_path / "report.pdf").startswith(title)
    assert "<h1>{}</h1>".format(title) in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert {"项目": "报告", "内容": title} in sheet_rows(tmp_path / "report.xlsx", "结论与记录")
