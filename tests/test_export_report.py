"""onemap:exportreport: the check report as PDF, HTML and XLSX, read back with poppler and GDAL."""
import os

import pytest
from osgeo import ogr
from qgis.core import QgsProcessingException

from conftest import sample
from export_helpers import (chinese_fonts, pdf_engine, pdf_fonts, pdf_pages, pdf_text,  # noqa: F401 (a fixture)
                            radicals, sheet_names, sheet_rows)

RULE_IDS = ["KIND-01", "CRS-01", "ATT-01", "ATT-02", "ATT-03", "ATT-04", "GEO-00", "GEO-01", "GEO-02", "GEO-03", "GEO-04", "GEO-05", "GEO-06", "CL-01",
            "CL-02", "CL-03", "CL-08", "CL-04", "CL-05", "CL-07", "CL-06", "KEEP-01", "KEEP-02", "IND-01", "BASE-01",
            "TAB-01", "APP-01", "APP-02", "APP-03"]


@pytest.fixture(scope="module")
def findings(tmp_path_factory, qgis_app):
    """The conflicts sample checked once, with one reviewer decision recorded as issue 7 stores them."""
    from plugin.core.check.engine import verify
    path = str(tmp_path_factory.mktemp("report") / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=path)
    dataset = ogr.Open(path, 1)
    finding_id = next(f["finding_id"] for f in dataset.GetLayerByName("findings") if f["rule_id"] == "CL-01")
    table = dataset.GetLayerByName("decisions")
    row = ogr.Feature(table.GetLayerDefn())
    for name, value in (("finding_id", finding_id), ("decision", "accepted"), ("reason", "国家重点项目"),
                        ("approval_no", "晋政函〔2024〕12号"), ("reviewer", "张工"), ("decided_at", "2026-12-01")):
        row.SetField(name, value)
    table.CreateFeature(row)
    dataset = None
    return path


def test_pdf_report_states_conclusion_rules_decisions_with_cjk_fonts_embedded(onemap_provider, findings, tmp_path,
                                                                              pdf_engine):
    import processing
    output = str(tmp_path / "report.pdf")
    processing.run("onemap:exportreport", {"FINDINGS": findings, "OUTPUT": output})
    text = pdf_text(output)
    assert "杜村村庄规划一张图核对报告" in text
    assert "核对结论：不通过" in text.replace(" ", "")
    assert "问题：错误 11 个（已认可例外 1 个），警告 5 个，提示 1 个" in text     # the panel's words
    assert "依据：尚有 10 个错误未认可为例外、也未判为误报。" in text
    for rule_id in RULE_IDS:
        assert rule_id in text
    compact = "".join(text.split())
    assert "一张图中没有图层STBHHX" in compact                  # not applicable, with its reason
    assert "晋政函〔2024〕12号" in compact and "审查人" in text
    assert "1,650.00" in text                                  # 耕地保有量 110 公顷 = 1650 亩
    assert "依据：《阳泉市国土空间总体规划（2021-2035年）》" in compact and "（已核实）" in compact
    for note in ("plugin/core", ".py", "judgement", "(judgement)", "number likely", "no official text"):
        assert note not in text                                # maintainers' notes stay out of the report
    assert "审查人张工" in compact and "晋政函〔2024〕12号" in text   # who decided; the 文号 on one line
    assert "UTC+00:00" in compact or "北京时间" in compact and "T13:" not in text
    pages = pdf_pages(output)
    assert pages >= 3 and "第 {0} 页 共 {0} 页".format(pages) in text            # footer on every page
    assert radicals(text) == []                                # searchable: 一 is 一, not ⼀
    fonts = pdf_fonts(output)
    assert chinese_fonts(fonts) and all(embedded for _name, _type, embedded in fonts)
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".onemap-")]


