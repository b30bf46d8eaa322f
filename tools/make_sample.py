#!/usr/bin/env python3
"""Generate OneMap's sample plans (deterministic; the geometry is invented).

Writes into the folder given (default resources/sample/):
- township_onemap.gpkg  阳泉曲镇 one map, modelled on seed 002: 21 villages + 2 communities, town seat
  118.13 ha, 城镇开发边界 = town seat + 新材料产业园, no 生态保护红线; EPSG:4546 (zone 37, no prefix).
- county_onemap.gpkg    a county-level one map modelled on seed 000 (阳泉): 生态保护红线, 永久基本农田,
  城镇开发边界, 历史文化保护线; EPSG:4547 (zone 38, no prefix).
- village_clean.gpkg     杜村 village plan that agrees with the township one map (EPSG:4546).
- village_conflicts.gpkg 杜村 village plan with seeded conflicts (EPSG:4525, zone-prefixed x).
- expected.yaml          every seeded conflict with its exact area, for tests and the README.

Village names: the 14 named in seed 002 plus 7 invented ones; codes, classes and all geometry are
invented. Only the counts, the town seat's area and the control-line facts follow the seed.
"""
import os
import sys

import yaml
from geodesic import ellipsoidal_m2
from osgeo import ogr, osr
from qgis.core import QgsGeometry, QgsWkbTypes

ogr.UseExceptions()

INVENTED = "示例数据：几何与编码均为虚构 (sample data: geometry and codes invented), OneMap tools/make_sample.py"
CELL = 2000.0                        # village cell size, metres
TOWN_X0, TOWN_Y0 = 560000.0, 4100000.0
ZONE37_PREFIX = 37000000.0           # EPSG:4525 = EPSG:4546 with the zone number in x

# (column, row) -> (name, class); seed 002 names first, then invented ones (marked *).
VILLAGES = [
    ((1, 1), "阳泉曲村", "城镇开发边界内"), ((2, 1), "老营坪村", "城镇开发边界内"),
    ((1, 2), "河北村", "城镇开发边界内"), ((2, 2), "西河底村", "城镇开发边界内"),
    ((0, 0), "杜村", "特色保护类"), ((1, 0), "克俄村", "集聚提升类"), ((2, 0), "甘窑村", "搬迁撤并类"),
    ((3, 0), "柳湾村", "其他类"), ((0, 1), "柏子沟村", "搬迁撤并类"), ((4, 1), "春塔村", "特色保护类"),
    ((0, 2), "教场村", "集聚提升类"), ((4, 2), "申家庄村", "集聚提升类"), ((0, 3), "下庄村", "其他类"),
    ((1, 3), "碾头村", "集聚提升类"), ((2, 3), "东庄村*", "其他类"), ((3, 3), "南坡村*", "其他类"),
    ((4, 3), "前进村*", "其他类"), ((1, 4), "后沟村*", "其他类"), ((2, 4), "石窑村*", "其他类"),
    ((3, 4), "新庄村*", "其他类"), ((4, 4), "王家庄村*", "其他类"),
]
COMMUNITIES = [((3, 1), "阳泉曲社区", "社区"), ((3, 2), "柳湾矿社区", "社区")]
TOWN_CODE = "141181106"              # 孝义市 141181 + invented town code


def rect(x0, y0, x1, y1):
    return QgsGeometry.fromWkt("POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))".format(x0, y0, x1, y1))


def cell_origin(col, row):
    return TOWN_X0 + col * CELL, TOWN_Y0 + row * CELL


def local(col, row, x0, y0, x1, y1):
    ox, oy = cell_origin(col, row)
    return rect(ox + x0, oy + y0, ox + x1, oy + y1)


def union(geoms):
    return QgsGeometry.unaryUnion(list(geoms))


