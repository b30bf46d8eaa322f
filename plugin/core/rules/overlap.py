"""overlap: plan features of given classes that overlap a control layer of the one map."""
from ..codes import in_classes
from ..geomops import polygonal
from ..schema import schema
from .base import NotApplicable, Rule
from .selection import code_selector, describe


class OverlapRule(Rule):
    kind = "overlap"
    params = {"plan_layer": (str, True), "control": (str, True), "codes": (list, False),
              "codes_except": (list, False), "control_codes": (list, False)}

    def run(self, ctx):
        control = self.onemap_layer(ctx, self.args["control"])
        plan = self.plan_layer(ctx, self.args["plan_layer"])
        control_codes = [str(c) for c in self.args.get("control_codes", [])]
        if control_codes and not any(in_classes(c.code, control_codes) for c in control.features):
            raise NotApplicable("一张图 {} 中没有代码为 {} 的要素".format(control.key, "/".join(control_codes)),
                                "the one map's {} has no feature coded {}".format(control.key, "/".join(control_codes)))
        selected = code_selector(self)
        control_name = schema().layers[control.key].zh
        noise = self.ruleset.noise_m2
        findings = []
        for feature in plan.features:
            if feature.shape.isEmpty() or not selected(feature.code):
                continue
            for other in control.overlapping(feature.box):          # can share area: boxes overlap
                if control_codes and not in_classes(other.code, control_codes):
                    continue
                if other.prepared.contains(feature.shape):
                    piece = feature.shape                 # wholly inside: no overlay needed
                elif other.prepared.shares_area(feature.shape):
                    piece = polygonal(feature.shape.intersection(other.shape))
                else:
                    continue
                area = piece.area()
                if area < noise:
                    continue
                findings.append(self.finding(
                    "规划{}（要素 {}）位于{}内，面积 {:.2f} 平方米".format(describe(feature.code), feature.label,
                                                                control_name, area),
                    plan_layer=plan.key, plan_fid=feature.fid, plan_code=feature.code,
                    control_layer=control.key, control_fid=other.fid, area_m2=area, geometry=piece))
        return findings
