"""outside: plan features of given classes lying (partly) outside a boundary (of the one map, or the plan's own).

`defer_to` names other rules of this kind on the same parcels and boundary: a parcel one of them chooses is left
to it, which reports it (DP-05 asks for a siting justification, no question for a parcel that DP-01 or DP-04
forbids outright), and the rule's outcome names the parcels so left.
"""
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
              "boundary_codes": (TEXTS, False), "matrix": (MATRIX, False), "marked_by": (str, False),
              "defer_to": (TEXTS, False)}
    SAME = ("plan_layer", "boundary", "boundary_side", "boundary_codes")    # what a rule deferred to shares

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

    def boundary(self, ctx):
        """(boundary layer, numbers of its features that count): all, or those of `boundary_codes`."""
        if self.args.get("boundary_side") == "plan":
            boundary = self.plan_layer(ctx, self.args["boundary"])
        else:
            boundary = self.onemap_layer(ctx, self.args["boundary"])
        wanted = self.args.get("boundary_codes")
        matching = matching_numbers(boundary, wanted)
        if wanted and not len(matching):
            raise NotApplicable("{} 中没有代码为 {} 的要素".format(boundary.key, "/".join(map(str, wanted or []))),
                                "{} has no feature coded {}".format(boundary.key, "/".join(map(str, wanted or []))))
        return boundary, matching

    def run(self, ctx):
        boundary, matching = self.boundary(ctx)
        plan = self.plan_layer(ctx, self.args["plan_layer"])
        wanted = self.args.get("boundary_codes")
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
        """The plan features the rule judges: its own choice (own_choice) less those a rule it defers to
        chooses — that rule reports them."""
        numbers = self.own_choice(plan)
        for rule in self.deferred_to():
            try:
                numbers = numbers[~np.isin(numbers, rule.own_choice(plan))]
            except NotApplicable:                 # (DP-04 without its KFQ field) it reports none of them
                continue
        return numbers

    def deferred_to(self):
        """The rules of the set named by `defer_to` (one an extending rule set removed is left out)."""
        wanted = self.args.get("defer_to") or []
        return [rule for rule in self.ruleset.rules if rule.id in wanted]

    def check_links(self, rules):
        """None, or why `defer_to` cannot stand: each rule it names (of `rules`, by id) must choose among the
        same parcels against the same boundary, report every part it chooses (no matrix) and defer to none."""
        for rule_id in self.args.get("defer_to") or []:
            other = rules.get(rule_id)
            if other is not None and (other is self or other.kind != self.kind or other.args.get("matrix") or
                                      other.args.get("defer_to") or
                                      any(other.args.get(key) != self.args.get(key) for key in self.SAME)):
                return ("defer_to 的规则 {} 须是另一条 outside 规则，图层与边界相同，无 matrix，本身不再 defer_to "
                        "(a rule deferred to must be another outside rule of the same layer and boundary, without "
                        "matrix or defer_to of its own)".format(rule_id))
        return None

    def deferred_note(self, ctx):
        """'' or the outcome's note on the parcels outside the boundary that this rule leaves to the rules it
        defers to: '1 个地块（A07-02）已由 DP-01 报告，本规则不重复列出'."""
        rules = self.deferred_to()
        if not rules:
            return ""
        try:
            plan = self.plan_layer(ctx, self.args["plan_layer"])
            own = self.own_choice(plan)
            boundary, matching = self.boundary(ctx)
        except NotApplicable:
            return ""
        left = {}                                     # plan number -> the rule it is left to
        for rule in rules:
            try:
                for number in own[np.isin(own, rule.own_choice(plan))].tolist():
                    left.setdefault(number, rule.id)
            except NotApplicable:
                continue
        by_rule = {}
        numbers = np.array(sorted(left), dtype=np.int64)
        rule_of = {plan.features[number].fid: rule_id for number, rule_id in left.items()}
        for feature, piece in self.outside_parts(plan, numbers, boundary, matching):
            if reaches(piece.area(), self.ruleset.noise_m2):
                by_rule.setdefault(rule_of[feature.fid], []).append(feature.label)
        return "；".join("{} 个地块（{}）已由 {} 报告，本规则不重复列出".format(
            len(labels), "、".join(labels[:5]) + ("等" if len(labels) > 5 else ""), rule_id)
            for rule_id, labels in by_rule.items())

    def own_choice(self, plan):
        """The plan features chosen by code, and with `marked_by` only those whose field of that name is
        filled (a parcel marked as 开发区: KFQ)."""
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
