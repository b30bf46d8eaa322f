"""Findings GeoPackages altered as someone handing one to a reviewer could: made in the tests from the
sample's own findings with sqlite3 (issue 18's red team: /work/scratch/redteam/make_hostile_findings.py)."""
import shutil
import sqlite3
import struct

import pytest

from conftest import sample
from plugin.core.check.engine import verify

PLAN, ONEMAP = "village_conflicts.gpkg", "township_onemap.gpkg"

# The R-tree triggers GDAL 3.13 (Debian sid, the matrix's QGIS 3.44) writes for a findings layer: update5-7
# (GeoPackage 1.4) instead of 3.6's update1 and update3. Read from a layer made by that GDAL.
GDAL_313_RTREE = [
    'CREATE TRIGGER "rtree_findings_geom_update5" AFTER UPDATE ON "findings" WHEN OLD."fid" != NEW."fid" AND '
    '(NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom")) BEGIN DELETE FROM "rtree_findings_geom" WHERE id = '
    'OLD."fid"; INSERT OR REPLACE INTO "rtree_findings_geom" VALUES (NEW."fid",ST_MinX(NEW."geom"), '
    'ST_MaxX(NEW."geom"),ST_MinY(NEW."geom"), ST_MaxY(NEW."geom")); END',
    'CREATE TRIGGER "rtree_findings_geom_update6" AFTER UPDATE OF "geom" ON "findings" WHEN OLD."fid" = '
    'NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom")) AND (OLD."geom" NOTNULL AND NOT '
    'ST_IsEmpty(OLD."geom")) BEGIN UPDATE "rtree_findings_geom" SET minx = ST_MinX(NEW."geom"), maxx = '
    'ST_MaxX(NEW."geom"),miny = ST_MinY(NEW."geom"), maxy = ST_MaxY(NEW."geom") WHERE id = NEW."fid";END',
    'CREATE TRIGGER "rtree_findings_geom_update7" AFTER UPDATE OF "geom" ON "findings" WHEN OLD."fid" = '
    'NEW."fid" AND (NEW."geom" NOTNULL AND NOT ST_IsEmpty(NEW."geom")) AND (OLD."geom" ISNULL OR '
    'ST_IsEmpty(OLD."geom")) BEGIN INSERT INTO "rtree_findings_geom" VALUES (NEW."fid",ST_MinX(NEW."geom"), '
    'ST_MaxX(NEW."geom"),ST_MinY(NEW."geom"), ST_MaxY(NEW."geom")); END']
# the red team's trigger: one decision recorded, every other finding 已认可例外 in the reviewer's name
FORGER = """CREATE TRIGGER t_accept AFTER INSERT ON decisions WHEN NEW.reason <> 'x' BEGIN
  INSERT INTO decisions(finding_id, decision, reason, approval_no, reviewer, decided_at, resolved, review)
    SELECT finding_id, 'accepted', 'x', '自然资函〔2024〕1号', NEW.reviewer, NEW.decided_at, 0, 0
    FROM findings WHERE finding_id <> NEW.finding_id;
END;"""


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """The conflicts plan checked once: 11 errors, 5 warnings, 1 note."""
    output = str(tmp_path_factory.mktemp("hostile") / "checked.gpkg")
    verify(sample(PLAN), sample(ONEMAP), output=output)
    return output


@pytest.fixture
def findings(checked, tmp_path):
    """A copy of `checked` to alter."""
    return copy(checked, tmp_path / "findings.gpkg")


def copy(source, target):
    shutil.copy(source, target)
    return str(target)


def execute(path, *statements):
    """Run SQL on a findings file as sqlite3 would: GDAL's R-tree triggers need its ST_ functions (stand-ins)."""
    with sqlite3.connect(path) as db:
        db.create_function("ST_IsEmpty", 1, lambda blob: 0)
        for name in ("ST_MinX", "ST_MinY", "ST_MaxX", "ST_MaxY"):
            db.create_function(name, 1, lambda blob: 0.0)
        for statement in statements:
            if callable(statement):
                statement(db)
            else:
                db.executescript(statement)
    return path


def rows(path, sql, *params):
    with sqlite3.connect(path) as db:
        return db.execute(sql, params).fetchall()


def error_ids(path):
    return [row[0] for row in rows(path, "SELECT finding_id FROM findings WHERE severity = 'error' ORDER BY fid")]


def decide(path, finding_id, decision="accepted", reason="省重点项目无法避让", approval_no="晋政函〔2024〕12号"):
    """A decision row written past the dialog."""
    execute(path, lambda db: db.execute(
        "INSERT INTO decisions (finding_id, decision, reason, approval_no, reviewer, decided_at, resolved, review) "
        "VALUES (?, ?, ?, ?, '张三', '2026-01-01T10:00:00+08:00', 0, 0)", (finding_id, decision, reason, approval_no)))


def set_geometry(path, wkb, where="fid = (SELECT min(fid) FROM findings WHERE geom IS NOT NULL)"):
    """A finding's geometry replaced by `wkb` in a GeoPackage blob without envelope; returns that finding's id."""
    srs = rows(path, "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'findings'")[0][0]
    blob = b"GP\x00\x01" + struct.pack("<i", srs) + wkb
    finding_id = rows(path, "SELECT finding_id FROM findings WHERE " + where)[0][0]
    execute(path, lambda db: db.execute("UPDATE findings SET geom = ? WHERE finding_id = ?", (blob, finding_id)))
    return finding_id


def truncated_polygon():
    """A polygon that claims 2^31 points and holds two."""
    return struct.pack("<BIII", 1, 3, 1, 0x7FFFFFFF) + b"\x00" * 32


def nan_polygon():
    nan = float("nan")
    ring = [(nan, nan), (1.0, nan), (nan, 1.0), (nan, nan)]
    return struct.pack("<BIIBIII", 1, 6, 1, 1, 3, 1, len(ring)) + b"".join(struct.pack("<dd", *p) for p in ring)


def as_view(path, table, recursive=False):
    """`table` renamed and replaced by a view of it (one that never ends with `recursive`)."""
    if recursive:
        body = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                "SELECT t.* FROM {0}_real t, n WHERE n.i > 0".format(table))
    else:
        body = "SELECT * FROM {}_real".format(table)
    return execute(path, 'ALTER TABLE "{0}" RENAME TO "{0}_real"; CREATE VIEW "{0}" AS {1};'.format(table, body))
