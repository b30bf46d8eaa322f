"""Ellipsoidal areas of many polygons at once, in NumPy: QgsDistanceArea's figure without its noise.

What QGIS computes (`QgsDistanceArea.measureArea`, QGIS 3.22, 3.40 and 3.44 alike): each ring's vertices
go through the PROJ pipeline from the working CRS to longitude and latitude on the ellipsoid (for a
CGCS2000 Gauss-Krüger zone: an inverse transverse Mercator on GRS80, then radians to degrees), and the
ring's area is that of the polygon whose edges are the *geodesics* between them (GeographicLib's
`geod_polygon`, Karney 2013: one inverse geodesic problem per edge); outer ring minus holes, parts
summed. measures.py densifies edges longer than 100 m first. That costs about 30 µs a 33-point parcel
and holds Python's lock: half of a 200 000-parcel check.

A port of GeographicLib to NumPy would cost more than QGIS itself (an iterative solution per edge). So
the same area is computed another way, in the projection: the transverse Mercator is conformal with
point scale k, so the ellipsoid's area is ∫∫ k⁻² dE dN over the region, and the region's edges are the
images of the geodesics, curves whose curvature is −∂ln k/∂n (Liouville), bowing from each chord by a
sliver of area g·L²·(∂ln k/∂E·dN − ∂ln k/∂N·dE)/12. Per ring, around a reference point on a 250 m grid,
ln k is taken to second order (its value and derivatives from the exact scale of the transverse
Mercator at the point, Krüger's series to n⁶ as PROJ's, longitude and latitude from QGIS's own
pipeline), k⁻² integrated over the straight-edged polygon through its moments, and each edge's sliver
added. Per vertex that is some thirty multiplications; no trigonometry.

How close (tests/test_ellipsoid.py): within 1.2e-4 m² plus 1e-9 of the area of QGIS's figure (so 1e-9 from
about 10 ha up) — QGIS's own noise, not this module's: GeographicLib sums each
edge's area down to the equator in degrees, and the same 69 m² box turned about its centre or given
collinear extra points gets QGIS figures spread over 2.4e-4 m², where this module's spread is under
1e-6 m². The differences average out (2 500 parcels: their sum moves by 0.002 m² of 1 km²); a 200 000
parcel total can move by about 0.01 m², the figures' last printed digit. Using this figure rather than
QGIS's is a judgement (README, "Speed and scale"): it is the steadier of the two, and six times faster
(0.9 s against 5.6 s for the 234 000 features of the 200k bench tier).

`EllipsoidalAreas.measurable` decides, per feature, which way it is measured: NumPy for a plain 2D
(multi)polygon (rings.py) of finite coordinates whose every ring lies within REACH_M of its reference
point, when the working CRS reaches the ellipsoid through exactly such a pipeline on the same ellipsoid;
QgsDistanceArea for everything else (curves, Z/M, damaged WKB, a ring stored unclosed, a village
boundary several km across, coordinates the projection cannot invert — a 带号 put on x where the CRS
has none —, another projection).
"""
import math
import re

import numpy as np
from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsCsException,
    QgsDistanceArea,
    QgsEllipsoidUtils,
)

from .geomops import from_wkb
from .reading import operation, pipeline_of, through
from .rings import Rings, WkbBlob

DENSIFY_M = 100.0        # edges longer than this get points every DENSIFY_M (measures.py says why)
GRID_M = 250.0           # reference points lie on this grid of the working CRS
REACH_M = 1000.0         # a ring measured in NumPy lies within this of its reference point (both axes)
STEP_M = 1000.0          # finite-difference step for ln k's gradient and Hessian
# Krüger's series, sphere → ellipsoid (Karney 2011 eq. 35; PROJ's `gtu`): alpha_j as polynomials in n
ALPHA = (
    (0, 1 / 2, -2 / 3, 5 / 16, 41 / 180, -127 / 288, 7891 / 37800),
    (0, 0, 13 / 48, -3 / 5, 557 / 1440, 281 / 630, -1983433 / 1935360),
    (0, 0, 0, 61 / 240, -103 / 140, 15061 / 26880, 167603 / 181440),
    (0, 0, 0, 0, 49561 / 161280, -179 / 168, 6601661 / 7257600),
    (0, 0, 0, 0, 0, 34729 / 80640, -3418889 / 1995840),
    (0, 0, 0, 0, 0, 0, 212378941 / 319334400),
)
ELLIPSOIDS = {"GRS80": (6378137.0, 298.257222101)}     # +ellps= names a working CRS may use (a, 1/f)
TMERC_PARAMETERS = {"inv", "lat_0", "lon_0", "k", "k_0", "x_0", "y_0", "ellps", "a", "rf", "units"}


