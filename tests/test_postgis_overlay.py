"""Plan and one map in one PostGIS database: the overlap rules run as SQL with the GeoPackage's answers,
and a PostGIS one map is read only near the plan (bounding box through the GiST index)."""
import pytest
from osgeo import gdal

from conftest import sample
from plugin.core.check.context import Context
from plugin.core.check.engine import verify
from plugin.core.check.ruleset import load_ruleset
from plugin.core.read.sources import open_source, source_hash, source_title
from postgis_server import PostgisServer

PLAN, ONEMAP = "CunGuiHua", "YiZhangTu"          # mixed case: every identifier must be quoted
PUSHED = "GEO-05,CL-01,CL-03,CL-05,KEEP-01"        # the control-line rules whose layers both sources hold


@pytest.fixture(scope="module")
def server():
    pg = PostgisServer().start()
    for schema, name in ((PLAN, "village_conflicts.gpkg"), (ONEMAP, "township_onemap.gpkg")):
        pg.sql('CREATE SCHEMA "{}"'.format(schema))
        gdal.VectorTranslate(pg.connection(schema), sample(name), format="PostgreSQL",
                             layerCreationOptions=["SCHEMA=" + schema, "LAUNDER=NO"])
    yield pg
    pg.stop()


def summary(result):
    return sorted((f.rule_id, f.severity, round(f.area_m2 or 0.0, 2), f.message) for f in result.findings)


def test_control_line_rules_run_in_the_database_with_the_same_findings(server):
    from_gpkg = verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"))
    from_pg = verify(server.connection(PLAN), server.connection(ONEMAP))
    assert from_pg.record["pushed_down"] == PUSHED
    assert summary(from_pg) == summary(from_gpkg)
    assert [(o["rule_id"], o["status"]) for o in from_pg.outcomes] == \
        [(o["rule_id"], o["status"]) for o in from_gpkg.outcomes]
    farmland = [f for f in from_pg.findings if f.rule_id == "CL-01"]
    assert [round(f.area_m2, 2) for f in farmland] == [5000.0] and farmland[0].geometry.area() == pytest.approx(5000.0)


def test_queries_are_sent_ahead_and_run_on_the_database_thread(server, monkeypatch):
    import threading

    from plugin.core.check.postgis_overlay import Database
    events = []
    for name in ("ask", "ask_outside", "ask_coverage"):
        asking = getattr(Database, name)
        monkeypatch.setattr(Database, name, lambda db, rule_id, *a, asking=asking: (
            events.append(("ask", rule_id)), asking(db, rule_id, *a))[1])
    rows = Database._rows
    monkeypatch.setattr(Database, "_rows",
                        lambda db, *a: (events.append(("thread", threading.current_thread().name)), rows(db, *a))[1])
    first = load_ruleset(None, "village").rules[0]
    run_first = type(first).run
    monkeypatch.setattr(type(first), "run", lambda rule, ctx: (events.append(("run", rule.id)), run_first(rule, ctx))[1])
    result = verify(server.connection(PLAN), server.connection(ONEMAP))
    asked = [rule_id for kind, rule_id in events if kind == "ask"]
    assert asked == ["GEO-05", "CL-01", "CL-03", "CL-05", "KEEP-01"]       # those whose layers exist, in order
    assert events.index(("run", first.id)) > events.index(("ask", asked[-1]))      # … asked before any rule ran
    assert {name.split("_")[0] for kind, name in events if kind == "thread"} == {"onemap-postgis"}
    assert result.record["pushed_down"] == PUSHED


