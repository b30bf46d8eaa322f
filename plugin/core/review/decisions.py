"""Reviewer decisions on findings: validated, stored in the findings GeoPackage's `decisions` table,
and carried over to the next run of the same plan.

A decision is `accepted` (an approved exception: reason and 批复文号 required) or `false_positive`
(reason required). A re-exported plan has new fids and slightly moved vertices, so a decision moves
to the new run's finding of the same rule whose conflicting part covers (nearly) the same ground; a
finding without geometry (indicators, CRS) is matched by its rule, layers and wording without figures.
A decision whose finding is gone is kept, marked resolved; one carried onto a finding whose severity
or wording changed is marked `review` (需复核) and counted apart until the reviewer confirms it.
"""
import datetime
import getpass
import os
import re
from dataclasses import asdict, dataclass

from osgeo import ogr
from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsGeometry, QgsProject

from ..errors import OneMapError
from .findings import SEVERITY_ZH, finding_id, navigation_point, open_findings, updating

ogr.UseExceptions()

KINDS = {"accepted": ("已认可例外", "approved exception"), "false_positive": ("误报", "false positive")}
REVIEW = ("需复核", "to confirm again")      # a carried-over decision whose finding changed
NAMES = dict(KINDS, review=REVIEW)           # what a decision shows as: its kind, or 需复核
MATCH_OVERLAP = 0.5          # shared area / larger area for two conflicting parts to be the same finding
MATCH_DISTANCE_M = 5.0       # for parts without area (a point): navigation points this close


@dataclass
class Decision:
    finding_id: str
    decision: str
    reason: str = ""
    approval_no: str = ""
    reviewer: str = ""
    decided_at: str = ""
    resolved: int = 0
    rule_id: str = ""
    message: str = ""            # the finding's message when decided (read when the finding is gone)
    review: int = 0              # 1: carried onto a finding that changed since; the reviewer must confirm


def validate(decision, reason, approval_no):
    """OneMapError (zh/en) naming what is missing; nothing for a complete decision."""
    if decision not in KINDS:
        raise OneMapError("未知的审查决定：{}".format(decision), "Unknown decision: {}".format(decision))
    if not (reason or "").strip():
        raise OneMapError("“{}”须填写理由".format(KINDS[decision][0]), "{} needs a reason".format(
            {"accepted": "An approved exception", "false_positive": "A false positive"}[decision]))
    if decision == "accepted" and not (approval_no or "").strip():
        raise OneMapError("已认可例外须填写批复文号", "An approved exception needs the approval document number (批复文号)")


def make(finding_id_, decision, reason, approval_no="", reviewer="", rule_id="", message=""):
    """A validated decision stamped with the reviewer (default: the system user) and the time now."""
    validate(decision, reason, approval_no)
    now = datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds")
    return Decision(finding_id_, decision, reason.strip(), (approval_no or "").strip() if decision == "accepted" else "",
                    (reviewer or "").strip() or getpass.getuser(), now, 0, rule_id, message)


# -- the GeoPackage table
def read(path):
    """The decisions stored in a findings GeoPackage (a file from before the table existed has none)."""
    dataset = open_findings(path)
    table = dataset.GetLayerByName("decisions")
    if table is None:
        return []
    names = set(Decision.__dataclass_fields__)
    rows = []
    for feature in table:
        values = {k: feature.GetField(k) for k in feature.keys() if k in names}
        values = {k: ("" if v is None and k != "resolved" else v) for k, v in values.items()}
        values["resolved"] = int(values.get("resolved") or 0)
        values["review"] = int(values.get("review") or 0)
        rows.append(Decision(**values))
    return rows


def save(path, decision):
    """Store `decision` in the GeoPackage, replacing any earlier one on the same finding."""
    _write(path, decision.finding_id, asdict(decision))


def confirm(path, decision, message):
    """The reviewer keeps a decision marked 需复核 for the finding as it is now (`message`)."""
    save(path, Decision(**dict(asdict(decision), review=0, message=message)))


def remove(path, finding_id_):
    """Withdraw the decision on a finding."""
    _write(path, finding_id_, None)


