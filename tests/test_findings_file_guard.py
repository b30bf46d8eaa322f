"""A findings file someone else hands the reviewer may carry SQL of its own (issue 18's red team, items 1,
9 and the tracebacks): nothing in it runs when OneMap reads it, and OneMap writes a decision or a live
re-check only into a file where that write changes nothing but its own rows — and only into the check the
browser opened."""
import hashlib
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, sample
from hostile_findings import (FORGER, GDAL_313_RTREE, ONEMAP, PLAN, as_view, checked, copy, decide,  # noqa: F401
                              error_ids, execute, findings, rows, set_geometry, truncated_polygon)
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.export.report_data import read_report
from plugin.core.review import decisions
from plugin.core.review.reader import Review


def digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def one_decision(path, run_id=None):
    finding_id = error_ids(path)[0]
    decisions.save(path, decisions.make(finding_id, "false_positive", "现场核实为误报", reviewer="张三"), run_id=run_id)
    return finding_id


# -- item 1: a write never changes another row
def test_a_trigger_that_would_forge_decisions_refuses_the_write(findings):
    """The red team's trigger turned one 误报 into 已认可例外 on the 16 other findings, in the reviewer's
    name, and the report into 通过. Now the write is refused, naming the trigger, and nothing is written."""
    execute(findings, FORGER)
    before = digest(findings)
    with pytest.raises(OneMapError) as refused:
        one_decision(findings)
    assert "触发器 t_accept" in refused.value.zh and "不是 GDAL/GeoPackage 所建" in refused.value.zh
    assert "不在其中记录审查决定" in refused.value.zh and "仍可查看和导出" in refused.value.zh   # only writing refused
    assert "t_accept" in refused.value.en
    assert digest(findings) == before and rows(findings, "SELECT count(*) FROM decisions") == [(0,)]
    assert read_report(findings).verdict == "不通过"
    with pytest.raises(OneMapError, match="t_accept"):                # withdrawing is a write too
        decisions.remove(findings, error_ids(findings)[0])


@pytest.mark.parametrize("name, sql", [
    ("trigger_insert_feature_count_decisions",            # GDAL's name, GDAL's statement, and one more
     'CREATE TRIGGER "trigger_insert_feature_count_decisions" AFTER INSERT ON "decisions" BEGIN UPDATE '
     "gpkg_ogr_contents SET feature_count = feature_count + 1 WHERE lower(table_name) = lower('decisions'); "
     "UPDATE decisions SET decision = 'accepted', approval_no = '1号' WHERE fid <> NEW.fid; END"),
    ("rtree_findings_geom_insert",                        # an R-tree trigger reading another table
     'CREATE TRIGGER "rtree_findings_geom_insert" AFTER INSERT ON "findings" WHEN (new."geom" NOT NULL AND NOT '
     'ST_IsEmpty(NEW."geom")) BEGIN INSERT OR REPLACE INTO "rtree_findings_geom" VALUES (NEW."fid", (SELECT '
     'count(*) FROM decisions), ST_MaxX(NEW."geom"),ST_MinY(NEW."geom"), ST_MaxY(NEW."geom")); END'),
    ("rtree_findings_geom_delete",                        # … calling a function with effects
     'CREATE TRIGGER "rtree_findings_geom_delete" AFTER DELETE ON "findings" WHEN old."geom" NOT NULL AND '
     "DisableSpatialIndex('findings', 'geom') BEGIN DELETE FROM \"rtree_findings_geom\" WHERE id = OLD.\"fid\"; END"),
    ("trigger_delete_feature_count_rules",                # … writing the rules table
     'CREATE TRIGGER "trigger_delete_feature_count_rules" AFTER DELETE ON "findings" BEGIN UPDATE '
     "\"rules\" SET status = 'passed'; END"),
    ("hidden",                                            # a comment where nothing may hide
     'CREATE TRIGGER "hidden" AFTER INSERT ON "decisions" BEGIN /* GDAL */ UPDATE gpkg_ogr_contents SET '
     "feature_count = feature_count + 1 WHERE lower(table_name) = lower('decisions'); END"),
])
def test_a_trigger_is_judged_by_what_it_does_not_by_its_name(findings, name, sql):
    execute(findings, 'DROP TRIGGER IF EXISTS "{}"; {};'.format(name, sql))
    with pytest.raises(OneMapError, match=name):
        one_decision(findings)


