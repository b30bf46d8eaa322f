"""A polygon layer's rings as NumPy arrays, read straight from its features' WKB (no QgsGeometry).

The usual feature — a 2D Polygon or MultiPolygon of one ring, little-endian — is recognised for every
feature at once from its header bytes; any other (multi)polygon is walked with `struct`. What is not a
plain 2D (multi)polygon (curves, Z/M, big-endian, collections, damaged bytes) is left out and marked
not `parsed`: callers treat such a feature as GEOS would have to (they never guess about it). So is a
feature with a ring stored unclosed (its last point not its first, as some tools write): QGIS and GEOS
close such a ring, and only the slow path (geomops.Screen) closes it the same way.
"""
import struct

import numpy as np

POLYGON, MULTIPOLYGON = 3, 6
CHUNK = 16384            # features worked at a time where their points are held (never a million patches at once)
# odd 64-bit constants spreading four coordinates over a hash (any would do: callers compare equal hashes
# exactly afterwards)
_MIX = tuple(np.uint64(k) for k in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93))
ONE_RING = {POLYGON: 13, MULTIPOLYGON: 22}     # header bytes before the points of a one-ring (multi)polygon


class WkbBlob:
    """Many WKBs in one buffer: feature n's bytes are blob[offsets[n]:offsets[n + 1]] (empty: no geometry).

    A blob may share features with another, its `twin` (a blob of its own bytes only): where refs[n] ≥ 0,
    feature n is the twin's feature refs[n], byte for byte, and holds no bytes here. A one map's patches
    that the plan copied are so held once (see Twins)."""

    def __init__(self, blob, offsets, twin=None, refs=None):
        self.blob = blob                   # bytes or bytearray
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.twin, self.refs = twin, refs

    @classmethod
    def joined(cls, wkbs):
        """From a sequence of bytes-like WKBs (None or b'' for no geometry)."""
        builder = WkbBuilder()
        builder.extend(wkbs)
        return builder.done()

    def __len__(self):
        return len(self.offsets) - 1

    def wkb(self, number):
        if self.refs is not None and self.refs[number] >= 0:
            return self.twin.wkb(self.refs[number])
        return bytes(self.blob[self.offsets[number]:self.offsets[number + 1]])

    def lengths(self):
        """Bytes of each feature's WKB (0: no geometry)."""
        lengths = np.diff(self.offsets)
        if self.refs is not None:
            shared = self.refs >= 0
            lengths[shared] = np.diff(self.twin.offsets)[self.refs[shared]]
        return lengths

    def pieces(self, numbers):
        """The WKBs of features `numbers` (an int array) as bytes-like slices, wherever they are held."""
        numbers = np.asarray(numbers, dtype=np.int64)
        firsts, ends = self.offsets[numbers], self.offsets[numbers + 1]
        if self.refs is None or not (self.refs[numbers] >= 0).any():
            return [self.blob[a:e] for a, e in zip(firsts.tolist(), ends.tolist())]
        refs = self.refs[numbers]
        shared = refs >= 0
        firsts = np.where(shared, self.twin.offsets[np.maximum(refs, 0)], firsts)
        ends = np.where(shared, self.twin.offsets[np.maximum(refs, 0) + 1], ends)
        blobs = self.blob, self.twin.blob
        return [blobs[s][a:e] for s, a, e in zip(shared.tolist(), firsts.tolist(), ends.tolist())]

    def own(self, start=0, end=None):
        """Features start … end − 1 as a blob of their own bytes (a shared feature's copied in)."""
        end = len(self) if end is None else end
        if self.refs is None or not (self.refs[start:end] >= 0).any():
            return WkbBlob(self.blob, self.offsets[start:end + 1])
        parts = self.pieces(np.arange(start, end))
        offsets = np.zeros(end - start + 1, dtype=np.int64)
        np.cumsum([len(part) for part in parts], out=offsets[1:])
        return WkbBlob(b"".join(parts), offsets)

    def chunks(self):
        """(first feature, a blob of the next CHUNK features' own bytes) from the first feature to the last."""
        for start in range(0, len(self), CHUNK):
            yield start, self.own(start, min(start + CHUNK, len(self)))

    def replaced(self, new):
        """This blob with the features `new` ({number: WKB or None}) replaced; the others as they are, shared
        ones still shared."""
        builder = WkbBuilder()
        start = 0
        for number in sorted(new):
            builder.take(self, start, number)
            builder.extend([new[number]])
            start = number + 1
        builder.take(self, start, len(self))
        return builder.done()


