"""A held-out check: 控规 made of random rectangles (seeded), their answers worked out here by arithmetic from the
rule sets' wording — not by the engine's code — and compared with what the engine finds.

Parcels fill a grid of 50 × 40 m cells with codes drawn from a pool (mixed use and an unreadable R2 among them);
the control lines are rectangles at odd offsets, so most pieces are partial. Conflict areas are planar and exact
(rectangle intersections); each unit's 城镇建设用地 is ellipsoidal, from pyproj on the same rectangles."""
import random

import pytest
from osgeo import ogr

from geodesic import ellipsoidal_m2
from helpers import gpkg, square
from plugin.core.check.engine import verify

X, Y = 560000.0, 4100000.0
COLUMNS, ROWS, W, H = 12, 10, 50.0, 40.0
S, R = ogr.OFTString, ogr.OFTReal
POOL = ["0701", "0701", "0702", "0901", "0902", "1001", "1101", "1207", "1303", "1311", "1401", "1402", "16", "1701",
        "0103", "0701/0901", "0901/1401", "1207/0901", "R2"]
CONSTRUCTION = ("07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "2301")
URBAN_EXCEPT = ("0703", "0704", "1002", "1003", "1201", "1202", "1203", "1204", "1205", "1206", "1311")


def uses(code):
    return [] if code == "R2" else code.split("/")


def under(code, prefixes):
    return any(code.startswith(p) for p in prefixes)


def chosen(code, include, exclude=()):
    """A parcel is chosen when any use is in `include` and not in `exclude` (unreadable: never)."""
    return any(under(u, include) and not under(u, exclude) for u in uses(code))


def overlap(a, b):
    """Area shared by two boxes (x0, y0, x1, y1)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def area(a):
    return (a[2] - a[0]) * (a[3] - a[1])


def plan_for(seed):
    rng = random.Random(seed)
    parcels = []
    for i in range(COLUMNS):
        for j in range(ROWS):
            code = rng.choice(POOL)
            far = rng.choice(["1.5", "2.5", "3.0", "3.5", "5.0"])
            parcels.append(("H{:03d}".format(len(parcels) + 1), code, far,
                            (X + i * W, Y + j * H, X + (i + 1) * W, Y + (j + 1) * H)))
    # the boundary: three adjacent sub-zones over most of the plan; the strip south of y0 is outside
    y0 = Y + rng.choice([37.0, 53.0, 91.0])
    xa, xb = X + rng.choice([173.0, 211.0]), X + rng.choice([389.0, 431.0])
    zones = [("0401", "城镇集中建设区", (X - 5, y0, xa, Y + 1000)), ("0402", "城镇弹性发展区", (xa, y0, xb, Y + 1000)),
             ("0403", "特别用途区", (xb, y0, X + 1000, Y + 1000))]
    blue = (X - 20, Y + rng.choice([113.0, 157.0]), X + 700, Y + rng.choice([181.0, 223.0]))
    yellow = (X + rng.choice([233.0, 297.0]), Y - 20, X + rng.choice([331.0, 367.0]), Y + 500)
    units = [("U1", (X - 50, Y - 50, X + rng.choice([263.0, 287.0]), Y + 500)), ("U2", None)]
    units[1] = ("U2", (units[0][1][2], Y - 50, X + 700, Y + 500))
    return parcels, zones, blue, yellow, units


def write(tmp_path, seed):
    parcels, zones, blue, yellow, units = plan_for(seed)
    fields = [("DKBH", S), ("YDYHFLDM", S), ("RJLSX", S), ("JZMDSX", R), ("LDLXX", R), ("JZXG", R)]
    plan = {"GHDK": (fields, [(square(*b), {"DKBH": n, "YDYHFLDM": c, "RJLSX": f, "JZMDSX": 30.0, "LDLXX": 30.0,
                                             "JZXG": 40.0}) for n, c, f, b in parcels])}
    onemap = {"CZKFBJ": ([("GHFQDM", S), ("GHFQMC", S)], [(square(*b), {"GHFQDM": c, "GHFQMC": m}) for c, m, b in zones]),
              "CSLANX": ([("MC", S)], [(square(*blue), {"MC": "河"})]),
              "CSHX": ([("MC", S)], [(square(*yellow), {"MC": "走廊"})]),
              "GHDY": ([("DYBH", S), ("CZJSYDSX", R)], [(square(*b), {"DYBH": u, "CZJSYDSX": 1.0}) for u, b in units])}
    return (gpkg(tmp_path / "plan.gpkg", 4546, plan), gpkg(tmp_path / "onemap.gpkg", 4546, onemap),
            (parcels, zones, blue, yellow, units))


def expected(parcels, zones, blue, yellow, units):
    """What each rule must find, from the rule sets' wording and box arithmetic alone."""
    found = {rule: [] for rule in ("DP-01", "DP-05", "SX-01", "SX-03", "ZONE-02", "ZONE-03", "DK-05")}

    def add(rule, name, severity, value):
        if value >= 1.0:                                    # the noise tolerance
            found[rule].append((name, severity, round(value, 2)))
    for name, code, far, box in parcels:
        outside = area(box) - sum(overlap(box, zone) for _c, _m, zone in zones)
        if chosen(code, ["0701", "0702"]):
            add("DP-01", name, "error", outside)
        if chosen(code, ["09", "1001", "11"]) and not chosen(code, ["0701", "0702"]):    # DP-01's, not repeated
            add("DP-05", name, "warning", outside)
        if chosen(code, CONSTRUCTION, ("1311", "14")):      # 蓝线: roads crossing a warning, the rest an error
            roads_only = all(u.startswith("12") for u in uses(code) if under(u, CONSTRUCTION) and not under(u, ("1311", "14")))
            add("SX-01", name, "warning" if roads_only else "error", overlap(box, blue))
        if chosen(code, CONSTRUCTION, ("12", "13", "1402")):
            add("SX-03", name, "error", overlap(box, yellow))
        if chosen(code, CONSTRUCTION, ("14", "16")):
            add("ZONE-02", name, "warning", overlap(box, zones[1][2]))
        if chosen(code, ["01", "02", "03", "04", "05", "06", "0703", "0704", "17"]):
            add("ZONE-03", name, "info", overlap(box, zones[0][2]))
        if chosen(code, ["0701", "0702"]) and float(far) > 3.1:
            found["DK-05"].append((name, "warning", None))
    land = {}
    for unit, ubox in units:
        total = 0.0
        for _name, code, _far, box in parcels:
            leading = (uses(code) or [""])[0]
            if under(leading, CONSTRUCTION) and not under(leading, URBAN_EXCEPT) and not leading.startswith("15"):
                piece = (max(box[0], ubox[0]), max(box[1], ubox[1]), min(box[2], ubox[2]), min(box[3], ubox[3]))
                if piece[2] > piece[0] and piece[3] > piece[1]:
                    total += ellipsoidal_m2(geometry(piece), 4546)
        land[unit] = total
    return {rule: sorted(items) for rule, items in found.items()}, land


def geometry(box):
    from qgis.core import QgsGeometry
    return QgsGeometry.fromWkt(square(*box))


@pytest.mark.parametrize("seed", [19, 2024, 314159])
def test_random_rectangles_give_the_answers_worked_out_by_hand(tmp_path, seed):
    plan, onemap, layout = write(tmp_path, seed)
    result = verify(plan, onemap)
    want, land = expected(*layout)
    for rule_id, items in want.items():
        got = sorted((f.plan_label, f.severity, None if rule_id == "DK-05" else round(f.area_m2, 2))
                     for f in result.findings if f.rule_id == rule_id
                     and (rule_id != "DK-05" or "住宅用地容积率" in f.message))
        assert got == items, (seed, rule_id)
    rows = {row["indicator"]: row for row in result.indicators}
    for unit, total in land.items():
        assert abs(rows["城镇建设用地规模（{}）".format(unit)]["planned_m2"] - total) < 0.05, (seed, unit)
    assert sum(len(items) for items in want.values()) > 40                  # the layout really produces cases
