"""Views in a GeoPackage plan or one map: read only when they may be a plan layer, and only once SQLite has read
them whole within a fixed amount of work.

A view is a query run whenever it is read: `WITH RECURSIVE` without an end, or joins of joins, never finish,
and GDAL hangs on such a view as soon as it asks for its fields (it reads a first row). GDAL cannot stop SQLite
part-way, but Python's sqlite3 can: before GDAL touches a view, it is read here (the file opened read-only)
with a progress handler that stops SQLite after MAX_STEPS virtual-machine steps. Steps, not seconds: the same
file gets the same answer on any machine. A plain view of a million parcels takes about 8 million steps (a
second); MAX_STEPS leaves 25 times that for joins, and stops a runaway view after a few seconds.
"""
import contextlib
import os
import sqlite3
from urllib.request import pathname2url

MAX_STEPS = 200_000_000
STEPS_PER_CALL = 10_000


def _connect(path):
    return contextlib.closing(sqlite3.connect("file:{}?mode=ro".format(pathname2url(os.path.abspath(path))), uri=True,
                                              timeout=1))


def _quoted(name):
    return '"{}"'.format(name.replace('"', '""'))


def views(path):
    """{lower-case view name: its column names} of a GeoPackage (its schema only: no view is run); {} when
    SQLite cannot read the file (GDAL then says why)."""
    try:
        with _connect(path) as db:
            names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")]
            return {name.lower(): [column[1] for column in db.execute("PRAGMA table_info({})".format(_quoted(name)))]
                    for name in names}
    except sqlite3.Error:
        return {}


def unreadable(path, name):
    """Why the view `name` cannot be read (it needs more than MAX_STEPS, or SQLite fails on it), or ''."""
    calls = [0]

    def budget():
        calls[0] += 1
        return calls[0] > MAX_STEPS // STEPS_PER_CALL           # non-zero: SQLite stops ("interrupted")
    try:
        with _connect(path) as db:
            db.set_progress_handler(budget, STEPS_PER_CALL)
            for _row in db.execute("SELECT * FROM {}".format(_quoted(name))):
                pass
    except sqlite3.Error as exc:
        if calls[0] > MAX_STEPS // STEPS_PER_CALL:
            return ("视图 {} 无法在限定的计算量内读完（无终止的递归或过大的连接），未读取；请导出为数据表后再提交 "
                    "(a view that cannot be read within a bounded amount of work: not read)".format(name))
        return "视图 {} 无法读取 (a view that cannot be read)：{}".format(name, exc)
    return ""