class WkbBuilder:
    """A WkbBlob filled a batch at a time: the batches' WKB objects are let go as they are copied in, so a
    million patches are held once, not twice. With `twins` (Twins), a WKB the twin blob holds already is
    noted as shared, not copied."""

    def __init__(self, twins=None):
        self._blob, self._lengths, self._refs = bytearray(), [], []
        self._twins = twins
        self._twin = twins.twin if twins is not None else None

    def extend(self, wkbs):
        parts = [bytes(w) if w is not None else b"" for w in wkbs]
        if self._twins is not None:
            refs = self._twins.find(parts)
            parts = [b"" if ref >= 0 else part for part, ref in zip(parts, refs.tolist())]
            self._refs.append(refs)
        elif self._twin is not None:
            self._refs.append(np.full(len(parts), -1, dtype=np.int64))
        self._lengths.extend(map(len, parts))
        self._blob += b"".join(parts)

    def take(self, wkbs, start, end):
        """Features start … end − 1 of the WkbBlob `wkbs` as they are (shared ones still shared)."""
        if wkbs.refs is not None and self._twin is None:
            self._twin = wkbs.twin
            self._refs.append(np.full(len(self._lengths), -1, dtype=np.int64))
        if self._twin is not None:
            if wkbs.refs is not None and wkbs.twin is not self._twin:
                raise ValueError("features shared with two different blobs")
            self._refs.append(wkbs.refs[start:end] if wkbs.refs is not None else
                              np.full(end - start, -1, dtype=np.int64))
        self._lengths.extend(np.diff(wkbs.offsets[start:end + 1]).tolist())
        self._blob += wkbs.blob[wkbs.offsets[start]:wkbs.offsets[end]]

    def done(self):
        offsets = np.zeros(len(self._lengths) + 1, dtype=np.int64)
        np.cumsum(self._lengths, out=offsets[1:])
        refs = np.concatenate(self._refs) if self._refs else None
        if refs is None or not (refs >= 0).any():
            return WkbBlob(self._blob, offsets)
        return WkbBlob(self._blob, offsets, self._twin, refs)


class Twins:
    """Finds, among WKBs being read, those a blob already read (`twin`, of its own bytes only) holds byte for
    byte: a plan's copy of the one map's 永久基本农田 is then held once. Candidates by hash (Python's, of
    the bytes), then the bytes compared."""

    def __init__(self, twin):
        self.twin = twin
        view = memoryview(twin.blob)
        offsets = twin.offsets.tolist()
        hashes = np.fromiter((hash(bytes(view[a:e])) for a, e in zip(offsets[:-1], offsets[1:])),
                             dtype=np.int64, count=len(twin))
        self._order = np.argsort(hashes, kind="stable")
        self._hashes = hashes[self._order]

    def find(self, parts):
        """Per WKB of `parts` (bytes; b'' for none), the twin's feature of the same bytes, or −1."""
        refs = np.full(len(parts), -1, dtype=np.int64)
        if not len(parts) or not len(self._hashes):
            return refs
        hashes = np.fromiter(map(hash, parts), dtype=np.int64, count=len(parts))
        first = np.searchsorted(self._hashes, hashes, "left")
        last = np.searchsorted(self._hashes, hashes, "right")
        empty = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)) == 0
        last[empty] = first[empty]                                # no geometry: nothing to share
        blob, offsets = self.twin.blob, self.twin.offsets
        one = np.flatnonzero(last - first == 1)                   # the usual case: one candidate
        candidates = self._order[first[one]]
        same = np.array([blob[a:e] == parts[n] for n, a, e in zip(
            one.tolist(), offsets[candidates].tolist(), offsets[candidates + 1].tolist())], dtype=bool)
        refs[one[same]] = candidates[same]
        for number in np.flatnonzero(last - first > 1).tolist():
            for candidate in self._order[first[number]:last[number]].tolist():
                if blob[offsets[candidate]:offsets[candidate + 1]] == parts[number]:
                    refs[number] = candidate
                    break
        return refs


