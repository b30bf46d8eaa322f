#!/usr/bin/env python3
"""Generate a detailed plan (控制性详细规划) of the 阳泉曲镇 town seat and the one map it is checked against.

Writes into the folder given (default resources/sample/), after tools/make_sample.py:
- detailed_onemap.gpkg  the township one map (make_sample.township_layers) extended with what a detailed plan
  is checked against: 城镇开发边界 split into 城镇集中建设区 / 城镇弹性发展区 / 特别用途区 (GHFQDM 0401/0402/0403),
  a historic district in 历史文化保护线 (核心保护范围 and 建设控制地带), two 规划单元 (GHDY) with their caps,
  the facilities each must provide (DYSSPZ) and the 城市四线 (CSLVX, CSLANX, CSZX, CSHX). A file of its own:
  township_onemap.gpkg and every village figure stay as they are.
- detailed_plan.gpkg    the 控规 in a real structure: 规划地块 GHDK (about 150 parcels in 16 街区 of two units, 地块编号
  街区-序号, mixed use 0701/0901 with 兼容比例, 容积率 as text where 控规 databases write '≤2.5' or '1.8-2.2'),
  规划范围 GHFW, facility points, its own copies of 城镇开发边界 and the 四线; EPSG:4546.
- expected.yaml         section detailed_plan.gpkg: every seeded finding by rule with its exact planar area, and the
  unit figures on the CGCS2000 ellipsoid from pyproj (independent of QGIS).

Everything is invented (geometry, numbers, names); only the town seat and its boundary follow the seed.
The plan is a grid: columns of 街区 280 m wide with 20 m roads between them, rows 300 m tall, and a 100 m strip
south of the 城镇开发边界 for the boundary rules. Local metres (u, v) start at the plan's south-west corner.
"""
import os
import sys

from geodesic import ellipsoidal_m2
from make_sample import INVENTED, industrial_park, merge_expected, rect, town_seat, township_layers, write_gpkg
from osgeo import ogr
from qgis.core import QgsGeometry

ogr.UseExceptions()

EPSG = 4546
X0, Y0 = 563410.0, 4103400.0                 # (u, v) = (0, 0): the plan's south-west corner
WIDTH, HEIGHT = 1180.0, 1060.0
S, R = ogr.OFTString, ogr.OFTReal
SEAT_EDGE = 590.65                           # the town seat reaches 590.65 m either side of x = 564000

COLUMNS = [(0, 280), (300, 580), (600, 880), (900, 1180)]       # 街区 columns; 20 m roads between them
ROWS = {"S": (0, 100), 1: (120, 420), 2: (440, 740), 3: (760, 1060)}   # S: the strip outside the boundary
BLOCKS = {"A01": (0, 1), "A02": (1, 1), "A03": (0, 2), "A04": (1, 2), "A05": (0, 3), "A06": (1, 3),
          "A07": (0, "S"), "A08": (1, "S"), "B01": (2, 1), "B02": (3, 1), "B03": (2, 2), "B04": (3, 2),
          "B05": (2, 3), "B06": (3, 3), "B07": (2, "S"), "B08": (3, "S")}
UNIT_BORDER = 590.0                          # x = 564000: unit A west, unit B east

NAMES = {"0701/0901": "商住混合用地", "0901/0902": "商业商务混合用地", "R2": "二类居住用地"}
# Indicators by code: 容积率上限 (as the database writes it), 建筑密度 %, 绿地率 %, 建筑限高 m; None: not required
INDICATORS = {
    "0701": ("2.5", 25, 35, 60), "0701/0901": ("2.8", 30, 30, 60), "0702": ("1.5", 40, 30, 24),
    "0801": ("2.0", 35, 30, 40), "0803": ("1.2", 40, 30, 12), "080403": ("1.0", 30, 35, 24),
    "080404": ("0.8", 30, 35, 15), "080602": ("1.2", 35, 35, 24), "0805": ("0.6", 30, 35, 24),
    "0901": ("≤3.0", 45, 20, 50), "0902": ("1.8-4.0", 40, 20, 80), "0901/0902": ("3.5", 45, 20, 80),
    "1001": ("1.2", 50, 15, 24), "1101": ("1.0", 50, 15, 24), "120803": ("0.5", 20, 10, 12),
    "1303": ("0.5", 40, 20, 15), "1309": ("0.6", 40, 20, 12), "R2": ("2.5", 25, 35, 60),
}

