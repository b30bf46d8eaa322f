"""The one XLSX writer (core/export/xlsx.py) the check report and the life cycle's workbooks (comparison,
trail) are written with: a text longer than Excel's cell is cut visibly, at the same place for both."""
import pytest

from export_helpers import sheet_rows
from plugin.core.errors import OneMapError
from plugin.core.export.xlsx import CELL_MAX, CUT, REAL, TEXT, write_workbook


def test_a_workbook_cuts_a_text_longer_than_a_cell_and_keeps_one_that_fits(tmp_path):
    fits, longer = "界" * CELL_MAX, "界" * (CELL_MAX + 1)
    path = write_workbook(str(tmp_path / "对比.xlsx"), [
        ("变化清单", [("说明", TEXT), ("面积（平方米）", REAL)],
         [["短", 1.5], [fits, 2.0], [longer, 3.0], [None, 4.0], ["", 5.0]])])
    rows = sheet_rows(path, "变化清单")
    assert [row["面积（平方米）"] for row in rows] == [1.5, 2.0, 3.0, 4.0, 5.0]
    assert rows[0]["说明"] == "短" and rows[1]["说明"] == fits                      # at the limit: whole
    assert len(rows[2]["说明"]) == CELL_MAX and rows[2]["说明"].endswith(CUT)      # one more: cut, visibly
    assert rows[3]["说明"] is None and rows[4]["说明"] is None                     # empty cells stay empty


def test_a_workbook_is_written_only_as_xlsx(tmp_path):
    with pytest.raises(OneMapError, match="xlsx"):
        write_workbook(str(tmp_path / "对比.csv"), [("说明", [("项目", TEXT)], [["a"]])])
    assert not (tmp_path / "对比.csv").exists()