class Rings:
    """Every ring of the features of a WkbBlob.

    x, y    the points' coordinates (N float64 each), ring after ring, each ring closed (its first point
            repeated last)
    starts  index of each ring's first point, with N appended (len = rings + 1)
    owner   the feature number each ring belongs to
    hole    True for an inner ring
    at      where each ring's points start in the blob (bytes)
    parsed  per feature: False when its geometry is not a plain 2D (multi)polygon (its rings are absent)
    simple  per feature: True for the usual one-ring Polygon or MultiPolygon of one part, read from its header
    """

    def __init__(self, wkbs):
        wkbs = wkbs.own()
        count = len(wkbs)
        data = np.frombuffer(wkbs.blob, dtype=np.uint8)
        first, length = wkbs.offsets[:-1], np.diff(wkbs.offsets)
        self.parsed = length == 0                      # no geometry: nothing to list, nothing unknown
        simple = np.zeros(count, dtype=bool)
        point_counts = np.zeros(count, dtype=np.int64)
        header = np.zeros(count, dtype=np.int64)
        for kind, skip in ONE_RING.items():           # the usual features, all at once
            where, points = _usual(data, first, length, kind, ~simple)
            simple[where], point_counts[where], header[where] = True, points, skip
        ring_owner, ring_hole, ring_at, ring_points = [np.flatnonzero(simple)], [np.zeros(simple.sum(), bool)], \
            [first[simple] + header[simple]], [point_counts[simple]]
        others = np.flatnonzero(~simple & (length > 0))
        walked = [], [], [], []
        for number in others:                          # the rest one by one
            rings = _walk(wkbs.blob, int(first[number]), int(first[number] + length[number]))
            if rings is None:
                continue
            self.parsed[number] = True
            for hole, at, points in rings:
                for column, value in zip(walked, (number, hole, at, points)):
                    column.append(value)
        self.parsed |= simple
        self.simple = simple
        for column, extra, dtype in zip((ring_owner, ring_hole, ring_at, ring_points), walked,
                                        (np.int64, bool, np.int64, np.int64)):
            column.append(np.asarray(extra, dtype=dtype))
        owner, hole, at, points = (np.concatenate(c) for c in (ring_owner, ring_hole, ring_at, ring_points))
        order = np.argsort(owner, kind="stable")        # rings in feature order (walked ones were appended)
        self.owner, self.hole, self.at, points = owner[order], hole[order], at[order], points[order]
        unclosed = np.unique(self.owner[~_closed(data, self.at, points)])
        if len(unclosed):                              # left out, as features not parsed
            keep = ~np.isin(self.owner, unclosed)
            self.owner, self.hole, self.at, points = self.owner[keep], self.hole[keep], self.at[keep], points[keep]
            self.parsed[unclosed], self.simple[unclosed] = False, False
        at = self.at
        self.starts = np.zeros(len(points) + 1, dtype=np.int64)
        np.cumsum(points, out=self.starts[1:])
        view = memoryview(wkbs.blob)                   # a ring's points are contiguous doubles: copied as bytes
        joined = b"".join([view[a:e] for a, e in zip(at.tolist(), (at + 16 * points).tolist())])
        points = np.frombuffer(joined, dtype="<f8").reshape(-1, 2)
        self.x, self.y = points[:, 0].copy(), points[:, 1].copy()     # 1-D: NumPy's loops run long

    def __len__(self):
        return len(self.owner)


def _usual(data, first, length, kind, among):
    """(feature numbers, their point counts) of the features `among` (a mask) that are the usual one-ring
    Polygon or one-part one-ring MultiPolygon (`kind`), little-endian, read from their header bytes."""
    skip = ONE_RING[kind]
    fits = (length >= skip) & among
    at = first[fits]
    ok = (data[at] == 1) & (_u32(data, at + 1) == kind)
    if kind == MULTIPOLYGON:
        ok &= (_u32(data, at + 5) == 1) & (data[at + 9] == 1) & (_u32(data, at + 10) == POLYGON) & (
            _u32(data, at + 14) == 1)
    else:
        ok &= _u32(data, at + 5) == 1
    points = _u32(data, at + skip - 4)
    ok &= length[fits] == skip + 16 * points
    return np.flatnonzero(fits)[ok], points[ok]


