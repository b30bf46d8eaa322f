"""The convex screen (convex.py) against GEOS: it never calls valid what GEOS calls invalid, and it clears
the usual parcels (turned, densified, Voronoi-like) so GEOS need not be asked about them."""
import math
import random

import numpy as np
from qgis.core import QgsGeometry

from plugin.core.check.compact import FeatureTable, VALID, UNKNOWN
from plugin.core.check.convex import convex_features
from plugin.core.check.rings import Rings, WkbBlob


def judged(wkts):
    blob = WkbBlob.joined(bytes(QgsGeometry.fromWkt(w).asWkb()) if w else None for w in wkts)
    return convex_features(Rings(blob), len(wkts)).tolist()


def ring_wkt(points, kind="POLYGON"):
    text = ",".join("{!r} {!r}".format(x, y) for x, y in list(points) + [points[0]])
    return "{}(({}))".format(kind, text) if kind == "POLYGON" else "MULTIPOLYGON((({})))".format(text)


def turned_rectangle(x0, y0, w, h, degrees, per_edge):
    """A w×h rectangle turned about (x0, y0), `per_edge` collinear points on each edge (as the bench's)."""
    a = math.radians(degrees)
    corners = [(0, 0), (w, 0), (w, h), (0, h)]
    points = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1]):
        for k in range(per_edge):
            t = k / per_edge
            px, py = ax + (bx - ax) * t, ay + (by - ay) * t
            points.append((x0 + px * math.cos(a) - py * math.sin(a), y0 + px * math.sin(a) + py * math.cos(a)))
    return points


def star(cx, cy, r, points, step):
    return [(cx + r * math.cos(2 * math.pi * k * step / points), cy + r * math.sin(2 * math.pi * k * step / points))
            for k in range(points)]


def geos_valid(wkt):
    return QgsGeometry.fromWkt(wkt).isGeosValid()


def test_the_usual_parcels_are_cleared_without_geos():
    rng = random.Random(7)
    wkts = []
    for _ in range(200):                                    # turned, densified, at Gauss-Krüger (zone prefix)
        points = turned_rectangle(40500000 + rng.uniform(0, 1e5), 3.3e6 + rng.uniform(0, 1e5),
                                  rng.uniform(0.5, 300), rng.uniform(0.5, 300), rng.uniform(0, 360), rng.randint(1, 9))
        wkts.append(ring_wkt(points if rng.random() < 0.5 else points[::-1]))      # either orientation
    for _ in range(200):                                    # convex cells of many vertices
        count = rng.randint(3, 40)
        angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(count))
        if len(set(angles)) < 3:
            continue
        wkts.append(ring_wkt([(5e5 + 40 * math.cos(a), 3e6 + 25 * math.sin(a)) for a in angles]))
    wkts.append(ring_wkt([(0, 0), (1, 0), (0, 1)]))        # a triangle
    wkts.append(ring_wkt([(0, 0), (10, 0), (10, 10), (0, 10)], kind="MULTIPOLYGON"))
    assert all(geos_valid(w) for w in wkts)
    assert all(judged(wkts))


