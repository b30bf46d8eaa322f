"""The plan's base year (基期, layer JQDLTB in 用地用海 codes): what a piece of the plan was before.

County review compares the base year with the target year: new construction, cropland taken,
cropland in and out. A plan without JQDLTB has no base year; rules then say that new and existing
could not be told apart instead of guessing.
"""
from .geomops import polygonal, union


def tiankan_share(attrs):
    """The 田坎 share of a base-year parcel from its fields `attrs`: KCXS (a fraction, or a percentage above
    1), else from TBDLMJ/TBMJ or KCMJ/TBMJ; 0 when the fields do not give it."""
    def number(name):
        try:
            return float(attrs.get(name))
        except (TypeError, ValueError):
            return None
    share = number("KCXS")
    if share is not None:
        return share / 100.0 if share > 1.0 else max(share, 0.0)
    gross, net, tiankan = number("TBMJ"), number("TBDLMJ"), number("KCMJ")
    if gross:
        if net is not None:
            return min(max(1.0 - net / gross, 0.0), 1.0)
        if tiankan is not None:
            return min(max(tiankan / gross, 0.0), 1.0)
    return 0.0


class BaseYear:
    def __init__(self, layer):
        self.layer = layer                       # LayerData of JQDLTB, or None
        self._overlaps = None
        self._overlapping = None                 # fids of the parcels in self.overlaps()

    @property
    def available(self):
        return self.layer is not None and bool(self.layer.features)

    def overlaps(self):
        """(parcel, other, shared part) for the base-year parcels that share area (a parcel delivered twice,
        a bad merge; 三调 itself has none), found once as GEO-02 finds the plan's."""
        if self._overlaps is None:
            from .rules.geometry import overlapping_pairs     # (the rules import the context, which imports this)
            self._overlaps = [(a, b, part) for a, b, part in overlapping_pairs(self.layer) if part.area() > 0.0]
            self._overlapping = {feature.fid for pair in self._overlaps for feature in pair[:2]}
        return self._overlaps

    def pieces(self, shape, codes):
        """(base-year feature, part of `shape` on it) for the base-year parcels of `codes` under `shape`; where
        base-year parcels overlap, the ground they share is the lower fid's only (counted once)."""
        found = []
        for feature in self.layer.candidates(shape.boundingBox()):
            if feature.code not in codes or feature.shape.isEmpty():
                continue
            if feature.prepared.contains(shape):
                found.append((feature, shape))
            else:
                part = feature.prepared.common(shape)
                if not part.isEmpty():
                    found.append((feature, part))
        if len(found) > 1:
            self.overlaps()
            if any(feature.fid in self._overlapping for feature, _part in found):
                return _disjoint(found)
        return found

    def part_of(self, shape, codes):
        """The part of `shape` that was of `codes` in the base year."""
        return union(part for _feature, part in self.pieces(shape, codes))


def _disjoint(found):
    """(feature, part) pieces by fid, what an earlier piece covers taken out of each later one."""
    kept, taken = [], None
    for feature, part in sorted(found, key=lambda piece: piece[0].fid):
        if taken is not None:
            part = polygonal(part.difference(taken))
        if not part.isEmpty():
            kept.append((feature, part))
            taken = part if taken is None else union([taken, part])
    return kept
