"""The report PDF where QGIS has no QtWebKit (every Qt6 QGIS; Debian's 3.40 and 3.44): Qt's rich-text layout,
paged by core/export/report_pages. Forced here on builds that have QtWebKit; read back with poppler."""
import re
import subprocess

import pytest

from conftest import sample
from export_helpers import pdf_engine, pdf_page_texts, pdf_pages  # noqa: F401

HEADINGS = ("二、规则核对情况", "三、约束性指标", "四、问题清单", "五、运行记录", "六、审查签字")


@pytest.fixture(scope="module")
def reports(tmp_path_factory, qgis_app):
    """{name: (findings path, Report)} for the village with conflicts and the 控规 sample."""
    from plugin.core.check.engine import verify
    from plugin.core.export.report_data import read_report
    folder = tmp_path_factory.mktemp("pages")
    found = {}
    for name, plan, onemap in (("village", "village_conflicts.gpkg", "township_onemap.gpkg"),
                               ("detailed", "detailed_plan.gpkg", "detailed_onemap.gpkg")):
        path = str(folder / "{}.gpkg".format(name))
        verify(sample(plan), sample(onemap), output=path)
        found[name] = (path, read_report(path))
    return found


@pytest.fixture
def text_pdf(monkeypatch, tmp_path):
    """Export a findings file's report through the text-document path; returns the PDF's path."""
    from plugin.core.export import report_pdf
    from plugin.core.export.report import export_report
    monkeypatch.setattr(report_pdf, "has_webkit", lambda: False)

    def export(findings):
        output = str(tmp_path / "report.pdf")
        export_report(findings, output)
        return output
    return export


def compact(text):
    return "".join(text.split())


def bboxes(path, page=1):
    """[(word, xMin, yMin, xMax, yMax)] on one page (pdftotext -bbox)."""
    done = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, check=True)
    words = []
    for line in done.stdout.decode("utf-8").splitlines():
        line = line.strip()
        if line.startswith("<word "):
            values = [float(line.split('{}="'.format(key))[1].split('"')[0]) for key in ("xMin", "yMin", "xMax", "yMax")]
            words.append((line.split(">", 1)[1].rsplit("<", 1)[0], *values))
    return words


def page_of(pages, text):
    return [n for n, page in enumerate(pages, 1) if text in page]


@pytest.fixture
def either_pdf(pdf_engine, tmp_path):
    """Export a findings file's report the way pdf_engine says; returns the PDF's path."""
    from plugin.core.export.report import export_report

    def export(findings):
        output = str(tmp_path / "report.pdf")
        export_report(findings, output)
        return output
    return export


@pytest.mark.parametrize("name", ["village", "detailed"])
def test_rows_whole_headings_with_their_tables_and_the_titled_footer(reports, either_pdf, name):
    """On both ways to the PDF (a desktop walk on 3.22: the print layout's HTML frame cut rows of 问题清单
    through their text, and left 三、约束性指标 at a page's foot with a 45 mm break distance)."""
    from plugin.core.export.citation import citation_zh
    from plugin.core.export.report_html import title
    findings, report = reports[name]
    output = either_pdf(findings)
    pages = [compact(page) for page in pdf_page_texts(output)]
    for rule in report.rules:                        # a row never split: its id, title and citation on one page
        where = page_of(pages, compact(rule["rule_id"] + (rule.get("title") or "")))[0]     # then 问题清单's
        if rule.get("clause_source"):
            assert compact("依据：" + citation_zh(rule["clause_source"])) in pages[where - 1], rule["rule_id"]
    footers = [compact("{}　　第 {} 页 共 {} 页".format(title(report), n, len(pages))) for n in range(1, len(pages) + 1)]
    for page, footer in zip(pages, footers):
        assert page.endswith(footer)                  # the print layout's footer: title and page
    for heading in HEADINGS:                          # never the last line of a page: its table follows it
        for number in page_of(pages, heading):
            after = pages[number - 1].split(heading, 1)[1][:-len(footers[number - 1])]
            assert len(after) > 12, (heading, number, after)


def test_codes_whole_spacing_as_the_print_layout(reports, text_pdf):
    findings, report = reports["village"]
    output = text_pdf(findings)
    text = "\n".join(pdf_page_texts(output))
    assert text.count("YPGHYDYH") == 3            # APP-01…03's 说明: the layer code whole
    words = bboxes(output)
    plan = next(w for w in words if w[0].endswith("village_conflicts"))
    date = next(w for w in words if w[0].startswith("核对日期"))
    assert date[1] - plan[3] > 12.0                  # the two ideographic spaces kept (one space: 3 pt)
    for heading, header in (("一、核对结论", "核对结论："), ("二、规则核对情况", "编号")):
        above = next(w for w in words if w[0] == heading)
        below = next(w for w in words if w[0].startswith(header) and w[2] > above[4])
        assert below[2] - above[4] > 12.0, heading   # 8 px under the heading, then its rule


def test_a_table_continued_repeats_its_header_and_the_end_stays_together(qgis_app, tmp_path, monkeypatch):
    from plugin.core.export import report_pdf
    from plugin.core.export.report_html import RECORD, SIGNATURE, css
    monkeypatch.setattr(report_pdf, "has_webkit", lambda: False)
    rows = "".join("<tr><td>第 {0} 行</td><td>{1}止 {0} 。</td></tr>".format(n, "说明文字<br>" * (n % 7)) for n in range(120))
    table = "<table><thead><tr><th>编号</th><th>内容</th></tr></thead><tbody>{}</tbody></table>".format(rows)
    record = "<table><tbody>{}</tbody></table>".format("".join("<tr><td>项目 {}</td></tr>".format(n) for n in range(12)))
    for lines in (20, 28, 36):
        html = "<html><head><style>{}</style></head><body>{}<h2>表</h2>{}{}{}{}</body></html>".format(
            css(), "".join("<p>段落 {}</p>".format(n) for n in range(lines)), table, RECORD, record, SIGNATURE)
        path = str(tmp_path / "r{}.pdf".format(lines))
        report_pdf.write_report_pdf(html, path)
        pages = [compact(page) for page in pdf_page_texts(path)]
        with_rows = [page for page in pages if "第0行" in page or "第119行" in page or "第60行" in page]
        assert all("编号内容" in page for page in with_rows)
        assert sorted(int(n) for page in pages for n in re.findall(r"第(\d+)行", page)) == list(range(120))   # each once
        for n in range(120):                                             # and whole: its first and last line together
            assert page_of(pages, "第{}行".format(n)) == page_of(pages, "止{}。".format(n)), n
        assert len(page_of(pages, "五、运行记录")) == 1 and page_of(pages, "五、运行记录") == page_of(pages, "日期：")
        assert pdf_pages(path) == len(pages)