class TransverseMercator:
    """The working CRS as QGIS takes it to longitude and latitude on the ellipsoid: PROJ's inverse
    transverse Mercator on that very ellipsoid, then radians to degrees, nothing else (no datum shift,
    no axis swap). `of` gives None for any other pipeline."""

    def __init__(self, pipeline, semi_major, inverse_flattening, k0, lon0):
        flattening = 1.0 / inverse_flattening
        n = flattening / (2.0 - flattening)
        self.e2 = flattening * (2.0 - flattening)
        self.e = math.sqrt(self.e2)
        self.lon0 = math.radians(lon0)
        self.alpha = [sum(c * n ** p for p, c in enumerate(row)) for row in ALPHA]
        # ln of the scale on the central meridian's equator: k0 · A/a, A the rectifying radius (to n⁶, as PROJ)
        self.log_k_axis = math.log(k0) + math.log((1.0 + n * n / 4.0 + n ** 4 / 64.0 + n ** 6 / 256.0) / (1.0 + n))
        self._to_lonlat = operation(pipeline)

    @classmethod
    def of(cls, crs, ellipsoid, transform_context):
        """The frame of the working CRS `crs` towards `ellipsoid` (QgsEllipsoidUtils' parameters)."""
        if not ellipsoid.valid or not crs.isValid() or crs.isGeographic():
            return None
        transform = QgsCoordinateTransform(crs, ellipsoid.crs, transform_context)
        try:
            pipeline = pipeline_of(transform, _a_point_of(crs, transform_context)) or ""
        except QgsCsException:                      # no point of the CRS's area of use to begin with
            return None
        steps = [step.split() for step in re.split(r"\s*\+step\s*", pipeline)]
        if len(steps) != 3 or steps[0] != ["+proj=pipeline"] or sorted(steps[2]) != [
                "+proj=unitconvert", "+xy_in=rad", "+xy_out=deg"]:
            return None
        params = dict(token[1:].split("=", 1) if "=" in token else (token[1:], "") for token in steps[1])
        if "inv" not in params or params.pop("proj", None) != "tmerc" or set(params) - TMERC_PARAMETERS or \
                params.get("units", "m") != "m" or float(params.get("lat_0", 0)) != 0.0:
            return None
        semi_major, inverse_flattening = ELLIPSOIDS.get(params.get("ellps"), (None, None))
        if "a" in params and "rf" in params and "ellps" not in params:
            semi_major, inverse_flattening = float(params["a"]), float(params["rf"])
        if (semi_major, inverse_flattening) != (ellipsoid.semiMajor, ellipsoid.inverseFlattening):
            return None                 # no ellipsoid named, or longitude and latitude on another one than the area's
        return cls(pipeline, semi_major, inverse_flattening, float(params.get("k", params.get("k_0", 1.0))),
                   float(params.get("lon_0", 0.0)))

    def lonlat(self, x, y):
        """Longitude and latitude in degrees of working-CRS points, through QGIS's own pipeline."""
        moved = through(self._to_lonlat, np.column_stack([x, y]))
        if moved is None:
            raise ValueError("points outside the projection")
        return moved[:, 0], moved[:, 1]

    def log_scale(self, lon, lat):
        """ln k, the transverse Mercator's point scale, at longitudes and latitudes in degrees: ellipsoid →
        conformal sphere → spherical transverse Mercator → Krüger's series → k0·A (Karney 2011, eq. 25)."""
        phi, lam = np.radians(lat), np.radians(lon) - self.lon0
        sin_phi, tau = np.sin(phi), np.tan(phi)
        sigma = np.sinh(self.e * np.arctanh(self.e * sin_phi))
        tau_c = tau * np.sqrt(1.0 + sigma * sigma) - sigma * np.sqrt(1.0 + tau * tau)    # tan(conformal latitude)
        cos_lam = np.cos(lam)
        xi = np.arctan2(tau_c, cos_lam)
        eta = np.arcsinh(np.sin(lam) / np.hypot(tau_c, cos_lam))
        p, q = np.ones_like(xi), np.zeros_like(xi)
        for j, alpha in enumerate(self.alpha, start=1):
            p += 2 * j * alpha * np.cos(2 * j * xi) * np.cosh(2 * j * eta)
            q += 2 * j * alpha * np.sin(2 * j * xi) * np.sinh(2 * j * eta)
        return (self.log_k_axis + 0.5 * np.log(p * p + q * q) + 0.5 * np.log1p(-self.e2 * sin_phi * sin_phi)
                + 0.5 * np.log1p(tau * tau) - 0.5 * np.log(tau_c * tau_c + cos_lam * cos_lam))

    def local_scale(self, east, north):
        """ln k at working-CRS points with its gradient and Hessian there (central differences over
        STEP_M): arrays f, fe, fn, fee, fen, fnn."""
        h = STEP_M
        offsets = np.array([(0, 0), (h, 0), (-h, 0), (0, h), (0, -h), (h, h), (h, -h), (-h, h), (-h, -h)])
        f = self.log_scale(*self.lonlat((east[:, None] + offsets[:, 0]).ravel(),
                                        (north[:, None] + offsets[:, 1]).ravel())).reshape(-1, len(offsets))
        return (f[:, 0], (f[:, 1] - f[:, 2]) / (2 * h), (f[:, 3] - f[:, 4]) / (2 * h),
                (f[:, 1] - 2 * f[:, 0] + f[:, 2]) / (h * h), (f[:, 5] - f[:, 6] - f[:, 7] + f[:, 8]) / (4 * h * h),
                (f[:, 3] - 2 * f[:, 0] + f[:, 4]) / (h * h))


