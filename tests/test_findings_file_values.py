"""What a findings file someone else hands the reviewer holds is checked where it is read (issue 18's red
team, items 4, 5, 8, 11 and the tracebacks): the report never says 通过 on a file that contradicts itself,
an invisible reason is no reason, a 1 MB label cannot take the PDF into gigabytes, bidi marks do not
reorder figures, and damaged values are refused with a message naming them — in the report, the browser,
the map sheets and PREVIOUS alike (one reader: core.review.readback)."""
import sys
import unicodedata

import pytest

from conftest import sample
from export_helpers import pdf_engine, pdf_text  # noqa: F401 — pdf_engine: both ways to the PDF
from hostile_findings import (ONEMAP, PLAN, checked, copy, decide, error_ids, execute, findings,  # noqa: F401
                              nan_polygon, rows, set_geometry, truncated_polygon)
from plugin.core.check import engine
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.export.report import export_report
from plugin.core.export.report_data import read_report
from plugin.core.export.text import CUT, plain, shows
from plugin.core.review import decisions
from plugin.core.review.reader import Review


def accept_all_errors(path):
    for finding_id in error_ids(path):
        decide(path, finding_id)


# -- item 4: a severity is exactly error, warning or info
@pytest.mark.parametrize("severity", ["Error", "error ", "ERROR", "错误", "", 42])
def test_a_severity_outside_the_three_refuses_the_file_naming_the_row(findings, severity):
    """'Error' / 'error ' made the report count 0 errors and say 通过 while listing the rows."""
    fid = rows(findings, "SELECT min(fid) FROM findings WHERE severity = 'error'")[0][0]
    execute(findings, lambda db: db.execute("UPDATE findings SET severity = ? WHERE fid = ?", (severity, fid)))
    for reader in (read_report, Review):
        with pytest.raises(OneMapError) as refused:
            reader(findings)
        assert "findings 表第 {} 行".format(fid) in refused.value.zh and "severity" in refused.value.zh


def test_a_rule_status_outside_those_onemap_writes_refuses_the_file(findings):
    execute(findings, "UPDATE rules SET status = 'weird' WHERE rule_id = 'CL-01';")
    with pytest.raises(OneMapError, match="rules 表第 .* 行（CL-01）的 status"):
        read_report(findings)


@pytest.mark.parametrize("column, value, said", [
    ("area_m2", "abc", "不是数值"), ("x", "left", "不是数值"), ("plan_fid", "nine", "不是整数"),
    ("message", b"\x00\xffA", "不是文本"), ("area_m2", float("inf"), "不是数值")])
def test_a_value_of_the_wrong_type_refuses_the_file_naming_table_row_and_column(findings, column, value, said):
    """`area_m2` stored as text was a TypeError in the browser."""
    execute(findings, lambda db: db.execute("UPDATE findings SET {} = ? WHERE fid = 2".format(column), (value,)))
    for reader in (read_report, Review):
        with pytest.raises(OneMapError) as refused:
            reader(findings)
        assert "findings 表第 2 行 {} 列".format(column) in refused.value.zh and said in refused.value.zh


# -- item 4b: a file that contradicts itself never passes
def test_error_rows_deleted_make_the_verdict_undecided_not_passed(findings, tmp_path):
    """The red team deleted the error rows and left the rules table: 通过 beside "未通过 11 条"."""
    execute(findings, "DELETE FROM findings WHERE severity = 'error';")
    report = read_report(findings)
    assert not report.passed and report.verdict == "无法判定"
    assert report.basis().startswith("依据：核对结果文件前后不一致，可能被改动：运行记录记错误 11 个，文件中为 0 个")
    assert "规则 GEO-01 记为“未通过”、问题 1 个，问题清单中为 0 个" in report.basis() and "等 " in report.basis()
    export_report(findings, str(tmp_path / "r.html"))
    html = open(str(tmp_path / "r.html"), encoding="utf-8").read()
    assert "核对结论：<span class='fail'>无法判定</span>" in html
    assert Review(findings).summary().startswith("核对结果文件前后不一致（可能被改动）")
    from plugin.core.lifecycle.verdict import read_check
    zh, _en = read_check(findings).refusal()
    assert "结论为无法判定" in zh and "文件前后不一致" in zh


