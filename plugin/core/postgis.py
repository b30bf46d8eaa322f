"""PostGIS sources: an OGR "PG:" connection string, or "pgconn:<saved connection>/<schema>".

A saved connection is the one the user made in QGIS (Browser ▸ PostgreSQL); its credentials,
an auth config included, are expanded only to open it and never written to a run record.
The schema of a pgconn: source is data, never text of a connection string: it must be one
identifier and reaches OGR as an open option and QGIS through QgsDataSourceUri's setters.
"""
import hashlib
import re

from osgeo import gdal, ogr
from qgis.core import QgsDataSourceUri, QgsProviderRegistry

from .errors import OneMapError
from .secrets import mask

SAVED_PREFIX = "pgconn:"
OGR_PREFIX = "PG:"
SCHEMA_NAME = re.compile(r"^\w[\w$]*$")           # one identifier: letters (Chinese too), digits, _ and $
CONNINFO_KEYS = ("host", "port", "dbname", "user", "password", "service", "sslmode")
SYSTEM_TABLES = {"spatial_ref_sys", "geometry_columns", "geography_columns", "raster_columns",
                 "raster_overviews", "layer_styles"}


def is_postgis(path):
    return str(path).startswith((SAVED_PREFIX, OGR_PREFIX))


def saved_connections():
    """Names of the PostgreSQL connections saved in QGIS."""
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    return sorted(metadata.connections().keys()) if metadata is not None else []


def schemas(connection_name):
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    return metadata.findConnection(connection_name).schemas()


def _saved(path):
    name, _slash, schema = path[len(SAVED_PREFIX):].partition("/")     # QGIS connection names hold no '/'
    schema = schema or "public"
    if not SCHEMA_NAME.match(schema) or len(schema.encode("utf-8")) > 63:
        raise OneMapError("模式名“{}”无效：应为一个标识符（字母、汉字、数字、下划线），不能含空格、引号、等号等".format(schema),
                          "Invalid schema name '{}': it must be one identifier (letters, digits, "
                          "underscore), without blanks, quotes or '='".format(schema))
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    connection = metadata.findConnection(name, False) if metadata is not None else None    # not cached: as saved now
    if connection is None:
        raise OneMapError("QGIS 中没有名为“{}”的 PostgreSQL 连接".format(name),
                          "No PostgreSQL connection named '{}' is saved in QGIS".format(name))
    return connection, schema


def qgis_table_uri(path, table, geometry_column, key_column):
    """A postgres-provider URI for a table of a saved connection (credentials stay in QGIS)."""
    connection, schema = _saved(path)
    uri = QgsDataSourceUri(connection.uri())
    uri.setDataSource(schema, table, geometry_column or None, "", key_column or "")
    return uri.uri(False)


def _quoted(value):
    """A libpq connection-string value: single-quoted, backslash and quote escaped."""
    return "'{}'".format(str(value).replace("\\", "\\\\").replace("'", "\\'"))


def ogr_connection(path):
    """The OGR "PG:" string for a source; a saved connection's values each quoted (credentials expanded)."""
    if path.startswith(OGR_PREFIX):
        return path
    connection, _schema = _saved(path)
    expanded = QgsDataSourceUri(QgsDataSourceUri(connection.uri()).connectionInfo(True))   # authcfg resolved
    values = {"host": expanded.host(), "port": expanded.port(), "dbname": expanded.database(),
              "user": expanded.username(), "password": expanded.password(), "service": expanded.service(),
              "sslmode": QgsDataSourceUri.encodeSslMode(expanded.sslMode()) if expanded.sslMode() else ""}
    return OGR_PREFIX + " ".join("{}={}".format(key, _quoted(values[key])) for key in CONNINFO_KEYS if values[key])


def active_schema(path):
    """The schema a PostGIS source's tables are read from."""
    if path.startswith(SAVED_PREFIX):
        return _saved(path)[1]
    match = re.search(r"active_schema\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", path)
    return match.group(1).strip("'") if match else "public"


def _open_options(path):
    options = ["LIST_ALL_TABLES=YES"]
    if path.startswith(SAVED_PREFIX):
        _connection, schema = _saved(path)
        options += ["SCHEMAS=" + schema, "ACTIVE_SCHEMA=" + schema]
    return options


def display(path):
    """The source as shown and recorded: passwords removed."""
    return mask(str(path))


def open_dataset(path):
    try:
        return gdal.OpenEx(ogr_connection(path), gdal.OF_VECTOR | gdal.OF_READONLY, allowed_drivers=["PostgreSQL"],
                           open_options=_open_options(path))
    except RuntimeError as exc:
        raise OneMapError("无法连接 PostGIS 数据源 {}：{}".format(display(path), exc),
                          "Cannot open PostGIS source {}: {}".format(display(path), exc))


def content_hash(path):
    """SHA-256 over every user table's rows (fid, geometry, attributes), tables in name order."""
    dataset = open_dataset(path)
    digest = hashlib.sha256()
    layers = sorted((dataset.GetLayerByIndex(i) for i in range(dataset.GetLayerCount())), key=lambda l: l.GetName())
    for layer in layers:
        if layer.GetName() in SYSTEM_TABLES:
            continue
        digest.update(layer.GetName().encode("utf-8"))
        for feature in sorted(layer, key=lambda f: f.GetFID()):
            geometry = feature.GetGeometryRef()
            digest.update(str(feature.GetFID()).encode())
            digest.update(bytes(geometry.ExportToWkb(ogr.wkbNDR)) if geometry is not None else b"")
            digest.update(repr([feature.GetField(i) for i in range(feature.GetFieldCount())]).encode("utf-8"))
    return digest.hexdigest()
