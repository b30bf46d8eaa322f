"""The check report as one HTML document: written as report.html and laid out into the PDF.

Every string from the findings file is escaped here and nowhere else: the document holds no script,
no image, no link and no expression (`[% … %]` is printed as it stands), and its Content-Security-Policy
forbids fetching anything should a reader (QtWebKit, a browser) find something to fetch.
"""
from html import escape

from ..read.plankind import plan_title
from ..review.layout import SEVERITY_ZH, STATUS_ZH
from . import fonts
from .citation import citation_zh, status_zh, when_zh
from .report_data import (COMPARE_ZH, INDICATOR_STATUS_ZH, MU_PER_M2, indicator_conclusion, indicator_css,
                          status_css)
from .report_units import general_rows, unit_section_html
from .ruleset_label import ruleset_label

# Lengths in px (1/96 inch): Qt's rich-text engine, which lays the report out where QGIS has no QtWebKit,
# reads no mm or pt in margins and paddings.
CSS_TEMPLATE = """
body { font-family: '%FONT%', 'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', sans-serif; font-size: 9pt; color: #111;
       word-wrap: break-word; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 8px 0; }
p.sub { text-align: center; margin: 0 0 19px 0; color: #333; white-space: pre-wrap; }
h2 { font-size: 12pt; margin: 23px 0 8px 0; border-bottom: 1px solid #444; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; page-break-inside: auto; }
table.findings { font-size: 8pt; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #777; padding: 4px 5px; vertical-align: top; word-wrap: break-word; }
th { background: #e8e8e8; font-weight: bold; }
td.n { text-align: right; }
td.c { white-space: nowrap; }
.pass { color: #176b2c; } .fail { color: #b00020; font-weight: bold; } .na { color: #666; }
.warn { color: #9a5200; font-weight: bold; }
.conclusion { font-size: 13pt; margin: 8px 0; }
.sign td { border: none; padding: 23px 8px 0 0; font-size: 11pt; }
.small { color: #444; font-size: 8pt; }
.basis { margin: 0 0 8px 0; }
"""


def css():
    """The report's style sheet, set in the export font installed here (fonts.family())."""
    return CSS_TEMPLATE.replace("%FONT%", fonts.family())


def number(value, decimals=2):
    return "" if value is None else "{:,.{}f}".format(value, decimals)


def mu(m2):
    return None if m2 is None else m2 * MU_PER_M2


# Content-Security-Policy: nothing is fetched or run, whatever a reader makes of the document.
POLICY = "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
APPROVAL_NOWRAP = 16          # a 批复文号 up to this long stays on one line (searchable whole); a longer one wraps


def _table(columns, rows, css=""):
    """A table of escaped cells (Markup cells are ours) in fixed columns. `columns`: (header, width in %,
    'n' for right-aligned figures or 'c' for a short word kept on one line). Any other text wraps, and
    anywhere if it must (a 38-character GUID label has no other place to break): no cell widens the table."""
    head = "".join('<th width="{}%">{}</th>'.format(width, escape(header)) for header, width, _align in columns)
    body = []
    for row in rows:
        cells = []
        for (header, _width, align), cell in zip(columns, row):
            text = cell if isinstance(cell, Markup) else escape(str(cell))
            if header == "批复文号":
                align = "c" if len(str(cell)) <= APPROVAL_NOWRAP else ""
            cells.append("<td{}>{}</td>".format(' class="{}"'.format(align) if align else "", text))
        body.append("<tr>{}</tr>".format("".join(cells)))
    return '<table width="100%" cellspacing="0" cellpadding="3"{}><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'.format(
        ' class="{}"'.format(css) if css else "", head, "".join(body))


class Markup(str):
    """Cell text that is already HTML."""


def _status(status, table=STATUS_ZH, qualifier="", css=None):
    """A status word in its colour; a qualifier (编辑前) on a line of its own, as the column is narrow and
    its words are kept whole (a desktop walk: 未通过（编辑前） ran over the 问题 count beside it)."""
    css = css or status_css(status)
    lines = escape(table.get(status, status or "")) + ("<br>" + escape("（{}）".format(qualifier)) if qualifier else "")
    return Markup('<span class="{}">{}</span>'.format(css, lines))


