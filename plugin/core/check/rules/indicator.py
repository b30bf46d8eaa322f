"""indicator: areas computed from the plan against the village's allocated indicators (村级指标分解)."""
from ...read.schema import schema
from ..measures import BASIS, BASIS_NET, M2_PER_HA, M2_PER_MU
from .base import SEVERITIES, NotApplicable, Rule
from .params import CODES, LAYER, TEXTS, Entry, ListOf

COMPARE = {">=": lambda planned, allocated, tol: planned + tol >= allocated,
           "<=": lambda planned, allocated, tol: planned - tol <= allocated}
MEASURES = ("耕地", "新增建设用地", "建设占用耕地")
MEASURED_BY = ("measure", "codes", "layer")         # an indicator gives exactly one of these
INDICATOR = {"name": (str, True), "measure": (str, False, MEASURES), "codes": (CODES, False), "layer": (LAYER, False)}


def text(value):
    return str(value if value is not None else "").strip()


class IndicatorRule(Rule):
    kind = "indicator"
    params = {"allocation": (LAYER, True), "village": (LAYER, True), "indicators": (ListOf(Entry(
        MEASURED_BY, names=(TEXTS, False), compare=(str, False, tuple(COMPARE)), severity=(str, False, SEVERITIES),
        match=(str, False), **INDICATOR)), True)}

    def prepare(self, ctx):
        """The plan layers the indicators measure get their ellipsoidal areas worked out beside the rules;
        the rule keeps its place (the `indicators` table lists its rows first, as the rule set orders them)."""
        keys = {d.get("layer") or "GHYDYH" for d in self.args["indicators"] if "layer" in d or "codes" in d}
        for layer in map(ctx.plan_layer, sorted(keys)):
            if layer is not None:
                ctx.measures().measure_beside(layer, ctx.beside())
        return False

    def run(self, ctx):
        table = self.onemap_layer(ctx, self.args["allocation"])
        village = self.plan_layer(ctx, self.args["village"])
        spec = schema().layers[table.key]
        field = {role: spec.field_for(role).name for role in ("village_code", "indicator", "value", "unit")}
        village_code = schema().layers[village.key].field_for("village_code").name
        codes = {text(f.attrs.get(village_code)) for f in village.features} - {""}
        if not codes:
            raise NotApplicable("村级调查区没有行政区代码", "the village boundary has no village code")
        units = schema().units
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
            allocated = [r for r in rows if text(r.attrs.get(field["indicator"])) in names
                         or (definition.get("match") and definition["match"] in text(r.attrs.get(field["indicator"])))]
            planned, why = planned_figure(ctx, self, definition)
            result.update(planned_m2=planned, planned_ha=None if planned is None else planned / M2_PER_HA,
                          planned_mu=None if planned is None else planned / M2_PER_MU)
            if not allocated or planned is None:
                result.update(status="not_applicable", note="未分解该指标" if not allocated else why)
                record_indicator(ctx, result)
                continue
            row = allocated[0]
            unit = text(row.attrs.get(field["unit"]))
            if unit not in units:
                result.update(status="error", note="未知单位 {}".format(unit))
                findings.append(self.finding("指标“{}”的单位“{}”无法识别（可用：{}）".format(name, unit, "、".join(units)),
                                             control_layer=table.key, control_fid=row.fid))
                record_indicator(ctx, result)
                continue
            value = float(row.attrs.get(field["value"]) or 0.0)
            allocated_m2 = value * float(units[unit])
            passed = COMPARE[result["compare"]](planned, allocated_m2, tolerance)
            severity = definition.get("severity", self.severity)
            result.update(allocated_value=value, unit=unit, allocated_m2=allocated_m2,
                          difference_m2=planned - allocated_m2, status="pass" if passed else "fail", note=why,
                          severity=None if passed else severity)
            record_indicator(ctx, result)
            if not passed:
                findings.append(self.finding(
                    "指标“{}”规划 {:.2f} 平方米（{:.4f} 公顷，{}），分解下达 {} {}，应{}下达值".format(
                        name, planned, planned / M2_PER_HA, why, value, unit,
                        "不少于" if result["compare"] == ">=" else "不超过"),
                    severity=severity, plan_layer=self.args["village"], control_layer=table.key, control_fid=row.fid,
                    area_m2=planned - allocated_m2, extra=dict(where)))
        return findings


RANK = {"not_applicable": 0, "computed": 1}             # any comparison (pass, fail, error) ranks 2


def record_indicator(ctx, row):
    """Add a row to the `indicators` table, one row per indicator.

    IND-01 and BASE-01 both know 新增建设用地 and 建设占用耕地: the better-founded row stays — a comparison
    with the allocation over a computed figure over 不适用; a computed figure replacing "未分解该指标" says so.
    Whichever rule runs first, the row is the same.
    """
    rows = ctx.indicator_rows
    index = next((i for i, old in enumerate(rows) if old["indicator"] == row["indicator"]), None)
    if index is None:
        rows.append(row)
        return
    old = rows[index]
    if RANK.get(row["status"], 2) == RANK.get(old["status"], 2):
        return                                          # as well founded: the first stays
    better, worse = (row, old) if RANK.get(row["status"], 2) > RANK.get(old["status"], 2) else (old, row)
    kept = dict(better, village_code=better.get("village_code") or worse.get("village_code"))
    if worse["status"] == "not_applicable" and worse.get("note"):
        kept["note"] = "{}；{}".format(worse["note"], better.get("note") or "").rstrip("；")
    rows[index] = kept


def planned_figure(ctx, rule, definition):
    """(m², basis) of an indicator in the plan, ellipsoidal; (None, why) when it cannot be computed.

    `definition`: {measure: 耕地|新增建设用地|建设占用耕地} or {codes: [classes]} or {layer: KEY}.
    """
    figures = ctx.measures()
    measure = definition.get("measure")
    if measure == "耕地":
        basis = BASIS_NET if ctx.base_year().available else BASIS + "，无基期数据未扣除田坎"
        return figures.planned_cropland(), basis
    if measure is not None:
        if not ctx.base_year().available:
            return None, "规划成果没有基期地类图斑（JQDLTB）"
        return figures.totals()[measure], BASIS_NET if measure == "建设占用耕地" else BASIS
    if "codes" in definition:
        rule.plan_layer(ctx, "GHYDYH")
        return figures.of_codes(rule.ruleset.codes(definition["codes"])), BASIS
    planned = figures.of_layer(definition["layer"], ctx.plan_layer(rule.args["village"]))
    if planned is None:
        return (None, "一张图与规划均无该图层") if ctx.onemap_layer(definition["layer"]) is None else (0.0, BASIS)
    beyond = figures.of_layer(definition["layer"]) - planned          # what lies beyond the village: not its own
    return planned, BASIS + ("，村域外 {:.2f} 平方米未计入".format(beyond) if beyond > rule.ruleset.noise_m2 else "")


def base_figure(ctx, rule, definition):
    """(m², basis) of an indicator in the base year (JQDLTB); (None, why) when it has no base-year meaning."""
    if not ctx.base_year().available:
        return None, "规划成果没有基期地类图斑（JQDLTB）"
    figures = ctx.measures()
    if definition.get("measure") == "耕地":
        return figures.base_cropland(), BASIS_NET
    if "codes" in definition:
        return figures.base_of_codes(rule.ruleset.codes(definition["codes"])), BASIS
    return None, "基期无此指标"