# 街区 templates: (code, (first column, last column), (first row, last row)) in a 4 × 3 grid of 70 × 100 m cells
MIXED = [("0701", (0, 0), (0, 0)), ("0701", (1, 1), (0, 0)), ("0701", (2, 2), (0, 0)), ("0701", (3, 3), (0, 0)),
         ("0901", (0, 0), (1, 1)), ("0701", (1, 1), (1, 1)), ("0701/0901", (2, 2), (1, 1)), ("080404", (3, 3), (1, 1)),
         ("0701", (0, 0), (2, 2)), ("0701", (1, 1), (2, 2)), ("0702", (2, 2), (2, 2)), ("1403", (3, 3), (2, 2))]
WORK = [("0902", (0, 0), (0, 0)), ("0902", (1, 1), (0, 0)), ("0901", (2, 2), (0, 0)), ("0901/0902", (3, 3), (0, 0)),
        ("1001", (0, 0), (1, 1)), ("1001", (1, 1), (1, 1)), ("1001", (2, 2), (1, 1)), ("1101", (3, 3), (1, 1)),
        ("120803", (0, 0), (2, 2)), ("0801", (1, 1), (2, 2)), ("1309", (2, 2), (2, 2)), ("1402", (3, 3), (2, 2))]
SCHOOL = [("080403", (0, 1), (0, 1)), ("0701", (2, 2), (0, 0)), ("0701", (3, 3), (0, 0)), ("080602", (2, 2), (1, 1)),
          ("0701", (3, 3), (1, 1)), ("0805", (0, 0), (2, 2)), ("0701", (1, 1), (2, 2)), ("0701", (2, 2), (2, 2)),
          ("1401", (3, 3), (2, 2))]
FLEXIBLE = [("16", (0, 1), (0, 0)), ("16", (2, 3), (0, 0)), ("1001", (0, 0), (1, 1)), ("1001", (1, 1), (1, 1)),
            ("1001", (2, 2), (1, 1)), ("1001", (3, 3), (1, 1)), ("1001", (0, 1), (2, 2)), ("1402", (2, 3), (2, 2))]
STRIPS = {   # the strip south of the boundary: four 70 × 100 m parcels per 街区
    "A07": ["0701", "0701/0901", "0103", "0103"],
    "A08": ["1001", "0901", "1311", "0301"],
    "B07": ["1001", "1309", "1402", "0301"],
    "B08": ["R2", "1701", "0703", "1202"],
}
TEMPLATES = {"A01": MIXED, "A02": MIXED, "A05": SCHOOL, "B01": WORK, "B03": WORK, "B05": MIXED, "B02": FLEXIBLE}

# Special 街区, parcels in drawing priority: each takes its box (u0, v0, u1, v1) minus the earlier ones; a 街区's
# boxes fill it exactly.
SPECIAL = {
    "A03": [("0901", (0, 440, 70, 560)),               # reaches 10 m into the 蓝线: 700 m² (SX-01)
            ("0701", (70, 440, 140, 550)), ("0701", (140, 440, 210, 550)), ("0702", (210, 440, 280, 550)),
            ("1401", (70, 550, 280, 560)), ("1701", (0, 560, 280, 620)), ("1401", (0, 620, 280, 630)),
            ("0701", (0, 630, 140, 740)), ("0901", (140, 630, 210, 740)), ("0701", (210, 630, 280, 740))],
    "A04": [("1504", (380, 540, 500, 640)),            # 文物古迹 in the core range: nothing
            ("0803", (360, 520, 520, 660)),            # new cultural building in the core range (CL-03, SX-04)
            ("0701", (300, 440, 360, 740)), ("0701", (520, 440, 580, 740)),   # in the 建设控制地带 (CL-09, SX-05)
            ("0901", (360, 440, 520, 520)), ("0702", (360, 660, 520, 740))],
    "A06": [("0901", (300, 760, 370, 860)),            # a shop inside the park's 绿线: 7000 m² (SX-02)
            ("1401", (300, 760, 580, 960)), ("0701", (300, 960, 370, 1060)), ("0701", (370, 960, 440, 1060)),
            ("080404", (440, 960, 510, 1060)), ("0702", (510, 960, 580, 1060))],
    "B04": [("1303", (900, 440, 970, 500)),            # substation in the 黄线: nothing
            ("0701", (1110, 480, 1180, 600)),          # housing 20 m into the 黄线: 1400 m² (SX-03)
            ("1402", (970, 440, 1180, 500)), ("0701", (900, 500, 1040, 600)), ("0901", (1040, 500, 1110, 600)),
            ("0701", (900, 600, 1040, 740)), ("0701", (1040, 600, 1180, 740))],
    "B06": [("1402", (900, 760, 1180, 860)), ("0901", (1110, 860, 1180, 960)),   # shop and stadium in the
            ("0805", (1110, 960, 1180, 1060)), ("1401", (900, 860, 1110, 1060))],  # 特别用途区 (ZONE-01)
}

