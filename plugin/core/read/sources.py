"""Plan sources matched to the schema: a GeoPackage, an ESRI FileGDB folder, a folder of shapefiles,
or a PostGIS schema (see postgis.py).

Everything found is reported: recognised layers (and how), layers expected by the plan kind
but missing, and unknown layers with the reason. Nothing is silently dropped, and the source
is only ever read. Names found in a source are data: they reach a layer URI only when they
cannot change its meaning (no '|'), and they are matched whole.
"""
import functools
import hashlib
import os
import re
import threading
import time
from dataclasses import dataclass, field

from osgeo import gdal, ogr
from qgis.core import QgsDataSourceUri, QgsProviderRegistry, QgsVectorLayer

from ..errors import OneMapError
from ..regular_files import not_regular_error
from ..secrets import mask
from . import gpkg_views, history, postgis, query_layers
from .dbf import detect_encoding
from .plankind import kind_of
from .schema import schema

gdal.UseExceptions()
ogr.UseExceptions()

POLYGON_TYPES = {ogr.wkbPolygon, ogr.wkbMultiPolygon, ogr.wkbCurvePolygon, ogr.wkbMultiSurface}
GENERIC_TYPES = {ogr.wkbUnknown, ogr.wkbGeometryCollection}     # declared GEOMETRY: look at the features
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf")                       # .prj, .cpg … are optional
URI_SEPARATOR = "|"
GPKG_COMPANIONS = ("-journal", "-wal", "-shm")                  # files SQLite opens beside a GeoPackage
DRIVERS = {"gpkg": "GPKG", "gdb": "OpenFileGDB", "postgis": "PostgreSQL"}     # 'shp' is listed file by file
HASHED_KEPT = 16       # sources whose hash a process keeps: a folder's villages hash the one map once
SETTLED_NS = 3 * 10 ** 9    # a file written this recently is hashed again (a 2 s FAT clock could hide a write)
_HASHED = {}           # _stamp(...) -> SHA-256
_HASHED_LOCK = threading.Lock()           # (hashed beside the rules, and by the live re-check)


@dataclass
class SourceLayer:
    """One layer or table of a source as found, and what the schema makes of it."""
    name: str                    # as in the source (file stem for shapefiles)
    uri: str                     # data source string for QgsVectorLayer with `provider`
    geometry: str                # 'polygon', 'line', 'point', 'none'
    count: int
    field_names: list
    provider: str = "ogr"        # QGIS data provider for `uri` ('postgres' for saved connections)
    encoding: str = ""           # attribute encoding, shapefiles only
    encoding_how: str = ""
    key: str = ""                # canonical schema key, '' when unknown
    matched_by: str = ""         # 'name' or 'fields'
    fields: dict = field(default_factory=dict)   # canonical field -> actual name
    problem: str = ""            # why it is unknown or unusable
    subset: str = ""             # rows read (a history layer's, see history.py), '' for all

    @property
    def spec(self):
        return schema().layers.get(self.key)


@dataclass
class PlanSource:
    path: str
    format: str                  # 'gpkg', 'gdb', 'gdbs' (a folder holding .gdb), 'shp', 'postgis'
    layers: list

    @property
    def label(self):
        """The path as shown to users and recorded (no password)."""
        return postgis.display(self.path)

    @property
    def recognised(self):
        """{key: SourceLayer}; a layer serving as another (a detailed plan's GHDK as GHYDYH) under both keys."""
        found = {layer.key: layer for layer in self.layers if layer.key}
        for key, keys in schema().serving().items():
            if key not in found and any(k in found for k in keys):
                found[key] = found[next(k for k in keys if k in found)]
        return found

    @property
    def unknown(self):
        return [layer for layer in self.layers if not layer.key]

    def get(self, key):
        return self.recognised.get(key)

    def missing(self, kind):
        """Keys the plan kind expects that this source lacks."""
        expected = schema().kinds.get(kind, {}).get("expects", [])

        def delivered(key):                   # itself, or as coded features of another (GKBJ 0202)
            host = schema().stand_in(key)
            return key in self.recognised or (host is not None and host[0] in self.recognised)
        return [key for key in expected if not delivered(key)]

    def guess_kind(self):
        """'village', 'detailed' or 'onemap' from the layers present: land use with a village boundary is a
        village plan, unless the plan has a detailed plan's parcels or extent (GHDK, GHFW) — then, with land
        use or not (a 控规 lacking its parcels), a detailed plan."""
        have = self.recognised
        detailed = any(key in have for key in schema().kinds["detailed"].get("marked_by", []))
        if "GHYDYH" in have:
            return "village" if "CJDCQ" in have and not detailed else "detailed"
        return "detailed" if detailed else "onemap"

    def open_layer(self, key):
        """A QgsVectorLayer for the recognised key (attributes decoded correctly); OneMapError if unusable."""
        found = self.get(key)
        if found is None:
            raise OneMapError("{} 中没有图层 {}".format(self.label, key), "{} has no layer {}".format(self.label, key))
        return open_vector(found, self.label)


