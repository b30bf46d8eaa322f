"""Workbooks through GDAL's XLSX driver, for the check report and the life cycle's comparison and trail: one
sheet per table (name ≤ 31 characters), Chinese headers, empty cells left empty, and a text longer than a
cell holds (Excel: 32 767 characters) cut, visibly. GDAL makes every column 15 characters wide, which cuts a
time (入库时间 2026-12-07T23:35:05+08:00), a hash or a Chinese heading at the next filled cell: fit_columns
makes each column as wide as its widest cell."""
import re
import unicodedata
import zipfile
from xml.etree import ElementTree

from osgeo import ogr

from ..errors import OneMapError
from .atomic import write_atomically
from .text import CUT

TEXT, REAL, INTEGER = ogr.OFTString, ogr.OFTReal, ogr.OFTInteger
CELL_MAX = 32767                  # characters in an Excel cell (UTF-16 code units)
WIDTH_MAX = 80                    # a column's width at most, in digits: a SHA-256 whole; a longer text is cut
WIDTH_PADDING = 2                 # digits beside a column's widest text
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
COLS = re.compile(r"<cols>.*?</cols>|<cols/>", re.S)


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
    """A sheet `name` with `columns` [(header, OGR type)] and `rows` (lists of values; None and "" left empty)."""
    assert len(name) <= 31
    layer = dataset.CreateLayer(name, None, ogr.wkbNone)
    for column, kind in columns:
        layer.CreateField(ogr.FieldDefn(column, kind))
    for row in rows:
        feature = ogr.Feature(layer.GetLayerDefn())
        for index, value in enumerate(row):
            if value is not None and value != "":
                feature.SetField(index, fit_cell(value) if isinstance(value, str) else value)
        layer.CreateFeature(feature)


def write_workbook(path, sheets):
    """sheets: [(name, [(header, OGR type)], rows)] → `path` (.xlsx), written atomically; returns `path`."""
    if not path.lower().endswith(".xlsx"):
        raise OneMapError("表格应为 .xlsx 文件：{}".format(path), "The workbook is written as .xlsx: {}".format(path))

    def write(temporary):
        dataset = new_workbook(temporary)
        for name, columns, rows in sheets:
            add_sheet(dataset, name, columns, rows)
        dataset = None                  # closing the dataset writes the file
        fit_columns(temporary)
    write_atomically(path, write)
    return path


def text_width(text):
    """How wide a text shows in a spreadsheet, in digits: an ideograph or full-width form two, others one."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _column(reference):
    """1 for 'A7', 28 for 'AB7'."""
    number = 0
    for letter in re.match("[A-Z]+", reference).group():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _text(element):
    """The text of an element's <t> runs (not the line breaks GDAL puts between its tags)."""
    return "".join(run.text or "" for run in element.iter(SHEET + "t"))


def _cell_text(cell, shared):
    if cell.get("t") == "inlineStr":
        return _text(cell)
    value = cell.find(SHEET + "v")
    if value is None or value.text is None:
        return ""
    return shared[int(value.text)] if cell.get("t") == "s" else value.text


def _sized(sheet_xml, shared):
    """A worksheet's XML with each column as wide as its widest cell (WIDTH_PADDING beside, WIDTH_MAX at most)."""
    widths = {}
    for cell in ElementTree.fromstring(sheet_xml).iter(SHEET + "c"):
        column = _column(cell.get("r"))
        widths[column] = max(widths.get(column, 0), text_width(_cell_text(cell, shared)))
    if not widths:
        return sheet_xml
    cols = "<cols>{}</cols>".format("".join('<col min="{0}" max="{0}" width="{1}" customWidth="1"/>'.format(
        column, min(width + WIDTH_PADDING, WIDTH_MAX)) for column, width in sorted(widths.items())))
    text = sheet_xml.decode("utf-8")
    if COLS.search(text):
        return COLS.sub(lambda _match: cols, text, 1).encode("utf-8")
    return text.replace("<sheetData", cols + "<sheetData", 1).encode("utf-8")


def fit_columns(path):
    """Make every column of the workbook at `path` as wide as its widest cell (GDAL writes them all 15 wide)."""
    with zipfile.ZipFile(path) as book:
        entries = [(info, book.read(info)) for info in book.infolist()]
    strings = dict((info.filename, data) for info, data in entries).get("xl/sharedStrings.xml")
    shared = [_text(item) for item in ElementTree.fromstring(strings).iter(SHEET + "si")] if strings else []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for info, data in entries:
            is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            book.writestr(info, _sized(data, shared) if is_sheet else data)