# Seeded parcel problems, by the 地块编号 the template gives (DK rules)
OVERRIDES = {
    "A01-01": {"RJLSX": "9.0"},                       # residential 容积率 9.0 (DK-05 warning)
    "A01-05": {"DKBH": "A01-04"},                     # a repeated number (DK-01) and A01-05 missing (DK-02)
    "A02-03": {"RJLSX": "2.5", "RJLXX": 2.8},        # lower bound above upper (DK-04)
    "A02-04": {"LDLXX": None},                        # 绿地率 missing (DK-03)
    "A05-02": {"DKBH": ""},                           # no number (DK-01) and A05-02 missing (DK-02)
    "B01-02": {"JZMDSX": 0.45},                       # 建筑密度 written as a fraction (DK-05 warning)
    "B03-05": {"RJLSX": "待定"},                       # 容积率 that is no number (DK-03)
    "B05-06": {"JZXG": 120.0},                        # a 120 m residential tower (DK-05 warning)
    "B07-01": {"KFQ": "新材料产业园"},                 # marked as 开发区 parcel outside the boundary (DP-04)
    "A07-02": {"JRBL": 30.0},
}
# Facility points: (name, code, the parcel it stands in)
POINTS = [("社区卫生服务站", "080602", "A01-11"), ("文化活动中心", "080302", "A04-02"),
          ("垃圾转运站", "1309", "B01-11"), ("幼儿园", "080404", "B05-08")]
# DYSSPZ: unit, facility name, its 用地用海 code (or ''), how many
FACILITIES = [("A", "幼儿园", "080404", 2), ("A", "中小学", "080403", 1), ("A", "社区卫生服务站", "", 1),
              ("A", "文化活动中心", "080302", 1), ("B", "幼儿园", "080404", 2), ("B", "消防站", "1310", 1),
              ("B", "变电站", "1303", 1), ("B", "垃圾转运站", "1309", 1)]
POPULATION = {"A": 1.2, "B": 0.8}              # 万人, shown
LAND_MARGIN_HA = {"A": 5.0, "B": -3.0}         # each unit's cap against its planar 城镇建设用地 (B exceeds)

# The one map's lines in local metres; the plan carries the same, except its 蓝线 2 m narrower (KEEP-04: 600 m²)
BLUE = (-400, 550, 300, 630)
BLUE_IN_PLAN = (0, 552, 300, 630)
GREEN = (300, 760, 580, 960)
YELLOW = (900, 440, 1180, 500)
CORE = (360, 520, 520, 660)
CONTROL_BELT = (320, 480, 560, 700)
FLEXIBLE_ZONE = (900, 120, SEAT_EDGE + 590, 420)
SPECIAL_ZONE = (900, 760, SEAT_EDGE + 590, 1100)


def box(u0, v0, u1, v1):
    return rect(X0 + u0, Y0 + v0, X0 + u1, Y0 + v1)


def block_box(block):
    column, row = BLOCKS[block]
    (u0, u1), (v0, v1) = COLUMNS[column], ROWS[row]
    return u0, v0, u1, v1


def template_parcels(block, template):
    u0, v0, _u1, _v1 = block_box(block)
    return [(code, (u0 + 70 * c0, v0 + 100 * r0, u0 + 70 * (c1 + 1), v0 + 100 * (r1 + 1)))
            for code, (c0, c1), (r0, r1) in template]


def partition(specs):
    """(code, geometry) for boxes in priority order, each minus the ones before it."""
    taken, rows = QgsGeometry(), []
    for code, spec in specs:
        geometry = box(*spec)
        if not taken.isEmpty():
            geometry = geometry.difference(taken)
        rows.append((code, geometry))
        taken = geometry if taken.isEmpty() else QgsGeometry.unaryUnion([taken, geometry])
    return rows


