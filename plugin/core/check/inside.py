"""A large polygon's inside and outside as a grid of cells, so most parcels are placed without GEOS.

Each cell of a grid over the polygon's box is tested once with the prepared polygon: wholly inside,
wholly outside, or on its edge. A parcel whose box lies in inside cells only is wholly inside the
polygon; in outside cells only, wholly outside; anything else (a box touching an edge cell) goes to
GEOS as before. Both answers are exact: a cell is called inside or outside only when GEOS says so.
"""
import numpy as np
from qgis.core import QgsGeometry, QgsRectangle

INSIDE, OUTSIDE, EDGE = 1, 2, 0
SIDE = 96                # cells along the polygon box's longer side, at most (16 at least: see sides())
WORTH_IT = 256           # boxes to place against one polygon before its grid pays for its cell tests
SLACK = 1e-6             # of a cell: boxes are widened by this before they are placed (rounding)


class InsideGrid:
    """The cells of a grid over `prepared`'s geometry (a geomops.Prepared) classified once."""

    def __init__(self, prepared, side=SIDE):
        rect = prepared.geometry.boundingBox()
        self.side = side
        self.x0, self.y0 = rect.xMinimum(), rect.yMinimum()
        self.size = max(rect.width(), rect.height(), 1e-9) / side
        self.columns = max(1, int(np.ceil(rect.width() / self.size)))
        self.rows = max(1, int(np.ceil(rect.height() / self.size)))
        state = np.empty((self.columns, self.rows), dtype=np.int8)
        for cx in range(self.columns):
            for cy in range(self.rows):
                cell = QgsGeometry.fromRect(QgsRectangle(
                    self.x0 + cx * self.size, self.y0 + cy * self.size,
                    self.x0 + (cx + 1) * self.size, self.y0 + (cy + 1) * self.size))
                state[cx, cy] = INSIDE if prepared.contains(cell) else (
                    OUTSIDE if not prepared.intersects(cell) else EDGE)
        # counts of non-inside and non-outside cells up to each cell: a box's cells are all inside when its
        # rectangle of cells holds no other kind (summed-area tables)
        self._not_inside = _summed(state != INSIDE)
        self._not_outside = _summed(state != OUTSIDE)

    def place(self, boxes):
        """INSIDE, OUTSIDE or EDGE for each box of an (n, 4) array."""
        result = np.full(len(boxes), EDGE, dtype=np.int8)
        beyond = ((boxes[:, 2] < self.x0) | (boxes[:, 3] < self.y0)
                  | (boxes[:, 0] > self.x0 + self.columns * self.size)
                  | (boxes[:, 1] > self.y0 + self.rows * self.size))
        result[beyond] = OUTSIDE                          # beyond the polygon's box (on its edge: a point
        #                                                   there may be the polygon's own vertex)
        within = ((boxes[:, 0] >= self.x0) & (boxes[:, 1] >= self.y0)
                  & (boxes[:, 2] <= self.x0 + self.columns * self.size)
                  & (boxes[:, 3] <= self.y0 + self.rows * self.size))
        at = np.flatnonzero(within)
        if not len(at):
            return result
        pad = SLACK * self.size                           # a box on a cell line counts in both cells
        cx0, cy0 = self._cell(boxes[at, 0] - pad, self.x0, self.columns), self._cell(boxes[at, 1] - pad, self.y0, self.rows)
        cx1, cy1 = self._cell(boxes[at, 2] + pad, self.x0, self.columns), self._cell(boxes[at, 3] + pad, self.y0, self.rows)
        for table, value in ((self._not_inside, INSIDE), (self._not_outside, OUTSIDE)):
            others = (table[cx1 + 1, cy1 + 1] - table[cx0, cy1 + 1] - table[cx1 + 1, cy0] + table[cx0, cy0])
            result[at[others == 0]] = value
        return result

    def _cell(self, values, origin, count):
        return np.clip(np.floor((values - origin) / self.size).astype(np.int64), 0, count - 1)


def _summed(flags):
    table = np.zeros((flags.shape[0] + 1, flags.shape[1] + 1), dtype=np.int64)
    table[1:, 1:] = np.cumsum(np.cumsum(flags, axis=0), axis=1)
    return table


def grid_of(prepared, count):
    """The InsideGrid of a geomops.Prepared for placing `count` boxes, made once: the rules and indicators
    that ask about one village share its cell tests (made again, finer, for a count that needs it)."""
    side = sides(count)
    if prepared.inside_grid is None or prepared.inside_grid.side < side:
        prepared.inside_grid = InsideGrid(prepared, side)
    return prepared.inside_grid


def sides(count):
    """Cells along a grid's longer side for placing `count` boxes: a cell test costs about a quarter of a
    parcel's, and a grid of side s leaves about 4/s of the boxes on edge cells, so some √count cells a
    side, in steps of 16 (a 3 000-parcel village: 64, 4 096 cell tests, not 9 216)."""
    return int(min(SIDE, max(16, 16 * np.ceil(np.sqrt(count) / 16))))


def within(layer, numbers, prepared):
    """(numbers, wholly inside) of the layer's features among `numbers` (an array) that meet the prepared
    area, in order, as two arrays; the area's inside grid (inside.py) places most of them without GEOS when
    there are many."""
    numbers = np.asarray(numbers, dtype=np.int64)
    table = layer.features
    numbers = numbers[~np.isnan(table.boxes[numbers, 0])] if len(numbers) else numbers
    placed = np.full(len(numbers), EDGE, dtype=np.int8)
    if len(numbers) >= WORTH_IT:
        placed = grid_of(prepared, len(numbers)).place(table.boxes[numbers])
    meets, whole = placed == INSIDE, placed == INSIDE
    for at in np.flatnonzero(placed == EDGE).tolist():
        shape = table[int(numbers[at])].shape
        if prepared.intersects(shape):
            meets[at], whole[at] = True, prepared.contains(shape)
    return numbers[meets], whole[meets]
