"""A findings GeoPackage read back — the one reader of the browser, the report, the map sheets, PREVIOUS
and the life cycle's verdict — checking what it reads.

A findings file may come from anyone. Its schema is checked first (core.review.guard); then only the
columns OneMap writes are read (core.review.layout; no SQL is ever built from the file's own names),
each value of its column's type — text where a number belongs, a severity other than exactly error,
warning or info, a rule status OneMap does not write: the file is refused, naming table, row and
column —, a finding's geometry read whole (one cut short, of an unknown type or with a coordinate
that is no finite number is refused, naming the finding), texts made plain and bounded
(core.export.text). What the file says about itself is compared — each rule's status and count with
the findings listed, the run record's counts with both — and where they disagree `problems` says so:
the report then cannot conclude 通过. The CRS is the EPSG code the file names; a definition of its own
naming a grid or an address is refused (PROJ would look for it).
"""
import contextlib
import json
import math
import os
import re
import sqlite3
import struct
from collections import Counter
from dataclasses import dataclass, field

from osgeo import ogr
from qgis.core import QgsCoordinateReferenceSystem

from ..check.geomops import from_wkb
from ..errors import OneMapError
from ..export.text import clip, plain
from ..outputs import read_only, sqlite_trouble
from . import guard
from .layout import SEVERITIES, STATUS_ZH, STATUSES, TABLES

REQUIRED = {"findings": ("finding_id", "rule_id", "severity"), "rules": ("rule_id", "status")}
TEXT_MAX = 1000                    # characters of any text a finding, rule or indicator shows (a label, a message)
RUN_TEXT_MAX = 4096                # … of the run record's (paths)
UNCHANGED = {"finding_id", "villages"}   # an identity (decisions are matched on it), the run's JSON list (parsed)
ENVELOPE_BYTES = (0, 32, 48, 48, 64)
NETWORK = re.compile(r"grid|https?:|ftp:|/vsi|@", re.IGNORECASE)      # a CRS definition PROJ would fetch for
KINDS_ZH = {ogr.OFTString: "文本", ogr.OFTReal: "数值", ogr.OFTInteger: "整数", ogr.OFTInteger64: "整数"}
KINDS_EN = {ogr.OFTString: "text", ogr.OFTReal: "a number", ogr.OFTInteger: "an integer",
            ogr.OFTInteger64: "an integer"}
PROBLEMS_SHOWN = 5                 # contradictions named in a message; the rest counted


@dataclass
class Stored:
    path: str
    run: dict
    rules: list                    # rows of `rules` (dicts of every known column, 'fid')
    indicators: list
    findings: list                 # rows of `findings`: 'fid', 'has_geometry', '_wkb' when read with geometry
    villages: list = field(default_factory=list)     # the village names the run record gives
    problems: list = field(default_factory=list)     # [(zh, en)]: where the file contradicts itself
    srs: tuple = (None, None, None)                  # the findings' (organization, code, definition)

    @property
    def run_id(self):
        return self.run.get("run_id") or ""

    @property
    def stale_rules(self):
        """The rules a live re-check did not run again after the plan was edited (their status and findings
        are those before the edit), in the rules table's order."""
        stale = set(_text_list(self.run.get("stale_rules")))
        return [rule["rule_id"] for rule in self.rules if rule["rule_id"] in stale]

    @property
    def crs(self):
        """The findings' CRS (invalid when the file gives none); OneMapError for a definition naming a grid."""
        organization, code, definition = self.srs
        if str(organization or "").upper() == "EPSG" and isinstance(code, int) and code > 0:
            crs = QgsCoordinateReferenceSystem("EPSG:{}".format(code))
            if crs.isValid():
                return crs
        if not isinstance(definition, str) or not definition.strip() or definition.strip() == "undefined":
            return QgsCoordinateReferenceSystem()
        if NETWORK.search(definition):
            raise guard.refused(self.path, "的坐标系定义引用外部格网或网址（{}）".format(clip(plain(definition), 80)),
                                "names a grid or an address in its CRS definition")
        return QgsCoordinateReferenceSystem.fromWkt(definition)


