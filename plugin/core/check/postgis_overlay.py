"""The overlap rules as SQL when plan and one map are in one PostGIS database (a city's shared 一张图).

Only the pieces cross the wire: the join runs in the database through the one map's GiST index.
The answers are the Python path's: each shape reprojected to the working CRS and made valid the
same way, a parcel wholly inside a control feature taken whole, pairs that only touch giving no
polygon (as geomops.Prepared.common), pieces under the rule set's noise dropped, areas computed by
GEOS in the working CRS.
Identifiers are quoted by psycopg2.sql; every value is bound as a parameter. Anything the
database cannot do (no psycopg2, no rights, unknown SRID) leaves the rule to the Python path.
"""
from concurrent.futures import ThreadPoolExecutor

from qgis.core import QgsGeometry

from ..read import postgis
from ..read.codes import in_classes, normalize_code
from .rules.base import AREA_SLACK

VALID = "CASE WHEN ST_IsValid({0}) THEN {0} ELSE ST_CollectionExtract(ST_MakeValid({0}), 3) END"

OVERLAP_SQL = """
SELECT p.fid, c.fid, ST_AsBinary(x.piece), ST_Area(x.piece)
FROM (SELECT {pfid} AS fid, {pgeom} AS geom FROM {ptable} WHERE {pfid} = ANY(%(plan_fids)s)) AS p
JOIN {ctable} AS c0 ON c0.{cgeom} && ST_Transform(p.geom, %(control_srid)s) {code_filter}
CROSS JOIN LATERAL (SELECT c0.{cfid} AS fid,
                           {valid_p} AS pg, {valid_c} AS cg OFFSET 0) AS c
CROSS JOIN LATERAL (SELECT CASE WHEN ST_Contains(c.cg, c.pg) THEN c.pg
                                WHEN ST_Intersects(c.pg, c.cg)
                                THEN ST_CollectionExtract(ST_Intersection(c.pg, c.cg), 3) END AS piece OFFSET 0) AS x
WHERE x.piece IS NOT NULL AND NOT ST_IsEmpty(x.piece) AND ST_Area(x.piece) >= %(noise)s - %(slack)s
ORDER BY p.fid, c.fid
"""


def shared_database(plan, onemap):
    """A Database when plan and one map are PostGIS sources on the same server and database, else None."""
    if plan.format != "postgis" or onemap.format != "postgis":
        return None
    try:
        import psycopg2  # noqa: F401 — QGIS ships it (DB Manager); without it the Python path runs
    except ImportError:
        return None
    plan_info, onemap_info = postgis.conninfo_values(plan.path), postgis.conninfo_values(onemap.path)
    where = ("host", "hostaddr", "port", "dbname", "service")
    if any(plan_info.get(key) != onemap_info.get(key) for key in where):
        return None
    return Database(plan, onemap)


