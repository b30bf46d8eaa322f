#!/usr/bin/env python3
"""`make bench`: OneMap's checks against the by-hand QGIS workflow, measured in the same run.

A synthetic village plan (a grid of N parcels, every fifth one construction) against a one map of
farmland blocks. Peer: what a technician does by hand — Extract by expression (non-cropland
parcels), then native:intersection with the farmland, then sum the areas. OneMap: the overlap rule
alone, and the whole village rule set. Both must find the same area; the ratios are printed.
"""
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.append("/usr/share/qgis/python/plugins")      # Processing (Debian path)

from qgis.core import QgsApplication, QgsGeometry  # noqa: E402

X, Y = 560000.0, 4100000.0


def make_inputs(folder, side):
    from osgeo import ogr
    from make_sample import write_gpkg
    size = 20.0
    parcels = []
    for i in range(side):
        for j in range(side):
            code = "0703" if (i * side + j) % 5 == 0 else "0103"
            wkt = "POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))".format(
                X + i * size, Y + j * size, X + (i + 1) * size, Y + (j + 1) * size)
            parcels.append((QgsGeometry.fromWkt(wkt), {"YDYHFLDM": code}))
    blocks = []
    step = side * size / 10
    for i in range(10):
        for j in range(10):
            if (i + j) % 2 == 0:        # a chequerboard of farmland blocks, edges off the parcel grid
                wkt = "POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))".format(
                    X + i * step + 7, Y + j * step + 7, X + (i + 1) * step - 3, Y + (j + 1) * step - 3)
                blocks.append((QgsGeometry.fromWkt(wkt), {"BZ": "b"}))
    plan = os.path.join(folder, "plan.gpkg")
    onemap = os.path.join(folder, "onemap.gpkg")
    write_gpkg(plan, [("GHYDYH", [("YDYHFLDM", ogr.OFTString)], parcels)], 4546, "bench")
    write_gpkg(onemap, [("YJJBNTBHTB", [("BZ", ogr.OFTString)], blocks)], 4546, "bench")
    return plan, onemap


def by_hand(plan, onemap, folder):
    import processing
    extracted = processing.run("native:extractbyexpression", {
        "INPUT": plan + "|layername=GHYDYH", "EXPRESSION": "left(\"YDYHFLDM\", 2) <> '01'",
        "OUTPUT": "TEMPORARY_OUTPUT"})["OUTPUT"]
    overlay = processing.run("native:intersection", {
        "INPUT": extracted, "OVERLAY": onemap + "|layername=YJJBNTBHTB",
        "OUTPUT": os.path.join(folder, "hand.gpkg")})["OUTPUT"]
    from qgis.core import QgsVectorLayer
    layer = QgsVectorLayer(overlay, "hand", "ogr")
    return sum(f.geometry().area() for f in layer.getFeatures() if f.geometry().area() >= 1.0)


def timed(function, repeat=3):
    best, value = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, value


def main():
    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing
    Processing.initialize()
    from plugin.core.engine import verify
    from plugin.core.ruleset import RuleSet, load_ruleset
    village = load_ruleset("village-default")
    only_overlap = RuleSet(village.path)
    only_overlap.rules = [r for r in only_overlap.rules if r.id == "CL-01"]
    print("{:>8} {:>10} {:>12} {:>12} {:>10} {:>12}".format("parcels", "hand s", "CL-01 s", "ratio", "all s", "area m2"))
    for side in (50, 100, 200):
        with tempfile.TemporaryDirectory() as folder:
            plan, onemap = make_inputs(folder, side)
            hand_s, hand_area = timed(lambda: by_hand(plan, onemap, folder))
            rule_s, result = timed(lambda: verify(plan, onemap, ruleset=only_overlap, kind="village"))
            ours = sum(f.area_m2 for f in result.findings)
            all_s, _r = timed(lambda: verify(plan, onemap, ruleset=village, kind="village"), repeat=1)
            assert abs(ours - hand_area) < 0.01, (ours, hand_area)
            print("{:>8} {:>10.3f} {:>12.3f} {:>11.2f}x {:>10.3f} {:>12.2f}".format(
                side * side, hand_s, rule_s, hand_s / rule_s, all_s, ours))
    print("ratio = by-hand time / OneMap CL-01 time (>1: OneMap faster); same area asserted to 0.01 m²")
    app.exitQgis()


if __name__ == "__main__":
    main()
