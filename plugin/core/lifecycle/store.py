"""Where the one map keeps its history: the approved plans' layer, the versions table and the trail.

A GeoPackage is written through OGR, a PostGIS schema through psycopg2 (QGIS ships it); either way a
merge is one transaction taken under a lock, so that a merge killed at any point leaves the one map as
it was and two merges never interleave: SQLite's write lock (a RESERVED lock taken by a write that
changes nothing) or a PostgreSQL advisory lock on the schema. The second merge says it waits, waits
up to LOCK_WAIT_S, and then goes on — its caller finds the one map changed — or fails cleanly.
Reading goes through OGR for both (rows(), and core.read.sources for the layers).
"""
import contextlib
import time

from osgeo import gdal, ogr, osr
from qgis.core import QgsGeometry

from ..errors import Cancelled, OneMapError
from ..read import postgis
from ..read.history import VERSIONS_TABLE
from ..secrets import mask

gdal.UseExceptions()
ogr.UseExceptions()

APPROVED = "YPGHYDYH"            # schema.yaml's key; created under this name
TRAIL = "onemap_trail"
LOCK_WAIT_S = 120.0              # how long a merge waits for another one to finish
LOCK_POLL_S = 0.2

# (name, type, Chinese alias); types: text, int, real, date. One list per table, for both back ends.
APPROVED_FIELDS = [
    ("YDYHFLDM", "text", "用地用海分类代码"), ("YDYHFLMC", "text", "用地用海分类名称"),
    ("BSM", "text", "地块标识码/编号"), ("GHMC", "text", "规划名称"), ("PFWH", "text", "批复文号"),
    ("PFRQ", "date", "批复日期"), ("BGLX", "text", "变更类型"), ("valid_from", "date", "生效日期"),
    ("valid_to", "date", "失效日期"), ("version_from", "int", "起始版本"), ("version_to", "int", "终止版本")]
VERSION_FIELDS = [
    ("version", "int", "版本"), ("parent", "int", "上一版本"), ("approval_no", "text", "批复文号"),
    ("approved_on", "date", "批复日期"), ("change", "text", "变更类型"), ("plan_name", "text", "规划名称"),
    ("plan_path", "text", "规划数据"), ("plan_sha256", "text", "规划数据 SHA-256"),
    ("findings_path", "text", "核对结果"), ("findings_sha256", "text", "核对结果 SHA-256"),
    ("run_id", "text", "核对编号"), ("onemap_sha256", "text", "核对与入库前的一张图 SHA-256"),
    ("reviewer", "text", "入库人"), ("merged_at", "text", "入库时间"), ("added", "int", "新增地块"),
    ("closed", "int", "失效地块"), ("kept", "int", "保留其余部分的地块"), ("area_m2", "real", "替代范围面积（平方米）")]
TRAIL_FIELDS = [
    ("version", "int", "版本"), ("event", "text", "事项"), ("at", "text", "时间"), ("who", "text", "人员"),
    ("summary", "text", "内容"), ("approval_no", "text", "批复文号"), ("plan_sha256", "text", "规划数据 SHA-256"),
    ("onemap_sha256", "text", "一张图 SHA-256"), ("findings_sha256", "text", "核对结果 SHA-256"),
    ("ruleset_sha256", "text", "规则集 SHA-256")]
TABLES = {APPROVED: APPROVED_FIELDS, VERSIONS_TABLE: VERSION_FIELDS, TRAIL: TRAIL_FIELDS}
OGR_TYPES = {"text": ogr.OFTString, "int": ogr.OFTInteger, "real": ogr.OFTReal, "date": ogr.OFTDate}
PG_TYPES = {"text": "text", "int": "integer", "real": "double precision", "date": "date"}


def open_store(source):
    """The store of a one map (a core.read.sources PlanSource): a GeoPackage or a PostGIS schema."""
    if source.format == "gpkg":
        return GpkgStore(source)
    if source.format == "postgis":
        return PostgisStore(source)
    raise OneMapError("入库只支持 GeoPackage 或 PostGIS 一张图：{}".format(source.label),
                      "Plans can only be merged into a GeoPackage or PostGIS one map: {}".format(source.label))


def _value(feature, index, field):
    value = feature.GetField(index)
    if value is not None and field.GetType() == ogr.OFTDate:
        value = value.replace("/", "-")                      # OGR writes dates YYYY/MM/DD
    return value


def _waiting(feedback, said):
    """Say once that another merge holds the one map; raise Cancelled if the user gave up waiting."""
    if feedback is not None:
        if not said:
            message = "一张图正由另一次入库写入，等待其完成…（The one map is being written by another merge: waiting.)"
            (feedback.pushInfo if hasattr(feedback, "pushInfo") else print)(message)
        if feedback.isCanceled():
            raise Cancelled()


def _busy(label):
    return OneMapError("一张图 {} 正由另一次入库写入，等待 {:.0f} 秒后仍未完成；一张图未改动，请稍后再试".format(
                           label, LOCK_WAIT_S),
                       "The one map {} is being written by another merge and was not released within {:.0f} s; "
                       "it is unchanged — try again later".format(label, LOCK_WAIT_S))


