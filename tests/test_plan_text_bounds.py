"""Codes and names read from a plan reach findings bounded (issue 18 red team #8, engine side): a 1 MB code is
carried as its first 99 characters and '…', not into every message, findings file and report; a BSM of up to
MAX_TEXT characters is kept whole; a BSM of invalid UTF-8 is read (it was a UnicodeDecodeError on the Arrow path)."""
import shutil

from osgeo import ogr

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.check.reading import MAX_TEXT


def test_a_megabyte_code_and_long_labels_are_cut_with_a_visible_mark_and_short_ones_kept(qgis_app, tmp_path):
    plan = str(tmp_path / "long_text.gpkg")
    shutil.copy(sample("village_conflicts.gpkg"), plan)
    dataset = ogr.Open(plan, 1)              # (GDAL: the GeoPackage's triggers call its SQL functions)
    for statement in ("UPDATE GHDLTB SET GHDLBM = hex(zeroblob(500000)) WHERE fid = 2",      # a million '0'
                      "UPDATE GHDLTB SET GHDLBM = '9999', BSM = '{}' WHERE fid = 3".format("B" * MAX_TEXT),
                      "UPDATE GHDLTB SET GHDLBM = '9998', BSM = '{}' WHERE fid = 4".format("C" * (MAX_TEXT + 1)),
                      "UPDATE GHDLTB SET GHDLBM = '9997', BSM = CAST(X'41EDA08042' AS TEXT) WHERE fid = 5"):
        dataset.ExecuteSQL(statement)
    dataset = None
    unknown_code = {f.plan_fid: f for f in verify(plan, sample("township_onemap.gpkg")).findings
                    if f.rule_id == "ATT-01" and f.plan_layer == "GHYDYH"}
    assert unknown_code[2].plan_code == "0" * (MAX_TEXT - 1) + "…" and len(unknown_code[2].message) < 3 * MAX_TEXT
    assert "0" * (MAX_TEXT - 1) + "…" in unknown_code[2].message
    assert (unknown_code[3].plan_label, unknown_code[3].plan_code) == ("B" * MAX_TEXT, "9999")
    assert unknown_code[4].plan_label == "C" * (MAX_TEXT - 1) + "…"
    assert unknown_code[5].plan_label == "A\ufffd\ufffd\ufffdB"
