"""Which boxes of one set overlap which of another, worked out for all of them at once in NumPy.

Both sets are put on one grid (cells about twice the larger median box); boxes sharing a cell are
joined by sorting on the cell, and only pairs whose boxes overlap with positive area are kept: two
shapes that share area must have such boxes, so the pairs are exactly the candidates a rule's GEOS
test needs, found without a Python loop over parcels.
"""
import numpy as np

MAX_CELLS = 4096         # a box spanning more cells is paired with every box of the other set (then filtered)


def overlapping_pairs(a, b):
    """(i, j) index arrays into the (n, 4) box arrays `a` and `b` (xmin ymin xmax ymax; rows of NaN have
    no box) for every pair of boxes overlapping with positive area, sorted by i, then j."""
    usable_a, usable_b = np.flatnonzero(~np.isnan(a[:, 0])), np.flatnonzero(~np.isnan(b[:, 0]))
    if not len(usable_a) or not len(usable_b):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    a_boxes, b_boxes = a[usable_a], b[usable_b]
    size = 2.0 * max(_median_size(a_boxes), _median_size(b_boxes), 1e-6)
    origin = np.minimum(a_boxes[:, :2].min(axis=0), b_boxes[:, :2].min(axis=0))
    cells_a, rows_a, large_a = _cells(a_boxes, origin, size)
    cells_b, rows_b, large_b = _cells(b_boxes, origin, size)
    i, j = _join(cells_a, rows_a, cells_b, rows_b)
    extra = [(np.repeat(large_a, len(b_boxes)), np.tile(np.arange(len(b_boxes)), len(large_a))),
             (np.tile(np.arange(len(a_boxes)), len(large_b)), np.repeat(large_b, len(a_boxes)))]
    i = np.concatenate([i] + [e[0] for e in extra])
    j = np.concatenate([j] + [e[1] for e in extra])
    keep = ((a_boxes[i, 0] < b_boxes[j, 2]) & (b_boxes[j, 0] < a_boxes[i, 2])
            & (a_boxes[i, 1] < b_boxes[j, 3]) & (b_boxes[j, 1] < a_boxes[i, 3]))
    key = np.unique(i[keep] * np.int64(len(b_boxes)) + j[keep])       # sorted, each pair once
    return usable_a[key // len(b_boxes)], usable_b[key % len(b_boxes)]


def _median_size(boxes):
    sizes = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    return float(np.median(sizes)) if len(sizes) else 0.0


def _cells(boxes, origin, size):
    """(cell key, box row) for every cell each box spans (boxes spanning more than MAX_CELLS apart)."""
    low = np.floor((boxes[:, :2] - origin) / size).astype(np.int64)
    high = np.floor((boxes[:, 2:] - origin) / size).astype(np.int64)
    width, height = high[:, 0] - low[:, 0] + 1, high[:, 1] - low[:, 1] + 1
    spans = width * height
    small = np.flatnonzero(spans <= MAX_CELLS)
    repeat = spans[small]
    rows = np.repeat(small, repeat)
    step = np.arange(len(rows)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    tall = np.repeat(height[small], repeat)
    x = np.repeat(low[small, 0], repeat) + step // tall
    y = np.repeat(low[small, 1], repeat) + step % tall
    return x * np.int64(1 << 31) + y, rows, np.flatnonzero(spans > MAX_CELLS)


def _join(cells_a, rows_a, cells_b, rows_b):
    """Every (row of a, row of b) sharing a cell key."""
    order = np.argsort(cells_b, kind="stable")
    cells_b, rows_b = cells_b[order], rows_b[order]
    start = np.searchsorted(cells_b, cells_a, side="left")
    stop = np.searchsorted(cells_b, cells_a, side="right")
    count = stop - start
    i = np.repeat(rows_a, count)
    offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    j = rows_b[np.repeat(start, count) + offsets]
    return i, j