def test_xlsx_report_lists_every_rule_and_finding_with_chinese_headers(findings, tmp_path, qgis_app):
    from plugin.core.export.report import export_report
    output = str(tmp_path / "report.xlsx")
    export_report(findings, output)
    assert sheet_names(output)[:2] == ["汇总", "问题清单"]
    assert all(len(name) <= 31 for name in sheet_names(output))
    summary = sheet_rows(output, "汇总")
    assert [row["编号"] for row in summary] == RULE_IDS
    by_id = {row["编号"]: row for row in summary}
    assert by_id["CL-01"]["结论"] == "未通过" and by_id["CL-02"]["结论"] == "不适用"
    assert by_id["CL-02"]["说明"].startswith("一张图中没有图层")
    assert by_id["CL-01"]["面积（平方米）"] == pytest.approx(5000.0) and by_id["CL-01"]["面积（亩）"] == 7.5
    assert by_id["KIND-01"]["条款出处"] == "OneMap 自定规则，无官方条文" and by_id["KIND-01"]["出处可靠性"] == "判断"
    assert by_id["CL-05"]["条款出处"].startswith("自然资发〔2023〕193号；山西省自然资源厅《关于加强城镇开发边界管理工作的通知》")
    assert {row["出处可靠性"] for row in summary} <= {"已核实", "较可靠", "暂定", "判断"}
    assert not [row["编号"] for row in summary if any(word in row["条款出处"] for word in ("plugin/", "judgement", "seed"))]
    issues = sheet_rows(output, "问题清单")
    assert len(issues) == 17
    approved = [row for row in issues if row["批复文号"]]
    assert [(r["规则编号"], r["审查意见"], r["批复文号"]) for r in approved] == [("CL-01", "已认可例外", "晋政函〔2024〕12号")]
    indicators = {row["指标"]: row for row in sheet_rows(output, "指标")}
    assert indicators["耕地保有量"]["下达（亩）"] == 1650.0 and indicators["耕地保有量"]["结论"] == "符合"
    assert {row["要求"] for row in indicators.values()} <= {"不少于", "不超过", ""}
    assert approved[0]["审查人"] == "张工"


def test_html_report_and_clean_errors(findings, tmp_path, qgis_app, onemap_provider):
    import processing

    from plugin.core.export.report import export_report
    output = tmp_path / "report.html"
    export_report(findings, str(output))
    html = output.read_text(encoding="utf-8")
    assert "<h1>杜村村庄规划一张图核对报告</h1>" in html and "约束性指标" in html
    with pytest.raises(QgsProcessingException) as error:
        processing.run("onemap:exportreport", {"FINDINGS": sample("village_clean.gpkg"),
                                               "OUTPUT": str(tmp_path / "r.pdf")})
    assert "village_clean.gpkg" in str(error.value) and not (tmp_path / "r.pdf").exists()
    with pytest.raises(QgsProcessingException):
        processing.run("onemap:exportreport", {"FINDINGS": findings, "OUTPUT": str(tmp_path / "r.docx")})


def test_the_signature_block_is_never_split_across_pages(qgis_app, tmp_path):
    import subprocess

    from plugin.core.export import report_pdf
    from plugin.core.export.report_html import SIGNATURE, css
    if not report_pdf.has_webkit():
        pytest.skip("the print layout's HTML frame needs QtWebKit")
    for lines in range(34, 43):                 # 41 lines a page: the page end falls before, in and after the block
        html = "<html><head><style>{}</style></head><body>{}{}</body></html>".format(
            css(), "".join("<p>第 {} 行</p>".format(n) for n in range(lines)), SIGNATURE)
        path = str(tmp_path / "r{}.pdf".format(lines))
        report_pdf.write_report_pdf(html, path)
        pages = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), path, "-"], capture_output=True,
                                text=True).stdout for n in range(1, pdf_pages(path) + 1)]
        with_block = [page for page in pages if "审查人" in page or "日期" in page]
        assert len(with_block) == 1 and "审查人" in with_block[0] and "日期：" in with_block[0], lines


def test_an_indicator_missed_at_warning_level_is_no_error_in_the_report(findings, tmp_path, qgis_app):
    """A desktop walk: 三、约束性指标 showed 不符合 in red for 村庄建设用地规模, which IND-01 reports as a
    warning (the default rule set). The row now says 不符合（警告） in amber; error-level rows stay red."""
    import re

    from plugin.core.export.report import export_report
    export_report(findings, str(tmp_path / "report.xlsx"))
    indicators = {row["指标"]: row["结论"] for row in sheet_rows(str(tmp_path / "report.xlsx"), "指标")}
    assert (indicators["村庄建设用地规模"], indicators["建设用地总规模"]) == ("不符合（警告）", "不符合")
    export_report(findings, str(tmp_path / "report.html"))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    rows = {re.search(r"<td>([^<]*)</td>", row).group(1): row for row in re.findall(r"<tr>.*?</tr>", html, re.S)
            if "平方米" not in row and re.search(r"<td>([^<]*)</td>", row)}
    assert '<span class="warn">不符合<br>（警告）</span>' in rows["村庄建设用地规模"]
    assert '<span class="fail">不符合</span>' in rows["建设用地总规模"]
