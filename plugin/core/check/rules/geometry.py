"""geometry: invalid geometries, overlaps within the layer, gaps against a boundary, slivers."""
import numpy as np
from qgis.core import QgsGeometry
from qgis.PyQt.QtCore import QCoreApplication

from ...compat import VALIDATOR_GEOS
from ...read.schema import schema
from ..geomops import single_parts
from ..tiles import uncovered
from .base import AREA_SLACK, Rule, reaches
from .params import LAYER
from .selection import describe

CHECKS = ("invalid", "overlap", "gap", "sliver")
RINGS_TO_GEOS = 1e-8     # m²: more than the rings' and GEOS's areas of one polygon ever differ
# GEOS's validity reasons (geos/operation/valid/TopologyValidationError.cpp) in Chinese. QGIS's validator
# passes them through its translator (QObject::tr, GEOS's wording in sentence case, "GEOS Error"): a
# Chinese desktop hands over 自相交 where qgis_process hands over Self-intersection. geos_reason() takes
# either back to GEOS's English, kept in the finding's `detail`; the sentence is ours in any language.
GEOS_ZH = {"Topology Validation Error": "拓扑错误", "Repeated Point": "重复点",
           "Hole lies outside shell": "内环位于外环之外", "Holes are nested": "内环相互嵌套",
           "Interior is disconnected": "内部不连通", "Self-intersection": "自相交",
           "Ring Self-intersection": "环自相交", "Nested shells": "外环相互嵌套", "Duplicate Rings": "环重复",
           "Too few points in geometry component": "组成部分的点数过少", "Invalid Coordinate": "坐标无效",
           "Ring is not closed": "环未闭合"}


def geos_reason(what):
    """GEOS's English for a validity reason as QGIS gave it: GEOS's own text, or QGIS's translation of it."""
    text = what.split("[")[0].strip()
    for english in GEOS_ZH:
        if text.lower() == english.lower() or \
                text == QCoreApplication.translate("QObject", english[0] + english[1:].lower(), "GEOS Error"):
            return english
    return text


def geos_zh(what):
    """A GEOS validity reason in Chinese ('几何错误' for one not in the table)."""
    return GEOS_ZH.get(geos_reason(what), "几何错误")


def overlapping_pairs(data):
    """(feature, other, shared part) for every pair of the layer's features sharing area, the one with the
    lower fid first, in layer order. Only open parcels (seams.py) and, from each parcel found sharing
    area, its neighbours are tested: neighbours that meet edge to edge never reach GEOS."""
    table = data.features
    fids = table.fids
    waiting, expanded, shared = list(data.open_parcels()[::-1]), set(), {}
    while waiting:
        number = waiting.pop()
        if number in expanded:
            continue
        expanded.add(number)
        box = table.box(number)
        if box is None:
            continue
        for other in data.overlapping_numbers(box):      # boxes overlapping by area: exact pre-filter
            pair = (number, other) if fids[number] < fids[other] else (other, number)
            if other == number or pair in shared:
                continue
            first, second = table[pair[0]], table[pair[1]]
            piece = first.prepared.common(second.shape) if not (
                first.shape.isEmpty() or second.shape.isEmpty()) else QgsGeometry()
            shared[pair] = piece
            if not piece.isEmpty() and piece.area() > 0.0:
                waiting.extend(n for n in pair if n not in expanded)
    return [(table[a], table[b], shared[(a, b)]) for a, b in sorted(shared) if not shared[(a, b)].isEmpty()]