@pytest.mark.parametrize("sql, said", [
    ("UPDATE run SET errors = 0;", "运行记录记错误 0 个，文件中为 11 个"),
    ("UPDATE findings SET severity = 'warning' WHERE severity = 'error';", "运行记录记错误 11 个，文件中为 0 个"),
    ("UPDATE rules SET status = 'passed', findings = 0 WHERE rule_id = 'CL-01';", "规则 CL-01 记为“通过”"),
    ("DELETE FROM rules WHERE rule_id = 'CL-05';", "规则表未列的规则 CL-05"),
])
def test_each_contradiction_is_named_and_keeps_the_report_from_passing(findings, sql, said):
    accept_all_errors(findings)                      # every error decided: the file would pass
    execute(findings, sql)
    report = read_report(findings)
    assert report.verdict == "无法判定" and said in report.basis()


def test_consistent_files_are_judged_as_before(checked, findings):
    for name, onemap in (("village_clean.gpkg", ONEMAP), ("detailed_plan.gpkg", "detailed_onemap.gpkg")):
        output = findings.replace("findings.gpkg", name)
        verify(sample(name), sample(onemap), output=output)
        assert read_report(output).problems == []
    assert read_report(output.replace("detailed_plan", "village_clean")).verdict == "通过"
    assert read_report(checked).verdict == "不通过"
    accept_all_errors(findings)
    assert read_report(findings).verdict == "通过"


def test_a_live_recheck_keeps_the_file_consistent(tmp_path):
    """The live re-check moves the rules' and the run's counts with the rows it replaces."""
    from qgis.core import QgsVectorLayer

    from plugin.core.check.recheck import Recheck
    plan = copy(sample(PLAN), tmp_path / PLAN)
    output = str(tmp_path / "f.gpkg")
    verify(plan, sample(ONEMAP), output=output)
    checker = Recheck(plan, sample(ONEMAP))
    layer = QgsVectorLayer("{}|layername=GHDLTB".format(plan), "p", "ogr")
    for fid in (1, 2, 3):
        checker.apply(output, fid, [])                           # parcels deleted: their findings go
    report = read_report(output)
    assert report.problems == [] and report.counts["error"] < 11
    checker.apply(output, 1, checker.check(layer.getFeature(1)))  # and come back
    assert read_report(output).problems == []


# -- item 5: a reason that prints nothing is no reason
INVISIBLE = ["\u200b", "\u3164", "\u115f", "\u1160", "\uffa0", "\u200e\u200f", "\u2800", "\u3000", "\ufeff",
             "\u00ad", "\u0301", "\U000e0041", "\u200b\u3164 \u2060", "\u202e"]


@pytest.mark.parametrize("text", INVISIBLE, ids=lambda text: "+".join("U+{:04X}".format(ord(c)) for c in text))
def test_an_invisible_reason_or_approval_number_is_missing(text):
    lacks = decisions.missing("accepted", text, text)
    assert len(lacks) == 2 and "理由" in lacks[0][0] and "批复文号" in lacks[1][0]
    assert ("不显示的字符" in lacks[0][0]) == bool(text.strip())        # blanks alone: simply missing
    with pytest.raises(OneMapError):
        decisions.make("abc", "false_positive", text)
    assert not shows(text)


def test_visible_text_with_invisible_characters_in_it_is_a_reason():
    assert decisions.missing("accepted", "\u200b省重点项目\u200b", "晋政函〔2024〕\u200e12号") == []
    assert decisions.make("abc", "accepted", "理由", "1号", reviewer="\u200b").reviewer != "\u200b"   # the user


def test_invisible_decisions_written_past_the_dialog_do_not_pass(findings):
    """The red team's file: every error 已认可例外 with reason U+200B and 批复文号 U+3164 — 通过 with a blank
    批复文号 column. Now they are read as 需复核, saying why."""
    for finding_id in error_ids(findings):
        decide(findings, finding_id, reason="\u200b", approval_no="\u3164\u200b")
    report = read_report(findings)
    assert report.verdict == "不通过" and report.count("error", "review") == 11
    first = next(f for f in report.findings if f["severity"] == "error")
    assert "不显示的字符" in report.decision_zh(first)


