"""onemap:exportmapsheets: the sheets read back — text, fonts, legend, and the land-use fills in pixels."""
import os

import pytest
from qgis.core import QgsProcessingException
from qgis.PyQt.QtGui import QColor, QImage

from conftest import sample
from export_helpers import chinese_fonts, pdf_fonts, pdf_text, radicals, render_page

LANDUSE = "01_国土空间用途规划图"
FILLS = {"01 耕地": (245, 248, 220), "03 林地": (104, 177, 103), "0703 农村宅基地": (255, 211, 128),
         "1001 工业用地": (187, 150, 116)}           # 制图规范 附录B (plugin/data/colors.yaml)


def record_decisions(findings):
    """An approved exception on CL-01 and a false positive on GEO-04, as the reviewer records them."""
    from osgeo import ogr

    from plugin.core.review import decisions
    dataset = ogr.Open(findings)                       # kept while its layer is read
    ids = {f["rule_id"]: f["finding_id"] for f in dataset.GetLayerByName("findings")}
    dataset = None
    decisions.save(findings, decisions.make(ids["CL-01"], "accepted", "国家重点项目", "晋政函〔2024〕12号", "张工"))
    decisions.save(findings, decisions.make(ids["GEO-04"], "false_positive", "田坎，非碎片", reviewer="张工"))


@pytest.fixture(scope="module")
def sheets(tmp_path_factory, qgis_app, qgis_processing):
    import processing
    from qgis.core import QgsApplication

    from plugin.core.check.engine import verify
    from plugin.processing.provider import OneMapProvider
    folder = tmp_path_factory.mktemp("sheets")
    findings = str(folder / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=findings)
    record_decisions(findings)
    registry = QgsApplication.processingRegistry()
    provider = None if registry.providerById("onemap") else OneMapProvider()
    if provider:
        registry.addProvider(provider)
    result = processing.run("onemap:exportmapsheets", {
        "PLAN": sample("village_conflicts.gpkg"), "ONEMAP": sample("township_onemap.gpkg"), "FINDINGS": findings,
        "OUTPUT": str(folder / "out"), "COMPILER": "某县自然资源局", "DATE": "2026年12月"})
    if provider:
        registry.removeProvider(provider)
    return folder / "out", result


def test_the_sheet_set_as_pdf_and_png(sheets):
    folder, result = sheets
    names = ["01_国土空间用途规划图", "02_三条控制线图", "03_规划分区图", "04_一张图核对成果图"]
    assert result["SHEETS"] == 4
    assert sorted(os.listdir(folder)) == sorted(n + e for n in names for e in (".pdf", ".png"))
    assert QImage(str(folder / (LANDUSE + ".png"))).width() == round(420 / 25.4 * 150)     # A3 landscape, 150 dpi


def test_landuse_sheet_text_legend_and_fonts(sheets):
    folder, _result = sheets
    path = folder / (LANDUSE + ".pdf")
    text = pdf_text(path)
    assert "杜村村庄规划 国土空间用途规划图" in text.replace("\u3000", " ")
    legend = [label for label in FILLS if label in text]
    assert legend == list(FILLS) and [text.index(l) for l in legend] == sorted(text.index(l) for l in legend)
    assert "村域范围" in text and "代码未列出" not in text and "unlisted" not in text
    assert ".gpkg" not in text and "village_conflicts" not in text                 # no file names
    assert "2000国家大地坐标系" in text and "3度带 第37带" in text
    assert "比例尺 1:10000" in text and "400 米" in text              # numeric and bar scale
    assert "编制单位：某县自然资源局" in text and "编制日期：2026年12月" in text
    assert text.count("暂定") == 1                               # once, in the footnote
    assert "网格填充为配色表未列出的代码（0799）" in text           # drawn, not in the legend, said once
    assert radicals(text) == []
    fonts = pdf_fonts(path)
    assert chinese_fonts(fonts) and all(embedded for _n, _t, embedded in fonts)


