"""全过程留痕: the one trail of checks, reviewer decisions, approvals and merges, with who, when and hashes.

Written into the one map with each merge (the check and decisions as the findings GeoPackage records
them, the approval, the merge itself), read back for the panel, and exported as a workbook (版本 and
留痕 sheets, through GDAL's XLSX driver like the check report).
"""
from ..errors import OneMapError
from ..read.sources import open_source
from ..review.decisions import KINDS
from .store import APPROVED, TRAIL, TRAIL_FIELDS, VERSION_FIELDS, open_store
from ..export.ruleset_label import ruleset_label
from ..export.xlsx import INTEGER, REAL, TEXT, write_workbook

EVENTS = ("核对", "审查决定", "批复", "入库")


def merge_events(check, merged, who, merged_at, plan_sha256, onemap_sha256):
    """The trail rows a merge adds: the check, each decision that counted, the approval, the merge."""
    run, version = check.run, merged.version
    counts = "错误 {} 个、警告 {} 个、提示 {} 个".format(run.get("errors") or 0, run.get("warnings") or 0,
                                                   run.get("infos") or 0)
    rows = [{"version": version, "event": "核对", "at": run.get("finished") or run.get("started") or "",
             "who": run.get("checked_by") or "",
             "summary": "核对 {}（规则集 {}，核对编号 {}）：{}；结论 通过".format(
                 run.get("plan_path") or "", ruleset_label(run), run.get("run_id") or "", counts),
             "plan_sha256": run.get("plan_sha256"), "onemap_sha256": run.get("onemap_sha256"),
             "findings_sha256": check.sha256, "ruleset_sha256": run.get("ruleset_sha256")}]
    for decision in check.decided:
        rows.append({"version": version, "event": "审查决定", "at": decision.decided_at, "who": decision.reviewer,
                     "summary": "{}：{} {}；理由：{}".format(KINDS[decision.decision][0], decision.rule_id,
                                                         decision.message, decision.reason),
                     "approval_no": decision.approval_no, "findings_sha256": check.sha256})
    rows.append({"version": version, "event": "批复", "at": merged.approved_on, "who": "",
                 "summary": "{} 批复（{}），批复文号 {}".format(merged.plan_name, merged.change, merged.approval_no),
                 "approval_no": merged.approval_no})
    rows.append({"version": version, "event": "入库", "at": merged_at, "who": who,
                 "summary": "{} 入库为版本 {}（上一版本 {}）：新增已批地块 {} 个，原已批地块失效 {} 个".format(
                     merged.approval_no, version, merged.parent, len(merged.added), len(merged.replaced)),
                 "approval_no": merged.approval_no, "plan_sha256": plan_sha256, "onemap_sha256": onemap_sha256,
                 "findings_sha256": check.sha256, "ruleset_sha256": run.get("ruleset_sha256")})
    return rows


def read_history(onemap):
    """(versions, trail rows) of a one map (a path or PlanSource), oldest first."""
    source = open_source(onemap) if isinstance(onemap, str) else onemap
    store = open_store(source)
    trail_rows = sorted(store.rows(TRAIL), key=lambda row: (row.get("version") or 0, EVENTS.index(row["event"])
                                                            if row.get("event") in EVENTS else 9))
    return store.versions(), trail_rows


def history_lines(source, as_of=None):
    """A one map's history in Chinese lines (describesource, the log): the parcels in force now or as of
    an earlier state, and every version. [] for a source without approved plans."""
    if APPROVED not in source.recognised:
        return []
    in_force = source.open_layer(APPROVED).featureCount()
    lines = ["已批规划用地（{}）：有效地块 {} 个".format(as_of.zh if as_of else "现行", in_force)]
    versions = open_store(source).versions() if source.format in ("gpkg", "postgis") else []
    for row in versions:
        lines.append("  版本 {}：{}，批复文号 {}（{}，批复日期 {}），{} 于 {} 入库".format(
            row["version"], row.get("plan_name") or "", row.get("approval_no") or "", row.get("change") or "",
            row.get("approved_on") or "", row.get("reviewer") or "", row.get("merged_at") or ""))
    return lines


def export_trail(onemap, output):
    """The versions and the trail of a one map as a workbook (.xlsx), written atomically; returns them."""
    versions, rows = read_history(onemap)
    if not versions:
        raise OneMapError("一张图 {} 还没有入库记录".format(onemap), "The one map {} has no merges yet".format(onemap))
    write_workbook(output, [(name, [(alias, TYPES[kind]) for _f, kind, alias in fields],
                             [[row.get(field) for field, _k, _a in fields] for row in table])
                            for name, fields, table in (("版本", VERSION_FIELDS, versions), ("留痕", TRAIL_FIELDS, rows))])
    return versions, rows


TYPES = {"text": TEXT, "int": INTEGER, "real": REAL, "date": TEXT}
