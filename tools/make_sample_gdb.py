#!/usr/bin/env python3
"""Generate 杜村's village plan in the structure of a real village-plan database (deterministic).

Writes <folder>/village_realdb/ holding two FileGDBs (GDAL's OpenFileGDB writer), as deliveries do:
- 村庄规划数据库.gdb, CGCS2000 3° zone 37 with the zone number in x (EPSG:4525), feature datasets
  JJYZQ (CJDCQ, CJDCQJX), MBNGH (GHDLTB, GKBJ, LSWHBHQ, GHGGJCSSD) and JQXZ (JQDLTB, GGJCSSD);
- 规划表格.gdb with the tables GHZBB, JQJSXMJHB and KJGNJGTZB.
Structure after the public village database template (rule-review [S13]); the geometry, codes and
figures are invented. The base year has 耕地 where the plan puts new homes and a school, so the
plan takes cropland; expected.yaml (section village_realdb) holds every figure a check must give:
conflict areas planar and exact, indicator figures ellipsoidal from pyproj (independent of QGIS).
"""
import os
import shutil
import sys

from geodesic import ellipsoidal_m2
from make_sample import (CELL, DUCUN, DUCUN_HERITAGE, FARMLAND_PATCHES, INVENTED, TOWN_CODE, ZONE37_PREFIX, local,
                         merge_expected)
from osgeo import gdal, ogr, osr
from qgis.core import QgsGeometry

ogr.UseExceptions()
gdal.UseExceptions()

EPSG = 4525                                     # zone 37 with the prefix in x
FOLDER = "village_realdb"
VILLAGE = TOWN_CODE + "205"                     # 杜村, as in the township one map
S, R = ogr.OFTString, ogr.OFTReal

# Planned parcels (code, name, box in the village's local metres); the rest of the village is 0301.
PLANNED = [
    ("0103", "旱地", FARMLAND_PATCHES[0]),
    ("0103", "旱地", FARMLAND_PATCHES[1]),
    ("0301", "乔木林地", (200, 1500, 400, 1700)),         # P3 planned forest on base-year 耕地: 耕地转出
    ("0703", "农村宅基地", (1000, 800, 1400, 1000)),      # P4 existing homes (base year 0703)
    ("0703", "农村宅基地", (1000, 1000, 1200, 1100)),     # P5 new homes on base-year 耕地
    ("0804", "教育用地", (1200, 1000, 1400, 1100)),       # P6 new school on base-year 耕地
    ("0901", "商业用地", (1500, 1500, 1600, 1600)),       # P7 new shop outside the 村庄集中建设区
    ("1207", "城镇村道路用地", (950, 0, 1000, 2000)),     # P8 existing village road
    ("1504", "文物古迹用地", (1250, 350, 1350, 450)),     # P9 relic inside the heritage line
    ("0703", "农村宅基地", (1400, 500, 1500, 600)),       # P10 new home inside the heritage line
    ("0103", "旱地", (1600, 200, 1800, 400)),             # P11 new cropland on base-year forest: 耕地转入
    ("0102", "水浇地", (1000, 1200, 1800, 1800)),         # P12 kept (minus P7)
]
# Base year (code, name, box, KCXS 田坎系数); the rest is 0301.
BASE = [
    ("0103", "旱地", FARMLAND_PATCHES[0], 0.08),
    ("0103", "旱地", FARMLAND_PATCHES[1], 0.08),
    ("0103", "旱地", (200, 1500, 400, 1700), 0.10),
    ("0703", "农村宅基地", (1000, 800, 1400, 1000), None),
    ("0103", "旱地", (1000, 1000, 1400, 1100), 0.10),
    ("1207", "城镇村道路用地", (950, 0, 1000, 2000), None),
    ("1504", "文物古迹用地", (1250, 350, 1350, 450), None),
    ("0301", "乔木林地", (1500, 1500, 1600, 1600), None),
    ("0102", "水浇地", (1000, 1200, 1800, 1800), 0.05),
]
CORE = (1000, 800, 1400, 1100)                  # GKBJ 0301 村庄集中建设区
WRONG_GHDLMJ = 6                                # P7's recorded area is off by 500 m² (面积一致性)
WRONG_TABLE = "村域建设用地总面积"               # GHZBB's figure off by 0.5 公顷 (表-库一致)


