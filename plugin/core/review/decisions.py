"""Reviewer decisions on findings: validated where they are made and where they are read, stored in
the findings GeoPackage's `decisions` table, and carried over to the next run of the same plan.

A decision is `accepted` (an approved exception: reason and 批复文号 required) or `false_positive`
(reason required). The dialog refuses an incomplete one; a row that is incomplete anyway (written
with sqlite3, carried from an older file, a wrong type) is read with its `problem` said and counts
as 需复核, never as decided. A re-exported plan has new fids and slightly moved vertices, so a
decision moves to the new run's finding of the same rule whose conflicting part covers (nearly) the
same ground; a finding without geometry (indicators, CRS) is matched by its rule, layers and wording
without figures. A decision whose finding is gone is kept, marked resolved, and never scored again;
one carried onto a finding whose severity or wording changed is marked `review` (需复核) and counted
apart until the reviewer confirms it. The live re-check (core.check.recheck) moves decisions the same
way when an edited parcel's findings are replaced (`follow`).

What the report and the browser read (`read`): Decision rows; `state` is 'accepted',
'false_positive' or 'review' (需复核: carried onto a changed finding, or invalid — then `problem` /
`problem_en` say why, and `review` is 1 as read); `decided_counts` counts by state.
"""
import datetime
import getpass
import math
import os
import re
from collections import Counter
from dataclasses import asdict, dataclass, replace

from osgeo import ogr
from qgis.core import QgsCoordinateTransform, QgsGeometry, QgsProject

from ..check.boxindex import BoxIndex
from ..errors import OneMapError
from ..export.text import clip, plain, shows
from . import readback
from .findings import finding_id, navigation_point, updating
from .layout import SEVERITY_ZH
from .recorded import is_local

ogr.UseExceptions()

KINDS = {"accepted": ("已认可例外", "approved exception"), "false_positive": ("误报", "false positive")}
REVIEW = ("需复核", "to confirm again")      # a carried-over decision whose finding changed, or an invalid one
NAMES = dict(KINDS, review=REVIEW)           # what a decision shows as: its kind, or 需复核
MATCH_OVERLAP = 0.5          # shared area / larger area for two conflicting parts to be the same finding
AREA_CHANGE = 0.05           # a part grown or shrunk by more than this share is no longer what was decided
MATCH_DISTANCE_M = 5.0       # for parts without area (a point): navigation points this close
REWORDED = 0.5              # a finding without geometry about the same rows in other words: below the same words
TEXT_COLUMNS = ("finding_id", "decision", "reason", "approval_no", "reviewer", "decided_at", "rule_id", "message")
FLAG_COLUMNS = ("resolved", "review")
REQUIRED_COLUMNS = ("finding_id", "decision")


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
    review: int = 0              # 1: carried onto a finding that changed since, or invalid: to confirm
    problem: str = ""            # why the stored row is not a valid decision ('' when it is); not stored
    problem_en: str = ""

    @property
    def state(self):
        """'accepted' or 'false_positive' when it closes its finding, else 'review' (需复核)."""
        return "review" if self.review or self.problem else self.decision


def missing(decision, reason, approval_no):
    """[(zh, en)] of what a decision lacks; [] for a complete one. A reason or 批复文号 that prints nothing
    (zero-width spaces, Hangul fillers, blanks: core.export.text.shows) is none."""
    if decision not in KINDS:
        return [("未知的审查决定：{}".format(plain(decision)), "Unknown decision: {}".format(plain(decision)))]
    lacks = []
    if not shows(reason):
        lacks.append(("“{}”须填写理由{}".format(KINDS[decision][0], invisible_zh(reason)), "{} needs a reason{}".format(
            {"accepted": "An approved exception", "false_positive": "A false positive"}[decision], invisible_en(reason))))
    if decision == "accepted" and not shows(approval_no):
        lacks.append(("已认可例外须填写批复文号" + invisible_zh(approval_no),
                      "An approved exception needs the approval document number (批复文号)" + invisible_en(approval_no)))
    return lacks


def invisible_zh(text):
    """What to add to '须填写…' when something was entered that prints nothing (also core.lifecycle.merge)."""
    return "（所填只有不显示的字符，如零宽空格、填充符）" if (text or "").strip() else ""


def invisible_en(text):
    return " (what was entered prints nothing: zero-width or filler characters)" if (text or "").strip() else ""


