"""Where a printed line of Chinese may end (core/export/line_breaks.py) and how sheet 04's 问题清单 shares its
width among its columns (sheet_layout.share_width): no QGIS needed, one character one unit wide."""
import pytest

from plugin.core.export.line_breaks import balanced_lines, break_lines, pieces


@pytest.mark.parametrize("text, expected", [
    ("用地用海代码须符合 2023 分类", ["用", "地", "用", "海", "代", "码", "须", "符", "合 ", "2023 分类"]),
    ("已认可例外", ["已认可例外"]),                                       # a word: never '已认可例' / '外'
    ("错误（需复核）", ["错误", "（需复核）"]),                             # brackets stay with their word
    ("其余 12 项见核对报告", ["其余 ", "12 项", "见", "核", "对", "报", "告"]),   # a number with what it counts
    ("村庄规划（2021—2035年）", ["村庄规划", "（2021—2035年）"]),
    ("CL-07 / 10,000 m²", ["CL-07 ", "/ ", "10,000 m²"]),
])
def test_pieces_are_what_a_line_never_breaks(text, expected):
    assert pieces(text) == expected and "".join(pieces(text)) == text


def test_lines_break_between_pieces_and_cut_only_a_piece_longer_than_the_line():
    assert break_lines("用地用海代码须符合 2023 分类", len, 10) == ["用地用海代码须符合", "2023 分类"]
    assert break_lines("ABCDEFGHIJKL", len, 5) == ["ABCDE", "FGHIJ", "KL"]


def test_balanced_lines_leave_no_ideograph_alone_on_the_last_line():
    assert break_lines("永久基本农田内规划为非耕地", len, 12) == ["永久基本农田内规划为非耕", "地"]
    assert balanced_lines("永久基本农田内规划为非耕地", len, 12) == ["永久基本农田内", "规划为非耕地"]
    assert balanced_lines("已认可例外", len, 12) == ["已认可例外"]


def test_columns_get_their_whole_text_the_least_wanting_first_and_the_sentence_the_rest():
    from plugin.core.export.sheet_layout import share_width
    narrowest, widest = [5, 8, 10, 11, 9], [5, 8, 30, 16, 9]
    assert share_width(narrowest, widest, 66) == [5, 8, 28, 16, 9]
    assert share_width(narrowest, [5, 8, 12, 12, 9], 92) == pytest.approx([10, 16, 24, 24, 18])
    assert share_width([10, 30], [10, 30], 20) == pytest.approx([5, 15])             # too narrow: as they are


@pytest.mark.parametrize("odd", ["https://example.com/" + "a" * 44, "VILLAGE-HOMESTEAD-AREA-LIMIT", "界" * 200])
def test_one_long_piece_does_not_squeeze_the_other_columns(qgis_app, odd):
    """A red team: a rule title holding a URL, a rule id of one's own or 200 characters without a break
    left the other columns 1–4 mm wide (序号 '1/0', 级别 '待/…') or 问题 9.7 mm. A column asks for a piece
    up to its template width and for its texts whole up to WIDEST_SHARE times that."""
    from qgis.core import QgsProject

    from plugin.core.export import sheet_layout
    from plugin.core.export.report_pdf import load_template
    layout = load_template("mapsheet_A3_portrait.qpt", QgsProject.instance())        # held: it owns the table
    table, _frame = sheet_layout.findings_table(layout)
    template = table.columnWidths()
    rows = [[str(n), "CL-01", "永久基本农田内规划为非耕地", "待处理", "1234.5 m²"] for n in range(1, 20)]
    rows += [["20", odd, odd, "待处理", "200.0 m²"]]
    sheet_layout.fit_columns(table, rows)
    wrapped = sheet_layout.wrap_cells(table, rows)
    assert [cell.replace("\n", "") for cell in wrapped[9]] == rows[9]             # every cell whole,
    assert not any("\n" in wrapped[9][n] for n in (0, 1, 3, 4))                   # the short ones on one line
    assert table.columnWidths()[2] >= 0.75 * template[2]
