"""Where a layer's parcels meet edge to edge: the parcels that need no overlap or gap test.

In a planar partition (land-use parcels) neighbours share their edges vertex for vertex. With every
ring turned the usual way (outer rings anticlockwise, holes clockwise) a shared edge appears twice,
once in each direction. Call an edge *matched* when exactly two rings hold it, in opposite
directions, and a parcel *seamed* when all its edges are matched; every other parcel is *open* (an
edge on the layer's outline or a gap, a neighbour whose vertices differ, an overlap, a geometry GEOS
would have to repair or that is not a plain polygon).

Let w(x) be the number of parcels covering x. Crossing a matched edge w does not change (one parcel
ends, the other begins), so w changes only across open parcels' edges. Hence:

- a gap (w = 0) is bordered by open parcels only: no seamed parcel touches a gap;
- a region covered twice or more (w ≥ 2) is bordered by an open parcel that lies in it, i.e. one
  that overlaps another parcel with positive area. Every overlapping pair is therefore found by
  testing the open parcels against their neighbours and then, from each parcel found overlapping,
  its own neighbours, until no new overlap appears (seamed parcels inside a stacked copy are reached
  this way).

Edges are compared by their exact coordinates, vertex for vertex, all in NumPy: a county's 200 000
parcels are sorted once instead of tested pair by pair in GEOS. Hash collisions only make a parcel
open (more work, never a missed finding).
"""
import numpy as np

from .rings import Rings, hash4


CHUNK = 1 << 18          # edges handled at a time where no sort is involved: small temporaries are reused


def open_parcels(wkbs, trusted=None):
    """A boolean array, per feature of the WkbBlob `wkbs`: True where the parcel is open (see above).

    `trusted` (optional boolean array): False for features whose stored geometry is not what the rules
    use (an invalid one made valid): they are open."""
    rings = Rings(wkbs)
    count = len(wkbs)
    result = ~rings.parsed
    if trusted is not None:
        result |= ~np.asarray(trusted, dtype=bool)
    if not len(rings):
        return result
    x, y, starts = rings.x, rings.y, rings.starts
    sizes = np.diff(starts)
    edges = np.maximum(sizes - 1, 0)
    last = np.zeros(len(x), dtype=bool)
    last[starts[1:] - 1] = True
    index = np.int32 if len(x) < 1 << 30 else np.int64  # point numbers (a county's fit in 32 bits: half the memory)
    head = np.flatnonzero(~last).astype(index)          # each edge by its first point
    del last
    turn = _orientation(x, y, head, edges)
    unusable = (sizes < 4) | (turn == 0)                # not a ring, or too thin to tell its turn: GEOS judges it
    backwards = (turn < 0) != rings.hole                # outer rings should turn left, holes right
    low, forward, mixed = _edges(x, y, head, np.repeat(backwards, edges), index)
    first, second = _candidates(low, forward, mixed)
    del mixed                                           # (the largest arrays let go before the next)
    matched = _matched(x, y, head, low, first, second)
    ring_of = np.searchsorted(np.cumsum(edges), np.flatnonzero(~matched), side="right")   # unmatched edges' rings
    owners = rings.owner
    result |= np.bincount(owners[ring_of], minlength=count)[:count] > 0
    result |= np.bincount(owners[unusable], minlength=count)[:count] > 0
    return result


def _edges(x, y, head, backwards, index):
    """Per edge: the index of its lower end (its other end is the next or the previous point), whether it
    runs from lower to upper once its ring turns the usual way, and a hash of its two ends. An edge
    whose two ends are equal (a repeated vertex) has no ends: its low is −1 and it matches itself."""
    low = np.empty(len(head), dtype=index)
    forward = np.empty(len(head), dtype=bool)
    mixed = np.empty(len(head), dtype=np.uint64)
    for start in range(0, len(head), CHUNK):
        at = slice(start, start + CHUNK)
        p, q = head[at], head[at] + 1
        px, py, qx, qy = x[p], y[p], x[q], y[q]
        swap = (px > qx) | ((px == qx) & (py > qy))
        lower, upper = np.where(swap, q, p), np.where(swap, p, q)
        low[at] = np.where((px == qx) & (py == qy), -1, lower)
        forward[at] = swap == backwards[at]
        mixed[at] = hash4(x[lower], y[lower], x[upper], y[upper])
    return low, forward, mixed


def _candidates(low, forward, mixed):
    """(first, second): the edges that may be each other's match. Edges are sorted by their ends' hash;
    a run of exactly two equal hashes running opposite ways is a candidate pair (two repeated vertices
    at one point are left out: an edge of no length is matched already)."""
    order = np.argsort(mixed)
    count = len(order)
    new = np.ones(count + 2, dtype=bool)                  # where a run of equal hashes starts (two past the end)
    for start in range(1, count, CHUNK):                  # a chunk at a time: no sorted copy of the hashes
        values = mixed[order[start - 1:start + CHUNK]]
        new[start:start + len(values) - 1] = values[1:] != values[:-1]
    pair = np.flatnonzero(new[:count] & ~new[1:count + 1] & new[2:])
    del new
    first, second = order[pair], order[pair + 1]
    del order
    kept = (low[first] >= 0) & (low[second] >= 0) & (forward[first] != forward[second])
    return first[kept], second[kept]


def _matched(x, y, head, low, first, second):
    """Per edge: True when it is matched: its candidate's ends (_candidates) are its own, exactly (equal
    hashes are only likely equal), or it has no length (it changes nothing)."""
    same = np.empty(len(first), dtype=bool)
    for start in range(0, len(first), CHUNK):
        at = slice(start, start + CHUNK)
        a, b = low[first[at]].astype(np.int64), low[second[at]].astype(np.int64)
        a_up = 2 * head[first[at]].astype(np.int64) + 1 - a          # an edge's other end
        b_up = 2 * head[second[at]].astype(np.int64) + 1 - b
        same[at] = (x[a] == x[b]) & (y[a] == y[b]) & (x[a_up] == x[b_up]) & (y[a_up] == y[b_up])
    matched = low < 0
    matched[first[same]] = True
    matched[second[same]] = True
    return matched


def _orientation(x, y, head, edges):
    """Per ring (with `edges` edges each, in order): +1 turning left (anticlockwise), −1 right, 0 when its
    area is too small to tell. Coordinates are taken from the layer's middle: products stay small."""
    mx, my = (x.min() + x.max()) / 2.0, (y.min() + y.max()) / 2.0
    twice, scale = np.empty(len(head)), np.empty(len(head))
    for start in range(0, len(head), CHUNK):
        at = slice(start, start + CHUNK)
        p = head[at]
        left, right = (x[p] - mx) * (y[p + 1] - my), (x[p + 1] - mx) * (y[p] - my)
        twice[at], scale[at] = left - right, np.abs(left) + np.abs(right)
    some = edges > 0
    firsts = (np.cumsum(edges) - edges)[some]           # each ring's first edge (rings are contiguous)
    ring_twice, ring_scale = np.zeros(len(edges)), np.zeros(len(edges))
    if len(firsts):
        ring_twice[some] = np.add.reduceat(twice, firsts)
        ring_scale[some] = np.add.reduceat(scale, firsts)
    return np.where(np.abs(ring_twice) > 1e-12 * ring_scale, np.sign(ring_twice), 0).astype(np.int8)