def validate(decision, reason, approval_no):
    """OneMapError (zh/en) naming what is missing; nothing for a complete decision."""
    lacks = missing(decision, reason, approval_no)
    if lacks:
        raise OneMapError("；".join(zh for zh, _en in lacks), "; ".join(en for _zh, en in lacks))


def make(finding_id_, decision, reason, approval_no="", reviewer="", rule_id="", message=""):
    """A validated decision stamped with the reviewer (default: the system user) and the time now."""
    validate(decision, reason, approval_no)
    now = datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds")
    return Decision(finding_id_, decision, reason.strip(), (approval_no or "").strip() if decision == "accepted" else "",
                    (reviewer or "").strip() if shows(reviewer) else getpass.getuser(), now, 0, rule_id, message)


# -- the GeoPackage table
def read(path):
    """The decisions stored in a findings GeoPackage, each checked (a file from before the table existed
    has none). A table that cannot be read as decisions is a OneMapError naming the file and column; so is
    a file core.review.guard refuses (a `decisions` that is a view …)."""
    with readback.connect(path) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND lower(name) = 'decisions'").fetchone():
            return []
        columns = [row[1] for row in db.execute('PRAGMA table_info("decisions")')]
        lacking = [name for name in REQUIRED_COLUMNS if name not in columns]
        if lacking:
            raise OneMapError("核对结果 {} 的 decisions 表缺少 {} 列，无法读取审查决定".format(path, "、".join(lacking)),
                              "The decisions table of {} has no {} column: its decisions cannot be read".format(
                                  path, ", ".join(lacking)))
        wanted = [name for name in TEXT_COLUMNS + FLAG_COLUMNS if name in columns]
        rows = db.execute('SELECT {} FROM "decisions" ORDER BY rowid'.format(
            ", ".join('"{}"'.format(name) for name in wanted))).fetchall()
    return [_checked(dict(zip(wanted, row))) for row in rows]


def open_decisions(path):
    """{finding_id: Decision} of the decisions not resolved: what the panel and the report show."""
    return {d.finding_id: d for d in read(path) if not d.resolved}


def _checked(values):
    """A Decision from a stored row; what makes it invalid said in `problem` (it then counts as 需复核). Its
    texts are made plain and bounded as every text read from a findings file (core.review.readback)."""
    problems = []
    row = {name: "" if values.get(name) is None else str(values[name]).strip() for name in TEXT_COLUMNS}
    for name in TEXT_COLUMNS:
        if name not in ("finding_id", "decision"):            # an identity and a kind: compared as stored
            row[name] = clip(plain(row[name]), readback.TEXT_MAX)
    if not row["finding_id"]:
        problems.append(("缺少问题编号 finding_id", "no finding_id"))
    problems += missing(row["decision"], row["reason"], row["approval_no"])
    for name in FLAG_COLUMNS:
        value = values.get(name)
        if value is None or value in (0, 1) or str(value).strip() in ("0", "1"):
            row[name] = int(str(value).strip()) if value is not None else 0
        else:
            problems.append(("{} 的值“{}”无效（应为 0 或 1）".format(name, value),
                             "{} is '{}', not 0 or 1".format(name, value)))
            row[name] = 0                       # an open decision, to be confirmed
    decision = Decision(**row)
    if problems:
        decision.problem = "；".join(zh for zh, _en in problems)
        decision.problem_en = "; ".join(en for _zh, en in problems)
        decision.review = 1
    return decision