class Store:
    def __init__(self, source):
        self.source = source
        self.label = source.label

    def _dataset(self):
        raise NotImplementedError

    def rows(self, table):
        """The rows of one of our tables as dicts (dates 'YYYY-MM-DD'), in fid order; [] without the table."""
        try:
            dataset = self._dataset()
        except RuntimeError as exc:
            raise OneMapError("无法读取一张图 {}：{}".format(self.label, mask(str(exc))),
                              "Cannot read the one map {}: {}".format(self.label, mask(str(exc))))
        layer = dataset.GetLayerByName(table)
        if layer is None:
            return []
        definition = layer.GetLayerDefn()
        fields = [definition.GetFieldDefn(i) for i in range(definition.GetFieldCount())]
        return [{field.GetName(): _value(feature, i, field) for i, field in enumerate(fields)} for feature in layer]

    def versions(self):
        return sorted(self.rows(VERSIONS_TABLE), key=lambda row: row["version"])

    def head(self):
        return max((row["version"] for row in self.versions()), default=0)


class GpkgStore(Store):
    def _dataset(self):
        return gdal.OpenEx(self.source.path, gdal.OF_VECTOR | gdal.OF_READONLY, allowed_drivers=["GPKG"])

    @contextlib.contextmanager
    def writing(self, crs, feedback=None):
        """A _GpkgWriter inside one transaction holding SQLite's write lock; committed when the block ends,
        rolled back if it raises (or if the process dies: SQLite's journal)."""
        try:
            dataset = gdal.OpenEx(self.source.path, gdal.OF_VECTOR | gdal.OF_UPDATE, allowed_drivers=["GPKG"])
        except RuntimeError as exc:
            raise OneMapError("无法以写入方式打开一张图 {}：{}".format(self.label, exc),
                              "Cannot open the one map {} for writing: {}".format(self.label, exc))
        self._lock(dataset, feedback)
        writer = _GpkgWriter(dataset, crs)
        try:
            yield writer
            writer.flush()
            dataset.CommitTransaction()
        except BaseException:
            with contextlib.suppress(RuntimeError):
                writer.flush()                      # GDAL's deferred layer set-up, so the rollback is whole
            dataset.RollbackTransaction()
            raise
        finally:
            writer = dataset = None

    def _lock(self, dataset, feedback):
        """Begin a transaction and take the database's write lock by a write that changes nothing."""
        dataset.ExecuteSQL("PRAGMA busy_timeout = 0")
        deadline, said = time.monotonic() + LOCK_WAIT_S, False
        while True:
            dataset.StartTransaction()
            try:
                dataset.ExecuteSQL("UPDATE gpkg_contents SET table_name = table_name WHERE 0")
                break
            except RuntimeError as exc:
                dataset.RollbackTransaction()          # never hold a read lock while waiting: the writer must commit
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise OneMapError("无法写入一张图 {}：{}".format(self.label, exc),
                                      "Cannot write the one map {}: {}".format(self.label, exc))
            _waiting(feedback, said)
            said = True
            if time.monotonic() > deadline:
                raise _busy(self.label)
            time.sleep(LOCK_POLL_S)
        dataset.ExecuteSQL("PRAGMA busy_timeout = {:d}".format(int(LOCK_WAIT_S * 1000)))   # readers, at commit


class _GpkgWriter:
    def __init__(self, dataset, crs):
        self.dataset, self.crs = dataset, crs
        self._layers = {}

    def layer(self, name):
        """One of our tables, created (in the transaction) if the one map has none yet."""
        if name not in self._layers:
            layer = self.dataset.GetLayerByName(name)
            if layer is None:
                layer = self._create(name)
            self._layers[name] = layer
        return self._layers[name]

    def _create(self, name):
        srs = None
        if name == APPROVED:
            srs = osr.SpatialReference()
            srs.SetFromUserInput(self.crs.authid() or self.crs.toWkt())
            srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        layer = self.dataset.CreateLayer(name, srs, ogr.wkbMultiPolygon if srs is not None else ogr.wkbNone,
                                         ["FID=fid"] + (["GEOMETRY_NAME=geom"] if srs is not None else []))
        for field_name, kind, alias in TABLES[name]:
            definition = ogr.FieldDefn(field_name, OGR_TYPES[kind])
            definition.SetAlternativeName(alias)
            layer.CreateField(definition)
        layer.SyncToDisk()                 # GDAL's deferred triggers and index now, inside the transaction
        if name == VERSIONS_TABLE:
            self.dataset.ExecuteSQL("CREATE UNIQUE INDEX onemap_versions_version ON onemap_versions (version)")
        return layer

    def close(self, fids, version, date):
        layer = self.layer(APPROVED)
        for fid in fids:
            feature = layer.GetFeature(fid)
            feature.SetField("version_to", int(version))
            feature.SetField("valid_to", date)
            layer.SetFeature(feature)

    def add(self, rows):
        """rows: (QgsGeometry in the store's CRS, {field: value}) of the approved plans' layer."""
        layer = self.layer(APPROVED)
        for geometry, values in rows:
            feature = self._feature(layer, values)
            feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(bytes(_multi(geometry).asWkb())))
            layer.CreateFeature(feature)

    def record(self, table, rows):
        layer = self.layer(table)
        for values in rows:
            layer.CreateFeature(self._feature(layer, values))

    @staticmethod
    def _feature(layer, values):
        feature = ogr.Feature(layer.GetLayerDefn())
        for key, value in values.items():
            if value is not None and value != "":
                feature.SetField(key, value)
        return feature

    def flush(self):
        for layer in self._layers.values():
            layer.SyncToDisk()
        self.dataset.FlushCache()


