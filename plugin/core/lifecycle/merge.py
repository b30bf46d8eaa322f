"""onemap:mergeplan's engine: an approved plan goes into the one map (批复后纳入一张图, seed 000).

The plan's parcels become rows of the approved plans' layer that begin with the new version; the rows
in force that they replace end (valid_to, version_to) and are never deleted — a row only partly
replaced ends too, and the part outside goes on as a new row of its own plan. A 新编, 修改 or 技术修正
replaces inside the plan's extent (its parcels), a 局部调整 only inside its changed parcels (those the
one map does not already hold with the same use on the same ground).

Refused, the one map untouched: findings that did not pass (decisions validated) or were made as of an
earlier state, findings of another plan, a plan or one map changed since the check (SHA-256 against the
run record), a 批复文号 already merged, an approval date after today or before 1949-10-01. The 批复文号
and the name of who merges are cleaned as decisions' are (control and invisible format characters
removed; one that prints nothing is none; too long is refused) before they are compared or written.
The hash and the 批复文号 are looked at again under the lock, so two merges of plans checked against the
same state never both go in.
"""
import datetime
import getpass
import os
import sys
from dataclasses import dataclass, field

from qgis.core import QgsCoordinateTransform, QgsGeometry, QgsProject, QgsRectangle

from ..check.context import Feature, LayerData
from ..check.geomops import union
from ..errors import OneMapError
from ..export.text import plain, shows
from ..read import crs as crsmod
from ..read.history import VERSIONS_TABLE, iso_date
from ..read.plankind import plan_title
from ..read.schema import schema
from ..read.sources import open_source, source_hash
from ..review.decisions import invisible_en, invisible_zh, same_plan
from ..review.readback import TEXT_MAX
from . import overlay, trail
from .overlay import NOISE_M2
from .changes import PARTIAL, change_name
from .parcels import APPROVED, PLAN_LANDUSE, layer_crs, read_parcels
from .store import TRAIL, open_store
from .verdict import read_check

PAUSE_ENV = "ONEMAP_TEST_PAUSE_AT"     # tests only: stop at a named step (see _pause)
# The earliest approval date taken: OneMap's judgement (no standard says it) — no plan in a one map was
# approved before the People's Republic was founded; an earlier date is a typo (0001-01-01, 1024 for 2024).
EARLIEST_APPROVAL = datetime.date(1949, 10, 1)


@dataclass
class Replaced:
    """An approved row in force that the new plan replaces (wholly, or `kept` goes on as a new row)."""
    row: object                  # core.check.context.Feature of the approved plans' layer
    area_m2: float               # the part replaced
    kept: object = None          # QgsGeometry of the part outside, or None


@dataclass
class MergeResult:
    version: int
    parent: int
    approval_no: str
    approved_on: str
    change: str
    plan_name: str
    dry_run: bool
    added: list = field(default_factory=list)        # (label, code, area m²) of the new rows
    replaced: list = field(default_factory=list)     # Replaced
    area_m2: float = 0.0                             # the ground the plan replaces

    def lines(self):
        """The merge told in Chinese, one line each (the log, the panel)."""
        head = "试运行（未写入）：将" if self.dry_run else "已"
        lines = ["{}入库为版本 {}（上一版本 {}）：{}，批复文号 {}，批复日期 {}，{}".format(
            head, self.version, self.parent, self.plan_name, self.approval_no, self.approved_on, self.change),
            "新增已批地块 {} 个，共 {:.2f} 平方米；替代范围 {:.2f} 平方米".format(
                len(self.added), sum(area for _l, _c, area in self.added), self.area_m2)]
        kept = sum(1 for item in self.replaced if item.kept is not None)
        lines.append("原已批地块失效 {} 个（其中 {} 个在替代范围外的部分作为新记录继续有效）".format(len(self.replaced), kept))
        for item in self.replaced:
            attrs = item.row.attrs
            lines.append("  失效：{} 地块 {}（{} {}），被替代 {:.2f} 平方米{}".format(
                attrs.get("PFWH") or "", item.row.label, item.row.code, attrs.get("YDYHFLMC") or "", item.area_m2,
                "，其余部分保留" if item.kept is not None else ""))
        return lines


def _pause(step):
    """Tests only (never set otherwise): with ONEMAP_TEST_PAUSE_AT=<step> the merge says where it is on
    stdout and waits for a line on stdin — a test kills it there (kill -9) or lets it go on."""
    if os.environ.get(PAUSE_ENV) == step:
        print("onemap-paused:" + step, flush=True)
        sys.stdin.readline()


