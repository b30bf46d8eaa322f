"""All or nothing on a GeoPackage one map: a merge killed (SIGKILL) at each of its steps leaves the file
byte-identical; two merges at once never interleave — the second waits, then finds the one map changed."""
import os
import sqlite3

import pytest

import lifecycle_data as data
from lifecycle_process import WAITING, Merge
from plugin.core.check.engine import verify
from plugin.core.lifecycle.merge import merge_plan

STEPS = ("locked", "closed", "added", "recorded")
JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")        # a rollback journal SQLite must play back ("hot")


def checked(folder, name, parcels, onemap, change="新编"):
    plan = data.plan(folder / (name + ".gpkg"), parcels)
    findings = str(folder / (name + "_核对结果.gpkg"))
    verify(plan, onemap, output=findings, change=change)
    return dict(plan=plan, findings=findings, onemap=onemap, approved_on="2024-06-01", change=change)


def opened_by_sqlite(path):
    """What any reader sees: SQLite rolls back a killed transaction's hot journal when it next opens the file.
    A journal left behind must not be hot: killed before its commit, the merge never synced one (its header
    stays zero) and never wrote into the GeoPackage itself."""
    with sqlite3.connect(path) as db:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    if os.path.exists(path + "-journal"):
        with open(path + "-journal", "rb") as journal:
            assert journal.read(8) != JOURNAL_MAGIC
    assert not os.path.exists(path + "-wal")


@pytest.mark.parametrize("step", STEPS)
def test_first_merge_killed_at_each_step_leaves_the_one_map_byte_identical(tmp_path, step):
    onemap = data.one_map(tmp_path / "onemap.gpkg")
    args = checked(tmp_path, "a", data.PLAN_A, onemap)
    before = data.sha256(onemap)
    merge = Merge(pause_at=step, approval_no="甲政函〔2024〕1号", **args)
    assert merge.wait_for("onemap-paused:" + step)
    merge.kill()
    opened_by_sqlite(onemap)
    assert data.sha256(onemap) == before
    assert merge_plan(args["plan"], args["findings"], onemap, "甲政函〔2024〕1号", "2024-06-01", "新编").version == 1


def test_a_second_merge_killed_before_commit_leaves_its_rows_and_versions_as_they_were(tmp_path):
    onemap = data.one_map(tmp_path / "onemap.gpkg")
    first = checked(tmp_path, "a", data.PLAN_A, onemap)
    merge_plan(first["plan"], first["findings"], onemap, "甲政函〔2024〕1号", "2024-01-10", "新编")
    second = checked(tmp_path, "b", data.PLAN_B, onemap, change="修改")
    before = data.sha256(onemap)
    merge = Merge(pause_at="recorded", approval_no="甲政函〔2024〕9号", **second)
    merge.wait_for("onemap-paused:recorded")
    merge.kill()
    opened_by_sqlite(onemap)
    assert data.sha256(onemap) == before
    with sqlite3.connect(onemap) as db:
        assert db.execute("SELECT count(*) FROM onemap_versions").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM YPGHYDYH WHERE version_to IS NOT NULL").fetchone()[0] == 0


def test_two_merges_at_once_never_interleave(tmp_path):
    onemap = data.one_map(tmp_path / "onemap.gpkg")
    first = checked(tmp_path, "a", data.PLAN_A, onemap)
    second = checked(tmp_path, "b", data.PLAN_B, onemap)            # both checked against the same one map
    holding = Merge(pause_at="locked", approval_no="甲政函〔2024〕1号", **first)
    holding.wait_for("onemap-paused:locked")
    waiting = Merge(approval_no="甲政函〔2024〕2号", **second)
    waiting.wait_for(WAITING)                                        # it says it waits for the lock
    assert holding.go_on() == (0, "merged 1")
    code, last = waiting.finish()
    assert code == 1 and last.startswith("refused: ") and "在核对后已改变" in last
    with sqlite3.connect(onemap) as db:
        assert db.execute("SELECT version, approval_no FROM onemap_versions").fetchall() == [(1, "甲政函〔2024〕1号")]
