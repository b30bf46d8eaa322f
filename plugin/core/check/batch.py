"""onemap:verifyfolder's engine: check many plans against one one map, one findings file each, one summary.

Every findings GeoPackage goes into the output folder (never beside the delivered plans). A plan that
cannot be checked becomes a `failed` row with its reason and the others go on; what is wrong with the
batch itself (the folder, the one map, the rule set, the output folder) is a OneMapError before any
plan (`check_batch`). Each plan keeps its findings file from one run to the next — the file whose run
record names it — and only that file lends it decisions: `x.gpkg` and a shapefile folder `x/` never
share `x_核对结果.gpkg`. The plans are checked on every core (pool.py); a summary row holds plain values
(the boundary as WKB). The summary is
OUTPUT/summary.gpkg (layer `plans`, the plan's village boundary as geometry where known) and the
same rows as OUTPUT/summary.xlsx with Chinese headers.
"""
import os

from osgeo import ogr, osr
from qgis.core import QgsCoordinateTransform, QgsEditorWidgetSetup, QgsGeometry, QgsProject

from ..errors import OneMapError
from ..export.atomic import write_atomically
from ..export.report_data import read_report
from ..export.xlsx import write_workbook
from ..read.sources import open_source, source_format
from ..read.styles import apply_style
from ..read.villages import read_villages
from ..review.decisions import same_plan
from ..review.findings import recorded_plan
from .engine import check_onemap
from .pool import Job, outcomes
from .ruleset import load_ruleset

FINDINGS_SUFFIX = "_核对结果.gpkg"
SUMMARY_FILE, SUMMARY_LAYER = "summary.gpkg", "plans"
COLUMNS = [  # field, type, Chinese name (the gpkg field's alias, the header in summary.xlsx)
    ("path", ogr.OFTString, "规划成果"), ("village", ogr.OFTString, "村庄"), ("status", ogr.OFTString, "状态"),
    ("conclusion", ogr.OFTString, "核对结论"), ("reason", ogr.OFTString, "原因"), ("errors", ogr.OFTInteger, "错误"),
    ("warnings", ogr.OFTInteger, "警告"), ("infos", ogr.OFTInteger, "提示"),
    ("findings_file", ogr.OFTString, "核对结果文件"), ("detail", ogr.OFTString, "详细信息")]
FAILED = "失败"      # the conclusion of a plan that could not be checked (status `failed`)
SKIPPED = "未核对"   # the conclusion of a file handed in that is OneMap's own output (status `skipped`)
STATUS_ZH = {"ok": "已核对", "failed": FAILED, "skipped": SKIPPED}     # `status` as a Chinese UI shows it
GPKG_ONLY = ("status",)   # ok / failed / skipped: what a filter or a style reads; the workbook has 核对结论


def _not_a_plan(path):
    """(zh, en) why a GeoPackage is not checked — it is a file OneMap wrote (a findings file: tables `findings` and
    `run`; a summary: layer `plans`) and holds no plan layer —, or None. Judged by content, never by name: a plan
    named summary.gpkg or 杜村_核对结果.gpkg, or one carrying findings tables, is a plan and is checked."""
    try:
        source = open_source(path)
    except OneMapError:
        return None                              # checked: its row then says why it cannot be
    if source.recognised:
        return None
    layers = {layer.name.lower(): layer for layer in source.layers}
    if "findings" in layers and "run" in layers:
        return ("OneMap 的核对结果文件（含 findings、run 表，无规划图层），不是规划成果，未核对",
                "a OneMap findings file (tables findings and run, no plan layer), not a plan: not checked")
    if "plans" in layers and {"path", "status", "findings_file"} <= set(layers["plans"].field_names):
        return ("OneMap 的批量核对汇总（含 plans 表，无规划图层），不是规划成果，未核对",
                "a OneMap batch summary (layer plans, no plan layer), not a plan: not checked")
    return None


def plan_candidates(folder):
    """(plans, skipped) directly in `folder`: plans are GeoPackages, .gdb folders, folders holding a plan's FileGDBs
    and shapefile folders; skipped are OneMap's own outputs among them (findings files, summaries), as
    [(path, zh, en)] saying why, so that the summary lists every file handed in as a plan."""
    plans, skipped = [], []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.startswith("."):
            continue
        if name.lower().endswith(".gpkg") and os.path.isfile(path):
            why = _not_a_plan(path)
            if why is None:
                plans.append(path)
            else:
                skipped.append((path,) + why)
        elif os.path.isdir(path) and (source_format(path) in ("gdb", "gdbs") or any(
                entry.lower().endswith(".shp") for entry in os.listdir(path))):
            plans.append(path)
    return plans, skipped


def _stem(plan_path):
    return os.path.splitext(os.path.basename(os.path.normpath(plan_path)))[0]


