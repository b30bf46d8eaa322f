"""The findings GeoPackage's path, checked before a run starts, and its checked atomic write.

An OUTPUT may never be, or lie inside, an input (resolved paths and symlinks, .gdb and shapefile
folders, a shapefile's sidecar files, the rule file); an existing file is replaced only when it
is a OneMap findings GeoPackage (or empty). The result is written to a temporary file of ours
beside it, checked (SQLite integrity, every table's row count) and only then moved into place:
on any failure the previous result stays as it was. Temporary files of killed runs are removed.
"""
import contextlib
import os
import re
import sqlite3
import time
import urllib.parse

from .errors import OneMapError
from .read import postgis
from .read.sources import shapefile_parts

EXTENSION = ".gpkg"
NAME_MAX, PATH_MAX = 255, 4096                       # bytes, as Linux and Windows (long paths) allow
TEMPORARY = re.compile(r"^\.onemap-(\d+)-[0-9a-f]+\.part\.[a-z]+(-journal|-wal|-shm)?$")   # .gpkg; exports' .pdf …
STALE_DEAD_S, STALE_ANY_S = 600, 86400               # a dead run's file after 10 min, any after a day
SQLITE_SIDECARS = ("", "-wal", "-shm", "-journal")
LOCK_WAIT_S = 2.0                                    # a reader waits this long for a writer (a live re-check)


def _error(zh, en, path):
    return OneMapError("输出文件 {}：{}".format(path, zh), "Output {}: {}".format(path, en))


def _protected(inputs):
    """(files, folders) no output may be or lie in: every input resolved, with its sidecar files."""
    files, folders = set(), set()
    for source in inputs:
        if not source or postgis.is_postgis(source) or not os.path.exists(source):
            continue
        real = os.path.realpath(source)
        if os.path.isdir(real):
            folders.add(real)
        elif real.lower().endswith(".shp"):
            files.update(os.path.realpath(part) for part in shapefile_parts(real))
        else:
            files.update(real + suffix for suffix in SQLITE_SIDECARS)
    return files, folders


def read_only(path):
    """A read-only SQLite connection to a GeoPackage (closed when the `with` block ends)."""
    return contextlib.closing(sqlite3.connect("file:{}?mode=ro".format(urllib.parse.quote(path)), uri=True,
                                              timeout=LOCK_WAIT_S))


def is_locked(exc):
    """Whether an sqlite3 error says another connection holds the database (an exclusive lock)."""
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc).lower()


def sqlite_trouble(exc):
    """(zh, en) for an sqlite3 error met while reading a GeoPackage: locked by another program, not a
    database, or SQLite's own words."""
    if is_locked(exc):
        return ("文件被其他程序锁定（正在写入？），请关闭该程序或稍后再试",
                "the file is locked by another program (being written?): close it or try again later")
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc).lower():
        return "不是 GeoPackage（SQLite）文件", "not a GeoPackage (SQLite) file"
    return "SQLite：{}".format(exc), "SQLite: {}".format(exc)


def findings_gpkg_state(path):
    """'findings' for a GeoPackage OneMap wrote (tables findings and run), 'locked' when another program
    holds it, else 'other'; never raises."""
    try:
        with read_only(path) as db:
            tables = {row[0] for row in db.execute("SELECT table_name FROM gpkg_contents")}
            return "findings" if {"findings", "run"} <= tables else "other"
    except sqlite3.Error as exc:
        return "locked" if is_locked(exc) else "other"


def is_findings_gpkg(path):
    """True for a GeoPackage OneMap wrote (tables findings and run); never raises."""
    return findings_gpkg_state(path) == "findings"


