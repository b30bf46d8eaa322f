"""A detailed plan's map sheets: 土地使用规划图 and one 图则 per 街区 (onemap:exportmapsheets), read back from the
PDFs (pdftotext, pdffonts) and the PNGs' pixels."""
import os
import re
import shutil
import subprocess

import pytest
from qgis.PyQt.QtGui import QImage

from conftest import sample
from plugin.core.export.mapsheets import export_mapsheets

BLOCKS = ["A0{}".format(n) for n in range(1, 9)] + ["B0{}".format(n) for n in range(1, 9)]


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("tuze"))
    written = export_mapsheets(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"), folder,
                               title="阳泉曲镇镇区控制性详细规划", compiler="OneMap 示例", date="2026年12月")
    return folder, written


def text(path, box=()):
    """The PDF's text; with `box` (x, y, w, h in points) only what lies there (the 图则's table column)."""
    crop = [arg for flag, value in zip(("-x", "-y", "-W", "-H"), box) for arg in (flag, str(value))]
    return subprocess.run(["pdftotext", "-layout"] + crop + [path, "-"], capture_output=True, text=True,
                          check=True).stdout


TABLE = (690, 100, 500, 380)                 # the right column of tuze_A3.qpt (x 246 mm …, y 38–166 mm)


def test_a_detailed_plan_gets_its_land_use_sheet_and_one_tuze_per_block(sheets):
    folder, written = sheets
    names = sorted(os.listdir(folder))
    assert "01_土地使用规划图.pdf" in names and "01_国土空间用途规划图.pdf" not in names
    assert sorted(n[len("05_图则_"):-4] for n in names if n.startswith("05_图则_") and n.endswith(".pdf")) == BLOCKS
    assert all(os.path.getsize(os.path.join(folder, n)) > 0 for n in names)     # roads (DL) get no 图则
    assert len(written) == 2 + 1 + len(BLOCKS)          # 02 控制线, 03 规划分区 (the one map has zones), no 04
                                                        # without findings; 01 土地使用规划图; the 图则
    assert {w.sheet for w in written} >= {"土地使用规划图", "三条控制线图", "图则 A04"}


def test_tuze_lists_the_blocks_parcels_and_nothing_else(sheets):
    folder, _written = sheets
    page = text(os.path.join(folder, "05_图则_A04.pdf"))
    assert "阳泉曲镇镇区控制性详细规划" in page and "图则" in page and "街区 A04" in page
    assert "地块控制指标一览表" in page and "用地面积(公顷)" in page and "建筑限高(米)" in page
    rows = [line.split() for line in text(os.path.join(folder, "05_图则_A04.pdf"), TABLE).splitlines()
            if line.strip().startswith("A04-")]
    table = {row[0]: row for row in rows if len(row) >= 4}
    assert sorted(table) == ["A04-0{}".format(n) for n in range(1, 7)]
    assert table["A04-02"][1:3] == ["0803", "文化用地"] and table["A04-05"][4] == "≤3.0"
    assert "B04-01" not in " ".join(" ".join(r) for r in table.values())
    for words in ("图 例", "本图则街区", "城市紫线", "区位图", "比例尺 1:2000", "编制单位：OneMap 示例", "椭球面积"):
        assert words in page, words
    fonts = subprocess.run(["pdffonts", os.path.join(folder, "05_图则_A04.pdf")], capture_output=True, text=True).stdout
    assert "WenQuanYi" in fonts and " yes " in fonts.splitlines()[2]           # embedded


def test_a_block_with_a_text_indicator_keeps_it_as_written(sheets):
    folder, _written = sheets
    page = text(os.path.join(folder, "05_图则_B03.pdf"), TABLE)
    row = next(line.split() for line in page.splitlines() if line.strip().startswith("B03-05"))
    assert "待定" in row                                # 容积率 the plan left open is shown, not dropped


def test_land_use_sheet_labels_parcels_by_number(sheets):
    folder, _written = sheets
    page = text(os.path.join(folder, "01_土地使用规划图.pdf"))
    assert "土地使用规划图" in page and "A04-01" in page and "B06-04" in page
    for words in ("城市绿线", "城市蓝线", "城市黄线", "城市紫线", "规划范围", "规划单元", "0701 城镇住宅用地"):
        assert words in page, words


def test_the_page_block_is_outlined_and_the_locator_shows_it(sheets):
    folder, _written = sheets
    image = QImage(os.path.join(folder, "05_图则_A04.png"))
    assert not image.isNull() and image.width() > 2000
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert "#b41e1e" in colours                   # the page's 街区 outline (180, 30, 30)


def listing(folder):
    """{name: content} of the folder's files (hidden staging included: it must be gone)."""
    return {name: open(os.path.join(folder, name), "rb").read() for name in sorted(os.listdir(folder))}


