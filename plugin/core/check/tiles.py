"""Large overlays tile by tile: what of a region no feature covers, without one union of them all.

A county plan's 200 000 parcels merged into one polygon is the slowest step of the gap check.
Split into tiles, each tile's region minus the union of the parcels that reach into it is small
work; the tiles run on every core (GEOS releases the GIL) and the few gap pieces are merged at the
end, so a gap crossing a tile edge is still one piece with its whole area.
"""
import math
import os
from concurrent.futures import ThreadPoolExecutor

from qgis.core import QgsGeometry, QgsRectangle

from .geomops import polygonal, union

PER_TILE = 16384         # features per tile, about (fewer, larger tiles measured faster at 200k)


def uncovered(region, layer):
    """`region` minus the union of the layer's shapes (a LayerData with a box index)."""
    count = len(layer.features)
    if region.isEmpty():
        return QgsGeometry()
    if not count or layer.index.extent is None:
        return region
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
