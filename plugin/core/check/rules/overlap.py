"""overlap: plan features of given classes that overlap a control layer (of the one map, or the plan's own).

With a `matrix:` each overlapping piece is split into new and existing parts against the base year
(see matrix.py) and each part takes its own severity.
"""
import functools

import numpy as np

from ...read.codes import in_classes
from ...read.schema import schema
from ..compact import Subset
from ..inside import EDGE, INSIDE, OUTSIDE, WORTH_IT, grid_of
from ..oriented import apart
from ..pairs import overlapping_pairs
from .base import NotApplicable, Rule, reaches
from .matrix import MATRIX, NONE, Matrix
from .params import CODES, LAYER, TEXTS
from .selection import code_selector, describe


def matching_numbers(control, wanted, unwanted=()):
    """Numbers of the control layer's features that `wanted` picks and `unwanted` does not (all of them
    when both are empty)."""
    table = control.features
    if not wanted and not unwanted:
        return np.arange(len(table))
    named = functools.lru_cache(maxsize=None)(matching_names(control, wanted, unwanted))
    names = table.columns.get(_name_field(control)) or [None] * len(table)
    return np.flatnonzero([named(code, name) for code, name in zip(table.codes, names)])


def matching_names(control, wanted, unwanted=()):
    """(code, name) -> whether a control feature so coded or named is one `wanted` lists (a code under one
    of its codes, or a name holding one of its names) and none `unwanted` lists; empty `wanted`: any."""
    def listed(entries):
        codes = [str(c) for c in entries if str(c).isdigit()]
        names = [str(c) for c in entries if not str(c).isdigit()]
        return lambda code, name: in_classes(code, codes) or any(n in name for n in names)
    want, avoid = listed(wanted), listed(unwanted)

    def named(code, name):
        name = str(name or "").strip()
        return (not wanted or want(code, name)) and not (unwanted and avoid(code, name))
    return named


def _name_field(control):
    spec = schema().layers[control.key].field_for("name")
    return spec.name if spec is not None else None