def findings_paths(plans, output_dir):
    """{plan: its findings file in output_dir}. A plan keeps the file whose run record names it; a plan
    without one gets <stem>_核对结果.gpkg, or <stem>_2_核对结果.gpkg … when that name is another plan's
    (of this batch, or recorded in an existing file) or an existing file's whose record cannot be read."""
    existing = {}
    if os.path.isdir(output_dir):
        for name in sorted(os.listdir(output_dir)):
            if name.endswith(FINDINGS_SUFFIX):
                path = os.path.join(output_dir, name)
                existing[path] = recorded_plan(path)
    chosen = {}
    for plan in plans:
        own = next((path for path, recorded in existing.items()
                    if same_plan(recorded, plan) and path not in chosen.values()), None)
        if own is not None:
            chosen[plan] = own
    for plan in plans:
        if plan in chosen:
            continue
        path, number = os.path.join(output_dir, _stem(plan) + FINDINGS_SUFFIX), 2
        while path in existing or path in chosen.values():
            path, number = os.path.join(output_dir, "{}_{}{}".format(_stem(plan), number, FINDINGS_SUFFIX)), number + 1
        chosen[plan] = path
    return chosen


def _village(plan_path, crs):
    """(names, boundary as WKB of a multipolygon in `crs`) from the plan's village boundary, or ('', None)."""
    names, parts, layer_crs = read_villages(plan_path)
    if not parts:
        return "、".join(names), None
    geometry = QgsGeometry.unaryUnion(parts)
    if crs is not None and layer_crs.isValid() and layer_crs != crs:
        geometry.transform(QgsCoordinateTransform(layer_crs, crs, QgsProject.instance()))
    geometry.convertToMultiType()
    return "、".join(names), bytes(geometry.asWkb()) if not geometry.isEmpty() else None


def _previous(plan, output):
    """`output` when it is this plan's findings file (its run record names the plan): its decisions carry over."""
    return output if os.path.isfile(output) and same_plan(recorded_plan(output), plan) else None


def beside_plans(plans, output_dir):
    """Whether `output_dir` is the folder one of `plans` lies in (findings are never written among the plans)."""
    output_dir = os.path.abspath(output_dir)
    return any(os.path.dirname(os.path.normpath(os.path.abspath(plan))) == output_dir for plan in plans)


def verify_plans(plans, onemap, output_dir, ruleset=None, kind=None, feedback=None, log=None):
    """Check each plan (on every core: pool.py); returns the summary rows (dicts with a `geometry`, WKB).
    Cancelled leaves the rows so far."""
    output_dir = os.path.abspath(output_dir)
    plans = [os.path.abspath(plan) for plan in plans]
    if beside_plans(plans, output_dir):
        raise OneMapError("输出文件夹不能是规划成果所在文件夹：{}".format(output_dir),
                          "The output folder must not be the plans' own folder: {}".format(output_dir))
    _make_folder(output_dir)
    crs = summary_crs(onemap)
    outputs = findings_paths(plans, output_dir)
    jobs = [Job(plan, outputs[plan], previous=_previous(plan, outputs[plan])) for plan in plans]
    rows = []
    for job, outcome in outcomes(jobs, onemap, ruleset=ruleset, kind=kind, feedback=feedback):
        village, boundary = _village(job.plan, crs)
        row = {"path": job.plan, "village": village, "geometry": boundary}
        if outcome.counts is not None:
            row.update(status="ok", reason="", errors=outcome.counts["error"], warnings=outcome.counts["warning"],
                       infos=outcome.counts["info"], findings_file=job.output, conclusion=read_report(job.output).verdict)
        elif outcome.internal:
            row.update(status="failed", conclusion=FAILED, reason="内部错误，未能完成核对", detail=outcome.internal)
        else:
            row.update(status="failed", conclusion=FAILED, reason=outcome.zh, detail=outcome.en)
        if log is not None:
            log("{}：{}".format(os.path.basename(os.path.normpath(job.plan)),
                               row.get("conclusion") or "核对失败 " + row.get("reason", "")))
        rows.append(row)
    return rows


def _refuse_a_file(output_dir):
    if os.path.exists(output_dir) and not os.path.isdir(output_dir):
        raise OneMapError("输出文件夹 {} 是一个已有文件，请另选文件夹".format(output_dir),
                          "The output folder {} is an existing file: choose a folder".format(output_dir))


def _make_folder(output_dir):
    _refuse_a_file(output_dir)
    try:
        os.makedirs(output_dir, exist_ok=True)
    except OSError as exc:
        raise OneMapError("无法创建输出文件夹 {}：{}".format(output_dir, exc.strerror or exc),
                          "Cannot create the output folder {}: {}".format(output_dir, exc.strerror or exc))