def _now():
    return datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds")


def _date(value):
    """'YYYY-MM-DD' of an approval date given as a date, a QDate/QDateTime or text; OneMapError for anything
    else, for a date after today (the machine's local date) and for one before EARLIEST_APPROVAL. A typo such
    as 2099 for 2024 would otherwise leave nothing in force as of today and bar every later plan there."""
    if hasattr(value, "toString") and hasattr(value, "isValid"):
        value = value.toString("yyyy-MM-dd") if value.isValid() else ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise OneMapError("批复日期“{}”无效：应为日期，如 2024-05-01".format(value or ""),
                              "Invalid approval date '{}': give a date such as 2024-05-01".format(value or ""))
    today = datetime.date.today()
    if value > today:
        raise OneMapError("批复日期“{}”晚于今天（{}）：批复日期不能是将来的日期，请核对".format(value, today),
                          "The approval date {} is after today ({}): an approval cannot lie in the future".format(
                              value, today))
    if value < EARLIEST_APPROVAL:
        raise OneMapError("批复日期“{}”早于 {}，不可能是规划的批复日期，请核对".format(value, EARLIEST_APPROVAL),
                          "The approval date {} is before {}: no plan in the one map was approved then".format(
                              value, EARLIEST_APPROVAL))
    return value.isoformat()


def _cleaned(value):
    """A text as decisions keep theirs: without invisible format and control characters (a NUL, which cut
    the stored value short, a bidi override, a zero-width space: core.export.text.plain), trimmed."""
    return plain(str(value or "")).strip()


def _entered(value, zh_name, en_name):
    """A 批复文号 or name typed for a merge, cleaned; '' when nothing in it prints (core.export.text.shows:
    zero-width spaces, Hangul fillers), OneMapError when longer than a findings file's texts may be."""
    text = _cleaned(value)
    if not shows(text):
        return ""
    if len(text) > TEXT_MAX:
        raise OneMapError("{}过长（{} 个字符，最多 {} 个）：“{}…”".format(zh_name, len(text), TEXT_MAX, text[:20]),
                          "The {} is too long ({} characters, at most {}): '{}…'".format(
                              en_name, len(text), TEXT_MAX, text[:20]))
    return text


HASHED_AS_NOW = (0, 3, 5)      # since this version a SQLite header's bookkeeping is left out of a source's hash


def _refuse_check(check, change):
    refusal = check.refusal()
    if refusal:
        raise OneMapError(*refusal)
    made_by = check.run.get("plugin_version") or ""
    if _version(made_by) < HASHED_AS_NOW:
        raise OneMapError("核对结果 {} 由 OneMap {} 生成，其中的 SHA-256 按旧方法计算，不能与本版本比对：请用本版本重新核对后再入库"
                          .format(check.path, made_by or "旧版本"),
                          "The check {} was made by OneMap {}, whose SHA-256 of a source is worked out otherwise: "
                          "check again with this version before merging".format(check.path, made_by or "(older)"))
    as_of = check.run.get("as_of") or ""
    if as_of:
        raise OneMapError("核对结果 {} 是对照一张图的历史状态（{}）做的；入库前须对照现行一张图核对".format(check.path, as_of),
                          "The check {} was made against an earlier state of the one map ({}): check against the "
                          "one map as it is now before merging".format(check.path, as_of))
    declared = check.run.get("change") or ""
    if declared and declared != change:
        raise OneMapError("核对时本规划声明为“{}”，入库为“{}”：两者须一致".format(declared, change),
                          "The plan was checked as '{}' and is merged as '{}': they must agree".format(declared, change))


def _version(text):
    """'0.3.5' as (0, 3, 5); anything else as (0,)."""
    parts = text.split(".")
    return tuple(int(part) for part in parts) if all(part.isdigit() for part in parts) else (0,)


def _refuse_plan(check, plan, plan_sha256):
    recorded, recorded_sha = check.run.get("plan_path") or "", check.run.get("plan_sha256") or ""
    if plan_sha256 == recorded_sha:
        return
    if not same_plan(recorded, plan.label):
        raise OneMapError("核对结果 {} 属于另一份规划（{}），不是 {}".format(check.path, recorded, plan.label),
                          "The check {} is of another plan ({}), not {}".format(check.path, recorded, plan.label))
    raise OneMapError("规划 {} 在核对后已改变（SHA-256 {}…，核对时 {}…）：请重新核对后再入库".format(
                          plan.label, plan_sha256[:12], recorded_sha[:12]),
                      "The plan {} changed after the check (SHA-256 {}…, checked {}…): check it again".format(
                          plan.label, plan_sha256[:12], recorded_sha[:12]))