def check_previous(path):
    """OneMapError unless `path` is a readable OneMap findings GeoPackage whose decisions can be read
    (a run's PREVIOUS is checked before the run, not after it)."""
    if not path or not os.path.isfile(path):
        raise OneMapError("找不到上次核对结果：{}".format(path), "Previous findings not found: {}".format(path))
    with readback.connect(path) as db:
        tables = {row[0].lower() for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        columns = {row[1] for row in db.execute('PRAGMA table_info("findings")')}
    lacking = sorted(set(PREVIOUS_COLUMNS) - columns)
    if not {"findings", "run"} <= tables or lacking:
        raise OneMapError("上次核对结果 {} 不是 OneMap 核对结果（{}）".format(path, "缺少列 " + "、".join(lacking) if lacking
                                                                  else "缺少 findings/run 表"),
                          "The previous findings {} are not a OneMap findings GeoPackage ({})".format(
                              path, "no column " + ", ".join(lacking) if lacking else "no findings/run tables"))
    decided = {d.finding_id for d in read(path) if not d.resolved}
    readback.read(path, geometry=decided)           # every row and the decided findings' parts, checked now


def save(path, decision, run_id=None):
    """Store `decision` in the GeoPackage, replacing any earlier one on the same finding. With `run_id`
    (the check the reviewer opened) a file put in its place since is refused (core.review.findings.updating,
    which also refuses a file whose triggers or constraints would change other rows)."""
    _write(path, decision.finding_id, asdict(decision), run_id)


def confirm(path, decision, message, run_id=None):
    """The reviewer keeps a decision marked 需复核 for the finding as it is now (`message`); an invalid
    one cannot be confirmed (OneMapError saying what it lacks: record it again in the dialog)."""
    if decision.problem:
        raise OneMapError("该审查决定无效（{}），请重新填写".format(decision.problem),
                          "This decision is invalid ({}): record it again".format(decision.problem_en))
    save(path, replace(decision, review=0, message=message), run_id)


def remove(path, finding_id_, run_id=None):
    """Withdraw the decision on a finding."""
    _write(path, finding_id_, None, run_id)


def _write(path, finding_id_, values, run_id):
    with updating(path, run_id) as dataset:
        table = dataset.GetLayerByName("decisions")
        if table is None:
            raise OneMapError("{} 中没有 decisions 表（请重新核对）".format(path),
                              "{} has no decisions table (run the check again)".format(path))
        _delete(table, [finding_id_])
        if values is not None:
            _insert(table, values)


def _delete(table, finding_ids):
    """Delete the decisions on `finding_ids`: rows the filter finds, compared again here (a column's collation
    may make SQLite match more), deleted by fid."""
    wanted = set(finding_ids)
    table.SetAttributeFilter("finding_id IN ({})".format(",".join(_quoted(i) for i in finding_ids)))
    for fid in [feature.GetFID() for feature in table if feature.GetField("finding_id") in wanted]:
        table.DeleteFeature(fid)
    table.SetAttributeFilter(None)


def _insert(table, values):
    feature = ogr.Feature(table.GetLayerDefn())
    for key, value in values.items():
        if value is not None and feature.GetFieldIndex(key) >= 0:      # older files lack `review`
            feature.SetField(key, value)
    table.CreateFeature(feature)


def _quoted(text):
    return "'{}'".format(str(text).replace("'", "''"))


# -- carrying decisions over to a new run
def same_plan(label, other):
    """Whether two plan labels name the same plan (file paths compared as absolute, case as the OS does;
    a recorded network path is not looked up)."""
    def norm(text):
        return os.path.normcase(os.path.abspath(text)) if is_local(text) else text
    return bool(label) and bool(other) and norm(label) == norm(other)


PREVIOUS_COLUMNS = ("finding_id", "rule_id", "severity", "message", "plan_layer", "plan_fid", "plan_code",
                    "control_layer", "x", "y", "control_fid")


class Part:
    """A finding as matching sees it: rule, parcel code, conflicting part, where it is (box, navigation
    point), and what identifies it without geometry: rule, layers and wording (`key`), or rule, layers and
    the rows it is about (`about`: an indicator's row, a table's row), which a reworded message keeps. The
    part is read from its WKB (and reprojected) only when asked for, and made valid only when compared."""
    __slots__ = ("finding_id", "rule_id", "plan_code", "plan_fid", "message", "severity", "key", "about", "point",
                 "_wkb", "_transform", "_raw", "_geometry", "_box")

    def __init__(self, finding_id_, rule_id, plan_code, plan_fid, plan_layer, control_layer, message, severity,
                 point, wkb=b"", transform=None, control_fid=None):
        self.finding_id, self.rule_id, self.plan_code = finding_id_, rule_id or "", plan_code or ""
        self.plan_fid, self.message, self.severity = plan_fid, message or "", severity or ""
        self.key = _key(rule_id, plan_layer, control_layer, message)
        self.about = _about(rule_id, plan_layer, control_layer, plan_fid, control_fid)
        self.point = point if point is not None and None not in point else None
        self._wkb, self._transform = wkb or b"", transform
        self._raw = self._geometry = self._box = None

    @classmethod
    def of_finding(cls, finding, finding_id_=None, point=None):
        """A new run's Finding."""
        point = point or navigation_point(finding)
        return cls(finding_id_ or finding_id(finding, *point), finding.rule_id, finding.plan_code, finding.plan_fid,
                   finding.plan_layer, finding.control_layer, finding.message, finding.severity, point,
                   wkb=finding._wkb, control_fid=finding.control_fid)

    @classmethod
    def of_row(cls, feature, at):
        """A row of the `findings` layer being rewritten by a live re-check (an OGR feature; `at`: the
        indexes of PREVIOUS_COLUMNS in its layer)."""
        reference = feature.GetGeometryRef()
        return cls.of_stored(dict(zip(PREVIOUS_COLUMNS, map(feature.GetField, at)),
                                  _wkb=bytes(reference.ExportToIsoWkb()) if reference is not None else b""))

    @classmethod
    def of_stored(cls, values, transform=None):
        """A `findings` row as core.review.readback reads it (its part's WKB as '_wkb'), moved by `transform`."""
        x, y = values["x"], values["y"]
        if transform is not None and x is not None and y is not None:
            point = transform.transform(x, y)
            x, y = point.x(), point.y()
        return cls(values["finding_id"], values["rule_id"], values["plan_code"], values["plan_fid"],
                   values["plan_layer"], values["control_layer"], values["message"], values["severity"], (x, y),
                   wkb=values.get("_wkb") or b"", transform=transform, control_fid=values.get("control_fid"))

    @property
    def raw(self):
        if self._raw is None:
            self._raw = QgsGeometry()
            if self._wkb:
                self._raw.fromWkb(self._wkb)
                if self._transform is not None:
                    self._raw.transform(self._transform)
        return self._raw

    @property
    def geometry(self):
        if self._geometry is None:
            raw = self.raw
            self._geometry = raw if raw.isEmpty() or raw.isGeosValid() else raw.makeValid()
        return self._geometry

    @property
    def box(self):
        """The part's box grown by MATCH_DISTANCE_M around its navigation point: every finding it can
        match has a box meeting it."""
        if self._box is None:
            boxes = []
            if not self.raw.isEmpty():
                rect = self.raw.boundingBox()
                boxes.append((rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()))
            if self.point is not None:
                x, y = self.point
                boxes.append((x - MATCH_DISTANCE_M, y - MATCH_DISTANCE_M, x + MATCH_DISTANCE_M, y + MATCH_DISTANCE_M))
            boxes = [box for box in boxes if all(map(math.isfinite, box))]     # a transform that failed: no place
            self._box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                         max(b[3] for b in boxes)) if boxes else ()
        return self._box or None


