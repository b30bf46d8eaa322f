"""Where exportmapsheets writes (issue 18, issue 22): village names made safe file names, never an input
folder, a whole set or nothing, earlier sheets of the set replaced, long or hostile texts handled."""
import hashlib
import os
import shutil

import pytest
from osgeo import ogr

from conftest import sample
from export_helpers import pdf_text
from helpers import gpkg, square

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
SET = ["01_国土空间用途规划图", "02_三条控制线图", "03_规划分区图", "04_一张图核对成果图"]


def listing(folder):
    """{name: md5} of every file under folder (hidden ones included)."""
    found = {}
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            found[os.path.relpath(path, folder)] = hashlib.md5(open(path, "rb").read()).hexdigest()
    return found


def two_villages(path, east, west):
    return gpkg(path, 4546, {
        "GHYDYH": ([("YDYHFLDM", ogr.OFTString)], [(square(560000, 4100000, 561000, 4103000), {"YDYHFLDM": "0103"}),
                                                    (square(561000, 4100000, 562000, 4103000), {"YDYHFLDM": "0301"})]),
        "CJDCQ": ([("XZQDM", ogr.OFTString), ("XZQMC", ogr.OFTString)],
                  [(square(560000, 4100000, 561000, 4103000), {"XZQDM": "1", "XZQMC": east}),
                   (square(561000, 4100000, 562000, 4103000), {"XZQDM": "2", "XZQMC": west})])})


@pytest.mark.parametrize("name, safe", [
    ("../../x", "_.._x"), ("/abs/dir/x", "_abs_dir_x"), ("C:\\村\\x", "C__村_x"), ("CON", "_CON"), ("lpt1.txt", "_lpt1.txt"),
    ("东庄村. . ", "东庄村"), ("a<b>c:d\"e|f?g*h", "a_b_c_d_e_f_g_h"), ("\u202e西岭村\u2066", "西岭村"), ("...", "村域"),
    ("新\n庄", "新_庄")])
def test_a_village_name_becomes_one_safe_file_name(name, safe):
    from plugin.core.export.sheet_files import safe_name
    assert safe_name(name) == safe


def test_long_and_clashing_names_stay_apart():
    from plugin.core.export.sheet_files import NAME_BYTES, unique_names
    names = unique_names(["村/一", "村\\一", "Ab", "aB", "很" * 300])
    assert names[:4] == ["村_一", "村_一_2", "Ab", "aB_2"]
    assert len(names[4].encode("utf-8")) <= NAME_BYTES and names[4].startswith("很")


@pytest.mark.parametrize("name", ["很" * 300, "a很" * 100, "ab" * 100 + "很", "a" * 119 + "很很", "😀" * 40 + ". x"])
def test_a_long_name_keeps_the_longest_prefix_within_the_byte_budget(name):
    from plugin.core.export.sheet_files import NAME_BYTES, safe_name
    cut = safe_name(name)
    longest = max(k for k in range(len(name) + 1) if len(name[:k].encode("utf-8")) <= NAME_BYTES)
    assert cut == name[:longest].rstrip(". ")


def test_a_long_name_is_cut_in_one_pass():
    """safe_name's work does not grow with the name's length (it dropped one character at a time and encoded the
    rest again: 100 000 characters took 5 s): counted in lines run, not timed."""
    import sys
    from plugin.core.export.sheet_files import safe_name
    lines = []

    def trace(frame, event, _arg):
        if frame.f_code is safe_name.__code__:
            lines.append(event)
            return trace
        return None
    sys.settrace(trace)
    try:
        safe_name("街" * 10000, "街区")
    finally:
        sys.settrace(None)
    assert len(lines) < 20


def test_village_names_never_write_outside_output(qgis_app, tmp_path):
    from plugin.core.export.mapsheets import export_mapsheets
    plan = two_villages(tmp_path / "plan.gpkg", "../../x", "/abs/dir/x")
    output = tmp_path / "a" / "b" / "out"
    written = export_mapsheets(plan, sample("township_onemap.gpkg"), str(output))
    files = [path for sheet in written for path in sheet.files]
    assert files and all(os.path.dirname(path) == str(output) for path in files)
    assert sorted(os.listdir(output)) == sorted(os.path.basename(path) for path in files)
    assert {os.path.basename(path).split("_0")[0] for path in files} == {"_.._x", "_abs_dir_x"}
    assert sorted(os.listdir(tmp_path)) == ["a", "plan.gpkg"] and os.listdir(tmp_path / "a") == ["b"]


