"""share: the part of the plan's land of some classes that lies outside a boundary, as a share of all of it.

Shanxi caps the new 城镇建设用地 outside the 城镇开发边界 at 10 % of the new 城镇建设用地 planned [S6].
With a base year (JQDLTB) only the new part of each parcel counts (what was not construction land
before); without one the whole planned figure counts and the row says so. Areas are ellipsoidal.
"""
from ...read.schema import schema
from ..geomops import polygonal, union
from ..measures import BASIS, M2_PER_HA, M2_PER_MU
from .base import NotApplicable, Rule
from .params import CODES, FINITE, LAYER
from .unit import record


class ShareRule(Rule):
    kind = "share"
    params = {"plan_layer": (LAYER, True), "boundary": (LAYER, True), "codes": (CODES, True),
              "max_share": (FINITE, True)}

    def run(self, ctx):
        boundary = self.onemap_layer(ctx, self.args["boundary"])
        plan = self.plan_layer(ctx, self.args["plan_layer"])
        codes, construction = self.ruleset.codes(self.args["codes"]), self.ruleset.codes(["建设用地"])
        figures, base = ctx.measures(), ctx.base_year()
        grounds, outs = [], []                            # measured together once all are known
        for feature in plan.features:
            if feature.shape.isEmpty() or feature.code not in codes:
                continue
            ground = feature.shape
            if base.available:                            # only what was not construction land before
                before = base.part_of(ground, construction)
                ground = polygonal(ground.difference(before)) if not before.isEmpty() else ground
            if ground.isEmpty():
                continue
            grounds.append(ground)
            near = list(boundary.overlapping(feature.box))
            if any(b.prepared.contains(ground) for b in near):
                continue
            out = polygonal(ground.difference(union(b.shape for b in near))) if near else ground
            if out.area() >= self.ruleset.noise_m2:
                outs.append(out)
        total, outside = float(figures.areas_of(grounds).sum()), float(figures.areas_of(outs).sum())
        if total <= 0:
            raise NotApplicable("规划成果中没有{}".format("、".join(map(str, self.args["codes"]))),
                                "the plan has none of {}".format(", ".join(map(str, self.args["codes"]))))
        limit = float(self.args["max_share"])
        share = outside / total
        what = "新增" if base.available else "规划"
        note = "{}：{}外 {:.4f} 公顷 / 合计 {:.4f} 公顷（{}{}）".format(
            what, schema().layers[boundary.key].zh, outside / M2_PER_HA, total / M2_PER_HA, BASIS,
            "" if base.available else "；无基期数据，按规划城镇建设用地计，未区分新增与现状")
        passed = share <= limit + 1e-12
        name = "{}外{}城镇建设用地占比".format(schema().layers[boundary.key].zh, what)
        record(ctx, self, {"indicator": name, "compare": "<=", "allocated_value": 100.0 * limit, "unit": "%",
                           "planned_value": 100.0 * share, "planned_m2": outside, "planned_ha": outside / M2_PER_HA,
                           "planned_mu": outside / M2_PER_MU, "status": "pass" if passed else "fail", "note": note})
        if passed:
            return []
        return [self.finding("指标“{}”{:.2f}%，超过 {:g}%（{}）".format(name, 100.0 * share, 100.0 * limit, note),
                             plan_layer=plan.key, control_layer=boundary.key)]
