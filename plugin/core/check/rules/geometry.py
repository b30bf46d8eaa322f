"""geometry: invalid geometries, overlaps within the layer, gaps against a boundary, slivers."""
from qgis.PyQt.QtCore import QCoreApplication

from ...compat import VALIDATOR_GEOS
from ...read.schema import schema
from ..geomops import single_parts
from ..tiles import uncovered
from .base import Rule
from .selection import describe

CHECKS = ("invalid", "overlap", "gap", "sliver")
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


class GeometryRule(Rule):
    kind = "geometry"
    params = {"layer": (str, True), "check": (str, True, CHECKS), "boundary": (str, False)}

    def run(self, ctx):
        data = self.plan_layer(ctx, self.args["layer"])
        return getattr(self, "_" + self.args["check"])(ctx, data)

    def _invalid(self, ctx, data):
        findings = []
        for feature in data.features:
            if feature.geometry.isEmpty():
                findings.append(self.finding("要素 {} 没有几何图形".format(feature.label), plan_layer=data.key,
                                             plan_fid=feature.fid, plan_code=feature.code))
                continue
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
        for feature in data.features:
            if feature.shape.isEmpty():
                continue
            for other in data.overlapping(feature.box):        # boxes overlapping by area: exact pre-filter
                if other.fid <= feature.fid:
                    continue
                piece = feature.prepared.common(other.shape)
                if piece.isEmpty() or piece.area() < self.ruleset.noise_m2:
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
                for part in single_parts(gaps) if part.area() >= self.ruleset.noise_m2]

    def _sliver(self, ctx, data):
        findings = []
        for feature in data.features:
            minimum = self.ruleset.min_area(feature.code)
            area = feature.shape.area()
            if minimum is None or feature.shape.isEmpty() or area >= minimum:
                continue
            findings.append(self.finding("要素 {}（{}）面积 {:.2f} 平方米，小于最小上图面积 {:.0f} 平方米".format(
                feature.label, describe(feature.code), area, minimum), plan_layer=data.key, plan_fid=feature.fid,
                plan_code=feature.code, area_m2=area, geometry=feature.geometry))
        return findings