def _wording(message):
    """A message with its figures (areas, fids, coordinates) taken out, made plain and bounded as a stored
    one is read back (core.review.readback): a new finding's and a previous run's compare alike."""
    return re.sub(r"[-\d.,]+", "#", clip(plain(message or ""), readback.TEXT_MAX))


def _key(rule_id, plan_layer, control_layer, message):
    """What identifies a finding without geometry: rule, layers, wording with the figures taken out."""
    return "|".join([rule_id or "", plan_layer or "", control_layer or "", _wording(message)])


def _about(rule_id, plan_layer, control_layer, plan_fid, control_fid):
    """The rows a finding is about (rule, layers, plan and control fid), or None when it names no row."""
    if plan_fid is None and control_fid is None:
        return None
    return rule_id or "", plan_layer or "", control_layer or "", plan_fid, control_fid


def _previous_parts(path, crs, wanted):
    """(the findings of an earlier GeoPackage whose ids are in `wanted`, read and checked by
    core.review.readback, in `crs` (the earlier run may have used another); how many of all its findings
    are about each set of rows (Part.about))."""
    stored = readback.read(path, geometry=wanted)
    transform = None
    previous_crs = stored.crs
    if crs is not None and crs.isValid() and previous_crs.isValid() and previous_crs != crs:
        transform = QgsCoordinateTransform(previous_crs, crs, QgsProject.instance().transformContext())
    abouts = Counter(_about(*(row.get(name) for name in ("rule_id", "plan_layer", "control_layer", "plan_fid",
                                                         "control_fid"))) for row in stored.findings)
    return {row["finding_id"]: Part.of_stored(row, transform) for row in stored.findings
            if row["finding_id"] in wanted}, abouts


