"""The 图则 with what a plan may hold beyond the sample: texts over 255 characters, a 街区 of many parcels, a 街区
number with a line break — every 街区 gets its 图则 and every parcel is listed, or the sheet says which are not.
Read back from the PDFs (pdftotext, pdfinfo) and the files written."""
import os
import re
import subprocess

import pytest
from osgeo import ogr

from export_helpers import pdf_pages
from helpers import gpkg, square

X, Y = 560000.0, 4100000.0
FIELDS = [(name, ogr.OFTString) for name in ("DKBH", "YDYHFLDM", "YDYHFLMC", "RJLSX", "JQBH")] + \
         [(name, ogr.OFTReal) for name in ("JZMDSX", "LDLXX", "JZXG")]
INDICATORS = {"YDYHFLDM": "0701", "RJLSX": "2.0", "JZMDSX": 30.0, "LDLXX": 30.0, "JZXG": 40.0}
LONG_NAME = "城镇住宅用地（" + "备注" * 130 + "）"             # 268 characters
LONG_NUMBER = "A03-" + "9" * 300
LONG_BLOCK = "长" * 300


def plan_with(path, parcels):
    """A detailed plan (GHDK) of `parcels` [(block, number, x, y, size, extra values)] and a one map around it."""
    rows = [(square(x, y, x + size, y + size), dict(INDICATORS, JQBH=block, DKBH=number, **extra))
            for block, number, x, y, size, extra in parcels]
    plan = gpkg(os.path.join(path, "plan.gpkg"), 4546, {"GHDK": (FIELDS, rows)})
    onemap = gpkg(os.path.join(path, "onemap.gpkg"), 4546, {"CZKFBJ": (
        [("MC", ogr.OFTString), ("GHFQDM", ogr.OFTString)],
        [(square(X - 5000, Y - 5000, X + 9000, Y + 9000), {"MC": "城镇集中建设区", "GHFQDM": "0401"})])})
    return plan, onemap


def export(tmp_path_factory, name, parcels):
    from plugin.core.export.mapsheets import export_mapsheets
    folder = str(tmp_path_factory.mktemp(name))
    plan, onemap = plan_with(folder, parcels)
    out = os.path.join(folder, "sheets")
    return out, export_mapsheets(plan, onemap, out, title="测试控规")


def text(path, page=None, layout=False):
    """The PDF's text (of one page); -raw lines with their spaces made single (pdftotext writes 　 as a space)."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    found = subprocess.run(["pdftotext"] + (["-layout"] if layout else ["-raw"]) + pages + [path, "-"],
                           capture_output=True, text=True, check=True).stdout
    return found if layout else "\n".join(" ".join(line.split()) for line in found.splitlines())


def listed(path, block):
    """The parcel numbers in the 图则's table (a row: number, then its code)."""
    return re.findall(r"({}-\d+) {{1,8}}0701".format(re.escape(block)), text(path, layout=True))


# -- texts over 255 characters; a 街区 number with a line break

@pytest.fixture(scope="module")
def long_texts(tmp_path_factory):
    parcels = [(block, "{}-0{}".format(block, k + 1), X + b * 300 + k * 110, Y, 100, {})
               for b, block in enumerate(["A01", "A02", "A03"]) for k in range(2)]
    parcels[2] = parcels[2][:5] + ({"YDYHFLMC": LONG_NAME},)                      # A02-01
    parcels[4] = ("A03", LONG_NUMBER) + parcels[4][2:]                           # A03's first parcel
    parcels += [("A0\n4", "A04-01", X, Y + 300, 100, {}), (LONG_BLOCK, "L-01", X + 300, Y + 300, 100, {})]
    return export(tmp_path_factory, "long", parcels)


def test_texts_over_255_characters_keep_every_block_and_parcel(long_texts):
    out, written = long_texts
    tuze = sorted(name for name in os.listdir(out) if name.startswith("05_图则_") and name.endswith(".pdf"))
    assert tuze == ["05_图则_A01.pdf", "05_图则_A02.pdf", "05_图则_A03.pdf", "05_图则_A0_4.pdf",
                    "05_图则_{}.pdf".format("长" * 40)]
    assert {w.sheet for w in written} >= {"图则 A02", "图则 A03"}
    assert sorted(listed(os.path.join(out, "05_图则_A02.pdf"), "A02")) == ["A02-01", "A02-02"]
    assert listed(os.path.join(out, "05_图则_A03.pdf"), "A03") == ["A03-02"]          # the long one wraps
    a03 = text(os.path.join(out, "05_图则_A03.pdf"))
    assert "A03-999" in a03 and "9" * 300 not in a03.replace("\n", "")
    landuse = text(os.path.join(out, "01_土地使用规划图.pdf"))
    for number in ("A01-01", "A02-01", "A02-02", "A03-02", "A04-01"):
        assert number in landuse, number


def test_a_long_text_is_cut_visibly_in_its_cell(long_texts):
    out, _written = long_texts
    page = text(os.path.join(out, "05_图则_A02.pdf")).replace("\n", "")
    assert "城镇住宅用地（备注备注" in page and "…（截断）" in page and "备注" * 40 not in page


def test_a_tuze_title_is_one_line(long_texts):
    out, _written = long_texts
    lines = text(os.path.join(out, "05_图则_A0_4.pdf")).splitlines()
    assert "测试控规 图则 街区 A0 4" in lines
    long_title = next(line for line in text(os.path.join(out, "05_图则_{}.pdf".format("长" * 40))).splitlines()
                      if line.startswith("测试控规"))
    assert long_title == "测试控规 图则 街区 " + "长" * 35 + "…（截断）"