def write_gpkg(path, layers, epsg, description):
    """layers: [(name, fields[(name, ogr type)], rows[(geometry or None, {field: value})])] -> a new GeoPackage
    (tools/make_sample_detailed.py's and the tests' too): a table where the first row has no geometry, points
    where it is a point, multipolygons otherwise; a None value is left empty."""
    if os.path.exists(path):
        os.remove(path)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    for name, fields, rows in layers:
        kind = _layer_type(rows)
        layer = dataset.CreateLayer(name, None if kind == ogr.wkbNone else srs, kind, ["FID=fid"])
        for field_name, field_type in fields:
            layer.CreateField(ogr.FieldDefn(field_name, field_type))
        layer.SetMetadataItem("DESCRIPTION", description)
        for geometry, values in rows:
            feature = ogr.Feature(layer.GetLayerDefn())
            for key, value in values.items():
                if value is not None:
                    feature.SetField(key, value)
            if geometry is not None:
                shape = QgsGeometry(geometry)
                if kind == ogr.wkbMultiPolygon:
                    shape.convertToMultiType()
                feature.SetGeometry(ogr.CreateGeometryFromWkb(bytes(shape.asWkb())))
            layer.CreateFeature(feature)
    dataset.SetMetadataItem("DESCRIPTION", description)
    dataset = None


def _layer_type(rows):
    if rows and rows[0][0] is None:
        return ogr.wkbNone
    if rows and QgsWkbTypes.flatType(rows[0][0].wkbType()) == QgsWkbTypes.Point:
        return ogr.wkbPoint
    return ogr.wkbMultiPolygon


S, R, I = ogr.OFTString, ogr.OFTReal, ogr.OFTInteger


# ---------------------------------------------------------------- township one map (seed 002)
def town_seat():
    """118.13 ha: 1181.3 m x 1000 m around the corner shared by the four town-seat villages."""
    cx, cy = cell_origin(2, 2)
    return rect(cx - 590.65, cy - 500.0, cx + 590.65, cy + 500.0)


def industrial_park():
    return local(3, 2, 600, 600, 1400, 1200)         # 新材料产业园, 48 ha


FARMLAND_PATCHES = [(200, 200, 900, 700), (200, 1000, 900, 1400)]   # per village, local metres
DUCUN = (0, 0)
DUCUN_HERITAGE = (1200, 300, 1500, 600)              # 历史文化保护线 in 杜村 (特色保护类)
ECO_CONTROL = ((0, 1), (1200, 1200, 1900, 1900))     # a 生态控制区 in 柏子沟村


def township_layers():
    boundary = union([town_seat(), industrial_park()])
    cjdcq, farmland, zones = [], [], []
    allocations = []
    for index, ((col, row), name, klass) in enumerate(VILLAGES + COMMUNITIES):
        code = TOWN_CODE + ("{:03d}".format(201 + index) if index < len(VILLAGES)
                            else "{:03d}".format(1 + index - len(VILLAGES)))
        cell = local(col, row, 0, 0, CELL, CELL)
        cjdcq.append((cell, {"XZQDM": code, "XZQMC": name.rstrip("*"), "CZFL": klass}))
        patches = []
        if index < len(VILLAGES):
            for number, box in enumerate(FARMLAND_PATCHES):
                patch = local(col, row, *box).difference(boundary)
                if not patch.isEmpty():
                    patches.append(patch)
                    farmland.append((patch, {"YJJBNTTBBH": "{}-{}".format(code, number + 1), "DLBM": "0103",
                                             "XZQDM": code, "YJJBNTTBMJ": round(patch.area(), 2)}))
            farmland_ha = sum(ellipsoidal_m2(p, 4546) for p in patches) / 10000.0     # allocations are ellipsoidal
            for indicator, value in (("耕地保有量", 110.0 if (col, row) == DUCUN else round(farmland_ha, 4)),
                                     ("永久基本农田保护面积", round(farmland_ha, 4)),
                                     ("生态保护红线面积", 0.0),
                                     ("村庄建设用地规模", 8.5),
                                     ("建设用地总规模", 10.0)):
                allocations.append((None, {"XZQDM": code, "ZBMC": indicator, "ZBZ": value, "DW": "公顷"}))
        rest = cell.difference(boundary)
        for patch in patches:
            zones.append((patch, {"GHFQDM": "03", "GHFQMC": "农田保护区"}))
            rest = rest.difference(patch)
        if (col, row) == ECO_CONTROL[0]:
            eco = local(col, row, *ECO_CONTROL[1])
            zones.append((eco, {"GHFQDM": "02", "GHFQMC": "生态控制区"}))
            rest = rest.difference(eco)
        inside = cell.intersection(boundary)
        if not inside.isEmpty():
            zones.append((inside, {"GHFQDM": "0401", "GHFQMC": "城镇集中建设区"}))
        zones.append((rest, {"GHFQDM": "0502", "GHFQMC": "一般农业区"}))
    czkfbj = [(town_seat(), {"GHFQDM": "0401", "GHFQMC": "城镇集中建设区", "BZ": "镇政府驻地"}),
              (industrial_park(), {"GHFQDM": "0401", "GHFQMC": "城镇集中建设区", "BZ": "新材料产业园"})]
    heritage = [(local(*DUCUN, *DUCUN_HERITAGE), {"MC": "杜村传统村落核心保护范围"})]
    return [
        ("YJJBNTBHTB", [("YJJBNTTBBH", S), ("DLBM", S), ("XZQDM", S), ("YJJBNTTBMJ", R)], farmland),
        ("CZKFBJ", [("GHFQDM", S), ("GHFQMC", S), ("BZ", S)], czkfbj),
        ("LSWHBHX", [("MC", S)], heritage),
        ("GHFQ", [("GHFQDM", S), ("GHFQMC", S)], zones),
        ("CJDCQ", [("XZQDM", S), ("XZQMC", S), ("CZFL", S)], cjdcq),
        ("CJZBFJ", [("XZQDM", S), ("ZBMC", S), ("ZBZ", R), ("DW", S)], allocations),
    ]


