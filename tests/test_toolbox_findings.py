"""A toolbox run of `onemap:verifyplan` on the plan the panel shows, loaded on completion, puts its findings
layer in the place of the panel's (findings_layer.adopt). The panel then shows what the map shows — the
toolbox's file becomes its current results, listed beside the panel's own —; decisions, forms and live
re-checks go to that file, and never to a layer that is gone (desktop walk on QGIS 3.44: RuntimeError
"wrapped C/C++ object of type QgsVectorLayer has been deleted" on the next decision or double click).
Choosing the panel's own entry again shows that file on the map."""
import os
import shutil

import pytest
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QCoreApplication
from test_editing import checked_in_the_panel, landuse_layer, wait_up_to

from conftest import sample
from plugin.core.read.loading import PROPERTY_KEY, PROPERTY_SOURCE
from plugin.core.review import decisions


def findings_layers():
    return [layer for layer in QgsProject.instance().mapLayers().values()
            if layer.customProperty(PROPERTY_KEY) == "findings"]


def shown_files():
    return [layer.customProperty(PROPERTY_SOURCE) for layer in findings_layers()]


def decided(path):
    return sorted((d.decision, d.rule_id) for d in decisions.open_decisions(path).values())


def first_finding(browser, rule_id):
    return next(f for f in browser.review.findings if f.rule_id == rule_id)


def decide(browser, rule_id, kind="false_positive", approval=""):
    finding = first_finding(browser, rule_id)
    browser.store(decisions.make(finding.finding_id, kind, "已核实", approval, "李工", finding.rule_id, finding.message))


@pytest.fixture
def panel(qgis_iface, qgis_new_project, onemap_provider, tmp_path, monkeypatch):
    """The panel after checking a copy of the conflicts plan into result.gpkg, one decision recorded. The
    test iface gets a real layer tree view: Processing's loading on completion hands it to C++ (3.44)."""
    from qgis.core import QgsLayerTreeModel
    from qgis.gui import QgsLayerTreeView
    view = QgsLayerTreeView()
    view.setModel(QgsLayerTreeModel(QgsProject.instance().layerTreeRoot(), view))
    monkeypatch.setattr(qgis_iface, "layerTreeView", lambda: view, raising=False)
    plan = str(tmp_path / "village_conflicts.gpkg")
    shutil.copy(sample("village_conflicts.gpkg"), plan)
    dock = checked_in_the_panel(qgis_iface, plan, tmp_path)
    browser = dock.browser
    decide(browser, "CL-01", "accepted", "晋政函〔2024〕12号")
    yield dock
    if landuse_layer().isEditable():
        landuse_layer().rollBack()
    dock.deleteLater()


def run_in_toolbox(plan, output):
    import processing
    processing.runAndLoadResults("onemap:verifyplan", {"PLAN": plan, "ONEMAP": sample("township_onemap.gpkg"),
                                                        "OUTPUT": output})
    QCoreApplication.processEvents()


def test_the_panel_follows_the_toolbox_result_the_map_now_shows(panel, qgis_iface, tmp_path, monkeypatch):
    browser, panel_file, toolbox_file = panel.browser, str(tmp_path / "result.gpkg"), str(tmp_path / "toolbox.gpkg")
    run_in_toolbox(str(tmp_path / "village_conflicts.gpkg"), toolbox_file)
    assert shown_files() == [toolbox_file]                       # the plan's one findings layer, the toolbox's file
    assert browser.review.path == toolbox_file                   # the panel shows what the map shows
    assert panel.export_panel.findings == toolbox_file           # and exports it
    assert panel.output_widget.filePath() == toolbox_file        # and checks it again
    assert "toolbox.gpkg" in panel.export_panel.status.text()
    combo = browser.results_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["village_conflicts.gpkg",
                                                                 "village_conflicts.gpkg（toolbox.gpkg）"]
    # a decision now goes into the file shown, the panel's file keeps its own
    decide(browser, "GEO-04")
    assert decided(toolbox_file) == [("false_positive", "GEO-04")]
    assert decided(panel_file) == [("accepted", "CL-01")]
    assert "1 false positive" in browser.summary.text() or "误报 1 个" in browser.summary.text()
    # a double click opens the finding's form on the layer the map shows
    opened = []
    monkeypatch.setattr("plugin.gui.findings_view.open_feature_form",
                        lambda iface, layer, feature, parent: opened.append((layer.source(), feature["finding_id"])))
    finding = first_finding(browser, "CL-01")
    browser.open_form(browser.proxy.mapFromSource(browser.model.finding_items[finding.fid].index()))
    assert opened == [(toolbox_file + "|layername=findings", finding.finding_id)]
    # an edit of the plan is re-checked into the file shown
    layer = landuse_layer()
    layer.startEditing()
    layer.changeAttributeValue(1, layer.fields().indexOf("GHDLBM"), "0103")      # clears CL-01
    assert wait_up_to(lambda: not any(f.rule_id == "CL-01" for f in browser.review.findings), 3000)
    layer.rollBack()
    # the panel's own entry chosen again: the map shows that file again, the exports follow
    combo.setCurrentIndex(0)
    assert browser.review.path == panel_file and shown_files() == [panel_file]
    assert panel.export_panel.findings == panel_file and panel.output_widget.filePath() == panel_file


