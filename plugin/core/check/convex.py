"""convex: which features are valid without asking GEOS, judged from their points all at once.

A polygon of one ring whose edges all turn the same way, each by less than a half turn, and turn once
around in all, is convex: its ring cannot meet itself, so GEOS's validity test would pass it. Most
parcels are such rings (a cadastre's blocks, Voronoi cells, rectangles densified along their edges);
GEOS is asked about the rest (holes, several parts, concave or self-crossing rings, repeated points).

Rounding: points stored on a straight edge lie on it only to the last bit of their coordinates, so a
turn is taken as left or right only where its cross product exceeds what that last bit can make of it
(TURN_SLACK ulps of the ring's largest coordinate, times the two edges' lengths). A turn within that is
straight, and only when the next edge goes on forward (a spike back along the same line is no straight
turn). Straight turns add up, though: a sliver of many points could bow one side across the other one
straight turn at a time (a 500 m × 10 µm road of 100 points can), so a ring is cleared only when it is wider
than all its straight turns together could bend a side. Points are taken relative to their ring's
first point, so the edges themselves are exact.
"""
import numpy as np

from .geomops import COORDINATE_LIMIT

TURN_SLACK = 16.0 * np.finfo(np.float64).eps
BOW_ROOM = 4.0           # how much wider than its straight turns could bow a ring must be (see below)


def convex_features(rings, count):
    """Per feature of `rings` (a Rings of `count` features): True where the feature is one ring of four
    points or more, finite coordinates and no repeated point in a row, turning once around one way."""
    convex = np.zeros(count, dtype=bool)
    sizes = np.diff(rings.starts)
    per_feature = np.bincount(rings.owner, minlength=count)
    chosen = np.flatnonzero((sizes >= 4) & ~rings.hole & (per_feature[rings.owner] == 1))
    if not len(chosen):
        return convex
    x, y, sizes = rings.x, rings.y, sizes[chosen]
    if len(chosen) < len(rings):                            # only the rings chosen, one after another
        points = np.repeat(rings.starts[chosen] - (np.cumsum(sizes) - sizes), sizes) + np.arange(sizes.sum())
        x, y = x[points], y[points]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):     # NaN, inf: judged not convex
        ok = _turning_once(x, y, sizes)
    convex[rings.owner[chosen[ok]]] = True
    return convex


def _turning_once(x, y, sizes):
    """Per ring (its points x, y one ring after another, `sizes` points each, closed): whether it turns
    once around one way, wider than its straight turns could bend it (see the module's docstring)."""
    first = np.cumsum(sizes) - sizes                        # each ring's first point (and first edge)
    x0, y0 = x[first], y[first]
    x, y = x - np.repeat(x0, sizes), y - np.repeat(y0, sizes)
    extent = np.maximum.reduceat(np.maximum(np.abs(x), np.abs(y)), first)
    # edge i runs from point i to i + 1; a ring's last "edge" (its closing point to the next ring) is none
    dx, dy = np.empty(len(x)), np.empty(len(y))
    np.subtract(x[1:], x[:-1], out=dx[:-1])
    np.subtract(y[1:], y[:-1], out=dy[:-1])
    none, closing = first + sizes - 1, first + sizes - 2    # a ring's closing edge turns into its first
    dx[none] = dy[none] = 0.0
    nx, ny = np.empty_like(dx), np.empty_like(dy)
    nx[:-1], ny[:-1] = dx[1:], dy[1:]
    nx[closing], ny[closing] = dx[first], dy[first]
    reach = np.abs(dx) + np.abs(dy)
    largest = np.maximum(np.abs(x0), np.abs(y0)) + extent                        # NaN, inf: not finite
    slack = TURN_SLACK * np.repeat(largest, sizes) * (reach + np.abs(nx) + np.abs(ny))
    cross = dx * ny - dy * nx
    left, right = cross > slack, cross < -slack
    sound = (reach > 0) & (left | right | (dx * nx + dy * ny > 0))    # turns, or goes straight on
    upper = (dy > 0) | ((dy == 0) & (dx > 0))                # the edge heads into the upper half-plane
    following = np.empty_like(upper)
    following[:-1] = upper[1:]
    following[closing] = upper[first]
    switches = upper != following
    sound[none], left[none], right[none], switches[none] = True, False, False, False
    lefts, rights = np.add.reduceat(left, first, dtype=np.int64), np.add.reduceat(right, first, dtype=np.int64)
    ok = np.logical_and.reduceat(sound, first) & ((lefts == 0) != (rights == 0)) & (
        np.add.reduceat(switches, first, dtype=np.int64) == 2)
    ok &= largest <= COORDINATE_LIMIT                        # False for NaN, inf
    # the straight turns' angles added up (each at most 2|cross| / (reach · next reach)) bend a side by at
    # most their sum times its length: a ring must be wider than that, with room to spare (a sliver of
    # many points could otherwise bow across itself one straight turn at a time)
    bend = np.where(left | right | (reach == 0), 0.0, 2.0 * np.abs(cross) / (reach * (np.abs(nx) + np.abs(ny))))
    bend[none] = 0.0
    perimeter = np.add.reduceat(reach, first)
    twice_area = np.abs(np.add.reduceat(x * dy - y * dx, first))
    ok &= twice_area > 2.0 * BOW_ROOM * np.add.reduceat(bend, first) * perimeter * perimeter
    return ok