# ---------------------------------------------------------------- county one map (seed 000)
COUNTY_X0, COUNTY_Y0 = 440000.0, 4180000.0
COUNTIES = [("140302", "城区"), ("140303", "矿区"), ("140311", "郊区"), ("140321", "平定县"), ("140322", "盂县")]


def county_layers():
    size = 10000.0
    xzq, red, farmland, heritage, zones = [], [], [], [], []
    for i, (code, name) in enumerate(COUNTIES):
        x0 = COUNTY_X0 + i * size
        xzq.append((rect(x0, COUNTY_Y0, x0 + size, COUNTY_Y0 + size), {"XZQDM": code, "XZQMC": name}))
        red_zone = rect(x0 + 6000, COUNTY_Y0 + 6000, x0 + 9500, COUNTY_Y0 + 9500)
        red.append((red_zone, {"XJXZQDM": code, "XJXZQMC": name, "LHLX": "水源涵养", "MJ": red_zone.area()}))
        zones.append((red_zone, {"GHFQDM": "01", "GHFQMC": "生态保护区"}))
        for j in range(3):
            patch = rect(x0 + 500 + j * 1800, COUNTY_Y0 + 500, x0 + 1700 + j * 1800, COUNTY_Y0 + 2500)
            farmland.append((patch, {"YJJBNTTBBH": "{}-{}".format(code, j + 1), "DLBM": "0102",
                                     "XZQDM": code, "YJJBNTTBMJ": patch.area()}))
            zones.append((patch, {"GHFQDM": "03", "GHFQMC": "农田保护区"}))
        heritage.append((rect(x0 + 3000, COUNTY_Y0 + 7000, x0 + 3400, COUNTY_Y0 + 7300),
                         {"MC": "{}历史文化街区（示例）".format(name)}))
    urban = rect(COUNTY_X0 + 2000, COUNTY_Y0 + 3000, COUNTY_X0 + 29000, COUNTY_Y0 + 5500)
    czkfbj = [(urban, {"GHFQDM": "0401", "GHFQMC": "城镇集中建设区", "BZ": "中心城区"})]
    zones.append((urban, {"GHFQDM": "0401", "GHFQMC": "城镇集中建设区"}))
    return [
        ("XZQ", [("XZQDM", S), ("XZQMC", S)], xzq),
        ("STBHHX", [("XJXZQDM", S), ("XJXZQMC", S), ("LHLX", S), ("MJ", R)], red),
        ("YJJBNTBHTB", [("YJJBNTTBBH", S), ("DLBM", S), ("XZQDM", S), ("YJJBNTTBMJ", R)], farmland),
        ("CZKFBJ", [("GHFQDM", S), ("GHFQMC", S), ("BZ", S)], czkfbj),
        ("LSWHBHX", [("MC", S)], heritage),
        ("GHFQ", [("GHFQDM", S), ("GHFQMC", S)], zones),
    ]


