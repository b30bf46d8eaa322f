"""The NumPy side of a run checked against GEOS: rings read from WKB, open parcels (seams), box pairs,
inside grids. Each is exact or errs towards more GEOS work, never towards a missed finding."""
import random
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from qgis.core import QgsGeometry

from plugin.core.check import pairs
from plugin.core.check import rings as rings_mod
from plugin.core.check.compact import copied, measured
from plugin.core.check.context import Feature, LayerData
from plugin.core.check.geomops import Prepared
from plugin.core.check.inside import EDGE, INSIDE, OUTSIDE, InsideGrid, grid_of
from plugin.core.check.pairs import overlapping_pairs
from plugin.core.check.rings import Rings, WkbBlob
from plugin.core.check.rules.geometry import overlapping_pairs as parcel_overlaps
from plugin.core.check.seams import open_parcels

SHAPES = [
    "POLYGON((0 0,10 0,10 10,0 10,0 0))",
    "MULTIPOLYGON(((20 0,30 0,30 10,20 10,20 0),(22 2,22 8,28 8,28 2,22 2)),((40 0,45 0,45 5,40 0)))",
    "MULTIPOLYGON(((50 0,60 0,60 10,50 10,50 0)))",
    "POLYGON Z((0 0 1,1 0 1,1 1 1,0 0 1))",                 # not a plain 2D polygon: left to GEOS
    "CURVEPOLYGON(CIRCULARSTRING(0 0,1 1,2 0,1 -1,0 0))",
    "",                                                       # no geometry
]


def blob(wkts):
    return WkbBlob.joined(bytes(QgsGeometry.fromWkt(w).asWkb()) if w else None for w in wkts)


def test_rings_read_from_wkb_match_the_geometries_and_leave_the_unusual_to_geos():
    rings = Rings(blob(SHAPES))
    assert rings.parsed.tolist() == [True, True, True, False, False, True]
    assert rings.owner.tolist() == [0, 1, 1, 1, 2] and rings.hole.tolist() == [False, False, True, False, False]
    multi = QgsGeometry.fromWkt(SHAPES[1])                  # (kept: constGet() points into it)
    hole = multi.constGet().geometryN(0).interiorRing(0)
    start, end = rings.starts[2], rings.starts[3]
    assert list(zip(rings.x[start:end], rings.y[start:end])) == [(p.x(), p.y()) for p in hole.vertices()]
    boxes, areas, _convex = measured(blob(SHAPES))
    for number, wkt in enumerate(SHAPES):
        if not wkt:
            assert np.isnan(boxes[number]).all()
            continue
        geometry = QgsGeometry.fromWkt(wkt)
        rect = geometry.boundingBox()
        assert boxes[number].tolist() == [rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()]
        assert np.isnan(areas[number]) if not rings.parsed[number] else abs(areas[number] - geometry.area()) < 1e-9


def test_damaged_wkb_is_left_to_geos_not_misread():
    good = bytes(QgsGeometry.fromWkt(SHAPES[1]).asWkb())
    damaged = [good[:-8], good[:30], good[:9] + b"\xff\xff\xff\x7f" + good[13:]]   # cut short, absurd ring count
    rings = Rings(WkbBlob.joined(damaged + [good]))
    assert rings.parsed.tolist() == [False, False, False, True] and set(rings.owner.tolist()) == {3}


def grid(size=6, cell=10.0, turn=15.0, steps=1):
    """WKTs of a turned grid of parcels, edges split into `steps` (shared corners turned alike)."""
    import math
    cos, sin = math.cos(math.radians(turn)), math.sin(math.radians(turn))

    def ring(x0, y0, x1, y1):
        corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
        points = [(ax + (bx - ax) * k / steps, ay + (by - ay) * k / steps)
                  for (ax, ay), (bx, by) in zip(corners, corners[1:]) for k in range(steps)] + [corners[0]]
        return ",".join("{!r} {!r}".format(x * cos - y * sin, x * sin + y * cos) for x, y in points)
    return ["POLYGON(({}))".format(ring(i * cell, j * cell, (i + 1) * cell, (j + 1) * cell))
            for i in range(size) for j in range(size)]


