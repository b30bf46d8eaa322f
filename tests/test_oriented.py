"""Oriented boxes (oriented.py) against GEOS: a pair called apart never shares a point, and turned
parcels a gap apart are told apart though their axis-aligned boxes overlap."""
import math
import random

import numpy as np
from qgis.core import QgsGeometry

from plugin.core.check.oriented import apart, oriented_boxes
from plugin.core.check.rings import Rings, WkbBlob


def boxes_of(wkts):
    blob = WkbBlob.joined(bytes(QgsGeometry.fromWkt(w).asWkb()) if w else None for w in wkts)
    return oriented_boxes(Rings(blob), len(wkts))


def turned(x0, y0, w, h, degrees, per_edge=8):
    a = math.radians(degrees)
    corners = [(0, 0), (w, 0), (w, h), (0, h)]
    points = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1]):
        for k in range(per_edge):
            px, py = ax + (bx - ax) * k / per_edge, ay + (by - ay) * k / per_edge
            points.append((x0 + px * math.cos(a) - py * math.sin(a), y0 + px * math.sin(a) + py * math.cos(a)))
    return "POLYGON(({}))".format(",".join("{!r} {!r}".format(x, y) for x, y in points + points[:1]))


def test_turned_parcels_a_gap_apart_are_apart_and_neighbours_are_not():
    x0, y0, a = 40500000.0, 3300000.0, math.radians(15)

    def across(metres):                                     # the 50 m × 30 m parcel moved across its own axis
        return turned(x0 - metres * math.sin(a), y0 + metres * math.cos(a), 50, 30, 15)
    wkts = [across(0), across(30.5), across(0), across(30)]  # a 0.5 m gap; the same parcel; sharing an edge
    boxes = boxes_of(wkts)
    first, gapped = QgsGeometry.fromWkt(wkts[0]), QgsGeometry.fromWkt(wkts[1])
    assert first.boundingBox().intersects(gapped.boundingBox())          # their axis-aligned boxes overlap
    assert apart(boxes[[0, 0, 0]], boxes[[1, 2, 3]]).tolist() == [True, False, False]


def test_never_apart_where_geos_finds_a_common_point():
    rng = random.Random(5)
    wkts = []
    for _ in range(1500):
        kind = rng.random()
        x0, y0 = rng.choice([(0.0, 0.0), (40500000.0, 3300000.0), (500000.0, 4000000.0)])
        x0, y0 = x0 + rng.uniform(0, 300), y0 + rng.uniform(0, 300)
        if kind < 0.4:
            wkts.append(turned(x0, y0, rng.uniform(1, 80), rng.uniform(1, 80), rng.uniform(0, 360), rng.randint(1, 6)))
        elif kind < 0.8:                                    # star-shaped, concave, many vertices
            count = rng.randint(3, 30)
            angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(count))
            radii = [rng.uniform(5, 60) for _ in angles]
            points = [(x0 + r * math.cos(t), y0 + r * math.sin(t)) for r, t in zip(radii, angles)]
            wkts.append("POLYGON(({}))".format(",".join("{!r} {!r}".format(x, y) for x, y in points + points[:1])))
        else:                                               # with a hole, or two parts
            wkts.append("MULTIPOLYGON((({0} {1},{2} {1},{2} {3},{0} {3},{0} {1})),(({4} {1},{5} {1},{5} {3},{4} {1})))".format(
                x0, y0, x0 + 20, y0 + 10, x0 + 40, x0 + 60))
    boxes = boxes_of(wkts)
    geometries = [QgsGeometry.fromWkt(w) for w in wkts]
    i, j = np.triu_indices(len(wkts), 1)
    near = np.array([geometries[a].boundingBox().intersects(geometries[b].boundingBox())
                     for a, b in zip(i.tolist(), j.tolist())])
    i, j = i[near], j[near]
    told = apart(boxes[i], boxes[j])
    wrong = [(a, b) for a, b in zip(i[told].tolist(), j[told].tolist()) if geometries[a].intersects(geometries[b])]
    assert not wrong
    assert told.sum() > 100                                 # the test meets pairs told apart, not only kept ones


def test_a_feature_without_rings_is_never_apart():
    boxes = boxes_of(["POLYGON((0 0,10 0,10 10,0 0))", "", "CURVEPOLYGON(CIRCULARSTRING(100 0,101 1,102 0,101 -1,100 0))"])
    assert np.isnan(boxes[1:]).all()
    assert apart(boxes[[0, 0]], boxes[[1, 2]]).tolist() == [False, False]


def test_a_ring_of_no_points_last_in_the_layer_is_no_error():
    """(red team) A polygon whose last ring is empty (WKB ring count 2, the second of 0 points)."""
    import struct
    square = [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]
    wkb = struct.pack("<BII", 1, 3, 2) + struct.pack("<I", 5) + b"".join(struct.pack("<dd", *p) for p in square)
    wkb += struct.pack("<I", 0)
    boxes = oriented_boxes(Rings(WkbBlob.joined([wkb, wkb])), 2)
    assert boxes[:, 4:].tolist() == [[0.0, 10.0, 0.0, 10.0]] * 2
