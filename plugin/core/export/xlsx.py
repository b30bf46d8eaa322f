"""Workbooks through GDAL's XLSX driver, for the check report and the life cycle's comparison and trail: one
sheet per table (name ≤ 31 characters), Chinese headers, empty cells left empty, and a text longer than a
cell holds (Excel: 32 767 characters) cut, visibly. GDAL makes every column 15 characters wide, which cuts a
time (入库时间 2026-12-07T23:35:05+08:00), a hash or a Chinese heading at the next filled cell: set_widths
makes each column as wide as its widest cell."""
import os
import re
import shutil
import zipfile

from osgeo import ogr

from ..errors import OneMapError
from .atomic import write_atomically
from .text import CUT

TEXT, REAL, INTEGER = ogr.OFTString, ogr.OFTReal, ogr.OFTInteger
CELL_MAX = 32767                  # characters in an Excel cell (UTF-16 code units)
WIDTH_MAX = 80                    # a column's width at most, in digits: a SHA-256 whole; a longer text is cut
WIDTH_PADDING = 2                 # digits beside a column's widest text
SHOWN = "{:.10g}"                 # a number as a cell shows it, about (Excel's General format: 11 characters)
SHEET_FILE = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
HEAD_BYTES = 65536                # a worksheet's <cols> and the start of its <sheetData> lie within these
COLS = re.compile(rb"<cols>.*?</cols>|<cols/>", re.S)


def fit_cell(text):
    """`text` as a cell holds it: cut to CELL_MAX UTF-16 code units, ending with CUT when cut."""
    units = text.encode("utf-16-le")
    if len(units) <= CELL_MAX * 2:
        return text
    return units[:(CELL_MAX - len(CUT)) * 2].decode("utf-16-le", "ignore") + CUT


def new_workbook(path):
    """An empty workbook at `path`: a GDAL dataset to add_sheet to; it is written when closed (set to None)."""
    driver = ogr.GetDriverByName("XLSX")
    if driver is None:
        raise OneMapError("此 GDAL 不支持 XLSX 输出", "This GDAL has no XLSX driver")
    return driver.CreateDataSource(path)


def add_sheet(dataset, name, columns, rows):
    """A sheet `name` with `columns` [(header, OGR type)] and `rows` (lists of values; None and "" left empty);
    returns each column's width in digits, as wide as its widest cell (for set_widths)."""
    assert len(name) <= 31
    layer = dataset.CreateLayer(name, None, ogr.wkbNone)
    widths = []
    for column, kind in columns:
        layer.CreateField(ogr.FieldDefn(column, kind))
        widths.append(text_width(column))
    for row in rows:
        feature = ogr.Feature(layer.GetLayerDefn())
        for index, value in enumerate(row):
            if value is not None and value != "":
                feature.SetField(index, fit_cell(value) if isinstance(value, str) else value)
                widths[index] = max(widths[index], text_width(value if isinstance(value, str) else SHOWN.format(value)))
        layer.CreateFeature(feature)
    return widths


def write_workbook(path, sheets):
    """sheets: [(name, [(header, OGR type)], rows)] → `path` (.xlsx), written atomically; returns `path`."""
    if not path.lower().endswith(".xlsx"):
        raise OneMapError("表格应为 .xlsx 文件：{}".format(path), "The workbook is written as .xlsx: {}".format(path))

    def write(temporary):
        dataset = new_workbook(temporary)
        widths = [add_sheet(dataset, name, columns, rows) for name, columns, rows in sheets]
        dataset = None                  # closing the dataset writes the file
        set_widths(temporary, widths)
    write_atomically(path, write)
    return path


def text_width(text):
    """How wide a text shows in a spreadsheet, in digits: an ideograph or full-width form two, others one (from
    its UTF-8 length: three bytes for such a character), WIDTH_MAX at most."""
    text = text[:WIDTH_MAX]
    return min(WIDTH_MAX, (len(text) + len(text.encode("utf-8", "replace"))) // 2)


def set_widths(path, widths):
    """Each sheet of the workbook at `path` (GDAL writes sheet n as xl/worksheets/sheet<n>.xml, every column 15
    digits wide) with its columns `widths[n - 1]` wide, WIDTH_PADDING beside. Only each sheet's head is
    changed; the rest is copied a block at a time (a county's 问题清单 runs to hundreds of MB of XML)."""
    rewritten = path + ".cols"
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                number = SHEET_FILE.fullmatch(info.filename)
                with source.open(info) as reading, target.open(
                        info, "w", force_zip64=info.file_size > zipfile.ZIP64_LIMIT // 2) as writing:
                    head = reading.read(HEAD_BYTES)
                    if number and int(number.group(1)) <= len(widths):
                        head = _with_cols(head, widths[int(number.group(1)) - 1])
                    writing.write(head)
                    shutil.copyfileobj(reading, writing)
        os.replace(rewritten, path)
    finally:
        if os.path.exists(rewritten):
            os.remove(rewritten)


def _with_cols(head, widths):
    """A worksheet's first bytes with a <cols> element (in place of GDAL's) giving each column its width."""
    cols = "<cols>{}</cols>".format("".join('<col min="{0}" max="{0}" width="{1}" customWidth="1"/>'.format(
        number, min(width + WIDTH_PADDING, WIDTH_MAX)) for number, width in enumerate(widths, 1))).encode("utf-8")
    at = head.find(b"<sheetData")
    if at < 0:
        raise OneMapError("无法设置表格列宽（工作表格式未知）", "Cannot set the workbook's column widths (unknown sheet layout)")
    before = COLS.sub(b"", head[:at])
    return before + cols + head[at:]
