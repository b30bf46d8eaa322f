"""Bounding boxes in a uniform grid: candidates for the exact predicates, found in plain Python.

Built in one pass (no per-feature call into C++), queried with tuples. A box is (xmin, ymin,
xmax, ymax). Two polygons whose interiors meet have boxes whose interiors meet, so `overlapping`
(strict) is an exact pre-filter for every overlap-by-area test: parcels that only share an edge
— almost every neighbouring pair — never reach GEOS.
"""
import math

MAX_CELLS = 64          # a box spanning more cells than this is kept apart and tested against every query


def box_of(geometry):
    rect = geometry.boundingBox()
    return rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()


def boxes_meet(a, b):
    """Boxes intersect, touching included."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def interiors_meet(a, b):
    """Boxes overlap with positive area (a shared edge or corner is not enough)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class BoxIndex:
    """Items with boxes; `near(box)` returns those whose boxes meet it, in insertion order."""

    def __init__(self, items, box=lambda item: item.box):
        self.items = [item for item in items if box(item) is not None]
        self.boxes = [box(item) for item in self.items]
        self.cells, self.large = {}, []
        self.extent = None
        if not self.boxes:
            return
        self.extent = (min(b[0] for b in self.boxes), min(b[1] for b in self.boxes),
                       max(b[2] for b in self.boxes), max(b[3] for b in self.boxes))
        sizes = sorted(max(b[2] - b[0], b[3] - b[1]) for b in self.boxes)
        self.size = max(sizes[len(sizes) // 2] * 2.0, 1e-6)        # twice the median box: ~1-4 cells each
        self.x0, self.y0 = self.extent[0], self.extent[1]
        cells = self.cells
        for number, item_box in enumerate(self.boxes):
            keys = self._keys(item_box)
            if keys is None:
                self.large.append(number)
                continue
            for key in keys:
                bucket = cells.get(key)
                if bucket is None:
                    cells[key] = [number]
                else:
                    bucket.append(number)

    def _keys(self, b, limit=MAX_CELLS):
        size = self.size
        cx0, cx1 = math.floor((b[0] - self.x0) / size), math.floor((b[2] - self.x0) / size)
        cy0, cy1 = math.floor((b[1] - self.y0) / size), math.floor((b[3] - self.y0) / size)
        if limit is not None and (cx1 - cx0 + 1) * (cy1 - cy0 + 1) > limit:
            return None
        return [(cx, cy) for cx in range(cx0, cx1 + 1) for cy in range(cy0, cy1 + 1)]

    def _numbers(self, b):
        keys = self._keys(b, limit=len(self.cells))
        if keys is None:                   # a query spanning more cells than are filled: scan every box
            return range(len(self.boxes))
        found = set(self.large)
        cells = self.cells
        for key in keys:
            bucket = cells.get(key)
            if bucket is not None:
                found.update(bucket)
        return sorted(found)

    def near(self, b):
        if not self.boxes:
            return []
        boxes, items = self.boxes, self.items
        return [items[n] for n in self._numbers(b) if boxes_meet(boxes[n], b)]

    def overlapping(self, b):
        """Items whose boxes overlap `b` with positive area: the only ones that can share area with it."""
        if not self.boxes:
            return []
        boxes, items = self.boxes, self.items
        return [items[n] for n in self._numbers(b) if interiors_meet(boxes[n], b)]
