"""outside: plan features of given classes lying (partly) outside a boundary (of the one map, or the plan's own)."""
from ...read.schema import schema
from ..geomops import polygonal, union
from .base import NotApplicable, Rule
from .matrix import NONE, Matrix
from .overlap import control_matcher
from .selection import code_selector, describe


class OutsideRule(Rule):
    kind = "outside"
    params = {"plan_layer": (str, True), "boundary": (str, True), "codes": (list, False),
              "codes_except": (list, False), "boundary_side": (str, False, ("onemap", "plan")),
              "boundary_codes": (list, False), "matrix": (list, False), "marked_by": (str, False)}

    def run(self, ctx):
        if self.args.get("boundary_side") == "plan":
            boundary = self.plan_layer(ctx, self.args["boundary"])
        else:
            boundary = self.onemap_layer(ctx, self.args["boundary"])
        plan = self.plan_layer(ctx, self.args["plan_layer"])
        wanted = self.args.get("boundary_codes")
        matches = control_matcher(boundary, wanted) if wanted else (lambda _feature: True)
        if wanted and not any(matches(b) for b in boundary.features):
            raise NotApplicable("{} 中没有代码为 {} 的要素".format(boundary.key, "/".join(map(str, wanted or []))),
                                "{} has no feature coded {}".format(boundary.key, "/".join(map(str, wanted or []))))
        selected = code_selector(self)
        matrix = Matrix(self)
        boundary_name = schema().layers[boundary.key].zh
        name_spec = schema().layers[boundary.key].field_for("name")
        if wanted and name_spec is not None:          # e.g. 村庄集中建设区、村庄弹性发展区 rather than 管控边界
            names = {str(b.attrs.get(name_spec.name) or "").strip() for b in boundary.features if matches(b)} - {""}
            boundary_name = "、".join(sorted(names)) or boundary_name
        findings = []
        marked = self.args.get("marked_by")           # only parcels with this field filled (开发区: KFQ)
        for feature in plan.features:
            if feature.shape.isEmpty() or not selected(feature.code):
                continue
            if marked and not str(feature.attrs.get(marked) or "").strip():
                continue
            near = [b for b in boundary.overlapping(feature.box) if matches(b)]
            if any(b.prepared.contains(feature.shape) for b in near):
                continue
            touching = [b.shape for b in near if b.prepared.intersects(feature.shape)]
            piece = polygonal(feature.shape.difference(union(touching))) if touching else feature.shape
            if piece.area() < self.ruleset.noise_m2:
                continue
            for severity, part, state in matrix.parts(ctx, feature.code, piece):
                area = part.area()
                if severity == NONE or area < self.ruleset.noise_m2:
                    continue
                findings.append(self.finding(
                    "规划{}（要素 {}）位于{}外，面积 {:.2f} 平方米{}".format(describe(feature.code), feature.label,
                                                                 boundary_name, area, state),
                    severity=severity, plan_layer=plan.key, plan_fid=feature.fid, plan_code=feature.code,
                    control_layer=boundary.key, area_m2=area, geometry=part))
        return findings
