"""Plan and one-map sources that would hang a read (issue 18 red team #9, inputs side): a FIFO or device given as
PLAN or ONEMAP, a FIFO among a GeoPackage's journal files or a FileGDB's files, a GeoPackage view that never ends.
Each is refused or listed with the reason; nothing blocks."""
import os
import shutil
import sqlite3

import pytest

from conftest import sample
from fifo_helpers import watched_fifo
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.read.sources import open_source

ENDLESS = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"


def test_a_fifo_or_device_given_as_plan_or_one_map_is_refused_unopened(qgis_app, tmp_path):
    with watched_fifo(str(tmp_path / "plan.gpkg")) as opened:
        with pytest.raises(OneMapError) as error:
            open_source(str(tmp_path / "plan.gpkg"))
        assert "not a regular file" in error.value.en and "plan.gpkg" in error.value.en
        with pytest.raises(OneMapError) as error:
            verify(sample("village_conflicts.gpkg"), str(tmp_path / "plan.gpkg"))
        assert "not a regular file" in error.value.en
    assert not opened
    os.symlink("/dev/zero", tmp_path / "zero.gpkg")
    with pytest.raises(OneMapError) as error:
        open_source(str(tmp_path / "zero.gpkg"))
    assert "not a regular file" in error.value.en


def test_a_fifo_beside_a_geopackage_or_inside_a_filegdb_is_refused(qgis_app, tmp_path):
    plan = tmp_path / "plan.gpkg"
    shutil.copy(sample("village_conflicts.gpkg"), plan)
    with watched_fifo(str(plan) + "-journal") as opened:
        with pytest.raises(OneMapError) as error:
            open_source(str(plan))
    assert not opened and "plan.gpkg-journal" in error.value.en and "not a regular file" in error.value.en
    os.remove(str(plan) + "-journal")
    assert open_source(str(plan)).get("GHYDYH") is not None
    gdbs = tmp_path / "village_realdb"
    shutil.copytree(sample("village_realdb"), gdbs)
    with watched_fifo(str(gdbs / "规划表格.gdb" / "a00000099.gdbtable")) as opened:
        with pytest.raises(OneMapError) as error:
            open_source(str(gdbs))
    assert not opened and "a00000099.gdbtable" in error.value.en


def test_a_fifo_beside_the_geopackage_a_link_leads_to_is_refused(qgis_app, tmp_path):
    """SQLite opens the log beside the file a link leads to, not beside the link (red team)."""
    (tmp_path / "store").mkdir()
    real = tmp_path / "store" / "real.gpkg"
    shutil.copy(sample("village_conflicts.gpkg"), real)
    os.symlink(real, tmp_path / "plan.gpkg")
    with watched_fifo(str(real) + "-wal") as opened:
        with pytest.raises(OneMapError) as error:
            open_source(str(tmp_path / "plan.gpkg"))
    assert not opened and "real.gpkg-wal" in error.value.en and "not a regular file" in error.value.en


def with_view(tmp_path, name, definition, source="village_conflicts.gpkg"):
    """A copy of a sample GeoPackage whose layer `name` is replaced by a view (registered as the layer was)."""
    path = tmp_path / "{}.gpkg".format(definition[:8].strip().replace(" ", "_"))
    shutil.copy(sample(source), path)
    db = sqlite3.connect(str(path))
    db.execute('ALTER TABLE "{0}" RENAME TO "{0}_real"'.format(name))
    db.execute('CREATE VIEW "{}" AS {}'.format(name, definition.format(real='"{}_real"'.format(name))))
    db.commit()
    db.close()
    return str(path)


def test_a_land_use_view_that_never_ends_refuses_the_file_with_the_reason(qgis_app, tmp_path):
    """The red team's plans/view_loop.gpkg: verifyplan hung (GDAL asks a view for a first row to learn its fields)."""
    plan = with_view(tmp_path, "GHDLTB", ENDLESS + " SELECT g.* FROM {real} AS g, n WHERE g.fid = (n.i % 7) + 1")
    with pytest.raises(OneMapError) as error:
        verify(plan, sample("township_onemap.gpkg"))
    assert "视图 ghdltb 无法在限定的计算量内读完" in error.value.zh and "文件未打开" in error.value.zh


def add_view(path, name, definition, registered=True):
    db = sqlite3.connect(path)
    db.execute("CREATE VIEW {} AS {}".format(name, definition))
    if registered:
        db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES (?, 'attributes', ?)",
                   (name, name))
    db.commit()
    db.close()


def test_any_view_that_never_ends_refuses_the_file_before_qgis_opens_a_layer_of_it(qgis_app, tmp_path):
    """A view no plan layer would take, that never ends: QGIS 3.40 (GDAL 3.10) hung opening GHYDYH beside it, so
    the whole file is refused, naming the view; on 3.22 it was listed unread."""
    plan = with_view(tmp_path, "GHDLTB", "SELECT * FROM {real}")
    add_view(plan, "notes", ENDLESS + " SELECT i AS remark FROM n WHERE i < 0")
    with pytest.raises(OneMapError) as error:
        open_source(plan)
    assert "视图 notes 无法在限定的计算量内读完" in error.value.zh and "notes" in error.value.en


def test_a_plain_view_is_read_and_one_that_is_no_plan_layer_or_fails_is_listed(qgis_app, tmp_path):
    plan = with_view(tmp_path, "GHDLTB", "SELECT * FROM {real}")
    add_view(plan, "notes", "SELECT 1 AS remark")                  # a view of nothing OneMap knows
    add_view(plan, "ghdltb_old", "SELECT * FROM missing_table", registered=False)
    source = open_source(plan)
    assert source.get("GHYDYH").name == "GHDLTB" and source.get("GHYDYH").count == open_source(
        sample("village_conflicts.gpkg")).get("GHYDYH").count
    assert {layer.name: layer.problem for layer in source.unknown}["notes"].endswith("a view that is no plan layer: not read)")
    assert verify(plan, sample("township_onemap.gpkg")).counts == verify(sample("village_conflicts.gpkg"),
                                                                           sample("township_onemap.gpkg")).counts


def test_a_views_outcome_is_read_once_while_its_file_is_unchanged(qgis_app, tmp_path):
    """A check opens its sources several times (a folder check: the one map once a plan): each view is read
    whole once, and again only when the file changed."""
    from plugin.core.read import gpkg_views
    plan = with_view(tmp_path, "GHDLTB", "SELECT * FROM {real}")
    gpkg_views._outcome.cache_clear()
    for _ in range(3):
        assert open_source(plan).get("GHYDYH").name == "GHDLTB"
    assert gpkg_views._outcome.cache_info().misses == 1
    add_view(plan, "notes", "SELECT 1 AS remark")
    open_source(plan)
    assert gpkg_views._outcome.cache_info().misses == 3               # both views read again