def test_checking_again_after_the_toolbox_updates_its_results(panel, tmp_path):
    """核对 after following the toolbox's result checks into that file: the decision recorded on it carries over."""
    browser, toolbox_file = panel.browser, str(tmp_path / "toolbox.gpkg")
    run_in_toolbox(str(tmp_path / "village_conflicts.gpkg"), toolbox_file)
    decide(browser, "GEO-04")
    panel.verify_button.click()
    assert wait_up_to(lambda: panel.task is None, 60000)
    assert browser.review.path == toolbox_file and shown_files() == [toolbox_file]
    assert decided(toolbox_file) == [("false_positive", "GEO-04")]
    assert decided(str(tmp_path / "result.gpkg")) == [("accepted", "CL-01")]


def test_the_toolbox_writing_the_panels_own_file_is_read_again(panel, tmp_path):
    """The same OUTPUT as the panel's: the file was replaced (a new run, no decisions). Processing hands back
    the layer already showing it: read again with the reviewer's style; the panel reads the file again
    instead of refusing the next decision for a run that is gone."""
    from qgis.core import QgsFillSymbol, QgsSingleSymbolRenderer
    browser, panel_file = panel.browser, str(tmp_path / "result.gpkg")
    before = browser.review.run_id
    findings_layers()[0].setRenderer(QgsSingleSymbolRenderer(QgsFillSymbol.createSimple({"color": "1,2,3"})))
    run_in_toolbox(str(tmp_path / "village_conflicts.gpkg"), panel_file)
    assert wait_up_to(lambda: browser.review.run_id != before, 3000)
    assert shown_files() == [panel_file] and browser.review.path == panel_file and browser.results_combo.count() == 1
    assert findings_layers()[0].renderer().symbol().color().name() == "#010203"
    decide(browser, "GEO-04")
    assert decided(panel_file) == [("false_positive", "GEO-04")]


def test_a_findings_layer_removed_by_hand_leaves_the_panel_working(panel, tmp_path, monkeypatch):
    """No replacement: the panel keeps its file; a decision is written, a double click loads the layer again."""
    browser, panel_file = panel.browser, str(tmp_path / "result.gpkg")
    QgsProject.instance().removeMapLayer(findings_layers()[0].id())
    QCoreApplication.processEvents()
    assert browser.review.path == panel_file and shown_files() == []
    decide(browser, "GEO-04")
    assert decided(panel_file) == [("accepted", "CL-01"), ("false_positive", "GEO-04")]
    opened = []
    monkeypatch.setattr("plugin.gui.findings_view.open_feature_form",
                        lambda iface, layer, feature, parent: opened.append(feature["rule_id"]))
    finding = first_finding(browser, "GEO-04")
    browser.open_form(browser.proxy.mapFromSource(browser.model.finding_items[finding.fid].index()))
    assert opened == ["GEO-04"] and shown_files() == [panel_file]


def test_a_toolbox_run_of_another_plan_leaves_the_panel_as_it_is(panel, tmp_path):
    browser, panel_file = panel.browser, str(tmp_path / "result.gpkg")
    other = str(tmp_path / "village_clean.gpkg")
    shutil.copy(sample("village_clean.gpkg"), other)
    run_in_toolbox(other, str(tmp_path / "clean.gpkg"))
    assert sorted(shown_files()) == sorted([panel_file, str(tmp_path / "clean.gpkg")])
    assert browser.review.path == panel_file and panel.export_panel.findings == panel_file


def test_another_plans_file_put_in_the_place_of_the_file_shown_is_not_shown_under_this_plan(panel, tmp_path):
    """Only another check of the same plan is read again: another plan's file copied over the one shown stays
    unshown, and the next decision is refused as written into a replaced file (core.review guard)."""
    from plugin.core.check.engine import verify
    browser, panel_file = panel.browser, str(tmp_path / "result.gpkg")
    before = browser.review.run_id
    other = str(tmp_path / "other.gpkg")
    verify(sample("village_clean.gpkg"), sample("township_onemap.gpkg"), output=other)
    shutil.copy(other, panel_file + ".new")
    os.replace(panel_file + ".new", panel_file)
    wait_up_to(lambda: False, 500)                                  # the watcher has had its say
    assert browser.review.run_id == before and browser.review.path == panel_file
    decide(browser, "GEO-04")
    assert "已被替换" in browser.summary.text() or "replaced" in browser.summary.text()
