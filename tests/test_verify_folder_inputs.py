"""verifyfolder and the files handed in (issue 18 red team #6): a plan is told from OneMap's own outputs by what it
holds, never by its name, so every file handed in is either checked or listed in the summary as skipped, with why."""
import os
import shutil

from osgeo import gdal

from conftest import sample
from export_helpers import sheet_rows


def test_plans_named_like_outputs_or_carrying_findings_are_checked_and_real_outputs_listed_skipped(
        onemap_provider, tmp_path):
    import processing
    onemap = sample("township_onemap.gpkg")
    first, plans = tmp_path / "first", tmp_path / "plans"
    plans.mkdir()
    shutil.copy(sample("village_clean.gpkg"), plans / "village_clean.gpkg")
    processing.run("onemap:verifyfolder", {"FOLDER": str(plans), "ONEMAP": onemap, "OUTPUT": str(first)})
    findings = str(first / "village_clean_核对结果.gpkg")
    for name in ("summary.gpkg", "杜村_核对结果.gpkg", "carrying.gpkg"):       # the red team's plans
        shutil.copy(sample("village_conflicts.gpkg"), plans / name)
    for table in ("findings", "run"):
        gdal.VectorTranslate(str(plans / "carrying.gpkg"), findings, accessMode="update", layers=[table])
    shutil.copy(findings, plans / "上次_核对结果.gpkg")                         # OneMap's own outputs handed in
    shutil.copy(first / "summary.gpkg", plans / "old_summary.gpkg")
    result = processing.run("onemap:verifyfolder", {"FOLDER": str(plans), "ONEMAP": onemap,
                                                    "OUTPUT": str(tmp_path / "second")})
    rows = {os.path.basename(row["path"]): row for row in sheet_rows(tmp_path / "second" / "summary.gpkg", "plans")}
    assert sorted(rows) == sorted(os.listdir(plans))                          # every file handed in has its row
    assert (result["PLANS"], result["FAILED"]) == (4, 0)
    conflicts = rows["summary.gpkg"]["errors"]
    assert conflicts > 0 and rows["village_clean.gpkg"]["errors"] == 0
    for name in ("杜村_核对结果.gpkg", "carrying.gpkg"):
        assert (rows[name]["status"], rows[name]["errors"]) == ("ok", conflicts)
    assert (rows["上次_核对结果.gpkg"]["status"], rows["上次_核对结果.gpkg"]["conclusion"]) == ("skipped", "未核对")
    assert rows["上次_核对结果.gpkg"]["reason"].startswith("OneMap 的核对结果文件")
    assert rows["old_summary.gpkg"]["reason"].startswith("OneMap 的批量核对汇总")
    xlsx = sheet_rows(tmp_path / "second" / "summary.xlsx", "汇总")
    assert sorted(row["核对结论"] for row in xlsx).count("未核对") == 2