def _write(path, finding_id_, values):
    with updating(path) as dataset:
        table = dataset.GetLayerByName("decisions")
        if table is None:
            raise OneMapError("{} 中没有 decisions 表（请重新核对）".format(path),
                              "{} has no decisions table (run the check again)".format(path))
        table.SetAttributeFilter("finding_id = '{}'".format(finding_id_.replace("'", "''")))
        for fid in [feature.GetFID() for feature in table]:
            table.DeleteFeature(fid)
        table.SetAttributeFilter(None)
        if values is not None:
            feature = ogr.Feature(table.GetLayerDefn())
            for key, value in values.items():
                if value is not None and feature.GetFieldIndex(key) >= 0:      # older files lack `review`
                    feature.SetField(key, value)
            table.CreateFeature(feature)


# -- carrying decisions over to a new run
def same_plan(label, other):
    """Whether two plan labels name the same plan (file paths compared as absolute, case as the OS does)."""
    def norm(text):
        return os.path.normcase(os.path.abspath(text)) if os.path.exists(text) else text
    return bool(label) and bool(other) and norm(label) == norm(other)


@dataclass
class _Previous:
    finding_id: str
    rule_id: str
    plan_code: str
    geometry: QgsGeometry
    point: tuple
    key: str
    message: str
    severity: str


def _wording(message):
    """A message with its figures (areas, fids, coordinates) taken out."""
    return re.sub(r"[-\d.,]+", "#", message or "")


def _key(rule_id, plan_layer, control_layer, message):
    """What identifies a finding without geometry: rule, layers, wording with the figures taken out."""
    return "|".join([rule_id or "", plan_layer or "", control_layer or "", _wording(message)])


def _previous_findings(path, crs):
    """The findings of an earlier GeoPackage, in `crs` (the earlier run may have used another)."""
    dataset = open_findings(path)
    layer = dataset.GetLayerByName("findings")
    if layer is None:
        raise OneMapError("上次核对结果 {} 中没有 findings 图层".format(path),
                          "The previous findings {} have no findings layer".format(path))
    transform = None
    srs = layer.GetSpatialRef()
    if srs is not None and crs is not None and crs.isValid():
        previous_crs = QgsCoordinateReferenceSystem.fromWkt(srs.ExportToWkt())
        if previous_crs.isValid() and previous_crs != crs:
            transform = QgsCoordinateTransform(previous_crs, crs, QgsProject.instance().transformContext())
    found = {}
    for feature in layer:
        reference = feature.GetGeometryRef()
        geometry = QgsGeometry()
        if reference is not None:
            geometry = QgsGeometry.fromWkt(reference.ExportToWkt())
            if transform is not None:
                geometry.transform(transform)
        x, y = feature.GetField("x"), feature.GetField("y")
        if transform is not None and x is not None:
            point = transform.transform(x, y)
            x, y = point.x(), point.y()
        found[feature.GetField("finding_id")] = _Previous(
            feature.GetField("finding_id"), feature.GetField("rule_id"), feature.GetField("plan_code") or "",
            geometry, (x, y), _key(feature.GetField("rule_id"), feature.GetField("plan_layer"),
                                   feature.GetField("control_layer"), feature.GetField("message")),
            feature.GetField("message") or "", feature.GetField("severity") or "")
    return found


def _valid(geometry):
    return geometry if geometry.isGeosValid() else geometry.makeValid()


def _score(old, new, new_point):
    """How well a new finding continues an old one: 0 (not at all) to 1 (same ground)."""
    if old.rule_id != new.rule_id or (old.plan_code and new.plan_code and old.plan_code != new.plan_code):
        return 0.0
    new_geometry = new.geometry
    if new_geometry is None:
        new_geometry = QgsGeometry()
    if old.geometry.isEmpty() != new_geometry.isEmpty():
        return 0.0
    if old.geometry.isEmpty():
        return 1.0 if old.key == _key(new.rule_id, new.plan_layer, new.control_layer, new.message) else 0.0
    a, b = _valid(old.geometry), _valid(new_geometry)
    larger = max(a.area(), b.area())
    if larger > 0:
        shared = a.intersection(b).area()
        return shared / larger if shared / larger >= MATCH_OVERLAP else 0.0
    if None in old.point or None in new_point:
        return 0.0
    distance = ((old.point[0] - new_point[0]) ** 2 + (old.point[1] - new_point[1]) ** 2) ** 0.5
    return 1.0 - distance / MATCH_DISTANCE_M if distance < MATCH_DISTANCE_M else 0.0