def roads():
    """Vertical roads the plan's full height; horizontal ones between the 街区 of each column."""
    found = [(u0, 0, u0 + 20, HEIGHT) for u0 in (280, 580, 880)]
    found += [(u0, v0, u1, v0 + 20) for v0 in (100, 420, 740) for u0, u1 in COLUMNS]
    return found


def code_name(code):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from plugin.core.read.codes import code_list
    return NAMES.get(code) or code_list("ydyh").name(code)


def parcels():
    """Every parcel as (values, geometry), 地块编号 街区-序号 in drawing order, overrides applied."""
    rows = []
    for block in sorted(BLOCKS):
        if block in STRIPS:
            u0, v0, _u1, v1 = block_box(block)
            specs = [(code, (u0 + 70 * i, v0, u0 + 70 * (i + 1), v1)) for i, code in enumerate(STRIPS[block])]
            made = partition(specs)
        elif block in SPECIAL:
            made = partition(SPECIAL[block])
        else:
            specs = template_parcels(block, TEMPLATES[block])
            if block == "B05":                      # a 64 m² box substation in a corner of its 广场 (GEO-04), drawn
                _c, (u0, v0, _u1, _v1) = specs[-1]  # first, numbered last
                made = partition([("1303", (u0, v0, u0 + 8, v0 + 8))] + specs)
                made = made[1:] + made[:1]
            else:
                made = partition(specs)
        for number, (code, geometry) in enumerate(made, 1):
            rows.append((block, "{}-{:02d}".format(block, number), code, geometry))
    for number, spec in enumerate(roads(), 1):
        rows.append(("DL", "DL-{:02d}".format(number), "1207", box(*spec)))
    result = []
    for block, dkbh, code, geometry in rows:
        far, density, green, height = INDICATORS.get(code, (None, None, None, None))
        values = {"DKBH": dkbh, "YDYHFLDM": code, "YDYHFLMC": code_name(code), "RJLSX": far, "JZMDSX": density,
                  "LDLXX": green, "JZXG": height, "JQBH": block, "DYBH": "" if block == "DL" else block[0]}
        if "/" in code:
            values["JRBL"] = 20.0
        values.update(OVERRIDES.get(dkbh, {}))
        result.append((values, geometry))
    return result


def seat_zones():
    """The town seat split into its sub-zones, and the 新材料产业园 as it was."""
    seat = town_seat()
    flexible, special = box(*FLEXIBLE_ZONE).intersection(seat), box(*SPECIAL_ZONE).intersection(seat)
    concentrated = seat.difference(QgsGeometry.unaryUnion([flexible, special]))
    return [(concentrated, {"GHFQDM": "0401", "GHFQMC": "城镇集中建设区", "BZ": "镇政府驻地"}),
            (flexible, {"GHFQDM": "0402", "GHFQMC": "城镇弹性发展区", "BZ": "镇政府驻地"}),
            (special, {"GHFQDM": "0403", "GHFQMC": "特别用途区", "BZ": "镇政府驻地"}),
            (industrial_park(), {"GHFQDM": "0401", "GHFQMC": "城镇集中建设区", "BZ": "新材料产业园"})]


def district():
    core = box(*CORE)
    return [(core, {"MC": "东街历史文化街区核心保护范围"}),
            (box(*CONTROL_BELT).difference(core), {"MC": "东街历史文化街区建设控制地带"})]


def lines(blue):
    return [("CSLANX", [("MC", S)], [(box(*blue), {"MC": "阳泉曲河蓝线"})]),
            ("CSLVX", [("MC", S)], [(box(*GREEN), {"MC": "东街公园绿线"})]),
            ("CSHX", [("MC", S)], [(box(*YELLOW), {"MC": "110kV变电站及高压走廊黄线"})]),
            ("CSZX", [("MC", S)], district())]


def units(plan_rows, land_caps, floor_caps):
    rows = []
    for unit, (u0, u1) in (("A", (-10, UNIT_BORDER)), ("B", (UNIT_BORDER, 1190))):
        rows.append((box(u0, -20, u1, 1100), {"DYBH": unit, "DYMC": "城关{}单元".format(unit),
                                              "CZJSYDSX": land_caps[unit], "JZMJSX": floor_caps.get(unit),
                                              "RKGM": POPULATION[unit]}))
    return rows


