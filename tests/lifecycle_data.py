"""A small one map and village plans of rectangles for the life-cycle tests: every area known by arithmetic.

The village 测试村 is the square (0,0)–(1000,1000) m from X0, Y0 in EPSG:4546 (CGCS2000 3° zone 37, no
prefix). Plan A, approved first, holds a school (0804 教育用地) of 200 × 100 m = 20 000 m²; plan B puts housing
(0701) on it and changes nothing else.
"""
import os

from osgeo import ogr

from helpers import gpkg, square

X0, Y0 = 560000.0, 4100000.0
EPSG = 4546
VILLAGE_CODE = "141181106205"
PARCEL_FIELDS = [("BSM", ogr.OFTString), ("YDYHFLDM", ogr.OFTString), ("YDYHFLMC", ogr.OFTString)]
NAMES = {"0804": "教育用地", "0701": "城镇住宅用地", "0703": "农村宅基地", "1401": "公园绿地", "0103": "旱地",
         "0301": "乔木林地", "0799": "未知"}

PLAN_A = [("1", "0804", (0, 0, 200, 100)), ("2", "0703", (200, 0, 1000, 100)), ("3", "1401", (0, 100, 500, 300)),
          ("4", "0103", (500, 100, 1000, 300)), ("5", "0301", (0, 300, 1000, 1000))]
PLAN_B = [("1", "0701", (0, 0, 200, 100))] + PLAN_A[1:]                     # the school becomes housing
PLAN_C = PLAN_B[:2] + [("3a", "0804", (0, 100, 250, 300)), ("3b", "1401", (250, 100, 500, 300))] + PLAN_B[3:]
PLAN_D = [("1", "0703", (0, 0, 600, 100))]                                   # only part of the village


def box(x0, y0, x1, y1, dx=0.0):
    return square(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1, dx)


def village(extent=(0, 0, 1000, 1000), dx=0.0):
    return ([("XZQDM", ogr.OFTString), ("XZQMC", ogr.OFTString)],
            [(box(*extent, dx=dx), {"XZQDM": VILLAGE_CODE, "XZQMC": "测试村"})])


def one_map(path, shifts=(0.0,)):
    """The one map: the village (one per shift in x) and a heritage line far from it (a control layer, so a
    check can run)."""
    fields, _rows = village()
    return gpkg(path, EPSG, {
        "CJDCQ": (fields, [row for dx in shifts for row in village(dx=dx)[1]]),
        "LSWHBHX": ([("MC", ogr.OFTString)], [(box(5000, 5000, 5100, 5100), {"MC": "远处的保护线"})]),
    })


def plan(path, parcels, dx=0.0, epsg=EPSG, boundary=(0, 0, 1000, 1000)):
    """A village plan: its parcels (label, code, box) and its boundary (`dx`: shift, e.g. a zone prefix)."""
    rows = [(box(*extent, dx=dx), {"BSM": label, "YDYHFLDM": code, "YDYHFLMC": NAMES[code]})
            for label, code, extent in parcels]
    return gpkg(path, epsg, {"GHYDYH": (PARCEL_FIELDS, rows), "CJDCQ": village(boundary, dx)})


def sha256(path):
    import hashlib
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def files(folder):
    """The files in a folder (a one map's -journal or -wal left behind shows here)."""
    return sorted(os.listdir(folder))
