"""PostGIS sources: an OGR "PG:" connection string, or "pgconn:<saved connection>/<schema>".

A source is read in read-only sessions whose statements stop after STATEMENT_TIMEOUT_S (a view can call any
function and run for ever); a view or foreign table that is no plan layer is never read (query_layers).

A saved connection is the one the user made in QGIS (Browser ▸ PostgreSQL); its credentials,
an auth config included, are expanded only to open it and never written to a run record.
The schema of a pgconn: source is data, never text of a connection string: it must be one
identifier and reaches OGR as an open option and QGIS through QgsDataSourceUri's setters.
"""
import hashlib
import json
import re

from osgeo import gdal
from qgis.core import QgsDataSourceUri, QgsProviderRegistry

from ..errors import OneMapError
from ..secrets import mask
from .query_layers import may_be_plan_layer

SAVED_PREFIX = "pgconn:"
OGR_PREFIX = "PG:"
SCHEMA_NAME = re.compile(r"^\w[\w$]*$")           # one identifier: letters (Chinese too), digits, _ and $
CONNINFO_KEYS = ("host", "port", "dbname", "user", "password", "service", "sslmode")
OGR_ONLY_KEYS = {"schemas", "active_schema", "tables", "list_all_tables"}
CONNINFO_PAIR = re.compile(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)")
SYSTEM_TABLES = {"spatial_ref_sys", "geometry_columns", "geography_columns", "raster_columns",
                 "raster_overviews", "layer_styles"}
QUERY_KINDS = {"v": "view", "f": "foreign"}      # pg_class.relkind of what runs a query when read (not 'm': stored)
STATEMENT_TIMEOUT_S = 600     # longer than hashing a city's one map takes; a view that never ends stops here
READING_OPTIONS = "-c default_transaction_read_only=on -c statement_timeout={}s".format(STATEMENT_TIMEOUT_S)


def is_postgis(path):
    return str(path).startswith((SAVED_PREFIX, OGR_PREFIX))


def saved_connections():
    """Names of the PostgreSQL connections saved in QGIS."""
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    return sorted(metadata.connections().keys()) if metadata is not None else []


def schemas(connection_name):
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    return metadata.findConnection(connection_name).schemas()


def _saved_parts(path):
    """(connection name, schema) as a pgconn: path writes them, unchecked."""
    name, _slash, schema = path[len(SAVED_PREFIX):].partition("/")     # QGIS connection names hold no '/'
    return name, schema or "public"


def _saved(path):
    name, schema = _saved_parts(path)
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


def qgis_table_uri(path, layer_name, geometry_column, key_column):
    """A postgres-provider URI for a table OGR lists in a PostGIS source's schema (a saved connection's
    credentials stay in QGIS). QGIS's postgres provider shares one connection per database; its OGR
    provider would keep a pooled connection per layer open after each check in a headless process."""
    if path.startswith(SAVED_PREFIX):
        connection, schema = _saved(path)
        uri = QgsDataSourceUri(connection.uri())
    else:
        uri, schema = QgsDataSourceUri(libpq_conninfo(path)), active_schema(path)
    uri.setDataSource(schema, layer_name, geometry_column or None, "", key_column or "")   # (_open_options)
    return uri.uri(False)


def _unquoted(value):
    """A connection-string value as meant: libpq's single quotes removed and its backslash escapes undone."""
    if len(value) >= 2 and value[0] == value[-1] == "'":
        value = value[1:-1]
    return re.sub(r"\\(.)", r"\1", value)


def conninfo_values(path):
    """{key: value} of a PostGIS source's connection string, values unquoted."""
    text = ogr_connection(path)[len(OGR_PREFIX):]
    return {key.lower(): _unquoted(value) for key, value in CONNINFO_PAIR.findall(text)}


def libpq_conninfo(path, reading=False):
    """The libpq connection string of a PostGIS source: its values without OGR's own keys; `reading`: for a
    read-only session whose statements time out (READING_OPTIONS after any options of the source's own)."""
    values = {k: v for k, v in conninfo_values(path).items() if k not in OGR_ONLY_KEYS}
    if reading:
        values["options"] = (values.get("options", "") + " " + READING_OPTIONS).strip()
    return " ".join("{}={}".format(k, _quoted(v)) for k, v in values.items())


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
    values = conninfo_values(path)
    return values.get("active_schema") or values.get("schemas", "").split(",")[0].strip() or "public"


def _open_options(path):
    """A source is one schema: OGR lists only its tables, by their own names (else it lists every
    schema's, names them "schema.table", and a plan would take another schema's 村级调查区)."""
    schema = active_schema(path)
    return ["LIST_ALL_TABLES=YES", "SCHEMAS=" + schema, "ACTIVE_SCHEMA=" + schema]


def title(path):
    """A short name for a source, fit for file and layer names: its schema (a schema per submitted
    plan), never the connection string, which may hold a password."""
    schema = _saved_parts(path)[1] if path.startswith(SAVED_PREFIX) else active_schema(path)
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", schema)


