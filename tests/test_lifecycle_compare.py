"""对比分析 and 全过程留痕 (issue 20): plans and one-map versions compared with areas known by arithmetic,
the workbook and the map sheet read back, the trail exported."""
import os
import re
import subprocess

import pytest
from osgeo import gdal, ogr

import lifecycle_data as data
from export_helpers import column_widths, pdf_text, sheet_names, sheet_rows
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.lifecycle.compare import compare
from plugin.core.lifecycle.compare_report import export_sheet, write_xlsx
from plugin.core.lifecycle.merge import merge_plan
from plugin.core.lifecycle.trail import export_trail

A_NO, B_NO = "甲政函〔2024〕1号", "甲政函〔2024〕9号"


def merged_twice(folder):
    """The one map after plan A (version 1) and plan B as its 修改 (version 2)."""
    onemap = data.one_map(folder / "onemap.gpkg")
    for name, parcels, number, date, change in (("a", data.PLAN_A, A_NO, "2024-01-10", "新编"),
                                                ("b", data.PLAN_B, B_NO, "2024-06-01", "修改")):
        plan = data.plan(folder / (name + ".gpkg"), parcels)
        findings = str(folder / (name + "_核对结果.gpkg"))
        verify(plan, onemap, output=findings, change=change)
        merge_plan(plan, findings, onemap, number, date, change, reviewer="李四")
    return onemap


def layer_rows(path, name):
    dataset = ogr.Open(path)
    return [dict(feature.items(), area=feature.GetGeometryRef().Area() if feature.GetGeometryRef() else None)
            for feature in dataset.GetLayerByName(name)]


def summary_row(rows, unit, code):
    """The summary row of a class, for a village or (unit None) for the whole."""
    return next(row for row in rows if row["unit"] == unit and row["class_code"] == code)


def test_two_versions_compared_give_the_school_turned_housing_exactly(tmp_path):
    onemap = merged_twice(tmp_path)
    output = str(tmp_path / "v1-v2.gpkg")
    result = compare(onemap, onemap, output, old_as_of=1, new_as_of="v2")
    changes = layer_rows(output, "changes")
    assert [(c["change"], c["old_code"], c["new_code"], round(c["area_m2"], 6), c["old_label"], c["new_label"],
             c["matched_by"], c["old_approval_no"], c["new_approval_no"], c["unit"]) for c in changes] == [
        ("changed", "0804", "0701", 20000.0, "1", "1", "label", A_NO, B_NO, "测试村")]
    assert changes[0]["area"] == pytest.approx(20000.0, abs=1e-6)               # the geometry written is the piece
    summary = layer_rows(output, "summary")
    assert (summary_row(summary, None, "08")["old_m2"], summary_row(summary, None, "08")["new_m2"]) == (20000.0, 0.0)
    housing = summary_row(summary, None, "07")
    assert (housing["old_m2"], housing["new_m2"], housing["difference_m2"]) == (80000.0, 100000.0, 20000.0)
    assert summary_row(summary, None, "0701")["level"] == 2 and summary_row(summary, "测试村", "0804")["old_m2"] == 20000.0
    run = layer_rows(output, "run")[0]
    assert (run["old_state"], run["new_state"]) == ("版本 1", "版本 2") and len(run["old_sha256"]) == 64
    assert result.total("changed") == pytest.approx(20000.0) and result.total("added") == result.total("removed") == 0


def test_a_version_against_nothing_is_all_added_and_a_date_reads_what_was_in_force(tmp_path):
    onemap = merged_twice(tmp_path)
    result = compare(onemap, onemap, str(tmp_path / "0-1.gpkg"), old_as_of=0, new_as_of="2024-03-01")
    assert {row["change"] for row in result.changes} == {"added"}
    assert result.total("added") == pytest.approx(1_000_000.0, abs=1e-6)
    assert result.new.state == "2024-03-01"


