"""The one XLSX writer (core/export/xlsx.py) the check report and the life cycle's workbooks (comparison,
trail) are written with: a text longer than Excel's cell is cut visibly, at the same place for both."""
import os

import pytest

from export_helpers import sheet_rows
from plugin.core.errors import OneMapError
from plugin.core.export.xlsx import CELL_MAX, CUT, REAL, TEXT, WIDTH_MAX, write_workbook


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


def test_each_column_is_as_wide_as_its_widest_cell_an_ideograph_counting_two(tmp_path):
    from export_helpers import column_widths
    path = write_workbook(str(tmp_path / "表.xlsx"), [
        ("说明", [("项目", TEXT), ("内容", TEXT), ("面积（平方米）", REAL)],
         [["入库时间", "2026-12-07T23:35:05+08:00", 20000.0], ["说明", "界" * 100, 1.5]])])
    widths = column_widths(path, "说明")
    assert widths == {"项目": 8 + 2, "内容": WIDTH_MAX, "面积（平方米）": 14 + 2}      # 2 beside the widest
    assert sheet_rows(path, "说明")[0]["内容"] == "2026-12-07T23:35:05+08:00"       # the cells as they were


def test_a_workbook_is_written_only_as_xlsx(tmp_path):
    with pytest.raises(OneMapError, match="xlsx"):
        write_workbook(str(tmp_path / "对比.csv"), [("说明", [("项目", TEXT)], [["a"]])])
    assert not (tmp_path / "对比.csv").exists()



def test_a_workbook_that_fails_while_its_widths_are_set_leaves_nothing(tmp_path, monkeypatch):
    """(A red team: a full disk while the sheets were rewritten left `<temporary>.cols` for good.)"""
    from plugin.core.export import xlsx

    def full(*_args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(xlsx, "_with_cols", full)
    with pytest.raises(OneMapError):
        write_workbook(str(tmp_path / "表.xlsx"), [("说明", [("项目", TEXT)], [["a"]])])
    assert os.listdir(tmp_path) == []