def test_what_is_not_plainly_convex_is_left_to_geos():
    cases = {
        "bowtie": ring_wkt([(0, 0), (10, 10), (10, 0), (0, 10)]),
        "pentagram (turns twice)": ring_wkt(star(0, 0, 10, 5, 2)),
        "spike on an edge": ring_wkt([(0, 0), (10, 0), (20, 0), (10, 0.0), (10, 10), (0, 10)]),
        "spike back along the line": ring_wkt([(0, 0), (10, 0), (15, 0), (12, 0), (10, 10), (0, 10)]),
        "repeated point": ring_wkt([(0, 0), (10, 0), (10, 0), (10, 10), (0, 10)]),
        "all on a line": ring_wkt([(0, 0), (5, 0), (10, 0)]),
        "concave L": ring_wkt([(0, 0), (10, 0), (10, 5), (5, 5), (5, 10), (0, 10)]),
        "hole": "POLYGON((0 0,10 0,10 10,0 10,0 0),(2 2,2 8,8 8,8 2,2 2))",
        "two parts": "MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))",
        "overlapping parts": "MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0)),((2 2,6 2,6 6,2 6,2 2)))",
        "not a number": "POLYGON((0 0,10 0,10 nan,0 10,0 0))",
        "beyond any projection": ring_wkt([(0, 0), (1e9, 0), (1e9, 1e9)]),
        "too few points": "POLYGON((0 0,1 1,0 0))",
        "Z": "POLYGON Z((0 0 1,1 0 1,1 1 1,0 0 1))",
        "none": "",
    }
    assert not any(judged(list(cases.values()))), [n for n, v in zip(cases, judged(list(cases.values()))) if v]


def test_never_valid_where_geos_says_invalid_on_random_rings():
    """Random rings of few points (many self-crossing) and rings near degenerate: every one the screen
    clears, GEOS calls valid."""
    rng = random.Random(11)
    wkts = []
    for _ in range(3000):
        count = rng.randint(3, 8)
        scale = rng.choice([1.0, 1e-6, 1e6, 4.05e7])
        base = rng.choice([0.0, 4.05e7])
        points = [(base + rng.randint(-3, 3) * scale / 3, base + rng.randint(-3, 3) * scale / 3) for _ in range(count)]
        if rng.random() < 0.3:                              # a vertex nudged by an ulp or so
            k = rng.randrange(count)
            points[k] = (math.nextafter(points[k][0], math.inf), points[k][1])
        wkts.append(ring_wkt(points))
    screened = judged(wkts)
    wrong = [w for w, ok in zip(wkts, screened) if ok and not geos_valid(w)]
    assert not wrong, wrong[:3]
    assert sum(screened) > 100                              # the test meets cleared rings, not only refusals


def test_a_table_knows_its_convex_features_valid_before_any_is_made():
    wkts = [ring_wkt(turned_rectangle(0, 0, 10, 5, 15, 8)), ring_wkt([(0, 0), (10, 10), (10, 0), (0, 10)])]
    blob = WkbBlob.joined(bytes(QgsGeometry.fromWkt(w).asWkb()) for w in wkts)
    table = FeatureTable(None, [1, 2], blob, ["0101", "0101"], ["1", "2"], {})
    assert table.validity.tolist() == [VALID, UNKNOWN]
    assert table.valid().tolist() == [True, False]
    assert np.array_equal(table.valid(), [geos_valid(w) for w in wkts])


def bowed_sliver(x0, y0, length, width, points, sag, degrees):
    """(red team) A sliver whose long side bows across the other one straight-looking turn at a time."""
    bottom = [(length * i / points, sag * 4 * (i / points) * (1 - i / points)) for i in range(points + 1)]
    a = math.radians(degrees)
    return [(x0 + math.cos(a) * x - math.sin(a) * y, y0 + math.sin(a) * x + math.cos(a) * y)
            for x, y in bottom + [(length, width), (0, width)]]


def test_a_sliver_bowing_across_itself_by_straight_turns_is_left_to_geos():
    wkts = [ring_wkt(bowed_sliver(40500000.0, 3500000.0, 50.0, 5e-7, 12, 3e-6, 35)),
            ring_wkt(bowed_sliver(500000.0, 3500000.0, 50.0, 2e-8, 12, 1e-7, 35)),
            ring_wkt(bowed_sliver(560000.0, 4100000.0, 500.0, 1e-5, 100, 3e-5, 60))]
    assert not any(geos_valid(w) for w in wkts)
    assert not any(judged(wkts))
    straight = ring_wkt(bowed_sliver(40500000.0, 3500000.0, 500.0, 1e-2, 100, 0.0, 35))    # 500 m × 1 cm
    assert geos_valid(straight) and judged([straight]) == [True]