def test_the_dialog_refuses_an_invisible_reason(qgis_iface, findings):
    from plugin.gui.decision_dialog import DecisionDialog
    finding = Review(findings).findings[0]
    dialog = DecisionDialog(finding)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("accepted"))
    dialog.reason_edit.setPlainText("\u200b")
    dialog.approval_edit.setText("\u3164")
    dialog.accept()
    said = dialog.error.text()                           # in the language QGIS runs in
    assert dialog.decision is None and ("理由" in said or "reason" in said) and "批复文号" in said
    dialog.reason_edit.setPlainText("省重点项目无法避让")
    dialog.approval_edit.setText("晋政函〔2024〕12号")
    dialog.accept()
    assert dialog.decision is not None


# -- items 8 and 11: texts are bounded and plain
def test_plain_removes_every_format_and_control_character():
    """Bidi marks (U+200E, U+200F, U+061C) printed '‏12‏34' as 3412: every character of Unicode's Cf and every
    control but tab and line break goes; CJK, punctuation and spaces stay."""
    removed = [chr(c) for c in range(sys.maxunicode + 1)
               if unicodedata.category(chr(c)) == "Cf" or (unicodedata.category(chr(c)) == "Cc" and chr(c) not in "\t\n")]
    assert len(removed) > 200 and plain("".join(removed)) == ""
    assert plain("\u200f12\u200f34") == "1234" and plain("〔\u200f2023\u200f2024〕") == "〔20232024〕"
    kept = "晋政函〔2024〕12号 A-1\t第二行\n"
    assert plain(kept) == kept


def test_a_message_read_back_plain_and_cut_still_matches_the_finding_it_was_written_from():
    """PREVIOUS is read plain and bounded: a message with a zero-width space or beyond TEXT_MAX (a plan's own
    label in it) is still the same finding's wording, so its decision is carried over, not dropped."""
    from plugin.core.review.readback import TEXT_MAX
    for message in ("要素 BSM\u200b0012 几何无效", "要素 " + "界" * (TEXT_MAX + 50) + " 没有几何图形"):
        stored = plain(message)[:TEXT_MAX - len(CUT)] + CUT if len(plain(message)) > TEXT_MAX else plain(message)
        assert decisions._key("GEO-01", "GHDLTB", "", message) == decisions._key("GEO-01", "GHDLTB", "", stored)
    assert decisions._key("GEO-01", "GHDLTB", "", "要素 1 几何无效") != decisions._key("GEO-01", "GHDLTB", "", "要素 1 没有几何图形")


def test_bidi_marks_do_not_reorder_the_printed_report(findings, tmp_path, pdf_engine):
    fid, finding_id = rows(findings, "SELECT fid, finding_id FROM findings WHERE rule_id = 'CL-01'")[0]
    execute(findings, lambda db: db.execute("UPDATE findings SET plan_label = ? WHERE fid = ?", ("\u200f12\u200f34", fid)))
    decide(findings, finding_id, approval_no="自然资函〔\u200f2023\u200f2024〕号")
    export_report(findings, str(tmp_path / "r.pdf"))
    text = pdf_text(str(tmp_path / "r.pdf"))
    flat = "".join(text.split())
    assert "1234" in flat and "〔20232024〕" in flat and "\u200f" not in text


def test_a_1_mb_label_message_and_code_are_cut_visibly_in_every_format(findings, tmp_path, pdf_engine):
    """A 1 MB label took the PDF export past 2.5 GB of memory (killed); every text is now cut at 1 000
    characters with "…（截断）" where it is read."""
    fid = rows(findings, "SELECT min(fid) FROM findings WHERE severity = 'error'")[0][0]
    execute(findings, lambda db: db.execute("UPDATE findings SET plan_label = ?, message = ?, plan_code = ? WHERE fid = ?",
                                            ("界" * 1_000_000, "长" * 1_000_000, "0" * 1_000_000, fid)))
    for extension in ("html", "xlsx", "pdf"):
        export_report(findings, str(tmp_path / "r.{}".format(extension)))
    html = open(str(tmp_path / "r.html"), encoding="utf-8").read()
    assert html.count(CUT) == 2 and "界" * 995 in html and "界" * 1000 not in html and len(html) < 200_000
    text = "".join(pdf_text(str(tmp_path / "r.pdf")).split())
    assert "…（截断）" in text and "长" * 1000 not in text


