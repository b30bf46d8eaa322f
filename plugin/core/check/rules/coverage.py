"""coverage: what the one map holds of a control layer inside the plan area, the plan keeps whole;
with `extra_severity`, what the plan adds beyond the one map (补划 or shifted polygons) is reported too."""
import numpy as np
from qgis.core import QgsGeometry

from ...read.schema import schema
from ..boxindex import box_of
from ..compact import copied
from ..geomops import polygonal, single_parts, union
from ..inside import within
from ..pairs import overlapping_pairs
from ..reading import label_text
from .base import SEVERITIES, Rule, reaches
from .params import FINITE, LAYER


def not_held(shape, near):
    """What of `shape` the Features `near` (all that can share area with it) do not cover; nothing at once
    when one of them is the same polygon (the same box and vertices) or holds it whole (the usual cases:
    no union, no overlay)."""
    box = box_of(shape)
    if any(other.box == box and other.shape.equals(shape) for other in near):
        return QgsGeometry()
    if any(other.prepared.contains(shape) for other in near):
        return QgsGeometry()
    held = union(other.shape for other in near)
    return polygonal(shape.difference(held)) if not held.isEmpty() else shape


def sharing(placed, layer, other):
    """(number, wholly inside, [Features of `other` whose boxes overlap its box]) for each feature of `layer`
    placed (see not_copied); the boxes paired all at once (pairs.py), no index of `other` built — a million
    patches asked about the few a plan changed. `other` None: no Features."""
    placed = list(placed)
    if other is None or not placed:
        return [(number, whole, []) for number, whole in placed]
    numbers = np.array([number for number, _whole in placed], dtype=np.int64)
    i, j = overlapping_pairs(layer.features.boxes[numbers], other.features.boxes)
    bounds = np.searchsorted(i, np.arange(len(numbers) + 1))
    table = other.features
    return [(number, whole, [table[n] for n in j[bounds[k]:bounds[k + 1]].tolist()])
            for k, (number, whole) in enumerate(placed)]


class CoverageRule(Rule):
    kind = "coverage"
    params = {"plan_layer": (LAYER, True), "control": (LAYER, True), "area": (LAYER, False),
              "tolerance_m2": (FINITE, False), "extra_severity": (str, False, SEVERITIES),
              "if_carried": (bool, False)}

    def plan_area(self, ctx):
        """The layer whose union is the plan's extent: its village boundary if it has one, else its land use."""
        area_layer = ctx.plan_layer(self.args["area"]) if "area" in self.args else None
        return area_layer if area_layer is not None else self.plan_layer(ctx, "GHYDYH")

    def prepare(self, ctx):
        """When plan and one map share a PostGIS database, send it this rule's queries: they run there while
        Python checks other rules (and the one map's features need not cross the wire)."""
        area_key = self.args.get("area")
        area_found = ctx.plan.get(area_key) if area_key else None
        control, kept = ctx.onemap.get(self.args["control"]), ctx.plan.get(self.args["plan_layer"])
        if ctx.database is None or area_found is None or control is None or kept is None:
            return
        ctx.database.ask_coverage(self.id, area_found, control, kept, ctx.crs.postgisSrid(), self.tolerance(),
                                  "extra_severity" in self.args)

    def tolerance(self):
        return float(self.args.get("tolerance_m2", self.ruleset.noise_m2))

    def run(self, ctx):
        answer = self.answered(ctx, "coverage")
        if answer is not None:
            return self.findings(*answer)
        control = self.onemap_layer(ctx, self.args["control"])
        if self.args.get("if_carried"):                     # compared only when the plan carries its copy
            self.plan_layer(ctx, self.args["plan_layer"])
        area_layer = self.plan_area(ctx)
        area, prepared = area_layer.union(), area_layer.prepared_union()
        kept_layer = ctx.plan_layer(self.args["plan_layer"])       # absent: nothing was kept
        tolerance = self.tolerance()
        name = schema().layers[control.key].zh
        findings = []
        table = control.features
        near = control.features.meeting(box_of(area))
        placed = not_copied(within(control, near, prepared), control, kept_layer)    # kept whole: left out
        for number, whole, kept in sharing(placed, control, kept_layer):
            other = table[number]
            inside = other.shape if whole else polygonal(other.shape.intersection(area))
            if not reaches(inside.area(), tolerance):
                continue
            lost = not_held(inside, kept) if kept_layer else inside
            for part in single_parts(lost):
                if not reaches(part.area(), tolerance):
                    continue
                where = "规划成果未包含该图层" if kept_layer is None else "规划成果中缺失"
                findings.append(self.finding(
                    "一张图{}（要素 {}）{}，面积 {:.2f} 平方米".format(name, other.label, where, part.area()),
                    plan_layer=self.args["plan_layer"], control_layer=control.key, control_fid=other.fid,
                    area_m2=part.area(), geometry=part))
        if kept_layer is not None and "extra_severity" in self.args:
            findings += self.extra(control, kept_layer, area, prepared, tolerance, name)
        return findings

    def findings(self, lost, added):
        """Findings from the database's answer: (fid, label, part) lost from the one map and, with
        `extra_severity`, added by the plan."""
        control_key, kept_key = self.args["control"], self.args["plan_layer"]
        name = schema().layers[control_key].zh
        found = [self.finding("一张图{}（要素 {}）规划成果中缺失，面积 {:.2f} 平方米".format(
            name, label_text(label) or fid, part.area()), plan_layer=kept_key, control_layer=control_key,
            control_fid=fid, area_m2=part.area(), geometry=part) for fid, label, part in lost]
        for fid, label, part in added or ():
            found.append(self.finding(
                "规划成果的{}（要素 {}）有 {:.2f} 平方米不在一张图中；如属补划，须附补划批准文件".format(
                    name, label_text(label) or fid, part.area()), severity=self.args["extra_severity"],
                plan_layer=kept_key, plan_fid=fid, control_layer=control_key, area_m2=part.area(), geometry=part))
        return found

    def extra(self, control, kept_layer, area, prepared, tolerance, name):
        """The plan's features (inside the plan area) that the one map does not hold."""
        findings = []
        table = kept_layer.features
        placed = not_copied(within(kept_layer, np.arange(len(table)), prepared), kept_layer, control)
        for number, whole, near in sharing(placed, kept_layer, control):
            kept = table[number]
            inside = kept.shape if whole else polygonal(kept.shape.intersection(area))
            added = not_held(inside, near)
            for part in single_parts(added):
                if not reaches(part.area(), tolerance):
                    continue
                findings.append(self.finding(
                    "规划成果的{}（要素 {}）有 {:.2f} 平方米不在一张图中；如属补划，须附补划批准文件".format(
                        name, kept.label, part.area()), severity=self.args["extra_severity"],
                    plan_layer=kept_layer.key, plan_fid=kept.fid, control_layer=control.key,
                    area_m2=part.area(), geometry=part))
        return findings


def not_copied(placed, layer, other):
    """(number, wholly inside) for the (numbers, wholly inside) arrays `placed`, leaving out a feature wholly
    inside whose very WKB bytes `other` (a LayerData, or None) holds: it needs no overlay."""
    numbers, whole = placed
    if other is not None and whole.any():
        keep = np.ones(len(numbers), dtype=bool)
        keep[whole] = ~copied(layer.features, numbers[whole], other.features)
        numbers, whole = numbers[keep], whole[keep]
    return zip(numbers.tolist(), whole.tolist())
