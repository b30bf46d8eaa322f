"""outside: plan features of given classes lying (partly) outside a boundary (of the one map, or the plan's own)."""
import numpy as np

from ...read.schema import schema
from ..compact import Subset
from ..geomops import polygonal, union
from ..inside import EDGE, INSIDE
from ..pairs import overlapping_pairs
from .base import NotApplicable, Rule, reaches
from .matrix import NONE, Matrix
from .matrix import MATRIX
from .overlap import chosen_numbers, matching_numbers, placements
from .params import CODES, LAYER, TEXTS
from .selection import describe


class OutsideRule(Rule):
    kind = "outside"
    params = {"plan_layer": (LAYER, True), "boundary": (LAYER, True), "codes": (CODES, False),
              "codes_except": (CODES, False), "boundary_side": (str, False, ("onemap", "plan")),
              "boundary_codes": (TEXTS, False), "matrix": (MATRIX, False), "marked_by": (str, False)}

    def prepare(self, ctx):
        """When plan and one map share a PostGIS database, send it this rule's query: it runs there while
        Python checks other rules."""
        wanted = [str(c) for c in self.args.get("boundary_codes") or []]
        source = ctx.plan if self.args.get("boundary_side") == "plan" else ctx.onemap
        found = source.get(self.args["boundary"])
        if ctx.database is None or found is None or not ctx.plan_box() or not all(c.isdigit() for c in wanted):
            return
        plan = self.plan_layer(ctx, self.args["plan_layer"])
        ctx.database.ask_outside(self.id, ctx.plan.get(plan.key), Subset(plan.features, self.chosen(plan)),
                                 source, found, wanted, ctx.crs.postgisSrid(), self.ruleset.noise_m2, ctx.plan_box())

    def run(self, ctx):
        if self.args.get("boundary_side") == "plan":
            boundary = self.plan_layer(ctx, self.args["boundary"])
        else:
            boundary = self.onemap_layer(ctx, self.args["boundary"])
        plan = self.plan_layer(ctx, self.args["plan_layer"])
        wanted = self.args.get("boundary_codes")
        matching = matching_numbers(boundary, wanted)
        if wanted and not len(matching):
            raise NotApplicable("{} 中没有代码为 {} 的要素".format(boundary.key, "/".join(map(str, wanted or []))),
                                "{} has no feature coded {}".format(boundary.key, "/".join(map(str, wanted or []))))
        matrix = Matrix(self)
        boundary_name = schema().layers[boundary.key].zh
        name_spec = schema().layers[boundary.key].field_for("name")
        values = boundary.features.columns.get(name_spec.name) if wanted and name_spec is not None else None
        if values is not None:                        # e.g. 村庄集中建设区、村庄弹性发展区 rather than 管控边界
            names = {str(values[n] or "").strip() for n in matching.tolist()} - {""}
            boundary_name = "、".join(sorted(names)) or boundary_name
        parts = self.answered(ctx, "outside")
        if parts is None:
            parts = self.outside_parts(plan, self.chosen(plan), boundary, matching)
        findings = []
        for feature, piece in parts:
            if not reaches(piece.area(), self.ruleset.noise_m2):
                continue
            for severity, part, state in matrix.parts(ctx, feature.code, piece):
                area = part.area()
                if severity == NONE or not reaches(area, self.ruleset.noise_m2):
                    continue
                findings.append(self.finding(
                    "规划{}（要素 {}）位于{}外，面积 {:.2f} 平方米{}".format(describe(feature.code), feature.label,
                                                                 boundary_name, area, state),
                    severity=severity, plan_layer=plan.key, plan_fid=feature.fid, plan_code=feature.code,
                    control_layer=boundary.key, area_m2=area, geometry=part))
        return findings

    def chosen(self, plan):
        """The plan features the rule judges: chosen by code, and with `marked_by` only those whose field of
        that name is filled (a parcel marked as 开发区: KFQ)."""
        numbers = chosen_numbers(self, plan)
        marked = self.args.get("marked_by")
        if marked:
            values = plan.features.columns.get(marked)
            if values is None:                    # no parcel can be told to be one: nothing was examined
                raise NotApplicable("规划图层 {} 没有 {} 字段，无法判断哪些地块属于开发区、产业园区".format(plan.name, marked),
                                    "the plan layer {} has no {} field: which parcels are development zones is "
                                    "not known".format(plan.name, marked))
            numbers = numbers[np.array([bool(str(values[n] or "").strip()) for n in numbers.tolist()], dtype=bool)]
        return numbers

    @staticmethod
    def outside_parts(plan, numbers, boundary, boundary_numbers):
        """(plan feature, its part outside every boundary feature) in plan order, for the features not wholly
        inside one. Boxes are paired all at once, and a large boundary's inside grid places most parcels
        wholly inside it without GEOS; only parcels on an edge are tested."""
        table, boundaries = plan.features, boundary.features
        i, j = overlapping_pairs(table.boxes[numbers], boundaries.boxes[boundary_numbers])
        parcel, against = numbers[i], boundary_numbers[j]
        placed = placements(boundary, parcel, against, table)
        inside = np.zeros(len(table), dtype=bool)
        inside[parcel[placed == INSIDE]] = True
        edges = {}
        for a, b in zip(parcel[placed == EDGE].tolist(), against[placed == EDGE].tolist()):
            edges.setdefault(a, []).append(b)
        for number in numbers[~inside[numbers]].tolist():
            feature = table[number]
            near = [boundaries[b] for b in edges.get(number, ())]
            if any(b.prepared.contains(feature.shape) for b in near):
                continue
            touching = [b.shape for b in near if b.prepared.intersects(feature.shape)]
            yield feature, polygonal(feature.shape.difference(union(touching))) if touching else feature.shape
