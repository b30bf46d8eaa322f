"""The one-map verification: open both sources, run the rule set, collect findings and the run record."""
import datetime
import getpass
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from qgis.core import Qgis, QgsCoordinateTransform, QgsGeometry, QgsPointXY

from ..errors import Cancelled, OneMapError
from ..outputs import check_output
from ..paths import plugin_version
from ..read import history, plankind
from ..read.plan_name import plan_name
from ..read.schema import schema
from ..read.sources import PlanSource, open_source, source_hasher
from ..review.decisions import carry_over, check_previous
from ..review.findings import navigation_point, write_results
from ..secrets import mask
from . import preflight
from .collector import fewer_collections
from .context import Context
from .inside import EDGE, INSIDE, OUTSIDE, WORTH_IT, grid_of
from .reading import bounded
from .rules.base import NotApplicable
from .rules.selection import unexamined_note
from .ruleset import RuleSet, load_ruleset


@dataclass
class RunResult:
    findings: list
    outcomes: list                  # one dict per rule: status passed|failed|not_applicable|error
    indicators: list
    record: dict
    crs: object                     # the plan's CRS: findings are written in it
    rules_by_id: dict
    output: str = ""
    counts: dict = field(default_factory=dict)
    decisions: list = field(default_factory=list)   # rows of the `decisions` table (core.review.decisions)


def _now():
    return datetime.datetime.now(datetime.timezone.utc).astimezone().isoformat(timespec="seconds")


def check_inputs(plan, onemap):
    """A run needs a land-use layer in the plan and at least one control layer in the one map
    (inputs chosen the wrong way round are said to be swapped)."""
    hint = plankind.swapped(plan, onemap)
    zh, en = ("；" + hint[0], "; " + hint[1]) if hint else ("", "")
    if "GHYDYH" not in plan.recognised:
        unknown = "".join("；{}：{}".format(layer.name, layer.problem) for layer in plan.unknown)
        if plankind.marks(plan):                    # a detailed plan (its extent GHFW) without its parcels
            zh, en = "；详细规划的规划地块图层为 GHDK（规划地块）" + zh, "; a detailed plan's parcels are GHDK" + en
        raise OneMapError("规划成果 {} 中没有可识别的规划用地用海图层（GHYDYH/GHDLTB/TDGHDL…）{}{}".format(plan.label, unknown, zh),
                          "The plan {} has no recognisable land-use layer (GHYDYH/GHDLTB/TDGHDL…){}{}".format(
                              plan.label, unknown, en))
    check_onemap(onemap, zh, en)


def check_onemap(onemap, zh="", en=""):
    """A one map needs at least one control layer (`zh`/`en`: a hint added to the message)."""
    controls = schema().kinds["onemap"]["needs_any"]
    if not any(key in onemap.recognised for key in controls):
        raise OneMapError("一张图 {} 中没有控制线图层（{}）{}".format(onemap.label, "、".join(controls), zh),
                          "The one map {} has no control layer ({}){}".format(onemap.label, ", ".join(controls), en))


def name_plan_features(findings, ctx):
    """Give each finding on a plan feature that feature's label (BSM, else TBBH, else fid)."""
    for finding in findings:
        if finding.plan_fid is None or finding.plan_label:
            continue
        data = ctx.placed("plan", finding.plan_layer) if finding.plan_layer in ctx.plan.recognised else None
        if data is not None:
            finding.plan_layer = data.key              # the layer read: a detailed plan's GHDK for GHYDYH
        feature = data.by_fid.get(finding.plan_fid) if data is not None else None
        finding.plan_label = feature.label if feature is not None else str(finding.plan_fid)


def place_in_villages(findings, ctx):
    """Name the plan's village (村级调查区: XZQMC, else XZQDM) each finding's navigation point lies in: the
    first village, in layer order, holding it. A village's inside grid (inside.py) places most points
    without GEOS; a point near its edge is asked of GEOS."""
    villages = ctx.placed("plan", "CJDCQ") if "CJDCQ" in ctx.plan.recognised else None
    if villages is None:
        return
    spec = schema().layers["CJDCQ"]
    name_field, code_field = spec.field_for("village_name").name, spec.field_for("village_code").name
    located = [(finding, navigation_point(finding)) for finding in findings]
    located = [(finding, x, y) for finding, (x, y) in located if x is not None]
    points = np.array([(x, y, x, y) for _finding, x, y in located], dtype=np.float64).reshape(-1, 4)
    waiting = np.ones(len(located), dtype=bool)
    for village in villages.features if len(located) else ():
        if village.shape.isEmpty():
            continue
        name = bounded(str(village.attrs.get(name_field) or village.attrs.get(code_field) or ""))
        near = np.flatnonzero(waiting)
        if len(near) >= WORTH_IT:
            placed = grid_of(village.prepared, len(near)).place(points[near])
        else:                                                  # a few points: their boxes, then GEOS
            x0, y0, x1, y1 = village.box
            x, y = points[near, 0], points[near, 1]
            placed = np.where((x0 <= x) & (x <= x1) & (y0 <= y) & (y <= y1), EDGE, OUTSIDE)
        for at, where in zip(near.tolist(), placed.tolist()):
            if where == OUTSIDE:
                continue
            _finding, x, y = located[at]
            if where == INSIDE or village.prepared.intersects(QgsGeometry.fromPointXY(QgsPointXY(x, y))):
                located[at][0].village, waiting[at] = name, False


