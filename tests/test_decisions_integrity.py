"""Decisions are validated where they are read, not only in the dialog (issue 18 item 6); PREVIOUS and
OUTPUT that cannot be used fail before the run with a clear message, a locked file called locked."""
import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import sample
from hostile_findings import ONEMAP, PLAN, checked, error_ids, findings, rows  # noqa: F401 — fixtures
from plugin.core.check import engine
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.export.report_data import read_report
from plugin.core.review import decisions

def insert(path, rows):
    """Decision rows written past the dialog, as sqlite3 (or an older tool) would."""
    with sqlite3.connect(path) as db:
        for row in rows:
            db.execute("INSERT INTO decisions ({}) VALUES ({})".format(", ".join(row), ", ".join("?" * len(row))),
                       list(row.values()))


def accept_everything(path, reason="", approval_no=""):
    insert(path, [{"finding_id": i, "decision": "accepted", "reason": reason, "approval_no": approval_no,
                   "resolved": 0} for i in error_ids(path)])


def test_an_incomplete_decision_written_past_the_dialog_is_to_confirm_not_decided(findings):
    accept_everything(findings)
    read = decisions.read(findings)
    assert len(read) == 11 and {d.state for d in read} == {"review"}
    assert "理由" in read[0].problem and "批复文号" in read[0].problem and "reason" in read[0].problem_en
    report = read_report(findings)
    assert report.verdict == "不通过" and report.count("error", "review") == 11 and report.count("error", "accepted") == 0
    severity = {i: "error" for i in error_ids(findings)}
    assert decisions.summary({"error": 11}, decisions.decided_counts(severity, read)) == \
        "错误 11 个（需复核 11 个），警告 0 个，提示 0 个"


def test_the_report_says_why_a_stored_decision_closes_nothing(findings, tmp_path):
    from plugin.core.export.report_html import report_html
    accept_everything(findings, reason="省重点项目")                  # no 批复文号
    html = report_html(read_report(findings))
    assert html.count("需复核（已认可例外；记录无效：已认可例外须填写批复文号）") == 11
    assert "不通过" in html


def test_complete_decisions_inserted_the_same_way_still_close_the_findings(findings):
    accept_everything(findings, "省重点项目", "晋政函〔2024〕12号")
    assert {d.state for d in decisions.read(findings)} == {"accepted"}
    assert read_report(findings).verdict == "通过"


def test_an_incomplete_decision_carried_by_previous_stays_to_confirm(findings, tmp_path):
    accept_everything(findings)
    again = verify(sample(PLAN), sample(ONEMAP), output=str(tmp_path / "second.gpkg"), previous=findings)
    assert len(again.decisions) == 11 and all(d.review == 1 for d in again.decisions)
    assert read_report(again.output).verdict == "不通过"
    assert all("批复文号" in d.problem for d in decisions.read(again.output))


def test_an_invalid_decision_cannot_be_confirmed(findings):
    accept_everything(findings)
    with pytest.raises(OneMapError) as raised:
        decisions.confirm(findings, decisions.read(findings)[0], "x")
    assert "批复文号" in raised.value.zh


@pytest.mark.parametrize("column,value,said", [("resolved", "abc", "resolved 的值“abc”无效"),
                                               ("review", "yes", "review 的值“yes”无效")])
def test_a_wrong_type_is_a_decision_to_confirm_with_the_reason(findings, tmp_path, column, value, said):
    accept_everything(findings, "省重点项目", "晋政函〔2024〕12号")
    with sqlite3.connect(findings) as db:
        db.execute("UPDATE decisions SET {} = ?".format(column), (value,))
    read = decisions.read(findings)
    assert {d.state for d in read} == {"review"} and said in read[0].problem
    again = verify(sample(PLAN), sample(ONEMAP), output=str(tmp_path / "second.gpkg"), previous=findings)
    assert len(again.decisions) == 11 and read_report(again.output).verdict == "不通过"


def test_a_decisions_table_without_finding_id_is_a_clear_error_before_the_run(findings, tmp_path, monkeypatch):
    with sqlite3.connect(findings) as db:
        db.execute("ALTER TABLE decisions DROP COLUMN finding_id")
    with pytest.raises(OneMapError) as raised:
        decisions.read(findings)
    assert "finding_id" in raised.value.zh and findings in raised.value.en
    monkeypatch.setattr(engine, "run_rules", lambda *a, **k: pytest.fail("the run started"))
    output = tmp_path / "second.gpkg"
    with pytest.raises(OneMapError) as raised:
        verify(sample(PLAN), sample(ONEMAP), output=str(output), previous=findings)
    assert "finding_id" in raised.value.en and not output.exists()


