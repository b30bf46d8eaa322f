"""The one map in PostGIS: recognised, verified with the same answers, credentials never recorded."""
import pytest
from osgeo import gdal

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.read.sources import open_source, source_hash
from postgis_server import PostgisServer

SCHEMA = "yangquanqu"


@pytest.fixture(scope="module")
def server():
    pg = PostgisServer().start()
    pg.sql("CREATE SCHEMA {}".format(SCHEMA))
    gdal.VectorTranslate(pg.connection(SCHEMA), sample("township_onemap.gpkg"), format="PostgreSQL",
                         layerCreationOptions=["SCHEMA=" + SCHEMA, "LAUNDER=NO"])
    yield pg
    pg.stop()


def test_postgis_one_map_is_recognised(server):
    source = open_source(server.connection(SCHEMA))
    assert source.format == "postgis"
    assert set(source.recognised) == {"YJJBNTBHTB", "CZKFBJ", "LSWHBHX", "GHFQ", "CJDCQ", "CJZBFJ"}
    assert source.get("CJDCQ").count == 23 and "secret" not in source.label


def test_verification_against_postgis_matches_the_geopackage(server, tmp_path):
    from_gpkg = verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"))
    from_pg = verify(sample("village_conflicts.gpkg"), server.connection(SCHEMA), output=str(tmp_path / "f.gpkg"))
    summary = sorted((f.rule_id, round(f.area_m2 or 0, 2)) for f in from_gpkg.findings)
    assert sorted((f.rule_id, round(f.area_m2 or 0, 2)) for f in from_pg.findings) == summary
    assert "secret" not in from_pg.record["onemap_path"] and "password=***" in from_pg.record["onemap_path"]
    assert from_pg.record["onemap_sha256"] == source_hash(server.connection(SCHEMA))


def test_postgis_content_hash_follows_the_rows_not_their_order(server):
    server.sql('DROP SCHEMA IF EXISTS hashed CASCADE; CREATE SCHEMA hashed')
    gdal.VectorTranslate(server.connection("hashed"), sample("township_onemap.gpkg"), format="PostgreSQL",
                         layerCreationOptions=["SCHEMA=hashed", "LAUNDER=NO"])
    before = source_hash(server.connection("hashed"))
    from plugin.core.read import postgis
    dataset = postgis.open_dataset(server.connection("hashed"))
    digest = postgis._rows(dataset, "hashed", postgis.ROWS_DIGEST_SQL.format(table='hashed."CJDCQ"'))[0]
    assert digest[0] == "23" and None not in digest          # count and both 64-bit halves reach the hash
    server.sql("UPDATE hashed.\"CJDCQ\" SET \"XZQMC\" = '改过' WHERE fid = 1")
    assert source_hash(server.connection("hashed")) != before
    server.sql('UPDATE hashed."CJDCQ" AS c SET "XZQMC" = o."XZQMC" FROM {}."CJDCQ" AS o '
               'WHERE c.fid = 1 AND o.fid = 1'.format(SCHEMA))    # as it was (a new row version: another scan order)
    assert source_hash(server.connection("hashed")) == before
    server.sql('CREATE TABLE hashed."新表" (id integer)')
    assert source_hash(server.connection("hashed")) != before            # a table more is a change
    server.sql("CREATE ROLE reviewer LOGIN; GRANT USAGE ON SCHEMA hashed TO reviewer; "
               "GRANT SELECT ON ALL TABLES IN SCHEMA hashed TO reviewer; REVOKE SELECT ON hashed.\"新表\" FROM reviewer")
    as_reviewer = server.connection("hashed").replace("user=postgres", "user=reviewer")
    assert source_hash(as_reviewer) == before           # a table the reviewer may not read is not hashed (nor read)


def test_saved_qgis_connection_is_a_source(server, qgis_new_project):
    from qgis.core import QgsProject, QgsProviderRegistry

    from plugin.core.read.loading import load_source
    from plugin.core.read.postgis import saved_connections
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    uri = "host={} port={} dbname=postgres user=postgres".format(server.root, server.port)
    metadata.createConnection(uri, {"saveUsername": True}).store("onemap-test")
    try:
        assert "onemap-test" in saved_connections()
        path = "pgconn:onemap-test/" + SCHEMA
        source = open_source(path)
        assert source.get("YJJBNTBHTB").provider == "postgres"
        report = load_source(path, QgsProject.instance())
        assert len(report.loaded) == 6 and report.failed == []
        assert report.group_name.endswith(SCHEMA)
        layer = QgsProject.instance().mapLayer(report.loaded[0][1])
        assert layer.providerType() == "postgres" and layer.featureCount() > 0
    finally:
        metadata.deleteConnection("onemap-test")


