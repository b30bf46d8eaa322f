"""What a findings GeoPackage may hold before OneMap reads it or writes into it.

A findings file may come from anyone, and SQLite runs what a file carries: a view runs its query when
it is read (one that never ends hangs the reader), a generated column computes what is read, and a
trigger runs when a row is written — one on `decisions` can turn a reviewer's single 误报 into
已认可例外 on every other finding, signed with the reviewer's own name and time. So, judged on the
file's schema (`sqlite_master`, read without running anything) before anything else is read:

- to be read, the file holds no view and no virtual table but the R-tree spatial indexes, and the
  tables OneMap reads (TABLES, GeoPackage's own READ) are ordinary tables without generated columns;
- to be written (a reviewer decision, a live re-check), every trigger is one GDAL or the GeoPackage
  standard makes — the R-tree index upkeep, OGR's feature counts, the tile-matrix checks — judged by
  what its SQL can do, not by its name: it writes only to its own table's R-tree index or to
  gpkg_ogr_contents (or raises an error), calls only ST_MinX/ST_MaxX/ST_MinY/ST_MaxY/ST_IsEmpty and
  lower(), and holds no subquery; and the tables written have no unique constraint (ON CONFLICT REPLACE
  would delete another row) and are referenced by no foreign key.

A refusal names the object and says the file may have been altered (and, where only writing is refused,
that the file can still be viewed and exported).
"""
import re

from ..errors import OneMapError
from .layout import TABLES

READ = ("gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys")    # what the reader reads besides
WRITTEN = ("findings", "rules", "run", "decisions", "gpkg_ogr_contents")      # what a decision or a re-check writes

TOKEN = re.compile(r"""(?P<space>\s+)|(?P<string>'(?:[^']|'')*')|(?P<name>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])"""
                   r"""|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<number>\d+(?:\.\d+)?)"""
                   r"""|(?P<op><>|!=|<=|>=|==|\|\||[-+*/%<>=(),.;])""")
KEYWORDS = {"create", "trigger", "if", "not", "exists", "before", "after", "insert", "update", "delete", "of", "on",
            "for", "each", "row", "when", "begin", "end", "or", "replace", "into", "values", "from", "where", "set",
            "and", "null", "notnull", "isnull", "is", "in", "select", "raise", "abort", "new", "old"}
FUNCTIONS = {"st_minx", "st_maxx", "st_miny", "st_maxy", "st_isempty", "lower", "raise"}
BEFORE_PARENTHESIS = {"values", "in", "where", "and", "or", "not", "when"}    # words a "(" may follow
GDAL_NAMES = {"id", "minx", "maxx", "miny", "maxy", "feature_count", "table_name", "gpkg_ogr_contents", "zoom_level",
              "matrix_width", "matrix_height", "pixel_x_size", "pixel_y_size"}   # columns its triggers name unquoted


def refused(path, zh, en, writing=False):
    """The OneMapError refusing a findings file; with `writing`, only writing into it is refused."""
    if writing:
        return OneMapError("核对结果 {} {}，不在其中记录审查决定或写入核对结果（仍可查看和导出）；文件可能被改动，请重新核对".format(
            path, zh), "The findings file {} {}: no decision or re-check is written into it (it can still be viewed "
            "and exported); it may have been altered — check again".format(path, en))
    return OneMapError("核对结果 {} {}，文件可能被改动，不予使用；请重新核对".format(path, zh),
                       "The findings file {} {}: it may have been altered and is not used — check again".format(path, en))


def check(db, path, writing=False):
    """OneMapError unless the findings GeoPackage open on the sqlite3 connection `db` may be read (and,
    with `writing`, written into) by OneMap."""
    objects = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    tables = {}
    for kind, name, table, sql in objects:
        lowered = (name or "").lower()
        if kind == "view":
            raise refused(path, "含有视图 {}（OneMap 写出的核对结果没有视图，读取视图会执行其中的查询）".format(name),
                           "holds the view {} (OneMap writes none; reading a view runs its query)".format(name))
        if kind == "table":
            virtual = (sql or "").lstrip().upper().startswith("CREATE VIRTUAL")
            if virtual and not (lowered.startswith("rtree_") and re.search(r"\busing\s+rtree\s*\(", sql, re.I)):
                raise refused(path, "含有虚拟表 {}（不是 GeoPackage 的空间索引）".format(name),
                               "holds the virtual table {} (not a GeoPackage spatial index)".format(name))
            tables[lowered] = ("rtree" if virtual else "table", table)
    for name in list(TABLES) + list(READ):
        if name in tables:
            _no_generated_columns(db, path, name)
    if writing:
        _writable(db, path, objects, tables)