def check_output(path, inputs=()):
    """The resolved output path, or OneMapError saying why it cannot be written (before any work)."""
    if not path:
        raise OneMapError("未指定输出文件", "No output file given")
    path = os.fspath(path)
    if not path.lower().endswith(EXTENSION):
        raise _error("应为 .gpkg 文件（GeoPackage）", "must be a .gpkg file (GeoPackage)", path)
    resolved = os.path.realpath(path)                    # symlinks and '..' as the system resolves them
    if len(os.path.basename(resolved).encode("utf-8")) > NAME_MAX or len(resolved.encode("utf-8")) > PATH_MAX:
        raise _error("文件名或路径过长", "the file name or path is too long", path)
    if os.path.isdir(resolved):
        raise _error("这是一个文件夹，请给出 .gpkg 文件名", "is a folder; give a .gpkg file name", path)
    existing = os.path.dirname(resolved)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise _error("路径中的 {} 不是文件夹".format(existing), "{} on the way is not a folder".format(existing), path)
    files, folders = _protected(inputs)
    inside = next((f for f in folders if resolved == f or resolved.startswith(f.rstrip(os.sep) + os.sep)), None)
    if resolved in files or inside:
        raise _error("不能是输入数据或位于输入数据之内（{}）——输入只读".format(inside or resolved),
                     "must not be, or lie inside, an input ({}): inputs are only read".format(inside or resolved), path)
    if os.path.lexists(resolved):
        if any(os.path.exists(f) and os.path.samefile(resolved, f) for f in files):
            raise _error("与输入数据是同一文件（硬链接）", "is the same file as an input (hard link)", path)
        state = findings_gpkg_state(resolved) if os.path.isfile(resolved) and os.path.getsize(resolved) else ""
        if state == "locked":
            raise _error("被其他程序锁定（正在写入？），不会覆盖；请关闭该程序或稍后再试",
                         "is locked by another program (being written?); it is not replaced — close it or try "
                         "again later", path)
        if not os.path.isfile(resolved) or state == "other":
            raise _error("已存在且不是 OneMap 核对结果，不会覆盖；请另选文件名",
                         "exists and is not a OneMap findings GeoPackage; it is not replaced — choose another name",
                         path)
    return resolved


def _alive(pid):
    if os.name == "nt":          # os.kill(pid, 0) would terminate that process on Windows (TerminateProcess)
        return True              # a day-old temporary is removed all the same (STALE_ANY_S)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temporaries(folder):
    """Delete temporary files of ours left by runs that were killed (never another run's live file)."""
    now = time.time()
    for name in os.listdir(folder):
        match = TEMPORARY.match(name)
        if not match:
            continue
        path = os.path.join(folder, name)
        with contextlib.suppress(OSError):
            age = now - os.lstat(path).st_mtime
            if age > STALE_ANY_S or (age > STALE_DEAD_S and not _alive(int(match.group(1)))):
                os.remove(path)


def _remove(temporary):
    for suffix in SQLITE_SIDECARS:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary + suffix)


def check_written(path, counts):
    """OneMapError unless the file is a sound SQLite database whose tables hold exactly `counts` rows."""
    try:
        with read_only(path) as db:
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
            found = {table: db.execute('SELECT COUNT(*) FROM "{}"'.format(table)).fetchone()[0] for table in counts}
    except sqlite3.Error as exc:
        raise OneMapError("写入的结果无法读回：{}".format(exc), "The written result cannot be read back: {}".format(exc))
    if verdict != "ok" or found != counts:
        raise OneMapError("写入的结果不完整（{}，{}）".format(verdict, found),
                          "The written result is incomplete ({}, {} instead of {})".format(verdict, found, counts))


@contextlib.contextmanager
def atomic_output(path, inputs=()):
    """Yield a temporary path beside `path`; when the block succeeds, it replaces `path`.

    Any failure (GDAL, disk full, a check) leaves `path` as it was and removes the temporary file;
    it is raised as OneMapError naming the output.
    """
    target = check_output(path, inputs)
    folder = os.path.dirname(target)
    try:
        os.makedirs(folder, exist_ok=True)
        remove_stale_temporaries(folder)
    except OSError as exc:
        raise _error("无法创建或读取文件夹：{}".format(exc.strerror), "cannot create or read its folder: {}".format(
            exc.strerror), path)
    temporary = os.path.join(folder, ".onemap-{}-{}.part.gpkg".format(os.getpid(), os.urandom(6).hex()))
    try:
        yield temporary
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except OSError as exc:
        raise _error("写入失败：{}（原有结果未改动）".format(exc.strerror or exc),
                     "writing failed: {} (any previous result is unchanged)".format(exc.strerror or exc), path)
    except (RuntimeError, sqlite3.Error, UnicodeError, OverflowError) as exc:   # GDAL; rows written with sqlite3
        raise _error("写入失败：{}（原有结果未改动）".format(exc), "writing failed: {} (any previous result is "
                     "unchanged)".format(exc), path)
    except OneMapError as exc:
        raise _error("{}（原有结果未改动）".format(exc.zh), "{} (any previous result is unchanged)".format(exc.en), path)
    finally:
        _remove(temporary)


def input_containing(path, inputs):
    """The input (resolved) that `path` is or lies inside — a folder of sheets, say — or None."""
    resolved = os.path.realpath(path)
    files, folders = _protected(inputs)
    if resolved in files:
        return resolved
    return next((f for f in folders if resolved == f or resolved.startswith(f.rstrip(os.sep) + os.sep)), None)
