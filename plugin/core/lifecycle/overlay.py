"""Two sets of parcels laid over each other: the pieces they share, the parts only one of them has.

Shared by the approved-plans rule (a plan against the one map's approved plans), the merge (what a
new plan replaces) and the comparison of two plans or versions. Features are core.check.context
Features (shape made valid, box); `others` is a LayerData (found by box, exactly by GEOS). Pieces
under `noise` m² (shared edges, reprojection) are never reported, as in the rules.
"""
from ..check.geomops import polygonal

NOISE_M2 = 1.0      # the life cycle's noise: the rule sets' noise_m2 ([S22] "overlaps under 1 m² … noise")


def pieces(features, others, noise):
    """(feature, other, piece, area) for every pair sharing at least `noise` of area, one at a time."""
    for feature in features:
        if feature.box is None:
            continue
        for other in others.overlapping(feature.box):
            piece = feature.shape if other.prepared.contains(feature.shape) else other.prepared.common(feature.shape)
            if piece.isEmpty():
                continue
            area = piece.area()
            if area >= noise:
                yield feature, other, piece, area


def uncovered(feature, others, noise):
    """The part of `feature` no feature of `others` covers, or None when it is under `noise` m².

    One difference per covering feature (not one against their union: a union of neighbours whose
    shared edges differ by reprojection noise can hold zero-width holes GEOS then mis-handles)."""
    if feature.box is None:
        return None
    rest = feature.shape
    for other in others.overlapping(feature.box):
        if other.prepared.intersects(rest):
            rest = polygonal(rest.difference(other.shape))
            if rest.isEmpty():
                return None
    return rest if rest.area() >= noise else None


def same_shape(a, b, noise):
    """Whether two shapes cover the same ground (what differs is under `noise` m²)."""
    return a.symDifference(b).area() < noise


def has_twin(feature, others, noise):
    """Whether `others` holds a parcel of the same use on the same ground (an unchanged parcel)."""
    return feature.box is not None and any(other.code == feature.code and same_shape(feature.shape, other.shape, noise)
                                           for other in others.overlapping(feature.box))