def title(report):
    return "{}一张图核对报告".format(plan_title(report.village, report.run.get("plan_kind")))


def conclusion_text(report):
    """The lines under the verdict: what it rests on, the findings counted as the panel counts them
    (decided ones apart), the rules by status. The same lines in every export."""
    rules = report.rules
    by_status = {s: sum(1 for r in rules if r["status"] == s) for s in STATUS_ZH}
    lines = [report.basis(), "问题：" + report.summary(),
             "共 {} 条规则：{} {} 条，{} {} 条，{} {} 条（未核对，原因见下表）{}".format(
            len(rules), STATUS_ZH["passed"], by_status["passed"], STATUS_ZH["failed"], by_status["failed"],
            STATUS_ZH["not_applicable"], by_status["not_applicable"],
            "，{} {} 条".format(STATUS_ZH["error"], by_status["error"]) if by_status["error"] else "")]
    return lines


def _rules_table(report):
    notes = report.shared_notes()
    rows = []
    for rule in report.rules:
        area = report.rule_area_m2(rule)
        clause = escape(rule.get("clause") or "")
        if rule.get("clause_source"):
            clause += '<br><span class="small">依据：{}{}</span>'.format(
                escape(citation_zh(rule["clause_source"])), escape(
                    "（{}）".format(status_zh(rule.get("clause_status"))) if status_zh(rule.get("clause_status")) else ""))
        rows.append([rule["rule_id"], rule.get("title") or "", Markup(clause),
                     _status(rule["status"], qualifier=report.status_qualifier(rule)),
                     report.rule_count(rule), number(area), number(mu(area)), report.rule_reason(rule, notes)])
    return _table([("编号", 10, ""), ("规则", 12, ""), ("依据条款", 31, ""), ("结论", 7, "c"), ("问题", 6, "n"),
                   ("面积 m²", 11, "n"), ("面积 亩", 8, "n"), ("说明", 15, "")], rows) + "".join(
        "<p class='small'>{}（{}）：{}</p>".format(*map(escape, line)) for line in notes_text(notes))


def notes_text(notes):
    """The notes under the rules table as (label, rules, note): ('注 1', 'CL-01、CL-03，共 2 条规则', '1 个用途无法识别的
    地块…') — the same in every export."""
    return [("注 {}".format(n), "{}，共 {} 条规则".format("、".join(ids), len(ids)), note)
            for n, (note, ids) in enumerate(notes, 1)]


def _indicator_table(report):
    rows = []
    for row in general_rows(report):                  # a detailed plan's unit rows: report_units.py
        allocated = row.get("allocated_m2")
        planned = row.get("planned_m2")
        rows.append([row.get("indicator") or "", COMPARE_ZH.get(row.get("compare"), ""),
                     number(allocated / 10000.0 if allocated is not None else None, 4), number(mu(allocated)),
                     number(planned / 10000.0 if planned is not None else None, 4), number(mu(planned)),
                     number(row.get("difference_m2")), _indicator_status(row), row.get("note") or ""])
    return _table([("指标", 13, ""), ("要求", 7, "c"), ("下达 公顷", 10, "n"), ("下达 亩", 10, "n"), ("规划 公顷", 10, "n"),
                   ("规划 亩", 10, "n"), ("差值 m²", 11, "n"), ("结论", 8, "c"), ("说明", 21, "")], rows)


def _indicator_status(row):
    """不符合 in red, or in amber with its severity beneath when the finding about it is a warning or a note."""
    return _status(row.get("status"), INDICATOR_STATUS_ZH, indicator_conclusion(row)[1], indicator_css(row))