def box(b):
    geometry = local(*DUCUN, *b)
    geometry.translate(ZONE37_PREFIX, 0)
    return geometry


def partition(entries):
    """Each entry's box minus the earlier ones; 0301 fills the rest of the village."""
    taken, rows = QgsGeometry(), []
    for entry in entries:
        geometry = box(entry[2])
        if not taken.isEmpty():
            geometry = geometry.difference(taken)
        rows.append((geometry,) + tuple(entry))
        taken = geometry if taken.isEmpty() else QgsGeometry.unaryUnion([taken, geometry])
    rest = box((0, 0, CELL, CELL)).difference(taken)
    return rows, rest


def ha(m2):
    return round(m2 / 10000.0, 4)


def build():
    planned, rest = partition(PLANNED)
    planned.append((rest, "0301", "乔木林地", None))
    parcels = []
    for number, (geometry, code, name, _b) in enumerate(planned, start=1):
        area = round(ellipsoidal_m2(geometry, EPSG), 2)
        recorded = area + 500.0 if number == WRONG_GHDLMJ + 1 else area
        parcels.append((geometry, {"BSM": "{:08d}".format(number), "YSDM": "2090010100", "TBBH": "{:04d}".format(number),
                                   "GHDLBM": code, "GHDLMC": name, "GHDLMJ": recorded, "SSBJLX": "C"}))
    base_rows, base_rest = partition([(c, n, b) for c, n, b, _k in BASE])
    shares = [k for _c, _n, _b, k in BASE] + [None]
    base_rows.append((base_rest, "0301", "乔木林地", None))
    base = []
    for number, ((geometry, code, name, _b), share) in enumerate(zip(base_rows, shares), start=1):
        area = round(ellipsoidal_m2(geometry, EPSG), 2)
        values = {"BSM": "{:08d}".format(1000 + number), "TBBH": "{:04d}".format(number), "JQDLBM": code,
                  "JQDLMC": name, "TBMJ": area, "ZLDWDM": VILLAGE, "SJNF": 2022}
        if share:
            values.update(KCDLBM="2303", KCXS=share, KCMJ=round(area * share, 2), TBDLMJ=round(area * (1 - share), 2))
        base.append((geometry, values))
    return parcels, base


def figures(parcels, base):
    """The expected figures, each worked out from the boxes (planar exact; ellipsoidal via pyproj)."""
    def ell(b):
        return ellipsoidal_m2(box(b), EPSG)
    net = {tuple(b): 1.0 - (k or 0.0) for _c, _n, b, k in BASE}
    p = {i + 1: entry[2] for i, entry in enumerate(PLANNED)}
    new_homes, school, shop, heritage_home = ell(p[5]), ell(p[6]), ell(p[7]), ell(p[10])
    taken = (new_homes + school) * 0.90
    gained = ell(p[11])
    lost = ell(p[3]) * 0.90
    kept_cropland = ell(p[1]) * net[tuple(p[1])] + ell(p[2]) * net[tuple(p[2])]
    dry_garden = sum(ellipsoidal_m2(g, EPSG) for g, v in parcels if v["GHDLBM"] == "0102")
    planned_cropland = kept_cropland + gained + dry_garden * 0.95
    village_codes = ("0703", "0804", "0901", "1207")
    village_land = sum(ellipsoidal_m2(g, EPSG) for g, v in parcels if v["GHDLBM"] in village_codes)
    construction = village_land + ell(p[9])
    base_cropland = sum(ellipsoidal_m2(g, EPSG) * (1.0 - (v.get("KCXS") or 0.0)) for g, v in base
                        if v["JQDLBM"].startswith("01"))
    return {
        "CL-07_m2": 10000.0,                      # P7 outside 村庄集中建设区 (planar, exact)
        "CL-03_m2": 10000.0, "CL-08_m2": 10000.0,  # P10 new home in the heritage line; P9 1504 exempt
        "GEO-06_parcel_bsm": "{:08d}".format(WRONG_GHDLMJ + 1),
        "新增建设用地": round(new_homes + school + shop + heritage_home, 2),
        "建设占用耕地": round(taken, 2),
        "耕地转入": round(gained, 2),
        "耕地转出": round(lost, 2),
        "耕地进出平衡": round(gained - lost, 2),
        "耕地保有量": round(planned_cropland, 2),
        "耕地保有量_gross": round(kept_cropland / 0.92 + gained + dry_garden, 2),
        "村庄建设用地规模": round(village_land, 2),
        "建设用地总规模": round(construction, 2),
        "基期耕地": round(base_cropland, 2),
        "TAB-01_indicator": WRONG_TABLE,
        # BASE-01: per parcel (BSM) the ground that changed, counted once; 建设占用耕地 lies inside 新增建设用地
        "BASE-01_m2": {"{:08d}".format(i): round(ell(p[i]), 2) for i in (3, 5, 6, 7, 10, 11)},
        "BASE-01_total_m2": round(new_homes + school + shop + heritage_home + gained + ell(p[3]), 2),
    }


