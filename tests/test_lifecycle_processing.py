"""onemap:mergeplan, compareplans, exporttrail and the AS_OF / CHANGE parameters, in process and through
qgis_process (exit code 1 and a message, never a traceback, when a merge is refused)."""
import os

import pytest
from qgis.core import QgsProcessingException, QgsProject

import lifecycle_data as data
from export_helpers import pdf_text, sheet_names
from test_processing import qgis_process

A_NO = "甲政函〔2024〕1号"


@pytest.fixture
def checked(onemap_provider, tmp_path):
    """A one map and plan A checked against it, through onemap:verifyplan."""
    import processing
    onemap = data.one_map(tmp_path / "onemap.gpkg")
    plan = data.plan(tmp_path / "a.gpkg", data.PLAN_A)
    findings = str(tmp_path / "a_核对结果.gpkg")
    processing.run("onemap:verifyplan", {"PLAN": plan, "ONEMAP": onemap, "OUTPUT": findings, "CHANGE": 0})
    return dict(PLAN=plan, FINDINGS=findings, ONEMAP=onemap, APPROVAL_NO=A_NO, APPROVED_ON="2024-01-10", CHANGE=0)


def test_mergeplan_dry_run_then_merge_in_process(checked):
    import processing
    before = data.sha256(checked["ONEMAP"])
    dry = processing.run("onemap:mergeplan", dict(checked, DRY_RUN=True))
    assert (dry["VERSION"], dry["ADDED"], dry["CLOSED"]) == (1, 5, 0) and "试运行" in dry["REPORT"]
    assert data.sha256(checked["ONEMAP"]) == before
    done = processing.run("onemap:mergeplan", dict(checked, REVIEWER="王五"))
    assert done["VERSION"] == 1 and "已入库为版本 1" in done["REPORT"]
    with pytest.raises(QgsProcessingException, match="在核对后已改变"):
        processing.run("onemap:mergeplan", checked)


def test_verifyplan_as_of_and_change_reach_the_run_record(checked, tmp_path):
    import processing
    processing.run("onemap:mergeplan", checked)
    output = str(tmp_path / "again.gpkg")
    processing.run("onemap:verifyplan", {"PLAN": checked["PLAN"], "ONEMAP": checked["ONEMAP"], "OUTPUT": output,
                                         "AS_OF": "0", "CHANGE": 1})
    from plugin.core.export.report_data import read_report
    run = read_report(output).run
    assert (run["as_of"], run["change"]) == ("v0", "修改") and run["checked_by"]


def test_loadplan_and_describesource_as_of_a_version(checked, qgis_new_project):
    import processing
    processing.run("onemap:mergeplan", checked)
    loaded = processing.run("onemap:loadplan", {"SOURCE": checked["ONEMAP"], "AS_OF": "v1"},
                            context=None)
    assert loaded["GROUP"].endswith("onemap.gpkg（版本 1）")
    layer = next(l for l in QgsProject.instance().mapLayers().values() if l.name() == "已批规划用地")
    assert layer.featureCount() == 5 and "version_from" in layer.subsetString()
    report = processing.run("onemap:describesource", {"SOURCE": checked["ONEMAP"], "AS_OF": "0"})["REPORT"]
    assert "已批规划用地（版本 0）：有效地块 0 个" in report and "版本 1：测试村村庄规划，批复文号 " + A_NO in report


def test_compareplans_and_exporttrail_in_process(checked, tmp_path):
    import processing
    processing.run("onemap:mergeplan", checked)
    result = processing.run("onemap:compareplans", {
        "OLD": checked["ONEMAP"], "OLD_AS_OF": "0", "NEW": checked["ONEMAP"], "NEW_AS_OF": "1",
        "OUTPUT": str(tmp_path / "c.gpkg"), "REPORT": str(tmp_path / "c.xlsx"), "SHEET": str(tmp_path / "c.pdf")})
    assert result["ADDED_M2"] == pytest.approx(1_000_000.0, abs=1e-6) and result["CHANGED_M2"] == 0
    assert os.path.isfile(tmp_path / "c.png") and sheet_names(str(tmp_path / "c.xlsx"))[0] == "汇总"
    trail = processing.run("onemap:exporttrail", {"ONEMAP": checked["ONEMAP"], "OUTPUT": str(tmp_path / "t.xlsx")})
    assert (trail["VERSIONS"], trail["EVENTS"]) == (1, 3)


def test_compareplans_prints_the_compiler_as_the_plan_s_sheets_do(checked, tmp_path):
    """A desktop walk: the comparison sheet printed 编制单位： with nothing after it, where every other sheet
    handed in with it names the compiler."""
    import processing
    processing.run("onemap:mergeplan", checked)
    processing.run("onemap:compareplans", {
        "OLD": checked["ONEMAP"], "OLD_AS_OF": "0", "NEW": checked["ONEMAP"], "NEW_AS_OF": "1",
        "OUTPUT": str(tmp_path / "c.gpkg"), "SHEET": str(tmp_path / "c.pdf"), "COMPILER": "某县\u2066自然资源局\u2069"})
    assert "编制单位：某县自然资源局" in pdf_text(tmp_path / "c.pdf").replace(" ", "")     # plain, as on the others


def test_qgis_process_refuses_a_merge_with_exit_code_1_and_a_message(tmp_path, checked):
    before = data.sha256(checked["ONEMAP"])
    args = ["{}={}".format(key, value) for key, value in dict(checked, APPROVAL_NO="").items()]
    done = qgis_process(tmp_path, "run", "onemap:mergeplan", "--", *args)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    args = ["{}={}".format(key, value) for key, value in dict(checked, APPROVED_ON="2099-01-10").items()]
    done = qgis_process(tmp_path, "run", "onemap:mergeplan", "--", *args)
    assert done.returncode == 1 and "批复日期“2099-01-10”晚于今天" in done.stdout + done.stderr
    args = ["{}={}".format(key, value) for key, value in dict(checked, CHANGE=1).items()]
    done = qgis_process(tmp_path, "run", "onemap:mergeplan", "--", *args)
    assert done.returncode == 1 and "核对时本规划声明为“新编”，入库为“修改”" in done.stdout + done.stderr
    assert data.sha256(checked["ONEMAP"]) == before
    args = ["{}={}".format(key, value) for key, value in checked.items()]
    done = qgis_process(tmp_path, "run", "onemap:mergeplan", "--", *args)
    assert done.returncode == 0 and "已入库为版本 1" in done.stdout
