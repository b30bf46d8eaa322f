"""overlap: plan features of given classes that overlap a control layer (of the one map, or the plan's own).

With a `matrix:` each overlapping piece is split into new and existing parts against the base year
(see matrix.py) and each part takes its own severity.
"""
from ...read.codes import in_classes
from ...read.schema import schema
from .base import NotApplicable, Rule
from .matrix import NONE, Matrix
from .selection import code_selector, describe


def control_matcher(control, wanted, unwanted=()):
    """A predicate on control features: code under one of `wanted`, or name holding a non-numeric entry
    ('建设控制地带' matches '东街历史文化街区建设控制地带'); none of `unwanted` (empty `wanted`: any feature)."""
    def entries_match(entries):
        codes = [str(c) for c in entries if str(c).isdigit()]
        names = [str(c) for c in entries if not str(c).isdigit()]
        return lambda feature, name: in_classes(feature.code, codes) or any(n in name for n in names)
    want, avoid = entries_match(wanted), entries_match(unwanted)
    name_spec = schema().layers[control.key].field_for("name")

    def matches(feature):
        name = str(feature.attrs.get(name_spec.name) or "").strip() if name_spec is not None else ""
        return (not wanted or want(feature, name)) and not (unwanted and avoid(feature, name))
    return matches


class OverlapRule(Rule):
    kind = "overlap"
    params = {"plan_layer": (str, True), "control": (str, True), "codes": (list, False),
              "codes_except": (list, False), "control_codes": (list, False), "control_except": (list, False),
              "control_side": (str, False, ("onemap", "plan")), "matrix": (list, False)}

    def prepare(self, ctx):
        """When plan and one map share a PostGIS database, send it the overlap query: it runs there
        while Python checks other rules."""
        wanted = [str(c) for c in self.args.get("control_codes", [])]
        control_key = self.args["control"]
        if (ctx.database is None or self.args.get("control_side") == "plan" or ctx.onemap.get(control_key) is None
                or not ctx.plan_box() or not all(c.isdigit() for c in wanted) or "control_except" in self.args):
            return
        plan = self.plan_layer(ctx, self.args["plan_layer"])
        ctx.database.ask(self.id, ctx.plan.get(plan.key), self.chosen(plan), ctx.onemap.get(control_key), wanted,
                         ctx.crs.postgisSrid(), self.ruleset.noise_m2, ctx.plan_box())

    def run(self, ctx):
        wanted = [str(c) for c in self.args.get("control_codes", [])]
        control_key = self.args["control"]
        pieces = None
        if ctx.database is not None:
            if not ctx.database.asked(self.id):
                self.prepare(ctx)                  # not sent ahead (the live re-check runs single rules)
            pieces = ctx.database.overlaps(self.id)
        if pieces is None:
            on_plan = self.args.get("control_side") == "plan"
            control = self.plan_layer(ctx, control_key) if on_plan else self.onemap_layer(ctx, control_key)
            plan = self.plan_layer(ctx, self.args["plan_layer"])
            unwanted = self.args.get("control_except", [])        # e.g. a historic district's 建设控制地带
            matches = control_matcher(control, wanted, unwanted) if wanted or unwanted else None
            if matches is not None and not any(matches(c) for c in control.features):
                what = "/".join(wanted) or "除 {} 以外".format("/".join(map(str, unwanted)))
                raise NotApplicable("{} 中没有代码或名称为 {} 的要素".format(control.key, what),
                                    "{} has no feature coded or named {}".format(control.key, what))
            pieces = self.pieces(self.chosen(plan), control, matches)
        control_name = schema().layers[control_key].zh
        matrix = Matrix(self)
        findings = []
        for feature, control_fid, piece, _area in pieces:
            for severity, part, state in matrix.parts(ctx, feature.code, piece):
                area = part.area()
                if severity == NONE or area < self.ruleset.noise_m2:
                    continue
                findings.append(self.finding(
                    "规划{}（要素 {}）位于{}内，面积 {:.2f} 平方米{}".format(
                        describe(feature.code), feature.label, control_name, area, state),
                    severity=severity, plan_layer=self.args["plan_layer"], plan_fid=feature.fid, plan_code=feature.code,
                    control_layer=control_key, control_fid=control_fid, area_m2=area, geometry=part))
        return findings

    def chosen(self, plan):
        selected = code_selector(self)
        return [f for f in plan.features if not f.shape.isEmpty() and selected(f.code)]

    def pieces(self, features, control, matches):
        """(plan feature, control fid, piece, area) for each pair sharing at least the noise area, one at
        a time: a county run has some 300 000 pieces, and each becomes a finding when it is made."""
        noise = self.ruleset.noise_m2
        for feature in features:
            for other in control.overlapping(feature.box):          # can share area: boxes overlap
                if matches is not None and not matches(other):
                    continue
                if other.prepared.contains(feature.shape):
                    piece = feature.shape                 # wholly inside: no overlay needed
                else:
                    piece = other.prepared.common(feature.shape)
                area = piece.area()
                if not piece.isEmpty() and area >= noise:
                    yield feature, other.fid, piece, area
