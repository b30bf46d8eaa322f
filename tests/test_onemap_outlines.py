"""A 控规 loaded under its one map: the one map's planning zones (opaque fills) are switched off so the plan
shows, while its 规划单元 (GHDY, drawn as outlines only) stay on in their official style — the technician reads
UNIT-01…03 against them. A zone layer a province styles as outlines stays on too; one it fills goes off."""
from qgis.core import QgsFillSymbol, QgsProject, QgsSingleSymbolRenderer
from qgis.PyQt.QtCore import Qt

from conftest import sample
from plugin.core.read.layer_tree import fills, hide_covering_fills
from plugin.core.read.loading import PROPERTY_KEY, load_source


def node_of(key, source):
    """The layer-tree node of the layer `key` loaded from the sample `source`."""
    project = QgsProject.instance()
    layer = next(l for l in project.mapLayers().values()
                 if l.customProperty(PROPERTY_KEY) == key and l.customProperty("onemap/source").endswith(source))
    return project.layerTreeRoot().findLayer(layer.id())


def test_the_units_stay_visible_in_their_official_style_and_the_zones_go_off(qgis_new_project):
    load_source(sample("detailed_onemap.gpkg"), QgsProject.instance())
    units = node_of("GHDY", "detailed_onemap.gpkg")
    assert units.isVisible()                                         # the one map alone: everything on
    load_source(sample("detailed_plan.gpkg"), QgsProject.instance())
    units, zones = node_of("GHDY", "detailed_onemap.gpkg"), node_of("GHFQ", "detailed_onemap.gpkg")
    assert units.isVisible() and units.parent().name() == "规划分区" and units.parent().itemVisibilityChecked()
    assert not zones.isVisible() and not zones.itemVisibilityChecked()
    symbol = units.layer().renderer().symbol().symbolLayer(0)                # colors.yaml GHDY, untouched
    assert symbol.brushStyle() == Qt.BrushStyle.NoBrush
    assert symbol.strokeColor().getRgb()[:3] == (150, 90, 30) and symbol.strokeStyle() == Qt.PenStyle.DashDotLine
    assert "provisional" in units.layer().styleManager().currentStyle()        # said as such, as before
    for node in (units, node_of("GHDK", "detailed_plan.gpkg"), node_of("CSLVX", "detailed_onemap.gpkg")):
        assert node.isVisible(), node.name()


def test_what_decides_is_the_style_not_the_layer(qgis_new_project):
    load_source(sample("detailed_onemap.gpkg"), QgsProject.instance())
    zones = node_of("GHFQ", "detailed_onemap.gpkg").layer()
    units = node_of("GHDY", "detailed_onemap.gpkg").layer()
    assert fills(zones) and not fills(units)
    zones.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({"style": "no", "outline_color": "red"})))
    units.setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({"color": "200,0,0,255"})))
    assert not fills(zones) and fills(units)
    hidden = QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({"color": "200,0,0,0"}))     # a transparent brush
    zones.setRenderer(hidden)
    assert not fills(zones)
    load_source(sample("detailed_plan.gpkg"), QgsProject.instance())
    hide_covering_fills(QgsProject.instance().layerTreeRoot())
    assert node_of("GHFQ", "detailed_onemap.gpkg").isVisible() and not node_of("GHDY", "detailed_onemap.gpkg").isVisible()