def _a_point_of(crs, transform_context):
    """A point of `crs` (the centre of its area of use), for QGIS to instantiate a transform's pipeline."""
    wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
    return QgsCoordinateTransform(wgs84, crs, transform_context).transform(crs.bounds().center())


MIN_RING_POINTS = 4      # a ring with fewer (no polygon) is left to QgsDistanceArea


class EllipsoidalAreas:
    """Ellipsoidal areas in m² of geometries in the working CRS `crs`, on `ellipsoid` (an ellipsoid
    acronym or authority code QGIS knows), edges densified every DENSIFY_M first."""

    def __init__(self, crs, transform_context, ellipsoid):
        self.distance = QgsDistanceArea()
        self.distance.setSourceCrs(crs, transform_context)
        self.distance.setEllipsoid(ellipsoid)
        self.frame = TransverseMercator.of(crs, QgsEllipsoidUtils.ellipsoidParameters(ellipsoid), transform_context)
        self._local = {}                 # reference point (E, N) -> its row of Taylor coefficients

    def of_geometry(self, geometry):
        return float(self.of_geometries([geometry])[0])

    def of_geometries(self, geometries):
        return self.of_blob(WkbBlob.joined(None if g is None or g.isEmpty() else g.asWkb() for g in geometries))

    def of_blob(self, wkbs):
        """Per feature of a WkbBlob, its ellipsoidal area (0 where it has no geometry)."""
        return self.finish(wkbs, self.moments(wkbs))

    def moments(self, wkbs):
        """What the NumPy path needs of the features' rings, a chunk of features at a time: [(first
        feature, chosen, ring owners, holes, reference points, moments)]. NumPy only — no QGIS object, no
        PROJ — so that it can be worked out on a thread beside the rules; finish() makes areas of it."""
        chunks = []
        for start, part in wkbs.chunks():
            rings = Rings(part)
            chosen, boxes = self.measurable(rings, len(rings.parsed))
            rest = _ring_moments(rings, chosen, boxes) if chosen.any() else (None, None, None, None)
            chunks.append((start, chosen) + rest)
        return chunks

    def finish(self, wkbs, moments):
        """Per feature of `wkbs`, its ellipsoidal area from its `moments` (self.moments), QgsDistanceArea's
        for the features the NumPy path does not take; 0 where there is no geometry."""
        areas, lengths = np.zeros(len(wkbs)), wkbs.lengths()
        for start, chosen, owner, hole, origin, sums in moments:
            count = len(chosen)
            if owner is not None:
                coefficients = self._coefficients(origin)
                lost = np.isnan(coefficients[0])             # PROJ cannot invert its reference point
                chosen = chosen.copy()
                chosen[owner[lost]] = False
                signed = np.where(lost, 0.0, _integrals(sums, coefficients))
                areas[start:start + count] = np.bincount(owner, weights=np.where(hole, -1.0, 1.0) * np.abs(signed),
                                                         minlength=count) * chosen
            for number in np.flatnonzero(~chosen & (lengths[start:start + count] > 0)).tolist():
                areas[start + number] = self.by_qgis(from_wkb(wkbs.wkb(start + number)))
        return areas

    def by_qgis(self, geometry):
        """QgsDistanceArea's figure, edges densified: the path for what the NumPy path does not take; 0 for
        coordinates the projection cannot invert (QGIS 3.22 gives 0 there, 3.40 raises)."""
        if geometry.isEmpty():
            return 0.0
        box = geometry.boundingBox()
        if box.width() ** 2 + box.height() ** 2 > DENSIFY_M ** 2:    # else no edge is that long: nothing to add
            geometry = geometry.densifyByDistance(DENSIFY_M)
        try:
            return self.distance.measureArea(geometry)
        except QgsCsException:
            return 0.0

    def measurable(self, rings, count):
        """Which features the NumPy path measures — the one place that decides — with each ring's box:
        a plain 2D (multi)polygon (rings.py) whose every ring has MIN_RING_POINTS points or more, all
        finite, within REACH_M of its reference point (`reference`), in a working CRS QGIS takes to the
        ellipsoid by an inverse transverse Mercator on it (TransverseMercator.of). The rest —
        curves, Z/M, damaged WKB, a ring stored unclosed, a ring kilometres across, another projection —
        is QgsDistanceArea's; so is a ring whose reference point the projection cannot invert (finish)."""
        chosen = np.zeros(count, dtype=bool)
        if self.frame is None or not len(rings.x):
            return chosen, None
        sizes = np.diff(rings.starts)
        firsts = np.minimum(rings.starts[:-1], len(rings.x) - 1)
        boxes = np.stack([reduce.reduceat(values, firsts) for values, reduce in (
            (rings.x, np.minimum), (rings.y, np.minimum), (rings.x, np.maximum), (rings.y, np.maximum))])
        with np.errstate(invalid="ignore"):
            reach = np.max(np.abs(boxes - np.tile(reference(boxes), (2, 1))), axis=0)
            ok = (sizes >= MIN_RING_POINTS) & np.isfinite(reach) & (reach <= REACH_M)
        chosen[rings.owner] = True
        chosen &= rings.parsed & (np.bincount(rings.owner[~ok], minlength=count) == 0)
        return chosen, boxes

    def _coefficients(self, reference):
        """Per ring, the Taylor coefficients of k⁻² and ln k at its reference point (cached per point)."""
        keys = list(zip(reference[0].tolist(), reference[1].tolist()))
        missing = sorted(set(keys) - set(self._local))
        if missing:
            try:
                self._local.update(zip(missing, self._rows(np.array(missing))))
            except ValueError:                       # some point PROJ cannot invert: point by point, NaN for those
                for key in missing:
                    try:
                        self._local[key] = self._rows(np.array([key]))[0]
                    except ValueError:
                        self._local[key] = np.full(11, np.nan)
        return np.array([self._local[key] for key in keys]).T

    def _rows(self, points):
        """Rows of Taylor coefficients at (n, 2) reference points; ValueError when PROJ cannot invert one."""
        f, fe, fn, fee, fen, fnn = self.frame.local_scale(points[:, 0], points[:, 1])
        g = np.exp(-2.0 * f)
        return np.column_stack([g, -2 * g * fe, -2 * g * fn, g * (4 * fe * fe - 2 * fee),
                                g * (4 * fe * fn - 2 * fen), g * (4 * fn * fn - 2 * fnn), fe, fn, fee, fen, fnn])


