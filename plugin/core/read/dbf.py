"""Which text encoding a shapefile's .dbf uses, when nothing (or only a .cpg) says so.

Deliverables from Chinese desktop GIS often carry GBK attributes with no .cpg and no language
driver id; GDAL then assumes ISO-8859-1 and Chinese text comes out garbled.
"""
import codecs
import os
import struct

# DBF language driver ids that mean a Chinese code page (ArcGIS writes 0x4D for 936).
_LDID_CODEPAGES = {0x4D: "GBK", 0x7A: "GBK", 0x78: "BIG5"}
_BLOCK = 1 << 20
UTF8_NAMES = ("UTF8", "65001")                 # a .cpg's ways of saying UTF-8 (case, '-' and '_' ignored)


def _cpg(shp_path):
    for ext in (".cpg", ".CPG"):
        path = os.path.splitext(shp_path)[0] + ext
        if os.path.isfile(path):
            with open(path, encoding="ascii", errors="replace") as handle:
                return handle.read().strip()
    return ""


def _dbf_path(shp_path):
    for ext in (".dbf", ".DBF"):
        path = os.path.splitext(shp_path)[0] + ext
        if os.path.isfile(path):
            return path
    return ""


def detect_encoding(shp_path):
    """(encoding, how) for the shapefile's attributes; encoding '' means plain ASCII.

    how is 'cpg', 'ldid' or 'content' (every record read: a Chinese name late in the file counts). A .cpg
    that says UTF-8 is checked against the content: GBK bytes under it (a common mislabel of desktop
    tools) are read as GBK, how 'content; the .cpg says UTF-8' — instead of garbled names and a
    finding on every parcel.
    """
    cpg = _cpg(shp_path)
    if cpg and cpg.upper().replace("-", "").replace("_", "") not in UTF8_NAMES:
        return ("GBK" if cpg in ("936", "CP936") else cpg), "cpg"
    dbf = _dbf_path(shp_path)
    if cpg:
        return ("GBK", "content; the .cpg says {}".format(cpg)) if dbf and _content(dbf) == "GBK" else ("UTF-8", "cpg")
    if not dbf:
        return "", "content"
    header = _header(dbf)
    if header is not None and header[3] in _LDID_CODEPAGES:
        return _LDID_CODEPAGES[header[3]], "ldid"
    return _content(dbf), "content"


def _header(dbf):
    """(records, header length, record length, language driver id), or None for a short file."""
    with open(dbf, "rb") as handle:
        header = handle.read(32)
    if len(header) < 32:
        return None
    return struct.unpack("<IHH", header[4:12]) + (header[29],)


def _content(dbf):
    """'' for ASCII records, 'UTF-8' when every record decodes as UTF-8, else 'GBK'."""
    header = _header(dbf)
    if header is None:
        return ""
    n_records, header_len, record_len, _ldid = header
    with open(dbf, "rb") as handle:
        handle.seek(header_len)
        remaining, ascii_only = record_len * n_records, True
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while remaining > 0:
                block = handle.read(min(remaining, _BLOCK))
                if not block:
                    break
                remaining -= len(block)
                ascii_only = ascii_only and block.isascii()
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "GBK"
    return "" if ascii_only else "UTF-8"