class GeometryRule(Rule):
    kind = "geometry"
    params = {"layer": (LAYER, True), "check": (str, True, CHECKS), "boundary": (LAYER, False)}

    def prepare(self, ctx):
        """The overlap and gap checks start from the open parcels: their edges are matched beside the rules."""
        if self.args["check"] in ("overlap", "gap"):
            self.plan_layer(ctx, self.args["layer"]).find_seams_beside(ctx.beside())
            return True
        return False

    def run(self, ctx):
        data = self.plan_layer(ctx, self.args["layer"])
        return getattr(self, "_" + self.args["check"])(ctx, data)

    def _invalid(self, ctx, data):
        findings = []
        table = data.features
        suspects = np.flatnonzero(~np.isnan(table.boxes[:, 0]) & ~table.valid())   # no geometry: GEO-00's note
        for feature in map(table.__getitem__, suspects.tolist()):
            if feature.shape is feature.geometry:            # found valid by GEOS when read: nothing to explain
                continue
            errors = feature.geometry.validateGeometry(VALIDATOR_GEOS)
            if not errors:
                continue
            what = geos_reason(errors[0].what())
            where = errors[0].where() if errors[0].hasWhere() else None
            at = ""
            if where is not None:
                shown = ctx.layer_point(data, where)          # as stored, zone prefix kept
                at = "，位置 ({:.2f}, {:.2f})".format(shown.x(), shown.y())
            findings.append(self.finding("要素 {} 几何无效（{}）{}".format(feature.label, geos_zh(what), at),
                                         plan_layer=data.key, plan_fid=feature.fid, plan_code=feature.code,
                                         area_m2=feature.shape.area(), geometry=feature.geometry, detail=what,
                                         extra={"x": where.x(), "y": where.y()} if where is not None else {}))
        return findings

    def _overlap(self, ctx, data):
        findings = []
        for feature, other, piece in overlapping_pairs(data):
            if not reaches(piece.area(), self.ruleset.noise_m2):
                continue
            findings.append(self.finding(
                "要素 {}（{}）与要素 {}（{}）重叠，面积 {:.2f} 平方米".format(
                    feature.label, describe(feature.code), other.label, describe(other.code), piece.area()),
                plan_layer=data.key, plan_fid=feature.fid, plan_code=feature.code, control_layer=data.key,
                control_fid=other.fid, area_m2=piece.area(), geometry=piece))
        return findings

    def _gap(self, ctx, data):
        boundary = self.plan_layer(ctx, self.args.get("boundary", "CJDCQ"))
        gaps = uncovered(boundary.union(), data)             # tile by tile: no union of every parcel
        where = "村域" if boundary.key == "CJDCQ" else schema().layers[boundary.key].zh     # a 控规: 规划范围
        return [self.finding("{}内 {:.2f} 平方米未被规划用地图斑覆盖".format(where, part.area()),
                             plan_layer=data.key, control_layer=boundary.key, area_m2=part.area(), geometry=part)
                for part in single_parts(gaps) if reaches(part.area(), self.ruleset.noise_m2)]

    def _sliver(self, ctx, data):
        findings = []
        table = data.features
        minimum = {code: self.ruleset.min_area(code) for code in set(table.codes)}
        limit = np.array([np.inf if minimum[c] is None else minimum[c] for c in table.codes])
        # the rings' areas clear most parcels (they differ from GEOS's by 1e-10 m²); GEOS measures those on
        # the edge and what the rings cannot tell (invalid, not a plain polygon)
        unsure = np.isnan(table.areas) | ~table.valid() | (np.abs(table.areas - (limit - AREA_SLACK)) < RINGS_TO_GEOS)
        suspects = np.isfinite(limit) & ~np.isnan(table.boxes[:, 0]) & (unsure | ~reaches(table.areas, limit))
        for feature in map(table.__getitem__, np.flatnonzero(suspects).tolist()):
            area = feature.shape.area()
            if feature.shape.isEmpty() or reaches(area, minimum[feature.code]):
                continue
            findings.append(self.finding("要素 {}（{}）面积 {:.2f} 平方米，小于最小上图面积 {:.0f} 平方米".format(
                feature.label, describe(feature.code), area, minimum[feature.code]), plan_layer=data.key,
                plan_fid=feature.fid, plan_code=feature.code, area_m2=area, geometry=feature.geometry))
        return findings
