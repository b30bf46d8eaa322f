"""Indicator figures of a plan in the basis allocations and 三调 figures use.

Allocations and survey figures are ellipsoidal areas on the CGCS2000 ellipsoid (国土调查办发〔2008〕32号),
and 耕地 is counted net of 田坎 where the base year gives the deduction (KCXS, TBDLMJ, KCMJ). Conflict
areas in findings stay planar in the working 3° zone; these figures are for indicators only.
"""
import numpy as np

from ..read.codes import code_list
from .baseyear import tiankan_share
from .ellipsoid import EllipsoidalAreas
from .geomops import polygonal, union
from .inside import within

CGCS2000_ELLIPSOID = "EPSG:1024"
M2_PER_HA = 10000.0
M2_PER_MU = 10000.0 / 15.0
BASIS = "椭球面积（CGCS2000）"
BASIS_NET = "椭球面积（CGCS2000），耕地扣除田坎"
GROUND = object()        # in changes(): the changed ground of a parcel, measured with its figures


class Measures:
    def __init__(self, ctx):
        self.ctx = ctx
        self.ellipsoidal = EllipsoidalAreas(ctx.crs, ctx.transform_context, CGCS2000_ELLIPSOID)
        rules = ctx.ruleset
        self.construction = rules.codes(["建设用地"])
        self.cropland = rules.codes(["耕地"])
        self._changes = None
        self._areas = {}                        # LayerData -> its features' ellipsoidal m² (several rules ask)
        self._moments = {}                      # LayerData -> a Future of its rings' moments (ellipsoid.py)
        self._cropland_pieces = {}              # plan parcel fid -> base.pieces(its shape, cropland)

    def measure_beside(self, layer, beside):
        """Start the NumPy part of `layer`'s areas on `beside` (an executor) while other rules run."""
        if layer not in self._areas and layer not in self._moments:
            self._moments[layer] = beside.submit(self.ellipsoidal.moments, layer.features.wkbs)

    def areas(self, layer):
        """Per feature of `layer` (a LayerData), by number, the ellipsoidal m² of its shape (the geometry
        made valid); NaN where it has none. All features at once, computed once per run."""
        if layer not in self._areas:
            table = layer.features
            started = self._moments.pop(layer, None)
            moments = started.result() if started is not None else self.ellipsoidal.moments(table.wkbs)
            values = self.ellipsoidal.finish(table.wkbs, moments)
            values[table.wkbs.lengths() == 0] = np.nan
            mended = np.flatnonzero(~table.valid())              # made valid: measured as GEOS mends it
            shapes = [table[number].shape for number in mended.tolist()]
            values[mended] = np.where([s.isEmpty() for s in shapes], np.nan, self.areas_of(shapes))
            self._areas[layer] = values
        return self._areas[layer]

    def of_codes(self, codes):
        """The plan's land use of `codes`, summed."""
        landuse = self.ctx.plan_layer("GHYDYH")
        if landuse is None:
            return 0.0
        return float(np.nansum(self.areas(landuse)[_coded(landuse, codes)]))

    def of_layer(self, key, within_area=None):
        """The plan layer's total, or None when the plan has no such layer; with `within_area` (a LayerData:
        the village) only what lies inside it — a patch beyond the village is not the village's."""
        layer = self.ctx.plan_layer(key)
        if layer is None:
            return None
        areas = self.areas(layer)
        if within_area is None or not len(within_area.features):
            return float(np.nansum(areas))
        area = within_area.union()
        numbers, whole = within(layer, np.arange(len(layer.features)), within_area.prepared_union())
        cut = [polygonal(layer.features[n].shape.intersection(area)) for n in numbers[~whole].tolist()]
        return float(np.nansum(areas[numbers[whole]])) + float(np.sum(self.areas_of(cut)))

    def planned_cropland(self):
        """The plan's cropland net of the base year's 田坎 share under each parcel."""
        landuse = self.ctx.plan_layer("GHYDYH")
        if landuse is None:
            return 0.0
        numbers = _coded(landuse, self.cropland)
        gross = float(np.nansum(self.areas(landuse)[numbers]))
        base = self.ctx.base_year()
        if not base.available:
            return gross
        pieces = [piece for number in numbers.tolist() for piece in self.was_cropland(landuse.features[number])]
        return gross - self.weighted([(part, tiankan_share(old.attrs)) for old, part in pieces])

    def was_cropland(self, feature):
        """(base-year cropland parcel, part of the plan parcel `feature` on it): overlaid once per parcel."""
        if feature.fid not in self._cropland_pieces:
            self._cropland_pieces[feature.fid] = self.ctx.base_year().pieces(feature.shape, self.cropland)
        return self._cropland_pieces[feature.fid]

    def areas_of(self, geometries):
        """Ellipsoidal m² of each geometry in the working CRS (0 for none or empty), all in one call:
        measuring geometries one by one costs far more than measuring them together. Edges are densified
        first (ellipsoid.py): a parcel's edge is straight in the projection, and a geodesic between its ends
        alone is 0.7 m² off on a 50 m × 2 km strip (0.001 m² at 100 m steps)."""
        return self.ellipsoidal.of_geometries(geometries)

    def weighted(self, parts):
        """Σ area × weight over [(geometry, weight)], measured in one call."""
        if not parts:
            return 0.0
        return float(np.dot(self.areas_of([geometry for geometry, _weight in parts]), [w for _g, w in parts]))

    def base_cropland(self):
        layer = self.ctx.base_year().layer
        numbers = _coded(layer, self.cropland)
        shares = np.array([1.0 - tiankan_share(layer.features.attrs(n)) for n in numbers.tolist()], dtype=np.float64)
        return float(np.nansum(self.areas(layer)[numbers] * shares))

    def base_of_codes(self, codes):
        layer = self.ctx.base_year().layer
        return float(np.nansum(self.areas(layer)[_coded(layer, codes)]))

    def landuse(self):
        layer = self.ctx.plan_layer("GHYDYH")
        return layer.features if layer is not None else []

    def changes(self):
        """Per plan parcel (computed once): what changed against the base year and on which ground.

        [(feature, figures, ground, ground m²)], only parcels with any change: figures {'新增建设用地': m²,
        '建设占用耕地': m², '耕地转入': m², '耕地转出': m²} (cropland net of 田坎; 建设占用耕地 lies inside
        新增建设用地), ground the part of the parcel whose class changed — new construction, cropland
        gained, or cropland given up — counted once, and its ellipsoidal area.
        """
        if self._changes is None:
            self._changes = self._changes_by_parcel()
        return self._changes

    def _changes_by_parcel(self):
        base = self.ctx.base_year()
        result = []
        if not base.available:
            return result
        parcels, measured = [], []            # measured: (parcel, figure, geometry, weight), all measured at once
        for feature in self.landuse():
            if feature.shape.isEmpty():
                continue
            was_cropland = self.was_cropland(feature)
            taken = [(part, 1.0 - tiankan_share(old.attrs)) for old, part in was_cropland]
            if feature.code in self.construction:            # the ground's own area is a figure, or none
                ground, figure = self._outside(feature.shape, base.part_of(feature.shape, self.construction)), "新增建设用地"
                parts = [("建设占用耕地", part, share) for part, share in taken]
            elif feature.code in self.cropland:
                ground, figure = self._outside(feature.shape, union(part for _old, part in was_cropland)), "耕地转入"
                parts = []
            elif feature.code in code_list("ydyh"):
                ground, figure = union(part for _old, part in was_cropland), None
                parts = [("耕地转出", part, share) for part, share in taken]
            else:
                continue
            measured += [(len(parcels), GROUND, ground, 1.0)] + [
                (len(parcels), name, geometry, weight) for name, geometry, weight in parts]
            parcels.append([feature, {}, ground, 0.0, figure])
        areas = self.areas_of([geometry for _parcel, _name, geometry, _weight in measured])
        for (parcel, name, _geometry, weight), area in zip(measured, areas.tolist()):
            if name is GROUND:                       # measured once: the parcel's change, and a figure or none
                parcels[parcel][3], name = area, parcels[parcel][4]
                if name is None:
                    continue
            figures = parcels[parcel][1]
            figures[name] = figures.get(name, 0.0) + area * weight
        for feature, figures, ground, ground_m2, _figure in parcels:
            figures = {k: v for k, v in figures.items() if v >= self.ctx.ruleset.noise_m2}
            if figures:
                result.append((feature, figures, ground, ground_m2))
        return result

    @staticmethod
    def _outside(shape, old):
        return polygonal(shape.difference(old)) if not old.isEmpty() else shape

    def totals(self):
        """Sums of changes() by figure, plus the balance 耕地进出平衡 = 转入 − 转出 (m²)."""
        totals = {"新增建设用地": 0.0, "建设占用耕地": 0.0, "耕地转入": 0.0, "耕地转出": 0.0}
        for _feature, figures, _ground, _ground_m2 in self.changes():
            for key, value in figures.items():
                totals[key] += value
        totals["耕地进出平衡"] = totals["耕地转入"] - totals["耕地转出"]
        return totals


def _coded(layer, codes):
    """Numbers of the features of `layer` whose code is one of `codes`."""
    return np.array([n for n, code in enumerate(layer.features.codes) if code in codes], dtype=np.int64)
