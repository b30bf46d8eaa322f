"""QGIS 3.40/3.44 handed a check in a fresh task thread transforms that returned their input (core/threads.py):
the task pool keeps its threads, and a transform that answers nonsense stops the check instead of choosing
the wrong Gauss-Krüger zone."""
import pytest
from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRectangle

from plugin.core.errors import OneMapError
from plugin.core.read import crs


def test_a_panel_task_keeps_the_task_pools_threads(qgis_app):
    from plugin.core.threads import task_pool
    from plugin.gui.tasks import WorkTask
    pool = task_pool()
    pool.setExpiryTimeout(30000)
    WorkTask("t", lambda feedback: None)
    assert pool.expiryTimeout() == -1


def test_the_zone_is_chosen_from_a_real_longitude(qgis_app):
    plan = QgsCoordinateReferenceSystem("EPSG:4525")                   # zone 37, prefixed
    extent = QgsRectangle(37560000, 4100000, 37562000, 4102000)
    assert crs.working_crs(plan, extent, QgsProject.instance().transformContext()).authid() == "EPSG:4546"


def test_a_transform_that_returns_its_input_stops_the_check(qgis_app, monkeypatch):
    class Unchanged:
        def __init__(self, *args):
            pass

        def transform(self, point):
            return point
    monkeypatch.setattr(crs, "QgsCoordinateTransform", Unchanged)
    with pytest.raises(OneMapError) as raised:
        crs.working_crs(QgsCoordinateReferenceSystem("EPSG:4525"), QgsRectangle(37560000, 4100000, 37562000, 4102000),
                        QgsProject.instance().transformContext())
    assert "坐标转换返回了无效结果" in raised.value.zh and "EPSG:4525" in raised.value.zh