def onemap_layers(land_caps, floor_caps):
    layers = []
    for name, fields, rows in township_layers():
        if name == "CZKFBJ":
            rows = seat_zones()
        if name == "LSWHBHX":
            rows = rows + district()
        layers.append((name, fields, rows))
    layers += lines(BLUE)
    layers.append(("GHDY", [("DYBH", S), ("DYMC", S), ("CZJSYDSX", R), ("JZMJSX", R), ("RKGM", R)],
                   units(None, land_caps, floor_caps)))
    layers.append(("DYSSPZ", [("DYBH", S), ("SSMC", S), ("SSDM", S), ("SL", ogr.OFTInteger)],
                   [(None, {"DYBH": u, "SSMC": n, "SSDM": c, "SL": k}) for u, n, c, k in FACILITIES]))
    return layers


def plan_layers(rows):
    extent = box(0, 0, WIDTH, HEIGHT)
    parcel_fields = [("DKBH", S), ("YDYHFLDM", S), ("YDYHFLMC", S), ("JRBL", R), ("RJLSX", S), ("RJLXX", R),
                     ("JZMDSX", R), ("LDLXX", R), ("JZXG", R), ("DYBH", S), ("JQBH", S), ("KFQ", S)]
    by_number = {values["DKBH"]: geometry for values, geometry in rows}
    points = [(by_number[where].pointOnSurface(), {"SSMC": name, "SSDM": code}) for name, code, where in POINTS]
    copies = [(name, fields, [(g.intersection(extent), v) for g, v in items]) for name, fields, items in lines(BLUE_IN_PLAN)]
    return [("GHDK", parcel_fields, [(g, v) for v, g in rows]),
            ("GHFW", [("MC", S)], [(extent, {"MC": "阳泉曲镇镇区控制性详细规划范围（示例）"})]),
            ("GHGGJCSSD", [("SSMC", S), ("SSDM", S)], points),
            ("CZKFBJ", [("GHFQDM", S), ("GHFQMC", S)],
             [(g.intersection(extent), {"GHFQDM": v["GHFQDM"], "GHFQMC": v["GHFQMC"]}) for g, v in seat_zones()
              if g.intersects(extent)])] + copies


# ---------------------------------------------------------------- expected figures
def ruleset():
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from plugin.core.check.ruleset import load_ruleset
    return load_ruleset("detailed-default")


def upper_far(text):
    """The upper bound a 容积率 field gives ('≤3.0', '1.8-4.0', '2.5'); None for no number."""
    text = (text or "").replace("≤", "")
    try:
        return float(text.split("-")[-1])
    except ValueError:
        return None


def unit_figures(rows):
    """Per unit, planar and ellipsoidal 城镇建设用地 and floor area (parcel part in the unit × 容积率上限)."""
    rules = ruleset()
    urban, needing = rules.codes(["城镇建设用地"]), rules.codes(["需控制指标用地"])
    figures = {}
    for unit, (u0, u1) in (("A", (-10, UNIT_BORDER)), ("B", (UNIT_BORDER, 1190))):
        area = box(u0, -20, u1, 1100)
        land = land_planar = floor = floor_planar = 0.0
        without = []
        for values, geometry in rows:
            piece = geometry.intersection(area)
            if piece.isEmpty() or piece.area() < 1.0:
                continue
            ellipsoidal = ellipsoidal_m2(piece, EPSG)
            if values["YDYHFLDM"] in urban:
                land += ellipsoidal
                land_planar += piece.area()
            far = upper_far(values.get("RJLSX"))
            if far is None:
                if values["YDYHFLDM"] in needing:
                    without.append(values["DKBH"])
                continue
            floor += ellipsoidal * far
            floor_planar += piece.area() * far
        figures[unit] = {"城镇建设用地_m2": round(land, 2), "城镇建设用地_planar_m2": round(land_planar, 2),
                         "总建筑面积_m2": round(floor, 2), "总建筑面积_planar_m2": round(floor_planar, 2),
                         "无容积率地块": without}
    return figures


def share_figures(rows):
    urban = ruleset().codes(["城镇建设用地"])
    inside = box(0, 100, WIDTH, HEIGHT)            # the boundary covers the plan north of the strip
    total = outside = 0.0
    for values, geometry in rows:
        if values["YDYHFLDM"] not in urban:
            continue
        total += ellipsoidal_m2(geometry, EPSG)
        out = geometry.difference(inside)
        if not out.isEmpty() and out.area() >= 1.0:
            outside += ellipsoidal_m2(out, EPSG)
    return {"outside_m2": round(outside, 2), "total_m2": round(total, 2), "share_percent": round(100 * outside / total, 4)}


