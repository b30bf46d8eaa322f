"""Workbooks of the life cycle (the comparison's, the trail's) through GDAL's XLSX driver, as the check
report's: one sheet per table, Chinese headers, empty cells left empty."""
from osgeo import ogr

from ..errors import OneMapError
from ..export.atomic import write_atomically

TEXT, REAL, INTEGER = ogr.OFTString, ogr.OFTReal, ogr.OFTInteger


def write_workbook(path, sheets):
    """sheets: [(name ≤ 31 characters, [(header, OGR type)], rows as lists)] → `path`, written atomically."""
    if not path.lower().endswith(".xlsx"):
        raise OneMapError("表格应为 .xlsx 文件：{}".format(path), "The workbook is written as .xlsx: {}".format(path))
    write_atomically(path, lambda temporary: _write(temporary, sheets))
    return path


def _write(path, sheets):
    driver = ogr.GetDriverByName("XLSX")
    if driver is None:
        raise OneMapError("此 GDAL 不支持 XLSX 输出", "This GDAL has no XLSX driver")
    dataset = driver.CreateDataSource(path)
    for name, columns, rows in sheets:
        layer = dataset.CreateLayer(name, None, ogr.wkbNone)
        for column, kind in columns:
            layer.CreateField(ogr.FieldDefn(column, kind))
        for row in rows:
            feature = ogr.Feature(layer.GetLayerDefn())
            for index, value in enumerate(row):
                if value not in (None, ""):
                    feature.SetField(index, value)
            layer.CreateFeature(feature)
    dataset = None