def test_one_map_in_another_database_is_read_in_python(server):
    result = verify(sample("village_conflicts.gpkg"), server.connection(ONEMAP))
    assert result.record["pushed_down"] == ""
    assert summary(result) == summary(verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg")))


@pytest.mark.parametrize("onemap", ["gpkg", "postgis"])
def test_one_map_is_read_only_near_the_plan(server, onemap):
    """杜村 lies in one corner cell of the 23 village cells: only it and its neighbours are read."""
    path = sample("township_onemap.gpkg") if onemap == "gpkg" else server.connection(ONEMAP)
    ctx = Context(open_source(sample("village_conflicts.gpkg")), open_source(path), load_ruleset(None, "village"))
    villages = ctx.onemap_layer("CJDCQ")
    assert len(villages.features) == 4 and open_source(path).get("CJDCQ").count == 23
    assert len(ctx.onemap_layer("CJZBFJ").features) == open_source(path).get("CJZBFJ").count   # tables whole


def test_saved_connections_push_down_in_their_own_schemas(server):
    """pgconn: sources pass their schema as an option, not in the connection string: the SQL uses it."""
    from qgis.core import QgsProviderRegistry
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    uri = "host={} port={} dbname=postgres user=postgres".format(server.root, server.port)
    metadata.createConnection(uri, {"saveUsername": True}).store("onemap-overlay")
    try:
        from_pg = verify("pgconn:onemap-overlay/" + PLAN, "pgconn:onemap-overlay/" + ONEMAP)
    finally:
        metadata.deleteConnection("onemap-overlay")
    assert from_pg.record["pushed_down"] == PUSHED
    assert summary(from_pg) == summary(verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg")))


def test_the_findings_file_names_the_rules_that_ran_in_the_database(server, tmp_path):
    from osgeo import ogr
    verify(server.connection(PLAN), server.connection(ONEMAP), output=str(tmp_path / "f.gpkg"))
    from plugin.core.export.report_data import read_report
    from plugin.core.export.report_html import run_record
    dataset = ogr.Open(str(tmp_path / "f.gpkg"))               # held while its layer is read
    assert dataset.GetLayerByName("run").GetNextFeature().GetField("pushed_down") == PUSHED
    assert ("在数据库中以 SQL 运行的规则", PUSHED) in run_record(read_report(str(tmp_path / "f.gpkg")))


def test_repeated_checks_do_not_pile_up_connections(server):
    """A batch in one headless process (verifyfolder): the layers are read through QGIS's postgres
    provider, which shares a connection per database; the OGR provider kept several per check."""
    def clients():
        return int(server.sql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                              "AND pid <> pg_backend_pid()"))
    verify(sample("village_conflicts.gpkg"), server.connection(ONEMAP))
    after_one = clients()
    for _run in range(3):
        verify(server.connection(PLAN), server.connection(ONEMAP))
        verify(sample("village_conflicts.gpkg"), server.connection(ONEMAP))
    assert clients() <= max(after_one, 2)


def test_a_source_is_its_schema_only_whatever_the_string_says(server):
    """Without `schemas=` OGR would list every schema's tables, and the plan would take the one
    map's 村级调查区 as its own: a source is read from its active schema alone."""
    plan = server.connection(PLAN).replace(" schemas={}".format(PLAN), "")
    onemap = server.connection(ONEMAP).replace(" schemas={}".format(ONEMAP), "")
    assert not any("." in layer.name for layer in open_source(plan).recognised.values())   # no "YiZhangTu.CJDCQ"
    result = verify(plan, onemap)
    assert summary(result) == summary(verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg")))
    assert result.record["pushed_down"] == PUSHED


def test_unreadable_tables_and_broken_views_beside_the_plan_do_not_stop_the_check(server):
    schema = "it's plan"                                   # a quote and a blank: escaped in the string
    quoted = '"{}"'.format(schema)
    server.sql("DROP SCHEMA IF EXISTS {0} CASCADE; CREATE SCHEMA {0}".format(quoted))
    gdal.VectorTranslate(server.connection("x").replace("schemas=x active_schema=x", ""), sample("village_conflicts.gpkg"),
                         format="PostgreSQL", layerCreationOptions=["SCHEMA=" + schema, "LAUNDER=NO"])
    server.sql("CREATE TABLE {0}.secret (id integer); "
               "CREATE FUNCTION {0}.boom() RETURNS integer LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION 'boom'; END$$; "
               "CREATE VIEW {0}.broken AS SELECT {0}.boom() AS x; "
               "DO $$BEGIN CREATE ROLE checker LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END$$; "
               "GRANT USAGE ON SCHEMA {0}, \"{1}\" TO checker; GRANT EXECUTE ON FUNCTION {0}.boom() TO checker; "
               "GRANT SELECT ON ALL TABLES IN SCHEMA \"{1}\" TO checker; GRANT SELECT ON ALL TABLES IN SCHEMA {0} TO checker; "
               "REVOKE SELECT ON {0}.secret FROM checker".format(quoted, ONEMAP))
    plan = server.connection("x").replace("user=postgres", "user=checker").replace(
        "schemas=x active_schema=x", "active_schema='it\\'s plan'")
    onemap = server.connection(ONEMAP).replace("user=postgres", "user=checker")
    source = open_source(plan)
    assert source.label.endswith("active_schema='it\\'s plan'") and source_title(plan) == "it's plan"
    assert {layer.name for layer in source.unknown if layer.problem.startswith("视图，不是规划图层")} >= {"broken"}
    result = verify(plan, onemap)
    assert summary(result) == summary(verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg")))
    assert result.record["plan_sha256"] == source_hash(plan)                 # the broken view noted, not fatal


def test_a_turned_tier_gives_the_same_findings_in_the_database_as_from_the_geopackage(server, tmp_path):
    """The bench's 2k tier turned 15° with 33 points a ring: every control-line rule pushed down, the
    findings those of the GeoPackage, also under the detailed plans' rule set (DP-01 …)."""
    import os
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
    from bench_data import Tier, generate
    plan, onemap, _expected = generate(Tier("2k", 45, turn=15.0, vertices=33), str(tmp_path))
    for schema, path in (("tier_plan", plan), ("tier_onemap", onemap)):
        server.sql('DROP SCHEMA IF EXISTS "{0}" CASCADE; CREATE SCHEMA "{0}"'.format(schema))
        gdal.VectorTranslate(server.connection(schema), path, format="PostgreSQL",
                             layerCreationOptions=["SCHEMA=" + schema, "LAUNDER=NO", "SPATIAL_INDEX=GIST"])
    for kind in ("village", "detailed"):
        from_gpkg = verify(plan, onemap, kind=kind)
        from_pg = verify(server.connection("tier_plan"), server.connection("tier_onemap"), kind=kind)
        assert summary(from_pg) == summary(from_gpkg) and len(from_gpkg.findings) > 400
        pushed = set(from_pg.record["pushed_down"].split(","))
        assert pushed >= ({"CL-01", "CL-02", "CL-03", "KEEP-01"} if kind == "village" else {"DP-01"})


def test_a_live_recheck_of_a_postgis_plan_judges_the_edit_not_the_stored_parcel(server):
    """An edit is not in the database yet: the re-check runs its rules in Python on the edited feature."""
    from qgis.core import QgsVectorLayer

    from plugin.core.check.recheck import Recheck
    checker = Recheck(server.connection(PLAN), server.connection(ONEMAP))
    layer = QgsVectorLayer(sample("village_conflicts.gpkg") + "|layername=GHDLTB", "p", "ogr")
    feature = layer.getFeature(1)
    assert [f.rule_id for f in checker.check(feature)] == ["CL-01"]
    moved = feature.geometry()
    moved.translate(0.0, -1500.0)                                # drawn away from the farmland, not saved
    feature.setGeometry(moved)
    assert "CL-01" not in [f.rule_id for f in checker.check(feature)]
    assert checker.ctx.database is None