def test_a_parcel_the_layer_cannot_hold_is_named():
    from qgis.core import QgsFeature, QgsVectorLayer
    from plugin.core.errors import OneMapError
    from plugin.core.export.tuze import add_all
    layer = QgsVectorLayer("MultiPolygon?crs=EPSG:4546&field=DKBH:string(5)", "x", "memory")
    features = []
    for number in ("A-1", "A-2-long", "A-3"):
        feature = QgsFeature(layer.fields())
        feature.setAttributes([number])
        features.append(feature)
    with pytest.raises(OneMapError) as error:
        add_all(layer, features, lambda feature: "地块 {}".format(feature["DKBH"]))
    assert "地块 A-2-long" in error.value.zh and "地块 A-2-long" in error.value.en


# -- a 街区 of many parcels: its table goes on on 续表 pages

def grid(block, count, x0):
    return [(block, "{}-{:03d}".format(block, k + 1), x0 + (k % 20) * 60, Y + (k // 20) * 60, 50, {})
            for k in range(count)]


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    return export(tmp_path_factory, "many", grid("A01", 60, X) + grid("B01", 400, X + 2000) + grid("C01", 3, X + 4000))


def test_a_block_that_fits_gets_one_page(many):
    out, _written = many
    path = os.path.join(out, "05_图则_C01.pdf")
    assert pdf_pages(path) == 1 and not os.path.exists(os.path.join(out, "05_图则_C01_2.png"))
    assert sorted(listed(path, "C01")) == ["C01-001", "C01-002", "C01-003"]
    assert "本街区共 3 个地块。" in text(path) and "第 1 页" not in text(path)


def test_a_block_of_60_parcels_lists_them_all_on_a_continuation_page(many):
    out, written = many
    path = os.path.join(out, "05_图则_A01.pdf")
    assert pdf_pages(path) == 2
    assert sorted(listed(path, "A01")) == ["A01-{:03d}".format(k) for k in range(1, 61)]
    first, second = text(path, 1), text(path, 2)
    assert "本街区共 60 个地块；地块控制指标一览表共 2 页，续表在第 2 页。" in first
    assert "测试控规 图则 街区 A01（续表）" in second and "地块控制指标一览表（续）" in second
    assert "第 2 页 共 2 页" in second and "A01-001" not in second and "A01-060" in second
    assert "第 1 页 共 2 页" in first                                   # page 1 numbered too (desktop walk)
    files = next(w.files for w in written if w.sheet == "图则 A01")
    assert sorted(os.path.basename(f) for f in files) == ["05_图则_A01.pdf", "05_图则_A01.png", "05_图则_A01_2.png"]
    assert all(os.path.getsize(f) > 0 for f in files)


def test_a_block_beyond_the_continuation_pages_says_what_is_not_listed(many):
    out, _written = many
    path = os.path.join(out, "05_图则_B01.pdf")
    numbers = listed(path, "B01")
    note = re.search(r"本街区共 400 个地块；地块控制指标一览表共 4 页，续表在第 2–4 页；表中只列出前 ?(\d+) ?个，"
                     r"其余 ?(\d+) ?个超出图则续表的容量，未列出。",            # (a space at a line break is lost)
                     text(path, 1).replace("\n", ""))
    assert note and int(note.group(1)) + int(note.group(2)) == 400
    assert sorted(numbers) == ["B01-{:03d}".format(k) for k in range(1, int(note.group(1)) + 1)]


def test_every_heading_fits_its_column_on_one_line(qgis_app):
    """QGIS 3.22 sizes the header row for one line: a heading wider than its column ran into its neighbour
    ("用地面积（公顷）" over 用地代码)."""
    from qgis.core import QgsLayoutItemAttributeTable, QgsRenderContext, QgsTextRenderer

    from plugin.core.export.report_pdf import load_template
    from plugin.core.export.tuze import CELL_MARGIN_MM, COLUMNS
    layout = load_template("tuze_A3.qpt")
    table = next(frame for frame in layout.multiFrames() if isinstance(frame, QgsLayoutItemAttributeTable))
    context = QgsRenderContext()
    context.setScaleFactor(300 / 25.4)                          # painter units per mm
    for _field, heading, width in COLUMNS:
        needed = QgsTextRenderer.textWidth(context, table.headerTextFormat(), [heading]) / context.scaleFactor()
        assert needed + 2 * CELL_MARGIN_MM <= width, (heading, round(needed, 2), width)


def test_every_cell_line_fits_its_column(qgis_app):
    """A cell is broken where the layout's own font says: the estimate of half an em a Latin letter had let
    'WWWWWWWWWW' run into the next column."""
    from qgis.core import QgsLayoutItemAttributeTable, QgsRenderContext, QgsTextRenderer

    from plugin.core.export.report_pdf import load_template
    from plugin.core.export.tuze import CELL_MARGIN_MM, COLUMNS, cell
    layout = load_template("tuze_A3.qpt")
    table = next(frame for frame in layout.multiFrames() if isinstance(frame, QgsLayoutItemAttributeTable))
    context = QgsRenderContext()
    context.setScaleFactor(300 / 25.4)
    for _field, _heading, width in COLUMNS:
        for text in ("W" * 30, "MMMM-0001-WWWW", "城镇住宅用地（备注）" * 3, "0123456789" * 3, "Aa1中文W" * 6):
            lines = cell(text, width).split("\n")
            assert "".join(lines) == text
            for line in lines:
                needed = QgsTextRenderer.textWidth(context, table.contentTextFormat(), [line]) / context.scaleFactor()
                assert needed + 2 * CELL_MARGIN_MM <= width + 1e-6, (line, round(needed, 2), width)
