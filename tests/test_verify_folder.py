"""onemap:verifyfolder: every plan checked, findings and summary in OUTPUT only, a broken plan a failed row."""
import os
import shutil

from osgeo import gdal, ogr

from conftest import sample
from export_helpers import sheet_rows


def test_folder_of_plans_with_a_broken_one(onemap_provider, tmp_path):
    import processing
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("village_conflicts.gpkg", "village_clean.gpkg"):
        shutil.copy(sample(name), plans / name)
    (plans / "broken.gpkg").write_bytes(b"not a geopackage")
    gdal.VectorTranslate(str(plans / "village_shp"), sample("village_clean.gpkg"), format="ESRI Shapefile",
                         layerCreationOptions=["ENCODING=UTF-8"])                 # a shapefile folder
    shutil.copytree(sample("village_realdb"), plans / "village_realdb")             # a folder of two FileGDBs
    before = sorted(os.listdir(plans))
    output = tmp_path / "out"
    result = processing.run("onemap:verifyfolder", {"FOLDER": str(plans), "ONEMAP": sample("township_onemap.gpkg"),
                                                    "OUTPUT": str(output)})
    assert (result["PLANS"], result["FAILED"]) == (5, 1)
    assert sorted(os.listdir(plans)) == before                                  # nothing beside the plans
    assert sorted(os.listdir(output)) == ["summary.gpkg", "summary.xlsx", "village_clean_核对结果.gpkg",
                                          "village_conflicts_核对结果.gpkg", "village_realdb_核对结果.gpkg",
                                          "village_shp_核对结果.gpkg"]
    rows = {os.path.basename(row["path"]): row for row in sheet_rows(output / "summary.gpkg", "plans")}
    summary = ogr.Open(str(output / "summary.gpkg"))                      # (kept while its layer is read)
    definition = summary.GetLayerByName("plans").GetLayerDefn()
    aliases = {definition.GetFieldDefn(n).GetName(): definition.GetFieldDefn(n).GetAlternativeName()
               for n in range(definition.GetFieldCount())}      # (a desktop walk: English field names only)
    if int(gdal.VersionInfo()) >= 3070000:            # GPKG field aliases (gpkg_data_columns) since GDAL 3.7
        assert aliases["village"] == "村庄" and aliases["conclusion"] == "核对结论" and aliases["status"] == "状态"
    broken = rows["broken.gpkg"]
    assert (broken["status"], broken["conclusion"]) == ("failed", "失败") and "broken.gpkg" in broken["reason"]
    assert "文件已损坏" in broken["reason"] and "not recognized" not in broken["reason"]     # Chinese, GDAL's text
    assert "not recognized" in broken["detail"]                                           # kept as the detail
    conflicts = rows["village_conflicts.gpkg"]
    assert (conflicts["status"], conflicts["errors"], conflicts["warnings"], conflicts["infos"]) == ("ok", 11, 5, 1)
    assert conflicts["village"] == "杜村" and conflicts["conclusion"] == "不通过"
    assert rows["village_clean.gpkg"]["conclusion"] == "通过"
    assert (rows["village_shp"]["status"], rows["village_shp"]["village"]) == ("ok", "杜村")
    assert rows["village_realdb"]["status"] == "ok"
    dataset = ogr.Open(str(output / "summary.gpkg"))
    layer = dataset.GetLayerByName("plans")
    areas = {os.path.basename(f["path"]): f.GetGeometryRef().GetArea() if f.GetGeometryRef() else None for f in layer}
    assert areas["village_clean.gpkg"] == 4000000.0 and areas["broken.gpkg"] is None    # 2 km × 2 km village
    xlsx = {os.path.basename(row["规划成果"]): row for row in sheet_rows(output / "summary.xlsx", "汇总")}
    assert [xlsx[name]["核对结论"] for name in ("broken.gpkg", "village_conflicts.gpkg", "village_clean.gpkg")] == [
        "失败", "不通过", "通过"] and xlsx["village_conflicts.gpkg"]["错误"] == 11
    assert "status" not in xlsx["broken.gpkg"] and "not recognized" in xlsx["broken.gpkg"]["详细信息"]


def test_output_beside_the_plans_is_refused(onemap_provider, tmp_path):
    import processing
    import pytest
    from qgis.core import QgsProcessingException
    shutil.copy(sample("village_clean.gpkg"), tmp_path / "village_clean.gpkg")
    with pytest.raises(QgsProcessingException):
        processing.run("onemap:verifyfolder", {"FOLDER": str(tmp_path), "ONEMAP": sample("township_onemap.gpkg"),
                                               "OUTPUT": str(tmp_path)})
    assert os.listdir(tmp_path) == ["village_clean.gpkg"]


