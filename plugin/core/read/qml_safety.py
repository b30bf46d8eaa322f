"""A province style (QML) is only a look: what in it could run code, fetch or read something is removed
before it reaches a layer.

What a QML can carry beyond its look, and what happens to it here:
- forms (init Python, a custom .ui, drag-and-drop HTML/QML elements whose HTML or QtQuick code runs when
  a form opens, web-view and external-resource widgets), actions, map tips (HTML), the display
  expression, virtual fields, stored expressions, layer variables: every element but the look's
  (LOOK: symbols, labels, diagrams, legend, opacity and blending) is dropped, and only the look's
  categories are imported (CATEGORIES);
- resources: SVG and raster fills and markers, label backgrounds — a URL (fetched while rendering)
  or a path outside the style's folder (/etc/passwd, a FIFO) is cleared; an embedded SVG that links
  out is cleared; data-defined file or SVG names (an expression or a field can build any URL) are dropped;
  a file named relative to the style's folder (its own hatch.svg) is kept, as a path in that folder;
- expressions (rule filters, labels, data-defined properties, geometry generators): one that calls a
  function that reads or writes outside the feature (eval, env, file and layer functions,
  sqlite_fetch_and_increment, …) or a function a plugin registered in Python is neutralised;
- renderers and symbol layers a plugin registered in Python, HTML in labels (QTextDocument reads local
  images): dropped or switched off.
Font markers, colours, widths and everything else a look needs stay. Each removal is listed for the log.
"""
import base64
import functools
import os
import re

from qgis.core import QgsExpression, QgsMapLayer

LOOK = ("renderer-v2", "labeling", "blendMode", "featureBlendMode", "layerOpacity", "layerTransparency",
        "layerGeometryType", "legend", "SingleCategoryDiagramRenderer", "LinearlyInterpolatedDiagramRenderer",
        "StackedDiagramRenderer", "DiagramLayerSettings")
CATEGORIES = QgsMapLayer.StyleCategory.Symbology | QgsMapLayer.StyleCategory.Labeling | \
    QgsMapLayer.StyleCategory.Rendering | QgsMapLayer.StyleCategory.Diagrams | QgsMapLayer.StyleCategory.Legend
RENDERERS = ("singleSymbol", "categorizedSymbol", "graduatedSymbol", "RuleRenderer", "invertedPolygonRenderer",
             "mergedFeatureRenderer", "pointDisplacement", "pointCluster", "heatmapRenderer", "nullSymbol",
             "25dRenderer", "embeddedSymbol")
SYMBOL_LAYERS = ("SimpleMarker", "SvgMarker", "FontMarker", "EllipseMarker", "FilledMarker", "RasterMarker",
                 "VectorField", "MaskMarker", "SimpleLine", "MarkerLine", "HashLine", "ArrowLine", "InterpolatedLine",
                 "SimpleFill", "GradientFill", "ShapeburstFill", "SVGFill", "RasterFill", "CentroidFill",
                 "LinePatternFill", "PointPatternFill", "RandomMarkerFill", "GeometryGenerator")
DENIED_FUNCTIONS = {"eval", "eval_template", "env", "mime_type", "layer_property", "decode_uri", "raster_value",
                    "raster_statistic", "get_feature", "get_feature_by_id", "sqlite_fetch_and_increment", "maptip",
                    "display_expression", "aggregate", "relation_aggregate", "file_exists", "is_file", "is_directory",
                    "file_size", "exif", "exif_geotag", "overlay_contains", "overlay_crosses", "overlay_disjoint",
                    "overlay_equals", "overlay_intersects", "overlay_touches", "overlay_within", "overlay_nearest"}
FILE_PROPERTIES = {"name", "file", "svgfile", "imagefile", "shapesvgfile"}     # data-defined names of files
URL = re.compile(r"^\s*([a-z][a-z0-9+.-]*://|file:|//|\\\\)", re.I)
WINDOWS_ABSOLUTE = re.compile(r"^\s*[a-z]:[\\/]", re.I)
IMAGE = re.compile(r"\.(svg|png|jpe?g|gif|bmp)$", re.I)
SVG_LINK = re.compile(rb"""(href|src)\s*=\s*["']\s*(?!#|data:)|url\(\s*["']?\s*(?!#|data:)|@import""", re.I)


def _elements(element):
    child = element.firstChildElement()
    while not child.isNull():
        yield child
        yield from _elements(child)
        child = child.nextSiblingElement()


def _children(element):
    child = element.firstChildElement()
    while not child.isNull():
        yield child
        child = child.nextSiblingElement()


def _does_something(element):
    """True when a dropped element would have run, fetched or evaluated something (QGIS writes inert
    defaults of every element; only these are logged)."""
    tag, text = element.tagName(), element.text().strip()
    if tag == "editforminitcode":
        return any(line.strip() and not line.strip().startswith(("#", '"""')) for line in text.splitlines())
    if tag in ("editforminit", "editform", "editforminitfilepath", "mapTip", "previewExpression"):
        return bool(text)
    descendants = list(_elements(element))
    if tag in ("attributeactions", "expressionfields", "storedexpressions"):
        return any(e.tagName() in ("actionsetting", "field", "storedexpression") for e in descendants)
    if tag in ("attributeEditorForm", "fieldConfiguration"):
        return any(e.tagName() in ("attributeEditorHtmlElement", "attributeEditorQmlElement")
                   or (e.tagName() == "editWidget" and e.attribute("type") in ("WebView", "ExternalResource"))
                   for e in descendants)
    return False