def test_a_partition_is_open_only_on_its_outline():
    parcels = grid(steps=4)               # (k / 4 of an edge is exact: both neighbours compute the same points)
    opened = open_parcels(blob(parcels))
    outline = [n for n in range(36) if n // 6 in (0, 5) or n % 6 in (0, 5)]
    assert np.flatnonzero(opened).tolist() == outline


def test_neighbours_whose_vertices_differ_are_open_and_an_invalid_parcel_is_open():
    parcels = grid(size=5, turn=0.0)                                  # parcel i * 5 + j is (10 i, 10 j)–(…+10)
    parcels[12] = "POLYGON((20 20,25 20,30 20,30 30,20 30,20 20))"    # a vertex on its lower edge only
    opened = open_parcels(blob(parcels), trusted=np.array([n != 6 for n in range(25)]))
    assert opened[12] and opened[11]                                  # both sides of that edge (a T-junction)
    assert not opened[7] and not opened[17] and not opened[13]        # its other neighbours still match it
    assert opened[6] and not opened[8]                                # made valid: its stored rings are not its shape
    turned = grid(size=5, turn=0.0)
    turned[12] = "POLYGON((20 20,20 30,30 30,30 20,20 20))"           # clockwise: turned the usual way, still matched
    assert not open_parcels(blob(turned))[12]


def test_neighbours_repeating_the_vertex_they_share_turned_either_way_are_matched():
    """Both repeat their shared corner (40, 30), one stored clockwise: their two edges of no length have the
    same ends and run opposite ways (red team rt-exact: GEO-02 and GEO-03 ended in error, the pair's
    'other end' looked up beyond the points)."""
    parcels = grid(size=5, turn=0.0)
    parcels[17] = "POLYGON((30 20,40 20,40 30,40 30,30 30,30 20))"
    parcels[18] = "POLYGON((30 30,30 40,40 40,40 30,40 30,30 30))"
    assert open_parcels(blob(parcels)).tolist() == open_parcels(blob(grid(size=5, turn=0.0))).tolist()
    assert not open_parcels(blob(parcels))[[17, 18]].any()


def brute_overlaps(layer):
    features = list(layer.features)
    found = []
    for a in range(len(features)):
        for b in range(len(features)):
            first, second = features[a], features[b]
            if first.fid < second.fid:
                piece = first.prepared.common(second.shape)
                if not piece.isEmpty():
                    found.append((first.fid, second.fid, round(piece.area(), 6)))
    return sorted(found)


def layer_of(wkts):
    return LayerData("GHYDYH", "parcels", [Feature(n + 1, QgsGeometry.fromWkt(w), {}, "0103")
                                           for n, w in enumerate(wkts)])


def test_overlaps_inside_a_stacked_copy_are_all_found():
    """Two complete partitions stacked, the second shifted: inside each every edge is matched, so no parcel
    there is open; the overlaps are still all found (from the open outline inwards)."""
    base = grid(size=5, turn=0.0, steps=2)
    shifted = [QgsGeometry.fromWkt(w) for w in grid(size=3, turn=0.0, steps=2)]
    for geometry in shifted:
        geometry.translate(10.5, 10.5)
    layer = layer_of(base + [g.asWkt(17) for g in shifted])
    opened = set(layer.open_parcels().tolist())
    assert 25 + 4 not in opened and 6 not in opened            # the middles of both copies meet edge to edge
    found = sorted((a.fid, b.fid, round(piece.area(), 6)) for a, b, piece in parcel_overlaps(layer))
    assert found == brute_overlaps(layer) and len(found) >= 9 * 4


def test_seams_matched_beside_the_rules_give_the_same_open_parcels():
    """GEO-02/03 start the edge matching on a thread of its own (Rule.prepare): the same parcels come out,
    an invalid one (made valid, so open) included, as when the rule matches them itself."""
    wkts = grid(size=6, steps=4) + ["POLYGON((0 0, 10 10, 10 0, 0 10, 0 0))"]          # a bow-tie: invalid
    by_itself = layer_of(wkts).open_parcels()
    beside = layer_of(wkts)
    with ThreadPoolExecutor(max_workers=1) as pool:
        beside.find_seams_beside(pool)
        assert beside.open_parcels().tolist() == by_itself.tolist()
    assert len(wkts) - 1 in by_itself.tolist()


def test_patches_copied_as_they_are_are_found_by_their_bytes():
    """KEEP-*: a one-map patch the plan holds with the very same WKB needs no overlay. Same box but other
    vertices (a ring started elsewhere), a shift of 1e-9 m, a duplicate and no geometry are told apart."""
    square = "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))"
    onemap = layer_of([square, "POLYGON((20 0, 30 0, 30 10, 20 10, 20 0))", "POLYGON((40 0, 50 0, 50 10, 40 10, 40 0))",
                       "POLYGON((60 0, 70 0, 70 10, 60 10, 60 0))", "POLYGON EMPTY"])
    plan = layer_of(["POLYGON((50 50, 51 50, 51 51, 50 50))", square, square,
                     "POLYGON((30 0, 30 10, 20 10, 20 0, 30 0))", "POLYGON((40 0, 50 0, 50 10, 40 10.000000001, 40 0))",
                     "POLYGON((60 0, 70 0, 70 10, 60 10, 60 0))", "POLYGON EMPTY"])
    assert copied(onemap.features, np.arange(5), plan.features).tolist() == [True, False, False, True, False]
    assert copied(plan.features, np.array([6, 2, 0]), onemap.features).tolist() == [False, True, False]


def test_overlaps_of_a_turned_grid_with_seeded_pieces_are_the_brute_force_ones():
    parcels = grid(size=6, steps=4)
    extra = QgsGeometry.fromWkt(parcels[14]).buffer(-2.0, 1)            # lies wholly on parcel 15
    parcels.append(extra.asWkt(17))
    layer = layer_of(parcels)
    found = sorted((a.fid, b.fid, round(piece.area(), 6)) for a, b, piece in parcel_overlaps(layer))
    assert found == brute_overlaps(layer) == [(15, 37, round(extra.area(), 6))]


@pytest.mark.parametrize("chunk", [1 << 16, 7])
@pytest.mark.parametrize("larger", ["a", "b"])
def test_box_pairs_are_the_overlapping_boxes(monkeypatch, chunk, larger):
    """Whichever set is the larger (it is gridded a chunk at a time), with boxes spanning every cell on
    either side and boxes with no geometry."""
    monkeypatch.setattr(pairs, "CHUNK", chunk)
    random.seed(7)

    def boxes(count, size):
        rows = []
        for _ in range(count):
            x, y = random.uniform(0, 100), random.uniform(0, 100)
            rows.append((x, y, x + random.uniform(0, size), y + random.uniform(0, size)))
        return np.array(rows)
    a, b = (boxes(300, 8.0), boxes(200, 15.0)) if larger == "a" else (boxes(200, 8.0), boxes(300, 15.0))
    b[3] = (-1000.0, -1000.0, 1000.0, 1000.0)                          # spans every cell
    a[9] = (-900.0, -900.0, 900.0, 900.0)
    a[5] = np.nan                                                       # no geometry
    i, j = overlapping_pairs(a, b)
    expected = [(p, q) for p in range(len(a)) for q in range(len(b)) if not np.isnan(a[p, 0])
                and a[p, 0] < b[q, 2] and b[q, 0] < a[p, 2] and a[p, 1] < b[q, 3] and b[q, 1] < a[p, 3]]
    assert list(zip(i.tolist(), j.tolist())) == expected


def test_a_box_kilometres_wide_among_boxes_of_a_tenth_of_a_micrometre_is_paired():
    """The cells are sized by the median box: a 6.1 km box spans (3·10⁹)² of them, which overflowed the
    count of cells it spans (red team: ValueError in np.repeat)."""
    random.seed(5)
    points = np.array([(500000 + random.uniform(0, 6100), 4000000 + random.uniform(0, 6100)) for _ in range(300)])
    tiny = np.hstack([points, points + 1e-7])
    a = np.vstack([tiny, [(500000, 4000000, 506100, 4006100)]])
    i, j = overlapping_pairs(a, tiny)
    assert j[i == len(tiny)].tolist() == list(range(len(tiny)))


@pytest.mark.parametrize("side", [16, 64, 96])
def test_an_inside_grid_places_boxes_only_where_geos_agrees(side):
    polygon = QgsGeometry.fromWkt("POLYGON((0 0,100 0,100 100,60 100,60 40,40 40,40 100,0 100,0 0))")  # a U
    prepared = Prepared(polygon)
    place = InsideGrid(prepared, side)
    random.seed(3)
    rows = []
    for _ in range(2000):
        x, y = random.uniform(-20, 120), random.uniform(-20, 120)
        rows.append((x, y, x + random.uniform(0, 6), y + random.uniform(0, 6)))
    rows += [(0.0, 0.0, 40.0, 40.0), (40.0, 40.0, 60.0, 100.0)]        # on the edges exactly
    placed = place.place(np.array(rows))
    for row, where in zip(rows, placed.tolist()):
        box = QgsGeometry.fromWkt("POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))".format(*row))
        if where == INSIDE:
            assert prepared.contains(box)
        elif where == OUTSIDE:
            assert not prepared.intersects(box)
    assert (placed == INSIDE).sum() > 500 and (placed == OUTSIDE).sum() > 500 and (placed == EDGE).sum() < 500


def test_an_inside_grid_is_as_fine_as_the_boxes_it_places_need():
    prepared = Prepared(QgsGeometry.fromWkt("POLYGON((0 0,100 0,100 100,0 100,0 0))"))
    village = grid_of(prepared, 3000)                        # a village's parcels: 64 cells a side, not 96
    assert village.side == 64 and grid_of(prepared, 500) is village
    assert grid_of(prepared, 200000).side == 96              # a county's: made again, finer


def test_rings_module_reads_little_endian_only():
    big = bytes(QgsGeometry.fromWkt(SHAPES[0]).asWkb())
    assert rings_mod._walk(b"\x00" + big[1:], 0, len(big)) is None


def test_parcels_that_do_not_meet_vertex_for_vertex_are_still_judged_exactly():
    """Every other row's edges split at their middles (T-junctions everywhere), one parcel shifted 0.3 m
    into its neighbour and a hole left: overlaps and the gap are those of brute force and of a union."""
    from plugin.core.check import tiles
    parcels = []
    for i in range(6):
        for j in range(6):
            x0, y0 = i * 10.0, j * 10.0
            middle = "{} {},".format(x0 + 5.0, y0) if j % 2 else ""
            parcels.append("POLYGON(({0} {1},{2}{3} {1},{3} {4},{0} {4},{0} {1}))".format(x0, y0, middle, x0 + 10.0,
                                                                                     y0 + 10.0))
    parcels[14] = "POLYGON((20 20,30.4 20,30.4 30,20 30,20 20))"           # reaches 0.4 m into its neighbour
    del parcels[27]                                                        # a hole
    layer = layer_of(parcels)
    assert len(layer.open_parcels()) > 20                                  # most parcels are open here
    found = sorted((a.fid, b.fid, round(piece.area(), 6)) for a, b, piece in parcel_overlaps(layer))
    assert found == brute_overlaps(layer) and found
    region = QgsGeometry.fromWkt("POLYGON((0 0,60 0,60 60,0 60,0 0))")
    gap = tiles.uncovered(region, layer)
    expected = region.difference(QgsGeometry.unaryUnion([f.shape for f in layer.features]))
    assert abs(gap.area() - expected.area()) < 1e-9 and round(gap.area(), 6) == 100.0


def test_the_first_queries_scan_and_give_what_the_index_gives():
    """A layer answers its first SCANS box queries by scanning every box, then builds its index: both give
    the same numbers in the same order, touching boxes counted by `near` only, empty shapes never."""
    from plugin.core.check import context
    random.seed(11)
    wkts = []
    for _ in range(400):
        x, y = random.uniform(0, 100), random.uniform(0, 100)
        wkts.append("POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))".format(x, y, x + random.uniform(1, 9),
                                                                                y + random.uniform(1, 9)))
    wkts += ["POLYGON EMPTY", "POLYGON((10 10,20 10,20 20,10 20,10 10))"]
    layer = layer_of(wkts)
    queries = [(10.0, 10.0, 20.0, 20.0), (20.0, 20.0, 20.0, 20.0), (-5.0, -5.0, 0.0, 0.0), (-50.0, -50.0, 500.0, 500.0)]
    queries += [(x, y, x + random.uniform(0, 30), y + random.uniform(0, 30))
                for x, y in ((random.uniform(-10, 100), random.uniform(-10, 100)) for _ in range(60))]
    answers = [(layer.near_numbers(q), layer.overlapping_numbers(q)) for q in queries]
    assert layer._index is not None and layer._scans == context.SCANS            # scanned first, then indexed
    for query, (near, overlapping) in zip(queries, answers):
        assert near == layer.index.near(query) and overlapping == layer.index.overlapping(query), query
    assert answers[0][0] and 401 in answers[0][0] and 400 not in answers[0][0]
