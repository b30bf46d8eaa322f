"""Large layers held compactly: each feature as WKB, box, code, label and attribute values.

A Feature (QgsGeometry, shape made valid, prepared geometry) is made when a rule asks for it and
dropped after, so a one map with a million 永久基本农田 patches costs about half a kilobyte a
patch instead of two: the run stays within memory at provincial scale.
"""
from array import array

from qgis.core import QgsGeometry

from .boxindex import box_of

COMPACT_OVER = 250000        # a layer with more features than this is held compactly
EMPTY = (float("nan"),) * 4
SHARED_LENGTH = 6            # strings this short (codes, units, classes) repeat: one object each


class CompactFeatures:
    """A sequence of Features stored as WKB; `make` builds a Feature (the context's Feature class)."""

    def __init__(self, make):
        self._make = make
        self.fids = array("q")
        self.wkb = bytearray()             # every feature's WKB, one after another
        self.ends = array("q")             # where each feature's WKB ends in it
        self.codes, self.labels, self.values = [], [], []
        self.boxes = array("d")            # 4 per feature; NaN for an empty geometry
        self.valid = bytearray()           # 1 where the geometry is empty or valid: it is its own shape
        self.names = None
        self._shared = {}                  # one string object per distinct short value (codes, units)

    def add(self, fid, geometry, attrs, code, label):
        empty = geometry.isEmpty()
        self.valid.append(empty or geometry.isGeosValid())     # once here, not each time a Feature is made
        self.fids.append(fid)
        if not empty:
            self.wkb += bytes(geometry.asWkb())       # (a QByteArray would be added byte by byte)
        self.ends.append(len(self.wkb))
        self.boxes.extend(EMPTY if empty else box_of(geometry))   # the stored geometry's box: covers its shape
        self.codes.append(self._share(code))
        self.labels.append(label)
        if self.names is None:
            self.names = tuple(attrs)
        self.values.append(tuple(self._share(value) for value in attrs.values()))

    def _share(self, value):
        if isinstance(value, str) and len(value) <= SHARED_LENGTH:
            return self._shared.setdefault(value, value)
        return value

    def box(self, number):
        box = tuple(self.boxes[4 * number:4 * number + 4])
        return None if box[0] != box[0] else box              # NaN: empty

    def __len__(self):
        return len(self.fids)

    def __getitem__(self, number):
        if isinstance(number, slice):
            return [self[n] for n in range(*number.indices(len(self)))]
        if number < 0:
            number += len(self)
        geometry = QgsGeometry()
        start, end = self.ends[number - 1] if number else 0, self.ends[number]
        if end > start:
            geometry.fromWkb(bytes(self.wkb[start:end]))
        return self._make(self.fids[number], geometry, dict(zip(self.names or (), self.values[number])),
                          self.codes[number], shape=geometry if self.valid[number] else None,
                          label=self.labels[number])

    def __iter__(self):
        return (self[n] for n in range(len(self)))

    def by_fid(self):
        numbers = {fid: n for n, fid in enumerate(self.fids)}
        return FidLookup(self, numbers)


class FidLookup:
    def __init__(self, features, numbers):
        self.features, self.numbers = features, numbers

    def get(self, fid, default=None):
        number = self.numbers.get(fid)
        return default if number is None else self.features[number]

    def __getitem__(self, fid):
        return self.features[self.numbers[fid]]

    def __contains__(self, fid):
        return fid in self.numbers
