"""table: 表-库一致 — the plan's indicator table (GHZBB) against the figures computed from its layers.

GHMBN (规划目标年) is compared with the plan, XZJQN (现状基期年) with the base year (JQDLTB), both in
ellipsoidal area with 耕地 net of 田坎, within the indicator tolerance.
"""
from ...read.schema import schema
from ..measures import M2_PER_HA
from .base import NotApplicable, Rule
from .indicator import INDICATOR, MEASURED_BY, base_figure, planned_figure, text
from .params import LAYER, TEXTS, Entry, ListOf


class TableRule(Rule):
    kind = "table"
    params = {"table": (LAYER, True), "indicators": (ListOf(Entry(MEASURED_BY, names=(TEXTS, False), **INDICATOR)), True)}

    def run(self, ctx):
        table = self.plan_layer(ctx, self.args["table"])
        spec = schema().layers[table.key]
        field = {role: spec.field_for(role).name for role in ("indicator", "unit", "planned", "base")}
        units = schema().units
        tolerance = float(self.ruleset.tolerances.get("indicator_m2", 0.0))
        findings, compared = [], 0
        for row in table.features:
            label = text(row.attrs.get(field["indicator"]))
            definition = next((d for d in self.args["indicators"]
                               if label == d["name"] or label in d.get("names", [])), None)
            if definition is None:
                continue
            unit = text(row.attrs.get(field["unit"]))
            if unit not in units:
                findings.append(self.finding("{} 中指标“{}”的单位“{}”无法识别（可用：{}）".format(
                    table.key, label, unit, "、".join(units)), plan_layer=table.key, plan_fid=row.fid))
                continue
            for column, compute, year in (("planned", planned_figure, "规划目标年"), ("base", base_figure, "现状基期年")):
                recorded = row.attrs.get(field[column])
                if recorded in (None, ""):
                    continue
                computed, basis = compute(ctx, self, definition)
                if computed is None:
                    continue
                compared += 1
                recorded_m2 = float(recorded) * float(units[unit])
                if abs(recorded_m2 - computed) > tolerance:
                    findings.append(self.finding(
                        "{} 中“{}”{}填报 {} {}（{:.2f} 平方米），数据库计算为 {:.2f} 平方米（{:.4f} 公顷，{}），相差 {:.2f} 平方米".format(
                            table.key, label, year, recorded, unit, recorded_m2, computed, computed / M2_PER_HA, basis,
                            recorded_m2 - computed), plan_layer=table.key, plan_fid=row.fid,
                        area_m2=recorded_m2 - computed))
        if not compared and not findings:
            raise NotApplicable("{} 中没有可核对的指标".format(table.key), "no comparable indicator in {}".format(table.key))
        return findings