class OverlapRule(Rule):
    kind = "overlap"
    params = {"plan_layer": (LAYER, True), "control": (LAYER, True), "codes": (CODES, False),
              "codes_except": (CODES, False), "control_codes": (TEXTS, False), "control_except": (TEXTS, False),
              "control_side": (str, False, ("onemap", "plan")), "matrix": (MATRIX, False)}

    def prepare(self, ctx):
        """When plan and one map share a PostGIS database, send it the overlap query: it runs there
        while Python checks other rules."""
        wanted = [str(c) for c in self.args.get("control_codes", [])]
        control_key = self.args["control"]
        source = ctx.plan if self.args.get("control_side") == "plan" else ctx.onemap
        if (ctx.database is None or source.get(control_key) is None or not ctx.plan_box()
                or not all(c.isdigit() for c in wanted) or "control_except" in self.args):
            return
        plan = self.plan_layer(ctx, self.args["plan_layer"])
        ctx.database.ask(self.id, ctx.plan.get(plan.key), Subset(plan.features, chosen_numbers(self, plan)),
                         source.get(control_key), wanted, ctx.crs.postgisSrid(), self.ruleset.noise_m2, ctx.plan_box(),
                         source)

    def run(self, ctx):
        wanted = [str(c) for c in self.args.get("control_codes", [])]
        control_key = self.args["control"]
        pieces = self.answered(ctx, "overlaps")
        if pieces is not None:
            pieces = enumerate(pieces)
        else:
            on_plan = self.args.get("control_side") == "plan"
            control = self.plan_layer(ctx, control_key) if on_plan else self.onemap_layer(ctx, control_key)
            plan = self.plan_layer(ctx, self.args["plan_layer"])
            unwanted = self.args.get("control_except", [])        # e.g. a historic district's 建设控制地带
            wanted_numbers = matching_numbers(control, wanted, unwanted)
            if (wanted or unwanted) and not len(wanted_numbers):
                if not on_plan and ctx.read_near_plan:     # the one map is read near the plan: none there to meet
                    return []
                what = "/".join(wanted) or "除 {} 以外".format("/".join(map(str, unwanted)))
                raise NotApplicable("{} 中没有代码或名称为 {} 的要素".format(control.key, what),
                                    "{} has no feature coded or named {}".format(control.key, what))
            pieces = self.pieces(plan, chosen_numbers(self, plan), control, wanted_numbers)
        control_name = schema().layers[control_key].zh
        zones = [code for code in wanted if not code.isdigit()]      # e.g. 特别用途区: the part of the layer meant
        if zones:
            control_name = "{}（{}）".format(control_name, "/".join(zones))
        matrix = Matrix(self)
        findings = []
        for at, (feature, control_fid, piece, _area) in pieces:
            for severity, part, state in matrix.parts(ctx, feature.code, piece):
                area = part.area()
                if severity == NONE or not reaches(area, self.ruleset.noise_m2):
                    continue
                findings.append((at, self.finding(
                    "规划{}（要素 {}）位于{}内，面积 {:.2f} 平方米{}".format(
                        describe(feature.code), feature.label, control_name, area, state),
                    severity=severity, plan_layer=self.args["plan_layer"], plan_fid=feature.fid, plan_code=feature.code,
                    control_layer=control_key, control_fid=control_fid, area_m2=area, geometry=part)))
        findings.sort(key=lambda keyed: keyed[0])        # pieces may come control by control: back in plan order
        return [finding for _at, finding in findings]

    def pieces(self, plan, numbers, control, control_numbers):
        """(position in plan order, (plan feature, control fid, piece, area)) for each pair sharing at least
        the noise area, one at a time: a county run has some 300 000 pieces, each a finding as soon as it is
        made. Candidate pairs come from the boxes all at once (pairs.py); against a large control polygon
        its inside grid (inside.py) places most parcels wholly inside or outside without GEOS. Against a
        layer too large to keep its Features (a million patches) the pairs are walked control feature by
        control feature, each made once, not once per parcel it meets."""
        noise = self.ruleset.noise_m2
        table, controls = plan.features, control.features
        i, j = overlapping_pairs(table.boxes[numbers], controls.boxes[control_numbers])
        parcel, other = numbers[i], control_numbers[j]
        placed = placements(control, parcel, other, table)
        walk = np.arange(len(parcel)) if controls.keeps else np.argsort(other, kind="stable")
        last, against = -1, None
        for at, a, c, where in zip(walk.tolist(), parcel[walk].tolist(), other[walk].tolist(), placed[walk].tolist()):
            if where == OUTSIDE:
                continue
            if c != last:
                last, against = c, controls[c]
            feature = table[a]
            if where == INSIDE:
                piece = feature.shape                     # wholly inside: no overlay needed
            elif not against.prepared.intersects(feature.shape):
                continue                                  # boxes overlap, shapes apart
            elif against.prepared.contains(feature.shape):
                piece = feature.shape
            else:
                piece = against.prepared.shared(feature.shape)
            area = piece.area()
            if not piece.isEmpty() and reaches(area, noise):
                yield at, (feature, against.fid, piece, area)


def chosen_numbers(rule, plan):
    """Numbers of the plan features with a geometry whose code the rule's `codes`/`codes_except` pick."""
    table = plan.features
    selected = code_selector(rule)
    has_shape = ~np.isnan(table.boxes[:, 0])
    return np.flatnonzero(has_shape & np.fromiter(map(selected, table.codes), dtype=bool, count=len(table)))


def placements(control, parcel, other, table):
    """Per candidate pair (parcel number in `table`, control number): INSIDE or OUTSIDE where the control
    feature's inside grid places the parcel's box, OUTSIDE where their oriented boxes (oriented.py) are
    apart, else EDGE (GEOS decides). A grid is made only for a control feature met by many parcels (a red
    line, a development boundary), not for each farmland patch."""
    placed = np.full(len(parcel), EDGE, dtype=np.int8)
    if not len(other):
        return placed
    counts = np.bincount(other)
    for number in np.flatnonzero(counts >= WORTH_IT).tolist():
        at = np.flatnonzero(other == number)
        placed[at] = grid_of(control.features[number].prepared, len(at)).place(table.boxes[parcel[at]])
    edge = np.flatnonzero(placed == EDGE)
    placed[edge[apart(table.oriented(parcel[edge]), control.features.oriented(other[edge]))]] = OUTSIDE
    return placed