def open_vector(found, source_path):
    """A QgsVectorLayer of the found layer. Without the style the source carries (a GeoPackage's or PostGIS
    `layer_styles` default, a .qml beside a shapefile): such a style can hold form Python, actions and HTML
    widgets, and a plan or one map brings data, never code — the loader applies OneMap's own styles."""
    options = QgsVectorLayer.LayerOptions()
    options.loadDefaultStyle = False
    layer = QgsVectorLayer(_with_subset(found), found.name, found.provider, options)
    if not layer.isValid():
        raise OneMapError("无法打开图层 {}（{}）".format(found.name, source_path),
                          "Cannot open layer {} in {}".format(found.name, source_path))
    if found.encoding:
        layer.setProviderEncoding(found.encoding)
    return layer


def _with_subset(found):
    """The layer's URI with its subset string in it: set later (setSubsetString), QGIS 3.22's OGR provider
    writes to a GeoPackage (its change counter), and a one map must only be read."""
    if not found.subset:
        return found.uri
    if found.provider == "postgres":
        uri = QgsDataSourceUri(found.uri)
        uri.setSql(found.subset)
        return uri.uri(False)
    registry = QgsProviderRegistry.instance()
    return registry.encodeUri(found.provider, dict(registry.decodeUri(found.provider, found.uri), subset=found.subset))


def _type_name(flat_type):
    if flat_type == ogr.wkbNone:
        return "none"
    if flat_type in POLYGON_TYPES:
        return "polygon"
    if flat_type in (ogr.wkbLineString, ogr.wkbMultiLineString):
        return "line"
    if flat_type in (ogr.wkbPoint, ogr.wkbMultiPoint):
        return "point"
    return "unknown"


def _geometry_name(ogr_layer):
    """'polygon', 'line', 'point', 'none' or 'unknown'; a layer declared GEOMETRY by what its features are."""
    geom_type = ogr.GT_Flatten(ogr_layer.GetGeomType())
    if geom_type not in GENERIC_TYPES:
        return _type_name(geom_type)
    seen = set()
    for feature in ogr_layer:
        geometry = feature.GetGeometryRef()
        if geometry is not None and not geometry.IsEmpty():
            seen.add(_type_name(ogr.GT_Flatten(geometry.GetGeometryType())))
            if len(seen) > 1:
                break
    ogr_layer.ResetReading()
    return seen.pop() if len(seen) == 1 else "unknown"


def ogr_uri(path, layer_name):
    """An OGR layer's QGIS data source, built by the provider from structured parts (never by hand)."""
    return QgsProviderRegistry.instance().encodeUri("ogr", {"path": path, "layerName": layer_name})


def _describe(ogr_layer, name, uri):
    definition = ogr_layer.GetLayerDefn()
    names = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
    return SourceLayer(name=name, uri=uri, geometry=_geometry_name(ogr_layer),
                       count=ogr_layer.GetFeatureCount(), field_names=names)


def _unsafe_name(name):
    """Why a layer name cannot be put into a layer URI, or ''."""
    if URI_SEPARATOR in name:
        return "图层名含“|”，无法安全打开 (the layer name contains '|' and cannot be opened safely)"
    return ""


def _refuse_separator(path):
    if URI_SEPARATOR in path:
        raise OneMapError("路径中含“|”，无法安全打开：{}".format(path),
                          "The path contains '|' and cannot be opened safely: {}".format(path))


