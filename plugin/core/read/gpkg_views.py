"""Views in a GeoPackage plan or one map: every view of a file is read whole by SQLite within a fixed amount of
work before GDAL or QGIS opens any layer of it.

A view is a query run whenever it is read: `WITH RECURSIVE` without an end, or joins of joins, never finish,
and GDAL hangs on such a view as soon as it asks for its fields (it reads a first row) — and QGIS 3.40 (GDAL
3.10) hangs opening *another* layer of the same file (measured: QgsVectorLayer of GHYDYH never returned beside
an endless view `notes`; 3.22 opened it). GDAL cannot stop SQLite part-way, but Python's sqlite3 can: each view
is read here (the file opened read-only) with a progress handler that stops SQLite after MAX_STEPS
virtual-machine steps. Steps, not seconds: the same file gets the same answer on any machine. A plain view of
a million parcels takes about 8 million steps (a second); MAX_STEPS leaves 25 times that for joins, and stops
a runaway view after a few seconds. A file holding a view that does not end is refused whole (sources.py); a
view that fails is listed unread.
"""
import contextlib
import functools
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
    """{lower-case view name: its column names} of a GeoPackage (its schema only: no view is run; a view whose
    columns SQLite cannot tell, e.g. one naming a missing table, has none); {} when SQLite cannot read the file
    (GDAL then says why)."""
    try:
        with _connect(path) as db:
            names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'")]
            return {name.lower(): _columns(db, name) for name in names}
    except sqlite3.Error:
        return {}


def _columns(db, name):
    try:
        return [column[1] for column in db.execute("PRAGMA table_info({})".format(_quoted(name)))]
    except sqlite3.Error:
        return []


ENDLESS = "endless"          # the outcome of a view SQLite cannot read within MAX_STEPS


def outcome(path, name):
    """'' when SQLite reads the view `name` whole within MAX_STEPS, ENDLESS when it needs more, else SQLite's error.
    Remembered while the file (and its write-ahead log) is unchanged: a check opens its sources several times."""
    return _outcome(os.path.realpath(path), name.lower(), _state(path) + _state(path + "-wal"))


def _state(path):
    try:
        info = os.stat(path)
    except OSError:
        return (None, None)
    return (info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=256)
def _outcome(path, name, _state_key):
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
        return ENDLESS if calls[0] > MAX_STEPS // STEPS_PER_CALL else str(exc) or type(exc).__name__
    return ""


def endless_text(names):
    """(zh, en) saying that views `names` cannot be read within the bounded work."""
    listed = "、".join(names)
    return ("视图 {} 无法在限定的计算量内读完（无终止的递归或过大的连接）".format(listed),
            "view {} cannot be read within a bounded amount of work".format(", ".join(names)))


def failed_text(name, error):
    """A view SQLite fails on, as a layer's reason."""
    return "视图 {} 无法读取 (a view that cannot be read)：{}".format(name, error)