class Database:
    def __init__(self, plan, onemap):
        self.dsn = postgis.libpq_conninfo(plan.path)
        self.plan, self.onemap = plan, onemap
        self._resolved = {source.path: postgis.resolve(source.path) for source in (plan, onemap)}   # for the thread
        self.pushed = []                 # ids of the rules that ran in the database
        self._connection = None          # used by the database's thread only
        self._tables = {}
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="onemap-postgis")
        self._asked = {}                 # rule id -> (its plan features, the future rows of its overlap query)
        self._closed = False

    def connection(self):
        if self._connection is None:
            import psycopg2
            self._connection = psycopg2.connect(self.dsn)
            self._connection.set_session(readonly=True, autocommit=True)
            with self._connection.cursor() as cursor:
                try:            # the join's estimated cost makes PostgreSQL JIT-compile it: 2.4 s of 5.6 at 200k
                    cursor.execute("SET jit = off")
                except psycopg2.Error:
                    pass        # PostgreSQL before 11 has no JIT
        return self._connection

    def close(self):
        """Drop the queries not started, cancel the one running (a cancelled or failed run), and let the
        thread close its connection."""
        if self._closed:
            return
        self._closed = True
        for _features, future in self._asked.values():
            future.cancel()
        if self._asked and self._connection is not None:
            self._connection.cancel()                 # psycopg2's way to stop a query from another thread
        self._asked = {}
        self._thread.submit(self._disconnect)
        self._thread.shutdown(wait=False)

    def _disconnect(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def table(self, source, name):
        """(schema, table, fid column, geometry column, srid) of a source's layer."""
        if (source.path, name) not in self._tables:
            dataset = postgis.open_dataset(source.path, self._resolved[source.path])
            layer = dataset.GetLayerByName(name)
            schema, table = self._resolved[source.path][2], name       # OGR lists one schema (postgis._open_options)
            fid, geometry = layer.GetFIDColumn(), layer.GetGeometryColumn()
            with self.connection().cursor() as cursor:
                cursor.execute("SELECT Find_SRID(%s, %s, %s)", (schema, table, geometry))
                srid = cursor.fetchone()[0]
            self._tables[(source.path, name)] = (schema, table, fid, geometry, srid)
        return self._tables[(source.path, name)]

    def ask(self, rule_id, plan_found, plan_features, control_found, control_codes, working_srid, noise, near):
        """Start a rule's overlap query on the database's thread, so that the database works while
        Python runs the rules before it; overlaps() takes the answer."""
        self._asked[rule_id] = (plan_features, self._thread.submit(
            self._overlap_rows, plan_found, plan_features, control_found, control_codes, working_srid, noise, near))

    def asked(self, rule_id):
        return rule_id in self._asked

    def overlaps(self, rule_id):
        """(plan feature, control fid, piece, area) for every pair sharing at least the noise area, the
        answer to ask(rule_id); None when it was not asked or the database cannot answer (the caller
        then runs the Python path, which also says 'not applicable' when no control feature near the
        plan has the control codes)."""
        if rule_id not in self._asked:
            return None
        plan_features, future = self._asked.pop(rule_id)
        rows = future.result()
        if rows is None:
            return None
        by_fid = {f.fid: f for f in plan_features}
        pieces = []
        for plan_fid, control_fid, wkb, area in rows:
            piece = QgsGeometry()
            piece.fromWkb(bytes(wkb))
            pieces.append((by_fid[plan_fid], control_fid, piece, area))
        self.pushed.append(rule_id)
        return pieces

    def _overlap_rows(self, plan_found, plan_features, control_found, control_codes, working_srid, noise, near):
        """(plan fid, control fid, piece WKB, area) rows, or None (on the database's thread)."""
        import psycopg2
        from psycopg2 import sql
        try:
            pschema, ptable, pfid, pgeom, _psrid = self.table(self.plan, plan_found.name)
            cschema, ctable, cfid, cgeom, csrid = self.table(self.onemap, control_found.name)
            if not (pfid and cfid and pgeom and cgeom and csrid and working_srid):
                return None
            params = {"plan_fids": [f.fid for f in plan_features], "control_srid": csrid,
                      "working_srid": working_srid, "noise": noise, "slack": AREA_SLACK}
            code_filter = sql.SQL("")
            if control_codes:
                code_field = control_found.spec.field_for("code")
                column = control_found.fields.get(code_field.name) if code_field else None
                if column is None:
                    return None
                params["codes"] = self.matching_codes(cschema, ctable, column, cgeom, control_codes, near,
                                                      working_srid, csrid)
                if not params["codes"]:
                    return None
                code_filter = sql.SQL("AND c0.{}::text = ANY(%(codes)s)").format(sql.Identifier(column))
            transform = "ST_Transform({}, %(working_srid)s)"
            query = sql.SQL(OVERLAP_SQL).format(
                pfid=sql.Identifier(pfid), pgeom=sql.Identifier(pgeom), ptable=sql.Identifier(pschema, ptable),
                ctable=sql.Identifier(cschema, ctable), cgeom=sql.Identifier(cgeom), cfid=sql.Identifier(cfid),
                code_filter=code_filter,
                valid_p=sql.SQL(VALID.format(transform.format("p.geom"))),
                valid_c=sql.SQL(VALID.format(transform.format("c0.{0}"))).format(sql.Identifier(cgeom)))
            with self.connection().cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall()
        except psycopg2.Error:
            self._disconnect()
            return None

    def matching_codes(self, schema, table, column, geometry, prefixes, near, working_srid, srid):
        """The column's values (as text) near the plan that fall in the listed classes, judged as Python does."""
        from psycopg2 import sql
        with self.connection().cursor() as cursor:
            cursor.execute(sql.SQL("SELECT DISTINCT {}::text FROM {} WHERE {} && ST_Transform("
                                   "ST_MakeEnvelope(%s, %s, %s, %s, %s), %s)").format(
                sql.Identifier(column), sql.Identifier(schema, table), sql.Identifier(geometry)),
                list(near) + [working_srid, srid])
            values = [row[0] for row in cursor.fetchall() if row[0] is not None]
        return [value for value in values if in_classes(normalize_code(value), prefixes)]