def display(path):
    """The source as shown and recorded: passwords removed."""
    return mask(str(path))


def reading_connection(path):
    """The OGR "PG:" string of a read-only session whose statements time out. A view or foreign table taken for a
    plan layer of a `PG:` source is read through it (OGR's provider): QGIS's postgres provider opens no view
    without a key column, and its statements have no time limit."""
    return OGR_PREFIX + libpq_conninfo(path, reading=True)


def resolve(path):
    """(OGR connection string, open options, schema) of a source. What needs QGIS (a saved connection
    and its credentials) is worked out here, so that another thread can then open the source: QGIS's
    registry of connections must not be asked from two threads at once."""
    return reading_connection(path), _open_options(path), active_schema(path)   # (OGR's keys)


def open_dataset(path, resolved=None):
    """The source opened read-only; `resolved`: its resolve(path), when opened on another thread."""
    connection, options, _schema = resolved or resolve(path)
    try:
        return gdal.OpenEx(connection, gdal.OF_VECTOR | gdal.OF_READONLY, allowed_drivers=["PostgreSQL"],
                           open_options=options)
    except RuntimeError as exc:
        raise OneMapError("无法连接 PostGIS 数据源 {}：{}".format(display(path), exc),
                          "Cannot open PostGIS source {}: {}".format(display(path), exc))


RELATIONS_SQL = """SELECT c.relname, c.relkind::text, (SELECT coalesce(json_agg(a.attname ORDER BY a.attnum), '[]')
    FROM pg_attribute AS a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)::text
FROM pg_class AS c JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = {schema} AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND has_table_privilege(c.oid, 'SELECT')
ORDER BY c.relname"""

ROWS_DIGEST_SQL = """SELECT count(*)::text AS row_count,
       coalesce(sum(('x' || substr(h, 1, 16))::bit(64)::bigint), 0)::text AS first_half,
       coalesce(sum(('x' || substr(h, 17, 16))::bit(64)::bigint), 0)::text AS second_half
FROM (SELECT md5(t::text) AS h FROM {table} AS t) AS rows"""          # (columns named: OGR drops a repeated name)


def _identifier(name):
    return '"{}"'.format(name.replace('"', '""'))


def _literal(value):
    """A string literal that reads the same whatever standard_conforming_strings says (OGR's
    ExecuteSQL binds no parameters; the only value here is the schema's name)."""
    return "E'{}'".format(value.replace("\\", "\\\\").replace("'", "\\'"))


def _rows(dataset, path, sql):
    result = None
    try:
        result = dataset.ExecuteSQL(sql)
        if result is not None:
            return [[feature.GetField(i) for i in range(feature.GetFieldCount())] for feature in result]
        problem = gdal.GetLastErrorMsg()
    except RuntimeError as exc:             # raised while fetching too (a view that fails as it is read)
        problem = str(exc)
    finally:
        if result is not None:
            dataset.ReleaseResultSet(result)
    raise OneMapError("无法读取 PostGIS 数据源 {}：{}".format(display(path), mask(problem)),
                      "Cannot read PostGIS source {}: {}".format(display(path), mask(problem)))


def relations(dataset, path, schema=None):
    """[(name, kind, column names)] of the tables, views and foreign tables of the source's schema the user may
    read, in name order, from the catalogue (nothing is read from them); kind 'table' (materialized views too),
    'view' or 'foreign'."""
    rows = _rows(dataset, path, RELATIONS_SQL.format(schema=_literal(schema or active_schema(path))))
    return [(name, QUERY_KINDS.get(relkind, "table"), json.loads(columns)) for name, relkind, columns in rows]


def content_hash(path, resolved=None):
    """SHA-256 over a digest of every row of every table of the source's schema that the user may read,
    and of every view and foreign table that may be a plan layer (what a check can read), in name order. The database reads the rows: each
    row's MD5 (of its text: every column, the geometry included) is summed per table, in two 64-bit
    halves, and only those sums cross the wire, so a city's one map is not fetched to be hashed. It
    tells a changed table from an unchanged one; it is not a proof against deliberate forgery.
    `resolved` as for open_dataset."""
    resolved = resolved or resolve(path)
    dataset, schema = open_dataset(path, resolved), resolved[2]
    digest = hashlib.sha256()
    for name, kind, columns in relations(dataset, path, schema):
        if name in SYSTEM_TABLES or (kind != "table" and not may_be_plan_layer(name, columns)):
            continue
        table = "{}.{}".format(_identifier(schema), _identifier(name))
        try:
            digest_row = _rows(dataset, path, ROWS_DIGEST_SQL.format(table=table))[0]
        except OneMapError:
            digest_row = ["unreadable"]     # a broken view: the check cannot read it either (sources._describe)
        digest.update("\t".join([name] + digest_row).encode("utf-8") + b"\n")
    return digest.hexdigest()