def test_two_villages_that_sanitise_alike_keep_their_own_sets(qgis_app, tmp_path):
    from plugin.core.export.mapsheets import export_mapsheets
    plan = two_villages(tmp_path / "plan.gpkg", "上/村", "上\\村")
    export_mapsheets(plan, sample("township_onemap.gpkg"), str(tmp_path / "out"))
    names = os.listdir(tmp_path / "out")
    assert "上_村_01_国土空间用途规划图.pdf" in names and "上_村_2_01_国土空间用途规划图.pdf" in names
    assert "上/村村庄规划" in pdf_text(tmp_path / "out" / "上_村_01_国土空间用途规划图.pdf")      # titles keep the name
    assert "上\\村村庄规划" in pdf_text(tmp_path / "out" / "上_村_2_01_国土空间用途规划图.pdf")


def test_output_inside_an_input_folder_is_refused(qgis_app, tmp_path):
    from plugin.core.errors import OneMapError
    from plugin.core.export.mapsheets import export_mapsheets
    plan = tmp_path / "village_realdb"
    shutil.copytree(sample("village_realdb"), plan)
    before = listing(plan)
    for output in (plan, plan / "图件", plan / "村庄规划数据库.gdb"):
        with pytest.raises(OneMapError) as error:
            export_mapsheets(str(plan), sample("township_onemap.gpkg"), str(output))
        assert "位于输入数据之内" in error.value.zh and str(plan) in str(error.value)
    assert listing(plan) == before


def test_a_folder_where_a_sheet_goes_fails_before_anything_is_written(qgis_app, tmp_path):
    from plugin.core.errors import OneMapError
    from plugin.core.export.mapsheets import export_mapsheets
    output = tmp_path / "out"
    (output / "02_三条控制线图.pdf").mkdir(parents=True)
    with pytest.raises(OneMapError) as error:
        export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), str(output))
    assert "02_三条控制线图.pdf" in str(error.value) and "文件夹" in error.value.zh
    assert os.listdir(output) == ["02_三条控制线图.pdf"]


@pytest.fixture(scope="module")
def findings(tmp_path_factory, qgis_app):
    from plugin.core.check.engine import verify
    path = str(tmp_path_factory.mktemp("findings") / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=path)
    return path


def test_a_new_set_replaces_the_earlier_one_whole(qgis_app, tmp_path, findings):
    from plugin.core.export.mapsheets import export_mapsheets
    output = tmp_path / "out"
    export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), str(output), findings)
    (output / "说明.txt").write_text("keep me", encoding="utf-8")
    earlier = listing(output)
    assert {name.rsplit(".", 1)[0] for name in earlier} == set(SET) | {"说明"}
    export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), str(output))   # no findings
    now = listing(output)
    assert set(now) == {n + e for n in SET[:3] for e in (".pdf", ".png")} | {"说明.txt"}      # the old 04 is gone
    assert all(now[name] != earlier[name] for name in now if name.endswith(".pdf"))     # written anew
    assert now["说明.txt"] == earlier["说明.txt"]


def test_an_earlier_set_in_a_relative_output_folder_is_replaced(qgis_app, tmp_path, monkeypatch):
    from plugin.core.export.mapsheets import export_mapsheets
    monkeypatch.chdir(tmp_path)
    for _run in range(2):                       # `make demo` twice: out/demo given relative to the checkout
        export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), os.path.join("out", "demo"))
    assert sorted(os.listdir(tmp_path / "out" / "demo")) == sorted(n + e for n in SET[:3] for e in (".pdf", ".png"))


def test_a_foreign_file_named_like_a_sheet_is_not_replaced(qgis_app, tmp_path):
    from plugin.core.errors import OneMapError
    from plugin.core.export.mapsheets import export_mapsheets
    output = tmp_path / "out"
    output.mkdir()
    (output / "04_一张图核对成果图.pdf").write_text("审查意见（手写稿）", encoding="utf-8")
    with pytest.raises(OneMapError) as error:
        export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), str(output))
    assert "不是 OneMap 图件" in error.value.zh and os.listdir(output) == ["04_一张图核对成果图.pdf"]