@pytest.mark.parametrize("previous,said", [("missing.gpkg", "not found"), ("plan", "not a OneMap findings"),
                                           ("text.gpkg", "not a GeoPackage")])
def test_an_unusable_previous_fails_before_the_run(tmp_path, monkeypatch, previous, said):
    if previous == "plan":
        previous = sample(PLAN)
    else:
        previous = str(tmp_path / previous)
        if previous.endswith("text.gpkg"):
            with open(previous, "w") as handle:
                handle.write("not a database at all, just a long enough line of text to be read as a header\n" * 20)
    monkeypatch.setattr(engine, "run_rules", lambda *a, **k: pytest.fail("the run started"))
    with pytest.raises(OneMapError) as raised:
        verify(sample(PLAN), sample(ONEMAP), output=str(tmp_path / "out.gpkg"), previous=previous)
    assert said in raised.value.en and previous in raised.value.en
    assert not (tmp_path / "out.gpkg").exists()


@pytest.fixture
def locked():
    """Hold a GeoPackage with an exclusive SQLite lock in another process, as a writing program would."""
    holders = []

    def lock(path):
        holder = subprocess.Popen([sys.executable, "-c", (
            "import sqlite3, sys, time\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('PRAGMA locking_mode=EXCLUSIVE'); db.execute('BEGIN EXCLUSIVE')\n"
            "print('locked', flush=True); time.sleep(120)\n"), path], stdout=subprocess.PIPE, text=True)
        holders.append(holder)
        assert holder.stdout.readline().strip() == "locked"
        return path
    yield lock
    for holder in holders:
        holder.kill()
        holder.wait()


def test_a_locked_output_is_called_locked(checked, tmp_path, locked):
    output = str(tmp_path / "held.gpkg")
    shutil.copy(checked, output)
    locked(output)
    with pytest.raises(OneMapError) as raised:
        verify(sample(PLAN), sample(ONEMAP), output=output)
    assert "locked" in raised.value.en and "not a OneMap" not in raised.value.en and "锁定" in raised.value.zh


def test_a_locked_previous_is_called_locked_before_the_run(findings, tmp_path, locked, monkeypatch):
    locked(findings)
    monkeypatch.setattr(engine, "run_rules", lambda *a, **k: pytest.fail("the run started"))
    with pytest.raises(OneMapError) as raised:
        verify(sample(PLAN), sample(ONEMAP), output=str(tmp_path / "out.gpkg"), previous=findings)
    assert "locked" in raised.value.en


