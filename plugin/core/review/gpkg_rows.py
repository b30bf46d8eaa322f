"""The findings layer's rows written in bulk into the table GDAL made: one sqlite3 `executemany`, and
the layer's R-tree index packed in one go (Sort-Tile-Recursive) instead of a row at a time.

OGR writes a row through its Python binding in some 16 µs, and GDAL before 3.7 (Debian 12 has 3.6) fills
the R-tree one insertion at a time, some 11 µs a row more: `write_results` took 3.5–4.3 s for 100 000
findings of 33-point rings that way, 1.6–2.1 s this way (`make bench` has the figures on its tiers).

The GeoPackage stays GDAL's: GDAL creates the table, its R-tree table and their triggers; this module
only suspends the table's triggers while it fills it (the R-tree's call GDAL's own SQL functions, which
a plain sqlite3 connection does not have), writes what they would have written, and puts them back.
The R-tree is SQLite's own format (nodes of big-endian 64-bit ids and 32-bit float boxes rounded outwards,
the root holding the tree's depth), so SQLite, GDAL and QGIS read and later update it as any other;
`SELECT rtreecheck(…)` checks it (tests/test_findings_bulk.py).
"""
import contextlib
import itertools
import numbers
import sqlite3
import struct

import numpy as np

from ..check.geomops import from_wkb
from ..errors import OneMapError
from ..check.rings import multipolygon_boxes

BLOB_HEADER = struct.Struct("<2sBBi4d")       # GeoPackage geometry: magic, version, flags, srs_id, envelope
ENVELOPE_XY, NO_ENVELOPE = 0b011, 0b001      # flags: little-endian, with an [x min, x max, y min, y max] envelope
BARE_HEADER = struct.Struct("<2sBBi")
BINDABLE = (str, int, float, bytes, type(None))   # what sqlite3 binds as it is (and their kinds: bool, NumPy's float64)
CHUNK = 20000                      # records written at a time
CELL = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])     # an R-tree cell: id, x min, x max, y min, y max


