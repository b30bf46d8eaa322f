"""The one map's life cycle in PostGIS (issue 20): merges in one transaction under an advisory lock — killed
(SIGKILL) at any step the schema is row-identical, two at once never interleave — and reads as of a version
through QGIS's postgres provider."""
import pytest
from osgeo import gdal

import lifecycle_data as data
from lifecycle_process import WAITING, Merge
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.lifecycle.merge import merge_plan
from plugin.core.lifecycle.trail import read_history
from plugin.core.read.sources import open_source, source_hash
from postgis_server import PostgisServer

A_NO, B_NO = "甲政函〔2024〕1号", "甲政函〔2024〕9号"


@pytest.fixture(scope="module")
def server():
    pg = PostgisServer().start()
    yield pg
    pg.stop()


@pytest.fixture
def onemap(server, tmp_path, request):
    """A schema of its own holding the test one map."""
    schema = "lc_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    server.sql('DROP SCHEMA IF EXISTS "{0}" CASCADE; CREATE SCHEMA "{0}"'.format(schema))
    gdal.VectorTranslate(server.connection(schema), data.one_map(tmp_path / "onemap.gpkg"), format="PostgreSQL",
                         layerCreationOptions=["SCHEMA=" + schema, "LAUNDER=NO"])
    return server.connection(schema), schema


def checked(folder, name, parcels, onemap, change="新编"):
    plan = data.plan(folder / (name + ".gpkg"), parcels)
    findings = str(folder / (name + "_核对结果.gpkg"))
    verify(plan, onemap, output=findings, change=change)
    return dict(plan=plan, findings=findings, onemap=onemap, approved_on="2024-06-01", change=change)


def tables(server, schema):
    return server.sql("SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables "
                      "WHERE schemaname = '{}'".format(schema)).strip()


def test_merge_into_postgis_with_history_and_as_of_reads(onemap, server, tmp_path):
    path, schema = onemap
    first = checked(tmp_path, "a", data.PLAN_A, path)
    assert merge_plan(first["plan"], first["findings"], path, A_NO, "2024-01-10", "新编").version == 1
    assert "YPGHYDYH" in tables(server, schema) and "onemap_versions" in tables(server, schema)
    second = checked(tmp_path, "b", data.PLAN_B, path, change="修改")
    found = [f for f in verify(second["plan"], path, change="修改").findings if f.rule_id == "APP-03"]
    assert len(found) == 1 and A_NO in found[0].message and found[0].area_m2 == pytest.approx(20000.0, abs=1e-6)
    merge_plan(second["plan"], second["findings"], path, B_NO, "2024-06-01", "修改")
    assert server.sql('SELECT count(*) FROM "{}"."YPGHYDYH"'.format(schema)).strip() == "10"

    def school(as_of):
        layer = open_source(path, as_of).open_layer("YPGHYDYH")
        assert layer.providerType() == "postgres"
        return sorted((f["BSM"], f["YDYHFLDM"]) for f in layer.getFeatures() if f["BSM"] == "1")
    assert school("v1") == school("2024-03-01") == [("1", "0804")]
    assert school(None) == school(2) == [("1", "0701")] and school(0) == []
    versions, trail = read_history(path)
    assert [v["approval_no"] for v in versions] == [A_NO, B_NO] and versions[1]["approved_on"] == "2024-06-01"
    assert len(trail) == 6 and "secret" not in str(versions)


def test_a_refused_merge_leaves_the_schema_row_identical(onemap, tmp_path):
    path, _schema = onemap
    first = checked(tmp_path, "a", data.PLAN_A, path)
    merge_plan(first["plan"], first["findings"], path, A_NO, "2024-01-10", "新编")
    second = checked(tmp_path, "b", data.PLAN_B, path, change="修改")
    before = source_hash(path)
    with pytest.raises(OneMapError, match="已于 .* 入库为版本 1"):
        merge_plan(second["plan"], second["findings"], path, A_NO, "2024-06-01", "修改")
    assert source_hash(path) == before


@pytest.mark.parametrize("step", ("locked", "closed", "added", "recorded"))
def test_a_merge_killed_at_each_step_leaves_the_schema_row_identical(onemap, server, tmp_path, step):
    path, schema = onemap
    first = checked(tmp_path, "a", data.PLAN_A, path)
    merge_plan(first["plan"], first["findings"], path, A_NO, "2024-01-10", "新编")
    second = checked(tmp_path, "b", data.PLAN_B, path, change="修改")
    before, listed = source_hash(path), tables(server, schema)
    merge = Merge(pause_at=step, approval_no=B_NO, **second)
    merge.wait_for("onemap-paused:" + step)
    merge.kill()
    assert source_hash(path) == before and tables(server, schema) == listed    # the server rolled it back
    assert merge_plan(second["plan"], second["findings"], path, B_NO, "2024-06-01", "修改").version == 2


def test_a_first_merge_killed_creates_no_table(onemap, server, tmp_path):
    path, schema = onemap
    first = checked(tmp_path, "a", data.PLAN_A, path)
    before, listed = source_hash(path), tables(server, schema)
    merge = Merge(pause_at="recorded", approval_no=A_NO, **first)
    merge.wait_for("onemap-paused:recorded")
    merge.kill()
    assert tables(server, schema) == listed and source_hash(path) == before


def test_two_merges_at_once_never_interleave(onemap, server, tmp_path):
    path, schema = onemap
    first = checked(tmp_path, "a", data.PLAN_A, path)
    second = checked(tmp_path, "b", data.PLAN_B, path)
    holding = Merge(pause_at="locked", approval_no=A_NO, **first)
    holding.wait_for("onemap-paused:locked")
    waiting = Merge(approval_no="甲政函〔2024〕2号", **second)
    waiting.wait_for(WAITING)                                     # blocked on the schema's advisory lock
    assert holding.go_on() == (0, "merged 1")
    code, last = waiting.finish()
    assert code == 1 and "在核对后已改变" in last
    assert server.sql('SELECT string_agg(approval_no, \',\') FROM "{}".onemap_versions'.format(schema)).strip() == A_NO