@contextlib.contextmanager
def connect(path, writing=False):
    """A read-only sqlite3 connection to a findings GeoPackage whose schema passed core.review.guard (for
    writing, with `writing`); OneMapError naming the file when it is missing or cannot be read."""
    if not path or not os.path.isfile(path):
        raise OneMapError("找不到核对结果文件：{}".format(path), "Findings file not found: {}".format(path))
    try:
        with read_only(path) as db:
            db.text_factory = lambda data: data.decode("utf-8", "replace")    # invalid UTF-8 is no traceback
            guard.check(db, path, writing)
            yield db
    except sqlite3.Error as exc:
        zh, en = sqlite_trouble(exc)
        raise OneMapError("无法读取核对结果 {}：{}".format(path, zh), "Cannot read the findings {}: {}".format(path, en))


def read(path, geometry=False):
    """The findings GeoPackage at `path`, checked (see above). `geometry`: False (only whether a finding
    has one), True (every finding's WKB as '_wkb'), or a set of finding ids (only theirs)."""
    with connect(path) as db:
        tables = _Tables(db, path)
        missing = [name for name in ("findings", "rules", "run") if name not in tables.present]
        if missing:
            raise OneMapError("{} 不是 OneMap 核对结果（缺少 {} 表）".format(path, "、".join(missing)),
                              "{} is not a OneMap findings GeoPackage (no {} table)".format(path, ", ".join(missing)))
        runs = tables.rows("run")
        if not runs:
            raise OneMapError("{} 不是 OneMap 核对结果（run 表为空）".format(path),
                              "{} is not a OneMap findings GeoPackage (its run table is empty)".format(path))
        stored = Stored(path, runs[0], tables.rows("rules"),
                        tables.rows("indicators") if "indicators" in tables.present else [],
                        tables.rows("findings", geometry=geometry), srs=tables.srs())
    stored.villages = _text_list(stored.run.get("villages"))
    stored.problems = contradictions(stored)
    return stored


def run_record(path):
    """The run record of a findings GeoPackage (its `run` row), checked; OneMapError as `read`."""
    with connect(path) as db:
        rows = _Tables(db, path).rows("run")
    return rows[0] if rows else {}


def same_run(db, path, run_id):
    """OneMapError unless the file open on `db` is still the check `run_id` (not deleted and replaced by
    another findings file since it was opened)."""
    row = db.execute('SELECT "run_id" FROM "run" LIMIT 1').fetchone()
    if (row[0] if row else None) != run_id:
        raise OneMapError("核对结果 {} 已被替换为另一次核对的结果（打开时为运行编号 {}，现在为 {}）：不会把审查决定记入"
                          "另一个文件，请重新打开".format(path, run_id, row[0] if row else "无"),
                          "The findings file {} has been replaced by another check's (run {} when opened, now {}): "
                          "nothing is written into it — open it again".format(path, run_id, row[0] if row else "none"))


def parcel(path, run_id, plan_layer, plan_fid, rule_ids):
    """One plan feature's findings of `rule_ids` (after core.check.recheck rewrote them), those rules' rows and
    the rules the run row names as not run again since an edit (Stored.stale_rules), from the check `run_id`."""
    with connect(path) as db:
        same_run(db, path, run_id)
        tables = _Tables(db, path)
        marks = ",".join("?" * len(rule_ids))
        found = tables.rows("findings", '"plan_layer" = ? AND "plan_fid" = ? AND "rule_id" IN ({})'.format(marks),
                            [plan_layer, plan_fid] + sorted(rule_ids))
        rules = tables.rows("rules", '"rule_id" IN ({})'.format(marks), sorted(rule_ids))
        runs = tables.rows("run")
    return ([row for row in found if row["plan_layer"] == plan_layer and row["plan_fid"] == plan_fid
             and row["rule_id"] in rule_ids], [row for row in rules if row["rule_id"] in rule_ids],
            _text_list(runs[0].get("stale_rules")) if runs else [])


