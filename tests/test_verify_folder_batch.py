"""verifyfolder: a plan keeps its own findings file and decisions (issue 18 item 8), and what is wrong
with the batch itself ends it once, before any plan, with exit 1 (issue 22)."""
import os
import shutil

import pytest
from osgeo import gdal

from conftest import sample
from plugin.core.check.batch import findings_paths, verify_folder
from plugin.core.errors import OneMapError
from plugin.core.export.report_data import read_report
from plugin.core.review import decisions
from plugin.core.review.findings import recorded_plan

ONEMAP = sample("township_onemap.gpkg")


def decide_cl01(findings):
    cl01 = next(f for f in read_report(findings).findings if f["rule_id"] == "CL-01")
    decisions.save(findings, decisions.make(cl01["finding_id"], "accepted", "国家重点项目", "晋政函〔2024〕12号"))


def test_a_shapefile_folder_named_like_a_geopackage_does_not_take_its_findings_or_decisions(qgis_app, tmp_path):
    """Folder with x.gpkg; check; decide; add a shapefile folder x/; check again: x.gpkg keeps its file and
    its decisions, x/ gets a file of its own with none."""
    plans, out = tmp_path / "plans", tmp_path / "out"
    plans.mkdir()
    shutil.copy(sample("village_conflicts.gpkg"), plans / "x.gpkg")
    verify_folder(str(plans), ONEMAP, str(out))
    first = str(out / "x_核对结果.gpkg")
    decide_cl01(first)
    gdal.VectorTranslate(str(plans / "x"), sample("village_conflicts.gpkg"), format="ESRI Shapefile",
                         layerCreationOptions=["ENCODING=UTF-8"])
    rows = {os.path.basename(row["path"]): row for row in verify_folder(str(plans), ONEMAP, str(out))}
    assert rows["x.gpkg"]["findings_file"] == first and rows["x"]["findings_file"] == str(out / "x_2_核对结果.gpkg")
    assert decisions.same_plan(recorded_plan(first), str(plans / "x.gpkg"))
    assert [(d.state, d.resolved) for d in decisions.read(first)] == [("accepted", 0)]
    assert decisions.read(rows["x"]["findings_file"]) == []
    again = {os.path.basename(row["path"]): row["findings_file"] for row in verify_folder(str(plans), ONEMAP, str(out))}
    assert again == {"x.gpkg": first, "x": str(out / "x_2_核对结果.gpkg")}          # stable from run to run


def test_a_file_recording_another_plan_is_neither_reused_nor_overwritten(qgis_app, tmp_path):
    out, other, plans = tmp_path / "out", tmp_path / "other", tmp_path / "plans"
    other.mkdir()
    plans.mkdir()
    shutil.copy(sample("village_conflicts.gpkg"), other / "x.gpkg")
    verify_folder(str(other), ONEMAP, str(out))                     # out/x_核对结果.gpkg records other/x.gpkg
    shutil.copy(sample("village_clean.gpkg"), plans / "x.gpkg")
    assert findings_paths([str(plans / "x.gpkg")], str(out)) == {str(plans / "x.gpkg"): str(out / "x_2_核对结果.gpkg")}


@pytest.mark.parametrize("case", ["existing file", "mistyped one map", "missing rule set", "inside the plans"])
def test_what_fails_every_plan_fails_the_batch_before_any_plan(qgis_app, tmp_path, case):
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(sample("village_clean.gpkg"), plans / "village_clean.gpkg")
    output, onemap, ruleset = str(tmp_path / "out"), ONEMAP, None
    if case == "existing file":
        output = str(tmp_path / "summary.txt")
        open(output, "w").close()
    elif case == "mistyped one map":
        onemap = str(tmp_path / "onemapp.gpkg")
    elif case == "missing rule set":
        ruleset = "village-defualt"
    else:
        output = str(plans / "out")
    with pytest.raises(OneMapError) as raised:
        verify_folder(str(plans), onemap, output, ruleset=ruleset)
    said = {"existing file": "existing file", "mistyped one map": "onemapp.gpkg",
            "missing rule set": "village-defualt", "inside the plans": "must not be"}[case]
    assert said in raised.value.en
    assert not os.path.isdir(tmp_path / "out") and os.listdir(plans) == ["village_clean.gpkg"]


def test_qgis_process_says_a_batch_refusal_once_and_exits_1(tmp_path):
    from test_processing import qgis_process
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(sample("village_clean.gpkg"), plans / "village_clean.gpkg")
    mistyped = qgis_process(tmp_path, "run", "onemap:verifyfolder", "--", "FOLDER=" + str(plans),
                            "ONEMAP=" + str(tmp_path / "onemapp.gpkg"), "OUTPUT=" + str(tmp_path / "out"))
    text = mistyped.stdout + mistyped.stderr
    assert mistyped.returncode == 1 and text.count("onemapp.gpkg (Source not found") == 1, text
    assert "Traceback" not in text and not (tmp_path / "out").exists()
    inside = qgis_process(tmp_path, "run", "onemap:verifyfolder", "--", "FOLDER=" + str(plans),
                          "ONEMAP=" + ONEMAP, "OUTPUT=" + str(plans / "out"))
    text = inside.stdout + inside.stderr
    assert inside.returncode == 1 and text.count("must not be, or lie inside") == 1, text
    (tmp_path / "taken").write_text("")
    existing = qgis_process(tmp_path, "run", "onemap:verifyfolder", "--", "FOLDER=" + str(plans),
                            "ONEMAP=" + ONEMAP, "OUTPUT=" + str(tmp_path / "taken"))
    text = existing.stdout + existing.stderr
    assert existing.returncode == 1 and "is an existing file" in text and "FileExistsError" not in text, text
