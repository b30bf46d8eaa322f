"""Where an indicator row of a check lies on the map: the area its figure is about, keyed in the `indicators`
table by its code (village_code) — a 规划单元 of the one map for a detailed plan's unit rules (UNIT-01…03), the
village (村级调查区) of the plan for a village plan's indicators (IND-01).

The area is taken from the layer the project holds from the check's own source (the run record's path: never a
unit of the same code from another one map), else read from that source where core.review.recorded allows it.
What cannot be located raises OneMapError saying why, for the browser's status line.
"""
from dataclasses import dataclass

from ..check.reading import label_text
from ..errors import OneMapError
from ..read.schema import schema
from ..read.sources import open_source
from .findings_layer import checked_layers
from .recorded import may_open

# rule kind -> (layer key, the run record's source holding it, the code's role, the name's role, Chinese, English)
AREAS = {"unit": ("GHDY", "onemap_path", "unit_code", "name", "规划单元", "planning unit"),
         "indicator": ("CJDCQ", "plan_path", "village_code", "village_name", "村", "village")}


WHOLE_PLAN = ("该指标针对整个规划，没有单独的位置", "This figure is about the whole plan: it has no place of its own")


@dataclass
class Place:
    """An area found: its geometry in `crs`, its feature id in the project layer `layer_id` (None when it was
    read from the source), and how to name it ('规划单元 B（城东单元）')."""
    layer_id: object
    fid: int
    geometry: object
    crs: object
    zh: str
    en: str


def locates(rule_kind):
    """Whether rows of this rule kind are about an area that can be looked up."""
    return rule_kind in AREAS


def locate(project, run, rule_kind, code, opened=None):
    """The Place of the area `code` of an indicator row of a rule of `rule_kind`; OneMapError when there is none.
    `opened`: a dict kept by the caller, holding the areas read from a source (read once)."""
    key, side, code_role, name_role, zh, en = AREAS[rule_kind]
    if not code:
        raise OneMapError(*WHOLE_PLAN)
    label = (run or {}).get(side) or ""
    spec = schema().layers[key]
    roles = (spec.field_for(code_role).name, spec.field_for(name_role).name)
    layer = checked_layers(project, label).get(key)
    if layer is not None:
        layer_id, (areas, crs) = layer.id(), read_areas(layer, spec, roles)
    else:
        layer_id, (areas, crs) = None, opened_areas(project, key, label, spec, roles, {} if opened is None else opened)
    what_zh, what_en = "{} {}".format(zh, code), "{} {}".format(en, code)
    if areas is None:
        raise OneMapError("无法定位{}：工程中没有本次核对所用数据（{}）的{}图层，请先在面板中加载图层".format(
            what_zh, label or "?", spec.zh),
            "Cannot locate {}: the project holds no {} layer of the data checked ({}); load the layers in the "
            "panel first".format(what_en, spec.en, label or "?"))
    for own, fid, geometry, name in areas:
        if own == code or (not own and str(fid) == code):         # an area without its code: named by fid
            if geometry is None:
                break
            named = name and name != code
            return Place(layer_id, fid, geometry, crs, what_zh + ("（{}）".format(name) if named else ""),
                         what_en + (" ({})".format(name) if named else ""))
    raise OneMapError("无法定位{}：{}图层中没有编号为 {} 且有图形的要素（数据可能在核对后已改动）".format(
        what_zh, spec.zh, code),
        "Cannot locate {}: its {} layer has no feature coded {} with a geometry (the data may have changed since "
        "the check)".format(what_en, spec.en, code))


def read_areas(layer, spec, roles):
    """([(code, fid, geometry or None, name)], CRS) of a layer's features."""
    fields = spec.resolve_fields(layer.fields().names())
    code_field, name_field = (fields.get(role) for role in roles)
    areas = []
    for feature in layer.getFeatures():
        empty = not feature.hasGeometry() or feature.geometry().isEmpty()
        areas.append((label_text(feature[code_field]) if code_field else "", feature.id(),
                      None if empty else feature.geometry(), label_text(feature[name_field]) if name_field else ""))
    return areas, layer.crs()


def opened_areas(project, key, label, spec, roles, opened):
    """read_areas of the layer `key` of the source `label`, read once when it may be opened (core.review.recorded);
    (None, None) when it cannot be or has no such layer. No layer is kept."""
    if (label, key) not in opened:
        opened[(label, key)] = (None, None)
        if label and may_open(label, project):
            try:
                source = open_source(label)
                if source.get(key) is not None:
                    opened[(label, key)] = read_areas(source.open_layer(key), spec, roles)
            except OneMapError:
                pass
    return opened[(label, key)]