def _list_dataset(path, driver):
    if driver == "PostgreSQL":
        dataset, uri_base = postgis.open_dataset(path), postgis.ogr_connection(path)
    else:
        try:
            dataset, uri_base = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY, allowed_drivers=[driver]), path
        except RuntimeError as exc:
            raise OneMapError("无法读取数据源 {}：文件已损坏、格式不受支持或无读取权限".format(path),
                             "Cannot read source {}: {}".format(path, exc))
    found = []
    queries = _query_layers(dataset, path, driver)
    views = {name: gpkg_views.outcome(path, name) for name in queries} if driver == "GPKG" else {}
    endless = [name for name, outcome in views.items() if outcome == gpkg_views.ENDLESS]
    if endless:                     # QGIS 3.40 hangs on it opening any layer of the file (gpkg_views)
        zh, en = gpkg_views.endless_text(endless)
        raise OneMapError("{} 中的{}，打开该文件的任何图层都会因此停滞：文件未打开；请把视图导出为数据表后再提交"
                          .format(path, zh), "{}: {}, and opening any layer of the file would hang on it: not opened; "
                          "export the view as a table".format(path, en))
    for index in range(dataset.GetLayerCount()):
        ogr_layer = dataset.GetLayerByIndex(index)
        name = ogr_layer.GetName()                    # (GDAL reads a layer's fields, a view's first row, only later)
        if driver == "PostgreSQL" and name in postgis.SYSTEM_TABLES:
            continue
        query = queries.get(name.lower() if driver == "GPKG" else name)
        problem = _unsafe_name(name) or (_query_problem(name, *query, views.get(name.lower(), "")) if query else "")
        if problem:
            found.append(SourceLayer(name=name, uri="", geometry="unknown", count=0, field_names=[], problem=problem))
            continue
        try:
            layer = _describe(ogr_layer, name, ogr_uri(uri_base, name))
        except RuntimeError as exc:          # e.g. a table the role may not read, a view that fails
            found.append(SourceLayer(name=name, uri="", geometry="unknown", count=0, field_names=[],
                                     problem="无法读取 (cannot read)：{}".format(mask(str(exc)).strip())))
            continue
        if driver == "PostgreSQL" and query and not path.startswith(postgis.SAVED_PREFIX):
            # a view or foreign table taken for a plan layer, read by OGR (postgis.reading_connection); not for a
            # saved connection, whose credentials would then be written out in the layer's source
            layer.uri = ogr_uri(postgis.reading_connection(path), "{}.{}".format(postgis.active_schema(path), name))
        elif driver == "PostgreSQL":
            layer.uri = postgis.qgis_table_uri(path, name, ogr_layer.GetGeometryColumn(), ogr_layer.GetFIDColumn())
            layer.provider = "postgres"
        found.append(layer)
    return found


def _query_layers(dataset, path, driver):
    """{name: (kind, columns)} of a source's layers that are queries (views, foreign tables), from its catalogue;
    a GeoPackage's names lower-case (SQLite's are not case-sensitive)."""
    if driver == "GPKG":
        return {name: ("view", columns) for name, columns in gpkg_views.views(path).items()}
    if driver == "PostgreSQL":
        return {name: (kind, columns) for name, kind, columns in postgis.relations(dataset, path)
                if kind in postgis.QUERY_KINDS.values()}
    return {}


def _query_problem(name, kind, columns, failed):
    """Why a view or foreign table is not read: it is no plan layer (query_layers), or — a GeoPackage view — SQLite
    fails on it (`failed`: gpkg_views.outcome; a PostGIS one is bounded by postgis.STATEMENT_TIMEOUT_S)."""
    if not query_layers.may_be_plan_layer(name, columns):
        return query_layers.not_read(kind)
    return gpkg_views.failed_text(name, failed) if failed else ""


def _shapefiles(path):
    """The .shp files of a folder (subfolders included, sorted), or the one file given."""
    if os.path.isfile(path):
        return [path]
    return sorted(os.path.join(root, name) for root, _dirs, names in os.walk(path)
                  for name in names if name.lower().endswith(".shp"))


def shapefile_parts(shp):
    """The files of one shapefile: every file sharing its stem (.shp, .shx, .dbf, .prj, .cpg …)."""
    folder, stem = os.path.split(os.path.splitext(shp)[0])
    folder = folder or "."
    return sorted(os.path.join(folder, name) for name in os.listdir(folder) if os.path.splitext(name)[0] == stem)


