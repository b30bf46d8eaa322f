"""Inputs no rule could judge end the run with a clear error, before any rule could say "passed".

An empty land-use layer, and a plan that lies outside the one map, are such inputs. The one map's
area layers (XZQ, CJDCQ, GHFQ) cover its whole territory: when it has them, nothing of them near the
plan means the plan is outside. A one map of control lines only says less of its territory (a village
lies outside its 城镇开发边界 by definition): a plan with none of them near it is clear of them, unless
it lies more than BEYOND_M from the extent of every one-map layer — a village 300 km from every
feature is outside the one map, not "passed". The distance is OneMap's judgement: a county's size.
Undefined CRSs are decided in context.py (crs.is_defined), unreadable uses in rules/selection.py.
"""
from qgis.core import QgsCoordinateTransform, QgsCsException, QgsRectangle

from ..errors import OneMapError

AREA_LAYERS = ("XZQ", "CJDCQ", "GHFQ")         # one-map layers that cover its whole territory
BEYOND_M = 50000.0                             # farther than this from every layer's extent: another county


def check_landuse(plan):
    landuse = plan.get("GHYDYH")
    if landuse is not None and landuse.count == 0:
        raise OneMapError("规划成果 {} 的用地用海图层 {} 没有要素，无法核对".format(plan.label, landuse.name),
                          "The land-use layer {} of the plan {} has no features: nothing can be checked".format(
                              landuse.name, plan.label))


def _outside(ctx, why_zh, why_en):
    return OneMapError("规划成果 {} 不在一张图 {} 的范围内（{}），控制线规则无法判断".format(
                           ctx.plan.label, ctx.onemap.label, why_zh),
                       "The plan {} lies outside the one map {} ({}): the control rules cannot judge it".format(
                           ctx.plan.label, ctx.onemap.label, why_en))


def check_coverage(ctx):
    """OneMapError when the plan lies wholly outside the one map (its features are read near the plan only)."""
    if ctx.plan_box() is None:
        raise OneMapError("规划成果 {} 的用地用海图层没有几何".format(ctx.plan.label),
                          "The plan {}'s land-use layer has no geometry".format(ctx.plan.label))
    keys = [key for key in AREA_LAYERS if key in ctx.onemap.recognised]
    if keys:
        if not any(data.features for data in (ctx.placed("onemap", key) for key in keys) if data is not None):
            raise _outside(ctx, "{} 在规划范围附近没有要素".format("、".join(keys)),
                           "{} have no feature near the plan".format(", ".join(keys)))
        return
    spatial = [key for key, found in ctx.onemap.recognised.items() if not found.spec.is_table]
    if any(data.features for data in (ctx.placed("onemap", key) for key in spatial) if data is not None):
        return
    if not any(_extent_meets_plan(ctx, key) for key in spatial):
        raise _outside(ctx, "一张图没有行政区或分区图层，且规划范围距其各图层（{}）的范围均超过 {:.0f} 千米".format(
                           "、".join(spatial), BEYOND_M / 1000),
                       "the one map has no area layer, and the plan lies more than {:.0f} km beyond the extent of "
                       "every one of its layers ({})".format(BEYOND_M / 1000, ", ".join(spatial)))


def _extent_meets_plan(ctx, key):
    """Whether the one-map layer's whole extent, grown by BEYOND_M, meets the plan's box (True when it
    cannot be told)."""
    layer = ctx.onemap.open_layer(key)
    extent, crs = layer.extent(), layer.crs()
    if extent.isNull() or not crs.isValid():
        return True
    if crs != ctx.crs:
        try:
            extent = QgsCoordinateTransform(crs, ctx.crs, ctx.transform_context).transformBoundingBox(extent)
        except QgsCsException:
            return False                   # not even expressible in the plan's zone: far away
    extent.grow(BEYOND_M)
    return extent.intersects(QgsRectangle(*ctx.plan_box()))
