"""Write an export atomically: into a hidden temporary file beside it, then move it into place.

The temporary file, `.onemap-<pid>-<hex>.part<.ext>`, keeps the extension (GDAL drivers and QGIS
exporters choose formats by it). Those of killed exports are removed by the next export into the
folder, as the findings GeoPackage's are (core.outputs.remove_stale_temporaries); so are, after a
day, those of OneMap 0.2.2 and earlier (`.onemap-<8 characters>.pdf` …).
"""
import contextlib
import errno
import os
import re
import time

from ..errors import OneMapError
from ..outputs import STALE_ANY_S, remove_stale_temporaries
from ..windows import in_use_error

EARLIER = re.compile(r"^\.onemap-[a-z0-9_]{8}\.(pdf|html|xlsx|png)$")      # tempfile.mkstemp's names


NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)


def _error(zh, en, path):
    return OneMapError("输出文件 {}：{}".format(path, zh), "Output {}: {}".format(path, en))


def reason(exc):
    """(zh, en) of why an OSError stopped a write: a read-only or forbidden folder said as such."""
    if exc.errno in NOT_WRITABLE:
        return "没有写入权限（文件夹只读或权限不足）", "no permission to write (the folder is read-only or not writable)"
    return exc.strerror or str(exc), exc.strerror or str(exc)


def _can_create(temporary, path):
    """OneMapError naming `path` and the reason unless a file can be created where `temporary` goes: a
    read-only or forbidden folder is said as such before any writer (QGIS's PDF, GDAL's XLSX) fails on the
    hidden temporary name in its own words."""
    try:
        with open(temporary, "xb"):
            pass
        os.remove(temporary)
    except OSError as exc:
        zh, en = reason(exc)
        raise _error("无法写入文件夹 {}：{}；请另选输出位置".format(os.path.dirname(temporary), zh),
                     "cannot write in the folder {}: {}; choose another location".format(
                         os.path.dirname(temporary), en), path) from exc


def _remove_earlier_temporaries(folder):
    now = time.time()
    for name in os.listdir(folder):
        if EARLIER.match(name):
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                if now - os.lstat(path).st_mtime > STALE_ANY_S:
                    os.remove(path)


def write_atomically(path, write):
    """Call write(temporary_path) and move the result onto `path`; nothing is left behind on failure,
    and any earlier file at `path` is unchanged. OneMapError naming `path` when it cannot be written
    (a folder in its place, a folder that cannot be made or is read-only, a full disk …)."""
    if os.path.isdir(path):
        raise _error("这是一个文件夹，请给出文件名", "is a folder; give a file name", path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        remove_stale_temporaries(folder)
        _remove_earlier_temporaries(folder)
    except OSError as exc:
        zh, en = reason(exc)
        raise _error("无法创建或读取文件夹 {}：{}".format(folder, zh), "cannot create or read its folder {}: {}".format(
            folder, en), path) from exc
    temporary = os.path.join(folder, ".onemap-{}-{}.part{}".format(os.getpid(), os.urandom(6).hex(),
                                                                   os.path.splitext(path)[1].lower()))
    _can_create(temporary, path)
    try:
        write(temporary)
        os.replace(temporary, path)
    except PermissionError as exc:                        # Windows: the file is open in another program
        raise in_use_error(exc) from exc
    except (OSError, RuntimeError) as exc:                # RuntimeError: GDAL's
        why = getattr(exc, "strerror", None) or exc
        raise _error("写入失败：{}（原有文件未改动）".format(why),
                     "writing failed: {} (any previous file is unchanged)".format(why), path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
    return path