def create(path):
    if os.path.exists(path):
        shutil.rmtree(path)
    return ogr.GetDriverByName("OpenFileGDB").CreateDataSource(path)


def add_layer(dataset, name, alias, fields, rows, geometry_type=ogr.wkbMultiPolygon, dataset_name=None):
    srs = None
    if geometry_type != ogr.wkbNone:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(EPSG)
    options = ["LAYER_ALIAS=" + alias] + (["FEATURE_DATASET=" + dataset_name] if dataset_name else [])
    layer = dataset.CreateLayer(name, srs, geometry_type, options)
    for field_name, field_type, *width in fields:
        definition = ogr.FieldDefn(field_name, field_type)
        if width:
            definition.SetWidth(width[0])
        layer.CreateField(definition)
    for geometry, values in rows:
        feature = ogr.Feature(layer.GetLayerDefn())
        for key, value in values.items():
            feature.SetField(key, value)
        if geometry is not None:
            if geometry_type == ogr.wkbMultiPolygon:
                geometry = QgsGeometry(geometry)
                geometry.convertToMultiType()
            feature.SetGeometry(ogr.CreateGeometryFromWkb(bytes(geometry.asWkb())))
        layer.CreateFeature(feature)


def main(folder):
    parcels, base = build()
    expected = figures(parcels, base)
    target = os.path.join(folder, FOLDER)
    os.makedirs(target, exist_ok=True)
    village = box((0, 0, CELL, CELL))
    database = create(os.path.join(target, "村庄规划数据库.gdb"))
    add_layer(database, "CJDCQ", "村级调查区", [("BSM", S, 18), ("YSDM", S, 10), ("ZLDWDM", S, 19), ("ZLDWMC", S, 255),
                                                ("JSMJ", R), ("CZLX", S, 50), ("MSSM", S, 2), ("BZ", S, 255)],
              [(village, {"BSM": "1", "YSDM": "1000600100", "ZLDWDM": VILLAGE, "ZLDWMC": "杜村",
                          "JSMJ": round(ellipsoidal_m2(village, EPSG), 2), "CZLX": "特色保护类", "BZ": INVENTED})],
              dataset_name="JJYZQ")
    add_layer(database, "CJDCQJX", "村级调查区界线", [("BSM", S, 18), ("JXLX", S, 6), ("JXXZ", S, 6)],
              [(QgsGeometry.fromPolylineXY(village.asPolygon()[0]), {"BSM": "1", "JXLX": "650200", "JXXZ": "600001"})],
              geometry_type=ogr.wkbLineString, dataset_name="JJYZQ")
    add_layer(database, "GHDLTB", "规划地类图斑", [("BSM", S, 18), ("YSDM", S, 10), ("TBBH", S, 8), ("GHDLBM", S, 6),
                                                  ("GHDLMC", S, 60), ("GHDLMJ", R), ("SSBJLX", S, 1), ("BZ", S, 255)],
              parcels, dataset_name="MBNGH")
    gkbj = [(box(b), {"GKBJLXDM": "0202", "GKBJLXMC": "永久基本农田"}) for b in FARMLAND_PATCHES]
    gkbj.append((box(CORE), {"GKBJLXDM": "0301", "GKBJLXMC": "村庄集中建设区"}))
    for geometry, values in gkbj:
        values["MJ"] = round(ellipsoidal_m2(geometry, EPSG), 2)
    add_layer(database, "GKBJ", "管控边界", [("GKBJLXDM", S, 4), ("GKBJLXMC", S, 50), ("MJ", R)], gkbj,
              dataset_name="MBNGH")
    add_layer(database, "LSWHBHQ", "历史文化保护区", [("LSWHLX", S, 50), ("LSWHLXDM", S, 4), ("JBDM", S, 2)],
              [(box(DUCUN_HERITAGE), {"LSWHLX": "传统村落", "LSWHLXDM": "0301", "JBDM": "03"})], dataset_name="MBNGH")
    school = box(PLANNED[5][2]).centroid()
    add_layer(database, "GHGGJCSSD", "规划公共服务设施点", [("GHSSLXDM", S, 10), ("GHSSLXMC", S, 50)],
              [(school, {"GHSSLXDM": "080403", "GHSSLXMC": "中小学"})], geometry_type=ogr.wkbPoint,
              dataset_name="MBNGH")
    add_layer(database, "JQDLTB", "基期地类图斑", [("BSM", S, 18), ("TBBH", S, 8), ("JQDLBM", S, 6), ("JQDLMC", S, 60),
                                                  ("ZLDWDM", S, 19), ("TBMJ", R), ("KCDLBM", S, 5), ("KCXS", R),
                                                  ("KCMJ", R), ("TBDLMJ", R), ("SJNF", ogr.OFTInteger)],
              base, dataset_name="JQXZ")
    add_layer(database, "GGJCSSD", "公共基础设施点", [("SSLXDM", S, 10), ("SSLXMC", S, 50)],
              [(box(PLANNED[3][2]).centroid(), {"SSLXDM": "0704", "SSLXMC": "村委会"})], geometry_type=ogr.wkbPoint,
              dataset_name="JQXZ")
    database = None
    tables = create(os.path.join(target, "规划表格.gdb"))
    rows = []
    for name, attribute, base_m2, planned_m2 in (
            ("耕地保有量", "约束性", expected["基期耕地"], expected["耕地保有量"]),
            ("村庄建设用地规模", "预期性", None, expected["村庄建设用地规模"]),
            (WRONG_TABLE, "约束性", None, expected["建设用地总规模"] + 5000.0)):
        values = {"XZQDM": VILLAGE, "XZQMC": "杜村", "ZBMC": name, "ZBSX": attribute, "ZBDW": "公顷",
                  "GHMBN": ha(planned_m2)}
        if base_m2 is not None:
            values["XZJQN"] = ha(base_m2)
        rows.append((None, values))
    add_layer(tables, "GHZBB", "规划指标表", [("XZQDM", S, 12), ("XZQMC", S, 100), ("ZBMC", S, 100), ("ZBSX", S, 20),
                                             ("ZBDW", S, 20), ("XZJQN", R), ("GHMBN", R)], rows, ogr.wkbNone)
    add_layer(tables, "JQJSXMJHB", "近期建设项目计划表", [("XMMC", S, 100), ("XMLX", S, 50), ("JSNX", S, 20)],
              [(None, {"XMMC": "杜村小学新建（示例）", "XMLX": "公共服务", "JSNX": "2025-2027"})], ogr.wkbNone)
    add_layer(tables, "KJGNJGTZB", "空间功能结构调整表", [("YDMC", S, 100), ("JQNMJ", R), ("MBNMJ", R)],
              [(None, {"YDMC": "耕地", "JQNMJ": ha(expected["基期耕地"]), "MBNMJ": ha(expected["耕地保有量"])})],
              ogr.wkbNone)
    tables = None
    merge_expected(folder, FOLDER, expected)
    print(target)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "resources", "sample"))
