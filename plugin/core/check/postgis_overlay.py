"""The control-line rules as SQL when plan and one map are in one PostGIS database (a city's shared 一张图):
overlaps (CL-01 …), what lies outside a boundary (CL-05, CL-07, DP-01 …) and what of the one map the
plan keeps (KEEP-01 …).

Only the pieces cross the wire: the joins run in the database through the GiST indexes. The answers
are the Python path's: each shape reprojected to the working CRS and made valid the same way, a
parcel wholly inside a control feature taken whole, pairs that only touch giving no polygon (as
geomops.Prepared.common), a parcel wholly inside a boundary giving nothing, pieces under the rule
set's noise (or the coverage tolerance) dropped, areas computed by GEOS in the working CRS.
Identifiers are quoted by psycopg2.sql; every value is bound as a parameter. Anything the
database cannot do (no psycopg2, no rights, unknown SRID) leaves the rule to the Python path.
"""
from concurrent.futures import ThreadPoolExecutor

from ..read import postgis
from ..read.codes import in_classes, normalize_code
from .geomops import from_wkb
from .reading import label_field
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

OUTSIDE_SQL = """
SELECT p.fid, ST_AsBinary(x.piece), ST_Area(x.piece)
FROM (SELECT {pfid} AS fid, {pgeom} AS geom, {valid_p} AS pg FROM {ptable}
      WHERE {pfid} = ANY(%(plan_fids)s) OFFSET 0) AS p
CROSS JOIN LATERAL (
  SELECT CASE WHEN bool_or(ST_Contains(b.bg, p.pg)) THEN NULL
              WHEN NOT coalesce(bool_or(ST_Intersects(b.bg, p.pg)), false) THEN p.pg
              ELSE ST_CollectionExtract(ST_Difference(p.pg, ST_Union(b.bg) FILTER (WHERE ST_Intersects(b.bg, p.pg))), 3)
         END AS piece
  FROM (SELECT {valid_b} AS bg FROM {btable} AS b0
        WHERE b0.{bgeom} && ST_Transform(p.geom, %(control_srid)s) {code_filter} OFFSET 0) AS b) AS x
WHERE x.piece IS NOT NULL AND NOT ST_IsEmpty(x.piece) AND ST_Area(x.piece) >= %(noise)s - %(slack)s
ORDER BY p.fid
"""