# ---------------------------------------------------------------- 杜村 village plans
# Parcels in drawing priority: each takes its box minus every earlier parcel; 0301 林地 fills the rest.
CLEAN_PARCELS = [
    ("0103", "旱地", FARMLAND_PATCHES[0]),
    ("0103", "旱地", FARMLAND_PATCHES[1]),
    ("0703", "农村宅基地", (1000, 800, 1400, 1000)),
    ("0102", "水浇地", (1000, 1200, 1800, 1800)),
    ("0301", "乔木林地", DUCUN_HERITAGE),
]
SEEDED_PARCELS = [
    ("0703", "农村宅基地", (850, 600, 950, 700)),          # C1 overlaps 永久基本农田 by 50 x 100
    ("1207", "村庄内部道路用地", (950, 0, 1000, 2000)),      # 2020 name for 1207 -> warning
    ("070102", "二类城镇住宅用地", (1500, 100, 1700, 250)),  # C2 urban housing outside 城镇开发边界, 30000 m2
    ("1001", "工业用地", (1500, 250, 1700, 400)),            # village industry outside it: no CL-05 finding
    ("0703", "农村宅基地", (1400, 500, 1600, 700)),          # C4 inside 历史文化保护线 by 100 x 100
    ("0799", "未知用地", (1900, 1900, 2000, 2000)),          # C5 code not in the 2023 list
    ("0103", "旱地", (1900, 1000, 1910, 1030)),              # C9 sliver, 300 m2 < 400 m2
] + CLEAN_PARCELS
GAP_BOX = (1800, 100, 1900, 200)                             # C8 left uncovered: 10000 m2
BOWTIE_BOX = (1600, 1800, 1700, 1900)                        # C6 slot holding a self-intersecting parcel
OVERLAP_BOX = (300, 1500, 500, 1700)                         # C7 extra 0304 parcel over 林地: 40000 m2
FARMLAND_CUT = (200, 1000, 300, 1400)                        # C10 dropped from the plan's 永久基本农田


def partition(parcels, holes=()):
    taken = union([local(*DUCUN, *box) for box in holes]) if holes else QgsGeometry()
    rows = []
    for code, name, box in parcels:
        geometry = local(*DUCUN, *box)
        if not taken.isEmpty():
            geometry = geometry.difference(taken)
        if not geometry.isEmpty():
            rows.append((geometry, {"GHDLBM": code, "GHDLMC": name}))
            taken = union([taken, geometry]) if not taken.isEmpty() else geometry
    rows.append((local(*DUCUN, 0, 0, CELL, CELL).difference(taken), {"GHDLBM": "0301", "GHDLMC": "乔木林地"}))
    return rows


def shifted(geometry, dx):
    moved = QgsGeometry(geometry)
    moved.translate(dx, 0)
    return moved


def village_layers(seeded):
    code = TOWN_CODE + "205"                       # 杜村 is the fifth village
    boundary = [(local(*DUCUN, 0, 0, CELL, CELL), {"XZQDM": code, "XZQMC": "杜村", "CZFL": "特色保护类"})]
    if not seeded:
        parcels = partition(CLEAN_PARCELS)
        farmland = [local(*DUCUN, *box) for box in FARMLAND_PATCHES]
    else:
        parcels = partition(SEEDED_PARCELS, holes=[GAP_BOX, BOWTIE_BOX])
        ox, oy = cell_origin(*DUCUN)
        x0, y0, x1, y1 = BOWTIE_BOX
        bowtie = QgsGeometry.fromWkt("POLYGON(({a} {b},{c} {d},{c} {b},{a} {d},{a} {b}))".format(
            a=ox + x0, b=oy + y0, c=ox + x1, d=oy + y1))
        parcels.append((bowtie, {"GHDLBM": "0301", "GHDLMC": "乔木林地"}))
        parcels.append((local(*DUCUN, *OVERLAP_BOX), {"GHDLBM": "0304", "GHDLMC": "其他林地"}))
        farmland = [local(*DUCUN, *FARMLAND_PATCHES[0]),
                    local(*DUCUN, *FARMLAND_PATCHES[1]).difference(local(*DUCUN, *FARMLAND_CUT))]
    dx = ZONE37_PREFIX if seeded else 0.0
    parcels = [(shifted(g, dx), dict(v, BSM=str(i + 1))) for i, (g, v) in enumerate(parcels)]
    return [
        ("GHDLTB", [("BSM", S), ("GHDLBM", S), ("GHDLMC", S)], parcels),
        ("CJDCQ", [("XZQDM", S), ("XZQMC", S), ("CZFL", S)], [(shifted(g, dx), v) for g, v in boundary]),
        ("永久基本农田", [("DLBM", S)], [(shifted(g, dx), {"DLBM": "0103"}) for g in farmland]),
    ]