def test_two_plans_compared_by_label_and_by_ground(tmp_path):
    old = data.plan(tmp_path / "a.gpkg", data.PLAN_A)
    moved = [("1", "0804", (0, 0, 150, 100)), ("9", "0701", (150, 0, 200, 100))] + data.PLAN_A[1:]
    new = data.plan(tmp_path / "moved.gpkg", moved)
    result = compare(old, new, str(tmp_path / "plans.gpkg"))
    rows = sorted((r["change"], r["old_code"], r["new_code"], round(r["area_m2"], 6), r["old_label"], r["new_label"],
                   r["matched_by"]) for r in result.changes)
    assert rows == [("changed", "0804", "0701", 5000.0, "1", "9", "geometry")]
    assert result.old.state == result.new.state == ""                      # plans: no history state


def test_removed_and_added_ground_and_the_label_that_lives_on(tmp_path):
    old = data.plan(tmp_path / "a.gpkg", data.PLAN_A)
    smaller = [("1", "0804", (0, 0, 100, 100))] + data.PLAN_A[1:]          # half the school gone, nothing in its place
    result = compare(old, data.plan(tmp_path / "smaller.gpkg", smaller), str(tmp_path / "c.gpkg"))
    assert [(r["change"], r["old_code"], round(r["area_m2"], 6), r["old_label"], r["new_label"], r["matched_by"])
            for r in result.changes] == [("removed", "0804", 10000.0, "1", "1", "label")]
    grown = compare(data.plan(tmp_path / "smaller2.gpkg", smaller), old, str(tmp_path / "d.gpkg"))
    assert [(r["change"], r["new_code"], round(r["area_m2"], 6)) for r in grown.changes] == [("added", "0804", 10000.0)]


def test_the_comparison_workbook_and_map_sheet(tmp_path):
    onemap = merged_twice(tmp_path)
    result = compare(onemap, onemap, str(tmp_path / "v1-v2.gpkg"), old_as_of=1, new_as_of=2)
    workbook = write_xlsx(result, str(tmp_path / "v1-v2.xlsx"))
    assert sheet_names(workbook) == ["汇总", "变化清单", "说明"]
    listed = sheet_rows(workbook, "变化清单")
    assert [(r["变化"], r["原用途代码"], r["新用途代码"], r["面积（平方米）"], r["原批复文号"]) for r in listed] == [
        ("用途改变", "0804", "0701", 20000.0, A_NO)]
    total = [r for r in sheet_rows(workbook, "汇总") if r["范围"] == "全部" and r["地类代码"] == "08"][0]
    assert (total["原面积（平方米）"], total["新面积（平方米）"], total["增减（平方米）"]) == (20000.0, 0.0, -20000.0)
    pdf, png = export_sheet(result, str(tmp_path / "对比图.pdf"), title="测试村")
    text = pdf_text(pdf)
    for words in ("测试村", "规划调整对比图", "用途改变", "0804→0701", "onemap.gpkg（版本1）", "onemap.gpkg（版本2）", "比例尺"):
        assert words in text.replace(" ", ""), words
    assert os.path.getsize(png) > 10000
    pixels = subprocess.run(["pdftoppm", "-r", "30", "-png", "-singlefile", pdf, str(tmp_path / "sheet")], check=True)
    assert pixels.returncode == 0


def test_comparison_outputs_never_overwrite_an_input_or_a_foreign_file(tmp_path):
    old = data.plan(tmp_path / "a.gpkg", data.PLAN_A)
    new = data.plan(tmp_path / "b.gpkg", data.PLAN_B)
    with pytest.raises(OneMapError, match="不能是输入数据"):
        compare(old, new, new)
    foreign = tmp_path / "notes.gpkg"
    gdal.VectorTranslate(str(foreign), old)
    with pytest.raises(OneMapError, match="不是 OneMap 对比结果"):
        compare(old, new, str(foreign))
    first = compare(old, new, str(tmp_path / "c.gpkg"))
    assert compare(old, new, first.output).output == first.output          # an earlier comparison is replaced
    with pytest.raises(OneMapError, match="不能按“版本 1”读取"):
        compare(old, new, str(tmp_path / "d.gpkg"), old_as_of=1)


