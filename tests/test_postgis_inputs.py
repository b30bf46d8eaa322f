"""A PostGIS plan schema holding views and foreign tables that are no plan layers (issue 18 red team #7): they are
never read, counted or hashed — a view calling a function that writes writes nothing, a foreign table connects
nowhere —, every session is read-only with a statement timeout, and a view that may be a plan layer is still read."""
import socket

import pytest
from osgeo import gdal

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.read import postgis
from plugin.core.read.sources import open_source, source_hash
from postgis_server import PostgisServer

PLAN = "plan_views"


@pytest.fixture(scope="module")
def server():
    pg = PostgisServer().start()
    for schema, source in ((PLAN, "village_conflicts.gpkg"), ("onemap", "township_onemap.gpkg")):
        pg.sql("CREATE SCHEMA {}".format(schema))
        gdal.VectorTranslate(pg.connection(schema), sample(source), format="PostgreSQL",
                             layerCreationOptions=["SCHEMA=" + schema, "LAUNDER=NO"])
    yield pg
    pg.stop()


@pytest.fixture
def listener():
    """A TCP port on which nobody answers: connections to it wait, unaccepted, in its queue."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.setblocking(False)
        yield sock


def connections(sock):
    count = 0
    while True:
        try:
            sock.accept()[0].close()
        except BlockingIOError:
            return count
        count += 1


def counts(result):
    return sorted((f.rule_id, round(f.area_m2 or 0, 2)) for f in result.findings)


def test_views_and_foreign_tables_that_are_no_plan_layers_are_never_read(server, listener):
    server.sql("CREATE TABLE public.audit (what text); "
               "CREATE FUNCTION public.touch() RETURNS int LANGUAGE sql VOLATILE AS "
               "$$ INSERT INTO public.audit VALUES ('read') RETURNING 1 $$; "
               "CREATE VIEW {0}.zz_write AS SELECT public.touch() AS x; "
               "CREATE EXTENSION postgres_fdw; "
               "CREATE SERVER elsewhere FOREIGN DATA WRAPPER postgres_fdw "
               "OPTIONS (host '127.0.0.1', port '{1}', dbname 'x', connect_timeout '2'); "
               "CREATE USER MAPPING FOR PUBLIC SERVER elsewhere OPTIONS (user 'u', password 'p'); "
               "CREATE FOREIGN TABLE {0}.zz_foreign (a int) SERVER elsewhere OPTIONS (table_name 't'); "
               "CREATE MATERIALIZED VIEW {0}.zz_stored AS SELECT 1 AS n".format(PLAN, listener.getsockname()[1]))
    plan = server.connection(PLAN)
    problems = {layer.name: layer.problem for layer in open_source(plan).unknown}
    assert problems["zz_write"] == "视图，不是规划图层，未读取 (a view that is no plan layer: not read)"
    assert problems["zz_foreign"] == "外部表，不是规划图层，未读取 (a foreign table that is no plan layer: not read)"
    result = verify(plan, server.connection("onemap"))
    assert result.record["plan_sha256"] == source_hash(plan)
    assert counts(result) == counts(verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg")))
    assert server.sql("SELECT count(*) FROM public.audit").strip() == "0" and connections(listener) == 0
    server.sql("REFRESH MATERIALIZED VIEW {}.zz_stored".format(PLAN))     # stored rows: hashed as a table's
    before = source_hash(plan)
    server.sql("DROP MATERIALIZED VIEW {0}.zz_stored; CREATE MATERIALIZED VIEW {0}.zz_stored AS SELECT 2 AS n".format(
        PLAN))
    assert source_hash(plan) != before


def test_sessions_are_read_only_with_a_statement_timeout_and_a_plan_layer_view_is_read(server):
    dataset = postgis.open_dataset(server.connection(PLAN))
    for setting, value in (("default_transaction_read_only", "on"), ("statement_timeout", "10min")):
        shown = dataset.ExecuteSQL("SHOW " + setting)
        assert shown.GetNextFeature().GetField(0) == value
        dataset.ReleaseResultSet(shown)
    with pytest.raises(RuntimeError, match="read-only"):
        dataset.ExecuteSQL("CREATE TABLE {}.written (a int)".format(PLAN))
    server.sql("CREATE SCHEMA as_view")
    gdal.VectorTranslate(server.connection("as_view"), sample("village_conflicts.gpkg"), format="PostgreSQL",
                         layerCreationOptions=["SCHEMA=as_view", "LAUNDER=NO"])
    server.sql('CREATE SCHEMA rows_elsewhere; ALTER TABLE as_view."GHDLTB" SET SCHEMA rows_elsewhere; '
               'CREATE VIEW as_view."GHDLTB" AS SELECT * FROM rows_elsewhere."GHDLTB"')
    plan = server.connection("as_view")
    land_use = open_source(plan).get("GHYDYH")                 # read: its fields, its geometry, its rows counted
    assert (land_use.name, land_use.count) == ("GHDLTB", open_source(sample("village_conflicts.gpkg")).get("GHYDYH").count)


def test_a_view_taken_for_the_land_use_is_checked_in_a_read_only_session(server):
    """A view named like a plan layer, whose function writes only when the session may write: read through OGR's
    read-only session with its statement timeout (QGIS's postgres provider could not open a view without a key
    column: the check failed), it is checked like the table and writes nothing."""
    server.sql("CREATE SCHEMA evasive")
    gdal.VectorTranslate(server.connection("evasive"), sample("village_conflicts.gpkg"), format="PostgreSQL",
                         layerCreationOptions=["SCHEMA=evasive", "LAUNDER=NO"])
    server.sql("CREATE TABLE public.sneaky (what text); "
               "CREATE FUNCTION public.sneak() RETURNS int LANGUAGE plpgsql VOLATILE AS $$ BEGIN "
               "IF current_setting('transaction_read_only') = 'off' THEN INSERT INTO public.sneaky VALUES ('x'); END IF; "
               "RETURN 1; END $$; "
               'CREATE SCHEMA evasive_rows; ALTER TABLE evasive."GHDLTB" SET SCHEMA evasive_rows; '
               'CREATE VIEW evasive."GHDLTB" AS SELECT g.*, public.sneak() AS n FROM evasive_rows."GHDLTB" AS g')
    plan = server.connection("evasive")
    land_use = open_source(plan).get("GHYDYH")
    assert land_use.provider == "ogr" and "default_transaction_read_only" in land_use.uri
    result = verify(plan, server.connection("onemap"))
    assert counts(result) == counts(verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg")))
    assert server.sql("SELECT count(*) FROM public.sneaky").strip() == "0"