def check_batch(folder, onemap, output_dir=None, ruleset=None):
    """OneMapError for what would make every plan fail for the batch's own reason — the plans' folder,
    the one map, the rule set, the output folder (when given) — before any plan is checked."""
    if not os.path.isdir(folder):
        raise OneMapError("找不到规划成果文件夹：{}".format(folder), "Plan folder not found: {}".format(folder))
    if output_dir:
        plans_dir, output = os.path.realpath(folder), os.path.realpath(output_dir)
        if output == plans_dir or output.startswith(plans_dir.rstrip(os.sep) + os.sep):
            raise OneMapError("输出文件夹 {} 不能是规划成果文件夹 {} 或其中的子文件夹".format(output_dir, folder),
                              "The output folder {} must not be, or lie inside, the plans' folder {}".format(
                                  output_dir, folder))
        _refuse_a_file(output_dir)
    check_onemap(open_source(onemap))
    if ruleset:
        load_ruleset(ruleset)


def summary_crs(onemap):
    """The summary's CRS: the one map's (all plans of a county are shown together in it)."""
    from qgis.core import QgsCoordinateReferenceSystem
    try:
        source = open_source(onemap)
        for found in source.recognised.values():
            if not found.spec.is_table:
                return source.open_layer(found.key).crs()
    except OneMapError:
        pass
    return QgsCoordinateReferenceSystem("EPSG:4490")


def present_summary(layer, chinese):
    """The summary layer as the panel and the toolbox show it: outlines by conclusion (the plans beneath
    stay visible) and, in a Chinese UI, its fields under their Chinese names (GDAL stores the aliases in
    the GeoPackage only from 3.7 on: Debian 12's 3.6 keeps the English field names alone)."""
    apply_style(layer, "summary")
    for key, _kind, zh in COLUMNS if chinese else ():
        index = layer.fields().indexOf(key)
        if index >= 0:
            layer.setFieldAlias(index, zh)
    index = layer.fields().indexOf("status")
    if chinese and index >= 0:                          # 已核对 / 失败 / 未核对, not ok / failed / skipped
        layer.setEditorWidgetSetup(index, QgsEditorWidgetSetup("ValueMap", {"map": [
            {zh: value} for value, zh in STATUS_ZH.items()]}))


def write_summary(rows, output_dir, crs):
    """OUTPUT/summary.gpkg (layer `plans`) and OUTPUT/summary.xlsx (export/xlsx.py), each written atomically."""
    def gpkg(path):
        dataset = ogr.GetDriverByName("GPKG").CreateDataSource(path)
        srs = osr.SpatialReference()
        srs.SetFromUserInput(crs.authid() or crs.toWkt())
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        layer = dataset.CreateLayer(SUMMARY_LAYER, srs, ogr.wkbMultiPolygon, ["FID=fid", "GEOMETRY_NULLABLE=YES"])
        for key, kind, zh in COLUMNS:            # the Chinese names as aliases: QGIS's table and form show them
            definition = ogr.FieldDefn(key, kind)
            definition.SetAlternativeName(zh)
            layer.CreateField(definition)
        for row in rows:
            feature = ogr.Feature(layer.GetLayerDefn())
            for index, (key, _kind, _zh) in enumerate(COLUMNS):
                if row.get(key) not in (None, ""):
                    feature.SetField(index, row[key])
            if row.get("geometry"):
                feature.SetGeometry(ogr.CreateGeometryFromWkb(row["geometry"]))
            layer.CreateFeature(feature)

    shown = [(key, kind, zh) for key, kind, zh in COLUMNS if key not in GPKG_ONLY]
    return [write_atomically(os.path.join(output_dir, SUMMARY_FILE), gpkg),
            write_workbook(os.path.join(output_dir, "summary.xlsx"), [
                ("汇总", [(zh, kind) for _key, kind, zh in shown], [[row.get(key) for key, _k, _z in shown] for row in rows])])]


def verify_folder(folder, onemap, output_dir, ruleset=None, feedback=None, log=None):
    """Check every plan in `folder`; write the findings and the summary into output_dir. Returns the rows."""
    check_batch(folder, onemap, output_dir, ruleset)
    plans, skipped = plan_candidates(folder)
    rows = verify_plans(plans, onemap, output_dir, ruleset=ruleset, feedback=feedback, log=log)
    for path, zh, en in skipped:
        if log is not None:
            log("{}：{}".format(os.path.basename(path), zh))
        rows.append({"path": os.path.abspath(path), "village": "", "geometry": None, "status": "skipped",
                     "conclusion": SKIPPED, "reason": zh, "detail": en})
    write_summary(rows, output_dir, summary_crs(onemap))
    return rows