def _findings_table(report):
    rows = []
    for index, finding in enumerate(report.findings, 1):
        decision = report.decision(finding)
        area = report.finding_area_m2(finding)
        rows.append([index, "{} {}".format(finding["rule_id"], finding.get("rule_title") or ""),
                     SEVERITY_ZH.get(finding["severity"], finding["severity"]), report.parcel(finding),
                     number(area), number(mu(area)), finding.get("message") or "",
                     decision_text(report, finding),
                     decision.approval_no if decision is not None else ""])
    return _table([("序号", 4, "n"), ("规则", 11, ""), ("级别", 5, "c"), ("图斑", 13, ""), ("面积 m²", 11, "n"),
                   ("面积 亩", 7, "n"), ("问题说明", 20, ""), ("审查意见", 13, ""), ("批复文号", 16, "")], rows, "findings")


def decision_text(report, finding):
    """'已认可例外：理由（审查人 张工）' — what was decided, why, and by whom."""
    decision = report.decision(finding)
    if decision is None:
        return ""
    text = report.decision_zh(finding) + ("：" + decision.reason if decision.reason else "")
    return text + ("（审查人 {}）".format(decision.reviewer) if decision.reviewer else "")


def run_record(report):
    """(label, value) pairs of the run record: versions, inputs and their hashes (the rule set by name, never
    its path on the checking machine)."""
    run = report.run
    pushed = run.get("pushed_down")             # rules that ran as SQL where plan and one map share a database
    return [("插件版本", run.get("plugin_version")), ("QGIS 版本", run.get("qgis_version")),
            ("规则集", ruleset_label(run)),
            ("规则集 SHA-256", run.get("ruleset_sha256")),
            ("规划成果", run.get("plan_path")), ("规划成果 SHA-256", run.get("plan_sha256")),
            ("一张图", run.get("onemap_path")), ("一张图 SHA-256", run.get("onemap_sha256"))] + \
        ([("在数据库中以 SQL 运行的规则", pushed)] if pushed else []) + \
        [("坐标系", "计算 {}，成果 {}".format(run.get("crs"), run.get("plan_crs"))),
         ("核对时间", when_zh(run.get("started") or "", run.get("finished") or "")),
         ("运行编号", run.get("run_id")), ("核对结果文件", report.path)]


# The run record and the signature block end the report and are kept on one page (report_pdf.keep_together):
# a signature never stands on a page of its own. Each starts with its heading, which travels with it.
RECORD = "<h2>五、运行记录</h2>"
SIGNATURE = ("<h2>六、审查签字</h2><table class='sign'><tr><td>审查人：____________________<br><br>审查单位（盖章）：____________________</td>"
             "<td>复核人：____________________<br><br>日期：______年____月____日</td></tr></table>")   # one row


def report_html(report):
    record = _table([("项目", 22, ""), ("内容", 78, "")],
                    [[k, Markup('<span class="small">{}</span>'.format(escape(str(v or ""))))] for k, v in run_record(report)])
    findings = _findings_table(report) if report.findings else "<p>无。</p>"
    indicators = ((_indicator_table(report) if general_rows(report) else "") + unit_section_html(report)
                  or "<p>本次核对无指标分解数据。</p>")
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>{}<title>{}</title><style>{}</style>"
        "</head><body>".format(POLICY, escape(title(report)), css()),
        "<h1>{}</h1>".format(escape(title(report))),
        "<p class='sub'>规划成果：{}　　核对日期：{}</p>".format(escape(report.plan_name),
                                                          escape((report.run.get("finished") or "")[:10])),
        "<h2>一、核对结论</h2>",
        "<p class='conclusion'>核对结论：<span class='{}'>{}</span></p>".format(
            "pass" if report.passed else "fail", report.verdict),
        "".join("<p{}>{}</p>".format(" class='basis'" if index == 0 else "", escape(line))
                for index, line in enumerate(conclusion_text(report))),
        "<h2>二、规则核对情况</h2>", _rules_table(report),
        "<h2>三、约束性指标</h2>", indicators,
        "<h2>四、问题清单</h2>", findings,
        RECORD, record,
        SIGNATURE,
        "</body></html>"]
    return "".join(parts)