EXPECTED = {        # rule -> sorted [(code, severity, planar m²)], by arithmetic from the boxes above
    "DP-01": [("0701", "error", 7000.0), ("0701/0901", "error", 7000.0)],
    "DP-04": [("1001", "error", 7000.0)],
    "DP-05": [("0901", "warning", 7000.0), ("1001", "warning", 7000.0)],   # not the mixed use (DP-01) nor B07-01 (DP-04)
    "DP-03": [("1207", "warning", 2000.0)] * 3 + [("1309", "warning", 7000.0), ("1402", "warning", 7000.0)],
    "ZONE-01": [("0805", "warning", 7000.0), ("0901", "warning", 7000.0)],
    "ZONE-02": [("1001", "warning", 7000.0)] * 4 + [("1001", "warning", 14000.0)],
    "ZONE-03": [("1701", "info", 16800.0)],
    "CL-03": [("0803", "warning", 10400.0)],                     # no base year: new and existing not told apart
    "CL-09": [("0701", "warning", 8800.0)] * 2 + [("0702", "warning", 6400.0), ("0901", "warning", 6400.0)],
    "SX-04": [("0803", "warning", 10400.0)],
    "SX-05": [("0701", "warning", 8800.0)] * 2 + [("0702", "warning", 6400.0), ("0901", "warning", 6400.0)],
    "SX-01": [("0901", "error", 700.0), ("1207", "warning", 1600.0)],
    "SX-02": [("0901", "error", 7000.0)],
    "SX-03": [("0701", "error", 1400.0)],
    "KEEP-04": [("", "error", 600.0)],
    "ATT-01": [("R2", "error", 7000.0)],
}
NO_FINDINGS = ["KIND-01", "GEO-01", "GEO-02", "GEO-03", "GEO-04", "GEO-05", "CL-01", "DP-02", "KEEP-03", "KEEP-05",
               "KEEP-06", "KEEP-07"]


def main(folder):
    rows = parcels()
    figures = unit_figures(rows)
    land_caps = {u: round(figures[u]["城镇建设用地_planar_m2"] / 10000.0 + LAND_MARGIN_HA[u], 1) for u in figures}
    floor_caps = {"A": round(figures["A"]["总建筑面积_planar_m2"] * 0.97 / 10000.0, 1)}   # A exceeds; B gives none
    write_gpkg(os.path.join(folder, "detailed_onemap.gpkg"), onemap_layers(land_caps, floor_caps), EPSG,
               "阳泉曲镇国土空间总体规划一张图（示例，含规划单元、单元设施配置与城市四线）. " + INVENTED)
    write_gpkg(os.path.join(folder, "detailed_plan.gpkg"), plan_layers(rows), EPSG,
               "阳泉曲镇镇区控制性详细规划（示例，含预置问题）. " + INVENTED)
    expected = {
        "parcels": len(rows),
        "findings": {rule: [list(item) for item in sorted(items)] for rule, items in EXPECTED.items()},
        "no_findings": NO_FINDINGS,
        "DK-01": ["A01-04", "A05-02"], "DK-02": {"A01": ["A01-05"], "A05": ["A05-02"]},
        "DK-03": ["A02-04", "B03-05"], "DK-04": ["A02-03"], "DK-05": ["A01-01", "B01-02", "B05-06"],
        "units": {u: dict(figures[u], CZJSYDSX_ha=land_caps[u], JZMJSX_wan_m2=floor_caps.get(u),
                          RKGM=POPULATION[u]) for u in figures},
        "unit_land_status": {"A": "pass", "B": "fail"}, "unit_floor_status": {"A": "fail", "B": "not_applicable"},
        # sites per facility: parcels of its class whose inside point lies in the unit, plus points of its name
        # outside them (A: 080404 in A01, A02, A06; B: 1303 the substation and the box substation, 1309 ×3)
        "facilities": {"A": {"幼儿园": 3, "中小学": 1, "社区卫生服务站": 1, "文化活动中心": 1},
                       "B": {"幼儿园": 1, "消防站": 0, "变电站": 2, "垃圾转运站": 3}},
        "share": share_figures(rows),
    }
    merge_expected(folder, "detailed_plan.gpkg", expected)
    print(folder)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "resources", "sample"))
