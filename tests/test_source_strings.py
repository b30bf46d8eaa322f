"""Property tests of source strings (issue 10): a schema is one identifier or refused, a saved connection's
values survive quoting exactly, a layer name never becomes URI text."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugin.core.errors import OneMapError
from plugin.core.read import postgis
from plugin.core.read.schema import schema
from plugin.core.read.sources import _unsafe_name

text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=24)


@pytest.fixture(scope="module")
def saved():
    from qgis.core import QgsProviderRegistry
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    names = []

    def store(password, dbname="db"):
        from qgis.core import QgsDataSourceUri
        uri = QgsDataSourceUri()
        uri.setConnection("127.0.0.1", "5432", dbname, "planner", password)
        name = "onemap-prop-{}".format(len(names))
        metadata.createConnection(uri.uri(False), {"saveUsername": True, "savePassword": True}).store(name)
        names.append(name)
        return name
    yield store
    for name in names:
        metadata.deleteConnection(name)


@pytest.fixture(scope="module")
def connection(saved):
    return saved("pw")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schema_text=text)
def test_a_schema_is_one_identifier_or_refused(qgis_app, connection, schema_text):
    path = "pgconn:{}/{}".format(connection, schema_text)
    try:
        options = postgis._open_options(path)
    except OneMapError as error:
        assert "schema" in error.en
        return
    chosen = schema_text or "public"
    assert postgis.SCHEMA_NAME.match(chosen) and options[1:] == ["SCHEMAS=" + chosen, "ACTIVE_SCHEMA=" + chosen]
    assert postgis.ogr_connection(path) == postgis.ogr_connection("pgconn:{}/public".format(connection))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(password=text.filter(bool), dbname=text.filter(lambda s: s.strip()))
def test_saved_connection_values_survive_quoting(qgis_app, saved, password, dbname):
    from qgis.core import QgsDataSourceUri
    conninfo = postgis.ogr_connection("pgconn:{}/public".format(saved(password, dbname)))
    parsed = QgsDataSourceUri(conninfo[len("PG:"):])
    assert (parsed.password(), parsed.database(), parsed.host()) == (password, dbname, "127.0.0.1")
    assert postgis.display(conninfo) == conninfo[:conninfo.index(" password=")] + " password=***"


@settings(max_examples=200, deadline=None)
@given(name=text)
def test_a_layer_name_is_refused_or_cannot_change_a_uri(name):
    if "|" in name:
        assert _unsafe_name(name)
    else:
        assert not _unsafe_name(name)
    key = schema().match_name(name)
    assert key is None or schema().match_name(name.strip().upper().removesuffix(".SHP")) == key
