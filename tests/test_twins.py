"""A one-map layer shares the features the plan copied of it (rings.Twins): held once, read back byte for
byte, and judged as if each layer held its own (validity, copied patches, findings)."""
import os
import sys

import numpy as np
from qgis.core import QgsGeometry

from plugin.core.check import reading
from plugin.core.check.compact import FeatureTable, copied
from plugin.core.check.engine import verify
from plugin.core.check.rings import Twins, WkbBlob, WkbBuilder
from test_reading import findings

SQUARE = "POLYGON((0 0,10 0,10 10,0 10,0 0))"
BOWTIE = "POLYGON((20 0,30 10,30 0,20 10,20 0))"                      # invalid: its edges cross
OTHER = "POLYGON((40 0,50 0,50 10,40 10,40 0))"
PLAN = [SQUARE, BOWTIE, OTHER, "", SQUARE, "POLYGON((60 0,70 0,70 10,60 10,60 0))"]
ONEMAP = [OTHER, "POLYGON((40 0,50 0,50 10,40 10.000000001,40 0))", "", BOWTIE, SQUARE,
          "MULTIPOLYGON(((80 0,90 0,90 10,80 10,80 0)))"]


def wkb(wkt):
    return bytes(QgsGeometry.fromWkt(wkt).asWkb()) if wkt else None


def table(blob, twin=None):
    return FeatureTable(lambda *a, **k: None, np.arange(len(blob)), blob, [""] * len(blob), [""] * len(blob), {},
                        keep=False, twin=twin)


def shared_onemap(batch=2):
    plan = table(WkbBlob.joined(map(wkb, PLAN)))
    builder = WkbBuilder(Twins(plan.wkbs))
    for start in range(0, len(ONEMAP), batch):                  # as Arrow batches come
        builder.extend([wkb(w) for w in ONEMAP[start:start + batch]])
    return plan, table(builder.done(), plan)


def test_a_copied_feature_is_held_once_and_read_back_byte_for_byte():
    plan, onemap = shared_onemap()
    # OTHER is the plan's 2, BOWTIE its 1, SQUARE the first of its two equal ones; a 1e-9 m shift, no geometry
    # and a patch the plan lacks are the one map's own
    assert onemap.wkbs.refs.tolist() == [2, -1, -1, 1, 0, -1]
    assert [onemap.wkbs.wkb(n) or None for n in range(len(ONEMAP))] == list(map(wkb, ONEMAP))
    assert len(onemap.wkbs.blob) == len(wkb(ONEMAP[1])) + len(wkb(ONEMAP[5]))
    assert onemap.wkbs.lengths().tolist() == [len(wkb(w) or b"") for w in ONEMAP]
    whole = WkbBlob.joined(map(wkb, ONEMAP))
    for start, part in onemap.wkbs.chunks():
        assert bytes(part.blob) == bytes(whole.own(start, start + len(part)).blob)
        assert part.offsets.tolist() == (whole.offsets[start:start + len(part) + 1] - whole.offsets[start]).tolist()
    assert np.array_equal(onemap.boxes, table(whole).boxes, equal_nan=True)       # the shared ones' are the plan's
    assert np.array_equal(onemap.areas, table(whole).areas, equal_nan=True)
    assert [bytes(p) for p in onemap.wkbs.pieces(np.array([4, 1, 0]))] == [wkb(ONEMAP[n]) for n in (4, 1, 0)]


def test_a_replaced_feature_is_its_own_and_the_others_stay_shared():
    plan, onemap = shared_onemap()
    mended = onemap.wkbs.replaced({3: wkb(SQUARE), 5: None})
    assert mended.refs.tolist() == [2, -1, -1, -1, 0, -1]
    assert [mended.wkb(n) or None for n in range(6)] == list(map(wkb, ONEMAP[:3] + [SQUARE, SQUARE, ""]))
    assert WkbBlob.joined(map(wkb, PLAN)).replaced({0: None}).refs is None


def test_shared_features_are_as_valid_as_the_plans_and_copied_either_way():
    plan, onemap = shared_onemap()
    alone = table(WkbBlob.joined(map(wkb, ONEMAP)))
    assert onemap.valid().tolist() == alone.valid().tolist() == [True, True, True, False, True, True]
    every = np.arange(len(ONEMAP))
    assert copied(onemap, every, plan).tolist() == copied(alone, every, plan).tolist() == \
        [True, False, False, True, True, False]
    every = np.arange(len(PLAN))
    # the plan's second SQUARE (4) is the same bytes as the one the one map shares with its first: copied too
    assert copied(plan, every, onemap).tolist() == copied(plan, every, alone).tolist() == \
        [True, True, True, False, True, False]


def test_the_one_map_read_shares_the_plans_copied_patches_and_finds_the_same(monkeypatch, tmp_path):
    """The turned, densified 2k tier: the one map's 永久基本农田 shares the patches the plan copied; the
    findings are those of a run where nothing is shared and of a run read through QGIS."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
    from bench_data import Tier, generate
    plan, onemap, _expected = generate(Tier("2k", 45, turn=15.0, vertices=33), str(tmp_path))
    tables = {}
    arrow = reading.read_arrow

    def recorded(path, found, *args):
        result = arrow(path, found, *args)
        tables[(path[0], found.name)] = result
        return result
    monkeypatch.setattr(reading, "read_arrow", recorded)
    shared = findings(verify(plan, onemap))
    patches = tables[(onemap, "YJJBNTBHTB")]
    assert patches.twin is tables[(plan, "YJJBNTBHTB")]
    held = patches.wkbs.refs >= 0
    assert 0.9 * len(patches) < held.sum() < len(patches)          # the plan changed a few, copied the rest
    assert len(patches.wkbs.blob) < 0.1 * patches.wkbs.lengths().sum()
    monkeypatch.setattr(reading.Collected, "__init__", _unshared(reading.Collected.__init__))
    assert findings(verify(plan, onemap)) == shared
    assert tables[(onemap, "YJJBNTBHTB")].wkbs.refs is None
    monkeypatch.setattr(reading, "HAS_ARROW", False)
    assert findings(verify(plan, onemap)) == shared and len(shared) > 400


def _unshared(init):
    def without_twin(self, keys, twin=None):
        init(self, keys)
    return without_twin


def test_a_one_map_layer_shares_only_a_plan_layer_read_already(tmp_path):
    """Reading a one-map layer reads nothing of the plan for it (the live re-check reads only what it uses)."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
    from bench_data import Tier, generate

    from plugin.core.check.context import Context
    from plugin.core.check.ruleset import load_ruleset
    from plugin.core.read.sources import open_source
    plan, onemap, _expected = generate(Tier("2k", 45, turn=15.0, vertices=33), str(tmp_path))
    alone = Context(open_source(plan), open_source(onemap), load_ruleset(None, "village"))
    alone.read_near_plan = False
    assert alone.onemap_layer("YJJBNTBHTB").features.twin is None
    assert ("plan", "YJJBNTBHTB") not in alone._cache
    alone.close()
    first = Context(open_source(plan), open_source(onemap), load_ruleset(None, "village"))
    first.read_near_plan = False
    twin = first.plan_layer("YJJBNTBHTB").features
    assert first.onemap_layer("YJJBNTBHTB").features.twin is twin
    first.close()
