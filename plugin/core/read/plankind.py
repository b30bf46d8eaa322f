"""Which kind of plan is being checked, and why — said out loud, never decided silently.

The kind picks the default rule set: a village plan (村庄规划) has land use and a village boundary,
a detailed plan (详细规划) land use without one, or a detailed plan's parcels (GHDK) or extent (GHFW)
whatever else it carries. Doubts are reported too: a one map that looks like a plan (land use and none
of a master plan's layers), or a plan that looks like a one map (master-plan layers, several villages) —
not a detailed plan carrying its own copy of the control lines (城镇开发边界, 四线), which it is expected
to, nor a one map holding land use beside its master-plan layers (its 中心城区 land use, the approved
plans merged into it: "批复后纳入一张图", seed 000).
"""
import re
from dataclasses import dataclass, field

from .schema import schema

NOTE = re.compile(r"[（(][^（）()]*[）)]$")     # a note in brackets after a name
MASTER_LAYERS = ("CZKFBJ", "GHFQ", "XZQ", "CJZBFJ")     # what a master plan's one map carries, a village plan not


@dataclass
class KindDecision:
    kind: str
    reason: str                       # Chinese, as findings are
    reason_en: str
    doubts: list = field(default_factory=list)     # [(zh, en)]


def _names(source, keys):
    return "、".join("{}（{}）".format(source.get(k).name, schema().layers[k].zh) for k in keys)


def marks(plan):
    """The plan's layers that make it a detailed plan whatever else it holds (GHDK, GHFW)."""
    return [key for key in schema().kinds["detailed"].get("marked_by", []) if key in plan.recognised]


def kind_of(plan):
    """(kind, reason zh, reason en) from the plan's layers alone (the panel's load report shows it)."""
    kind = plan.guess_kind()
    landuse = plan.get("GHYDYH").name if plan.get("GHYDYH") is not None else "?"
    marked = marks(plan)
    if kind == "detailed" and marked:
        return (kind, "按详细规划核对：规划成果有详细规划图层 {}".format(_names(plan, marked)),
                "checked as a detailed plan: it has {}".format(", ".join(plan.get(k).name for k in marked)))
    if kind == "village":
        village = plan.get("CJDCQ").name
        return (kind, "按村庄规划核对：规划成果有规划用地图层 {} 与村级调查区 {}".format(landuse, village),
                "checked as a village plan: land use {} and village boundary {}".format(landuse, village))
    if kind == "detailed":
        return (kind, "按详细规划核对：规划成果有规划用地图层 {} 但没有村级调查区（CJDCQ）；如为村庄规划，请补充村级调查区"
                .format(landuse), "checked as a detailed plan: land use {} but no village boundary (CJDCQ); add one "
                "if this is a village plan".format(landuse))
    return kind, "没有规划用地图层，看作一张图", "no land-use layer: taken for a one map"


def swapped(plan, onemap):
    """(zh, en) when the plan looks like a one map or the one map like a plan — the two inputs chosen the
    wrong way round — else None. Said with the error that the inputs cannot be checked."""
    controls = schema().kinds["onemap"]["needs_any"]
    in_plan = [key for key in controls if key in plan.recognised]
    if "GHYDYH" not in plan.recognised and in_plan and not marks(plan):     # (a 控规 carries its control lines)
        return ("规划成果 {} 含一张图的控制线图层 {}，看似一张图：一张图与待核对规划是否选反了？".format(
                    plan.label, _names(plan, in_plan)),
                "the plan {} holds the one map's control layers ({}): it looks like a one map — are the one map "
                "and the plan swapped?".format(plan.label, ", ".join(plan.get(k).name for k in in_plan)))
    if "GHYDYH" in onemap.recognised and not any(key in onemap.recognised for key in controls):
        return ("一张图 {} 含规划用地图层 {}、没有控制线图层，看似一份规划成果：一张图与待核对规划是否选反了？".format(
                    onemap.label, onemap.get("GHYDYH").name),
                "the one map {} holds a land-use layer ({}) and no control layer: it looks like a plan — are the "
                "one map and the plan swapped?".format(onemap.label, onemap.get("GHYDYH").name))
    return None


def decide(plan, onemap, kind=None):
    """The kind to check the plan as, with the reason and any doubts about the two inputs."""
    have = plan.recognised
    if kind:
        zh_name = schema().kinds.get(kind, {}).get("zh", kind)
        decision = KindDecision(kind, "按{}核对：由使用者指定".format(zh_name), "checked as {}: chosen by the user".format(kind))
    else:
        decision = KindDecision(*kind_of(plan))
    if "GHYDYH" in onemap.recognised and not any(key in onemap.recognised for key in MASTER_LAYERS):
        decision.doubts.append((
            "一张图 {} 含规划用地图层 {}，看似一份规划成果；请确认所选的是上位规划一张图".format(
                onemap.label, onemap.get("GHYDYH").name),
            "the one map {} holds a land-use layer ({}): it looks like a plan, not the master plan's one map".format(
                onemap.label, onemap.get("GHYDYH").name)))
    carried = ("control",) if marks(plan) else ()      # a detailed plan's own copy of the control lines
    master = [key for key in MASTER_LAYERS if key in have and schema().layers[key].group not in carried]
    villages = have["CJDCQ"].count if "CJDCQ" in have else 0
    if master or villages > 1:
        what = []
        if master:
            what.append("总体规划图层 " + _names(plan, master))
        if villages > 1:
            what.append("{} 个村级调查区".format(villages))
        decision.doubts.append((
            "规划成果 {} 含{}，看似一张图而非一份规划；请确认两个输入没有选反".format(plan.label, "、".join(what)),
            "the plan {} holds {}: it looks like a one map; check the two inputs are not swapped".format(
                plan.label, "; ".join(what))))
    return decision


def plan_title(name, kind):
    """A plan's name in titles: `name` followed by its kind's Chinese name (杜村 → 杜村村庄规划), unless it already
    says it is a plan (…控制性详细规划, …村规划, …详细规划（示例）); a name in Latin letters (a file name) is set apart
    by a space."""
    if NOTE.sub("", name).endswith("规划"):
        return name
    kind_zh = schema().kinds.get(kind or "", {}).get("zh", "规划")
    return "{}{}{}".format(name, " " if name[-1:].isascii() and name[-1:].isalnum() else "", kind_zh)
