"""oriented: each feature's box along its own longest edge, so turned neighbours whose axis-aligned boxes
overlap are told apart without GEOS.

A parcel turned off the axes fills little of its box: the boxes of parcels a few metres apart overlap
while the parcels do not (CL-01's candidates at the 200k tier were half such pairs). A box turned to the
feature's longest edge fits a turned parcel closely. Two features whose turned boxes are apart along one
of the four box axes share no ground (the separating axis theorem); apart() says which pairs are.

Each box is kept as the feature's first point (x0, y0), its axis (ux, uy) and its extent along the axis
and across it from that point; pairs are compared from one first point to the other, so the figures stay
as small as the features and their gap. SLACK widens every extent by what rounding can take from it.
"""
import numpy as np

SLACK = 64.0 * np.finfo(np.float64).eps
COLUMNS = 8                  # x0 y0 ux uy along_min along_max across_min across_max


def oriented_boxes(rings, count):
    """(count, 8) oriented boxes of the features of `rings` (a Rings of `count` features); NaN for a feature
    with no ring (no geometry, or not a plain polygon: apart() then never tells it apart)."""
    boxes = np.full((count, COLUMNS), np.nan)
    sizes = np.diff(rings.starts)
    if not len(rings) or not sizes.sum():
        return boxes
    x, y = rings.x, rings.y
    owner_of_point = np.repeat(rings.owner, sizes)
    firsts = np.flatnonzero(np.r_[True, owner_of_point[1:] != owner_of_point[:-1]])   # each feature's points
    owners = owner_of_point[firsts]
    points = np.diff(np.r_[firsts, len(x)])
    x0, y0 = x[firsts], y[firsts]
    dx, dy = np.diff(x), np.diff(y)
    with np.errstate(invalid="ignore", over="ignore"):
        length = np.nan_to_num(dx * dx + dy * dy, nan=-1.0, posinf=-1.0)
    between = rings.starts[1:-1]                           # one ring's last point to the next's first
    length[between[(between > 0) & (between < len(x))] - 1] = -1.0
    length = np.append(length, -1.0)
    longest = np.maximum.reduceat(length, firsts)
    at = np.flatnonzero(length == np.repeat(longest, points))
    at = at[np.r_[True, owner_of_point[at][1:] != owner_of_point[at][:-1]]]            # the first such edge
    if len(at) != len(firsts):                             # (cannot be: each segment holds its maximum)
        return boxes
    norm = np.sqrt(longest)
    with np.errstate(invalid="ignore", divide="ignore"):
        ux, uy = dx[at] / norm, dy[at] / norm
    rx, ry = x - np.repeat(x0, points), y - np.repeat(y0, points)
    along = rx * np.repeat(ux, points) + ry * np.repeat(uy, points)
    across = ry * np.repeat(ux, points) - rx * np.repeat(uy, points)
    extents = [np.minimum.reduceat(along, firsts), np.maximum.reduceat(along, firsts),
               np.minimum.reduceat(across, firsts), np.maximum.reduceat(across, firsts)]
    usable = (norm > 0) & np.isfinite(norm)
    boxes[owners[usable]] = np.column_stack([x0, y0, ux, uy] + extents)[usable]
    return boxes


def apart(a, b):
    """Per row of the (n, 8) oriented boxes `a` and `b`: True where the two boxes share no ground (NaN
    boxes are never apart)."""
    dx, dy = b[:, 0] - a[:, 0], b[:, 1] - a[:, 1]
    size = np.abs(dx) + np.abs(dy) + np.abs(a[:, 4:]).max(axis=1) + np.abs(b[:, 4:]).max(axis=1)
    slack = SLACK * (size + np.maximum(np.abs(a[:, :2]).max(axis=1), np.abs(b[:, :2]).max(axis=1)))
    separated = np.zeros(len(a), dtype=bool)
    for one, other, ox, oy in ((a, b, dx, dy), (b, a, -dx, -dy)):
        ux, uy = one[:, 2], one[:, 3]
        corners = _corners(other)                          # the other's corners from its own first point
        for low, high, px, py in ((one[:, 4], one[:, 5], ux, uy), (one[:, 6], one[:, 7], -uy, ux)):
            offset = ox * px + oy * py
            seen = [offset + cx * px + cy * py for cx, cy in corners]
            separated |= (np.minimum.reduce(seen) > high + slack) | (np.maximum.reduce(seen) < low - slack)
    return separated


def _corners(boxes):
    """The four corners of each oriented box, (x, y) from its first point."""
    ux, uy = boxes[:, 2], boxes[:, 3]
    return [(along * ux - across * uy, along * uy + across * ux)
            for along in (boxes[:, 4], boxes[:, 5]) for across in (boxes[:, 6], boxes[:, 7])]
