"""Hostile and careless sources (issue 10): names are data, missing parts are named, folders hold only the plan."""
import os
import shutil
import threading

import pytest
from osgeo import gdal, ogr
from test_sources import translate

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.read.schema import schema
from plugin.core.read.sources import open_source, source_hash

gdal.UseExceptions()


def test_a_layer_name_cannot_smuggle_a_filter_into_the_uri(tmp_path):
    """A layer named 'Q|subset=… --/GHDLTB' used to be read as the land use, through the author's filter."""
    plan = str(tmp_path / "plan.gpkg")
    src = sample("village_conflicts.gpkg")
    translate(src, plan, "GPKG", "GHDLTB", 'Q|subset="fid" < 0 --/GHDLTB')  # first: it used to win as GHYDYH
    translate(src, plan, "GPKG", "GHDLTB", "GHYDYH")                      # the real land use
    for layer in ("CJDCQ", "永久基本农田"):
        translate(src, plan, "GPKG", layer, layer)
    source = open_source(plan)
    crafted = next(layer for layer in source.layers if layer.name.startswith("Q|"))
    assert crafted.key == "" and "'|'" in crafted.problem
    assert source.get("GHYDYH").name == "GHYDYH"
    result = verify(plan, sample("township_onemap.gpkg"))
    assert sorted(round(f.area_m2, 2) for f in result.findings if f.rule_id == "CL-01") == [5000.00]


def test_layer_names_are_matched_whole():
    assert schema().match_name("evil/GHDLTB") is None
    assert schema().match_name(" ghdltb.SHP ") == "GHYDYH"


def test_a_path_with_a_separator_is_refused(tmp_path):
    folder = tmp_path / "a|layername=x"
    folder.mkdir()
    shutil.copy(sample("village_clean.gpkg"), folder / "plan.gpkg")
    with pytest.raises(OneMapError) as error:
        open_source(str(folder / "plan.gpkg"))
    assert "'|'" in error.value.en


def test_a_polygon_layer_declared_as_generic_geometry_is_recognised(tmp_path):
    plan = str(tmp_path / "plan.gpkg")
    gdal.VectorTranslate(plan, sample("village_clean.gpkg"), format="GPKG", layers=["GHDLTB"],
                         geometryType="GEOMETRY")
    source = open_source(plan)
    assert source.get("GHYDYH") is not None, source.unknown[0].problem if source.unknown else ""
    assert source.get("GHYDYH").geometry == "polygon"
    assert source.open_layer("GHYDYH").featureCount() == source.get("GHYDYH").count > 0


def shapefile_plan(folder):
    folder.mkdir()
    src = sample("village_conflicts.gpkg")
    for layer, name in (("GHDLTB", "GHDLTB"), ("CJDCQ", "CJDCQ")):
        translate(src, str(folder / (name + ".shp")), "ESRI Shapefile", layer, name, ["ENCODING=UTF-8"])
    return folder


@pytest.mark.parametrize("part", [".shx", ".dbf"])
def test_a_missing_shapefile_part_is_named(tmp_path, part):
    folder = shapefile_plan(tmp_path / "plan")
    os.remove(folder / ("GHDLTB" + part))
    source = open_source(str(folder))
    problems = {layer.name: layer.problem for layer in source.unknown}
    assert "GHDLTB" + part in problems["GHDLTB"]
    with pytest.raises(OneMapError) as error:               # the land use is gone: no rule can pass
        verify(str(folder), sample("township_onemap.gpkg"))
    assert "GHDLTB" + part in error.value.zh


def test_plan_folder_hash_covers_only_the_plan_and_never_opens_a_fifo(tmp_path):
    folder = shapefile_plan(tmp_path / "plan")
    before = source_hash(str(folder))
    (folder / "说明.docx").write_bytes(b"unrelated" * 1000)
    os.mkfifo(folder / "pipe")
    os.mkfifo(folder / "pipe.shp")
    done = []
    worker = threading.Thread(target=lambda: done.append((source_hash(str(folder)), open_source(str(folder)))),
                              daemon=True)
    worker.start()
    worker.join(20)
    assert done, "hashing or listing the folder hung on a FIFO"
    assert done[0][0] == before
    (folder / "GHDLTB.prj").write_text("changed")
    assert source_hash(str(folder)) != before


def test_gbk_detection_reads_every_record_not_the_first_2000(tmp_path):
    from osgeo import osr

    from plugin.core.read.dbf import detect_encoding
    shp = str(tmp_path / "names.shp")
    previous = gdal.GetConfigOption("SHAPE_ENCODING")
    gdal.SetConfigOption("SHAPE_ENCODING", None)
    try:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(4546)
        dataset = ogr.GetDriverByName("ESRI Shapefile").CreateDataSource(shp)
        layer = dataset.CreateLayer("names", srs, ogr.wkbPoint, ["ENCODING=CP936"])
        layer.CreateField(ogr.FieldDefn("MC", ogr.OFTString))
        for index in range(2600):
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetField("MC", "杜村" if index == 2500 else "plain")
            feature.SetGeometry(ogr.CreateGeometryFromWkt("POINT ({} 4100000)".format(560000 + index)))
            layer.CreateFeature(feature)
        dataset = None
    finally:
        gdal.SetConfigOption("SHAPE_ENCODING", previous)
    os.remove(str(tmp_path / "names.cpg"))
    with open(str(tmp_path / "names.dbf"), "r+b") as dbf:
        dbf.seek(29)
        dbf.write(b"\x00")
    assert detect_encoding(shp) == ("GBK", "content")
