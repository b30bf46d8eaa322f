"""A layer's features held as columns: fid, WKB, box, code, label and attribute values.

However it was read (GDAL's Arrow batches or QGIS's feature iterator, see reading.py) a layer ends up
here, in one form, so every rule sees the same features whichever way they came. A Feature (QgsGeometry,
shape made valid, prepared geometry) is made when a rule asks for it: plan-size layers keep it for the
rest of the run, a layer of more than COMPACT_OVER features makes it afresh each time and drops it
after, so a one map with a million 永久基本农田 patches costs its WKB and a few columns, not a million
QGIS geometries.
"""
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from .convex import convex_features
from .geomops import from_wkb
from .oriented import COLUMNS as ORIENTED_COLUMNS, oriented_boxes
from .rings import CHUNK, Rings, WkbBlob, hash4

COMPACT_OVER = 250000        # a layer with more features than this keeps no Feature between two uses
SHARED_LENGTH = 6            # strings this short (codes, units, classes) repeat: one object each
UNKNOWN, INVALID, VALID = -1, 0, 1
THREADS = os.cpu_count() or 1


class FeatureTable:
    """The features of a layer in the working CRS; `make` builds a Feature (the context's Feature class).

    fids     int64 array
    wkbs     WkbBlob, the geometries as read (in the working CRS)
    boxes    (n, 4) float64 array, xmin ymin xmax ymax; NaN for no geometry (oriented(): boxes along each
             feature's longest edge, for turned parcels)
    areas    planar area of each stored geometry from its rings (NaN where not a plain polygon): a screen
             for the area rules, which ask GEOS about the few it does not clear
    codes    normalised codes, labels: how messages name each feature
    columns  canonical field -> list of values (Python values, None for NULL)
    twin     the table whose features this one shares (wkbs.twin is its WkbBlob), or None
    """

    def __init__(self, make, fids, wkbs, codes, labels, columns, keep=True, boxes=None, twin=None):
        self._make = make
        self.fids = np.asarray(fids, dtype=np.int64)
        self.wkbs = wkbs
        self.codes, self.labels = codes, labels
        self.columns = columns
        self.twin = twin
        self.boxes, self.areas, convex = measured(wkbs) if twin is None else self._measured_with(twin)
        if boxes is not None:
            self.boxes = boxes
        # valid where convex (convex.py), else found by GEOS when first made or in valid()
        self.validity = np.where(convex, VALID, UNKNOWN).astype(np.int8)
        self._oriented = self._oriented_made = None       # see oriented()
        if twin is not None:
            shared = np.flatnonzero(wkbs.refs >= 0)
            self.validity[shared] = twin.validity[wkbs.refs[shared]]
        self._kept = [None] * len(self.fids) if keep else None
        self._all_kept = False
        self._numbers = None

    @classmethod
    def of_features(cls, features):
        """A table of Features already made (kept as they are: their boxes, their shapes)."""
        features = list(features)
        names = list(features[0].attrs) if features else []
        table = cls(None, [f.fid for f in features],
                    WkbBlob.joined(None if f.geometry.isEmpty() else f.geometry.asWkb() for f in features),
                    [f.code for f in features], [f.label for f in features],
                    {name: [f.attrs.get(name) for f in features] for name in names},
                    boxes=np.array([f.box or (np.nan,) * 4 for f in features], dtype=np.float64).reshape(-1, 4))
        table._kept, table._all_kept = features, True
        table.validity[:] = [VALID if f.shape is f.geometry else INVALID for f in features]
        return table

    def _measured_with(self, twin):
        """measured(), the shared features' boxes and areas taken from the twin (the same bytes; their
        validity is the twin's, set by the caller)."""
        refs = self.wkbs.refs
        shared = refs >= 0
        boxes, areas, convex = np.empty((len(refs), 4)), np.empty(len(refs)), np.zeros(len(refs), dtype=bool)
        boxes[shared], areas[shared] = twin.boxes[refs[shared]], twin.areas[refs[shared]]
        own = np.flatnonzero(~shared)
        boxes[own], areas[own], convex[own] = measured(WkbBlob.joined(self.wkbs.pieces(own)))
        return boxes, areas, convex

    def __len__(self):
        return len(self.fids)

    @property
    def keeps(self):
        """True when a Feature made stays made (a plan-size layer)."""
        return self._kept is not None

    def valid(self):
        """Per feature: True where its stored geometry is empty or valid (GEOS), worked out once for all
        features not yet made, on every core (GEOS releases Python's lock while it works); a feature shared
        with the twin table is as valid as the twin's."""
        unknown = np.flatnonzero(self.validity == UNKNOWN)
        if len(unknown) and self.twin is not None:
            refs = self.wkbs.refs[unknown]
            shared = refs >= 0
            self.validity[unknown[shared]] = np.where(self.twin.valid()[refs[shared]], VALID, INVALID)
            unknown = unknown[~shared]
        if len(unknown):
            def judge(numbers):
                return [VALID if geometry.isEmpty() or geometry.isGeosValid() else INVALID
                        for geometry in map(self.geometry, numbers)]
            parts = np.array_split(unknown, max(1, min(len(unknown) // 4096, 4 * THREADS)))
            with ThreadPoolExecutor(max_workers=THREADS) as pool:
                self.validity[unknown] = np.concatenate([np.asarray(v, dtype=np.int8) for v in pool.map(
                    judge, [part.tolist() for part in parts])])
        return self.validity == VALID

    def oriented(self, numbers):
        """The oriented boxes (oriented.py) of features `numbers` (an array), made from their points when
        first asked for (only features a rule pairs by their boxes need one) and kept for a plan-size
        layer; a larger one (a million patches) makes them again when asked."""
        unique, back = np.unique(numbers, return_inverse=True)
        if not self.keeps:
            return self._oriented_of(unique)[back]
        if self._oriented is None:
            self._oriented = np.full((len(self), ORIENTED_COLUMNS), np.nan)
            self._oriented_made = np.zeros(len(self), dtype=bool)
        missing = unique[~self._oriented_made[unique]]
        self._oriented[missing], self._oriented_made[missing] = self._oriented_of(missing), True
        return self._oriented[numbers]

    def _oriented_of(self, numbers):
        boxes = np.empty((len(numbers), ORIENTED_COLUMNS))
        for start in range(0, len(numbers), CHUNK):
            part = numbers[start:start + CHUNK]
            rings = Rings(WkbBlob.joined(self.wkbs.pieces(part)))
            boxes[start:start + len(part)] = oriented_boxes(rings, len(part))
        return boxes

    def meeting(self, box, strict=False):
        """Numbers of the features whose boxes meet `box` (touching included; `strict`: overlap with positive
        area), ascending, as BoxIndex.near (overlapping) gives them: one query, no index."""
        x0, y0, x1, y1 = box
        boxes = self.boxes
        if strict:
            meets = (boxes[:, 0] < x1) & (x0 < boxes[:, 2]) & (boxes[:, 1] < y1) & (y0 < boxes[:, 3])
        else:
            meets = (boxes[:, 0] <= x1) & (x0 <= boxes[:, 2]) & (boxes[:, 1] <= y1) & (y0 <= boxes[:, 3])
        return np.flatnonzero(meets)

    def box(self, number):
        box = self.boxes[number]
        return None if box[0] != box[0] else tuple(box.tolist())          # NaN: no geometry

    def geometry(self, number):
        """A new QgsGeometry of feature `number` (empty when it has none)."""
        return from_wkb(self.wkbs.wkb(number))

    def attrs(self, number):
        return Row(self.columns, number)

    def __getitem__(self, number):
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(len(self)))]
        if number < 0:
            number += len(self)
        if self._kept is not None and self._kept[number] is not None:
            return self._kept[number]
        geometry = self.geometry(number)
        known = self.validity[number]
        feature = self._make(int(self.fids[number]), geometry, self.attrs(number), self.codes[number],
                             shape=geometry if known == VALID else None, label=self.labels[number],
                             box=self.box(number))
        if known == UNKNOWN:
            self.validity[number] = VALID if feature.shape is feature.geometry else INVALID
        if self._kept is not None:
            self._kept[number] = feature
        return feature

    def __iter__(self):
        if self._kept is not None:                  # made once, then walked as a list
            if not self._all_kept:
                for number in range(len(self)):
                    self[number]
                self._all_kept = True
            return iter(self._kept)
        return (self[n] for n in range(len(self)))

    def number_of(self, fid):
        """The position of feature `fid`, or None."""
        if self._numbers is None:
            self._numbers = {fid: n for n, fid in enumerate(self.fids.tolist())}
        return self._numbers.get(fid)

    def by_fid(self):
        return FidLookup(self)


class Row(Mapping):
    """A feature's canonical fields read from the table's columns when asked (no dict per feature)."""
    __slots__ = ("_columns", "_number")

    def __init__(self, columns, number):
        self._columns, self._number = columns, number

    def __getitem__(self, name):
        return self._columns[name][self._number]

    def __iter__(self):
        return iter(self._columns)

    def __len__(self):
        return len(self._columns)


class Subset:
    """Some features of a table, by number: their fids, and a Feature by fid (made when asked)."""

    def __init__(self, table, numbers):
        self.table, self.numbers = table, numbers

    def fids(self):
        return self.table.fids[self.numbers].tolist()

    def get(self, fid):
        number = self.table.number_of(fid)
        return None if number is None else self.table[number]

    def __iter__(self):
        return (self.table[n] for n in self.numbers.tolist())


class FidLookup:
    def __init__(self, table):
        self.table = table

    def get(self, fid, default=None):
        number = self.table.number_of(fid)
        return default if number is None else self.table[number]

    def __getitem__(self, fid):
        number = self.table.number_of(fid)
        if number is None:
            raise KeyError(fid)
        return self.table[number]

    def __contains__(self, fid):
        return self.table.number_of(fid) is not None


class Shared:
    """One string object per distinct short value (codes, units, classes repeat across a layer)."""

    def __init__(self):
        self._seen = {}

    def __call__(self, value):
        if isinstance(value, str) and len(value) <= SHARED_LENGTH:
            return self._seen.setdefault(value, value)
        return value


def copied(table, numbers, other):
    """Per feature of `table` among `numbers`: True where the FeatureTable `other` holds a feature of exactly
    the same WKB bytes (a patch copied from the one map). A feature the two tables share (rings.Twins) is
    such; for the others candidates are found by their boxes, all at once (sorted hashes of the four
    coordinates), and their bytes compared; no Feature is made."""
    numbers = np.asarray(numbers, dtype=np.int64)
    result = np.zeros(len(numbers), dtype=bool)
    if not len(numbers) or not len(other):
        return result
    mine, theirs = table.wkbs, other.wkbs
    if mine.twin is theirs:
        result |= mine.refs[numbers] >= 0
    if theirs.twin is mine:
        result |= np.isin(numbers, theirs.refs)
    their_hashes = hash4(*other.boxes.T)
    order = np.argsort(their_hashes, kind="stable")
    ranked, my_hashes = their_hashes[order], hash4(*table.boxes[numbers].T)
    first, last = np.searchsorted(ranked, my_hashes, "left"), np.searchsorted(ranked, my_hashes, "right")
    found = np.flatnonzero(~result & ~np.isnan(table.boxes[numbers, 0]) & (last > first))
    one = found[last[found] - first[found] == 1]             # the usual case: one candidate, compared in a loop
    for part in range(0, len(one), CHUNK):                    # a chunk at a time: no million-long lists
        at = one[part:part + CHUNK]
        result[at] = [a == b for a, b in zip(mine.pieces(numbers[at]), theirs.pieces(order[first[at]]))]
    for at in found[last[found] - first[found] > 1].tolist():
        wkb = mine.wkb(int(numbers[at]))
        result[at] = any(theirs.wkb(n) == wkb for n in order[first[at]:last[at]].tolist())
    return result


def measured(wkbs):
    """(boxes, areas, convex) of the features of a WkbBlob from their points: (n, 4) boxes (NaN where there
    is no geometry; one that is not a plain polygon measured by QGIS), planar areas (NaN where unknown) and
    whether each is a convex ring, valid without asking GEOS (convex.py)."""
    count = len(wkbs)
    boxes, areas, convex = np.full((count, 4), np.nan), np.full(count, np.nan), np.zeros(count, dtype=bool)
    for start, part in wkbs.chunks():
        rings = Rings(part)
        convex[start:start + len(part)] = convex_features(rings, len(part))
        sizes = np.diff(rings.starts)
        some = np.flatnonzero(sizes > 0)
        if len(some):
            firsts, owners = rings.starts[:-1][some], rings.owner[some]
            first_of_feature = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])   # rings in feature order
            where = start + owners[first_of_feature]
            for column, (values, reduce) in enumerate(((rings.x, np.minimum), (rings.y, np.minimum),
                                                       (rings.x, np.maximum), (rings.y, np.maximum))):
                boxes[where, column] = reduce.reduceat(reduce.reduceat(values, firsts), first_of_feature)
            signed = np.where(rings.hole[some], -1.0, 1.0) * np.abs(_ring_areas(rings, firsts, sizes[some]))
            areas[start:start + len(part)][rings.parsed] = 0.0
            areas[where] = np.add.reduceat(signed, first_of_feature)
        for number in np.flatnonzero(~rings.parsed):
            geometry = from_wkb(part.wkb(number))
            if not geometry.isEmpty():
                rect = geometry.boundingBox()
                boxes[start + number] = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
    return boxes, areas, convex


def _ring_areas(rings, firsts, sizes):
    """Signed shoelace area of each ring listed by its first point (coordinates from that point: a ring's area
    is the same whatever features share its chunk)."""
    x, y = rings.x - np.repeat(rings.x[firsts], sizes), rings.y - np.repeat(rings.y[firsts], sizes)
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]                 # across ring ends too: those terms are dropped
    ends = firsts + sizes - 1                                # each ring's closing point
    cross = np.append(cross, 0.0)
    cross[ends] = 0.0
    return np.add.reduceat(cross, firsts) / 2.0