def _shapefile_problem(shp):
    """Why a shapefile cannot be read as a whole (a missing or non-regular part), or ''."""
    parts = {os.path.splitext(p)[1].lower(): p for p in shapefile_parts(shp)}
    for part, path in parts.items():
        if not os.path.isfile(path):
            return "{} 不是普通文件 (not a regular file)".format(os.path.basename(path))
    for ext in SHAPEFILE_PARTS:
        if ext not in parts:
            what = {".shx": "索引文件 index", ".dbf": "属性表 attribute table"}.get(ext, "")
            return "缺少 {}{}（missing {}）".format(os.path.basename(os.path.splitext(shp)[0]) + ext, what, ext)
    return ""


def _list_shapefiles(path):
    found = []
    for shp in _shapefiles(path):
        name = os.path.splitext(os.path.basename(shp))[0]
        _refuse_separator(shp)
        problem = _shapefile_problem(shp)
        if problem:
            found.append(SourceLayer(name=name, uri=shp, geometry="unknown", count=0, field_names=[], problem=problem))
            continue
        encoding, how = detect_encoding(shp)
        try:
            dataset = gdal.OpenEx(shp, gdal.OF_VECTOR | gdal.OF_READONLY, allowed_drivers=["ESRI Shapefile"])
            layer = _describe(dataset.GetLayer(0), name, shp)
        except RuntimeError as exc:
            layer = SourceLayer(name=name, uri=shp, geometry="unknown", count=0, field_names=[],
                                problem="无法读取 (cannot read)：{}".format(exc))
        layer.encoding, layer.encoding_how = encoding, how
        found.append(layer)
    return found


def _recognise(layer, taken):
    if layer.problem:
        return
    spec_schema = schema()
    key, how = spec_schema.match_name(layer.name), "name"
    if key is not None:
        key = spec_schema.specific(key, layer.field_names)          # 规划用地 with 地块编号: GHDK
    if key is None:
        key, how = spec_schema.match_fields(layer.field_names, layer.geometry == "none"), "fields"
    if key is None:
        layer.problem = "图层名与字段均不符合规划数据库结构 (name and fields match no schema layer)"
        return
    spec = spec_schema.layers[key]
    wanted = "none" if spec.is_table else spec.geometry
    if layer.geometry != wanted:
        layer.problem = "{} 应为 {}，实际为 {} ({} should be {}, is {})".format(
            spec.zh, wanted, layer.geometry, key, wanted, layer.geometry)
        return
    if key in taken:
        layer.problem = "与图层 {} 重复，均为 {} (duplicate of {} for {})".format(taken[key], spec.zh, taken[key], key)
        return
    layer.fields = spec.resolve_fields(layer.field_names)
    layer.key, layer.matched_by = key, how
    taken[key] = layer.name


def _gdb_children(folder):
    """The FileGDBs directly inside a folder, sorted: a village plan often comes as 村庄规划数据库.gdb
    with its tables in a second .gdb beside it (规划表格.gdb); the folder holding both is one plan."""
    return sorted(os.path.join(folder, name) for name in os.listdir(folder)
                  if name.lower().endswith(".gdb") and os.path.isdir(os.path.join(folder, name)))


def source_format(path):
    if postgis.is_postgis(path):
        return "postgis"
    path = os.path.normpath(path)
    if os.path.isdir(path):
        if path.lower().endswith(".gdb"):
            return "gdb"
        return "gdbs" if _gdb_children(path) else "shp"
    if path.lower().endswith(".gpkg"):
        return "gpkg"
    if path.lower().endswith(".shp"):
        return "shp"
    return ""


def _refuse_special_files(path, fmt):
    """OneMapError naming the first file of a file source that is no regular file (a FIFO blocks whoever opens it,
    a device never ends): the source itself, a file SQLite opens beside a GeoPackage, a file in a .gdb folder.
    A folder of shapefiles is looked at shapefile by shapefile (_shapefile_problem)."""
    if fmt in ("gdb", "gdbs"):
        files = _gdb_files(path, fmt)
    elif os.path.isdir(path):
        files = []
    else:
        beside = sorted({path, os.path.realpath(path)})        # (SQLite's files are beside where a link leads)
        files = [path] + [base + suffix for base in beside for suffix in GPKG_COMPANIONS if os.path.lexists(base + suffix)]
    for name in sorted(files):
        if not os.path.isfile(name):
            raise not_regular_error(name)


