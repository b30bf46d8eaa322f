"""The check report as a workbook through GDAL's XLSX driver: Chinese headers, sheet names ≤ 31 characters.

Sheets: 汇总 (every rule), 问题清单 (every finding with its decision), 指标 (indicators), 结论与记录
(conclusion and run record) and, where rules share a note in their 说明, 注 (the notes). A text longer than a
cell holds (Excel: 32 767 characters) is cut, visibly.
"""
from ..review.layout import SEVERITY_ZH
from .citation import citation_zh, status_zh, when_zh
from .report_data import COMPARE_ZH, MU_PER_M2, indicator_conclusion_text
from .report_html import conclusion_text, notes_text, run_record, title
from .report_units import HEADERS as UNIT_HEADERS
from .report_units import general_rows, unit_rows
from .xlsx import INTEGER, REAL, TEXT, add_sheet, new_workbook, set_widths


def _mu(m2):
    return None if m2 is None else round(m2 * MU_PER_M2, 2)


def _round(value, decimals=2):
    return None if value is None else round(value, decimals)


def summary_rows(report, notes):
    """Every rule, one row each; a note it shares with others (`notes`) as '见注 n' (the sheet 注 holds them)."""
    for rule in report.rules:
        area = report.rule_area_m2(rule)
        yield [rule["rule_id"], rule.get("title") or "", rule.get("clause") or "",
               citation_zh(rule.get("clause_source")) if rule.get("clause_source") else "",
               status_zh(rule.get("clause_status")), report.status_zh(rule), report.rule_count(rule), _round(area), _mu(area),
               report.rule_reason(rule, notes)]


def finding_rows(report):
    for index, finding in enumerate(report.findings, 1):
        decision = report.decision(finding)
        decided = [decision.reason, decision.approval_no, decision.reviewer, when_zh(decision.decided_at)] \
            if decision is not None else ["", "", "", ""]
        area = report.finding_area_m2(finding)
        yield [index, finding["rule_id"], finding.get("rule_title") or "",
               SEVERITY_ZH.get(finding["severity"], finding["severity"]), report.parcel(finding),
               finding.get("plan_code") or "", _round(area), _mu(area), finding.get("message") or "",
               report.decision_zh(finding)] + decided + [finding.get("finding_id") or "",
                                                         _round(finding.get("x"), 3), _round(finding.get("y"), 3)]


def indicator_rows(report):
    for row in general_rows(report):                  # a detailed plan's unit rows: their own sheet
        allocated, planned = row.get("allocated_m2"), row.get("planned_m2")
        yield [row.get("village_code") or "", row.get("indicator") or "", COMPARE_ZH.get(row.get("compare"), row.get("compare") or ""),
               _round(allocated / 10000.0 if allocated is not None else None, 4), _mu(allocated),
               _round(planned / 10000.0 if planned is not None else None, 4), _mu(planned),
               _round(row.get("difference_m2")), indicator_conclusion_text(row),
               row.get("note") or ""]


def write_report_xlsx(report, path):
    dataset = new_workbook(path)
    notes = report.shared_notes()
    widths = []

    def sheet(name, columns, rows):
        widths.append(add_sheet(dataset, name, columns, rows))
    sheet("汇总", [("编号", TEXT), ("规则", TEXT), ("依据条款", TEXT), ("条款出处", TEXT), ("出处可靠性", TEXT),
                 ("结论", TEXT), ("问题数", INTEGER), ("面积（平方米）", REAL), ("面积（亩）", REAL), ("说明", TEXT)],
          summary_rows(report, notes))
    sheet("问题清单", [("序号", INTEGER), ("规则编号", TEXT), ("规则", TEXT), ("级别", TEXT), ("图斑", TEXT),
                   ("用地代码", TEXT), ("面积（平方米）", REAL), ("面积（亩）", REAL), ("问题说明", TEXT),
                   ("审查意见", TEXT), ("理由", TEXT), ("批复文号", TEXT), ("审查人", TEXT),
                   ("审查时间", TEXT), ("问题编号", TEXT), ("X", REAL), ("Y", REAL)],
          finding_rows(report))
    sheet("指标", [("村代码", TEXT), ("指标", TEXT), ("要求", TEXT), ("下达（公顷）", REAL), ("下达（亩）", REAL),
                 ("规划（公顷）", REAL), ("规划（亩）", REAL), ("差值（平方米）", REAL), ("结论", TEXT), ("说明", TEXT)],
          indicator_rows(report))
    if unit_rows(report):
        sheet("单元指标传导", [(h, REAL if h in ("下达", "规划") else TEXT) for h in UNIT_HEADERS], unit_rows(report))
    record = [("报告", title(report)), ("核对结论", report.verdict)]
    record += [("", line) for line in conclusion_text(report)] + run_record(report)
    sheet("结论与记录", [("项目", TEXT), ("内容", TEXT)], ([k, str(v or "")] for k, v in record))
    if notes:                                          # the notes under the PDF's rules table
        sheet("注", [("注", TEXT), ("规则", TEXT), ("说明", TEXT)], notes_text(notes))
    dataset = None                                     # closing the dataset writes the file
    set_widths(path, widths)
