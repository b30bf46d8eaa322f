"""Live re-check: one added or changed plan feature checked again, without a full run.

While the plan's land-use layer is edited, each added or changed parcel is checked by the rules that
look at one parcel at a time — the control lines (kinds `overlap`, `outside`), its code (`attribute`)
and its own geometry (`geometry` checks `invalid`, `sliver`) — and its findings of those rules in
the findings GeoPackage are replaced. Rules about the whole plan (gaps, overlaps between parcels,
coverage, indicators, CRS) wait for the next full check: the findings file then names them
(`stale_rules` in its run row), and the report gives no verdict until the plan is checked in full again.

How to call it (the panel does this; so does `make bench` to time one parcel at county scale):

    from plugin.core.check.recheck import Recheck
    checker = Recheck(plan, onemap)           # plan: source path or PlanSource; ruleset=, kind= as verify()
    checker.prepare()                         # reads and indexes the control layers (once)
    found = checker.check(qgs_feature)        # a QgsFeature of the plan's land-use layer, in that layer's CRS
    checker.apply(findings_gpkg, qgs_feature.id(), found)   # or found = [] for a deleted feature

`check` returns Finding objects in the plan's CRS, named and placed like a full run's. `apply_all`
replaces several parcels' findings at once (the panel's edits of one flush, a new parcel's temporary
and saved fids together); reviewer decisions on the replaced findings move with them as a full check
would carry them over — kept on the finding covering the same ground, 需复核 on another finding of the
same rule on that parcel, resolved only when the parcel has none — never dropped.
"""
import json

from osgeo import ogr
from qgis.core import QgsCoordinateTransform, QgsGeometry

from ..errors import OneMapError
from ..read.sources import PlanSource, open_source
from ..review import decisions
from ..review import findings as findings_mod
from .context import Context, Feature, FeatureReader, LayerData
from .engine import check_inputs, name_plan_features, place_in_villages, to_plan_crs
from .rules.base import NotApplicable
from .ruleset import RuleSet, load_ruleset

LOCAL_KINDS = {"overlap", "outside", "attribute"}
LOCAL_GEOMETRY_CHECKS = {"invalid", "sliver"}
LANDUSE = "GHYDYH"


def is_local(rule):
    """A rule that judges one land-use parcel on its own."""
    if rule.kind == "geometry":
        return rule.args.get("check") in LOCAL_GEOMETRY_CHECKS and rule.args.get("layer") == LANDUSE
    if rule.kind == "attribute":
        return rule.args.get("layer") == LANDUSE
    return rule.kind in LOCAL_KINDS and rule.args.get("plan_layer") == LANDUSE


class Recheck:
    def __init__(self, plan, onemap, ruleset=None, kind=None, transform_context=None):
        plan = plan if isinstance(plan, PlanSource) else open_source(plan)
        onemap = open_source(onemap)
        check_inputs(plan, onemap)
        rules = ruleset if isinstance(ruleset, RuleSet) else load_ruleset(ruleset, kind or plan.guess_kind())
        self.ctx = Context(plan, onemap, rules, transform_context)
        self.ctx.read_near_plan = False      # an edited parcel may be drawn beyond the plan's present extent
        if self.ctx.database is not None:    # an edit is not in the database yet: the rules judge it in Python
            self.ctx.database.close()
            self.ctx.database = None
        self.rules = [rule for rule in rules.rules if is_local(rule)]
        self.rule_ids = [rule.id for rule in self.rules]
        self.rules_by_id = {rule.id: rule for rule in rules.rules}
        self.landuse = self.ctx.plan_layer(LANDUSE)             # the whole layer: labels, villages
        self.found = plan.get(LANDUSE)
        self.to_working = QgsCoordinateTransform(self.landuse.crs, self.ctx.crs, self.ctx.transform_context)

    def prepare(self):
        """Read and index every control layer the local rules use (else the first check does it)."""
        for rule in self.rules:
            for key in (rule.args.get("control"), rule.args.get("boundary")):
                data = self.ctx.placed("onemap", key) if key else None
                if data is not None:
                    data.index                             # noqa: B018 — its box index built now, not at a re-check

    def feature(self, qgs_feature):
        """The engine's view of a QGIS feature of the land-use layer (working CRS, canonical fields)."""
        transform = self.to_working if self.landuse.crs != self.ctx.crs else None
        geometry = self.ctx.screen(QgsGeometry(qgs_feature.geometry()), transform)    # an edit is made safe too
        attrs, code, label = FeatureReader(self.found, qgs_feature.fields().names())(qgs_feature)
        return Feature(qgs_feature.id(), geometry, attrs, code, label=label)

    def check(self, qgs_feature):
        """Findings of the local rules for this one feature, in the plan's CRS."""
        single = LayerData(self.landuse.key, self.landuse.name, [self.feature(qgs_feature)], self.landuse.crs)
        cache = self.ctx._cache
        cache[("plan", LANDUSE)] = single
        found = []
        try:
            for rule in self.rules:
                try:
                    found.extend(f for f in rule.run(self.ctx) if f.plan_fid == qgs_feature.id())
                except NotApplicable:
                    continue
            name_plan_features(found, self.ctx)
        finally:
            cache[("plan", LANDUSE)] = self.landuse
        place_in_villages(found, self.ctx)
        to_plan_crs(found, self.ctx)
        return found

    def apply(self, path, fid, found, run_id=None):
        """Replace feature `fid`'s findings of the local rules in the GeoPackage (see apply_all)."""
        self.apply_all(path, {fid: found}, run_id)

    def apply_all(self, path, found_by_fid, run_id=None):
        """Replace the findings of the local rules of each feature in `found_by_fid` ({fid: findings}, []
        for a deleted feature) in one transaction; their reviewer decisions move onto the new findings
        as a full check carries them over (decisions.follow); the counts move by what was removed and
        added (a county's findings are not recounted for one parcel). Into a file whose triggers or
        constraints would change other rows nothing is written, nor, with `run_id` (the check the browser
        opened), into another check's file put in its place (findings_mod.updating: OneMapError)."""
        quoted = ",".join("'{}'".format(rule_id.replace("'", "''")) for rule_id in self.rule_ids)
        wanted = set(self.rule_ids)
        delta = {}                           # (rule_id, severity) -> findings added minus removed
        with findings_mod.updating(path, run_id) as dataset:
            layer = dataset.GetLayerByName("findings")
            if layer is None:
                raise OneMapError("无法更新核对结果 {}".format(path), "Cannot update the findings {}".format(path))
            at = decisions.row_indexes(layer)
            replaced, added = [], []
            for fid, found in found_by_fid.items():
                layer.SetAttributeFilter("plan_layer = '{}' AND plan_fid = {} AND rule_id IN ({})".format(
                    self.landuse.key, int(fid), quoted))         # a detailed plan's parcels: GHDK
                stale = [(feature.GetFID(), decisions.Part.of_row(feature, at)) for feature in layer
                         if feature.GetField("plan_layer") == self.landuse.key and feature.GetField("plan_fid") ==
                         int(fid) and feature.GetField("rule_id") in wanted]    # exactly: a collation may match more
                layer.SetAttributeFilter(None)
                for stale_fid, part in stale:
                    layer.DeleteFeature(stale_fid)
                    replaced.append(part)
                    delta[(part.rule_id, part.severity)] = delta.get((part.rule_id, part.severity), 0) - 1
                for finding in found:
                    values = findings_mod.finding_values(finding, self.rules_by_id[finding.rule_id])
                    findings_mod.insert_finding(layer, values, finding.geometry)
                    added.append(decisions.Part.of_finding(finding, values["finding_id"], (values["x"], values["y"])))
                    delta[(finding.rule_id, finding.severity)] = delta.get((finding.rule_id, finding.severity), 0) + 1
            decisions.follow(dataset, replaced, added)
            _count_changes(dataset, {key: n for key, n in delta.items() if n})
            if found_by_fid:
                _mark_stale(dataset, wanted)