def open_source(path, as_of=None):
    """List and recognise the layers of a plan source; OneMapError if it cannot be read at all.

    A layer whose rows begin and end (the one map's approved plans) shows the rows in force now, or
    as of `as_of` (a history.AsOf, or its text: a version or a date)."""
    fmt = source_format(path)
    if fmt != "postgis":
        path = os.path.normpath(path)
        _refuse_separator(path)
        if not os.path.exists(path):
            raise OneMapError("数据源不存在：{}".format(path), "Source not found: {}".format(path))
        _refuse_special_files(path, fmt)
    if fmt == "shp":
        layers = _list_shapefiles(path)
    elif fmt == "gdbs":
        layers = [layer for gdb in _gdb_children(path) for layer in _list_dataset(gdb, DRIVERS["gdb"])]
        layers += _list_shapefiles(path)              # anything else in the folder is listed, not dropped
    elif fmt in DRIVERS:
        layers = _list_dataset(path, DRIVERS[fmt])
    else:
        raise OneMapError("不支持的数据源：{}（支持 GeoPackage、.gdb 文件夹、含 .gdb 的成果文件夹、Shapefile 文件夹、"
                          "PostGIS）".format(path),
                          "Unsupported source: {} (use a GeoPackage, a .gdb folder, a folder holding .gdb folders, "
                          "a folder of shapefiles or PostGIS)".format(path))
    if not layers:
        raise OneMapError("数据源中没有矢量图层：{}".format(postgis.display(path)),
                          "No vector layers in source: {}".format(postgis.display(path)))
    taken = {}
    for layer in layers:
        _recognise(layer, taken)
    source = PlanSource(path=path, format=fmt, layers=layers)
    history.apply(source, history.AsOf.parse(as_of))
    return source


def source_files(path):
    """The files that make up a source, sorted: a .gdb folder's files (each .gdb's, for a folder of
    them), each shapefile's parts, or the file and, for a GeoPackage in WAL mode, its write-ahead log.

    Only regular files: other files in a plan folder (documents, a FIFO …) are not the plan. A
    GeoPackage that QGIS edits is in WAL mode: its saved edits sit in the `-wal` file until SQLite
    copies them into the GeoPackage (a checkpoint), so a hash of the GeoPackage alone would not see
    them. The log goes in while it holds anything; a checkpoint then changes the hash without changing
    the plan, which asks for a check again rather than letting an edit through. SQLite keeps the log
    beside the file a symbolic link leads to, so that is where it is looked for.
    """
    fmt = source_format(path)
    if fmt == "shp":
        files = [part for shp in _shapefiles(path) for part in shapefile_parts(shp)]
    elif os.path.isdir(path):
        files = _gdb_files(path, fmt)
    else:
        log = os.path.realpath(path) + "-wal"
        files = [path, log] if _holds_anything(log) else [path]
    return sorted(f for f in files if os.path.isfile(f))


def _holds_anything(path):
    try:
        return os.path.getsize(path) > 0
    except OSError:
        return False


def _gdb_files(path, fmt):
    """Every file inside a .gdb folder, or inside each .gdb of a folder holding them ('gdbs')."""
    return [os.path.join(root, name) for folder in (_gdb_children(path) if fmt == "gdbs" else [path])
            for root, _dirs, names in os.walk(folder) for name in names]


def source_name(path):
    """A source as group names and result rows show it: a file's or folder's name, or a PostGIS
    source's schema (never its connection string, which may hold a password)."""
    return postgis.title(path) if postgis.is_postgis(path) else os.path.basename(os.path.normpath(path))


def source_title(path):
    """A short name for a source, fit for file and layer names: a file's or folder's name without
    extension, or a PostGIS source's schema (never its connection string)."""
    name = source_name(path)
    return name if postgis.is_postgis(path) else os.path.splitext(name)[0]


def source_hasher(path):
    """source_hash(path) as a call to make on another thread (a PostGIS source resolved here, first)."""
    if postgis.is_postgis(path):
        return functools.partial(postgis.content_hash, path, postgis.resolve(path))
    return functools.partial(source_hash, path)