def test_output_inside_the_plans_folder_is_refused_and_our_own_outputs_are_skipped(onemap_provider, tmp_path):
    import processing
    import pytest
    from qgis.core import QgsProcessingException
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(sample("village_clean.gpkg"), plans / "village_clean.gpkg")
    with pytest.raises(QgsProcessingException) as error:
        processing.run("onemap:verifyfolder", {"FOLDER": str(plans), "ONEMAP": sample("township_onemap.gpkg"),
                                               "OUTPUT": str(plans / "out")})
    assert "子文件夹" in str(error.value) and str(plans / "out") in str(error.value)
    assert os.listdir(plans) == ["village_clean.gpkg"]
    first = tmp_path / "first"
    processing.run("onemap:verifyfolder", {"FOLDER": str(plans), "ONEMAP": sample("township_onemap.gpkg"),
                                           "OUTPUT": str(first)})
    for name in os.listdir(first):                           # a previous run's outputs handed in with the plans
        shutil.copy(first / name, plans / name)
    shutil.copy(first / "summary.gpkg", plans / "old_summary.gpkg")
    result = processing.run("onemap:verifyfolder", {"FOLDER": str(plans), "ONEMAP": sample("township_onemap.gpkg"),
                                                    "OUTPUT": str(tmp_path / "second")})
    assert (result["PLANS"], result["FAILED"]) == (1, 0)
    rows = sheet_rows(tmp_path / "second" / "summary.gpkg", "plans")
    assert [os.path.basename(row["path"]) for row in rows if row["status"] == "ok"] == ["village_clean.gpkg"]
    assert sorted(os.path.basename(row["path"]) for row in rows if row["status"] == "skipped") == [
        "old_summary.gpkg", "summary.gpkg", "village_clean_核对结果.gpkg"]           # listed, with why


def test_cancel_keeps_the_plans_checked_so_far(qgis_app, tmp_path):
    from qgis.core import QgsFeedback

    from plugin.core.check.batch import verify_folder
    plans = tmp_path / "plans"
    plans.mkdir()
    for name in ("village_clean.gpkg", "village_conflicts.gpkg"):
        shutil.copy(sample(name), plans / name)
    feedback = QgsFeedback()
    rows = verify_folder(str(plans), sample("township_onemap.gpkg"), str(tmp_path / "out"), feedback=feedback,
                         log=lambda line: feedback.cancel())                  # cancelled after the first plan
    names = [os.path.basename(row["path"]) for row in rows]   # (a second process may have finished the other)
    assert names[0] == "village_clean.gpkg" and len(names) in (1, 2)
    assert sorted(os.listdir(tmp_path / "out")) == sorted(["summary.gpkg", "summary.xlsx"] + [
        os.path.splitext(name)[0] + "_核对结果.gpkg" for name in names])          # every file written is listed


def test_a_second_batch_run_keeps_the_reviewers_decisions(qgis_app, tmp_path):
    from plugin.core.check.batch import verify_folder
    from plugin.core.export.report_data import read_report
    from plugin.core.review import decisions
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(sample("village_conflicts.gpkg"), plans / "village_conflicts.gpkg")
    verify_folder(str(plans), sample("township_onemap.gpkg"), str(tmp_path / "out"))
    findings = str(tmp_path / "out" / "village_conflicts_核对结果.gpkg")
    cl01 = next(f for f in read_report(findings).findings if f["rule_id"] == "CL-01")
    decisions.save(findings, decisions.make(cl01["finding_id"], "accepted", "国家重点项目", "晋政函〔2024〕12号"))
    verify_folder(str(plans), sample("township_onemap.gpkg"), str(tmp_path / "out"))
    report = read_report(findings)
    assert [d.approval_no for d in report.decisions.values()] == ["晋政函〔2024〕12号"]


def test_the_toolbox_puts_the_summary_on_the_map_as_the_panel_does(onemap_provider, qgis_new_project, tmp_path,
                                                                   monkeypatch):
    """A desktop walk: verifyfolder from the toolbox left summary.gpkg off the map (the panel's folder check
    adds it). It is now loaded, styled by conclusion, its fields under their Chinese names."""
    import processing
    import qgis.utils
    from qgis.core import QgsLayerTreeModel, QgsProject
    from qgis.gui import QgsLayerTreeView
    view = QgsLayerTreeView()           # (QGIS 3.44 hands iface.layerTreeView() to C++ when loading results)
    view.setModel(QgsLayerTreeModel(QgsProject.instance().layerTreeRoot(), view))
    monkeypatch.setattr(qgis.utils.iface, "layerTreeView", lambda: view)
    monkeypatch.setattr("plugin.processing.verify_folder.chinese_ui", lambda: True)        # QGIS in Chinese
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(sample("village_conflicts.gpkg"), plans / "village_conflicts.gpkg")
    result = processing.runAndLoadResults("onemap:verifyfolder", {
        "FOLDER": str(plans), "ONEMAP": sample("township_onemap.gpkg"), "OUTPUT": str(tmp_path / "out")})
    assert result["SUMMARY"].startswith(str(tmp_path / "out" / "summary.gpkg"))
    loaded = [layer for layer in QgsProject.instance().mapLayers().values()
              if layer.source().startswith(str(tmp_path / "out" / "summary.gpkg"))]
    assert len(loaded) == 1 and loaded[0].featureCount() == 1 and loaded[0].name() == "Batch check summary"
    layer = loaded[0]
    assert layer.attributeDisplayName(layer.fields().indexOf("conclusion")) == "核对结论"
    status = layer.fields().indexOf("status")
    shown = layer.editorWidgetSetup(status)
    assert shown.type() == "ValueMap" and {"已核对": "ok"} in shown.config()["map"]     # not the raw ok/failed
    shutil.copy(sample("village_clean.gpkg"), plans / "village_clean.gpkg")     # a second run, same folder:
    processing.runAndLoadResults("onemap:verifyfolder", {                      # the layer on the map shows it
        "FOLDER": str(plans), "ONEMAP": sample("township_onemap.gpkg"), "OUTPUT": str(tmp_path / "out")})
    loaded = [layer for layer in QgsProject.instance().mapLayers().values()
              if layer.source().startswith(str(tmp_path / "out" / "summary.gpkg"))]
    assert len(loaded) == 1 and loaded[0].featureCount() == 2
    assert layer.renderer().type() == "RuleRenderer"         # styles/summary: outlines by conclusion
