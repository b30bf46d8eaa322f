"""The one map and the plan chosen the wrong way round: the error says they look swapped."""
import pytest
from test_editing import wait_up_to

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError


def test_swapped_inputs_are_said_to_be_swapped(tmp_path):
    with pytest.raises(OneMapError) as raised:
        verify(sample("township_onemap.gpkg"), sample("village_conflicts.gpkg"), output=str(tmp_path / "out.gpkg"))
    assert "没有可识别的规划用地用海图层" in raised.value.zh
    assert "看似一张图：一张图与待核对规划是否选反了？" in raised.value.zh
    assert "YJJBNTBHTB（永久基本农田）" in raised.value.zh
    assert "are the one map and the plan swapped?" in raised.value.en
    assert not (tmp_path / "out.gpkg").exists()


def test_a_plan_given_as_the_one_map_is_said_to_look_like_a_plan(tmp_path):
    from osgeo import ogr
    plan_only = str(tmp_path / "plan_only.gpkg")                 # a village plan without control layers
    source = ogr.Open(sample("village_conflicts.gpkg"))
    target = ogr.GetDriverByName("GPKG").CreateDataSource(plan_only)
    target.CopyLayer(source.GetLayerByName("GHDLTB"), "GHDLTB")
    target = None
    with pytest.raises(OneMapError) as raised:
        verify(sample("village_conflicts.gpkg"), plan_only)
    assert "没有控制线图层" in raised.value.zh and "看似一份规划成果" in raised.value.zh
    assert "looks like a plan" in raised.value.en


def test_the_panel_says_the_inputs_look_swapped(qgis_iface, qgis_new_project, tmp_path):
    from plugin.gui.dock import OneMapDock
    dock = OneMapDock(qgis_iface)
    dock.onemap_picker.set_path(sample("village_conflicts.gpkg"))
    dock.plan_picker.set_path(sample("township_onemap.gpkg"))
    dock.output_widget.setFilePath(str(tmp_path / "out.gpkg"))
    dock.verify_button.click()
    assert wait_up_to(lambda: dock.task is None, 60000)
    assert "选反" in dock.summary.text() or "swapped" in dock.summary.text()
    dock.deleteLater()
