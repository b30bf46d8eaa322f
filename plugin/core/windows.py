"""What Windows refuses that Linux allows, said before the work starts or when it happens.

- MAX_PATH: without the system's long-path setting, Windows programs fail on a path of 260 UTF-16
  units or more (a Chinese character counts one, not its three UTF-8 bytes). Outputs are written to a
  temporary file beside the target first, whose name is longer than the target's.
- A file another program holds open (a PDF reader, Excel, a QGIS layer) cannot be replaced: the
  move into place fails with "being used by another process" (PermissionError).
"""
import ntpath
import os

from .errors import OneMapError

MAX_PATH = 260
TEMPORARY_NAME = 40          # .onemap-<pid>-<12 hex>.part.gpkg (core/outputs.py) and .onemap-<8>.pdf (export)


def units(path):
    """Length in UTF-16 code units, as Windows counts it."""
    return len(path.encode("utf-16-le")) // 2


def too_long(path):
    """Whether writing the Windows path `path` (or its temporary file beside it) reaches MAX_PATH."""
    path = ntpath.abspath(path)
    return max(units(path), units(ntpath.dirname(path)) + 1 + TEMPORARY_NAME) >= MAX_PATH


def long_path_warning(path, windows=os.name == "nt"):
    """(zh, en) warning when `path` may be too long for Windows, else None (always None elsewhere)."""
    if not windows or not path or not too_long(path):
        return None
    return ("路径 {} 共 {} 个字符，接近或超过 Windows 的 260 字符限制，写入可能失败；请改用较短的文件夹".format(path, units(path)),
            "The path {} is {} characters long, at or near Windows' limit of 260: writing may fail; choose a "
            "shorter folder".format(path, units(path)))


def in_use_error(exc):
    """A OneMapError naming the file a PermissionError was about (replacing a file that is open elsewhere)."""
    path = exc.filename2 or exc.filename or ""
    return OneMapError("无法写入 {}：文件正被其他程序使用或没有写入权限（例如已在 PDF 阅读器、Excel 或 QGIS 中打开），"
                       "请关闭后重试".format(path),
                       "Cannot write {}: the file is in use by another program or not writable (open in a PDF "
                       "reader, Excel or QGIS?); close it and try again".format(path))
