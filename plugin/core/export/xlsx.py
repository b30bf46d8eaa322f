"""Workbooks through GDAL's XLSX driver, for the check report and the life cycle's comparison and trail: one
sheet per table (name ≤ 31 characters), Chinese headers, empty cells left empty, and a text longer than a
cell holds (Excel: 32 767 characters) cut, visibly."""
from osgeo import ogr

from ..errors import OneMapError
from .atomic import write_atomically
from .text import CUT

TEXT, REAL, INTEGER = ogr.OFTString, ogr.OFTReal, ogr.OFTInteger
CELL_MAX = 32767                  # characters in an Excel cell (UTF-16 code units)


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
    write_atomically(path, write)
    return path