def test_the_trail_is_one_story_with_who_when_and_hashes(tmp_path):
    onemap = merged_twice(tmp_path)
    versions, events = export_trail(onemap, str(tmp_path / "trail.xlsx"))
    assert [v["version"] for v in versions] == [1, 2] and versions[1]["reviewer"] == "李四"
    assert [(e["version"], e["event"]) for e in events] == [(1, "核对"), (1, "批复"), (1, "入库"),
                                                           (2, "核对"), (2, "批复"), (2, "入库")]
    assert "（规则集 村庄规划一张图核对默认规则集（内置，版本" in events[0]["summary"]      # not its id, village-default
    merge = events[-1]
    assert merge["who"] == "李四" and B_NO in merge["summary"] and len(merge["findings_sha256"]) == 64
    assert merge["onemap_sha256"] == versions[1]["onemap_sha256"] == events[3]["onemap_sha256"]
    sheets = sheet_names(str(tmp_path / "trail.xlsx"))
    assert sheets == ["版本", "留痕"]
    rows = sheet_rows(str(tmp_path / "trail.xlsx"), "留痕")
    assert [r["事项"] for r in rows] == ["核对", "批复", "入库", "核对", "批复", "入库"] and rows[2]["人员"] == "李四"


def test_the_trail_workbook_shows_every_time_whole(tmp_path):
    """A desktop walk: the 版本 sheet's 入库时间 (2026-12-07T23:35:05+08:00) was cut at the next column: GDAL
    writes every column 15 characters wide."""
    onemap = merged_twice(tmp_path)
    versions, events = export_trail(onemap, str(tmp_path / "trail.xlsx"))
    merged = column_widths(tmp_path / "trail.xlsx", "版本")
    assert merged["入库时间"] >= max(len(version["merged_at"]) for version in versions) >= 25
    assert merged["规划数据 SHA-256"] >= 64 and merged["版本"] < 15              # a hash whole; a number narrow
    assert column_widths(tmp_path / "trail.xlsx", "留痕")["时间"] >= max(len(event["at"] or "") for event in events)


def test_the_comparison_sheet_takes_its_scale_as_the_map_sheets_do(tmp_path, monkeypatch):
    """The village (1 000 m square) at the largest series scale at which it fits the map frame with
    MARGIN_MM of paper on every side (mapsheets.fit_map, as the map sheets) — not grown by 4 % and rounded up."""
    from plugin.core.export import mapsheets
    from plugin.core.export.mapsheets import MARGIN_MM, NICE_SCALES
    from plugin.core.lifecycle import compare_report
    fitted = []

    def fit_map(map_item, extent, margin_mm):
        fitted.append((map_item.rect().width(), map_item.rect().height(), extent.width(), extent.height(), margin_mm))
        return mapsheets.fit_map(map_item, extent, margin_mm)
    monkeypatch.setattr(compare_report, "fit_map", fit_map)
    onemap = merged_twice(tmp_path)
    result = compare(onemap, onemap, str(tmp_path / "v1-v2.gpkg"), old_as_of=1, new_as_of=2)
    pdf, _png = export_sheet(result, str(tmp_path / "对比图.pdf"), title="测试村")
    text = pdf_text(pdf).replace(" ", "").replace(",", "")
    [(width, height, ground_x, ground_y, margin)] = fitted
    assert (ground_x, ground_y, margin) == (pytest.approx(1000.0), pytest.approx(1000.0), MARGIN_MM)   # A3: k = 1
    [scale] = {int(s) for s in re.findall(r"1:(\d+)", text)} & set(NICE_SCALES)                     # as printed
    finer = NICE_SCALES[NICE_SCALES.index(scale) - 1]
    assert 1000.0 * 1000.0 / scale <= min(width, height) - 2 * MARGIN_MM              # fits at the printed scale
    assert 1000.0 * 1000.0 / finer > min(width, height) - 2 * MARGIN_MM              # not at the next finer one
