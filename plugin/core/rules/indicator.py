"""indicator: areas computed from the plan against the village's allocated indicators (村级指标分解)."""
from ..schema import schema
from .base import NotApplicable, Rule

M2_PER_HA = 10000.0
M2_PER_MU = 10000.0 / 15.0
COMPARE = {">=": lambda planned, allocated, tol: planned + tol >= allocated,
           "<=": lambda planned, allocated, tol: planned - tol <= allocated}


def text(value):
    return str(value if value is not None else "").strip()


class IndicatorRule(Rule):
    kind = "indicator"
    params = {"allocation": (str, True), "village": (str, True), "indicators": (list, True)}

    def run(self, ctx):
        table = self.onemap_layer(ctx, self.args["allocation"])
        village = self.plan_layer(ctx, self.args["village"])
        spec = schema().layers[table.key]
        field = {role: spec.field_for(role).name for role in ("village_code", "indicator", "value", "unit")}
        village_code = schema().layers[village.key].field_for("village_code").name
        codes = {text(f.attrs.get(village_code)) for f in village.features} - {""}
        if not codes:
            raise NotApplicable("村级调查区没有行政区代码", "the village boundary has no village code")
        units = spec.extra.get("units", {})
        rows = [r for r in table.features if text(r.attrs.get(field["village_code"])) in codes]
        if not rows:
            raise NotApplicable("指标分解表中没有村 {} 的指标".format("、".join(sorted(codes))),
                                "no allocation for village {}".format(", ".join(sorted(codes))))
        tolerance = float(self.ruleset.tolerances.get("indicator_m2", 0.0))
        # an indicator has no conflicting part: no geometry, only a point to navigate to
        anchor = village.features[0].shape.pointOnSurface().asPoint() if village.features else None
        where = {"x": anchor.x(), "y": anchor.y()} if anchor is not None else {}
        findings = []
        for definition in self.args["indicators"]:
            name = definition["name"]
            names = {name} | set(spec.extra.get("indicators", {}).get(name, []))
            result = {"village_code": "、".join(sorted(codes)), "indicator": name,
                      "compare": definition.get("compare", ">="), "tolerance_m2": tolerance}
            allocated = [r for r in rows if text(r.attrs.get(field["indicator"])) in names]
            planned = self.planned_area(ctx, definition)
            result.update(planned_m2=planned, planned_ha=None if planned is None else planned / M2_PER_HA,
                          planned_mu=None if planned is None else planned / M2_PER_MU)
            if not allocated or planned is None:
                why = "未分解该指标" if not allocated else "一张图与规划均无该图层"
                result.update(status="not_applicable", note=why)
                ctx.indicator_rows.append(result)
                continue
            row = allocated[0]
            unit = text(row.attrs.get(field["unit"]))
            if unit not in units:
                result.update(status="error", note="未知单位 {}".format(unit))
                findings.append(self.finding("指标“{}”的单位“{}”无法识别（可用：{}）".format(name, unit, "、".join(units)),
                                             control_layer=table.key, control_fid=row.fid))
                ctx.indicator_rows.append(result)
                continue
            value = float(row.attrs.get(field["value"]) or 0.0)
            allocated_m2 = value * float(units[unit])
            passed = COMPARE[result["compare"]](planned, allocated_m2, tolerance)
            result.update(allocated_value=value, unit=unit, allocated_m2=allocated_m2,
                          difference_m2=planned - allocated_m2, status="pass" if passed else "fail", note="")
            ctx.indicator_rows.append(result)
            if not passed:
                findings.append(self.finding(
                    "指标“{}”规划 {:.2f} 平方米（{:.4f} 公顷），分解下达 {} {}，应{}下达值".format(
                        name, planned, planned / M2_PER_HA, value, unit, "不少于" if result["compare"] == ">=" else "不超过"),
                    plan_layer=self.args["village"], control_layer=table.key, control_fid=row.fid,
                    area_m2=planned - allocated_m2, extra=dict(where)))
        return findings

    def planned_area(self, ctx, definition):
        """Plan area of the indicator: land-use classes, or a whole plan layer; None if neither side has it."""
        if "codes" in definition:
            selected = self.ruleset.codes(definition["codes"])
            landuse = self.plan_layer(ctx, "GHYDYH")
            return sum(f.shape.area() for f in landuse.features if f.code in selected)
        layer = ctx.plan_layer(definition["layer"])
        if layer is None:
            return None if ctx.onemap_layer(definition["layer"]) is None else 0.0
        return sum(f.shape.area() for f in layer.features)