def _count_changes(dataset, delta):
    """The rules table's counts and statuses, and the run's totals, moved by `delta` ((rule_id, severity) ->
    change in findings). A rule that lost a non-info finding stays failed while it has another."""
    if not delta:
        return
    changed = {rule_id for rule_id, _severity in delta}
    rules = dataset.GetLayerByName("rules")
    rules.SetAttributeFilter("rule_id IN ({})".format(",".join("'{}'".format(r.replace("'", "''")) for r in changed)))
    for row in list(rules):
        rule_id = row.GetField("rule_id")
        if rule_id not in changed:
            continue
        row.SetField("findings", row.GetField("findings") + sum(n for (r, _s), n in delta.items() if r == rule_id))
        change = {s: n for (r, s), n in delta.items() if r == rule_id and s != "info"}
        if row.GetField("status") not in ("passed", "failed"):        # its count only: it did not run in full
            rules.SetFeature(row)
            continue
        if any(n > 0 for n in change.values()):
            row.SetField("status", "failed")
        elif any(n < 0 for n in change.values()) and row.GetField("status") == "failed":
            row.SetField("status", "failed" if _fails(dataset, rule_id) else "passed")
        rules.SetFeature(row)
    rules.SetAttributeFilter(None)
    run = dataset.GetLayerByName("run")
    for row in list(run):
        for severity, column in (("error", "errors"), ("warning", "warnings"), ("info", "infos")):
            row.SetField(column, row.GetField(column) + sum(n for (_r, s), n in delta.items() if s == severity))
        run.SetFeature(row)


def _mark_stale(dataset, rechecked):
    """Record in the run row the rules of the check not among `rechecked`: the plan was edited, and their
    outcome (gaps, overlaps between parcels, indicators …) is the one before (readback.Stored.stale_rules)."""
    rules = dataset.GetLayerByName("rules")
    stale = [row.GetField("rule_id") for row in rules if row.GetField("rule_id") not in rechecked]
    run = dataset.GetLayerByName("run")
    if run.GetLayerDefn().GetFieldIndex("stale_rules") < 0:          # a file written before OneMap 0.3.3
        run.CreateField(ogr.FieldDefn("stale_rules", ogr.OFTString))
    for row in list(run):
        row.SetField("stale_rules", json.dumps(stale, ensure_ascii=False))
        run.SetFeature(row)


def _fails(dataset, rule_id):
    """Whether the rule has a finding that is not a note (stops at the first one found)."""
    result = dataset.ExecuteSQL("SELECT 1 FROM findings WHERE rule_id = '{}' AND severity <> 'info' LIMIT 1".format(
        rule_id.replace("'", "''")))
    try:
        return result.GetNextFeature() is not None
    finally:
        dataset.ReleaseResultSet(result)