def village_names(ctx):
    """The plan's villages (村级调查区: XZQMC, else XZQDM), each once in feature order: recorded in the run
    record, so that exports name them without opening the plan a findings file points to."""
    villages = ctx.placed("plan", "CJDCQ") if "CJDCQ" in ctx.plan.recognised else None
    spec = schema().layers["CJDCQ"]
    for key in ("village_name", "village_code") if villages is not None else ():
        name = spec.field_for(key).name
        names = [bounded(str(f.attrs.get(name))) for f in villages.features if f.attrs.get(name) not in (None, "")]
        if names:
            return list(dict.fromkeys(names))
    return []


class InputHashes:
    """What was checked: the sources' hashes, worked out beside the rules on a thread of their own (a
    file's by hashlib, a PostGIS source's by its database: neither holds Python's lock for long). A
    plan of project layers is hashed in the caller's thread (QGIS layers belong to it), unsaved edits
    included."""

    def __init__(self, plan, onemap):
        self.plan = plan
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="onemap-hash")
        self._onemap = self._pool.submit(source_hasher(onemap.path))
        self._plan = None if hasattr(plan, "content_hash") else self._pool.submit(source_hasher(plan.path))

    def result(self):
        """(plan hash, one-map hash), once the thread has them."""
        return self.plan.content_hash() if self._plan is None else self._plan.result(), self._onemap.result()

    def close(self):
        """Do not wait: a cancelled or failed run ends now; the thread finishes on its own."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def to_plan_crs(findings, ctx):
    """Areas are computed in the working CRS; geometries and locations are reported in the plan's own."""
    if ctx.crs == ctx.plan_crs:
        return
    transform = QgsCoordinateTransform(ctx.crs, ctx.plan_crs, ctx.transform_context)
    for finding in findings:
        geometry = finding.geometry                   # a copy: transformed, then assigned back
        if geometry is not None and not geometry.isEmpty():
            geometry.transform(transform)
            finding.geometry = geometry
        if "x" in finding.extra:
            point = transform.transform(QgsPointXY(finding.extra["x"], finding.extra["y"]))
            finding.extra = dict(finding.extra, x=point.x(), y=point.y())


def run_rules(rules, ctx, feedback=None):
    """(findings, outcomes) of each rule, in rule-set order, once each rule has started what can run beside
    the others (Rule.prepare); a rule whose prepare() says so runs after those whose does not, so that its
    work has their time to finish in. A rule that fails is recorded and the run goes on; an input that
    cannot be read (OneMapError) or a cancel ends it. Rules of kind `usable` run last: they report what the
    geometry screen changed in the layers the other rules read (layers are read when a rule first asks)."""
    started = set()
    for index, rule in enumerate(rules.rules):
        try:
            if rule.prepare(ctx):
                started.add(index)
        except Exception:                             # noqa: BLE001 — its run() meets the same and records it
            pass
    order = sorted(range(len(rules.rules)), key=lambda n: (rules.rules[n].kind == "usable", n in started))
    done = {}
    for step, index in enumerate(order):
        rule = rules.rules[index]
        if feedback is not None:
            if feedback.isCanceled():
                raise Cancelled()
            feedback.setProgress(100.0 * step / max(1, len(rules.rules)))
        found = []
        outcome = {"rule_id": rule.id, "kind": rule.kind, "severity": rule.severity, "title": rule.title["zh"],
                   "title_en": rule.title["en"], "clause": rule.clause.get("text", ""),
                   "clause_source": rule.clause.get("source", ""), "clause_status": rule.clause.get("status", "")}
        try:
            found = rule.run(ctx)
            failed = any(f.severity != "info" for f in found)     # notes alone do not fail a rule
            outcome.update(status="failed" if failed else "passed", findings=len(found),
                           reason=unexamined_note(rule, ctx))           # parcels it could not judge, if any
        except NotApplicable as reason:
            outcome.update(status="not_applicable", findings=0, reason=reason.zh, reason_en=reason.en)
        except OneMapError:
            raise                                     # an input that cannot be read ends the run
        except Exception as exc:                      # noqa: BLE001 — a failing rule must not end the run
            detail = mask("{}: {}".format(type(exc).__name__, exc))
            outcome.update(status="error", findings=1, reason="规则执行出错", reason_en=detail)
            found = [rule.finding("规则 {} 执行出错，未能完成核对".format(rule.id), severity="error", detail=detail)]
        done[index] = (found, outcome)
    if feedback is not None and feedback.isCanceled():
        raise Cancelled()
    findings = [finding for index in sorted(done) for finding in done[index][0]]
    return findings, [done[index][1] for index in sorted(done)]