def finding_geometry(path, run_id, fid, finding_id):
    """The conflicting part of one finding (empty when it has none), read when the reviewer clicks it;
    OneMapError when the file is no longer that check's or the geometry is damaged."""
    with connect(path) as db:
        same_run(db, path, run_id)
        rows = _Tables(db, path).rows("findings", "{} = ?".format(_quoted(_key(db, path, "findings"))), [fid],
                                      geometry=True)
    row = next((row for row in rows if row["finding_id"] == finding_id), None)
    if row is None:
        raise OneMapError("核对结果 {} 中已没有该问题（要素 {}），文件在打开后被改动；请重新打开".format(path, fid),
                          "The findings file {} no longer holds this finding (feature {}): it changed since it was "
                          "opened — open it again".format(path, fid))
    return from_wkb(row.get("_wkb"))


class _Tables:
    """The known tables of a checked findings GeoPackage, read column by known column."""

    def __init__(self, db, path):
        self.db, self.path = db, path
        names = {row[0].lower() for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self.present = {name for name in TABLES if name in names}

    def srs(self):
        try:
            row = self.db.execute(
                "SELECT s.organization, s.organization_coordsys_id, s.definition FROM gpkg_geometry_columns g "
                "JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id WHERE lower(g.table_name) = 'findings'").fetchone()
        except sqlite3.Error:                    # no GeoPackage tables: no CRS
            row = None
        return tuple(row) if row else (None, None, None)

    def _geometry_column(self, columns):
        try:
            row = self.db.execute("SELECT column_name FROM gpkg_geometry_columns "
                                  "WHERE lower(table_name) = 'findings'").fetchone()
        except sqlite3.Error:
            row = None
        return row[0] if row and row[0] in columns else None

    def rows(self, table, where="", params=(), geometry=False):
        fields = TABLES[table]
        columns = [row[1] for row in self.db.execute('PRAGMA table_info("{}")'.format(table))]
        lacking = [name for name in REQUIRED.get(table, ()) if name not in columns]
        if lacking:
            raise OneMapError("{} 不是 OneMap 核对结果（表 {} 缺少字段 {}）".format(self.path, table, "、".join(lacking)),
                              "{} is not a OneMap findings GeoPackage (table {} lacks the fields {})".format(
                                  self.path, table, ", ".join(lacking)))
        key = _key(self.db, self.path, table)
        wanted = [(name, kind) for name, kind in fields if name in columns]
        select = [_quoted(key)] + [_quoted(name) for name, _kind in wanted]
        shape = self._geometry_column(columns) if table == "findings" else None
        if shape:
            select += ["{} IS NOT NULL".format(_quoted(shape)), _quoted(shape) if geometry else "NULL"]
        sql = "SELECT {} FROM {}{} ORDER BY {}".format(", ".join(select), _quoted(table),
                                                        " WHERE " + where if where else "", _quoted(key))
        limit = RUN_TEXT_MAX if table == "run" else TEXT_MAX
        result = []
        for values in self.db.execute(sql, list(params)):
            row = {name: None for name, _kind in fields}
            row["fid"] = values[0]
            for (name, kind), value in zip(wanted, values[1:]):
                row[name] = self._value(table, values[0], name, kind, value)
            self._values_known(table, row)
            for name, _kind in wanted:
                if isinstance(row[name], str) and name not in UNCHANGED:
                    row[name] = clip(plain(row[name]), limit)
            if table == "findings":
                row["has_geometry"] = bool(values[-2]) if shape else False
                if geometry is True or (geometry and row["finding_id"] in geometry):
                    row["_wkb"] = self._wkb(row, values[-1] if shape else None)
            result.append(row)
        return result

    def _value(self, table, fid, name, kind, value):
        """A stored value as its column's type; OneMapError naming table, row and column otherwise."""
        if value is None:
            return None
        if kind == ogr.OFTString and isinstance(value, str):
            return value
        if kind == ogr.OFTReal and isinstance(value, (int, float)) and math.isfinite(value):
            return float(value)
        if kind in (ogr.OFTInteger, ogr.OFTInteger64) and isinstance(value, int):
            return value
        shown = clip(plain(value if isinstance(value, str) else repr(value)), 40)
        raise guard.refused(self.path, "的 {} 表第 {} 行 {} 列的值“{}”不是{}".format(
            table, fid, name, shown, KINDS_ZH[kind]), "has {!r} in column {} of row {} of {}, which is not {}".format(
            shown, name, fid, table, KINDS_EN[kind]))

    def _values_known(self, table, row):
        """A finding's severity and a rule's status are exactly what OneMap writes (they decide the verdict)."""
        name, allowed = {"findings": ("severity", SEVERITIES), "rules": ("status", STATUSES)}.get(table, (None, ()))
        if name and row[name] not in allowed:
            raise guard.refused(self.path, "的 {} 表第 {} 行（{}）的 {} 为“{}”，不是 {} 之一".format(
                table, row["fid"], row.get("finding_id") or row.get("rule_id") or "", name,
                clip(plain(str(row[name])), 40), "、".join(allowed)),
                "has {} {!r} in row {} of {}, not one of {}".format(name, row[name], row["fid"], table, ", ".join(allowed)))

    def _wkb(self, row, blob):
        """The WKB of a finding's GeoPackage geometry blob, checked whole; None for none or an empty one."""
        if blob is None:
            return None
        wkb = _unwrapped(blob)
        if wkb is False or (wkb is not None and not _whole(wkb)):
            raise guard.refused(self.path, "的 findings 表第 {} 行（问题编号 {}）的几何数据不完整、类型不明或坐标不是有限数值".format(
                row["fid"], row["finding_id"]), "has a damaged geometry (cut short, of an unknown type or with a "
                "coordinate that is no finite number) in row {} (finding {}) of findings".format(row["fid"], row["finding_id"]))
        return wkb


def _quoted(name):
    return '"{}"'.format(name.replace('"', '""'))


def _key(db, path, table):
    """The table's INTEGER PRIMARY KEY column (GDAL's fid)."""
    for row in db.execute('PRAGMA table_info("{}")'.format(table)):
        if row[5] == 1 and (row[2] or "").upper() == "INTEGER":
            return row[1]
    raise guard.refused(path, "的 {} 表没有整数主键（fid）".format(table), "has no integer primary key (fid) in {}".format(table))


def _unwrapped(blob):
    """The WKB inside a GeoPackage geometry blob; None for an empty geometry, False for what is none."""
    if not isinstance(blob, bytes) or len(blob) < 8 or blob[:2] != b"GP" or blob[3] & 0x20:
        return False                         # not a standard GeoPackage geometry (the extended kind included)
    envelope = (blob[3] >> 1) & 0x07
    if envelope >= len(ENVELOPE_BYTES):
        return False
    if blob[3] & 0x10:
        return None                          # the empty flag
    return blob[8 + ENVELOPE_BYTES[envelope]:]


def _whole(wkb):
    """Whether `wkb` is one whole ISO WKB geometry (points to collections, 2–4 dimensions) of finite coordinates."""
    try:
        return _walk(wkb, 0, 0) == len(wkb)
    except struct.error:
        return False


def _walk(wkb, at, depth):
    """The offset after the geometry starting at `at`, or None; counts are checked before anything is read."""
    if depth > 8 or len(wkb) < at + 5 or wkb[at] not in (0, 1):
        return None
    order = "<" if wkb[at] else ">"
    code = struct.unpack_from(order + "I", wkb, at + 1)[0]
    kind, dimensions = code % 1000, 2 + {0: 0, 1: 1, 2: 1, 3: 2}.get(code // 1000, 99)
    at += 5
    if dimensions > 4 or not 1 <= kind <= 7:
        return None
    if kind == 1:
        return _points(wkb, at, 1, dimensions, order)
    count = struct.unpack_from(order + "I", wkb, at)[0]
    at += 4
    if kind == 2:
        return _points(wkb, at, count, dimensions, order)
    if count > (len(wkb) - at) // 4:
        return None
    for _part in range(count):
        if kind == 3:                                   # a ring: its points
            points = struct.unpack_from(order + "I", wkb, at)[0]
            at = _points(wkb, at + 4, points, dimensions, order)
        else:
            at = _walk(wkb, at, depth + 1)
        if at is None:
            return None
    return at


def _points(wkb, at, count, dimensions, order):
    size = 8 * dimensions * count
    if count > len(wkb) or at + size > len(wkb):
        return None
    values = struct.unpack_from("{}{}d".format(order, dimensions * count), wkb, at)
    return at + size if all(map(math.isfinite, values)) else None


def _text_list(recorded):
    """The texts of a JSON list in the run record (village names, rule ids; [] when it gives none or cannot
    be read)."""
    try:
        names = json.loads(recorded or "[]")
    except (ValueError, RecursionError):             # a hand-made record nested past Python's stack
        return []
    if not isinstance(names, list):
        return []
    return list(dict.fromkeys(clip(plain(str(name)), TEXT_MAX) for name in names
                              if isinstance(name, (str, int)) and name != ""))


def contradictions(stored):
    """[(zh, en)] where the file contradicts itself: the run record's counts against the findings and rules,
    a rule's status or count against the findings listed. OneMap keeps them in step (a live re-check moves
    them together); rows deleted, added or re-labelled by hand do not."""
    found = []
    counts = Counter(row["severity"] for row in stored.findings)
    statuses = Counter(rule["status"] for rule in stored.rules)
    for column, actual, name in (("errors", counts["error"], "错误"), ("warnings", counts["warning"], "警告"),
                                 ("infos", counts["info"], "提示"), ("not_applicable", statuses["not_applicable"],
                                                                   "不适用的规则"),
                                 ("rule_errors", statuses["error"], "执行出错的规则")):
        recorded = stored.run.get(column)
        if recorded is not None and recorded != actual:
            found.append(("运行记录记{} {} 个，文件中为 {} 个".format(name, recorded, actual),
                          "the run record counts {} {}, the file holds {}".format(recorded, column, actual)))
    listed = Counter(row["rule_id"] for row in stored.findings)
    serious = Counter(row["rule_id"] for row in stored.findings if row["severity"] != "info")
    errors = Counter(row["rule_id"] for row in stored.findings if row["severity"] == "error")
    for rule in stored.rules:
        rule_id, status, count = rule["rule_id"], rule["status"], rule.get("findings")
        wrong_status = {"failed": not serious[rule_id], "passed": serious[rule_id],
                        "not_applicable": listed[rule_id], "error": not errors[rule_id]}[status]
        if wrong_status or (count is not None and count != listed[rule_id]):
            recorded = "、问题 {} 个".format(count) if count is not None else ""
            found.append(("规则 {} 记为“{}”{}，问题清单中为 {} 个（错误、警告 {} 个）".format(
                rule_id, STATUS_ZH[status], recorded, listed[rule_id], serious[rule_id]),
                "rule {} is recorded as {}{}, {} findings are listed ({} errors and warnings)".format(
                    rule_id, status, " with {} findings".format(count) if count is not None else "", listed[rule_id],
                    serious[rule_id])))
    unknown = sorted(set(listed) - {rule["rule_id"] for rule in stored.rules}, key=str)
    if unknown:
        found.append(("问题清单中有规则表未列的规则 {}".format("、".join(map(str, unknown))),
                      "findings of rules the rules table lacks: {}".format(", ".join(map(str, unknown)))))
    return found


def contradictions_text(problems, chinese=True):
    """The contradictions in one sentence, the first few named."""
    shown = [zh if chinese else en for zh, en in problems[:PROBLEMS_SHOWN]]
    more = len(problems) - len(shown)
    if chinese:
        return "；".join(shown) + ("等 {} 处".format(len(problems)) if more > 0 else "")
    return "; ".join(shown) + (" and {} more".format(more) if more > 0 else "")
