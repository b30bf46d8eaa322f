"""Layers whose rows begin and end (the one map's approved plans, core/lifecycle): which rows a read sees.

A layer spec with `history:` in schema.yaml names four fields: the versions (merges) that began and
ended a row and the dates (批复日期) from which and until which it was in force. A read sees the rows
in force now (not yet ended), or those of an earlier state: as of a version (the one map right after
that merge) or as of a date (the plans in force that day). It is a filter on the layer (a subset
string, answered by the GeoPackage or the database), never a copy.
"""
import datetime
import re
from dataclasses import dataclass

from osgeo import gdal

from ..errors import OneMapError
from . import postgis

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
VERSION = re.compile(r"^[vV版本\s]*(\d+)$")
VERSIONS_TABLE = "onemap_versions"


@dataclass(frozen=True)
class AsOf:
    """An earlier state of the one map: `version` (int) or `date` ('YYYY-MM-DD'), exactly one."""
    version: int = None
    date: str = None

    @staticmethod
    def parse(value):
        """None for '' or None (now); an AsOf for 3, '3', 'v3', '版本 3' or '2024-05-01'; OneMapError otherwise."""
        if value is None or isinstance(value, AsOf):
            return value
        text = str(value).strip()
        if not text:
            return None
        match = VERSION.match(text)
        if match:
            return AsOf(version=int(match.group(1)))
        if DATE.match(text):
            try:
                datetime.date.fromisoformat(text)
            except ValueError:
                pass
            else:
                return AsOf(date=text)
        raise OneMapError("无法识别的版本或日期“{}”：应为版本号（如 3）或日期（如 2024-05-01）".format(text),
                          "Cannot read '{}' as a version or date: give a version number (3) or a date "
                          "(2024-05-01)".format(text))

    @property
    def text(self):
        """How the run record and the panel name it: 'v3' or '2024-05-01'."""
        return "v{}".format(self.version) if self.version is not None else self.date

    @property
    def zh(self):
        """'版本 3' or '2024-05-01', as messages and group names show it."""
        return "版本 {}".format(self.version) if self.version is not None else self.date


def iso_date(value):
    """A date field's value as read ('YYYY-MM-DD', a QDate, OGR's 'YYYY/MM/DD') as 'YYYY-MM-DD'; '' for none."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return ""
    if hasattr(value, "toString"):
        return value.toString("yyyy-MM-dd")
    return str(value).replace("/", "-")


def _quoted(name):
    return '"{}"'.format(name.replace('"', '""'))


def subset(found, as_of=None):
    """The subset string of a history layer (a sources.SourceLayer whose spec has `history:`): the rows
    in force now, or as of `as_of`. Values are an int or a checked date, never other text."""
    names = {role: _quoted(found.fields.get(canonical, canonical))
             for role, canonical in found.spec.extra["history"].items()}
    if as_of is None:
        return "{} IS NULL".format(names["version_to"])
    if as_of.version is not None:
        begin, end, value = names["version_from"], names["version_to"], str(int(as_of.version))
    else:
        begin, end, value = names["valid_from"], names["valid_to"], "'{}'".format(AsOf.parse(as_of.date).date)
    return "{begin} <= {v} AND ({end} IS NULL OR {end} > {v})".format(begin=begin, end=end, v=value)


def head_version(dataset):
    """The last merge's version in an open OGR dataset of the one map, 0 when nothing was merged."""
    table = dataset.GetLayerByName(VERSIONS_TABLE)
    if table is None:
        return 0
    return max((feature.GetField("version") or 0 for feature in table), default=0)


def apply(source, as_of=None):
    """Give each history layer of a sources.PlanSource its subset: the rows in force now, or as of
    `as_of` (an AsOf). OneMapError when an earlier state is asked of a source without history, or of a
    version that does not exist."""
    layers = [layer for layer in source.layers if layer.key and "history" in layer.spec.extra]
    for layer in layers:
        layer.subset = subset(layer, as_of)
    if as_of is None:
        return
    if not layers:
        raise OneMapError("{} 中没有已批规划用地图层，不能按“{}”读取".format(source.label, as_of.zh),
                          "{} has no approved plans' layer: it cannot be read as of {}".format(source.label, as_of.text))
    if as_of.version is not None:
        head = head_version(_dataset(source))
        if as_of.version > head:
            raise OneMapError("{} 没有版本 {}（最新为版本 {}）".format(source.label, as_of.version, head),
                              "{} has no version {} (the latest is {})".format(source.label, as_of.version, head))


def _dataset(source):
    if source.format == "postgis":
        return postgis.open_dataset(source.path)
    try:
        return gdal.OpenEx(source.path, gdal.OF_VECTOR | gdal.OF_READONLY)
    except RuntimeError as exc:
        raise OneMapError("无法读取 {} 的版本表：{}".format(source.label, exc),
                          "Cannot read the versions of {}: {}".format(source.label, exc))