def _refuse_onemap(check, onemap):
    """The one map must be as the check saw it (another merge, or an edit, since then: check again)."""
    now, recorded = source_hash(onemap.path), check.run.get("onemap_sha256") or ""
    if now != recorded:
        raise OneMapError("一张图 {} 在核对后已改变（SHA-256 {}…，核对时 {}…；可能已有其他规划入库）：请对照现在的一张图重新核对".format(
                              onemap.label, now[:12], recorded[:12]),
                          "The one map {} changed after the check (SHA-256 {}…, checked {}…; another plan may have "
                          "been merged): check again against the one map as it is now".format(
                              onemap.label, now[:12], recorded[:12]))
    return now


def _refuse_merged(store, approval_no):
    for row in store.versions():
        if _cleaned(row.get("approval_no")) == approval_no:            # one stored before texts were cleaned too
            raise OneMapError("批复文号 {} 已于 {} 入库为版本 {}".format(approval_no, row.get("merged_at") or "", row["version"]),
                              "Approval {} was merged already, as version {} ({})".format(
                                  approval_no, row["version"], row.get("merged_at") or ""))


def store_crs(onemap):
    """The CRS of the approved plans' layer: its own, or for the first merge the one map's (its first
    layer with a defined CRS, in schema order)."""
    keys = [APPROVED] + [key for key in schema().layers if key != APPROVED]
    for key in keys:
        found = onemap.get(key)
        if found is not None and not found.spec.is_table:
            try:
                return layer_crs(onemap.open_layer(key), onemap.label)
            except OneMapError:
                if key == APPROVED:
                    raise
    raise OneMapError("一张图 {} 没有可确定坐标系的图层".format(onemap.label),
                      "The one map {} has no layer with a coordinate system".format(onemap.label))


class Areas:
    """Areas in the 3° Gauss-Krüger zone of the ground (as the checks measure), whatever the store's CRS."""

    def __init__(self, crs, data, transform_context):
        box = data.index.extent
        self.transform = None
        if box is not None:
            working = crsmod.working_crs(crs, QgsRectangle(*box), transform_context)
            if working != crs:
                self.transform = QgsCoordinateTransform(crs, working, transform_context)

    def __call__(self, geometry):
        if self.transform is None:
            return geometry.area()
        moved = QgsGeometry(geometry)
        moved.transform(self.transform)
        return moved.area()


def replacements(onemap, parcels, change, approved_on, areas, transform_context):
    """(incoming parcels, [Replaced], replaced ground) of the plan (a LayerData in the store's CRS)
    against the rows in force near it."""
    crs, near = parcels.crs, parcels.index.extent
    current = read_parcels(onemap, APPROVED, crs, near=QgsRectangle(*near), transform_context=transform_context) \
        if APPROVED in onemap.recognised and near is not None else LayerData(APPROVED, APPROVED, [], crs)
    incoming = [p for p in parcels.features if change != PARTIAL or not overlay.has_twin(p, current, NOISE_M2)]
    if not incoming:
        raise OneMapError("局部调整的规划与一张图中的已批规划相比没有变化的地块，无需入库" if change == PARTIAL else
                          "规划中没有可入库的地块", "Nothing to merge: no parcel differs from the approved plans"
                          if change == PARTIAL else "Nothing to merge: the plan has no parcels")
    ground = union(p.shape for p in incoming)
    region = LayerData("replaced", "replaced", [Feature(0, ground, {}, "")], crs)
    replaced = []
    for row, _region, piece, _area in overlay.pieces(current.features, region, NOISE_M2):
        begun = iso_date(row.attrs.get("valid_from"))
        if begun > approved_on:
            raise OneMapError("批复日期 {} 早于将被替代的已批规划（批复文号 {}，生效于 {}）".format(
                                  approved_on, row.attrs.get("PFWH") or "", begun),
                              "The approval date {} is before that of the approved plan it replaces ({}, in force "
                              "from {})".format(approved_on, row.attrs.get("PFWH") or "", begun))
        replaced.append(Replaced(row, areas(piece), overlay.uncovered(row, region, NOISE_M2)))
    return incoming, replaced, ground