def reference(boxes):
    """Each ring's reference point: its box's centre on the GRID_M grid; boxes (4, rings) → (2, rings)."""
    return np.round((boxes[:2] + boxes[2:]) / (2 * GRID_M)) * GRID_M


def _densified(x, y, starts, dense):
    """The rings with the points QgsGeometry.densifyByDistance(DENSIFY_M) adds to the rings marked
    `dense`, computed as QGIS computes them (same operations in the same order, so the same doubles):
    an edge of length L gets floor(L / DENSIFY_M) points at equal fractions of it."""
    dx, dy = x[1:] - x[:-1], y[1:] - y[:-1]
    extra = np.floor(np.sqrt(dx * dx + dy * dy) / DENSIFY_M)
    extra[starts[1:-1] - 1] = 0.0                             # no edge from one ring to the next
    extra[~np.repeat(dense, np.diff(starts))[:-1]] = 0.0
    if not extra.any():
        return x, y, starts
    counts = np.ones(len(x), dtype=np.int64)
    counts[:-1] += extra.astype(np.int64)
    first = np.cumsum(counts) - counts                        # where each point lands
    source = np.repeat(np.arange(len(x)), counts)
    step = np.arange(counts.sum()) - first[source]            # 0: the point itself, j: its j-th added point
    added = step > 0
    at = source[added]
    delta = (1.0 / (extra[at] + 1.0)) * step[added]
    new_x, new_y = x[source], y[source]
    new_x[added] = x[at] + delta * (x[at + 1] - x[at])
    new_y[added] = y[at] + delta * (y[at + 1] - y[at])
    return new_x, new_y, np.r_[first[starts[:-1]], counts.sum()]


