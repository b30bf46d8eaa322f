"""Source recognition: every sample, alias names, GBK shapefiles without .cpg, FileGDB, unknown layers."""
import os

import pytest
from osgeo import gdal

from conftest import sample
from plugin.core.errors import OneMapError
from plugin.core.read.sources import open_source, recognition_lines, source_hash

gdal.UseExceptions()


def translate(src, dst, fmt, layer, new_name, options=()):
    # QGIS's OGR provider may have set SHAPE_ENCODING process-wide; let ENCODING= decide here.
    previous = gdal.GetConfigOption("SHAPE_ENCODING")
    gdal.SetConfigOption("SHAPE_ENCODING", None)
    try:
        gdal.VectorTranslate(dst, src, format=fmt, layers=[layer], layerName=new_name,
                             accessMode="append" if os.path.exists(dst) and fmt != "ESRI Shapefile" else None,
                             layerCreationOptions=list(options))
    finally:
        gdal.SetConfigOption("SHAPE_ENCODING", previous)


def test_township_one_map_is_recognised():
    source = open_source(sample("township_onemap.gpkg"))
    assert source.format == "gpkg"
    assert source.guess_kind() == "onemap"
    assert set(source.recognised) == {"YJJBNTBHTB", "CZKFBJ", "LSWHBHX", "GHFQ", "CJDCQ", "CJZBFJ"}
    assert source.unknown == []
    assert source.missing("onemap") == ["STBHHX", "XZQ"]        # the township has no red line
    assert source.get("CJDCQ").count == 23                     # 21 villages + 2 communities
    assert source.get("CJZBFJ").fields == {"XZQDM": "XZQDM", "ZBMC": "ZBMC", "ZBZ": "ZBZ", "DW": "DW"}


def test_county_one_map_is_recognised():
    source = open_source(sample("county_onemap.gpkg"))
    assert set(source.recognised) == {"XZQ", "STBHHX", "YJJBNTBHTB", "CZKFBJ", "LSWHBHX", "GHFQ"}
    assert source.get("XZQ").count == 5


@pytest.mark.parametrize("name", ["village_clean.gpkg", "village_conflicts.gpkg"])
def test_village_plans_resolve_aliases(name):
    source = open_source(sample(name))
    assert source.guess_kind() == "village"
    landuse = source.get("GHYDYH")
    assert landuse.name == "GHDLTB" and landuse.matched_by == "name"
    assert landuse.fields == {"YDYHFLDM": "GHDLBM", "YDYHFLMC": "GHDLMC"}
    assert source.get("YJJBNTBHTB").name == "永久基本农田"
    assert source.missing("village") == ["GKBJ", "JQDLTB", "GHZBB"]      # of the real village database


def test_gbk_shapefile_folder_without_cpg(tmp_path):
    folder = tmp_path / "杜村村庄规划"
    folder.mkdir()
    src = sample("village_conflicts.gpkg")
    for layer, name in (("GHDLTB", "规划地类图斑"), ("CJDCQ", "村级调查区"), ("永久基本农田", "永久基本农田")):
        translate(src, str(folder / (name + ".shp")), "ESRI Shapefile", layer, name, ["ENCODING=CP936"])
        os.remove(folder / (name + ".cpg"))
        with open(folder / (name + ".dbf"), "r+b") as dbf:     # clear the language driver id too
            dbf.seek(29)
            dbf.write(b"\x00")
    source = open_source(str(folder))
    assert source.format == "shp"
    landuse = source.get("GHYDYH")
    assert landuse.name == "规划地类图斑"
    assert (landuse.encoding, landuse.encoding_how) == ("GBK", "content")
    names = {f["GHDLMC"] for f in source.open_layer("GHYDYH").getFeatures()}
    assert {"农村宅基地", "村庄内部道路用地", "乔木林地"} <= names
    assert source.get("CJDCQ").name == "村级调查区"
    village = next(source.open_layer("CJDCQ").getFeatures())
    assert village["XZQMC"] == "杜村"


