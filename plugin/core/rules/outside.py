"""outside: plan features of given classes lying (partly) outside a one-map layer."""
from ..geomops import polygonal, union
from ..schema import schema
from .base import Rule
from .selection import code_selector, describe


class OutsideRule(Rule):
    kind = "outside"
    params = {"plan_layer": (str, True), "boundary": (str, True), "codes": (list, False),
              "codes_except": (list, False)}

    def run(self, ctx):
        boundary = self.onemap_layer(ctx, self.args["boundary"])
        plan = self.plan_layer(ctx, self.args["plan_layer"])
        selected = code_selector(self)
        boundary_name = schema().layers[boundary.key].zh
        findings = []
        for feature in plan.features:
            if feature.shape.isEmpty() or not selected(feature.code):
                continue
            near = boundary.overlapping(feature.box)
            if any(b.prepared.contains(feature.shape) for b in near):
                continue
            touching = [b.shape for b in near if b.prepared.intersects(feature.shape)]
            piece = polygonal(feature.shape.difference(union(touching))) if touching else feature.shape
            area = piece.area()
            if area < self.ruleset.noise_m2:
                continue
            findings.append(self.finding(
                "规划{}（要素 {}）位于{}外，面积 {:.2f} 平方米".format(describe(feature.code), feature.label,
                                                            boundary_name, area),
                plan_layer=plan.key, plan_fid=feature.fid, plan_code=feature.code,
                control_layer=boundary.key, area_m2=area, geometry=piece))
        return findings