def row_indexes(layer):
    """The indexes of PREVIOUS_COLUMNS in a `findings` layer (by index: GetField by name searches each time)."""
    definition = layer.GetLayerDefn()
    return [definition.GetFieldIndex(name) for name in PREVIOUS_COLUMNS]


class Matcher:
    """Pairs decided old findings with new ones, best first and one to one. New findings are looked up
    by rule and box (only those whose boxes meet reach GEOS); `comparisons` counts the GEOS overlays.
    A finding without geometry in other words is taken for an old one about the same rows only when it is
    the one finding about them in each run (`old_abouts`: how many old findings are about each)."""

    def __init__(self, new_parts, old_abouts):
        self.new = new_parts
        self.comparisons = 0
        self._one_about = {about for about, count in Counter(part.about for part in new_parts).items()
                           if count == 1 and old_abouts.get(about) == 1}
        self._by_rule = {}
        for number, part in enumerate(new_parts):
            self._by_rule.setdefault(part.rule_id, []).append(number)
        self._indexes = {}

    def _candidates(self, old):
        numbers = self._by_rule.get(old.rule_id, [])
        if old.geometry.isEmpty():
            return [n for n in numbers if self.new[n].key == old.key or (
                old.about is not None and self.new[n].about == old.about)]
        if old.rule_id not in self._indexes:
            self._indexes[old.rule_id] = BoxIndex([n for n in numbers if self.new[n].box is not None],
                                                  box=lambda n: self.new[n].box)
        return self._indexes[old.rule_id].near(old.box) if old.box is not None else []

    def score(self, old, new):
        """How well a new finding continues an old one: 0 (not at all) to 1 (same ground)."""
        if old.rule_id != new.rule_id or (old.plan_code and new.plan_code and old.plan_code != new.plan_code):
            return 0.0
        if old.geometry.isEmpty() != new.geometry.isEmpty():
            return 0.0
        if old.geometry.isEmpty():            # the same words; else the same rows in other words (需复核)
            if old.key == new.key:
                return 1.0
            same_rows = old.about is not None and old.about == new.about and old.about in self._one_about
            return REWORDED if same_rows else 0.0
        a, b = old.geometry, new.geometry
        larger = max(a.area(), b.area())
        if larger > 0:
            self.comparisons += 1
            shared = a.intersection(b).area()
            return shared / larger if shared / larger >= MATCH_OVERLAP else 0.0
        if old.point is None or new.point is None:
            return 0.0
        distance = ((old.point[0] - new.point[0]) ** 2 + (old.point[1] - new.point[1]) ** 2) ** 0.5
        return 1.0 - distance / MATCH_DISTANCE_M if distance < MATCH_DISTANCE_M else 0.0

    def pairs(self, olds):
        """{index in olds: index in new} — the best matches first, each side taken once."""
        scored = []
        for o_index, old in enumerate(olds):
            for n_index in self._candidates(old):
                score = self.score(old, self.new[n_index])
                if score > 0:
                    scored.append((score, -o_index, -n_index))
        taken_old, taken_new, result = set(), set(), {}
        for _score, o_index, n_index in sorted(scored, reverse=True):
            if -o_index in taken_old or -n_index in taken_new:
                continue
            taken_old.add(-o_index)
            taken_new.add(-n_index)
            result[-o_index] = -n_index
        return result


def _moved(decision, old, new, review=0):
    """The decision moved onto `new`, keeping the message the reviewer decided on. 需复核 when its finding's
    severity or wording changed, its part's area by more than AREA_CHANGE, or `review`; a valid decision is
    no longer 需复核, whatever came between (an edit rolled back), when `new` reads exactly as the finding
    decided on."""
    decided_on = decision.message or old.message
    if decision.review and not decision.problem and _same_text(decided_on, new.message):
        review = int(bool(review and _wording(decided_on) != _wording(new.message)))
    else:
        review = int(bool(decision.review or review or old.severity != new.severity
                          or _wording(old.message) != _wording(new.message) or _area_changed(old, new)))
    return replace(decision, finding_id=new.finding_id, resolved=0, rule_id=new.rule_id, message=decided_on,
                   review=review)


