"""The check report as one HTML document: written as report.html and laid out into the PDF."""
from html import escape

from ..read.schema import schema
from ..review.findings import SEVERITY_ZH, STATUS_ZH
from . import FONT
from .citation import citation_zh, status_zh, when_zh
from .report_data import COMPARE_ZH, DECISION_ZH, INDICATOR_STATUS_ZH, MU_PER_M2
from .report_units import general_rows, unit_section_html

CSS = """
body { font-family: '%FONT%', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; font-size: 9pt; color: #111; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 2mm 0; }
p.sub { text-align: center; margin: 0 0 5mm 0; color: #333; }
h2 { font-size: 12pt; margin: 6mm 0 2mm 0; border-bottom: 1px solid #444; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #777; padding: 1mm 1.5mm; vertical-align: top; }
th { background: #e8e8e8; font-weight: bold; }
td.n { text-align: right; white-space: nowrap; }
td.c, th { white-space: nowrap; }
.pass { color: #176b2c; } .fail { color: #b00020; font-weight: bold; } .na { color: #666; }
.conclusion { font-size: 13pt; margin: 2mm 0; }
.sign td { border: none; padding: 6mm 2mm 0 0; font-size: 11pt; }
td.approval { white-space: nowrap; min-width: 30mm; }
.small { color: #444; font-size: 8pt; word-break: break-all; }
""".replace("%FONT%", FONT)


def number(value, decimals=2):
    return "" if value is None else "{:,.{}f}".format(value, decimals)


def mu(m2):
    return None if m2 is None else m2 * MU_PER_M2


def _table(headers, rows, numeric=(), nowrap=()):
    head = "".join("<th{}>{}</th>".format(' style="width:16%"' if h == "说明" else "", escape(h)) for h in headers)
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            css = ' class="n"' if index in numeric else ' class="c"' if index in nowrap else ""
            css = ' class="approval"' if headers[index] == "批复文号" else css
            cells.append("<td{}>{}</td>".format(css, cell if isinstance(cell, Markup) else escape(str(cell))))
        body.append("<tr>{}</tr>".format("".join(cells)))
    return "<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>".format(head, "".join(body))


class Markup(str):
    """Cell text that is already HTML."""


def _status(status, table=STATUS_ZH):
    css = {"passed": "pass", "pass": "pass", "failed": "fail", "fail": "fail", "error": "fail"}.get(status, "na")
    return Markup('<span class="{}">{}</span>'.format(css, escape(table.get(status, status or ""))))


def title(report):
    kind = schema().kinds.get(report.run.get("plan_kind") or "", {}).get("zh", "规划")
    return "{}{}一张图核对报告".format(report.village, kind)


def conclusion_text(report):
    rules = report.rules
    by_status = {s: sum(1 for r in rules if r["status"] == s) for s in STATUS_ZH}
    decided = "、".join("{} {} 项".format(zh, report.count("error", key)) for key, zh in DECISION_ZH.items()
                       if report.count("error", key))
    lines = ["错误 {} 项{}、警告 {} 项、提示 {} 项".format(
        report.count("error"), "（其中{}）".format(decided) if decided else "",
        report.count("warning"), report.count("info")),
        "共 {} 条规则：{} {} 条，{} {} 条，{} {} 条（未核对，原因见下表）{}".format(
            len(rules), STATUS_ZH["passed"], by_status["passed"], STATUS_ZH["failed"], by_status["failed"],
            STATUS_ZH["not_applicable"], by_status["not_applicable"],
            "，{} {} 条".format(STATUS_ZH["error"], by_status["error"]) if by_status["error"] else "")]
    return lines


def _rules_table(report):
    rows = []
    for rule in report.rules:
        area = report.rule_area_m2(rule)
        clause = escape(rule.get("clause") or "")
        if rule.get("clause_source"):
            clause += '<br><span class="small">依据：{}{}</span>'.format(
                escape(citation_zh(rule["clause_source"])), escape(
                    "（{}）".format(status_zh(rule.get("clause_status"))) if status_zh(rule.get("clause_status")) else ""))
        rows.append([rule["rule_id"], rule.get("title") or "", Markup(clause), _status(rule["status"]),
                     rule.get("findings") or 0, number(area), number(mu(area)), rule.get("reason") or ""])
    return _table(["编号", "规则", "依据条款", "结论", "问题", "面积 m²", "面积 亩", "说明"], rows,
                  numeric=(4, 5, 6), nowrap=(0, 3))


