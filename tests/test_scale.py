"""The speed-ups keep the answers: box pre-filter, gap check tile by tile, bench tiers worked out exactly."""
import os
import sys

import pytest
from osgeo import ogr
from qgis.core import QgsGeometry

from conftest import sample
from plugin.core.check import tiles
from plugin.core.check.boxindex import BoxIndex
from plugin.core.check.engine import verify

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))


class Item:
    def __init__(self, box):
        self.box = box


def test_box_index_near_counts_touching_boxes_overlapping_does_not():
    grid = [Item((x, y, x + 1.0, y + 1.0)) for x in range(10) for y in range(10)]
    county = Item((-100.0, -100.0, 100.0, 100.0))           # spans every cell: kept apart, still found
    index = BoxIndex(grid + [county])
    cell = (4.0, 4.0, 5.0, 5.0)
    assert len(index.near(cell)) == 9 + 1                    # itself, 8 touching neighbours, the county
    assert [i.box for i in index.overlapping(cell)] == [cell, county.box]
    assert len(index.near((-1000.0, -1000.0, 1000.0, 1000.0))) == 101
    assert index.overlapping((20.0, 20.0, 21.0, 21.0)) == [county]
    first = (0.0, 0.0, 1.0, 1.0)                             # a query reaching below the grid's origin
    assert [i.box for i in index.overlapping((-0.5, -0.5, 0.5, 0.5))] == [first, county.box]
    assert [i.box for i in index.near((-3.0, -3.0, -1.0, -1.0))] == [county.box]


def test_gap_check_tile_by_tile_gives_the_whole_union_answer(monkeypatch):
    monkeypatch.setattr(tiles, "PER_TILE", 2)                # many tiles across the sample's gaps
    result = verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"))
    gaps = sorted(round(f.area_m2, 2) for f in result.findings if f.rule_id == "GEO-03")
    assert gaps == [2500.00, 2500.00, 10000.00]


def square_layer(squares, key="GHYDYH"):
    """A LayerData of axis-parallel squares ((x, y, side), …), fids 1, 2, … in order."""
    from plugin.core.check.context import Feature, LayerData
    features = [Feature(fid, QgsGeometry.fromWkt("POLYGON(({0} {1},{2} {1},{2} {3},{0} {3},{0} {1}))".format(
        x, y, x + side, y + side)), {}, "0103") for fid, (x, y, side) in enumerate(squares, start=1)]
    return LayerData(key, key, features)


def test_a_gap_across_tile_edges_stays_one_piece(monkeypatch):
    parcels = square_layer([(x, y, 10) for x in range(0, 100, 10) for y in range(0, 100, 10)
                            if (x, y) not in ((30, 40), (40, 40))])
    region = QgsGeometry.fromWkt("POLYGON((0 0,100 0,100 100,0 100,0 0))")
    monkeypatch.setattr(tiles, "PER_TILE", 4)
    by_tiles = tiles._tile_by_tile(region, parcels, len(parcels.features))   # 5 x 5 tiles: x = 40 cuts the hole
    assert not by_tiles.isMultipart() and round(by_tiles.area(), 2) == 200.00
    by_seams = tiles.uncovered(region, parcels)
    assert len(parcels.open_parcels()) == 36 + 6             # the outline, and the 6 sharing an edge with the hole
    assert not by_seams.isMultipart() and round(by_seams.area(), 2) == 200.00


def rule_totals(result):
    """{rule: [count, m²]} of a run's errors and warnings, as bench_data works them out."""
    found = {}
    for finding in result.findings:
        if finding.severity in ("error", "warning"):
            count, area = found.get(finding.rule_id, (0, 0.0))
            found[finding.rule_id] = (count + 1, area + finding.area_m2)
    return {k: [c, round(a, 2)] for k, (c, a) in found.items()}


@pytest.mark.parametrize("turn, vertices", [(0.0, 5), (15.0, 5), (15.0, 33)])
def test_bench_small_tier_is_worked_out_exactly_laid_out_turned_and_densified(tmp_path, turn, vertices):
    from bench import same_findings
    from bench_data import Tier, generate
    plan, onemap, expected = generate(Tier("2k", 45, turn=turn, vertices=vertices), str(tmp_path))
    found = rule_totals(verify(plan, onemap))
    assert same_findings(found, expected), (found, expected)     # GEO-06 is ellipsoidal: to 1e-5
    assert expected["CL-01"] == [359, 90470.0] and found["CL-02"] == expected["CL-02"] == [93, 30340.0]
    if turn:                                                  # as written: loose boxes, tens of vertices
        dataset = ogr.Open(plan)
        feature = dataset.GetLayerByName("GHYDYH").GetNextFeature()
        first = feature.GetGeometryRef()
        assert first.GetGeometryRef(0).GetGeometryRef(0).GetPointCount() == vertices
        assert round(first.GetArea(), 6) == 400.0 and first.GetEnvelope()[1] - first.GetEnvelope()[0] > 24.0