def grid_findings(count, shift=0.0):
    """`count` CL-01 findings, 20 m squares 30 m apart: parts that never share ground with each other."""
    from qgis.core import QgsGeometry

    from plugin.core.check.rules.base import Finding
    side = int(count ** 0.5) + 1
    found = []
    for k in range(count):
        x, y = 560000 + (k % side) * 30 + shift, 4100000 + (k // side) * 30 + shift
        found.append(Finding("CL-01", "error", "规划0703 农村宅基地（要素 {}）位于永久基本农田内，面积 400.00 平方米".format(k),
                             plan_layer="GHYDYH", plan_fid=k, plan_code="0703", control_layer="YJJBNTBHTB",
                             control_fid=1, area_m2=400.0, geometry=QgsGeometry.fromWkt(
                                 "POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))".format(x, y, x + 20, y + 20))))
    return found


def test_carry_over_compares_each_decision_only_with_findings_on_its_ground(tmp_path, monkeypatch):
    """Bounded work: 300 decisions against 300 moved findings reach GEOS 300 times (every pair: 90 000),
    and resolved decisions are kept without being scored again."""
    from qgis.core import QgsCoordinateReferenceSystem

    from plugin.core.check.engine import RunResult
    from plugin.core.review.findings import write_results

    class Rule:
        title = {"zh": "永久基本农田内规划为非耕地", "en": "x"}
    crs = QgsCoordinateReferenceSystem("EPSG:4546")
    previous = str(tmp_path / "previous.gpkg")
    write_results(previous, RunResult(findings=grid_findings(300), outcomes=[], indicators=[], record={}, crs=crs,
                                      rules_by_id={"CL-01": Rule()}))
    ids = error_ids(previous)
    insert(previous, [{"finding_id": i, "decision": "accepted", "reason": "r", "approval_no": "n", "resolved": 0}
                      for i in ids])
    insert(previous, [{"finding_id": "gone{}".format(n), "decision": "false_positive", "reason": "r", "resolved": 1}
                      for n in range(50)])
    made = []

    class Counting(decisions.Matcher):
        def __init__(self, parts, old_abouts):
            super().__init__(parts, old_abouts)
            made.append(self)
    monkeypatch.setattr(decisions, "Matcher", Counting)
    rows = decisions.carry_over(previous, grid_findings(300, shift=0.04), crs)
    assert sum(matcher.comparisons for matcher in made) == 300
    assert sum(1 for row in rows if not row.resolved) == 300 and sum(1 for row in rows if row.resolved) == 50


def test_a_decision_on_an_indicator_follows_it_when_its_words_change(tmp_path):
    """A finding without geometry keeps its decision when a later OneMap words it otherwise (IND-01 gained
    "村域外 … 未计入" in 0.3.3): it is the same indicator row, so the decision moves, to confirm again. One
    about another row, or about no row at all, is not taken for it."""
    from qgis.core import QgsCoordinateReferenceSystem

    from plugin.core.check.engine import RunResult
    from plugin.core.check.rules.base import Finding
    from plugin.core.review.findings import write_results

    class Rule:
        title = {"zh": "约束性指标", "en": "x"}

    def indicator(row, words):
        return Finding("IND-01", "error", words, plan_layer="GHYDYH", control_layer="ZBFJ", control_fid=row)
    old_words = "指标“耕地保有量”规划 1066002.47 平方米，分解下达 110 公顷，不足"
    crs = QgsCoordinateReferenceSystem("EPSG:4546")
    previous = str(tmp_path / "previous.gpkg")
    write_results(previous, RunResult(
        findings=[indicator(21, old_words), Finding("DK-02", "warning", "街区 A01 的地块编号不连续：缺少 A01-05")],
        outcomes=[], indicators=[], record={}, crs=crs, rules_by_id={"IND-01": Rule(), "DK-02": Rule()}))
    insert(previous, [{"finding_id": i, "decision": "accepted", "reason": "县政府批复调整", "approval_no": "X政复〔2024〕7号",
                       "resolved": 0} for i in error_ids(previous)])
    insert(previous, [{"finding_id": i, "decision": "accepted", "reason": "r", "resolved": 0}
                      for (i,) in rows(previous, "SELECT finding_id FROM findings WHERE rule_id = 'DK-02'")])
    new = [indicator(24, old_words.replace("耕地保有量", "村庄建设用地规模")),
           indicator(21, old_words + "（村域外 120.00 平方米未计入）"),
           Finding("DK-02", "warning", "街区 A01 地块编号缺号：A01-05")]
    carried = {row.rule_id: row for row in decisions.carry_over(previous, new, crs)}
    moved = carried["IND-01"]
    assert not moved.resolved and moved.review == 1 and moved.approval_no == "X政复〔2024〕7号"
    assert moved.finding_id == decisions.Part.of_finding(new[1]).finding_id
    assert carried["DK-02"].resolved                             # no row to know it by: its words were all it had


def test_a_decision_does_not_move_to_another_finding_about_the_same_row(tmp_path):
    """(red team) Two TAB-01 findings on one GHZBB row (规划目标年, 现状基期年); the decided one is fixed, the
    other stays as it was: the decision is resolved, not moved onto the other."""
    from qgis.core import QgsCoordinateReferenceSystem

    from plugin.core.check.engine import RunResult
    from plugin.core.check.rules.base import Finding
    from plugin.core.review.findings import write_results

    class Rule:
        title = {"zh": "指标表", "en": "x"}

    def table_row(words, off_by):
        return Finding("TAB-01", "error", words, plan_layer="GHZBB", plan_fid=3, area_m2=off_by)
    target = table_row("GHZBB 中“村庄建设用地规模”规划目标年填报 5.0 公顷，相差 40000.89 平方米", 40000.89)
    base = table_row("GHZBB 中“村庄建设用地规模”现状基期年填报 9.0 公顷，相差 70001.78 平方米", 70001.78)
    crs = QgsCoordinateReferenceSystem("EPSG:4546")
    previous = str(tmp_path / "previous.gpkg")
    write_results(previous, RunResult(findings=[target, base], outcomes=[], indicators=[], record={}, crs=crs,
                                      rules_by_id={"TAB-01": Rule()}))
    decided = decisions.Part.of_finding(target).finding_id
    insert(previous, [{"finding_id": decided, "decision": "accepted", "reason": "r", "approval_no": "某政函〔2024〕1号",
                       "resolved": 0}])
    (row,) = decisions.carry_over(previous, [base], crs)
    assert row.resolved and row.finding_id == decided
