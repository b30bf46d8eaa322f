"""coverage: what the one map holds of a control layer inside the plan area, the plan keeps whole."""
from ..geomops import Prepared, polygonal, single_parts, union
from ..schema import schema
from .base import Rule


class CoverageRule(Rule):
    kind = "coverage"
    params = {"plan_layer": (str, True), "control": (str, True), "area": (str, False),
              "tolerance_m2": ((int, float), False)}

    def plan_area(self, ctx):
        """The plan's extent: its village boundary if it has one, else the union of its land use."""
        area_layer = ctx.plan_layer(self.args["area"]) if "area" in self.args else None
        if area_layer is None:
            area_layer = self.plan_layer(ctx, "GHYDYH")
        return area_layer.union()

    def run(self, ctx):
        control = self.onemap_layer(ctx, self.args["control"])
        area = self.plan_area(ctx)
        prepared = Prepared(area)
        kept_layer = ctx.plan_layer(self.args["plan_layer"])       # absent: nothing was kept
        tolerance = float(self.args.get("tolerance_m2", self.ruleset.noise_m2))
        name = schema().layers[control.key].zh
        findings = []
        for other in control.candidates(area.boundingBox()):
            if not prepared.intersects(other.shape):
                continue
            inside = other.shape if prepared.contains(other.shape) else polygonal(other.shape.intersection(area))
            if inside.area() < tolerance:
                continue
            kept = union(k.shape for k in kept_layer.candidates(inside.boundingBox())) if kept_layer else None
            lost = polygonal(inside.difference(kept)) if kept is not None and not kept.isEmpty() else inside
            for part in single_parts(lost):
                if part.area() < tolerance:
                    continue
                where = "规划成果未包含该图层" if kept_layer is None else "规划成果中缺失"
                findings.append(self.finding(
                    "一张图{}（要素 {}）{}，面积 {:.2f} 平方米".format(name, other.label, where, part.area()),
                    plan_layer=self.args["plan_layer"], control_layer=control.key, control_fid=other.fid,
                    area_m2=part.area(), geometry=part))
        return findings