def outside(value, folder):
    """True when `value` names a resource outside the style: a URL, an absolute path not in `folder`, a path
    climbing out with '..', or an embedded SVG that links to anything but itself."""
    if value.startswith("base64:"):
        try:
            return bool(SVG_LINK.search(base64.b64decode(value[7:], validate=False)))
        except ValueError:
            return True
    if URL.match(value):
        return True
    parts = re.split(r"[\\/]", value)
    if ".." in parts:
        return True
    if (value.startswith("/") and len(value) > 1 and not value[1:2].isspace()) or WINDOWS_ABSOLUTE.match(value):
        inside = folder and os.path.realpath(value).startswith(os.path.realpath(folder).rstrip(os.sep) + os.sep)
        return not inside
    return False


def unsafe_expression(text):
    """The functions of an expression that reach beyond the feature, '' when it uses none (or is no expression)."""
    if "(" not in text:
        return ""
    expression = QgsExpression(text)
    if expression.hasParserError():
        unknown = [error for error in expression.parserErrors()
                   if error.errorType == error.ParserErrorType.FunctionUnknown]
        return "unknown function" if unknown else ""
    return ", ".join(sorted(name for name in expression.referencedFunctions()
                            if name in DENIED_FUNCTIONS or name not in _builtin_functions()))


@functools.lru_cache(maxsize=None)
def _builtin_functions():
    """QGIS's own expression functions (a function a plugin registers in Python runs that plugin's code)."""
    return {function.name().lower() for function in QgsExpression.Functions()
            if type(function).__name__ == "QgsExpressionFunction"}


def _properties(root):
    """The data-defined properties: each <Option type="Map" name=KEY> under an <Option name="properties">."""
    return [element for element in _elements(root) if element.tagName() == "Option"
            and element.parentNode().toElement().tagName() == "Option"
            and element.parentNode().toElement().attribute("name") == "properties"]


def _options(prop):
    return {option.attribute("name"): option.attribute("value") for option in _children(prop)}


def _remove(element):
    element.parentNode().removeChild(element)


def sanitize_qml(document, folder=None):
    """Reduce a QML document to its look (see the module's docstring); returns what was removed, one line each."""
    root = document.documentElement()
    removed = []
    for element in list(_children(root)):
        if element.tagName() not in LOOK:
            if _does_something(element):
                removed.append(element.tagName())
            _remove(element)
    for element in list(_elements(root)):
        kind = element.attribute("type") if element.tagName() == "renderer-v2" else \
            element.attribute("class") if element.tagName() == "layer" and element.hasAttribute("class") else None
        if kind is not None and kind not in (RENDERERS if element.tagName() == "renderer-v2" else SYMBOL_LAYERS):
            removed.append("{} {}".format("renderer" if element.tagName() == "renderer-v2" else "symbol layer", kind))
            _remove(element)
    for prop in _properties(root):
        options = _options(prop)
        source = options.get("expression") or options.get("field") or ""
        if prop.attribute("name").lower() in FILE_PROPERTIES and source:
            removed.append("data-defined {}: {}".format(prop.attribute("name"), source[:80]))
            _remove(prop)
        elif unsafe_expression(options.get("expression") or ""):
            removed.append("data-defined {} ({}): {}".format(prop.attribute("name"), unsafe_expression(
                options["expression"]), options["expression"][:80]))
            _remove(prop)
    for element in _elements(root):
        removed += _sanitize_values(element, folder)
    return removed


def _sanitize_values(element, folder):
    """Clear an element's attributes naming outside resources; neutralise its expressions (a rule filter
    that cannot be evaluated matches nothing: FALSE)."""
    removed = []
    if element.tagName() == "text-style" and element.attribute("allowHtml") not in ("", "0"):
        element.setAttribute("allowHtml", "0")
        removed.append("HTML in labels")
    attributes = element.attributes()
    for index in range(attributes.count()):
        attribute = attributes.item(index).toAttr()
        value = attribute.value()
        bad = "" if outside(value, folder) else unsafe_expression(value)
        if outside(value, folder) or bad:
            removed.append("{} {}{}: {}".format(element.tagName(), attribute.name(), " ({})".format(bad) if bad else "",
                                                value[:80]))
            attribute.setValue("FALSE" if bad and attribute.name() == "filter" else "")
        elif folder and IMAGE.search(value) and os.path.isfile(os.path.join(folder, value)):
            attribute.setValue(os.path.join(folder, value))       # the province's own SVG beside its QML
    text = element.firstChild().toText()
    if not text.isNull() and unsafe_expression(text.data()):
        removed.append("{} ({}): {}".format(element.tagName(), unsafe_expression(text.data()), text.data()[:80]))
        text.setData("")
    return removed