@fewer_collections()
def verify(plan_path, onemap_path, ruleset=None, output=None, kind=None, feedback=None, transform_context=None,
           previous=None, as_of=None, change=""):
    """Verify a plan (a source path, or a PlanSource such as core.read.layer_source's) against the one map;
    write the findings GeoPackage if `output` is given.

    `previous`: an earlier findings GeoPackage of this plan whose reviewer decisions carry over.
    `as_of`: read the one map's approved plans as of a version or date (core.read.history), not as now;
    `change`: what the plan declares itself (新编, 修改 … core.lifecycle.changes), for the approved-plans rules.

    Raises OneMapError for unusable input and Cancelled when the feedback is cancelled (nothing is
    written then). `ruleset` is a RuleSet, a path, an id, or None for the plan kind's default.
    """
    started = _now()
    plan = plan_path if isinstance(plan_path, PlanSource) else open_source(plan_path)    # e.g. a project layer
    onemap = open_source(onemap_path, as_of)
    check_inputs(plan, onemap)
    preflight.check_landuse(plan)
    decision = plankind.decide(plan, onemap, kind)            # said out loud: log, findings, run record
    kind = decision.kind
    if feedback is not None and hasattr(feedback, "pushInfo"):
        feedback.pushInfo(decision.reason)
        for zh, _en in decision.doubts:
            feedback.pushWarning(zh) if hasattr(feedback, "pushWarning") else feedback.pushInfo(zh)
    rules = ruleset if isinstance(ruleset, RuleSet) else load_ruleset(ruleset, kind)
    inputs = [plan.path, onemap.path] + rules.files
    if output:
        check_output(output, inputs)                 # refused before any work, not after it
    if previous:
        check_previous(previous)                     # so is an unreadable or foreign PREVIOUS
    hashes, ctx = InputHashes(plan, onemap), None     # hashes worked out while the rules run
    try:
        ctx = Context(plan, onemap, rules, transform_context, feedback)
        ctx.plan_kind = decision
        ctx.as_of, ctx.declared_change = history.AsOf.parse(as_of), change or ""
        preflight.check_coverage(ctx)
        findings, outcomes = run_rules(rules, ctx, feedback)
        plan_sha256, onemap_sha256 = hashes.result()
    finally:
        hashes.close()
        if ctx is not None:
            ctx.close()
    name_plan_features(findings, ctx)
    place_in_villages(findings, ctx)
    to_plan_crs(findings, ctx)
    counts = {level: sum(1 for f in findings if f.severity == level) for level in ("error", "warning", "info")}
    record = {"run_id": str(uuid.uuid4()), "plugin_version": plugin_version(), "qgis_version": Qgis.QGIS_VERSION,
              "ruleset_id": rules.id, "ruleset_path": rules.path, "ruleset_sha256": rules.sha256,
              "plan_kind": kind, "plan_kind_reason": decision.reason, "plan_path": plan.label, "plan_sha256": plan_sha256,
              "onemap_path": onemap.label, "onemap_sha256": onemap_sha256,
              "crs": ctx.crs.authid(), "plan_crs": ctx.plan_crs.authid(), "started": started,
              "errors": counts["error"], "warnings": counts["warning"], "infos": counts["info"],
              "not_applicable": sum(1 for o in outcomes if o["status"] == "not_applicable"),
              "rule_errors": sum(1 for o in outcomes if o["status"] == "error"),
              "pushed_down": ",".join(ctx.database.pushed) if ctx.database is not None else "",
              "villages": json.dumps(village_names(ctx), ensure_ascii=False),
              "plan_name": plan_name(plan, onemap) if kind == "detailed" else "",   # titles a 控规
              "as_of": ctx.as_of.text if ctx.as_of else "", "change": ctx.declared_change,
              "checked_by": getpass.getuser()}
    result = RunResult(findings=findings, outcomes=outcomes, indicators=ctx.indicator_rows, record=record,
                       crs=ctx.plan_crs, rules_by_id={r.id: r for r in rules.rules}, counts=counts)
    if previous:
        result.decisions = carry_over(previous, findings, ctx.plan_crs)
    record["finished"] = _now()
    if output:
        result.output = write_results(output, result, inputs)
    if feedback is not None:
        feedback.setProgress(100.0)
    return result
