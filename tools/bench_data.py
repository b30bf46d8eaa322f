"""Generated plans and one maps for `make bench`, with every finding's answer worked out by arithmetic.

A plan is a grid of n x n parcels of 20 m x 20 m (EPSG:4546) with a few codes in a fixed pattern,
one extra half-parcel every 1000 parcels (a seeded overlap and sliver), its village boundary, its
own 永久基本农田 (the one map's patches inside it, every 500th left out) and 生态保护红线. The one
map holds 永久基本农田 patches on a grid that does not line up with the parcels, a 生态保护红线 and a
历史文化保护线, a 城镇开发边界 in EPSG:4525 (the zone-prefixed projection: another CGCS2000 CRS),
and the village's indicator allocation. The expected findings of each rule are sums of rectangle
overlaps, computed here without GEOS on the rectangles as laid out.

As written, a tier may be turned and densified like real data: every shape turned by `turn` degrees
about the grid's corner (X0, Y0) — bounding boxes are then loose, neighbours' boxes overlap — and each
ring given `vertices` points, the extra ones collinear on its edges (real parcels carry tens of
vertices). Turning keeps every area and every overlap, collinear points keep every shape, so the
arithmetic answers hold unchanged; a shared corner is turned by the same arithmetic on both sides, so
neighbours still share their edges exactly.
"""
import math
import os
import struct
import sys

from osgeo import ogr, osr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from plugin.core.read.codes import code_list  # noqa: E402

ogr.UseExceptions()

X0, Y0 = 500000.0, 4000000.0
CELL = 20.0
ZONE37 = 37000000.0                  # EPSG:4525 x = EPSG:4546 x + 37 000 000
VILLAGE_CODE = "141181106201"
NOISE = 1.0                          # the village rule set's noise_m2
MIN_AREA = {"07": 100.0, "10": 100.0, "01": 400.0, "02": 400.0}   # its min_area_m2 for the codes used here


def parcel_code(k):
    if k % 10 == 3:
        return "0703"                # 农村宅基地: construction, village land (no 城镇开发边界 finding)
    if k % 97 == 5:
        return "1001"                # 工业用地: construction (outside 城镇开发边界 only urban housing is an error)
    if k % 13 == 7:
        return "0201"                # 果园: not cropland, allowed outside the control lines
    return "0103"                    # 旱地


def parcels(n):
    """(fid, code, (x0, y0, x1, y1)) for the grid, then the seeded half-parcels (code 0201)."""
    rows = []
    for k in range(n * n):
        i, j = divmod(k, n)
        rows.append((k + 1, parcel_code(k), (X0 + i * CELL, Y0 + j * CELL, X0 + (i + 1) * CELL, Y0 + (j + 1) * CELL)))
    extra = [r for r in rows if r[0] % 1000 == 500]
    for number, (_fid, _code, (x0, y0, _x1, y1)) in enumerate(extra):
        rows.append((n * n + number + 1, "0201", (x0, y0, x0 + CELL / 2, y1)))
    return rows


def patches(extent, pitch, size, offset):
    """Farmland patches on their own grid; (id, box) with id = (a, b) packed."""
    x0, y0, x1, y1 = extent
    px, py = pitch
    sx, sy = size
    out = []
    a = 0
    while x0 + offset + a * px + sx <= x1:
        b = 0
        while y0 + offset + b * py + sy <= y1:
            left, bottom = x0 + offset + a * px, y0 + offset + b * py
            out.append(((a, b), (left, bottom, left + sx, bottom + sy)))
            b += 1
        a += 1
    return out


def dropped(patch_id):
    a, b = patch_id
    return (a * 7 + b) % 500 == 0


def overlap(r, s):
    w = min(r[2], s[2]) - max(r[0], s[0])
    h = min(r[3], s[3]) - max(r[1], s[1])
    return w * h if w > 0 and h > 0 else 0.0


def area(r):
    return (r[2] - r[0]) * (r[3] - r[1])