def fill(path, table, columns, records, indexes=()):
    """Write `records` — (row: values in the order of `columns`, geometry: MultiPolygon WKB or None) — into
    `table` of the GeoPackage at `path`, record n with fid n + 1, in one transaction with its R-tree index
    and the `indexes` (CREATE INDEX statements, made once the rows are in). The table is the empty one GDAL
    made (fields, R-tree and triggers). Records are taken CHUNK at a time: what is held beside them is
    their boxes."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as db:
        made = db.execute("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?",
                          (table,)).fetchone()
        if made is None:                          # GDAL could not finish the file (it says so only in its log)
            raise OneMapError("写入的结果不完整（没有 {} 表）".format(table),
                              "The written result is incomplete (no {} table)".format(table))
        geometry, srs_id = made
        insert = 'INSERT INTO "{}" (fid, {}, "{}") VALUES (?{})'.format(
            table, ", ".join('"{}"'.format(c) for c in columns), geometry, ", ?" * (len(columns) + 1))
        db.execute("BEGIN IMMEDIATE")
        try:
            triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                  (table,)).fetchall()
            for name, _sql in triggers:
                db.execute('DROP TRIGGER "{}"'.format(name.replace('"', '""')))
            boxes = [np.empty((0, 4))]
            for chunk in _chunks(records):
                rows, wkbs = zip(*chunk)
                first, chunk_boxes = sum(map(len, boxes)) + 1, _boxes(wkbs)      # fids go on from the last chunk
                db.executemany(insert, ((first + n, *row, _blob(srs_id, chunk_boxes[n], wkbs[n]))
                                        for n, row in enumerate(_bindable(rows))))
                boxes.append(chunk_boxes)
            boxes = np.vstack(boxes)
            shown = np.flatnonzero(~np.isnan(boxes[:, 0]))
            _pack_rtree(db, "rtree_{}_{}".format(table, geometry), shown + 1, boxes[shown])
            for sql in list(indexes) + [sql for _name, sql in triggers]:
                db.execute(sql)
            _contents(db, table, len(boxes), boxes[shown])
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:                 # (SQLite rolls back by itself on a full disk)
                db.execute("ROLLBACK")
            raise


def _chunks(records):
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _boxes(wkbs):
    """(n, 4) boxes (x min, y min, x max, y max) of the WKBs; NaN where there is no geometry."""
    present = [n for n, wkb in enumerate(wkbs) if wkb]
    boxes = np.full((len(wkbs), 4), np.nan)
    if present:
        boxes[present] = multipolygon_boxes([wkbs[n] for n in present])
    for n in np.flatnonzero(np.isnan(boxes[:, 0])).tolist():       # not the usual one-ring part
        if wkbs[n]:
            rect = from_wkb(wkbs[n]).boundingBox()
            boxes[n] = rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum()
    return boxes


def _bindable(rows):
    """`rows` with a value of a type sqlite3 cannot bind (a NumPy integer, say) as int, float or text, as
    OGR would have written it (a TEXT column stores a number as text either way)."""
    if all(issubclass(kind, BINDABLE) for kind in set(map(type, itertools.chain.from_iterable(rows)))):
        return rows
    return [tuple(_plain(value) for value in row) for row in rows]


def _plain(value):
    if isinstance(value, BINDABLE):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    return float(value) if isinstance(value, numbers.Real) else str(value)


def _blob(srs_id, box, wkb):
    """The GeoPackage geometry blob of `wkb` with its envelope (None for no geometry)."""
    if not wkb:
        return None
    if np.isnan(box[0]):
        return BARE_HEADER.pack(b"GP", 0, NO_ENVELOPE, srs_id) + wkb
    return BLOB_HEADER.pack(b"GP", 0, ENVELOPE_XY, srs_id, box[0], box[2], box[1], box[3]) + wkb


def _contents(db, table, count, boxes):
    """What GDAL keeps about the table: its extent and feature count."""
    extent = (boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()) if len(boxes) else (None,) * 4
    db.execute("UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?",
               (*[None if v is None else float(v) for v in extent], table))
    db.execute("UPDATE gpkg_ogr_contents SET feature_count = ? WHERE table_name = ?", (count, table))


def _pack_rtree(db, name, ids, boxes):
    """Fill the empty R-tree `name` (its root node as SQLite made it) with `ids` and their `boxes` (x min,
    y min, x max, y max), packed: entries sorted into slices by x, each slice by y, a node's worth at a
    time, then the nodes so, up to a root of at most a node's worth."""
    quoted = '"{}_{{}}"'.format(name.replace('"', '""'))
    if not len(ids) or db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                                  (name + "_node",)).fetchone() is None:     # a GDAL that made no R-tree
        return
    size = db.execute("SELECT length(data) FROM {} WHERE nodeno = 1".format(quoted.format("node"))).fetchone()[0]
    per_node = (size - 4) // CELL.itemsize
    low, high = _outwards(boxes[:, :2], -np.inf), _outwards(boxes[:, 2:], np.inf)
    cells = np.zeros(len(ids), dtype=CELL)
    cells["id"], cells["box"] = ids, np.column_stack((low[:, 0], high[:, 0], low[:, 1], high[:, 1]))
    depth, next_node, nodes, placed = 0, 2, [], []       # placed: (entry ids, node numbers) per level
    while len(cells) > per_node:
        cells = cells[_tiles(cells["box"], per_node)]
        starts = np.arange(0, len(cells), per_node)
        numbers = np.arange(next_node, next_node + len(starts))
        next_node += len(starts)
        nodes += [(number, _node(cells[start:start + per_node], size)) for number, start in
                  zip(numbers.tolist(), starts.tolist())]
        placed.append((cells["id"], np.repeat(numbers, per_node)[:len(cells)]))
        boxes32 = cells["box"].astype(np.float32)
        parents = np.zeros(len(starts), dtype=CELL)
        parents["id"] = numbers
        for column, reduce in ((0, np.minimum), (1, np.maximum), (2, np.minimum), (3, np.maximum)):
            parents["box"][:, column] = reduce.reduceat(boxes32[:, column], starts)
        cells, depth = parents, depth + 1
    placed.append((cells["id"], np.ones(len(cells), dtype=np.int64)))
    nodes.append((1, struct.pack(">H", depth) + _node(cells, size)[2:]))
    db.execute("DELETE FROM {}".format(quoted.format("node")))
    db.executemany("INSERT INTO {} (nodeno, data) VALUES (?, ?)".format(quoted.format("node")), nodes)
    leaves, *inner = placed
    db.executemany("INSERT INTO {} (rowid, nodeno) VALUES (?, ?)".format(quoted.format("rowid")),
                   zip(leaves[0].tolist(), leaves[1].tolist()))
    db.executemany("INSERT INTO {} (nodeno, parentnode) VALUES (?, ?)".format(quoted.format("parent")),
                   ((child, parent) for children, parents in inner
                    for child, parent in zip(children.tolist(), parents.tolist())))


def _outwards(values, direction):
    """`values` as 32-bit floats no nearer `direction` than they are (an R-tree box holds its feature)."""
    rounded = values.astype(np.float32)
    crossed = (rounded > values) if direction < 0 else (rounded < values)
    rounded[crossed] = np.nextafter(rounded[crossed], np.float32(direction))
    return rounded


def _tiles(boxes, per_node):
    """Order of the entries (boxes: x min, x max, y min, y max) into nodes: slices by x centre, each
    slice's entries by y centre (Sort-Tile-Recursive)."""
    count = len(boxes)
    slice_size = per_node * int(np.ceil(np.sqrt(np.ceil(count / per_node))))
    x, y = boxes[:, 0].astype(np.float64) + boxes[:, 1], boxes[:, 2].astype(np.float64) + boxes[:, 3]
    rank = np.empty(count, dtype=np.int64)
    rank[np.argsort(x, kind="stable")] = np.arange(count)
    return np.lexsort((y, rank // slice_size))


def _node(cells, size):
    """A node's bytes: depth (0 but in the root), cell count, the cells, zeros to the node's size."""
    data = struct.pack(">HH", 0, len(cells)) + cells.tobytes()
    return data + bytes(size - len(data))
