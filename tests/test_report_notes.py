"""The check report says a note several rules share once, under the rules table, in the PDF, the HTML and the
workbook alike; each of those rules' 说明 refers to it (read back: pdftotext, the HTML, GDAL)."""
import re

import pytest

from conftest import sample
from export_helpers import pdf_text, sheet_rows

NOTE = "1 个用途无法识别的地块（代码 R2）未参与本规则核对，见 ATT-01"    # the sample's R2 parcel, not examined
DEFERRED = ("1 个地块（A07-02）已由 DP-01 报告，本规则不重复列出；"             # DP-05's own parts of its 说明
            "1 个地块（B07-01）已由 DP-04 报告，本规则不重复列出")
SKIPPED = ["CL-01", "CL-03", "CL-04", "DP-01", "DP-04", "DP-05", "DP-03", "DP-02", "ZONE-01", "ZONE-02", "ZONE-03",
           "CL-09", "SX-01", "SX-02", "SX-03", "SX-04", "SX-05"]                 # every rule choosing parcels by code


@pytest.fixture(scope="module")
def reports(tmp_path_factory, qgis_app):
    from plugin.core.check.engine import verify
    from plugin.core.export.report import export_report
    folder = tmp_path_factory.mktemp("report_notes")
    findings = str(folder / "findings.gpkg")
    verify(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"), output=findings)
    for extension in ("pdf", "html", "xlsx"):
        export_report(findings, str(folder / ("report." + extension)))
    return folder


def test_the_pdf_says_the_note_once_under_the_rules_table(reports):
    text, note = "".join(pdf_text(reports / "report.pdf").split()), "".join(NOTE.split())    # (spaces as laid out)
    assert text.count(note) == 1 and text.count("见注1") == len(SKIPPED) and text.count("".join(DEFERRED.split())) == 1
    from plugin.core.export.report_data import read_report
    from plugin.core.export.report_html import title
    footer = re.escape("".join(title(read_report(str(reports / "findings.gpkg"))).split())) + r"第\d+页共\d+页"
    rules = re.sub(footer, "", text[text.index("二、规则核对情况"):text.index("三、约束性指标")])
    assert rules.endswith("注1（{}，共{}条规则）：{}".format("、".join(SKIPPED), len(SKIPPED), note))
                                             # under the table, before section 三 (a page's footer may come between)


def test_the_html_says_it_once_and_each_rule_refers_to_it(reports):
    page = (reports / "report.html").read_text(encoding="utf-8")
    assert page.count(NOTE) == 1
    rows = dict(re.findall(r"<tr><td>([A-Z]+-\d+)</td>.*?<td>([^<]*)</td></tr>", page))
    assert sorted(rule for rule, said in rows.items() if said.split("；")[0] == "见注 1") == sorted(SKIPPED)
    assert rows["DP-05"] == "见注 1；" + DEFERRED                       # a 说明 of two parts: the shared one noted
    assert rows["CL-02"] == "一张图中没有图层 STBHHX"                       # a rule's own reason stays in its row
    assert "<p class='small'>注 1（CL-01、CL-03" in page


def test_the_workbook_keeps_a_row_per_rule_and_the_note_in_its_sheet(reports):
    rows = sheet_rows(reports / "report.xlsx", "汇总")
    said = {row["编号"]: row["说明"] for row in rows}
    assert sorted(rule for rule, text in said.items() if (text or "").split("；")[0] == "见注 1") == sorted(SKIPPED)
    assert said["DP-05"] == "见注 1；" + DEFERRED
    assert NOTE not in said.values() and len(rows) == len(said)                  # one row per rule, nothing else
    assert sheet_rows(reports / "report.xlsx", "注") == [
        {"注": "注 1", "规则": "{}，共 {} 条规则".format("、".join(SKIPPED), len(SKIPPED)), "说明": NOTE}]


def test_only_a_note_rules_that_ran_share_is_moved(qgis_app):
    """Shared by two rules that ran: a note; said by one rule only, or the reason rules did not run: in the row."""
    from plugin.core.export.report_data import Report
    rules = [{"rule_id": "A-1", "status": "passed", "reason": "x 未参与"},
             {"rule_id": "A-2", "status": "failed", "reason": "x 未参与"},
             {"rule_id": "A-3", "status": "failed", "reason": "y 未参与"},
             {"rule_id": "B-1", "status": "not_applicable", "reason": "没有图层"},
             {"rule_id": "B-2", "status": "not_applicable", "reason": "没有图层"}]
    report = Report(path="", run={}, rules=rules, indicators=[], findings=[])
    notes = report.shared_notes()
    assert notes == [("x 未参与", ["A-1", "A-2"])]
    assert [report.rule_reason(rule, notes) for rule in rules] == ["见注 1", "见注 1", "y 未参与", "没有图层", "没有图层"]
