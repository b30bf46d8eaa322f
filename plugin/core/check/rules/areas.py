"""area: 面积一致性 — recorded areas (GHDLMJ, TBMJ) against the computed ellipsoidal area, and the
parcels' total against the village's area."""
import numpy as np

from ...read.schema import schema
from ..measures import M2_PER_HA
from .base import NotApplicable, Rule
from .params import LAYER, ListOf


def number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class AreaRule(Rule):
    kind = "area"
    params = {"layers": (ListOf(LAYER), True), "village": (LAYER, False)}

    def prepare(self, ctx):
        """The layers' ellipsoidal areas are worked out beside the rules (their NumPy part)."""
        figures, started = ctx.measures(), False
        for key in self.args["layers"] + ([self.args["village"]] if "village" in self.args else []):
            layer = ctx.plan_layer(key)
            if layer is not None:
                figures.measure_beside(layer, ctx.beside())
                started = True
        return started

    def run(self, ctx):
        figures = ctx.measures()
        layers = [ctx.plan_layer(key) for key in self.args["layers"]]
        layers = [layer for layer in layers if layer is not None]
        if not layers:
            raise NotApplicable("规划成果中没有图层 {}".format("、".join(self.args["layers"])),
                                "the plan has none of {}".format(", ".join(self.args["layers"])))
        findings, compared = [], False
        for layer in layers:
            spec = schema().layers[layer.key].field_for("area")
            if spec is None or ctx.plan.get(layer.key).fields.get(spec.name) is None:
                continue                          # no recorded area in this layer: nothing to compare
            compared = True
            values = layer.features.columns.get(spec.name) or [None] * len(layer.features)
            recorded = np.array([np.nan if n is None else n for n in map(number, values)], dtype=np.float64)
            computed = figures.areas(layer)
            with np.errstate(invalid="ignore"):
                differing = np.flatnonzero(self.differs(recorded, computed))    # NaN (no value, no shape): never
            for at in differing.tolist():
                feature = layer.features[at]
                findings.append(self.finding(
                    "{} 要素 {} 的面积字段 {} 为 {:.2f} 平方米，椭球面积 {:.2f} 平方米，相差 {:.2f} 平方米".format(
                        schema().layers[layer.key].zh, feature.label, spec.name, recorded[at], computed[at],
                        recorded[at] - computed[at]),
                    plan_layer=layer.key, plan_fid=feature.fid, plan_code=feature.code,
                    area_m2=float(recorded[at] - computed[at]), geometry=feature.geometry))
        village = ctx.plan_layer(self.args["village"]) if "village" in self.args else None
        region = self.region_name()
        landuse = ctx.plan_layer("GHYDYH")
        if village is not None and landuse is not None and landuse in layers:
            compared = True
            total = float(np.nansum(figures.areas(landuse)))
            area = float(np.nansum(figures.areas(village)))
            if self.differs(total, area):
                anchor = village.union().pointOnSurface().asPoint()
                findings.append(self.finding(
                    "规划用地图斑椭球面积之和 {:.2f} 平方米（{:.4f} 公顷）与{}面积 {:.2f} 平方米不一致，相差 {:.2f} 平方米".format(
                        total, total / M2_PER_HA, region, area, total - area),
                    plan_layer=landuse.key, control_layer=village.key, area_m2=total - area,
                    extra={"x": anchor.x(), "y": anchor.y()}))
        if not compared:
            raise NotApplicable("规划成果的图层没有面积字段（{}），也没有{}可比".format("、".join(l.name for l in layers), region),
                                "no recorded area field in {} and no {} to compare with".format(
                                    ", ".join(l.name for l in layers), self.args.get("village", "boundary")))
        return findings

    def region_name(self):
        """What the land use's total is compared with: 村域 (CJDCQ), or the boundary layer's name (规划范围)."""
        key = self.args.get("village")
        return "村域" if key in (None, "CJDCQ") else schema().layers[key].zh

    def differs(self, recorded, computed):
        """Beyond the absolute or the relative tolerance (either); numbers or NumPy arrays."""
        tolerances = self.ruleset.tolerances
        allowed = np.minimum(float(tolerances.get("area_m2", 20.0)),
                             float(tolerances.get("area_relative", 0.02)) * np.maximum(np.abs(computed), 1e-9))
        return np.abs(recorded - computed) > allowed