def _no_generated_columns(db, path, table):
    for row in db.execute('PRAGMA table_xinfo("{}")'.format(table)):
        if row[6] in (2, 3):                              # hidden: 2 generated virtual, 3 generated stored
            raise refused(path, "的 {} 表含计算列 {}（读出的值由公式生成，不是写入的数据）".format(table, row[1]),
                           "has a generated column {} in {} (what is read is computed, not stored)".format(
                               row[1], table))


def _writable(db, path, objects, tables):
    for kind, name, table, sql in objects:
        if kind == "trigger" and not _gdal_trigger(db, sql or "", (table or "").lower(), tables):
            raise refused(path, "含有触发器 {}（不是 GDAL/GeoPackage 所建；写入一条记录时它会改动其他记录）".format(name),
                           "holds the trigger {} (not one GDAL or GeoPackage makes: writing one row would change "
                           "others)".format(name), writing=True)
    for table in WRITTEN:
        if table not in tables:
            continue
        for _seq, index, unique, origin, *_rest in db.execute('PRAGMA index_list("{}")'.format(table)):
            if unique and origin != "pk":
                raise refused(path, "的 {} 表有唯一约束 {}（写入时可能替换其他记录）".format(table, index),
                               "has a unique constraint {} on {} (a write could replace other rows)".format(
                                   index, table), writing=True)
    for other in tables:
        for row in db.execute('PRAGMA foreign_key_list("{}")'.format(other.replace('"', '""'))):
            if row[2].lower() in WRITTEN:
                raise refused(path, "的 {} 表有外键引用 {}（写入时可能连带改动）".format(other, row[2]),
                               "has a foreign key from {} to {} (a write could change other rows)".format(
                                   other, row[2]), writing=True)


def _tokens(sql):
    """[(kind, text)] of an SQL statement without white space; None if it holds anything else (comments …)."""
    found, at = [], 0
    for match in TOKEN.finditer(sql):
        if match.start() != at:
            return None
        at = match.end()
        if match.lastgroup != "space":
            found.append((match.lastgroup, match.group()))
    return found if at == len(sql) else None


def _unquoted(kind, text):
    """A token as SQL reads it: names and strings without their quotes, everything lower case."""
    return text[1:-1].replace(text[0] * 2, text[0]).lower() if kind in ("name", "string") else text.lower()


def _gdal_trigger(db, sql, table, tables):
    """Whether a trigger's SQL can do only what GDAL's and the GeoPackage standard's triggers do (see above)."""
    tokens = _tokens(sql)
    if not tokens:
        return False
    columns = {row[1].lower() for row in db.execute('PRAGMA table_info("{}")'.format(table.replace('"', '""')))}
    targets = {"gpkg_ogr_contents"} | {name for name, (kind, _t) in tables.items()
                                       if kind == "rtree" and name.startswith("rtree_{}_".format(table))}
    known = KEYWORDS | FUNCTIONS | GDAL_NAMES | columns | targets | {table}
    tokens = [(kind, _unquoted(kind, text)) for kind, text in tokens]
    words = [text if kind == "word" else None for kind, text in tokens]      # bare words only: SQL's own
    if "begin" not in words or words[-1] != "end":
        return False
    for index, (kind, text) in enumerate(tokens):
        following = tokens[index + 1][1] if index + 1 < len(tokens) and tokens[index + 1][0] == "op" else None
        before = tokens[index - 1] if index else ("", "")
        if kind == "word" and text not in known and before != ("op", "."):
            return False                                  # a bare word that is neither SQL of these nor a name
        if following == "(" and kind != "op" and not (kind == "word" and text in FUNCTIONS | BEFORE_PARENTHESIS):
            return False                                  # a call of anything but the R-tree's functions
        if kind == "word" and text == "select" and not (before in (("word", "begin"), ("op", ";")) and
                                                          index + 1 < len(tokens) and tokens[index + 1] == ("word", "raise")):
            return False                                  # a subquery, or a SELECT that is not SELECT RAISE(…)
    statement = []
    for kind, text in tokens[words.index("begin") + 1:-1] + [("op", ";")]:
        if (kind, text) != ("op", ";"):
            statement.append(text)
        elif statement:
            if not _statement_allowed(statement, targets):
                return False
            statement = []
    return True


def _statement_allowed(words, targets):
    """One statement of a trigger's body: SELECT RAISE(…), or INSERT/UPDATE/DELETE of an allowed target."""
    head = words[0]
    if head == "select":
        return True                                      # SELECT RAISE(…) [WHERE …]: checked token by token
    if head in ("insert", "replace"):
        rest = words[words.index("into") + 1:] if "into" in words else []
    elif head == "update":
        rest = [w for w in words[1:] if w not in ("or", "replace", "abort")]
    elif head == "delete":
        rest = words[2:] if len(words) > 2 and words[1] == "from" else []
    else:
        return False
    return bool(rest) and rest[0] in targets
