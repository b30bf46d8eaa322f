"""Indicator figures of a plan in the basis allocations and 三调 figures use.

Allocations and survey figures are ellipsoidal areas on the CGCS2000 ellipsoid (国土调查办发〔2008〕32号),
and 耕地 is counted net of 田坎 where the base year gives the deduction (KCXS, TBDLMJ, KCMJ). Conflict
areas in findings stay planar in the working 3° zone; these figures are for indicators only.
"""
from qgis.core import QgsDistanceArea

from ..read.codes import code_list
from .baseyear import tiankan_share
from .geomops import polygonal, union

CGCS2000_ELLIPSOID = "EPSG:1024"
DENSIFY_M = 100.0
M2_PER_HA = 10000.0
M2_PER_MU = 10000.0 / 15.0
BASIS = "椭球面积（CGCS2000）"
BASIS_NET = "椭球面积（CGCS2000），耕地扣除田坎"


class Measures:
    def __init__(self, ctx):
        self.ctx = ctx
        self.distance = QgsDistanceArea()
        self.distance.setSourceCrs(ctx.crs, ctx.transform_context)
        self.distance.setEllipsoid(CGCS2000_ELLIPSOID)
        rules = ctx.ruleset
        self.construction = rules.codes(["建设用地"])
        self.cropland = rules.codes(["耕地"])
        self._changes = None
        self._parcel_area = {}                  # fid -> ellipsoidal m² of a land-use parcel (several indicators)

    def area(self, geometry):
        """Ellipsoidal area in m² of a geometry in the working CRS.

        Edges are densified first: a parcel's edge is straight in the projection, and QgsDistanceArea
        alone is 0.7 m² off on a 50 m × 2 km strip (0.001 m² at 100 m steps; pyproj's geodesic agrees).
        """
        if geometry is None or geometry.isEmpty():
            return 0.0
        box = geometry.boundingBox()
        if box.width() ** 2 + box.height() ** 2 > DENSIFY_M ** 2:    # else no edge is that long: nothing to add
            geometry = geometry.densifyByDistance(DENSIFY_M)
        return self.distance.measureArea(geometry)

    def landuse(self):
        layer = self.ctx.plan_layer("GHYDYH")
        return layer.features if layer is not None else []

    def parcel_area(self, feature):
        if feature.fid not in self._parcel_area:
            self._parcel_area[feature.fid] = self.area(feature.shape)
        return self._parcel_area[feature.fid]

    def of_codes(self, codes):
        return sum(self.parcel_area(f) for f in self.landuse() if f.code in codes)

    def of_layer(self, key):
        """The plan layer's total, or None when the plan has no such layer."""
        layer = self.ctx.plan_layer(key)
        return None if layer is None else sum(self.area(f.shape) for f in layer.features)

    def net(self, feature):
        """Ellipsoidal area of a planned cropland parcel net of the base year's 田坎 share under it."""
        base = self.ctx.base_year()
        gross = self.parcel_area(feature)
        if not base.available:
            return gross
        return gross - sum(self.area(part) * tiankan_share(old) for old, part in base.pieces(feature.shape, self.cropland))

    def planned_cropland(self):
        return sum(self.net(f) for f in self.landuse() if f.code in self.cropland)

    def base_cropland(self):
        base = self.ctx.base_year()
        return sum(self.area(f.shape) * (1.0 - tiankan_share(f)) for f in base.layer.features
                   if f.code in self.cropland)

    def base_of_codes(self, codes):
        base = self.ctx.base_year()
        return sum(self.area(f.shape) for f in base.layer.features if f.code in codes)

    def changes(self):
        """Per plan parcel (computed once): what changed against the base year and on which ground.

        [(feature, figures, ground)], only parcels with any change: figures {'新增建设用地': m²,
        '建设占用耕地': m², '耕地转入': m², '耕地转出': m²} (cropland net of 田坎; 建设占用耕地 lies inside
        新增建设用地), ground the part of the parcel whose class changed — new construction, cropland
        gained, or cropland given up — counted once.
        """
        if self._changes is None:
            self._changes = self._changes_by_parcel()
        return self._changes

    def _changes_by_parcel(self):
        base = self.ctx.base_year()
        result = []
        if not base.available:
            return result
        for feature in self.landuse():
            if feature.shape.isEmpty():
                continue
            figures = {}
            was_cropland = base.pieces(feature.shape, self.cropland)
            taken = sum(self.area(part) * (1.0 - tiankan_share(old)) for old, part in was_cropland)
            if feature.code in self.construction:
                ground = self._outside(feature.shape, base.part_of(feature.shape, self.construction))
                figures["新增建设用地"] = self.area(ground)
                figures["建设占用耕地"] = taken
            elif feature.code in self.cropland:
                ground = self._outside(feature.shape, base.part_of(feature.shape, self.cropland))
                figures["耕地转入"] = self.area(ground)
            elif feature.code in code_list("ydyh"):
                ground = union(part for _old, part in was_cropland)
                figures["耕地转出"] = taken
            figures = {k: v for k, v in figures.items() if v >= self.ctx.ruleset.noise_m2}
            if figures:
                result.append((feature, figures, ground))
        return result

    @staticmethod
    def _outside(shape, old):
        return polygonal(shape.difference(old)) if not old.isEmpty() else shape

    def totals(self):
        """Sums of changes() by figure, plus the balance 耕地进出平衡 = 转入 − 转出 (m²)."""
        totals = {"新增建设用地": 0.0, "建设占用耕地": 0.0, "耕地转入": 0.0, "耕地转出": 0.0}
        for _feature, figures, _ground in self.changes():
            for key, value in figures.items():
                totals[key] += value
        totals["耕地进出平衡"] = totals["耕地转入"] - totals["耕地转出"]
        return totals