def source_hash(path):
    """SHA-256 over the source's files (see source_files), each named by its relative path when several.
    Worked out once while the files stay as they were (_stamp): a county's villages checked one after
    another against its one map read the one map's files once, not once a village.

    A PostGIS source has no files: its rows are hashed instead (see postgis.content_hash).
    """
    if postgis.is_postgis(path):
        return postgis.content_hash(path)
    files = source_files(path)
    stamp = _stamp(path, files)
    with _HASHED_LOCK:
        if stamp is not None and stamp in _HASHED:
            return _HASHED[stamp]
    digest = hashlib.sha256()
    for file_path in files:
        if len(files) > 1 or os.path.isdir(path):
            digest.update(os.path.relpath(file_path, os.path.dirname(path)).encode("utf-8"))
        try:
            with open(file_path, "rb") as handle:
                digest.update(_bookkeeping_unsaid(handle.read(1 << 20)))
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise OneMapError("无法读取 {}：{}".format(file_path, exc.strerror),
                              "Cannot read {}: {}".format(file_path, exc.strerror))
    settled = time.time_ns() - SETTLED_NS
    if stamp is not None and stamp == _stamp(path, files) and all(f[2] < settled for f in stamp[1:]):
        with _HASHED_LOCK:                     # unchanged while read, and not written in the last seconds
            if len(_HASHED) >= HASHED_KEPT:
                _HASHED.pop(next(iter(_HASHED)))
            _HASHED[stamp] = digest.hexdigest()
    return digest.hexdigest()


SQLITE_HEADER = b"SQLite format 3\x00"
BOOKKEEPING = ((18, 20), (24, 28), (92, 96))    # header bytes: journal mode; write counter, valid-for number


def _bookkeeping_unsaid(block):
    """A file's first block, without what a SQLite file's header says of its own bookkeeping: the journal
    mode and the counts of writes. A GeoPackage left in WAL mode (QGIS crashed, or it was copied while
    open) is switched back by whoever opens it next — a QGIS layer of it in our own check — which
    rewrites those bytes and no content (red team: the check recorded the hash of neither state, and the
    first merge was refused). A change of content changes the pages themselves."""
    if not block.startswith(SQLITE_HEADER):
        return block
    block = bytearray(block)
    for start, end in BOOKKEEPING:
        block[start:end] = bytes(end - start)
    return bytes(block)


def _stamp(path, files):
    """What says a source's files are as they were (their names, sizes, change and modification times to
    the nanosecond, device and inode: a write changes the times, a file put in its place the inode), or
    None when a file cannot be looked at."""
    try:
        return (os.path.realpath(path),) + tuple(
            (name, found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)
            for name, found in ((name, os.stat(name)) for name in files))
    except OSError:
        return None


def recognition_lines(source, kind=None, chinese=False):
    """Human-readable account of what was recognised, what is missing and what is unknown: in Chinese
    and English, or (`chinese`, for a Chinese UI) in Chinese only."""
    kind = kind or source.guess_kind()
    kind_info = schema().kinds.get(kind, {})
    kind_name = kind_info.get("zh", kind) if chinese else "{} / {}".format(kind_info.get("zh", kind),
                                                                          kind_info.get("en", kind))
    lines = ["{}：{}（{}）".format(source.format.upper(), source.label, kind_name)]
    if "GHYDYH" in source.recognised:                 # a plan: say why it is taken for this kind
        lines.append("  → " + kind_of(source)[1])
    for layer in source.layers:
        if layer.key:
            spec = layer.spec
            by_name = layer.matched_by == "name"
            how = ("按名称" if by_name else "按字段") + ("" if chinese else " by name" if by_name else " by fields")
            count = "{} 个要素{}".format(layer.count, "" if chinese else " features")
            encoding = "，编码 {}（{}）".format(layer.encoding, layer.encoding_how) if layer.encoding else ""
            lines.append("  ✔ {} → {} {}（{}，{}{}）".format(layer.name, layer.key, spec.zh, how, count, encoding))
    for key in source.missing(kind):
        spec = schema().layers[key]
        lines.append("  ✘ 缺少：{} {}".format(key, spec.zh) if chinese else
                     "  ✘ 缺少 missing: {} {} ({})".format(key, spec.zh, spec.en))
    for layer in source.unknown:
        problem = re.sub(r"\s*\([ -~]*\)$", "", layer.problem) if chinese else layer.problem   # "中文 (English)"
        lines.append("  ? 未识别：{} — {}".format(layer.name, problem) if chinese else
                     "  ? 未识别 unknown: {} — {}".format(layer.name, layer.problem))
    return lines
