#!/usr/bin/env python3
"""Write styles/<KEY>.qml from the one colour table (plugin/data/colors.yaml). Deterministic."""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ["QT_HASH_SEED"] = "0"          # Qt writes XML attributes in hash order: make it fixed

from qgis.core import QgsApplication, QgsMapLayer, QgsVectorLayer  # noqa: E402


def stable_rule_keys(path):
    """QGIS gives rules random keys; number them so regenerating changes nothing."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    counter = iter(range(1, 10000))
    text = re.sub(r'key="\{[0-9a-f-]+\}"', lambda _m: 'key="{{onemap-rule-{:04d}}}"'.format(next(counter)), text)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def main():
    app = QgsApplication([], False)
    app.initQgis()
    from plugin.core.read.styles import build_renderer, canonical_field, color_table
    table = color_table()
    keys = ([table["ydyh"]["layer"]] + table["ydyh"].get("also", []) + [table["ghfq"]["layer"], "findings", "summary"]
            + list(table["layers"]))
    for key in keys:
        field = canonical_field(key) or "BSM"
        geometry = {"point": "Point", "line": "LineString"}.get(table["layers"].get(key, {}).get("geometry"), "Polygon")
        layer = QgsVectorLayer("{}?crs=EPSG:4546&field={}:string".format(geometry, field), key, "memory")
        layer.setRenderer(build_renderer(key))
        path = os.path.join(ROOT, "styles", "{}.qml".format(key))
        message, ok = layer.saveNamedStyle(path, categories=QgsMapLayer.Symbology)
        if not ok:
            raise SystemExit("cannot write {}: {}".format(path, message))
        stable_rule_keys(path)
        print(path)
    app.exitQgis()


if __name__ == "__main__":
    main()