def test_source_picker_offers_saved_connections(server, qgis_app, monkeypatch):
    from qgis.core import QgsProviderRegistry

    from plugin.gui import source_picker
    from plugin.gui.source_picker import SourcePicker
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    uri = "host={} port={} dbname=postgres user=postgres".format(server.root, server.port)
    metadata.createConnection(uri, {"saveUsername": True}).store("onemap-picker")
    offered = []

    def choose(parent, title, label, items):
        offered.append(list(items))
        return ("onemap-picker", True) if label == "Connection" else (SCHEMA, True)
    monkeypatch.setattr(source_picker, "pick_item", choose)
    try:
        picker = SourcePicker("test")
        picker.pick_postgis()
        assert picker.path() == "pgconn:onemap-picker/" + SCHEMA
        assert "onemap-picker" in offered[0] and SCHEMA in offered[1]
    finally:
        metadata.deleteConnection("onemap-picker")


@pytest.fixture
def saved_connection(server):
    from qgis.core import QgsProviderRegistry
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    uri = "host={} port={} dbname=postgres user=postgres password=secret".format(server.root, server.port)
    metadata.createConnection(uri, {"saveUsername": True, "savePassword": True}).store("onemap-saved")
    yield "onemap-saved"
    metadata.deleteConnection("onemap-saved")


def test_saved_connection_one_map_verifies_end_to_end(saved_connection, onemap_provider, tmp_path):
    """onemap:verifyplan with a pgconn: one map (the layers need their geometry column)."""
    import processing
    path = "pgconn:{}/{}".format(saved_connection, SCHEMA)
    output = str(tmp_path / "f.gpkg")
    result = processing.run("onemap:verifyplan", {"PLAN": sample("village_conflicts.gpkg"), "ONEMAP": path,
                                                  "OUTPUT": output})
    from_gpkg = verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"))
    assert result["ERRORS"] == from_gpkg.counts["error"]
    from_pg = verify(sample("village_conflicts.gpkg"), path)
    summary = sorted((f.rule_id, round(f.area_m2 or 0, 2)) for f in from_gpkg.findings)
    assert sorted((f.rule_id, round(f.area_m2 or 0, 2)) for f in from_pg.findings) == summary


@pytest.mark.parametrize("schema", ["{s} host=127.0.0.1 port={port}", "{s}' host='127.0.0.1' port='{port}",
                                    "{s} schemas=public", "{s},public", '{s}"; DROP TABLE x; --'])
def test_schema_of_a_saved_connection_is_one_identifier(saved_connection, schema):
    """`pgconn:name/<schema> host=… port=…` sent the saved password to another server."""
    import socket
    with socket.socket() as fake:                       # a "server" that would receive the password
        fake.bind(("127.0.0.1", 0))
        fake.listen(1)
        fake.settimeout(0.5)
        path = "pgconn:{}/{}".format(saved_connection, schema.format(s=SCHEMA, port=fake.getsockname()[1]))
        with pytest.raises(OneMapError) as error:
            open_source(path)
        with pytest.raises(socket.timeout):
            fake.accept()
    assert "schema" in error.value.en and "secret" not in str(error.value)


def test_schema_names_of_one_identifier_are_accepted(saved_connection):
    from plugin.core.read.postgis import ogr_connection
    server_schema = "规划_2035"
    path = "pgconn:{}/{}".format(saved_connection, server_schema)
    assert "规划_2035" not in ogr_connection(path)                 # the schema travels as an open option
    assert "password='secret'" in ogr_connection(path)


def test_a_postgis_source_is_grouped_under_its_schema(server, qgis_new_project):
    from qgis.core import QgsProject

    from plugin.core.read.loading import load_source
    report = load_source(server.connection(SCHEMA), QgsProject.instance())
    assert report.group_name == "总体规划一张图：" + SCHEMA and "secret" not in report.group_name
