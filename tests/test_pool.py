"""verifyfolder's pool of processes: the same outcomes as one process, in plan order; when it is not used."""
import os
import shutil
import sys

from conftest import sample
from plugin.core.check import pool
from plugin.core.check.pool import Job, outcomes, pool_size, python_executable


def jobs(tmp_path, names, folder):
    plans = tmp_path / "plans"
    plans.mkdir(exist_ok=True)
    made = []
    for number, name in enumerate(names):
        plan = plans / "{}_{}".format(number, name)
        if not plan.exists():
            shutil.copy(sample(name), plan)
        made.append(Job(str(plan), str(tmp_path / folder / (plan.stem + "_核对结果.gpkg"))))
    (tmp_path / folder).mkdir()
    return made


def test_a_pool_gives_the_outcomes_of_one_process_in_plan_order(qgis_app, tmp_path):
    names = ["village_conflicts.gpkg", "village_clean.gpkg", "village_conflicts.gpkg"]
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "9_broken.gpkg").write_bytes(b"not a geopackage")
    serial = [(job.plan, outcome) for job, outcome in outcomes(jobs(tmp_path, names, "one"),
                                                               sample("township_onemap.gpkg"), workers=1)]
    in_pool = jobs(tmp_path, names, "pool") + [Job(str(tmp_path / "plans" / "9_broken.gpkg"),
                                                    str(tmp_path / "pool" / "broken.gpkg"))]
    assert pool_size(in_pool, None, 2) == 2
    pooled = [(job.plan, outcome) for job, outcome in outcomes(in_pool, sample("township_onemap.gpkg"), workers=2)]
    assert [plan for plan, _o in pooled[:3]] == [plan for plan, _o in serial]
    assert [o.counts for _p, o in pooled[:3]] == [o.counts for _p, o in serial]
    assert serial[0][1].counts == {"error": 11, "warning": 5, "info": 1} and serial[1][1].counts["error"] == 0
    broken = pooled[3][1]
    assert broken.counts is None and "文件已损坏" in broken.zh                    # a failed plan, not a failed batch
    assert sorted(os.listdir(tmp_path / "pool")) == sorted(os.listdir(tmp_path / "one"))


def test_one_plan_an_object_rule_set_or_no_python_stays_in_this_process(monkeypatch):
    from plugin.core.check.ruleset import load_ruleset
    two = [Job("a.gpkg", "a_out.gpkg"), Job("b.gpkg", "b_out.gpkg")]
    assert pool_size(two[:1], None, 4) == 1
    assert pool_size(two, load_ruleset(None, "village"), 4) == 1
    assert pool_size(two, "village", 4) == 2 and pool_size(two, None, 1) == 1
    monkeypatch.setattr(pool, "python_executable", lambda: None)
    assert pool_size(two, None, 4) == 1


def test_the_pool_starts_this_very_python_whatever_sys_executable_names(monkeypatch):
    """QGIS and qgis_process may report QGIS itself, or the first python3 on PATH (another build)."""
    assert python_executable() is not None
    monkeypatch.setattr(sys, "executable", "/usr/bin/qgis")
    pool.python_executable.cache_clear()
    try:
        found = python_executable()
        assert found is not None and os.path.basename(found).startswith("python") and pool._same_python(found)
        assert not pool._same_python(sys.executable)                # /usr/bin/qgis is no Python
    finally:
        pool.python_executable.cache_clear()


def test_a_plan_that_kills_its_process_is_a_failed_row_and_the_others_are_checked(qgis_app, tmp_path):
    """A crash (in QGIS, GEOS or GDAL) ends a pool process: the plans it was running are checked again
    alone, the one that kills that process too is failed, and the batch goes on."""
    from pool_checks import crash_on_broken_names
    names = ["village_clean.gpkg", "village_conflicts.gpkg", "village_clean.gpkg", "village_conflicts.gpkg"]
    made = jobs(tmp_path, names, "out")
    crashing = tmp_path / "plans" / "2_crash.gpkg"
    os.rename(made[2].plan, crashing)
    made[2] = Job(str(crashing), made[2].output)
    found = list(outcomes(made, sample("township_onemap.gpkg"), workers=2, check=crash_on_broken_names))
    assert [job.plan for job, _o in found] == [job.plan for job in made]             # every plan, in order
    assert [o.counts["error"] if o.counts else None for _j, o in found] == [0, 11, None, 11]
    assert "崩溃" in found[2][1].internal
    assert not [name for name in os.listdir(tmp_path / "out") if name.startswith(".onemap-")]   # nothing half-written


def test_processes_are_replaced_only_when_plans_are_left_for_the_replacements():
    """50 villages on 2 processes: none replaced after its 25th plan (a replacement would start QGIS for
    nothing while the other process still checks); 51 and more: replaced after RECYCLE plans."""
    import multiprocessing
    context = multiprocessing.get_context("spawn")
    for plans, recycled in ((50, None), (51, pool.RECYCLE), (1000, pool.RECYCLE)):
        processes = pool.Processes(context, 2, plans)
        try:
            assert getattr(processes._executor, "_max_tasks_per_child", None) == (
                recycled if sys.version_info >= (3, 11) else None)
        finally:
            processes.stop()


def test_a_pool_process_starts_qgis_without_its_widgets(qgis_app, tmp_path):
    """qgis/__init__ imports qgis.gui (a quarter of a pool process's start) only for forms' custom widgets;
    a pool process checks plans and shows none, and QGIS goes on without that import."""
    from pool_checks import widgets_loaded
    made = jobs(tmp_path, ["village_clean.gpkg", "village_clean.gpkg"], "out")
    found = list(outcomes(made, sample("township_onemap.gpkg"), workers=2, check=widgets_loaded))
    assert [outcome.internal for _job, outcome in found] == ["False", "False"]
    assert "qgis.gui" in sys.modules                          # (this test's own process has them)