def test_filegdb_with_alias_names_and_an_unknown_layer(tmp_path):
    gdb = str(tmp_path / "一张图.gdb")
    src = sample("township_onemap.gpkg")
    translate(src, gdb, "OpenFileGDB", "YJJBNTBHTB", "YJJBNT")
    translate(src, gdb, "OpenFileGDB", "CZKFBJ", "城镇开发边界")
    translate(src, gdb, "OpenFileGDB", "CJDCQ", "ANNO_TEXT")            # fields XZQDM/XZQMC/CZFL
    translate(src, gdb, "OpenFileGDB", "LSWHBHX", "ZJ")                 # no telling fields
    source = open_source(gdb)
    assert source.format == "gdb"
    assert source.get("YJJBNTBHTB").name == "YJJBNT"
    assert source.get("CZKFBJ").name == "城镇开发边界"
    assert source.get("CJDCQ").name == "ANNO_TEXT" and source.get("CJDCQ").matched_by == "fields"
    assert [u.name for u in source.unknown] == ["ZJ"]
    text = "\n".join(recognition_lines(source))
    assert "ZJ" in text and "缺少 missing: STBHHX" in text


def test_duplicate_and_wrong_geometry_are_reported(tmp_path):
    gpkg = str(tmp_path / "plan.gpkg")
    src = sample("village_clean.gpkg")
    translate(src, gpkg, "GPKG", "GHDLTB", "GHDLTB")
    translate(src, gpkg, "GPKG", "GHDLTB", "GHYDYH")
    gdal.VectorTranslate(gpkg, src, format="GPKG", accessMode="append", layers=["CJDCQ"],
                         layerName="CJDCQ", geometryType="MULTILINESTRING",
                         SQLStatement="SELECT ST_Boundary(geom) AS geom, XZQDM FROM CJDCQ", SQLDialect="SQLite")
    source = open_source(gpkg)
    problems = {u.name: u.problem for u in source.unknown}
    assert "GHDLTB" in problems["GHYDYH"] and "重复" in problems["GHYDYH"]
    assert "line" in problems["CJDCQ"]


def test_unusable_sources_raise_clear_errors(tmp_path):
    with pytest.raises(OneMapError) as missing:
        open_source(str(tmp_path / "nope.gpkg"))
    assert "nope.gpkg" in missing.value.zh and "not found" in missing.value.en
    bad = tmp_path / "broken.gpkg"
    bad.write_bytes(b"not a geopackage")
    with pytest.raises(OneMapError) as broken:
        open_source(str(bad))
    assert "broken.gpkg" in str(broken.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(OneMapError):
        open_source(str(tmp_path / "empty"))


def test_source_hash_is_stable_and_content_based(tmp_path, sample_copy):
    path = sample_copy("village_clean.gpkg")
    assert source_hash(path) == source_hash(sample("village_clean.gpkg"))


def test_gbk_shapefile_whose_cpg_says_utf8_is_read_as_gbk(tmp_path):
    """A .cpg saying UTF-8 over GBK bytes (a common mislabel): detected from the content, with a note,
    instead of garbled names and an ATT-01 finding on every parcel."""
    from plugin.core.check.engine import verify
    folder = tmp_path / "杜村村庄规划"
    folder.mkdir()
    src = sample("village_conflicts.gpkg")
    for layer, name in (("GHDLTB", "规划地类图斑"), ("CJDCQ", "村级调查区")):
        translate(src, str(folder / (name + ".shp")), "ESRI Shapefile", layer, name, ["ENCODING=CP936"])
        (folder / (name + ".cpg")).write_text("UTF-8")
    source = open_source(str(folder))
    landuse = source.get("GHYDYH")
    assert landuse.encoding == "GBK" and "UTF-8" in landuse.encoding_how
    assert {"农村宅基地", "村庄内部道路用地"} <= {f["GHDLMC"] for f in source.open_layer("GHYDYH").getFeatures()}
    assert "编码 GBK（content; the .cpg says UTF-8）" in "\n".join(recognition_lines(source, chinese=True))
    result = verify(str(folder), sample("township_onemap.gpkg"))
    att = [f for f in result.findings if f.rule_id == "ATT-01"]
    assert len(att) <= 2 and all("乔木林地" not in f.message for f in att), [f.message for f in att]


def test_a_true_utf8_cpg_is_kept(tmp_path):
    from plugin.core.read.dbf import detect_encoding
    translate(sample("village_conflicts.gpkg"), str(tmp_path / "a.shp"), "ESRI Shapefile", "GHDLTB", "a",
              ["ENCODING=UTF-8"])
    assert detect_encoding(str(tmp_path / "a.shp")) == ("UTF-8", "cpg")