def merge_plan(plan, findings, onemap, approval_no, approved_on, change, dry_run=False, reviewer=None,
               feedback=None, transform_context=None):
    """Merge an approved plan into the one map (or, `dry_run`, say what would change and write nothing).
    Returns a MergeResult; OneMapError (the one map untouched) when it is refused or fails."""
    typed, approval_no = approval_no, _entered(approval_no, "批复文号", "approval document number")
    if not approval_no:
        raise OneMapError("入库须填写批复文号" + invisible_zh(typed),
                          "A merge needs the approval document number (批复文号)" + invisible_en(typed))
    who = _entered(reviewer, "入库人", "name of who merges") or getpass.getuser()
    approved_on, change = _date(approved_on), change_name(change)
    if not change:
        raise OneMapError("入库须说明变更类型（新编、修改、局部调整或技术修正）",
                          "A merge needs the kind of change (新编, 修改, 局部调整 or 技术修正)")
    context = transform_context or QgsProject.instance().transformContext()
    check = read_check(findings)
    _refuse_check(check, change)
    plan_source = open_source(plan)
    key = next((k for k in PLAN_LANDUSE if k in plan_source.recognised), None)
    if key is None:
        raise OneMapError("规划成果 {} 中没有可识别的规划用地用海图层".format(plan_source.label),
                          "The plan {} has no recognisable land-use layer".format(plan_source.label))
    plan_sha256 = source_hash(plan_source.path)
    _refuse_plan(check, plan_source, plan_sha256)
    onemap_source = open_source(onemap)
    store = open_store(onemap_source)
    onemap_sha256 = _refuse_onemap(check, onemap_source)
    _refuse_merged(store, approval_no)
    crs = store_crs(onemap_source)
    parcels = read_parcels(plan_source, key, crs, transform_context=context, whole_labels=True)
    areas = Areas(crs, parcels, context)
    report = check.report
    plan_name = plan_title(report.village, check.run.get("plan_kind"))

    def result(version, parent, incoming, replaced, ground, is_dry):
        return MergeResult(version, parent, approval_no, approved_on, change, plan_name, is_dry,
                           [(p.label if parcels.labelled else "", p.code, areas(p.shape)) for p in incoming],
                           replaced, areas(ground))

    if dry_run:
        parent = store.head()
        return result(parent + 1, parent, *replacements(onemap_source, parcels, change, approved_on, areas, context),
                      True)
    with store.writing(crs, feedback) as writer:
        _pause("locked")
        onemap_sha256 = _refuse_onemap(check, onemap_source)
        _refuse_merged(store, approval_no)
        parent = store.head()
        version = parent + 1
        incoming, replaced, ground = replacements(onemap_source, parcels, change, approved_on, areas, context)
        writer.close([item.row.fid for item in replaced], version, approved_on)
        _pause("closed")
        kept = [(item.kept, dict(_row_values(item.row), valid_from=approved_on, version_from=version))
                for item in replaced if item.kept is not None]
        new = [(p.shape, {"YDYHFLDM": p.code, "YDYHFLMC": p.attrs.get("YDYHFLMC"),
                          "BSM": p.label if parcels.labelled else "", "GHMC": plan_name, "PFWH": approval_no,
                          "PFRQ": approved_on, "BGLX": change, "valid_from": approved_on, "version_from": version})
               for p in incoming]
        writer.add(kept + new)
        _pause("added")
        done = result(version, parent, incoming, replaced, ground, False)
        merged_at = _now()
        writer.record(VERSIONS_TABLE, [{
            "version": version, "parent": parent, "approval_no": approval_no, "approved_on": approved_on,
            "change": change, "plan_name": plan_name, "plan_path": plan_source.label, "plan_sha256": plan_sha256,
            "findings_path": os.path.realpath(findings), "findings_sha256": check.sha256,
            "run_id": check.run.get("run_id"), "onemap_sha256": onemap_sha256, "reviewer": who,
            "merged_at": merged_at, "added": len(new), "closed": len(replaced), "kept": len(kept),
            "area_m2": done.area_m2}])
        writer.record(TRAIL, trail.merge_events(check, done, who, merged_at, plan_sha256, onemap_sha256))
        _pause("recorded")
    return done


def _row_values(row):
    """An approved row's own values (its plan, approval and use), for the part of it that goes on."""
    keys = ("YDYHFLDM", "YDYHFLMC", "BSM", "GHMC", "PFWH", "PFRQ", "BGLX")
    values = {key: row.attrs.get(key) for key in keys}
    values["YDYHFLDM"] = values["YDYHFLDM"] or row.code
    values["PFRQ"] = iso_date(values["PFRQ"]) or None
    return values