def multipolygon_boxes(wkbs):
    """(n, 4) boxes (x min, y min, x max, y max) of a list of WKBs, each a MultiPolygon (as the findings
    layer holds them). The usual one — one part, one ring of four points or more — is measured for all at
    once: each WKB is copied into a slot of 16-byte multiples where its points fall on 16-byte boundaries,
    so the buffer's rows of two doubles are points and a feature's points are a run of rows (no copy of
    the coordinates). Any other row of `boxes` is NaN, for the caller to measure."""
    count = len(wkbs)
    boxes = np.full((count, 4), np.nan)
    lengths = np.fromiter(map(len, wkbs), dtype=np.int64, count=count)
    lead = 16 - ONE_RING[MULTIPOLYGON] % 16                    # bytes before a WKB: its points then start a row
    slots = (lead + lengths + 15) // 16 * 16
    pads = [b"\0" * size for size in range(16 + lead)]
    buffer = b"".join([part for wkb, tail in zip(wkbs, (slots - lead - lengths).tolist())
                       for part in (pads[lead], wkb, pads[tail])] + [pads[16]])   # and a last row for reduceat
    data = np.frombuffer(buffer, dtype=np.uint8)
    first = np.zeros(count, dtype=np.int64)
    np.cumsum(slots[:-1], out=first[1:])
    first += lead
    where, points = _usual(data, first, lengths, MULTIPOLYGON, np.ones(count, dtype=bool))
    keep = points >= 4
    where, points = where[keep], points[keep]
    if len(where):
        rows = np.frombuffer(buffer, dtype="<f8").reshape(-1, 2)
        begin = (first[where] + ONE_RING[MULTIPOLYGON]) // 16
        runs = np.column_stack((begin, begin + points)).ravel()     # a feature's points, then what lies between
        boxes[where, :2] = np.minimum.reduceat(rows, runs, axis=0)[::2]
        boxes[where, 2:] = np.maximum.reduceat(rows, runs, axis=0)[::2]
    return boxes


def _closed(data, at, points):
    """Per ring (its points' first byte `at`, its point count): whether its last point's 16 bytes are its
    first's (a ring of no points counts as closed: it has no edge to leave out)."""
    some = points > 0
    first, last = at[some], at[some] + 16 * (points[some] - 1)
    closed = np.ones(len(at), dtype=bool)
    same = np.ones(len(first), dtype=bool)
    for offset in range(16):
        same &= data[first + offset] == data[last + offset]
    closed[some] = same
    return closed


def _u32(data, at):
    """Little-endian uint32 at byte positions `at` (any alignment)."""
    at = np.asarray(at, dtype=np.int64)
    return (data[at].astype(np.int64) | data[at + 1].astype(np.int64) << 8 | data[at + 2].astype(np.int64) << 16
            | data[at + 3].astype(np.int64) << 24)


def _walk(blob, start, end):
    """[(hole, byte of first point, points)] of a 2D little-endian Polygon or MultiPolygon, else None."""
    try:
        order, kind = struct.unpack_from("<BI", blob, start)
        if order != 1:
            return None
        if kind == POLYGON:
            rings, at = _polygon(blob, start + 5, end)
        elif kind == MULTIPOLYGON:
            (parts,), at, rings = struct.unpack_from("<I", blob, start + 5), start + 9, []
            for _part in range(parts):
                if at + 5 > end:
                    return None
                order, kind = struct.unpack_from("<BI", blob, at)
                if order != 1 or kind != POLYGON:
                    return None
                more, at = _polygon(blob, at + 5, end)
                rings += more
        else:
            return None
    except (struct.error, ValueError):
        return None
    return rings if at == end else None


def _polygon(blob, at, end):
    """A polygon's rings from its ring count on; ValueError when it runs past the feature's end."""
    (count,), at, rings = struct.unpack_from("<I", blob, at), at + 4, []
    for index in range(count):
        if at + 4 > end:
            raise ValueError("ring beyond the geometry")
        (points,) = struct.unpack_from("<I", blob, at)
        rings.append((index > 0, at + 4, points))
        at += 4 + 16 * points
    if at > end:
        raise ValueError("points beyond the geometry")
    return rings, at


def hash4(a, b, c, d):
    """A 64-bit hash of four coordinate arrays, element by element (equal coordinates, equal hashes;
    −0.0 taken as 0.0)."""
    bits = [(np.asarray(v, dtype=np.float64) + 0.0).view(np.uint64) for v in (a, b, c, d)]
    return bits[0] * _MIX[0] ^ bits[1] * _MIX[1] ^ bits[2] * _MIX[2] ^ bits[3] * _MIX[3]
