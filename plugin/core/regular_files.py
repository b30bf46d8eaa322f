"""Files a user or a province hands the plugin (rule sets, styles, plans) are read only when they are
regular files, and small ones only up to a bound.

A FIFO blocks whoever opens it until someone writes; a device (/dev/zero) or a /proc file never ends.
A file is opened without blocking and its type is taken from the open file, so a FIFO swapped in after a
look at the path is refused too; what it holds is then read up to the bound, however large it claims to be.
"""
import os
import stat

from .errors import OneMapError


def not_regular_error(path):
    return OneMapError("{} 不是普通文件（文件夹、管道、设备等），未读取".format(path),
                       "{} is not a regular file (a folder, a FIFO, a device …): not read".format(path))


def read_bounded(path, max_bytes):
    """The bytes of a regular file of at most `max_bytes`; OneMapError naming the file otherwise."""
    try:
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)),
                       "rb") as opened:
            info = os.fstat(opened.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise not_regular_error(path)
            data = opened.read(max_bytes + 1) if info.st_size <= max_bytes else None
    except OSError as exc:
        raise OneMapError("无法读取文件 {}：{}".format(path, exc.strerror), "Cannot read {}: {}".format(path, exc.strerror))
    if data is None or len(data) > max_bytes:           # (a /proc file says 0 bytes and holds more)
        raise OneMapError("文件 {} 过大（超过 {} KB）".format(path, max_bytes >> 10),
                          "{} is too large (over {} KB)".format(path, max_bytes >> 10))
    return data