def carry_over(previous_path, findings, crs):
    """The `decisions` rows of a new run: each decision of `previous_path` moved to the new finding
    that continues its finding, or kept and marked resolved. `findings` are the new run's, in `crs`."""
    decisions = read(previous_path)
    if not decisions:
        return []
    previous = _previous_findings(previous_path, crs)
    points = [navigation_point(f) for f in findings]
    ids = [finding_id(f, *point) for f, point in zip(findings, points)]
    by_rule = {}
    for f_index, finding in enumerate(findings):
        by_rule.setdefault(finding.rule_id, []).append(f_index)
    pairs = []
    for d_index, decision in enumerate(decisions):
        old = previous.get(decision.finding_id)
        if decision.resolved or old is None:
            continue
        for f_index in by_rule.get(old.rule_id, []):
            score = _score(old, findings[f_index], points[f_index])
            if score > 0:
                pairs.append((score, d_index, f_index))
    taken_decisions, taken_findings, rows = set(), set(), []
    for _score_, d_index, f_index in sorted(pairs, reverse=True):        # best matches first, one to one
        if d_index in taken_decisions or f_index in taken_findings:
            continue
        taken_decisions.add(d_index)
        taken_findings.add(f_index)
        decision, old, new = decisions[d_index], previous[decisions[d_index].finding_id], findings[f_index]
        review = decision.review or int(old.severity != new.severity or _wording(old.message) != _wording(new.message))
        rows.append(Decision(**dict(asdict(decision), finding_id=ids[f_index], resolved=0, rule_id=new.rule_id,
                                    message=(decision.message or old.message) if review else new.message,
                                    review=review)))
    for d_index, decision in enumerate(decisions):
        if d_index not in taken_decisions:
            old = previous.get(decision.finding_id)
            rows.append(Decision(**dict(asdict(decision), resolved=1, rule_id=decision.rule_id or (old.rule_id if old else ""),
                                        message=decision.message or (old.message if old else ""))))
    return rows


# -- counting
def decided_counts(severity_by_id, decisions):
    """{severity: {'accepted': n, 'false_positive': n, 'review': n}} over the open (unresolved)
    decisions; one marked 需复核 counts as 'review', not as its kind."""
    counts = {}
    for decision in decisions:
        severity = severity_by_id.get(decision.finding_id)
        if decision.resolved or severity is None:
            continue
        kind = "review" if decision.review else decision.decision
        counts.setdefault(severity, {}).setdefault(kind, 0)
        counts[severity][kind] += 1
    return counts


def summary(counts, decided, chinese=True):
    """'错误 12 个（已认可例外 1 个、需复核 1 个），警告 3 个，提示 1 个' — decided findings counted apart."""
    parts = []
    for severity in ("error", "warning", "info"):
        extra = [(kind, decided.get(severity, {}).get(kind, 0)) for kind in NAMES]
        extra = [(kind, n) for kind, n in extra if n]
        if chinese:
            text = "{} {} 个".format(SEVERITY_ZH[severity], counts.get(severity, 0))
            if extra:
                text += "（{}）".format("、".join("{} {} 个".format(NAMES[k][0], n) for k, n in extra))
        else:
            levels = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("note", "notes")}
            text = "{} {}".format(counts.get(severity, 0), levels[severity][counts.get(severity, 0) != 1])
            if extra:
                text += " ({})".format(", ".join("{} {}".format(n, NAMES[k][1] + ("s" if n > 1 and k in KINDS else ""))
                                                 for k, n in extra))
        parts.append(text)
    return ("，" if chinese else ", ").join(parts)


def run_summary(result, chinese=True):
    """summary() of a RunResult, its carried-over decisions counted apart."""
    severity_by_id = {finding_id(f, *navigation_point(f)): f.severity for f in result.findings}
    return summary(result.counts, decided_counts(severity_by_id, result.decisions), chinese)
