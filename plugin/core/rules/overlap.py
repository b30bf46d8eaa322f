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
        control_codes = [str(c) for c in self.args.get("control_codes", [])]
        control_key = self.args["control"]
        pieces = None
        if ctx.database is not None and ctx.onemap.get(control_key) is not None and ctx.plan_box():
            plan = self.plan_layer(ctx, self.args["plan_layer"])     # plan and one map in one PostGIS database
            pieces = ctx.database.overlaps(self.id, ctx.plan.get(plan.key), self.chosen(plan),
                                           ctx.onemap.get(control_key), control_codes, ctx.crs.postgisSrid(),
                                           self.ruleset.noise_m2, ctx.plan_box())
        if pieces is None:
            control = self.onemap_layer(ctx, control_key)
            plan = self.plan_layer(ctx, self.args["plan_layer"])
            if control_codes and not any(in_classes(c.code, control_codes) for c in control.features):
                raise NotApplicable("一张图 {} 中没有代码为 {} 的要素".format(control.key, "/".join(control_codes)),
                                    "the one map's {} has no feature coded {}".format(control.key,
                                                                                      "/".join(control_codes)))
            pieces = self.pieces(self.chosen(plan), control, control_codes)
        control_name = schema().layers[control_key].zh
        return [self.finding("规划{}（要素 {}）位于{}内，面积 {:.2f} 平方米".format(
                    describe(feature.code), feature.label, control_name, area),
                    plan_layer=plan.key, plan_fid=feature.fid, plan_code=feature.code,
                    control_layer=control_key, control_fid=control_fid, area_m2=area, geometry=piece)
                for feature, control_fid, piece, area in pieces]

    def chosen(self, plan):
        selected = code_selector(self)
        return [f for f in plan.features if not f.shape.isEmpty() and selected(f.code)]

    def pieces(self, features, control, control_codes):
        """(plan feature, control fid, piece, area) for each pair sharing at least the noise area."""
        noise = self.ruleset.noise_m2
        found = []
        for feature in features:
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
                if area >= noise:
                    found.append((feature, other.fid, piece, area))
        return found
