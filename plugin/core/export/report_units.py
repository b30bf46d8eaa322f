"""The check report's table of what each 规划单元 hands down to a detailed plan (指标传导), and its share rows.

Rows come from the findings GeoPackage's `indicators` table: those made by `unit` and `share` rules
(core/check/rules/unit.py, share.py), keyed by the unit's code. Area figures are in 公顷 (ellipsoidal),
others in the allocation's own unit (万平方米, 处, %). The HTML (and so the PDF) and the workbook use them;
every other indicator row stays in the report's general indicator table.
"""
from html import escape

from .report_data import COMPARE_ZH, indicator_conclusion_text, indicator_css

KINDS = ("unit", "share")
HEADERS = ["单元", "指标", "要求", "下达", "规划", "单位", "结论", "说明"]


def _kinds(report):
    return {rule["rule_id"]: rule.get("kind") for rule in report.rules}


def is_unit_row(report, row):
    return _kinds(report).get(row.get("rule_id")) in KINDS


def general_rows(report):
    """The indicator rows the general table shows (a village's allocation, base-year figures)."""
    kinds = _kinds(report)
    return [row for row in report.indicators if kinds.get(row.get("rule_id")) not in KINDS]


def figures(row):
    """(下达, 规划, 单位) of a row as numbers in the row's unit: a figure of its own (planned_value: 万平方米, 处,
    a share's %, whatever area it also records) as the panel shows it, else 公顷 for areas (figures in m²)."""
    if row.get("planned_value") is not None or (row.get("planned_m2") is None and row.get("allocated_m2") is None):
        return row.get("allocated_value"), row.get("planned_value"), row.get("unit") or ""
    allocated = row.get("allocated_m2")
    planned = row.get("planned_m2")
    return (None if allocated is None else allocated / 10000.0, None if planned is None else planned / 10000.0, "公顷")


def _unit_found(report):
    """The rows of unit and share rules, in unit order."""
    found = [row for row in report.indicators if is_unit_row(report, row)]
    return sorted(found, key=lambda row: (row.get("village_code") or "", row.get("rule_id") or ""))


def unit_rows(report):
    """[单元, 指标, 要求, 下达, 规划, 单位, 结论, 说明] for every row of a unit or share rule, in unit order."""
    result = []
    for row in _unit_found(report):
        allocated, planned, unit = figures(row)
        name = row.get("indicator") or ""
        code = row.get("village_code") or ""
        if code and name.endswith("（{}）".format(code)):
            name = name[:-len(code) - 2]                      # the unit has its own column
        result.append([code or "—", name, COMPARE_ZH.get(row.get("compare"), ""), allocated, planned, unit,
                       indicator_conclusion_text(row), row.get("note") or ""])
    return result


def _number(value):
    if value is None:
        return ""
    return "{:,.4f}".format(value).rstrip("0").rstrip(".") if value != int(value) else "{:,.0f}".format(value)


def unit_section_html(report):
    """The report's 单元指标传导 table under its own heading, '' when the check made no such rows."""
    rows = unit_rows(report)
    if not rows:
        return ""
    body = "".join(
        "<tr><td class='c'>{}</td><td>{}</td><td class='c'>{}</td><td class='n'>{}</td><td class='n'>{}</td>"
        "<td class='c'>{}</td><td class='c'><span class='{}'>{}</span></td><td>{}</td></tr>".format(
            escape(code), escape(name), escape(compare), _number(allocated), _number(planned), escape(unit),
            indicator_css(found), escape(status), escape(note))
        for found, (code, name, compare, allocated, planned, unit, status, note) in zip(_unit_found(report), rows))
    head = "".join("<th{}>{}</th>".format(' style="width:28%"' if h == "说明" else "", h) for h in HEADERS)
    return ("<h3 style='font-size:10.5pt; margin:11px 0 6px 0'>单元指标传导（一张图规划单元下达）</h3>"
            "<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>".format(head, body))
