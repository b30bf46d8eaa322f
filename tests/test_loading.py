"""Loading as a county technician meets it: the real-structure FileGDB in the groups a reviewer expects,
and, in a fresh project, the canvas on the plan rather than on the whole township."""
from qgis.core import QgsLayerTree, QgsProject
from qgis.gui import QgsLayerTreeMapCanvasBridge
from qgis.PyQt.QtCore import QCoreApplication

from conftest import sample
from plugin.core.read.loading import PROPERTY_KEY, load_source


def tree(group):
    """{sub-group name: [layer keys]} of a source's group."""
    return {child.name(): [node.layer().customProperty(PROPERTY_KEY) for node in child.findLayers()]
            for child in group.children() if QgsLayerTree.isGroup(child)}


def test_the_real_structure_plan_groups_its_control_boundaries_and_tables(qgis_new_project):
    project = QgsProject.instance()
    report = load_source(sample("village_realdb"), project)
    groups = tree(project.layerTreeRoot().findGroup(report.group_name))
    assert list(groups) == ["控制线", "用地用海", "基础/现状", "指标与表格"]
    assert "GKBJ" in groups["控制线"]                       # 村庄建设边界 and the other control boundaries
    assert sorted(groups["指标与表格"]) == ["GHZBB", "JQJSXMJHB", "KJGNJGTZB"]
    assert not {"GHZBB", "JQJSXMJHB", "KJGNJGTZB"} & set(groups["基础/现状"])
    themes = project.mapThemeCollection()
    three_lines = themes.mapThemeState("三线 · " + report.group_name).layerRecords()
    assert "GKBJ" in {record.layer().customProperty(PROPERTY_KEY) for record in three_lines}


def test_the_one_maps_allocation_table_goes_with_the_tables(qgis_new_project):
    project = QgsProject.instance()
    report = load_source(sample("township_onemap.gpkg"), project)
    groups = tree(project.layerTreeRoot().findGroup(report.group_name))
    assert groups["指标与表格"] == ["CJZBFJ"] and "CJZBFJ" not in groups["基础/现状"]


def test_load_in_a_fresh_project_shows_the_plan_not_the_township(qgis_iface, qgis_new_project, monkeypatch):
    """QGIS's layer-tree bridge zooms a fresh project to every layer when it next runs (deferred, as in
    the desktop); the panel's zoom to the plan must survive it."""
    from plugin.gui.dock import OneMapDock
    canvas = qgis_iface.mapCanvas()
    canvas.setLayers([])
    bridge = QgsLayerTreeMapCanvasBridge(QgsProject.instance().layerTreeRoot(), canvas)
    monkeypatch.setattr(qgis_iface, "layerTreeCanvasBridge", lambda: bridge, raising=False)
    dock = OneMapDock(qgis_iface)
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(sample("village_conflicts.gpkg"))
    dock.load_button.click()
    for _round in range(5):
        QCoreApplication.processEvents()               # the bridge's deferred update runs here
    village = [layer for layer in QgsProject.instance().mapLayers().values()
               if layer.customProperty(PROPERTY_KEY) == "CJDCQ"
               and layer.customProperty("onemap/source").endswith("village_conflicts.gpkg")][0]
    plan = canvas.mapSettings().layerExtentToOutputExtent(village, village.extent())
    shown = canvas.extent()
    assert shown.contains(plan)
    assert min(shown.width() / plan.width(), shown.height() / plan.height()) < 1.5    # the plan fills the view
    dock.deleteLater()
    del bridge


def test_the_findings_layers_legend_lists_errors_first(qgis_new_project, tmp_path):
    from qgis.core import QgsLayerTreeLayer

    from plugin.core.check.engine import verify
    from plugin.core.review.findings_layer import load_findings
    output = str(tmp_path / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=output)
    layer = load_findings(output, QgsProject.instance(), "杜村")
    node = QgsLayerTreeLayer(layer)
    labels = [item.data(0) for item in layer.legend().createLayerTreeModelLegendNodes(node)]
    assert labels == ["错误", "警告", "提示"]