def test_cancelling_during_the_tuze_leaves_the_earlier_set_as_it_was(sheets, tmp_path):
    from qgis.core import QgsFeedback

    from plugin.core.errors import OneMapError
    folder = str(tmp_path / "sheets")
    shutil.copytree(sheets[0], folder)
    earlier = listing(folder)
    feedback, seen = QgsFeedback(), []

    def on_progress(value):
        seen.append(value)
        if value >= 75:
            feedback.cancel()
    feedback.progressChanged.connect(on_progress)
    with pytest.raises(OneMapError) as error:
        export_mapsheets(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"), folder, feedback=feedback,
                         title="阳泉曲镇镇区控制性详细规划", compiler="OneMap 示例", date="2026年12月")
    assert "已取消" in error.value.zh
    assert listing(folder) == earlier                     # all 40 files, byte for byte, and no staging folder
    assert len(earlier) == 2 * (3 + len(BLOCKS))


def test_progress_moves_through_the_tuze_pages(tmp_path):
    from qgis.core import QgsFeedback
    feedback, seen = QgsFeedback(), []
    feedback.progressChanged.connect(seen.append)
    export_mapsheets(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"), str(tmp_path / "out"),
                     feedback=feedback)
    assert seen == sorted(seen) and seen[-1] == 100
    steps = [b - a for a, b in zip([0.0] + seen, seen)]
    assert len(seen) >= 3 + 1 + len(BLOCKS) and max(steps) <= 100.0 / len(BLOCKS)   # a step per sheet and 图则,
                                                                                     # not 75 % for the 图则 stage


LEGEND = (881, 479, 241, 233)                # the 图则's legend box (x 311 mm, y 169 mm, 85 × 82 mm) in points
A04_CLASSES = ["0701 城镇住宅用地", "0702 城镇社区服务设施用地", "0803 文化用地", "09 商业服务业用地", "1001 工业用地",
               "12 交通运输用地", "1207 城镇村道路用地", "1401 公园绿地", "1403 广场用地", "15 特殊用地", "17 陆地水域"]


def test_the_tuze_legend_shows_every_class_its_map_draws_inside_its_box(sheets):
    folder, _written = sheets
    legend = " ".join(text(os.path.join(folder, "05_图则_A04.pdf"), LEGEND).split())
    for label in ["本图则街区", "城市紫线", "规划范围", "规划单元"] + A04_CLASSES:    # 15: the block's own A04-01
        assert label in legend, label
    for block in BLOCKS:                          # every page's legend fits: nothing said to be left out
        page = text(os.path.join(folder, "05_图则_{}.pdf".format(block)))
        assert "图 例" in page and "未列入图例" not in page, block


def test_a_legend_its_box_cannot_hold_names_what_it_leaves_out(qgis_app, tmp_path, monkeypatch):
    from qgis.core import QgsLayoutItemLegend, QgsLayoutSize

    from plugin.core.export import tuze
    real = tuze.load_template

    def small_legend(name, project=None):                  # a legend box of 85 × 50 mm instead of 85 × 82
        layout = real(name, project)
        legend = next(item for item in layout.items() if isinstance(item, QgsLayoutItemLegend))
        legend.attemptResize(QgsLayoutSize(85, 50))
        return layout
    monkeypatch.setattr(tuze, "load_template", small_legend)
    export_mapsheets(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"), str(tmp_path))
    pdf = os.path.join(str(tmp_path), "05_图则_A04.pdf")
    page = " ".join(text(pdf).split())
    legend = " ".join(text(pdf, LEGEND[:3] + (142,)).split())
    note = re.search("图例框容量不足，未列入图例：(.+?)，见土地使用规划图图例。", page)
    assert note, page
    left_out = note.group(1).split("、")
    own = ["0701 城镇住宅用地", "0702 城镇社区服务设施用地", "0803 文化用地", "09 商业服务业用地", "15 特殊用地"]
    neighbours = [label for label in A04_CLASSES if label not in own]
    assert left_out and left_out == neighbours[-len(left_out):]      # neighbours' classes, the last in code order
    assert not any(label in legend for label in left_out)
    for label in own + neighbours[:-len(left_out)]:
        assert label in legend, label                   # the block's own classes (A04-01 is 1504) stay


SHEET_LEGEND = (930, 85, 230, 640)           # the right column of mapsheet_A3_landscape.qpt, in points


def test_sheet_02_of_a_detailed_plan_lists_and_notes_what_it_draws(sheets):
    folder, _written = sheets
    pdf = os.path.join(folder, "02_三条控制线图.pdf")
    legend = " ".join(text(pdf, SHEET_LEGEND).split())
    page = " ".join(text(pdf).split())
    for label in ("永久基本农田", "城镇开发边界", "历史文化保护线", "规划范围"):    # farmland patches lie around the plan
        assert label in legend, label
    assert "村域" not in page
    assert "本规划范围内无永久基本农田" in page and "图中永久基本农田位于规划范围外" in page


def test_sheet_03_of_a_detailed_plan_draws_the_plan_and_lists_every_zone(sheets):
    folder, _written = sheets
    pdf = os.path.join(folder, "03_规划分区图.pdf")
    legend = " ".join(text(pdf, SHEET_LEGEND).split())
    for label in ("03 农田保护区", "0401 城镇集中建设区", "0502 一般农业区", "规划范围"):
        assert label in legend, label
    assert "村域" not in " ".join(text(pdf).split())
