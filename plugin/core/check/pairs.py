"""Which boxes of one set overlap which of another, worked out for all of them at once in NumPy.

Both sets are put on one grid (cells about twice the larger median box); boxes sharing a cell are
joined by sorting on the cell, and only pairs whose boxes overlap with positive area are kept: two
shapes that share area must have such boxes, so the pairs are exactly the candidates a rule's GEOS
test needs, found without a Python loop over parcels. The larger set is gridded CHUNK boxes at a time
against the smaller set's sorted cells, so a million farmland patches never have all their cells held.
"""
import numpy as np

MAX_CELLS = 4096         # a box spanning more cells is paired with every box of the other set (then filtered)
CHUNK = 1 << 16          # boxes of the larger set gridded at a time


def overlapping_pairs(a, b):
    """(i, j) index arrays into the (n, 4) box arrays `a` and `b` (xmin ymin xmax ymax; rows of NaN have
    no box) for every pair of boxes overlapping with positive area, sorted by i, then j."""
    usable_a, usable_b = np.flatnonzero(~np.isnan(a[:, 0])), np.flatnonzero(~np.isnan(b[:, 0]))
    if not len(usable_a) or not len(usable_b):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    a_boxes, b_boxes = a[usable_a], b[usable_b]
    size = 2.0 * max(_median_size(a_boxes), _median_size(b_boxes), 1e-6)
    origin = np.minimum(a_boxes[:, :2].min(axis=0), b_boxes[:, :2].min(axis=0))
    swapped = len(a_boxes) > len(b_boxes)                 # the smaller set is sorted once, the larger chunked
    small, large = (b_boxes, a_boxes) if swapped else (a_boxes, b_boxes)
    cells, rows, large_small = _cells(small, origin, size)
    order = np.argsort(cells, kind="stable")
    cells, rows = cells[order], rows[order]
    keys = []
    for start in range(0, len(large), CHUNK):
        chunk_cells, chunk_rows, large_chunk = _cells(large[start:start + CHUNK], origin, size)
        s, l = _join(cells, rows, chunk_cells, chunk_rows + start)
        s = np.concatenate([s, np.repeat(np.arange(len(small)), len(large_chunk))])
        l = np.concatenate([l, np.tile(large_chunk + start, len(small))])
        keys.append(_overlapping(small, large, s, l, len(large)))
    for row in large_small.tolist():                      # a small-set box spanning many cells: every large box
        for start in range(0, len(large), CHUNK):
            l = np.arange(start, min(start + CHUNK, len(large)))
            keys.append(_overlapping(small, large, np.full(len(l), row), l, len(large)))
    key = np.unique(np.concatenate(keys))                 # each pair once
    s, l = key // len(large), key % len(large)
    i, j = (l, s) if swapped else (s, l)
    if swapped:                                            # sorted by i, then j
        order = np.lexsort((j, i))
        i, j = i[order], j[order]
    return usable_a[i], usable_b[j]


def _overlapping(small, large, s, l, count):
    """Keys s · count + l of the pairs whose boxes overlap with positive area."""
    keep = ((small[s, 0] < large[l, 2]) & (large[l, 0] < small[s, 2])
            & (small[s, 1] < large[l, 3]) & (large[l, 1] < small[s, 3]))
    return s[keep] * np.int64(count) + l[keep]


def _median_size(boxes):
    sizes = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    return float(np.median(sizes)) if len(sizes) else 0.0


def _cells(boxes, origin, size):
    """(cell key, box row) for every cell each box spans (boxes spanning more than MAX_CELLS apart)."""
    low = np.floor((boxes[:, :2] - origin) / size).astype(np.int64)
    high = np.floor((boxes[:, 2:] - origin) / size).astype(np.int64)
    width, height = (np.minimum(high[:, k] - low[:, k] + 1, MAX_CELLS + 1) for k in (0, 1))   # (no overflow below)
    spans = width * height
    small = np.flatnonzero(spans <= MAX_CELLS)
    repeat = spans[small]
    rows = np.repeat(small, repeat)
    step = np.arange(len(rows)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    tall = np.repeat(height[small], repeat)
    x = np.repeat(low[small, 0], repeat) + step // tall
    y = np.repeat(low[small, 1], repeat) + step % tall
    return x * np.int64(1 << 31) + y, rows, np.flatnonzero(spans > MAX_CELLS)


def _join(sorted_cells, sorted_rows, cells, rows):
    """Every (row of the sorted set, row of the other) sharing a cell key."""
    start = np.searchsorted(sorted_cells, cells, side="left")
    stop = np.searchsorted(sorted_cells, cells, side="right")
    count = stop - start
    other = np.repeat(rows, count)
    offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return sorted_rows[np.repeat(start, count) + offsets], other