def test_layers_held_compactly_give_the_same_findings(monkeypatch):
    from plugin.core.check import reading
    whole = verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"))
    monkeypatch.setattr(reading, "COMPACT_OVER", 0)          # no Feature kept: made afresh each time asked
    compact = verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"))

    def summary(result):
        return sorted((f.rule_id, f.severity, round(f.area_m2 or 0.0, 2), f.message) for f in result.findings)
    assert summary(compact) == summary(whole) and len(whole.findings) > 10


def test_a_cancelled_run_stops_while_reading_not_after(monkeypatch):
    """The cancel button is looked at every POLL_EVERY features read: a county-size read stops at once."""
    import pytest
    from qgis.core import QgsFeedback

    from plugin.core.check import context
    from plugin.core.errors import Cancelled
    made = []

    class Counted(context.Feature):
        def __post_init__(self):
            made.append(self.fid)
            super().__post_init__()
    monkeypatch.setattr(context, "Feature", Counted)
    monkeypatch.setattr(context, "POLL_EVERY", 5)
    feedback = QgsFeedback()
    feedback.cancel()
    with pytest.raises(Cancelled):
        verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), feedback=feedback)
    assert made == []                                        # not one feature read before stopping
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), feedback=QgsFeedback())
    assert len(made) > 10                                    # a run not cancelled reads them all


def test_box_queries_look_at_the_cancel_button(monkeypatch):
    from plugin.core.check import context
    monkeypatch.setattr(context, "POLL_EVERY", 3)
    asked = []
    data = square_layer([(0, 0, 1)])
    data.poll = lambda: asked.append(1)
    for _ in range(7):
        data.candidates((0.0, 0.0, 1.0, 1.0))
    assert len(asked) == 2                                   # rules query per parcel: a long rule stops too


def test_a_finding_keeps_its_part_compactly_and_gives_it_back_whole():
    from plugin.core.check.rules.base import Finding
    square = QgsGeometry.fromWkt("Polygon ((0 0, 10 0, 10 10, 0 10, 0 0))")
    finding = Finding("CL-01", "error", "规划…位于永久基本农田内", geometry=square)
    assert finding.geometry.equals(square) and finding.geometry.area() == 100.0
    moved = finding.geometry
    moved.translate(5, 0)                                    # a copy: the finding is unchanged until assigned
    assert finding.geometry.equals(square)
    finding.geometry = moved
    assert finding.geometry.boundingBox().xMinimum() == 5.0
    assert Finding("IND-01", "error", "").geometry is None  # no place (an indicator) ≠ an empty part
    assert Finding("GEO-01", "error", "", geometry=QgsGeometry()).geometry.isEmpty()
    assert "x" not in Finding("GEO-01", "error", "").extra


def test_the_collector_is_held_back_while_a_run_goes_on_and_given_back_after(monkeypatch):
    """collector.py: Python's thresholds are raised during verify() only, nested runs included."""
    import gc

    from plugin.core.check import collector, engine
    before, seen = gc.get_threshold(), []

    def rules_seen(rules, ctx, feedback=None):
        seen.append(gc.get_threshold())
        with collector.fewer_collections():                  # a second run meanwhile shares the change
            seen.append(gc.get_threshold())
        seen.append(gc.get_threshold())
        return run_rules(rules, ctx, feedback)
    run_rules = engine.run_rules
    monkeypatch.setattr(engine, "run_rules", rules_seen)
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"))
    assert seen == [collector.RUN_THRESHOLDS] * 3 and gc.get_threshold() == before


def test_an_indicator_row_is_the_same_whichever_rule_records_it_first():
    """IND-01 (not allocated) and BASE-01 (computed) both give 新增建设用地: one row, in either order."""
    from types import SimpleNamespace

    from plugin.core.check.rules.indicator import record_indicator
    unallocated = {"indicator": "新增建设用地", "status": "not_applicable", "note": "未分解该指标", "village_code": "V1"}
    computed = {"indicator": "新增建设用地", "status": "computed", "note": "基期对比", "planned_m2": 12.5}
    rows = []
    for order in ((unallocated, computed), (computed, unallocated)):
        ctx = SimpleNamespace(indicator_rows=[])
        for row in order:
            record_indicator(ctx, dict(row))
        rows.append(ctx.indicator_rows)
    assert rows[0] == rows[1] == [dict(computed, note="未分解该指标；基期对比", village_code="V1")]


def test_findings_are_the_same_and_in_the_same_order_when_no_layer_keeps_its_features(monkeypatch, tmp_path):
    """Against a layer too large to keep its Features (COMPACT_OVER), CL-* walk the pairs control feature
    by control feature: the findings, and their order, are those of a run that keeps every Feature."""
    from bench_data import Tier, generate

    from plugin.core.check import reading
    plan, onemap, _expected = generate(Tier("2k", 45, turn=15.0, vertices=9), str(tmp_path))

    def listed():
        return [(f.rule_id, f.plan_fid, f.control_fid, round(f.area_m2 or 0.0, 6), f.message)
                for f in verify(plan, onemap).findings]
    kept = listed()
    monkeypatch.setattr(reading, "COMPACT_OVER", 0)
    assert listed() == kept
    assert sum(1 for f in kept if f[0] == "CL-01") > 100
