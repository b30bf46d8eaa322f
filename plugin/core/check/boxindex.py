"""Bounding boxes in a uniform grid: candidates for the exact predicates, found in plain Python.

Built in one pass (no per-feature call into C++), queried in plain Python. A box is (xmin, ymin,
xmax, ymax). Two polygons whose interiors meet have boxes whose interiors meet, so `overlapping`
(strict) is an exact pre-filter for every overlap-by-area test: parcels that only share an edge
— almost every neighbouring pair — never reach GEOS.
"""
import math
from array import array

import numpy as np

MAX_CELLS = 64          # a box spanning more cells than this is kept apart and tested against every query


def box_of(geometry):
    rect = geometry.boundingBox()
    return rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()


class BoxIndex:
    """Items with boxes; `near(box)` returns those whose boxes meet it, in insertion order.

    Boxes are kept in one flat array of doubles and each cell's items as an array of ints keyed by an
    integer (a million boxes cost tens of megabytes, not hundreds); the grid is filled with NumPy."""

    def __init__(self, items, box=lambda item: item.box):
        self.items, boxes = [], []
        for item in items:
            item_box = box(item)
            if item_box is not None:
                self.items.append(item)
                boxes.append(item_box)
        self._build(np.asarray(boxes, dtype=np.float64).reshape(-1, 4))

    @classmethod
    def of_boxes(cls, boxes):
        """An index of the row numbers of an (n, 4) array of boxes (rows of NaN have no box)."""
        index = cls.__new__(cls)
        present = ~np.isnan(boxes[:, 0])
        index.items = array("q", np.flatnonzero(present).astype(np.int64).tobytes())
        index._build(boxes[present])
        return index

    def _build(self, boxes):
        self.flat = array("d")
        self.flat.frombytes(np.ascontiguousarray(boxes, dtype=np.float64).tobytes())
        self.cells, self.large = {}, []
        self.extent = None
        count = len(boxes)
        if not count:
            return
        self.extent = tuple(boxes[:, :2].min(axis=0).tolist() + boxes[:, 2:].max(axis=0).tolist())
        sizes = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
        self.size = max(float(np.sort(sizes)[count // 2]) * 2.0, 1e-6)     # twice the median box: ~1-4 cells each
        self.x0, self.y0 = self.extent[0], self.extent[1]
        self.columns = math.floor((self.extent[2] - self.x0) / self.size) + 1
        self.rows = math.floor((self.extent[3] - self.y0) / self.size) + 1
        cx0 = np.clip(np.floor((boxes[:, 0] - self.x0) / self.size), 0, self.columns - 1).astype(np.int64)
        cx1 = np.clip(np.floor((boxes[:, 2] - self.x0) / self.size), 0, self.columns - 1).astype(np.int64)
        cy0 = np.clip(np.floor((boxes[:, 1] - self.y0) / self.size), 0, self.rows - 1).astype(np.int64)
        cy1 = np.clip(np.floor((boxes[:, 3] - self.y0) / self.size), 0, self.rows - 1).astype(np.int64)
        spans = (cx1 - cx0 + 1) * (cy1 - cy0 + 1)
        self.large = np.flatnonzero(spans > MAX_CELLS).tolist()
        small = np.flatnonzero(spans <= MAX_CELLS)          # each box in every cell it spans
        repeat = spans[small]
        numbers = np.repeat(small, repeat)
        step = np.arange(len(numbers)) - np.repeat(np.cumsum(repeat) - repeat, repeat)   # 0 … span − 1 per box
        height = np.repeat(cy1[small] - cy0[small] + 1, repeat)
        keys = (np.repeat(cx0[small], repeat) + step // height) * self.rows + np.repeat(cy0[small], repeat) + (
            step % height)
        order = np.lexsort((numbers, keys))                 # by cell, then in insertion order
        keys, numbers = keys[order], numbers[order]
        bounds = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True])
        packed = numbers.astype(np.int64).tobytes()           # each cell's numbers as a compact array of ints
        self.cells = {int(keys[a]): array("q", packed[8 * a:8 * b]) for a, b in zip(bounds[:-1].tolist(),
                                                                                   bounds[1:].tolist())}

    def box(self, number):
        return tuple(self.flat[4 * number:4 * number + 4])

    def _keys(self, b, limit=MAX_CELLS):
        """Keys of the grid cells the box spans (clipped to the grid), None when more than `limit`."""
        size = self.size
        cx0 = max(0, math.floor((b[0] - self.x0) / size))
        cx1 = min(self.columns - 1, math.floor((b[2] - self.x0) / size))
        cy0 = max(0, math.floor((b[1] - self.y0) / size))
        cy1 = min(self.rows - 1, math.floor((b[3] - self.y0) / size))
        if cx1 < cx0 or cy1 < cy0:
            return []
        if limit is not None and (cx1 - cx0 + 1) * (cy1 - cy0 + 1) > limit:
            return None
        rows = self.rows
        return [cx * rows + cy for cx in range(cx0, cx1 + 1) for cy in range(cy0, cy1 + 1)]

    def _numbers(self, b):
        """Numbers of the items in the cells `b` spans, ascending (a superset: callers test the boxes)."""
        size, x0, y0, rows = self.size, self.x0, self.y0, self.rows
        # int() truncates toward zero, floor() would not: below the grid both clip to cell 0, and a
        # query wholly outside gets cell 0's items, which the callers' box test then drops
        cx0, cx1 = int((b[0] - x0) / size), int((b[2] - x0) / size)
        cy0, cy1 = int((b[1] - y0) / size), int((b[3] - y0) / size)
        if cx0 == cx1 and cy0 == cy1 and not self.large and 0 <= cx0 < self.columns and 0 <= cy0 < rows:
            return self.cells.get(cx0 * rows + cy0, ())   # the usual query, a parcel's box: one cell, in order
        cx0, cx1 = max(0, cx0), min(self.columns - 1, cx1)
        cy0, cy1 = max(0, cy0), min(rows - 1, cy1)
        if cx1 < cx0 or cy1 < cy0:
            return self.large
        if (cx1 - cx0 + 1) * (cy1 - cy0 + 1) > len(self.cells):   # spans more cells than are filled
            return range(len(self.items))
        cells = self.cells
        found = set(self.large)
        for cx in range(cx0, cx1 + 1):
            for cy in range(cy0, cy1 + 1):
                bucket = cells.get(cx * rows + cy)
                if bucket is not None:
                    found.update(bucket)
        return sorted(found)

    def near(self, b):
        """Items whose boxes meet `b`, touching included."""
        if not self.items:
            return []
        flat, items = self.flat, self.items
        x0, y0, x1, y1 = b
        return [items[n] for n in self._numbers(b)
                if flat[4 * n] <= x1 and x0 <= flat[4 * n + 2] and flat[4 * n + 1] <= y1 and y0 <= flat[4 * n + 3]]

    def overlapping(self, b):
        """Items whose boxes overlap `b` with positive area: the only ones that can share area with it."""
        if not self.items:
            return []
        flat, items = self.flat, self.items
        x0, y0, x1, y1 = b
        return [items[n] for n in self._numbers(b)
                if flat[4 * n] < x1 and x0 < flat[4 * n + 2] and flat[4 * n + 1] < y1 and y0 < flat[4 * n + 3]]