def test_landuse_sheet_shows_the_official_fills(sheets, tmp_path):
    folder, _result = sheets
    image = QImage(render_page(folder / (LANDUSE + ".pdf"), tmp_path / "page", dpi=30))
    counts = {}
    for y in range(image.height()):
        for x in range(image.width()):
            rgb = QColor(image.pixel(x, y)).getRgb()[:3]
            counts[rgb] = counts.get(rgb, 0) + 1
    total = image.width() * image.height()
    for label, rgb in FILLS.items():
        assert counts.get(rgb, 0) > total * 0.001, "{} fill {} not on the page".format(label, rgb)


def test_control_and_findings_sheets(sheets):
    folder, _result = sheets
    control = pdf_text(folder / "02_三条控制线图.pdf")
    assert "永久基本农田" in control and "历史文化保护线" in control and "01 耕地" not in control
    findings = pdf_text(folder / "04_一张图核对成果图.pdf")
    assert "核对问题" in findings and "错误" in findings and "CL-" in findings      # labelled by rule
    compact = "".join(findings.split())
    assert "已认可例外" in compact and "误报" in compact                           # decided ones: own legend lines
    assert "（已认可例外）" in compact and "（误报）" in compact                   # … and their labels say so
    legend = findings[findings.index("核对问题"):findings.index("注：")]
    assert "永久基本农田" in legend and "历史文化保护线" in legend                # the lines violated, drawn under


def test_every_finding_with_a_place_has_exactly_one_label(sheets):
    from osgeo import ogr
    folder, _result = sheets
    text = pdf_text(folder / "04_一张图核对成果图.pdf")
    dataset = ogr.Open(str(folder.parent / "findings.gpkg"))
    expected = {}
    for feature in dataset.GetLayerByName("findings"):
        if feature.GetGeometryRef() is not None:
            expected[feature["rule_id"]] = expected.get(feature["rule_id"], 0) + 1
    assert expected["GEO-01"] == 1 and expected["GEO-03"] == 3                    # the bow-tie, three gaps
    assert {rule: text.count(rule) for rule in expected} == expected


def test_control_sheet_says_which_control_lines_miss_the_village(sheets):
    folder, _result = sheets
    compact = "".join(pdf_text(folder / "02_三条控制线图.pdf").split())
    assert "本村域内无城镇开发边界。" in compact                                   # CL-05: the village lies outside it
    assert "规划成果与一张图均无生态保护红线、洪涝风险控制线图层。" in compact


def test_bad_plan_is_a_clean_error(onemap_provider, tmp_path):
    import processing
    with pytest.raises(QgsProcessingException) as error:
        processing.run("onemap:exportmapsheets", {"PLAN": sample("township_onemap.gpkg"),
                                                  "ONEMAP": sample("township_onemap.gpkg"),
                                                  "OUTPUT": str(tmp_path / "out")})
    assert "township_onemap.gpkg" in str(error.value)
    assert not (tmp_path / "out").exists() or not os.listdir(tmp_path / "out")


def test_one_set_per_village_each_clipped_to_its_village_with_its_own_legend(qgis_app, tmp_path):
    """A plan holding two villages (one drawn in two polygons): each gets one set with its own legend."""
    from osgeo import ogr

    from helpers import gpkg, square
    from plugin.core.export.mapsheets import export_mapsheets
    east = [("0103", square(560000, 4100000, 561000, 4101500)), ("0703", square(560000, 4101500, 561000, 4103000))]
    west = [("0301", square(561000, 4100000, 562000, 4103000))]
    plan = gpkg(tmp_path / "two.gpkg", 4546, {
        "GHYDYH": ([("YDYHFLDM", ogr.OFTString)], [(wkt, {"YDYHFLDM": code}) for code, wkt in east + west]),
        "CJDCQ": ([("XZQDM", ogr.OFTString), ("XZQMC", ogr.OFTString)],
                  [(square(560000, 4100000, 561000, 4103000), {"XZQDM": "1", "XZQMC": "东庄村"}),
                   (square(561000, 4100000, 562000, 4101500), {"XZQDM": "2", "XZQMC": "西岭村"}),
                   (square(561000, 4101500, 562000, 4103000), {"XZQDM": "2", "XZQMC": "西岭村"})])})
    written = export_mapsheets(plan, sample("township_onemap.gpkg"), str(tmp_path / "out"), paper="A1")
    assert [(w.village, w.sheet) for w in written][:2] == [("东庄村", "国土空间用途规划图"), ("东庄村", "三条控制线图")]
    assert sorted({w.village for w in written}) == ["东庄村", "西岭村"] and len(written) == 6
    east_text = pdf_text(tmp_path / "out" / "东庄村_01_国土空间用途规划图.pdf")
    west_text = pdf_text(tmp_path / "out" / "西岭村_01_国土空间用途规划图.pdf")
    assert "01 耕地" in east_text and "0703 农村宅基地" in east_text and "03 林地" not in east_text
    assert "03 林地" in west_text and "01 耕地" not in west_text
    assert "东庄村村庄规划" in east_text and "比例尺 1:5000" in east_text      # 3 km tall on A1 portrait
    image = QImage(render_page(tmp_path / "out" / "西岭村_01_国土空间用途规划图.pdf", tmp_path / "west", dpi=10))
    assert image.height() > image.width()                                       # portrait for a tall village


