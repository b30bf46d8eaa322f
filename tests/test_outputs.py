"""OUTPUT never touches an input and a failed write never replaces a good result (issue 10)."""
import hashlib
import os
import resource
import shutil
import signal
import time

import pytest
from test_hostile_sources import shapefile_plan
from test_sources import translate

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.outputs import check_output, is_findings_gpkg

ONEMAP = "township_onemap.gpkg"


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def tree_digest(folder):
    return sorted((os.path.relpath(os.path.join(r, n), folder), digest(os.path.join(r, n)))
                  for r, _d, names in os.walk(folder) for n in names)


@pytest.fixture
def plans(tmp_path):
    """A GeoPackage plan, a .gdb one map, a shapefile plan and a rule file, all copies."""
    gpkg = tmp_path / "plan.gpkg"
    shutil.copy(sample("village_conflicts.gpkg"), gpkg)
    gdb = str(tmp_path / "onemap.gdb")
    for layer in ("YJJBNTBHTB", "CZKFBJ", "LSWHBHX", "CJDCQ"):
        translate(sample(ONEMAP), gdb, "OpenFileGDB", layer, layer)
    shp = shapefile_plan(tmp_path / "shp")
    rules = tmp_path / "rules.yaml"
    shutil.copy(os.path.join(os.path.dirname(os.path.dirname(__file__)), "plugin", "data", "rulesets", "village.yaml"),
                rules)
    return {"gpkg": str(gpkg), "gdb": gdb, "shp": str(shp), "rules": str(rules)}


def outputs_that_are_inputs(plans):
    gdbtable = next(os.path.join(plans["gdb"], n) for n in sorted(os.listdir(plans["gdb"])) if n.endswith(".gdbtable"))
    return [
        ("plan", plans["gpkg"], plans["gdb"]),
        ("one map", plans["gpkg"], plans["gpkg"]),
        ("inside the .gdb", plans["gpkg"], os.path.join(plans["gdb"], "out.gpkg")),
        ("a .gdbtable", plans["gpkg"], gdbtable),
        ("inside the shapefile folder", plans["shp"], os.path.join(plans["shp"], "findings.gpkg")),
        ("a shapefile's .dbf", os.path.join(plans["shp"], "GHDLTB.shp"), os.path.join(plans["shp"], "GHDLTB.dbf")),
        ("the rule file", plans["gpkg"], plans["rules"]),
    ]


def test_output_may_never_be_or_lie_inside_an_input(plans, tmp_path):
    before = {name: tree_digest(os.path.dirname(plans["gpkg"])) for name in ("all",)}
    for what, plan, output in outputs_that_are_inputs(plans):
        onemap = plans["gdb"] if plan == plans["gpkg"] and output != plans["gpkg"] else plans["gpkg"]
        if what == "one map":
            plan, onemap = plans["shp"], plans["gpkg"]
        with pytest.raises(OneMapError) as error:
            verify(plan, onemap, ruleset=plans["rules"], output=output)
        assert "input" in error.value.en or ".gpkg" in error.value.en, what
    assert tree_digest(os.path.dirname(plans["gpkg"])) == before["all"]


def test_a_symlink_or_a_hard_link_to_an_input_is_refused(plans, tmp_path):
    link = tmp_path / "link.gpkg"
    link.symlink_to(plans["gpkg"])
    hard = tmp_path / "hard.gpkg"
    os.link(plans["gpkg"], hard)
    through = tmp_path / "through"
    through.symlink_to(plans["gdb"])
    for output in (link, hard, through / "x.gpkg"):
        with pytest.raises(OneMapError) as error:
            check_output(str(output), [plans["gpkg"], plans["gdb"]])
        assert "input" in error.value.en


@pytest.mark.parametrize("name, words", [("notes.txt", ".gpkg"), ("other.gpkg", "not a OneMap findings"),
                                         ("folder.gpkg", "folder"), ("x" * 300 + ".gpkg", "too long"),
                                         ("afile/sub/out.gpkg", "not a folder")])
def test_unusable_outputs_get_clear_messages(tmp_path, name, words):
    (tmp_path / "notes.txt").write_text("keep me")
    shutil.copy(sample("village_clean.gpkg"), tmp_path / "other.gpkg")
    (tmp_path / "folder.gpkg").mkdir()
    (tmp_path / "afile").write_text("a file, not a folder")
    with pytest.raises(OneMapError) as error:
        verify(sample("village_clean.gpkg"), sample(ONEMAP), output=str(tmp_path / name))
    assert words in error.value.en
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_unwritable_folder_is_a_clear_error():
    with pytest.raises(OneMapError) as error:
        verify(sample("village_clean.gpkg"), sample(ONEMAP), output="/proc/onemap-findings.gpkg")
    assert "/proc/onemap-findings.gpkg" in error.value.en


def test_a_missing_folder_and_dotdot_are_resolved_as_the_system_does(tmp_path):
    output = tmp_path / "missing" / ".." / "out.gpkg"
    result = verify(sample("village_clean.gpkg"), sample(ONEMAP), output=str(output))
    assert result.output == str(tmp_path / "out.gpkg") and is_findings_gpkg(result.output)


def test_a_previous_result_of_ours_is_replaced(tmp_path):
    output = str(tmp_path / "f.gpkg")
    first = verify(sample("village_clean.gpkg"), sample(ONEMAP), output=output)
    second = verify(sample("village_conflicts.gpkg"), sample(ONEMAP), output=output)
    assert is_findings_gpkg(output) and first.record["run_id"] != second.record["run_id"]


def test_disk_full_keeps_the_previous_result_and_is_an_error(tmp_path):
    output = str(tmp_path / "f.gpkg")
    verify(sample("village_clean.gpkg"), sample(ONEMAP), output=output)
    good = digest(output)
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (96 * 1024, limit[1]))     # the new file cannot grow past 96 KB
    try:
        with pytest.raises(OneMapError) as error:
            verify(sample("village_conflicts.gpkg"), sample(ONEMAP), output=output)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        signal.signal(signal.SIGXFSZ, handler)
    assert "unchanged" in error.value.en
    assert digest(output) == good
    assert [n for n in os.listdir(tmp_path) if n.startswith(".onemap-")] == []


def test_temporary_files_of_killed_runs_are_removed(tmp_path):
    dead = tmp_path / ".onemap-999999999-0a1b2c.part.gpkg"
    live = tmp_path / ".onemap-{}-0a1b2d.part.gpkg".format(os.getppid())
    other = tmp_path / ".onemap-abc.pdf"                         # not ours (an export's temporary)
    for path in (dead, live, other):
        path.write_bytes(b"partial")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    verify(sample("village_clean.gpkg"), sample(ONEMAP), output=str(tmp_path / "f.gpkg"))
    assert not dead.exists() and live.exists() and other.exists()


def test_qgis_process_refuses_an_input_as_output_without_a_traceback(tmp_path):
    from test_processing import qgis_process
    plan = tmp_path / "plan.gpkg"
    shutil.copy(sample("village_conflicts.gpkg"), plan)
    before = digest(str(plan))
    for output in (plan, tmp_path):
        done = qgis_process(tmp_path, "run", "onemap:verifyplan", "--", "PLAN=" + str(plan),
                            "ONEMAP=" + sample(ONEMAP), "OUTPUT=" + str(output))
        text = done.stdout + done.stderr
        assert done.returncode != 0 and "Traceback" not in text, text
        assert ("input" if output == plan else ".gpkg") in text
    assert digest(str(plan)) == before
