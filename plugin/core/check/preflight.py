"""Inputs no rule could judge end the run with a clear error, before any rule could say "passed".

An empty land-use layer, and a plan that lies outside the one map (nothing of the one map's area
layers near the plan), are such inputs. A one map without area layers (only control lines) says
nothing of its extent: a plan far from every control line is then simply clear of them. Undefined
CRSs are decided in context.py (crs.is_defined), unreadable uses in rules/selection.py.
"""
from ..errors import OneMapError

AREA_LAYERS = ("XZQ", "CJDCQ", "GHFQ")         # one-map layers that cover its whole territory


def check_landuse(plan):
    landuse = plan.get("GHYDYH")
    if landuse is not None and landuse.count == 0:
        raise OneMapError("规划成果 {} 的用地用海图层 {} 没有要素，无法核对".format(plan.label, landuse.name),
                          "The land-use layer {} of the plan {} has no features: nothing can be checked".format(
                              landuse.name, plan.label))


def check_coverage(ctx):
    """OneMapError when the plan lies wholly outside the one map (its features are read near the plan only)."""
    if ctx.plan_box() is None:
        raise OneMapError("规划成果 {} 的用地用海图层没有几何".format(ctx.plan.label),
                          "The plan {}'s land-use layer has no geometry".format(ctx.plan.label))
    keys = [key for key in AREA_LAYERS if key in ctx.onemap.recognised]
    if keys and not any(data.features for data in map(ctx.onemap_layer, keys) if data is not None):
        raise OneMapError("规划成果 {} 不在一张图 {} 的范围内（{} 在规划范围附近没有要素），控制线规则无法判断".format(
                              ctx.plan.label, ctx.onemap.label, "、".join(keys)),
                          "The plan {} lies outside the one map {} ({} have no feature near the plan): the control "
                          "rules cannot judge it".format(ctx.plan.label, ctx.onemap.label, ", ".join(keys)))
