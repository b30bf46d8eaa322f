"""Where a set of map sheets goes: safe file names, an output folder that is no input, and a set written
completely or not at all.

A village name becomes part of a file name only after `safe_name` (Chinese kept; path separators,
Windows-forbidden characters, reserved names such as CON, trailing dots and spaces and overlong names
dealt with), and two villages never share a name. The sheets are rendered into a hidden staging folder
inside OUTPUT; only when every sheet is there do they replace the earlier set — its files of the same
names and the sheets of that set this run does not write (an earlier 04 beside a new 01–03) — and a
failure puts the earlier set back.
"""
import contextlib
import os
import re
import shutil
import tempfile
import time

from ..errors import OneMapError
from ..outputs import input_containing
from .atomic import reason
from .text import plain

FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.I)
NAME_BYTES = 120                    # a village's part of a file name, in UTF-8 bytes (≈ 40 Chinese characters)
MAGIC = {".pdf": b"%PDF-", ".png": b"\x89PNG\r\n\x1a\n"}
STAGING = ".onemap-sheets-"
STALE_S = 86400


def safe_name(name, fallback="村域"):
    """`name` as one file-name component that is safe on Windows, macOS and Linux; `fallback` if nothing is left."""
    text = FORBIDDEN.sub("_", plain(name)).strip().strip(".").strip()
    # the longest prefix within NAME_BYTES, in one pass: a character the cut splits is dropped whole
    text = text.encode("utf-8")[:NAME_BYTES].decode("utf-8", "ignore").rstrip(". ")
    if RESERVED.match(text):
        text = "_" + text
    return text or fallback


def unique_names(names):
    """Safe, distinct file-name parts for `names` in order (case-insensitively distinct: Windows, macOS)."""
    taken = set()
    return [unique_name(safe_name(name, "村域{}".format(index)), taken) for index, name in enumerate(names, 1)]


def unique_name(base, taken):
    """`base`, or `base_2`, `base_3` … whichever is not in `taken` (case-folded); added to `taken`."""
    candidate, number = base, 2
    while candidate.casefold() in taken:
        candidate, number = "{}_{}".format(base, number), number + 1
    taken.add(candidate.casefold())
    return candidate


def check_output_folder(output_dir, inputs=()):
    """OneMapError naming output_dir unless it is, or can be made, a folder that is not an input nor inside one."""
    if not output_dir:
        raise OneMapError("未指定输出文件夹", "No output folder given")
    existing = os.path.abspath(output_dir)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise OneMapError("输出位置 {} 应为文件夹，但 {} 是一个文件".format(output_dir, existing),
                          "Output {} must be a folder, but {} is a file".format(output_dir, existing))
    inside = input_containing(output_dir, inputs)
    if inside:
        raise OneMapError("输出文件夹 {} 不能是输入数据或位于输入数据之内（{}）——输入只读".format(output_dir, inside),
                          "Output folder {} must not be, or lie inside, an input ({}): inputs are only read".format(
                              output_dir, inside))


def _is_sheet_file(path):
    """True for a regular file holding what its extension says (PDF, PNG): an earlier sheet, safe to replace."""
    magic = MAGIC.get(os.path.splitext(path)[1].lower())
    if magic is None or os.path.islink(path) or not os.path.isfile(path):
        return False
    with open(path, "rb") as handle:
        return handle.read(len(magic)) == magic


def check_targets(paths):
    """OneMapError for the first path that is taken by something other than an earlier sheet (a folder, a
    link, another kind of file): checked before anything is rendered."""
    for path in paths:
        if os.path.lexists(path) and not _is_sheet_file(path):
            kind = "文件夹" if os.path.isdir(path) else "其他文件"
            raise OneMapError("{} 已存在且是{}，不是 OneMap 图件，不会覆盖；请移走它或另选输出文件夹".format(path, kind),
                              "{} exists and is not a OneMap map sheet ({}); it is not replaced — move it or "
                              "choose another output folder".format(path, "a folder" if kind == "文件夹" else
                                                                       "another file"))


def earlier_sheets(output_dir, pattern):
    """Files in output_dir whose names match `pattern` (a compiled regex of the set's names) and are sheets."""
    if not os.path.isdir(output_dir):
        return []
    return sorted(os.path.join(output_dir, name) for name in os.listdir(output_dir)
                  if pattern.fullmatch(name) and _is_sheet_file(os.path.join(output_dir, name)))


def _remove_stale(output_dir):
    """Staging folders of runs that were killed (older than a day) are removed."""
    for name in os.listdir(output_dir):
        path = os.path.join(output_dir, name)
        if name.startswith(STAGING) and os.path.isdir(path):
            with contextlib.suppress(OSError):
                if time.time() - os.lstat(path).st_mtime > STALE_S:
                    shutil.rmtree(path)


class SheetSet:
    """Staging for one run: files are rendered into `staging` (`path(name)`); `commit(replaced)` moves every
    file there into output_dir at once, after moving the files they replace (and `replaced`, earlier sheets
    of the set this run does not write) aside; those come back if any move fails."""

    def __init__(self, output_dir):
        self.output_dir = os.path.abspath(output_dir)
        self.created = not os.path.exists(self.output_dir)
        try:
            os.makedirs(self.output_dir, exist_ok=True)
            _remove_stale(self.output_dir)
            self.staging = tempfile.mkdtemp(prefix=STAGING, dir=self.output_dir)
        except OSError as exc:
            zh, en = reason(exc)
            raise OneMapError("无法创建或写入输出文件夹 {}：{}".format(output_dir, zh),
                              "Cannot create or write the output folder {}: {}".format(output_dir, en)) from exc

    def path(self, name):
        """Where to render `name` (a file of the set)."""
        return os.path.join(self.staging, name)

    def target(self, name):
        """Where `name` will be once the set is committed."""
        return os.path.join(self.output_dir, name)

    def commit(self, replaced=()):
        names = sorted(name for name in os.listdir(self.staging) if os.path.isfile(os.path.join(self.staging, name)))
        aside = os.path.join(self.staging, ".earlier")
        os.makedirs(aside)
        old = [path for path in dict.fromkeys([os.path.join(self.output_dir, n) for n in names] +
                                              [os.path.abspath(path) for path in replaced]) if os.path.lexists(path)]
        moved, placed = [], []
        try:
            for path in old:
                os.replace(path, os.path.join(aside, os.path.basename(path)))
                moved.append(path)
            for name in names:
                os.replace(os.path.join(self.staging, name), os.path.join(self.output_dir, name))
                placed.append(name)
        except OSError as exc:
            for name in placed:
                with contextlib.suppress(OSError):
                    os.replace(os.path.join(self.output_dir, name), os.path.join(self.staging, name))
            for path in moved:
                with contextlib.suppress(OSError):
                    os.replace(os.path.join(aside, os.path.basename(path)), path)
            raise OneMapError("写入图件失败：{}（原有图件未改动）".format(exc.strerror or exc),
                              "Writing the map sheets failed: {} (the earlier sheets are unchanged)".format(
                                  exc.strerror or exc))
        return [os.path.join(self.output_dir, name) for name in names]

    def close(self):
        """Remove the staging folder (and an output folder this run created and left empty)."""
        shutil.rmtree(self.staging, ignore_errors=True)
        if self.created:
            with contextlib.suppress(OSError):
                os.rmdir(self.output_dir)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