def _ring_moments(rings, chosen, boxes):
    """(owner, hole, reference point, moments) of each ring of the chosen features: its edges densified as
    QGIS densifies them, moments of its straight-edged polygon and of its edges about its reference point."""
    keep = chosen[rings.owner]
    owner, hole, boxes = rings.owner[keep], rings.hole[keep], boxes[:, keep]
    sizes = np.diff(rings.starts)
    points = np.repeat(keep, sizes)
    starts = np.zeros(keep.sum() + 1, dtype=np.int64)
    np.cumsum(sizes[keep], out=starts[1:])
    first_of_feature = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    width = np.maximum.reduceat(boxes[2], first_of_feature) - np.minimum.reduceat(boxes[0], first_of_feature)
    height = np.maximum.reduceat(boxes[3], first_of_feature) - np.minimum.reduceat(boxes[1], first_of_feature)
    dense = np.repeat(width ** 2 + height ** 2 > DENSIFY_M ** 2, np.diff(np.r_[first_of_feature, len(owner)]))
    x, y, starts = _densified(rings.x[points], rings.y[points], starts, dense)
    origin = reference(boxes)
    per_point = np.diff(starts)
    u, v = x - np.repeat(origin[0], per_point), y - np.repeat(origin[1], per_point)
    u1, u2, v1, v2 = u[:-1], u[1:], v[:-1], v[1:]
    ends = starts[1:-1] - 1                          # the steps from one ring's last point to the next ring
    cross = u1 * v2 - u2 * v1
    cross[ends] = 0.0
    su, sv, du, dv = u1 + u2, v1 + v2, u2 - u1, v2 - v1
    length2 = du * du + dv * dv
    length2[ends] = 0.0
    l2du, l2dv = length2 * du, length2 * dv
    terms = np.stack([cross, su * cross, sv * cross, (su * su - u1 * u2) * cross, (su * sv + u1 * v1 + u2 * v2) * cross,
                      (sv * sv - v1 * v2) * cross, l2dv, l2du, su * l2dv, sv * l2dv - su * l2du, sv * l2du])
    return owner, hole, origin, np.add.reduceat(terms, starts[:-1], axis=1)


def _integrals(moments, coefficients):
    """Signed ellipsoidal area of each ring from its moments and the Taylor coefficients at its reference point."""
    g0, gu, gv, guu, guv, gvv, fe, fn, fee, fen, fnn = coefficients
    m00, m10, m01, m20, m11, m02, s1, s2, s3, s4, s5 = moments
    plane = (g0 * m00 / 2 + (gu * m10 + gv * m01) / 6 + (guu * m20 + gvv * m02) / 24 + guv * m11 / 24)
    slivers = g0 / 12 * (fe * s1 - fn * s2 + (fee * s3 + fen * s4 - fnn * s5) / 2)
    return plane + slivers