# -- the tracebacks: damaged values are said, naming them
def test_a_truncated_geometry_is_said_by_report_browser_and_sheets(findings, tmp_path):
    damaged = set_geometry(findings, truncated_polygon())
    with pytest.raises(OneMapError) as refused:
        read_report(findings)
    assert damaged in refused.value.zh and "几何数据不完整" in refused.value.zh
    review = Review(findings)                                     # opens: parts are read when clicked
    finding = next(f for f in review.findings if f.finding_id == damaged)
    with pytest.raises(OneMapError, match=damaged):
        finding.geometry                                          # noqa: B018 — the click
    from plugin.core.export.mapsheets import export_mapsheets
    with pytest.raises(OneMapError, match=damaged):
        export_mapsheets(sample(PLAN), sample(ONEMAP), str(tmp_path / "sheets"), findings_path=findings)


def test_a_geometry_with_nan_coordinates_is_refused(findings):
    damaged = set_geometry(findings, nan_polygon())
    with pytest.raises(OneMapError, match=damaged):
        read_report(findings)


def test_a_crs_naming_a_network_grid_is_refused_where_it_is_used(findings, tmp_path):
    """The report does not need the findings' CRS and is written; the browser and the map sheets do and say so."""
    execute(findings, "UPDATE gpkg_spatial_ref_sys SET organization = 'NONE', organization_coordsys_id = 999999, "
            "definition = 'PROJCS[\"x\",GEOGCS[\"y\",DATUM[\"z\",SPHEROID[\"GRS\",6378137,298.257222101],"
            "EXTENSION[\"PROJ4_GRIDS\",\"@http://127.0.0.1:8765/grid.tif\"]],PRIMEM[\"Greenwich\",0],"
            "UNIT[\"degree\",0.0174532925199433]],PROJECTION[\"Transverse_Mercator\"],UNIT[\"metre\",1]]' "
            "WHERE srs_id = (SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'findings');")
    assert export_report(findings, str(tmp_path / "r.html")).verdict == "不通过"
    with pytest.raises(OneMapError, match="外部格网"):
        Review(findings)
    from plugin.core.export.mapsheets import export_mapsheets
    with pytest.raises(OneMapError, match="外部格网"):
        export_mapsheets(sample(PLAN), sample(ONEMAP), str(tmp_path / "sheets"), findings_path=findings)


def test_deeply_nested_villages_fall_back_to_the_findings_villages(findings):
    """`run.villages` nested 200 000 deep was a RecursionError in the report and the map sheets."""
    execute(findings, "UPDATE run SET villages = '{}';".format("[" * 200000))
    assert read_report(findings).villages == ["杜村"]


@pytest.mark.parametrize("damage", [truncated_polygon, nan_polygon])
def test_previous_with_a_damaged_decided_part_fails_before_the_check(findings, tmp_path, monkeypatch, damage):
    """A NaN or truncated part of a decided finding was a ValueError/RuntimeError after the whole check, with
    nothing written. Now PREVIOUS is refused before any rule runs, naming the finding."""
    damaged = set_geometry(findings, damage())
    decide(findings, damaged)

    def no_rules(*_args, **_kwargs):
        raise AssertionError("the rules ran")
    monkeypatch.setattr(engine, "run_rules", no_rules)
    with pytest.raises(OneMapError, match=damaged):
        verify(sample(PLAN), sample(ONEMAP), output=str(tmp_path / "new.gpkg"), previous=findings)


def test_a_decision_of_no_known_kind_is_to_confirm_in_the_report_as_in_the_panel(findings):
    """A row `decision = 'bogus<U+202E>'` written past the dialog: the panel counted it 需复核 while the report dropped
    it and the merge said 无效; now the report reads the same decisions and prints its kind plain."""
    first = error_ids(findings)[0]
    decide(findings, first, decision="bogus\u202e")
    report = read_report(findings)
    assert report.count("error", "review") == 1 and Review(findings).decision(
        next(f for f in Review(findings).findings if f.finding_id == first)).state == "review"
    said = report.decision_zh(next(f for f in report.findings if f["finding_id"] == first))
    assert said.startswith("需复核（bogus；记录无效") and "\u202e" not in said
    assert report.verdict == "不通过"
