"""What of a region no feature covers (the gap check), without one union of them all.

A gap is bordered by open parcels only (seams.py: a parcel whose every edge a neighbour shares in
the other direction cannot touch one). So the region minus the union of the open parcels — a few
thousand of a county's 200 000 — splits into pieces that are either wholly covered by the other
parcels or a gap; one point of each piece tells which.

When most parcels are open (neighbours whose vertices differ), the region is split into tiles
instead: each tile's region minus the union of the parcels that reach into it is small work, the
tiles run on every core (GEOS releases the GIL) and the gap pieces are merged at the end, so a gap
crossing a tile edge is still one piece with its whole area.
"""
import math
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from qgis.core import QgsGeometry, QgsRectangle

from .boxindex import box_of
from .geomops import polygonal, single_parts, union

PER_TILE = 16384         # features per tile, about (fewer, larger tiles measured faster at 200k)


OPEN_AT_MOST = 0.25      # share of open parcels up to which the seams are used; above it, tiles


def uncovered(region, layer):
    """`region` minus the union of the layer's shapes (a LayerData)."""
    count = len(layer.features)
    if region.isEmpty():
        return QgsGeometry()
    if not count or layer.index.extent is None:
        return region
    opened = layer.open_parcels()
    if len(opened) <= OPEN_AT_MOST * count:
        return _beside_open_parcels(region, layer, opened)
    return _tile_by_tile(region, layer, count)


def _beside_open_parcels(region, layer, opened):
    """Pieces of region minus the open parcels that no seamed parcel covers."""
    table = layer.features
    seamed = np.ones(len(table), dtype=bool)
    seamed[opened] = False
    rest = polygonal(region.difference(union(table[n].shape for n in opened))) if len(opened) else region
    gaps = []
    for piece in single_parts(rest):
        inside = piece.pointOnSurface()
        box = box_of(inside)
        if not any(seamed[n] and table[n].prepared.intersects(inside) for n in layer.near_numbers(box)):
            gaps.append(piece)
    return QgsGeometry.collectGeometry(gaps) if gaps else QgsGeometry()


def _tile_by_tile(region, layer, count):
    side = max(1, math.ceil(math.sqrt(count / PER_TILE)))
    if side == 1:
        return polygonal(region.difference(layer.union()))
    box = region.boundingBox()
    width, height = box.width() / side, box.height() / side
    tiles = [(box.xMinimum() + i * width, box.yMinimum() + j * height,
              box.xMinimum() + (i + 1) * width, box.yMinimum() + (j + 1) * height)
             for i in range(side) for j in range(side)]

    def gap_in(tile):
        inside = polygonal(region.intersection(QgsGeometry.fromRect(QgsRectangle(*tile))))
        if inside.isEmpty():
            return QgsGeometry()
        covered = union(f.shape for f in layer.candidates(tile))
        return polygonal(inside.difference(covered)) if not covered.isEmpty() else inside

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        pieces = [piece for piece in pool.map(gap_in, tiles) if not piece.isEmpty()]
    return union(pieces)
