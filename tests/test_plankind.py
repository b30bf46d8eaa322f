"""The plan kind is said out loud: in the findings (KIND-01), the run record and the panel's load report."""
import sqlite3

from osgeo import ogr

from conftest import sample
from helpers import control, gpkg, landuse, square
from plugin.core.check.engine import verify
from plugin.core.read.sources import open_source, recognition_lines

X, Y = 560000.0, 4100000.0


def kind_findings(result):
    return [(f.severity, f.message) for f in result.findings if f.rule_id == "KIND-01"]


def test_a_village_plan_is_named_with_its_reason(tmp_path):
    result = verify(sample("village_clean.gpkg"), sample("township_onemap.gpkg"), output=str(tmp_path / "f.gpkg"))
    assert kind_findings(result) == []                   # said in the run record and the load report, not a finding
    with sqlite3.connect(result.output) as db:
        kind, reason = db.execute("SELECT plan_kind, plan_kind_reason FROM run").fetchone()
    assert kind == "village" and reason.startswith("按村庄规划核对")
    lines = recognition_lines(open_source(sample("village_clean.gpkg")))
    assert any("村级调查区 CJDCQ" in line for line in lines)


def test_no_village_boundary_is_checked_as_a_detailed_plan_and_says_so(tmp_path):
    plan = gpkg(tmp_path / "p.gpkg", 4546, {"GHYDYH": landuse(("0103", square(X, Y, X + 10, Y + 10)))})
    result = verify(plan, gpkg(tmp_path / "m.gpkg", 4546, {"YJJBNTBHTB": control(square(X, Y, X + 5, Y + 5))}))
    assert result.record["plan_kind"] == "detailed"
    assert result.record["plan_kind_reason"].startswith("按详细规划核对") and "请补充村级调查区" in result.record["plan_kind_reason"]


def test_a_one_map_holding_land_use_beside_its_master_plan_layers_raises_no_doubt(tmp_path):
    """A master plan's 中心城区 land use, or approved plans merged into the one map (seed 000: 批复后纳入一张图)."""
    onemap = gpkg(tmp_path / "m.gpkg", 4546, {"YJJBNTBHTB": control(square(X, Y, X + 5, Y + 5)),
                                              "CZKFBJ": control(square(X + 50, Y, X + 60, Y + 10)),
                                              "ZXCQGHYDYH": landuse(("0701", square(X + 50, Y, X + 60, Y + 10)))})
    plan = gpkg(tmp_path / "p.gpkg", 4546, {"GHYDYH": landuse(("0103", square(X, Y, X + 10, Y + 10)))})
    assert [m for s, m in kind_findings(verify(plan, onemap)) if s == "warning"] == []


def test_swapped_inputs_are_warned_about(tmp_path):
    """A second village plan given as the one map, and a plan carrying master-plan layers."""
    result = verify(sample("village_clean.gpkg"), sample("village_conflicts.gpkg"))
    doubts = [m for s, m in kind_findings(result) if s == "warning"]
    assert len(doubts) == 1 and "看似一份规划成果" in doubts[0]
    village = ([("XZQDM", ogr.OFTString)], [(square(X, Y, X + 10, Y + 10), {"XZQDM": "1"}),
                                            (square(X + 10, Y, X + 20, Y + 10), {"XZQDM": "2"})])
    plan = gpkg(tmp_path / "p.gpkg", 4546, {"GHYDYH": landuse(("0103", square(X, Y, X + 20, Y + 10))),
                                            "CJDCQ": village, "CZKFBJ": control(square(X, Y, X + 5, Y + 5))})
    result = verify(plan, sample("township_onemap.gpkg"))
    doubts = [m for s, m in kind_findings(result) if s == "warning"]
    assert len(doubts) == 1 and "看似一张图" in doubts[0] and "2 个村级调查区" in doubts[0] and "城镇开发边界" in doubts[0]


def test_the_panel_load_report_says_the_kind_and_why(qgis_iface, qgis_new_project):
    from plugin.gui.dock import OneMapDock
    dock = OneMapDock(qgis_iface)
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(sample("village_realdb"))
    dock.load_button.click()
    rows = []
    for index in range(dock.report.topLevelItemCount()):
        top = dock.report.topLevelItem(index)
        rows += [(top.child(i).text(0), top.child(i).text(1)) for i in range(top.childCount())]
    kind = [status for name, status in rows if name in ("Plan kind", "规划类型")]
    assert len(kind) == 1 and ("村级调查区 CJDCQ" in kind[0] or "village boundary CJDCQ" in kind[0])


def test_a_plans_title_names_its_kind_once():
    """Titles (report, sheets, 图则, the one map's versions) add the kind's name to the plan's unless it says it
    already; a file name in Latin letters is set apart ("detailed_plan详细规划" read as one word)."""
    from plugin.core.read.plankind import plan_title
    assert plan_title("杜村", "village") == "杜村村庄规划"
    assert plan_title("城东片区控制性详细规划", "detailed") == "城东片区控制性详细规划"
    assert plan_title("杜村村庄规划", "village") == "杜村村庄规划"
    assert plan_title("detailed_plan", "detailed") == "detailed_plan 详细规划"
    assert plan_title("城东片区", "") == "城东片区规划"


def test_a_detailed_plan_without_its_parcels_is_said_to_lack_them(tmp_path):
    """A 控规 delivered with its extent GHFW and its own 城镇开发边界 but no GHDK: a detailed plan lacking its
    parcels, not "a one map — swapped?" (desktop walk), in the load report and in the check's refusal."""
    import pytest

    from plugin.core.errors import OneMapError
    plan = gpkg(tmp_path / "p.gpkg", 4546, {"GHFW": control(square(X, Y, X + 100, Y + 100)),
                                            "CZKFBJ": control(square(X, Y, X + 50, Y + 50))})
    assert open_source(plan).guess_kind() == "detailed"
    assert any("GHDK" in line for line in recognition_lines(open_source(plan)))
    with pytest.raises(OneMapError) as refused:
        verify(plan, sample("township_onemap.gpkg"))
    assert "GHDK（规划地块）" in refused.value.zh and "选反" not in refused.value.zh