def _multi(geometry):
    multi = QgsGeometry(geometry)
    multi.convertToMultiType()
    return multi


class PostgisStore(Store):
    def _dataset(self):
        return postgis.open_dataset(self.source.path)

    @contextlib.contextmanager
    def writing(self, crs, feedback=None):
        """A _PostgisWriter inside one transaction holding the schema's advisory lock."""
        import psycopg2
        try:
            connection = psycopg2.connect(postgis.libpq_conninfo(self.source.path))
        except psycopg2.Error as exc:
            raise OneMapError("无法连接一张图 {}：{}".format(self.label, mask(str(exc)).strip()),
                              "Cannot connect to the one map {}: {}".format(self.label, mask(str(exc)).strip()))
        try:
            schema = postgis.active_schema(self.source.path)
            self._lock(connection, schema, feedback)
            yield _PostgisWriter(connection, schema, crs)
            connection.commit()
        except psycopg2.Error as exc:
            connection.rollback()
            raise OneMapError("写入一张图 {} 失败（已回滚，一张图未改动）：{}".format(self.label, mask(str(exc)).strip()),
                              "Writing the one map {} failed (rolled back, unchanged): {}".format(
                                  self.label, mask(str(exc)).strip()))
        except BaseException:
            connection.rollback()
            raise
        finally:
            connection.close()

    def _lock(self, connection, schema, feedback):
        """The schema's advisory lock for this transaction: taken at once, or waited for (saying so)."""
        import psycopg2
        key = "onemap-merge:" + schema
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [key])
            if cursor.fetchone()[0]:
                return
            _waiting(feedback, False)
            cursor.execute("SET LOCAL lock_timeout = %s", ["{:d}ms".format(int(LOCK_WAIT_S * 1000))])
            try:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])
            except psycopg2.errors.LockNotAvailable:
                raise _busy(self.label)
            cursor.execute("SET LOCAL lock_timeout = 0")


class _PostgisWriter:
    def __init__(self, connection, schema, crs):
        self.connection, self.schema, self.srid = connection, schema, crs.postgisSrid()
        self._made = set()

    def _table(self, name):
        from psycopg2 import sql
        table = sql.Identifier(self.schema, name)
        if name not in self._made:
            columns = [sql.SQL("{} {}").format(sql.Identifier(field), sql.SQL(PG_TYPES[kind]))
                       for field, kind, _alias in TABLES[name]]
            if name == APPROVED:
                columns = [sql.SQL("geom geometry(MultiPolygon, {:d})".format(int(self.srid)))] + columns
            elif name == VERSIONS_TABLE:
                columns[0] = sql.SQL("version integer NOT NULL UNIQUE")          # one row per version
            columns = [sql.SQL("fid serial PRIMARY KEY")] + columns               # OGR's and QGIS's feature id
            with self.connection.cursor() as cursor:
                cursor.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(table, sql.SQL(", ").join(columns)))
                if name == APPROVED:
                    cursor.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} USING GIST (geom)").format(
                        sql.Identifier(name + "_geom_idx"), table))
            self._made.add(name)
        return table

    def close(self, fids, version, date):
        from psycopg2 import sql
        table = self._table(APPROVED)
        with self.connection.cursor() as cursor:
            cursor.execute(sql.SQL("UPDATE {} SET version_to = %s, valid_to = %s WHERE fid = ANY(%s)").format(table),
                           [int(version), date, [int(fid) for fid in fids]])

    def add(self, rows):
        import psycopg2
        from psycopg2 import sql
        table = self._table(APPROVED)
        names = [field for field, _kind, _alias in APPROVED_FIELDS]
        statement = sql.SQL("INSERT INTO {} (geom, {}) VALUES (ST_Multi(ST_GeomFromWKB(%s, %s)), {})").format(
            table, sql.SQL(", ").join(map(sql.Identifier, names)), sql.SQL(", ").join(sql.Placeholder() * len(names)))
        with self.connection.cursor() as cursor:
            for geometry, values in rows:
                cursor.execute(statement, [psycopg2.Binary(bytes(geometry.asWkb())), int(self.srid)] +
                               [values.get(name) for name in names])

    def record(self, table, rows):
        from psycopg2 import sql
        identifier = self._table(table)
        names = [field for field, _kind, _alias in TABLES[table]]
        statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            identifier, sql.SQL(", ").join(map(sql.Identifier, names)), sql.SQL(", ").join(sql.Placeholder() * len(names)))
        with self.connection.cursor() as cursor:
            for values in rows:
                cursor.execute(statement, [values.get(name) if values.get(name) != "" else None for name in names])