def test_the_triggers_gdal_writes_on_every_tested_qgis_are_accepted(findings):
    """GDAL 3.6 (QGIS 3.22 here) writes R-tree triggers update1-4, GDAL 3.10 and 3.13 (3.40, 3.44) update2, 4-7:
    a findings file from a colleague on either takes decisions."""
    execute(findings, 'DROP TRIGGER IF EXISTS "rtree_findings_geom_update1"; '     # (a file GDAL 3.10+ wrote has
            'DROP TRIGGER IF EXISTS "rtree_findings_geom_update3";',                  # the 3.13 set already)
            *[sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1) + ";" for sql in GDAL_313_RTREE])
    names = {row[0] for row in rows(findings, "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"rtree_findings_geom_update5", "rtree_findings_geom_update7"} <= names
    assert not {"rtree_findings_geom_update1", "rtree_findings_geom_update3"} & names
    finding_id = one_decision(findings)
    assert [d.finding_id for d in decisions.read(findings)] == [finding_id]


def test_a_unique_constraint_that_would_replace_rows_refuses_the_write(findings):
    """`reviewer UNIQUE ON CONFLICT REPLACE`: the reviewer's second decision would delete the first."""
    decide(findings, error_ids(findings)[1])
    execute(findings, 'ALTER TABLE decisions RENAME TO d_old; CREATE TABLE decisions (fid INTEGER PRIMARY KEY '
            'AUTOINCREMENT NOT NULL, finding_id TEXT, decision TEXT, reason TEXT, approval_no TEXT, reviewer TEXT '
            'UNIQUE ON CONFLICT REPLACE, decided_at TEXT, resolved INTEGER, rule_id TEXT, message TEXT, review INTEGER);'
            'INSERT INTO decisions SELECT * FROM d_old; DROP TABLE d_old;')
    with pytest.raises(OneMapError, match="唯一约束"):
        one_decision(findings)
    assert len(decisions.read(findings)) == 1


def test_a_collation_cannot_make_one_decision_delete_another(findings):
    """`finding_id COLLATE NOCASE` would make the filter that replaces a finding's decision match another
    finding's too: rows are compared again, exactly, before they are deleted."""
    first = error_ids(findings)[0]
    execute(findings, 'ALTER TABLE decisions RENAME TO d_old; CREATE TABLE decisions (fid INTEGER PRIMARY KEY '
            'AUTOINCREMENT NOT NULL, finding_id TEXT COLLATE NOCASE, decision TEXT, reason TEXT, approval_no TEXT, '
            'reviewer TEXT, decided_at TEXT, resolved INTEGER, rule_id TEXT, message TEXT, review INTEGER);'
            'DROP TABLE d_old;')
    decide(findings, first.upper())
    one_decision(findings)
    assert sorted(d.finding_id for d in decisions.read(findings)) == sorted([first, first.upper()])


def test_a_live_recheck_writes_nothing_into_a_file_whose_trigger_would_change_other_rows(tmp_path):
    """A trigger on `findings` that marks every rule passed when a finding is deleted: the live re-check of
    an edited parcel is refused and the file stays as it was."""
    from qgis.core import QgsVectorLayer

    from plugin.core.check.recheck import Recheck
    plan = copy(sample(PLAN), tmp_path / PLAN)
    output = str(tmp_path / "f.gpkg")
    verify(plan, sample(ONEMAP), output=output)
    execute(output, "CREATE TRIGGER pass_all AFTER DELETE ON findings BEGIN UPDATE rules SET status = 'passed'; END;")
    before = digest(output)
    checker = Recheck(plan, sample(ONEMAP))
    feature = QgsVectorLayer("{}|layername=GHDLTB".format(plan), "p", "ogr").getFeature(1)
    with pytest.raises(OneMapError, match="pass_all"):
        checker.apply(output, 1, checker.check(feature))
    assert digest(output) == before


# -- item 9 and the views: nothing a file carries runs when it is read
CONSUMERS = {
    "report": read_report,
    "browser": Review,
    "decisions": decisions.read,
    "previous": decisions.check_previous,
}


def merge_check(path):
    from plugin.core.lifecycle.verdict import read_check
    return read_check(path)


CONSUMERS["merge"] = merge_check


@pytest.mark.parametrize("table", ["findings", "rules", "run", "indicators", "decisions"])
def test_a_table_made_a_view_is_refused_by_every_reader(findings, table):
    as_view(findings, table)
    for name, consumer in CONSUMERS.items():
        with pytest.raises(OneMapError) as refused:
            consumer(findings)
        assert "视图 {}".format(table) in refused.value.zh, name
    with pytest.raises(OneMapError, match="视图"):
        one_decision(findings)


def test_an_endless_view_is_refused_before_it_is_read(findings):
    """The red team's `findings` view that never ends hung the browser, every report format and the map
    sheets. Run in a process of its own with a deadline: were it read, the test would fail, not hang."""
    as_view(findings, "findings", recursive=True)
    code = """
import sys
sys.path.insert(0, {root!r})
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
from plugin.core.errors import OneMapError
from plugin.core.export.report_data import read_report
from plugin.core.review import decisions
from plugin.core.review.reader import Review
for consumer in (read_report, Review, decisions.check_previous):
    try:
        consumer(sys.argv[1])
        print("READ")
    except OneMapError as exc:
        print("REFUSED", exc.zh)
""".format(root=ROOT)
    run = subprocess.run([sys.executable, "-c", code, findings], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    lines = [line for line in run.stdout.splitlines() if line.startswith(("READ", "REFUSED"))]
    assert len(lines) == 3 and all(line.startswith("REFUSED") and "视图 findings" in line for line in lines), run.stdout


@pytest.mark.parametrize("sql, said", [
    ("CREATE VIEW innocent AS SELECT 1;", "视图 innocent"),
    ("ALTER TABLE rules RENAME TO rules_old; CREATE VIRTUAL TABLE rules USING fts4(rule_id, status, title);"
     "INSERT INTO rules(rule_id, status, title) SELECT rule_id, status, title FROM rules_old;", "虚拟表 rules"),
    ("ALTER TABLE decisions ADD COLUMN kind TEXT; ALTER TABLE decisions RENAME TO d_old; CREATE TABLE decisions "
     "(fid INTEGER PRIMARY KEY, finding_id TEXT, reason TEXT, approval_no TEXT, reviewer TEXT, resolved INTEGER, "
     "decision TEXT GENERATED ALWAYS AS ('accepted') VIRTUAL);", "计算列 decision"),
])
def test_what_would_run_or_compute_on_reading_is_refused(findings, sql, said):
    """Any view, a virtual table other than GeoPackage's R-tree index, a generated column (a `decision` that
    reads 已认可例外 whatever was recorded)."""
    execute(findings, sql)
    with pytest.raises(OneMapError, match=said):
        read_report(findings)
    with pytest.raises(OneMapError, match=said):
        Review(findings)


def test_a_column_name_carrying_sql_is_never_run(findings):
    """The browser built its SELECT from the file's column names: `x", (SELECT …) AS "rule_title` ran the
    file's SQL (the red team called fts3_tokenizer) and showed its result as every rule title."""
    execute(findings, 'ALTER TABLE findings ADD COLUMN "x"", (SELECT \'INJECTED \' || sqlite_version()) AS ""rule_title" TEXT;')
    review = Review(findings)
    assert len(review.findings) == 17 and not [f for f in review.findings if "INJECTED" in (f.rule_title or "")]
    assert not [f for f in read_report(findings).findings if "INJECTED" in (f.get("rule_title") or "")]


# -- the file the browser opened is the file it writes into
def test_a_file_replaced_under_the_browser_takes_no_decision_and_is_said(findings, tmp_path):
    """The red team replaced the file under an open browser by another plan's findings file: a decision
    went silently into it. Now the browser's writes and clicks check the run it opened."""
    review = Review(findings)
    finding = next(f for f in review.findings if f.has_geometry and f.severity == "error")
    other = str(tmp_path / "other.gpkg")
    verify(sample("village_clean.gpkg"), sample(ONEMAP), output=other)
    os.remove(findings)
    shutil.copy(other, findings)
    before = digest(findings)
    with pytest.raises(OneMapError, match="已被替换"):
        decisions.save(findings, decisions.make(finding.finding_id, "false_positive", "误报", reviewer="张三"),
                       run_id=review.run_id)
    with pytest.raises(OneMapError, match="已被替换"):
        finding.geometry                                                      # noqa: B018 — a click
    assert digest(findings) == before
    os.remove(findings)
    with pytest.raises(OneMapError, match="找不到核对结果文件"):
        decisions.remove(findings, finding.finding_id, run_id=review.run_id)
    with pytest.raises(OneMapError, match="找不到核对结果文件"):
        review.update(finding.plan_layer, finding.plan_fid, [finding.rule_id])


def test_the_browser_says_a_refused_write_and_a_damaged_part_in_its_summary(qgis_iface, qgis_new_project, findings):
    """The panel: a decision into a file with a forging trigger, and a click on a finding whose part is cut
    short, are said in the summary line — no traceback."""
    from plugin.gui.findings_view import FindingsBrowser
    damaged = set_geometry(findings, truncated_polygon())
    execute(findings, FORGER)
    browser = FindingsBrowser(qgis_iface)
    browser.chinese = True
    browser.add_result(findings, "杜村")
    finding = next(f for f in browser.review.findings if f.finding_id == damaged)
    browser.store(decisions.make(finding.finding_id, "false_positive", "现场核实为误报", reviewer="张三"))
    assert "触发器 t_accept" in browser.summary.text()
    index = next(browser.proxy.mapFromSource(item.index()) for fid, item in browser.model.finding_items.items()
                 if fid == finding.fid)
    browser.navigate(index)
    assert "几何数据不完整" in browser.summary.text() and damaged in browser.summary.text()
    browser.close()
    browser.deleteLater()