def test_a_failure_part_way_leaves_the_earlier_set_as_it_was(qgis_app, tmp_path, findings, monkeypatch):
    from plugin.core.errors import OneMapError
    from plugin.core.export import mapsheets
    output = tmp_path / "out"
    mapsheets.export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), str(output), findings)
    earlier = listing(output)
    real, calls = mapsheets.export_png, []

    def failing(layout, path):
        calls.append(path)
        if len(calls) == 3:
            raise OneMapError("导出 PNG 失败：{}".format(path), "PNG export failed: {}".format(path))
        real(layout, path)
    monkeypatch.setattr(mapsheets, "export_png", failing)
    with pytest.raises(OneMapError):
        mapsheets.export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), str(output),
                                   findings)
    assert listing(output) == earlier                      # no new sheet beside the old, no staging left


def test_cancel_writes_nothing(qgis_app, tmp_path):
    from qgis.core import QgsFeedback

    from plugin.core.errors import OneMapError
    from plugin.core.export.mapsheets import export_mapsheets
    feedback = QgsFeedback()
    progress = []
    feedback.progressChanged.connect(lambda value: (progress.append(value), len(progress) == 2 and feedback.cancel()))
    with pytest.raises(OneMapError) as error:
        export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), str(tmp_path / "out"),
                         feedback=feedback)
    assert "未写入任何图件" in error.value.zh and not os.path.exists(tmp_path / "out")


def test_a_10000_character_title_is_refused_with_a_message(qgis_app, tmp_path):
    from plugin.core.errors import OneMapError
    from plugin.core.export.mapsheets import export_mapsheets
    with pytest.raises(OneMapError) as error:
        export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), str(tmp_path / "out"),
                         title="很" * 10000)
    assert "图名过长（标题 10000 字），图名栏只容纳约 1" in error.value.zh and "TITLE" in error.value.en
    assert not os.path.exists(tmp_path / "out")


def test_a_long_title_shrinks_then_wraps_inside_its_box(qgis_app, tmp_path):
    from qgis.core import QgsExpressionContextUtils

    from plugin.core.export.mapsheets import SheetData, make_sheet
    from plugin.core.export.sheet_layout import label_font
    data = SheetData(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"))
    village = data.villages()[0]
    short = make_sheet(data, "landuse", "国土空间用途规划图", village, title="杜村村庄规划")
    size = label_font(short.layout.itemById("title")).pointSizeF()
    for title, lines in (("杜村" * 22, 1), ("杜村村庄规划（2021—2035年）" * 5, 2)):
        sheet = make_sheet(data, "landuse", "国土空间用途规划图", village, title=title)
        item = sheet.layout.itemById("title")
        text = QgsExpressionContextUtils.layoutScope(sheet.layout).variable("onemap_title")
        assert label_font(item).pointSizeF() < size and text.count("\n") + 1 == lines
        assert text.replace("\n", "") == title + "\u3000国土空间用途规划图"
        frame = sheet.layout.itemById("frame").sceneBoundingRect()
        assert frame.contains(item.sceneBoundingRect())
        assert item.sceneBoundingRect().bottom() <= sheet.map_item.sceneBoundingRect().top()


def test_bidi_overrides_never_reach_a_sheet(qgis_app, tmp_path, findings):
    from plugin.core.export.mapsheets import export_mapsheets
    export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), str(tmp_path / "out"), findings,
                     title="杜村\u202e划规庄村\u202c", compiler="\u2066某县\u2069自然资源局", date="2026年\u202d12月")
    for name in SET:
        text = pdf_text(tmp_path / "out" / (name + ".pdf"))
        assert not [c for c in text if c in BIDI], name
    assert "杜村划规庄村" in pdf_text(tmp_path / "out" / (SET[0] + ".pdf")).replace("\u3000", "")


def test_processing_refuses_an_output_inside_the_plan_with_a_message(onemap_provider, tmp_path):
    import processing
    from qgis.core import QgsProcessingException
    plan = tmp_path / "village_realdb"
    shutil.copytree(sample("village_realdb"), plan)
    before = listing(plan)
    with pytest.raises(QgsProcessingException) as error:
        processing.run("onemap:exportmapsheets", {"PLAN": str(plan), "ONEMAP": sample("township_onemap.gpkg"),
                                                  "OUTPUT": str(plan / "图件")})
    assert "位于输入数据之内" in str(error.value) and "must not be, or lie inside, an input" in str(error.value)
    assert listing(plan) == before
