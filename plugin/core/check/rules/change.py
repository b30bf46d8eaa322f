"""change: the base year (JQDLTB) against the plan, parcel by parcel and in total.

Per parcel a note on the ground that changed, with its area once (ellipsoidal m²) and the split into
新增建设用地 (of it 建设占用耕地), 耕地转入 or 耕地转出 (cropland net of 田坎) in the message; the rule's
total is then the changed ground. Base-year parcels that overlap are a finding of the rule's severity:
their shared ground counts once (baseyear.BaseYear.pieces). The figures' totals go to the `indicators`
table; a negative 耕地进出平衡 is a finding of the rule's severity.
"""
from ..measures import BASIS, BASIS_NET, M2_PER_HA, M2_PER_MU
from .base import NotApplicable, Rule, reaches
from .indicator import record_indicator
from .selection import describe

FIGURES = ("新增建设用地", "建设占用耕地", "耕地转入", "耕地转出", "耕地进出平衡")


class ChangeRule(Rule):
    kind = "change"
    params = {}

    def run(self, ctx):
        if not ctx.base_year().available:
            raise NotApplicable("规划成果没有基期地类图斑（JQDLTB）", "the plan has no base-year parcels (JQDLTB)")
        figures = ctx.measures()
        findings = []
        for feature, changes, ground, changed in figures.changes():
            findings.append(self.finding("规划{}（要素 {}）较基期变化 {:.2f} 平方米：{}（{}）".format(
                describe(feature.code), feature.label, changed, split(changes), BASIS), severity="info",
                plan_layer="GHYDYH", plan_fid=feature.fid, plan_code=feature.code, area_m2=changed,
                geometry=ground))
        for parcel, other, shared in ctx.base_year().overlaps():
            if reaches(shared.area(), self.ruleset.noise_m2):
                findings.append(self.finding(
                    "基期地类图斑（要素 {}）与（要素 {}）重叠 {:.2f} 平方米：基期对比中重叠部分只计一次".format(
                        parcel.label, other.label, shared.area()),
                    plan_layer="JQDLTB", plan_fid=parcel.fid, plan_code=parcel.code, area_m2=shared.area(),
                    geometry=shared))
        totals = figures.totals()
        tolerance = float(self.ruleset.tolerances.get("indicator_m2", 0.0))
        for name in FIGURES:
            value = totals[name]
            status = "computed"
            if name == "耕地进出平衡":
                status = "pass" if value + tolerance >= 0 else "fail"
            record_indicator(ctx, {
                "indicator": name, "compare": ">=" if name == "耕地进出平衡" else "", "planned_m2": value,
                "planned_ha": value / M2_PER_HA, "planned_mu": value / M2_PER_MU, "tolerance_m2": tolerance,
                "status": status, "severity": self.severity if status == "fail" else None,
                "note": "基期对比；" + (BASIS if name == "新增建设用地" else BASIS_NET)})
        if totals["耕地进出平衡"] + tolerance < 0:
            findings.append(self.finding(
                "耕地进出平衡不足：转入 {:.2f} 平方米，转为其他农用地等 {:.2f} 平方米，差 {:.2f} 平方米（{:.4f} 公顷）".format(
                    totals["耕地转入"], totals["耕地转出"], totals["耕地进出平衡"], totals["耕地进出平衡"] / M2_PER_HA),
                plan_layer="GHYDYH", area_m2=totals["耕地进出平衡"]))
        return findings


def split(changes):
    """'新增建设用地 … 平方米，其中建设占用耕地 … 平方米（扣除田坎）' and the like, in Chinese."""
    parts = []
    for name, value in changes.items():
        net = "（扣除田坎）" if name in ("建设占用耕地", "耕地转出") else ""
        lead = "其中" if name == "建设占用耕地" and "新增建设用地" in changes else ""
        parts.append("{}{} {:.2f} 平方米{}".format(lead, name, value, net))
    return "，".join(parts)