class Grid:
    """Rectangles bucketed by cell for the expected-answer arithmetic."""

    def __init__(self, boxes, size):
        self.size, self.cells = size, {}
        for item in boxes:
            box = item[-1]
            for key in self._keys(box):
                self.cells.setdefault(key, []).append(item)

    def _keys(self, box):
        s = self.size
        for cx in range(int((box[0] - X0) // s), int((box[2] - X0) // s) + 1):
            for cy in range(int((box[1] - Y0) // s), int((box[3] - Y0) // s) + 1):
                yield cx, cy

    def near(self, box):
        seen = {}
        for key in self._keys(box):
            for item in self.cells.get(key, ()):
                seen[id(item)] = item
        return seen.values()


class Tier:
    """One generated case: its layers' rectangles and the expected findings per rule."""

    def __init__(self, name, n, onemap_n=None, patch_pitch=(60.0, 40.0), patch_size=(50.0, 30.0), stress=False,
                 turn=0.0, vertices=5):
        self.name, self.n = name, n
        self.stress = stress                          # measured once: a stress case, minutes per run
        self.onemap_n = onemap_n or n                 # a village tier is checked against a larger one map
        self.patch_pitch, self.patch_size = patch_pitch, patch_size
        self.turn, self.vertices = turn, vertices     # as written: degrees turned, points per ring

    @property
    def extent(self):
        return (X0, Y0, X0 + self.n * CELL, Y0 + self.n * CELL)

    @property
    def onemap_extent(self):
        return (X0, Y0, X0 + self.onemap_n * CELL, Y0 + self.onemap_n * CELL)

    def control_boxes(self):
        side = self.onemap_n * CELL
        red = (X0 + 0.10 * side + 3, Y0 + 0.60 * side + 3, X0 + 0.30 * side + 3, Y0 + 0.80 * side + 3)
        heritage = (X0 + 0.05 * side + 5, Y0 + 0.05 * side + 5, X0 + 0.08 * side + 5, Y0 + 0.08 * side + 5)
        urban = (X0 + 0.02 * side + 7, Y0 + 0.02 * side + 7, X0 + 0.50 * side + 7, Y0 + 0.50 * side + 7)
        return {"STBHHX": red, "LSWHBHX": heritage, "CZKFBJ": urban}

    def farmland(self):
        return patches(self.onemap_extent, self.patch_pitch, self.patch_size, 7.0)

    def expected(self):
        """{rule_id: [count, total m²]} of the error and warning findings the village rule set must give."""
        plan = parcels(self.n)
        controls = self.control_boxes()
        farm = self.farmland()
        region = self.extent
        construction = ("07", "08", "09", "10", "11", "12", "13", "14", "15", "16")
        result = {}

        def add(rule, value):
            entry = result.setdefault(rule, [0, 0.0])
            entry[0] += 1
            entry[1] += value

        farm_grid = Grid(farm, 2 * max(self.patch_pitch))
        for _fid, code, box in plan:
            if not code.startswith("01"):
                for _pid, patch in farm_grid.near(box):
                    piece = overlap(box, patch)
                    if piece >= NOISE:
                        add("CL-01", piece)
            # no base year: construction and 耕地 in the red line are errors, construction in the
            # heritage line a warning (new and existing cannot be told apart)
            for rule, key, codes in (("CL-02", "STBHHX", construction + ("01",)), ("CL-03", "LSWHBHX", construction)):
                piece = overlap(box, controls[key]) if code.startswith(codes) else 0.0
                if piece >= NOISE:
                    add(rule, piece)
            if area(box) < MIN_AREA[code[:2]]:
                add("GEO-04", area(box))
        for _fid, _code, box in plan[self.n * self.n:]:
            add("GEO-02", area(box))                  # each half-parcel lies wholly on its grid parcel
        extra = sum(area(box) for _fid, _code, box in plan[self.n * self.n:])
        if extra > min(20.0, 0.02 * area(region)):   # 面积一致性: the parcels sum to more than the village
            add("GEO-06", extra)                      # (ellipsoidal, but the grid lies on the central meridian)
        for patch_id, patch in farm:
            inside = overlap(patch, region)
            if dropped(patch_id) and inside >= NOISE:
                add("KEEP-01", inside)
        return {rule: [count, round(total, 2)] for rule, (count, total) in sorted(result.items())}

    # ------------------------------------------------------------------ writing
    def plan_layers(self):
        names = code_list("ydyh")
        region = self.extent
        kept = []
        for patch_id, patch in self.farmland():
            clipped = (max(patch[0], region[0]), max(patch[1], region[1]),
                       min(patch[2], region[2]), min(patch[3], region[3]))
            if not dropped(patch_id) and clipped[0] < clipped[2] and clipped[1] < clipped[3]:
                kept.append((None, {"DLBM": "0103"}, clipped))
        red = self.control_boxes()["STBHHX"]
        red_inside = (max(red[0], region[0]), max(red[1], region[1]), min(red[2], region[2]), min(red[3], region[3]))
        return [
            ("GHYDYH", 4546, [("BSM", ogr.OFTString), ("YDYHFLDM", ogr.OFTString), ("YDYHFLMC", ogr.OFTString)],
             [(fid, {"BSM": str(fid), "YDYHFLDM": code, "YDYHFLMC": names.name(code)}, box)
              for fid, code, box in parcels(self.n)]),
            ("CJDCQ", 4546, [("XZQDM", ogr.OFTString), ("XZQMC", ogr.OFTString)],
             [(1, {"XZQDM": VILLAGE_CODE, "XZQMC": "基准村"}, region)]),
            ("YJJBNTBHTB", 4546, [("DLBM", ogr.OFTString)], kept),
            ("STBHHX", 4546, [("LHLX", ogr.OFTString)],
             [(1, {"LHLX": "水源涵养"}, red_inside)] if red_inside[0] < red_inside[2] and red_inside[1] < red_inside[3]
             else []),
        ]

    def onemap_layers(self):
        controls = self.control_boxes()
        urban = controls["CZKFBJ"]
        return [
            ("YJJBNTBHTB", 4546, [("YJJBNTTBBH", ogr.OFTString), ("DLBM", ogr.OFTString)],
             [(None, {"YJJBNTTBBH": "{}-{}".format(*pid), "DLBM": "0103"}, box) for pid, box in self.farmland()]),
            ("STBHHX", 4546, [("LHLX", ogr.OFTString)], [(1, {"LHLX": "水源涵养"}, controls["STBHHX"])]),
            ("LSWHBHX", 4546, [("MC", ogr.OFTString)], [(1, {"MC": "历史文化街区"}, controls["LSWHBHX"])]),
            ("CZKFBJ", 4525, [("GHFQDM", ogr.OFTString)],
             [(1, {"GHFQDM": "0401"}, urban, ZONE37)]),     # turned in its own zone, then prefixed
            ("CJZBFJ", None, [("XZQDM", ogr.OFTString), ("ZBMC", ogr.OFTString), ("ZBZ", ogr.OFTReal),
                              ("DW", ogr.OFTString)],
             [(None, {"XZQDM": VILLAGE_CODE, "ZBMC": name, "ZBZ": value, "DW": "公顷"}, None)
              for name, value in (("耕地保有量", 0.0), ("永久基本农田保护面积", 0.0), ("生态保护红线面积", 0.0),
                                  ("村庄建设用地规模", 1e7), ("建设用地总规模", 1e7))]),
        ]


class Shaper:
    """A box as written: its ring densified to `vertices` points (collinear extras, evenly along each
    edge) and turned `turn` degrees about (X0, Y0); then shifted by `dx` (a zone-prefixed CRS)."""

    def __init__(self, turn=0.0, vertices=5):
        if (vertices - 1) % 4:
            raise ValueError("a ring of a box has 4k + 1 points, not {}".format(vertices))
        self.steps = (vertices - 1) // 4
        self.cos, self.sin = math.cos(math.radians(turn)), math.sin(math.radians(turn))
        self.turned = bool(turn)

    def ring(self, box, dx=0.0):
        x0, y0, x1, y1 = box
        corners = ((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0))
        points = []
        for (ax, ay), (bx, by) in zip(corners, corners[1:]):
            for k in range(self.steps):
                points.append(self.point(ax + (bx - ax) * k / self.steps, ay + (by - ay) * k / self.steps))
        points.append(points[0])
        return [(x + dx, y) for x, y in points]

    def point(self, x, y):
        if not self.turned:
            return x, y
        u, v = x - X0, y - Y0
        return X0 + u * self.cos - v * self.sin, Y0 + u * self.sin + v * self.cos

    def wkb(self, box, dx=0.0):
        """A one-ring MultiPolygon as little-endian WKB."""
        points = self.ring(box, dx)
        return struct.pack("<BIIBIII", 1, 6, 1, 1, 3, 1, len(points)) + struct.pack(
            "<{}d".format(2 * len(points)), *[c for point in points for c in point])


def write_gpkg(path, layers, shaper=None):
    """Layers written straight through OGR, one transaction per layer, with a spatial index. A row's
    box is written as `shaper` shapes it (a rectangle by default); a row (fid, values, box, dx) is
    shifted by dx in x."""
    shaper = shaper or Shaper()
    temporary = path + ".part.gpkg"
    if os.path.exists(temporary):
        os.remove(temporary)
    dataset = ogr.GetDriverByName("GPKG").CreateDataSource(temporary)
    for name, epsg, fields, rows in layers:
        srs = None
        if epsg is not None:
            srs = osr.SpatialReference()
            srs.ImportFromEPSG(epsg)
        layer = dataset.CreateLayer(name, srs, ogr.wkbMultiPolygon if srs else ogr.wkbNone, ["FID=fid"])
        for field_name, field_type in fields:
            layer.CreateField(ogr.FieldDefn(field_name, field_type))
        definition = layer.GetLayerDefn()
        indexes = [(definition.GetFieldIndex(f), f) for f, _t in fields]
        dataset.StartTransaction()
        for row in rows:
            fid, values, box = row[:3]
            feature = ogr.Feature(definition)
            if fid is not None:
                feature.SetFID(fid)
            for index, field_name in indexes:
                feature.SetField(index, values[field_name])
            if box is not None:
                feature.SetGeometryDirectly(ogr.CreateGeometryFromWkb(shaper.wkb(box, *row[3:])))
            layer.CreateFeature(feature)
        dataset.CommitTransaction()
    dataset = None
    os.replace(temporary, path)


def generate(tier, folder, onemap_path=None):
    """Write the tier's plan (and its one map unless an existing one is given), reusing earlier files;
    return their paths and the expected findings."""
    os.makedirs(folder, exist_ok=True)
    shape = "" if not tier.turn and tier.vertices == 5 else "-t{:g}v{}".format(tier.turn, tier.vertices)
    key = "{}-{}-{:g}x{:g}{}".format(tier.n, tier.onemap_n, *tier.patch_pitch, shape)   # the plan depends on its one map
    plan = os.path.join(folder, "plan-{}.gpkg".format(key))
    onemap = onemap_path or os.path.join(folder, "onemap-{}-{:g}x{:g}{}.gpkg".format(
        tier.onemap_n, *tier.patch_pitch, shape))
    shaper = Shaper(tier.turn, tier.vertices)
    if not os.path.exists(plan):
        write_gpkg(plan, tier.plan_layers(), shaper)
    if not os.path.exists(onemap):
        write_gpkg(onemap, tier.onemap_layers(), shaper)
    return plan, onemap, tier.expected()          # worked out afresh each run: the rules may change
