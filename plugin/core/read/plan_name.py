"""A detailed plan's name for titles, from its own data: a 控规 has no title field, and no village to be named by.

What a 控规 may carry, in the order taken (detailed-plans.md: 规划范围 and 单元 are boundaries met in public 控规
databases; no standard names their fields):
1. the name field of its 规划范围 (GHFW, e.g. MC): "某某控制性详细规划范围" names the plan "某某控制性详细规划";
2. the title of its GHFW or GHDK layer in the database's metadata (a GeoPackage's gpkg_contents identifier, as
   QGIS reads it);
3. its 规划单元: the names of its own GHDY, else those the one map's GHDY gives the units its parcels name (DYBH);
else nothing (the caller falls back on the file name). A value that only repeats what the layer is called
(规划范围, 范围, GHFW, the table's name), or longer than NAME_CHARS (a title must fit its box), names nothing.
"""
import re

from qgis.core import QgsFeatureRequest

from ..errors import OneMapError
from .schema import schema

NAME_CHARS = 40
UNITS_NAMED = 3                         # more units are named as '城关A单元等 5 个单元'
EXTENT_SUFFIX = re.compile(r"^(.*规划)范围((?:[（(][^（）()]*[）)])?)$")   # …规划范围（示例） -> …规划（示例）


def plan_name(plan, onemap=None):
    """The plan's name from its own data (see the module), or '' — also when a layer it looks at cannot be read
    (the check reports that layer; a title never stops a check or an export)."""
    for find in (lambda: _extent_name(plan), lambda: _metadata_title(plan), lambda: _unit_names(plan, onemap)):
        try:
            name = find()
        except OneMapError:
            name = ""
        if name:
            return name
    return ""


def _text(value):
    return " ".join(str(value).split()) if value not in (None, "") and str(value) != "NULL" else ""


def _is_name(text, key, table=""):
    """A text that names something: not empty, not too long, not (part of) what the layer is called (范围)."""
    spec = schema().layers[key]
    generic = [name.casefold() for name in [key, spec.zh, table] + spec.aliases if name]
    return bool(text) and len(text) <= NAME_CHARS and not any(text.casefold() in name for name in generic)


def _values(source, key, role):
    """The distinct texts of the layer's field with `role`, in feature order ([] without layer or field)."""
    found = source.get(key) if source is not None else None
    spec = found.spec.field_for(role) if found is not None else None
    actual = found.fields.get(spec.name) if spec is not None else None
    if actual is None:
        return []
    request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry)
    values = (_text(feature[actual]) for feature in source.open_layer(key).getFeatures(request))
    return list(dict.fromkeys(value for value in values if value))


def _joined(names, limit=UNITS_NAMED):
    return "、".join(names) if len(names) <= limit else "{}等 {} 个单元".format("、".join(names[:1]), len(names))


def _extent_name(plan):
    names = [EXTENT_SUFFIX.sub(r"\1\2", name) for name in _values(plan, "GHFW", "name") if _is_name(name, "GHFW")]
    joined = "、".join(names)
    return joined if names and len(joined) <= NAME_CHARS else ""


def _metadata_title(plan):
    for key in ("GHFW", "GHDK"):
        found = plan.get(key)
        if found is not None:
            title = _text(plan.open_layer(key).metadata().title())
            if _is_name(title, key, found.name):
                return EXTENT_SUFFIX.sub(r"\1\2", title)
    return ""


def _unit_names(plan, onemap):
    """The plan's 规划单元 by name: its own GHDY's, else the one map's units its parcels belong to."""
    names = [name for name in _values(plan, "GHDY", "name") if _is_name(name, "GHDY")]
    if not names and onemap is not None and onemap.get("GHDY") is not None:
        codes = set(_values(plan, "GHDK", "unit_code"))
        found = onemap.get("GHDY")
        code, name = (found.fields.get(found.spec.field_for(role).name) for role in ("unit_code", "name"))
        if codes and code and name:
            request = QgsFeatureRequest().setFlags(QgsFeatureRequest.Flag.NoGeometry)
            named = {_text(f[code]): _text(f[name]) for f in onemap.open_layer("GHDY").getFeatures(request)}
            names = list(dict.fromkeys(named[c] for c in sorted(codes) if _is_name(named.get(c, ""), "GHDY")))
    joined = _joined(names)
    return joined if names and len(joined) <= NAME_CHARS else ""
