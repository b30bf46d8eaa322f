"""Official and provisional styles: renderers built from the colour table, QML files applied to layers.

plugin/data/colors.yaml is the one colour table; tools/make_styles.py writes styles/<KEY>.qml from
it with `build_renderer`, and the loader applies those files (a province folder may override any).
Rule filters name the canonical code field; `apply_style` renames it to the layer's actual field.
A style is only a look: anything in a QML that could run code, fetch or read something (forms, actions,
map tips, outside SVG/raster files, expressions reaching beyond the feature — see qml_safety) is removed
before it reaches a layer, and the QGIS log says what was removed. A province's QML is read only when it
is a regular file of at most MAX_STYLE_BYTES (else the next folder's style applies).
"""
import os

from qgis.core import (
    Qgis,
    QgsEditFormConfig,
    QgsFillSymbol,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsMessageLog,
    QgsRuleBasedRenderer,
    QgsSingleSymbolRenderer,
    QgsSymbol,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument

from ..compat import MARKER_SHAPES, MILLIMETERS, POLYGON_GEOMETRY
from ..errors import OneMapError
from ..paths import STYLES_DIR, data_path
from ..regular_files import read_bounded
from ..yamlfile import load_data
from . import overrides
from .qml_safety import CATEGORIES, sanitize_qml

PROVISIONAL = "暂定"
MAX_STYLE_BYTES = 8 << 20        # the shipped styles are ~100 KB; a province's with embedded SVG symbols a few MB
PENS = {"solid": Qt.PenStyle.SolidLine, "dash": Qt.PenStyle.DashLine, "dot": Qt.PenStyle.DotLine,
        "dashdot": Qt.PenStyle.DashDotLine, "dashdotdot": Qt.PenStyle.DashDotDotLine, "none": Qt.PenStyle.NoPen}
BRUSHES = {"solid": Qt.BrushStyle.SolidPattern, "none": Qt.BrushStyle.NoBrush, "bdiag": Qt.BrushStyle.BDiagPattern,
           "fdiag": Qt.BrushStyle.FDiagPattern, "cross": Qt.BrushStyle.CrossPattern}


def color_table():
    return load_data(data_path("colors.yaml"))


def section_for(key, table=None):
    """The colour-table section ('ydyh', 'ghfq', 'findings', 'summary') styling a schema key, or None.

    A section styles its `layer` and the keys listed in `also` (e.g. JQDLTB uses the 用地用海 colours).
    """
    table = table or color_table()
    return next((s for s in ("ydyh", "ghfq", "findings", "summary")
                 if key == table[s].get("layer", s) or key in table[s].get("also", [])), None)


def _symbol(entry):
    """A fill symbol: fill colour/alpha/brush, outline colour/width/pen, or no outline.

    Point and line layers (`geometry: point|line` in the table) get a marker (shape, size in mm, fill,
    outline) or a line (colour, width in mm, pen) instead.
    """
    geometry = entry.get("geometry", "polygon")
    if geometry == "point":
        return _marker(entry)
    if geometry == "line":
        return _line(entry)
    symbol = QgsFillSymbol.createSimple({})
    layer = symbol.symbolLayer(0)             # owned by the symbol (a Python-made layer would be freed)
    rgb = entry.get("rgb", [0, 0, 0])
    layer.setColor(QColor(rgb[0], rgb[1], rgb[2], entry.get("alpha", 255)))
    layer.setBrushStyle(BRUSHES[entry.get("brush", "solid")])
    outline = entry.get("outline")
    if outline:
        layer.setStrokeColor(QColor(outline[0], outline[1], outline[2]))
        layer.setStrokeWidth(outline[3])
        layer.setStrokeWidthUnit(MILLIMETERS)
        layer.setStrokeStyle(PENS[outline[4]])
    else:
        layer.setStrokeStyle(Qt.PenStyle.NoPen)
    return symbol


def _marker(entry):
    symbol = QgsMarkerSymbol.createSimple({})
    layer = symbol.symbolLayer(0)
    rgb, outline = entry["rgb"], entry["outline"]
    layer.setShape(MARKER_SHAPES[entry.get("shape", "circle")])
    layer.setSize(entry.get("size", 2.0))
    layer.setSizeUnit(MILLIMETERS)
    layer.setColor(QColor(rgb[0], rgb[1], rgb[2], entry.get("alpha", 255)))
    layer.setStrokeColor(QColor(outline[0], outline[1], outline[2]))
    layer.setStrokeWidth(outline[3])
    layer.setStrokeWidthUnit(MILLIMETERS)
    layer.setStrokeStyle(PENS[outline[4]])
    return symbol


def _line(entry):
    symbol = QgsLineSymbol.createSimple({})
    layer = symbol.symbolLayer(0)
    rgb = entry["rgb"]
    layer.setColor(QColor(rgb[0], rgb[1], rgb[2], entry.get("alpha", 255)))
    layer.setWidth(entry["width"])
    layer.setWidthUnit(MILLIMETERS)
    layer.setPenStyle(PENS[entry.get("pen", "solid")])
    return symbol


def _label(code, entry, status):
    name = entry.get("name", code)
    text = name if name.startswith(code) or not code[:1].isdigit() else "{} {}".format(code, name)
    return "{}（{}）".format(text, PROVISIONAL) if status == "provisional" else text


def class_filter(field, code, listed, exact=False):
    """Expression selecting `code` and its descendants, minus the more specific listed classes;
    with `exact`, the code itself only (a level-1 colour must not paint an unknown 07xx code)."""
    def starts(prefix):
        return "left(to_string(\"{}\"), {}) = '{}'".format(field, len(prefix), prefix)
    if exact:
        return "to_string(\"{}\") = '{}'".format(field, code)
    if not code[:1].isdigit():
        return "\"{}\" = '{}'".format(field, code)
    deeper = [other for other in listed if other != code and other.startswith(code)]
    expression = starts(code)
    if deeper:
        expression += " AND NOT ({})".format(" OR ".join(starts(d) for d in deeper))
    return expression


def build_renderer(key):
    """The renderer for a schema key ('GHYDYH', 'GHFQ', 'CZKFBJ' …), 'findings' or 'summary', from the table."""
    table = color_table()
    section = section_for(key, table)
    if section is None:
        entry = table["layers"][key]
        symbol = _symbol(entry)
        return QgsSingleSymbolRenderer(symbol)
    data = table[section]
    renderer = QgsRuleBasedRenderer(QgsSymbol.defaultSymbol(POLYGON_GEOMETRY))
    root = renderer.rootRule()                # owned by the renderer (a Python-made root would be freed)
    root.removeChildAt(0)
    listed = list(data["classes"])
    for code in listed if data.get("ordered") else sorted(listed, key=lambda c: (len(c), c)):
        entry = dict({"outline": data["outline"]} if "outline" in data else {}, **data["classes"][code])
        status = entry.get("status", data.get("status"))
        root.appendChild(QgsRuleBasedRenderer.Rule(_symbol(entry), 0, 0, class_filter(data["field"], code, listed, entry.get("match") == "exact"),
                                                   _label(code, entry, status)))
    if "unlisted" in data:
        other = QgsRuleBasedRenderer.Rule(_symbol(data["unlisted"]), 0, 0, "ELSE", data["unlisted"]["name"])
        other.setIsElse(True)
        root.appendChild(other)
    return renderer


def style_status(key):
    """'verified', 'provisional' … for the style of a key (a section's status, or the layer entry's)."""
    table = color_table()
    section = section_for(key, table)
    return table[section]["status"] if section else table["layers"].get(key, {}).get("status", "")


def canonical_field(key):
    table = color_table()
    section = section_for(key, table)
    return table[section]["field"] if section else None


def style_path(key):
    """A province override folder first (see core.read.overrides), then styles/<KEY>.qml; None if neither.
    A province file that is no regular file (a FIFO, a device) or is larger than MAX_STYLE_BYTES is skipped,
    with a warning in the QGIS log: it is never opened, and the next folder's style applies."""
    for folder in overrides.folders(overrides.STYLES) + [STYLES_DIR]:
        path = os.path.join(folder, "{}.qml".format(key))
        if not os.path.lexists(path):
            continue
        problem = "" if os.path.isfile(path) else "不是普通文件 (not a regular file)"
        if not problem and os.path.getsize(path) > MAX_STYLE_BYTES:
            problem = "超过 {} MB (larger than {} MB)".format(MAX_STYLE_BYTES >> 20, MAX_STYLE_BYTES >> 20)
        if not problem:
            return path
        QgsMessageLog.logMessage("样式 {} {}，未使用 (style skipped)".format(path, problem), "OneMap", Qgis.MessageLevel.Warning)
    return None


def only_a_look(layer):
    """No form code, custom form, actions or map tip on the layer, whatever it holds: a second guard behind
    sources.open_vector (which loads no source's own default style) and the import of only the look's
    categories."""
    layer.setEditFormConfig(QgsEditFormConfig())
    layer.actions().clearActions()
    layer.setMapTipTemplate("")


def apply_style(layer, key, actual_field=None):
    """Apply the QML for `key` to the layer, pointing its rules at the layer's own code field.

    Returns the style's status ('verified', 'provisional' …) or '' when there is no style.
    """
    path = style_path(key)
    if path is None:
        return ""
    try:
        qml = read_bounded(path, MAX_STYLE_BYTES).decode("utf-8", errors="replace")
    except OneMapError as exc:                      # replaced by a FIFO or grown since style_path looked
        QgsMessageLog.logMessage("样式 {}：{}".format(path, exc.zh), "OneMap", Qgis.MessageLevel.Warning)
        return ""
    canonical = canonical_field(key)
    if canonical and actual_field and actual_field != canonical:
        qml = qml.replace('"{}"'.format(canonical), '"{}"'.format(actual_field))
        qml = qml.replace("&quot;{}&quot;".format(canonical), "&quot;{}&quot;".format(actual_field))
    document = QDomDocument()
    document.setContent(qml)
    removed = sanitize_qml(document, os.path.dirname(path))
    if removed:
        QgsMessageLog.logMessage("样式 {} 中的可执行或外部内容已移除，未加载 (removed from the style, not loaded)：{}".format(
            path, "；".join(removed)), "OneMap", Qgis.MessageLevel.Warning)
    ok, _message = layer.importNamedStyle(document, CATEGORIES)
    only_a_look(layer)
    if not ok:
        return ""
    status = style_status(key)
    if status == "provisional":
        manager = layer.styleManager()
        manager.renameStyle(manager.currentStyle(), "OneMap {}样式 (provisional)".format(PROVISIONAL))
    layer.triggerRepaint()
    return status