@pytest.mark.parametrize("k", [1.0, 841.0 / 420.0])                  # A3, A1 (its legend's symbols: 10.01 mm)
def test_the_bar_scale_keeps_clear_of_the_numeric_scale_at_every_scale(k):
    """The bar (up to four segments of a round length ≥ SEGMENT_MM × k) stays within BAR_MM × k, so its last
    figure and 米 never overprint 比例尺 1:… beside it (A1 at 1:5000 drew 4 × 200 m = 160 mm into it)."""
    from plugin.core.export.mapsheets import BAR_MM, NICE_SCALES, SEGMENT_MM, bar_segments
    for scale in NICE_SCALES:
        length, count = bar_segments(scale, k)
        segment_mm = length * 1000.0 / scale
        assert segment_mm >= SEGMENT_MM * k * 0.99 and count * segment_mm <= BAR_MM * k + 1e-6, scale
        assert count >= 3 or segment_mm > BAR_MM * k / 3, scale                  # as many as fit, up to four
    assert bar_segments(5000, 841.0 / 420.0) == (100, 4)


def test_a_province_style_folder_removes_the_provisional_footnote(qgis_app, tmp_path, monkeypatch):
    import shutil

    from conftest import ROOT
    from plugin.core.export.mapsheets import SheetLayer, provisional_note
    boundary = SheetLayer(layer=None, key="CJDCQ", title="村域范围")
    assert provisional_note([boundary]).startswith("村域范围的符号为暂定样式")
    shutil.copy(os.path.join(ROOT, "styles", "CJDCQ.qml"), tmp_path / "CJDCQ.qml")
    monkeypatch.setenv("ONEMAP_STYLE_PATH", str(tmp_path))
    assert provisional_note([boundary]) == ""


def test_output_that_is_a_file_is_a_clean_error(onemap_provider, tmp_path):
    import hashlib
    import shutil

    import processing
    plan = tmp_path / "plan.gpkg"
    shutil.copy(sample("village_clean.gpkg"), plan)
    before = hashlib.md5(plan.read_bytes()).hexdigest()
    with pytest.raises(QgsProcessingException) as error:
        processing.run("onemap:exportmapsheets", {"PLAN": str(plan), "ONEMAP": sample("township_onemap.gpkg"),
                                                  "OUTPUT": str(plan)})
    assert "应为文件夹" in str(error.value) and "must be a folder" in str(error.value) and str(plan) in str(error.value)
    assert hashlib.md5(plan.read_bytes()).hexdigest() == before and os.listdir(tmp_path) == ["plan.gpkg"]


def test_paper_is_given_by_index_as_the_readme_and_help_say(qgis_app):
    from plugin.processing.export_mapsheets import ExportMapSheetsAlgorithm
    algorithm = ExportMapSheetsAlgorithm()
    algorithm.initAlgorithm()
    assert algorithm.parameterDefinition("PAPER").options() == ["A3", "A1"]       # PAPER=0 A3, PAPER=1 A1
    assert "PAPER=0" in algorithm.shortHelpString() and "1 = A1" in algorithm.shortHelpString()
    readme = open(os.path.join(os.path.dirname(__file__), os.pardir, "README.md"), encoding="utf-8").read()
    assert "`PAPER=0` A3" in readme and "`PAPER=1` A1" in readme and "PAPER A3/A1" not in readme