COVERAGE_SQL = """
WITH area AS (SELECT ST_Union({valid_a}) AS g FROM {atable} AS a0),
inside AS (
  SELECT c0.{cfid} AS fid, {clabel} AS label,
         CASE WHEN ST_Contains(area.g, c.cg) THEN c.cg ELSE ST_CollectionExtract(ST_Intersection(c.cg, area.g), 3) END AS ig
  FROM area, {ctable} AS c0 CROSS JOIN LATERAL (SELECT {valid_c} AS cg OFFSET 0) AS c
  WHERE c0.{cgeom} && ST_Transform(area.g, %(control_srid)s) AND ST_Intersects(area.g, c.cg) OFFSET 0),
lost AS (
  SELECT i.fid, i.label, CASE WHEN k.held IS NULL THEN i.ig ELSE ST_CollectionExtract(ST_Difference(i.ig, k.held), 3) END AS lg
  FROM inside AS i CROSS JOIN LATERAL (
    SELECT ST_Union({valid_k}) AS held FROM {ktable} AS k0 WHERE k0.{kgeom} && ST_Transform(i.ig, %(kept_srid)s)) AS k
  WHERE ST_Area(i.ig) >= %(tolerance)s - %(slack)s OFFSET 0)
SELECT l.fid, l.label, ST_AsBinary(d.geom), ST_Area(d.geom)
FROM lost AS l CROSS JOIN LATERAL ST_Dump(l.lg) AS d
WHERE ST_Area(d.geom) >= %(tolerance)s - %(slack)s
ORDER BY l.fid, d.path
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

    def ask(self, rule_id, plan_found, plan_features, control_found, control_codes, working_srid, noise, near,
            control_source=None):
        """Start a rule's overlap query on the database's thread, so that the database works while
        Python runs the rules before it; overlaps() takes the answer."""
        self._asked[rule_id] = (plan_features, self._thread.submit(
            self._overlap_rows, plan_found, plan_features, control_found, control_codes, working_srid, noise, near,
            control_source or self.onemap))

    def ask_outside(self, rule_id, plan_found, plan_features, boundary_source, boundary_found, boundary_codes,
                    working_srid, noise, near):
        """Start an outside rule's query (what of each parcel lies outside every boundary feature)."""
        self._asked[rule_id] = (plan_features, self._thread.submit(
            self._outside_rows, plan_found, plan_features, boundary_source, boundary_found, boundary_codes,
            working_srid, noise, near))

    def ask_coverage(self, rule_id, area_found, control_found, kept_found, working_srid, tolerance, extra):
        """Start a coverage rule's queries: what of the one map's features inside the plan area the plan's
        layer does not hold, and (`extra`) what of the plan's layer the one map does not hold."""
        self._asked[rule_id] = (None, self._thread.submit(
            self._coverage_rows, area_found, control_found, kept_found, working_srid, tolerance, extra))

    def asked(self, rule_id):
        return rule_id in self._asked

    def overlaps(self, rule_id):
        """(plan feature, control fid, piece, area) for every pair sharing at least the noise area, the
        answer to ask(rule_id); None when it was not asked or the database cannot answer (the caller
        then runs the Python path, which also says 'not applicable' when no control feature near the
        plan has the control codes)."""
        rows = self._answer(rule_id)
        if rows is None:
            return None
        plan_features, rows = rows
        return [(plan_features.get(plan_fid), control_fid, from_wkb(wkb), area)
                for plan_fid, control_fid, wkb, area in rows]

    def outside(self, rule_id):
        """(plan feature, its part outside every boundary feature) for each parcel with at least the noise
        area outside, the answer to ask_outside(rule_id); None when the database cannot answer."""
        rows = self._answer(rule_id)
        if rows is None:
            return None
        plan_features, rows = rows
        return [(plan_features.get(plan_fid), from_wkb(wkb)) for plan_fid, wkb, _area in rows]

    def coverage(self, rule_id):
        """([(control fid, label, part)] lost, [(kept fid, label, part)] added or None), the answer to
        ask_coverage(rule_id); None when the database cannot answer."""
        rows = self._answer(rule_id)
        if rows is None:
            return None
        lost, added = rows[1]
        parts = lambda found: [(fid, label, from_wkb(wkb)) for fid, label, wkb, _area in found]    # noqa: E731
        return parts(lost), parts(added) if added is not None else None

    def _answer(self, rule_id):
        """(what the rule gave with its question, the rows) once the database has them, or None."""
        if rule_id not in self._asked:
            return None
        given, future = self._asked.pop(rule_id)
        rows = future.result()
        if rows is None:
            return None
        self.pushed.append(rule_id)
        return given, rows

    def _overlap_rows(self, plan_found, plan_features, control_found, control_codes, working_srid, noise, near,
                      control_source):
        """(plan fid, control fid, piece WKB, area) rows, or None (on the database's thread)."""
        from psycopg2 import sql
        return self._rows(OVERLAP_SQL, lambda: self._pair_parts(
            plan_found, plan_features, control_source, control_found, control_codes, working_srid, near, "c0", "c",
            {"noise": noise, "slack": AREA_SLACK}, sql))

    def _outside_rows(self, plan_found, plan_features, boundary_source, boundary_found, boundary_codes, working_srid,
                      noise, near):
        """(plan fid, outside part WKB, area) rows, or None (on the database's thread)."""
        from psycopg2 import sql
        return self._rows(OUTSIDE_SQL, lambda: self._pair_parts(
            plan_found, plan_features, boundary_source, boundary_found, boundary_codes, working_srid, near, "b0",
            "b", {"noise": noise, "slack": AREA_SLACK}, sql))

    def _pair_parts(self, plan_found, plan_features, other_source, other_found, other_codes, working_srid, near,
                    alias, prefix, params, sql):
        """The identifiers and parameters of a query joining plan parcels to another layer's features, or
        None when the tables lack what it needs."""
        pschema, ptable, pfid, pgeom, _psrid = self.table(self.plan, plan_found.name)
        oschema, otable, ofid, ogeom, osrid = self.table(other_source, other_found.name)
        if not (pfid and ofid and pgeom and ogeom and osrid and working_srid):
            return None
        params = dict(params, plan_fids=list(plan_features.fids()), control_srid=osrid, working_srid=working_srid)
        code_filter = sql.SQL("")
        if other_codes:
            code_field = other_found.spec.field_for("code")
            column = other_found.fields.get(code_field.name) if code_field else None
            if column is None:
                return None
            params["codes"] = self.matching_codes(oschema, otable, column, ogeom, other_codes, near, working_srid, osrid)
            if not params["codes"]:
                return None
            code_filter = sql.SQL("AND {}.{}::text = ANY(%(codes)s)").format(sql.Identifier(alias), sql.Identifier(column))
        transform = "ST_Transform({}, %(working_srid)s)"
        parts = {"pfid": sql.Identifier(pfid), "pgeom": sql.Identifier(pgeom), "ptable": sql.Identifier(pschema, ptable),
                 prefix + "table": sql.Identifier(oschema, otable), prefix + "geom": sql.Identifier(ogeom),
                 "code_filter": code_filter,
                 "valid_p": sql.SQL(VALID.format(transform.format("{pgeom}" if prefix == "b" else "p.geom"))).format(
                     pgeom=sql.Identifier(pgeom)),
                 "valid_" + prefix: sql.SQL(VALID.format(transform.format(alias + ".{0}"))).format(sql.Identifier(ogeom))}
        if prefix == "c":
            parts["cfid"] = sql.Identifier(ofid)
        return parts, params

    def _coverage_rows(self, area_found, control_found, kept_found, working_srid, tolerance, extra):
        """(lost rows, added rows or None): (fid, label, part WKB, area), or None (on the database's thread)."""
        from psycopg2 import sql

        def question(area_source, area, control_source, control, kept_source, kept):
            aschema, atable, _afid, ageom, _asrid = self.table(area_source, area.name)
            cschema, ctable, cfid, cgeom, csrid = self.table(control_source, control.name)
            kschema, ktable, _kfid, kgeom, ksrid = self.table(kept_source, kept.name)
            if not (cfid and ageom and cgeom and kgeom and csrid and ksrid and working_srid):
                return None
            label = label_field(control, control.field_names)
            transform = "ST_Transform({}, %(working_srid)s)"
            return {"atable": sql.Identifier(aschema, atable), "ctable": sql.Identifier(cschema, ctable),
                    "ktable": sql.Identifier(kschema, ktable), "cfid": sql.Identifier(cfid),
                    "cgeom": sql.Identifier(cgeom), "kgeom": sql.Identifier(kgeom),
                    "clabel": sql.SQL("c0.{}::text").format(sql.Identifier(label)) if label else sql.SQL("NULL"),
                    "valid_a": sql.SQL(VALID.format(transform.format("a0.{0}"))).format(sql.Identifier(ageom)),
                    "valid_c": sql.SQL(VALID.format(transform.format("c0.{0}"))).format(sql.Identifier(cgeom)),
                    "valid_k": sql.SQL(VALID.format(transform.format("k0.{0}"))).format(sql.Identifier(kgeom))}, {
                "control_srid": csrid, "kept_srid": ksrid, "working_srid": working_srid, "tolerance": tolerance,
                "slack": AREA_SLACK}
        lost = self._rows(COVERAGE_SQL, lambda: question(self.plan, area_found, self.onemap, control_found,
                                                         self.plan, kept_found))
        if lost is None or not extra:
            return None if lost is None else (lost, None)
        added = self._rows(COVERAGE_SQL, lambda: question(self.plan, area_found, self.plan, kept_found,
                                                          self.onemap, control_found))
        return None if added is None else (lost, added)

    def _rows(self, template, parts):
        """The rows of a query built from `template` with parts() = (identifiers, parameters), or None when
        parts() says the tables lack what it needs or the database refuses."""
        import psycopg2
        from psycopg2 import sql
        try:
            built = parts()
            if built is None:
                return None
            identifiers, params = built
            with self.connection().cursor() as cursor:
                cursor.execute(sql.SQL(template).format(**identifiers), params)
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