EXPECTED = {
    "village_conflicts.gpkg": {
        "overlap_farmland_m2": 5000.0,        # C1
        "outside_boundary_m2": 30000.0,       # C2 (070102 城镇住宅用地); 0703/0704 and village land exempt
        "heritage_m2": 10000.0,               # C4
        "bad_code": "0799",                   # C5
        "alias_2020_name": "村庄内部道路用地",   # 2020 name of 1207
        "invalid_geometries": 1,              # C6 (self-intersection at the bowtie's centre)
        "plan_overlap_m2": 40000.0,           # C7
        "gap_m2": [10000.0, 2500.0, 2500.0],  # C8, and the two triangles the bowtie leaves open
        "sliver_m2": 300.0,                   # C9
        "farmland_lost_m2": 40000.0,          # C10
    },
    "village_clean.gpkg": {"findings": 0},
}


def indicator_areas(layers, epsg):
    """Indicator figures of a village plan on the CGCS2000 ellipsoid (pyproj, see geodesic.py), m², 2 decimals.

    Classes are read from the shipped rule set, so a class change moves these figures with it.
    """
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from plugin.core.check.ruleset import load_ruleset
    rules = load_ruleset("village-default")
    rows = dict((name, rows) for name, _fields, rows in layers)
    parcels = [(g, v["GHDLBM"]) for g, v in rows["GHDLTB"]]

    def of(classes):
        codes = rules.codes(classes)
        return round(sum(ellipsoidal_m2(g, epsg) for g, code in parcels if code in codes), 2)
    return {"耕地保有量": of(["耕地"]),
            "永久基本农田保护面积": round(sum(ellipsoidal_m2(g, epsg) for g, _v in rows["永久基本农田"]), 2),
            "村庄建设用地规模": of(["村庄建设用地"]), "建设用地总规模": of(["建设用地"])}


def main(folder):
    os.makedirs(folder, exist_ok=True)
    write_gpkg(os.path.join(folder, "township_onemap.gpkg"), township_layers(), 4546,
               "阳泉曲镇国土空间总体规划一张图（示例）. " + INVENTED)
    write_gpkg(os.path.join(folder, "county_onemap.gpkg"), county_layers(), 4547,
               "阳泉市县级一张图（示例）. " + INVENTED)
    write_gpkg(os.path.join(folder, "village_clean.gpkg"), village_layers(False), 4546,
               "杜村村庄规划（示例，无冲突）. " + INVENTED)
    write_gpkg(os.path.join(folder, "village_conflicts.gpkg"), village_layers(True), 4525,
               "杜村村庄规划（示例，含预置冲突，带带号坐标）. " + INVENTED)
    expected = dict(EXPECTED)
    expected["village_conflicts.gpkg"]["indicators_m2"] = indicator_areas(village_layers(True), 4525)
    expected["village_clean.gpkg"]["indicators_m2"] = indicator_areas(village_layers(False), 4546)
    if os.path.exists(os.path.join(folder, "expected.yaml")):
        os.remove(os.path.join(folder, "expected.yaml"))      # written anew; the later generators add sections
    for section, values in expected.items():
        merge_expected(folder, section, values)
    print(folder)


def merge_expected(folder, section, values):
    """Add or replace one section of <folder>/expected.yaml, keeping the others (tools/make_sample*.py)."""
    path = os.path.join(folder, "expected.yaml")
    data = yaml.safe_load(open(path, encoding="utf-8")) if os.path.exists(path) else {}
    data[section] = values
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("# Seeded conflicts of the sample plans and their exact (planar) areas; indicator figures are\n"
                     "# ellipsoidal (CGCS2000, computed with pyproj, independently of QGIS). tools/make_sample*.py\n")
        yaml.safe_dump(data, handle, allow_unicode=True, sort_keys=False)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "resources", "sample"))