def _indicator_table(report):
    rows = []
    for row in general_rows(report):                  # a detailed plan's unit rows: report_units.py
        allocated = row.get("allocated_m2")
        planned = row.get("planned_m2")
        rows.append([row.get("indicator") or "", COMPARE_ZH.get(row.get("compare"), ""),
                     number(allocated / 10000.0 if allocated is not None else None, 4), number(mu(allocated)),
                     number(planned / 10000.0 if planned is not None else None, 4), number(mu(planned)),
                     number(row.get("difference_m2")), _status(row.get("status"), INDICATOR_STATUS_ZH),
                     row.get("note") or ""])
    return _table(["指标", "要求", "下达 公顷", "下达 亩", "规划 公顷", "规划 亩", "差值 m²", "结论", "说明"], rows,
                  numeric=(2, 3, 4, 5, 6), nowrap=(1, 7))


def _findings_table(report):
    rows = []
    for index, finding in enumerate(report.findings, 1):
        decision = report.decision(finding) or {}
        area = report.finding_area_m2(finding)
        rows.append([index, "{} {}".format(finding["rule_id"], finding.get("rule_title") or ""),
                     SEVERITY_ZH.get(finding["severity"], finding["severity"]), report.parcel(finding),
                     number(area), number(mu(area)), finding.get("message") or "",
                     decision_text(report, finding),
                     decision.get("approval_no") or ""])
    return _table(["序号", "规则", "级别", "图斑", "面积 m²", "面积 亩", "问题说明", "审查意见", "批复文号"], rows,
                  numeric=(0, 4, 5), nowrap=(2, 3))


def decision_text(report, finding):
    """'已认可例外：理由（审查人 张工）' — what was decided, why, and by whom."""
    decision = report.decision(finding) or {}
    text = report.decision_zh(finding) + ("：" + decision["reason"] if decision.get("reason") else "")
    return text + ("（审查人 {}）".format(decision["reviewer"]) if decision.get("reviewer") else "")


def run_record(report):
    """(label, value) pairs of the run record: versions, inputs and their hashes."""
    run = report.run
    pushed = run.get("pushed_down")             # rules that ran as SQL where plan and one map share a database
    return [("插件版本", run.get("plugin_version")), ("QGIS 版本", run.get("qgis_version")),
            ("规则集", "{}（{}）".format(run.get("ruleset_id"), run.get("ruleset_path"))),
            ("规则集 SHA-256", run.get("ruleset_sha256")),
            ("规划成果", run.get("plan_path")), ("规划成果 SHA-256", run.get("plan_sha256")),
            ("一张图", run.get("onemap_path")), ("一张图 SHA-256", run.get("onemap_sha256"))] + \
        ([("在数据库中以 SQL 运行的规则", pushed)] if pushed else []) + \
        [("坐标系", "计算 {}，成果 {}".format(run.get("crs"), run.get("plan_crs"))),
         ("核对时间", when_zh(run.get("started") or "", run.get("finished") or "")),
         ("运行编号", run.get("run_id")), ("核对结果文件", report.path)]


# The heading travels with the block: keep_signature_together moves both to the next page.
SIGNATURE = ("<h2>六、审查签字</h2><table class='sign'><tr><td>审查人：____________________<br><br>审查单位（盖章）：____________________</td>"
             "<td>复核人：____________________<br><br>日期：______年____月____日</td></tr></table>")   # one row


def report_html(report):
    record = _table(["项目", "内容"], [[k, Markup('<span class="small">{}</span>'.format(escape(str(v or ""))))]
                                       for k, v in run_record(report)])
    findings = _findings_table(report) if report.findings else "<p>无。</p>"
    indicators = ((_indicator_table(report) if general_rows(report) else "") + unit_section_html(report)
                  or "<p>本次核对无指标分解数据。</p>")
    parts = [
        "<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{}</title><style>{}</style>"
        "</head><body>".format(escape(title(report)), CSS),
        "<h1>{}</h1>".format(escape(title(report))),
        "<p class='sub'>规划成果：{}　　核对日期：{}</p>".format(escape(report.plan_name),
                                                          escape((report.run.get("finished") or "")[:10])),
        "<h2>一、核对结论</h2>",
        "<p class='conclusion'>核对结论：<span class='{}'>{}</span></p>".format(
            "pass" if report.passed else "fail", report.verdict),
        "".join("<p>{}</p>".format(escape(line)) for line in conclusion_text(report)),
        "<h2>二、规则核对情况</h2>", _rules_table(report),
        "<h2>三、约束性指标</h2>", indicators,
        "<h2>四、问题清单</h2>", findings,
        "<h2>五、运行记录</h2>", record,
        SIGNATURE,
        "</body></html>"]
    return "".join(parts)