def _same_text(stored, message):
    """Whether a stored message (made plain and bounded when read back) is `message`, figures and all."""
    return stored == clip(plain(message or ""), readback.TEXT_MAX)


def _area_changed(old, new):
    """Whether the conflicting part grew or shrank by more than AREA_CHANGE of the larger (parts with no
    area — indicators, points — are compared by their words alone)."""
    before, after = old.geometry.area(), new.geometry.area()
    return max(before, after) > 0 and abs(after - before) > AREA_CHANGE * max(before, after)


def _resolved(decision, old):
    return replace(decision, resolved=1, rule_id=decision.rule_id or (old.rule_id if old else ""),
                   message=decision.message or (old.message if old else ""))


def carry_over(previous_path, findings, crs):
    """The `decisions` rows of a new run: each open decision of `previous_path` moved to the new finding
    that continues its finding, or kept and marked resolved; resolved ones are kept as they are (never
    scored again). `findings` are the new run's, in `crs`."""
    decisions = read(previous_path)
    if not decisions:
        return []
    open_ones = [d for d in decisions if not d.resolved]
    previous, old_abouts = _previous_parts(previous_path, crs, {d.finding_id for d in open_ones})
    decided_rules = {part.rule_id for part in previous.values()}
    new = [Part.of_finding(f) for f in findings if f.rule_id in decided_rules]
    olds = [(d, previous.get(d.finding_id)) for d in open_ones]
    scored = [(d, old) for d, old in olds if old is not None]
    pairs = Matcher(new, old_abouts).pairs([old for _d, old in scored])
    rows = [_moved(decision, old, new[pairs[index]]) for index, (decision, old) in enumerate(scored) if index in pairs]
    rows += [_resolved(decision, old) for index, (decision, old) in enumerate(scored) if index not in pairs]
    rows += [_resolved(d, None) for d, old in olds if old is None]
    rows += [d for d in decisions if d.resolved]
    return rows


def follow(dataset, replaced, added):
    """A live re-check replaced findings (`replaced`: Parts of the removed rows) by `added` (Parts of the
    new rows) in an open findings GeoPackage: move their decisions as carry_over does — onto the new
    finding covering the same ground (需复核 if it changed) —, onto a new finding of the same rule on the
    same parcel as 需复核 when none covers half of it, and mark resolved only when the parcel has no finding
    of that rule any more. Returns the number of decisions moved or resolved."""
    table = dataset.GetLayerByName("decisions")
    if table is None or not replaced:
        return 0
    old_by_id = {part.finding_id: part for part in replaced}
    table.SetAttributeFilter("finding_id IN ({}) AND (resolved IS NULL OR resolved <> 1)".format(
        ",".join(map(_quoted, old_by_id))))
    stored = [(feature.GetFID(), {name: feature.GetField(name) for name in feature.keys()}) for feature in table
              if feature.GetField("finding_id") in old_by_id]          # exactly (a collation may match more)
    table.SetAttributeFilter(None)
    if not stored:
        return 0
    decisions = [(fid, _checked(values)) for fid, values in stored]
    olds = [old_by_id[d.finding_id] for _fid, d in decisions]
    pairs = Matcher(added, Counter(part.about for part in replaced)).pairs(olds)
    free = [n for n in range(len(added)) if n not in set(pairs.values())]
    rows = []
    for index, ((_fid, decision), old) in enumerate(zip(decisions, olds)):
        if index in pairs:
            rows.append(_moved(decision, old, added[pairs[index]]))
            continue
        same = next((n for n in free if added[n].rule_id == old.rule_id and added[n].plan_fid == old.plan_fid), None)
        if same is None:
            rows.append(_resolved(decision, old))
        else:
            free.remove(same)
            rows.append(_moved(decision, old, added[same], review=1))
    for fid, _decision in decisions:
        table.DeleteFeature(fid)
    for row in rows:
        _insert(table, asdict(row))
    return len(rows)


# -- counting
def decided_counts(severity_by_id, decisions):
    """{severity: {'accepted': n, 'false_positive': n, 'review': n}} over the open (unresolved)
    decisions; one marked 需复核, or invalid, counts as 'review', not as its kind."""
    counts = {}
    for decision in decisions:
        severity = severity_by_id.get(decision.finding_id)
        if decision.resolved or severity is None:
            continue
        kind = decision.state
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
