"""PostGIS sources: an OGR "PG:" connection string, or "pgconn:<saved connection>/<schema>".

A saved connection is the one the user made in QGIS (Browser ▸ PostgreSQL); its credentials,
an auth config included, are expanded only to open it and never written to a run record.
"""
import hashlib
import re

from osgeo import gdal, ogr
from qgis.core import QgsDataSourceUri, QgsProviderRegistry

from .errors import OneMapError

SAVED_PREFIX = "pgconn:"
OGR_PREFIX = "PG:"
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
    name, _slash, schema = path[len(SAVED_PREFIX):].partition("/")
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    connection = metadata.findConnection(name) if metadata is not None else None
    if connection is None:
        raise OneMapError("QGIS 中没有名为“{}”的 PostgreSQL 连接".format(name),
                          "No PostgreSQL connection named '{}' is saved in QGIS".format(name))
    return connection, schema or "public"


def qgis_table_uri(path, table):
    """A postgres-provider URI for a table of a saved connection (credentials stay in QGIS)."""
    connection, schema = _saved(path)
    return connection.tableUri(schema, table)


def ogr_connection(path):
    """The OGR "PG:" string for a source, with the schema as the only and active one."""
    if path.startswith(OGR_PREFIX):
        return path
    connection, schema = _saved(path)
    info = QgsDataSourceUri(connection.uri()).connectionInfo(True)
    return "{}{} schemas={} active_schema={}".format(OGR_PREFIX, info, schema, schema)


def display(path):
    """The source as shown and recorded: passwords removed."""
    return re.sub(r"password=('[^']*'|\S+)", "password=***", str(path))


def open_dataset(path):
    try:
        return gdal.OpenEx(ogr_connection(path), gdal.OF_VECTOR | gdal.OF_READONLY, allowed_drivers=["PostgreSQL"],
                           open_options=["LIST_ALL_TABLES=YES"])
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
