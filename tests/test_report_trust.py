"""The check report with a findings file from someone else (issue 18): its text is printed as text on
both PDF paths, nothing in it runs or fetches, nothing it names is opened; cells and files fail cleanly.
Issue 22: every export counts decided findings as the panel does; long labels keep every column on the page."""
import os
import time

import pytest
from osgeo import ogr
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QCoreApplication

from conftest import sample
from export_helpers import pdf_engine, pdf_images, pdf_page_texts, pdf_text, pdf_words, sheet_rows  # noqa: F401
from hostile_report import (APPROVAL, PROBE, PROBE_VALUE, Listener, expressions, guid, make_hostile,
                            point_run_record_at)
from plugin.core.errors import OneMapError

BIDI = [chr(c) for c in list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A))]
RIGHT_MARGIN_PT = 15 / 25.4 * 72 - 1.0          # the print layout's frame ends 15 mm from the edge


def compact(text):
    return "".join(text.split())


@pytest.fixture(scope="module")
def checked(tmp_path_factory, qgis_app):
    from plugin.core.check.engine import verify
    path = str(tmp_path_factory.mktemp("trust") / "checked.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=path)
    return path


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def hostile(checked, tmp_path, listener, monkeypatch):
    monkeypatch.setenv(PROBE, PROBE_VALUE)
    return make_hostile(checked, tmp_path / "hostile.gpkg", listener.port)


def export(findings, path):
    from plugin.core.export.report import export_report
    export_report(findings, str(path))
    QCoreApplication.processEvents()
    return str(path)


# -- issue 18 item 1: the data is text
def test_the_pdf_prints_hostile_text_as_text_and_runs_nothing(hostile, listener, tmp_path, pdf_engine):
    output = export(hostile, tmp_path / "report.pdf")
    text = pdf_text(output)
    flat = compact(text)
    assert "[%@user_account_name%]" in flat and "[%env(char(79)" in flat       # printed, not evaluated
    for _label, absent in expressions(listener.port):
        assert absent is None or absent not in text, absent
    assert "APRUN" not in flat and "<script>" in flat                          # the reason's script, as text
    assert listener.received == []                                             # no <img>, <iframe>, <link> fetched
    assert not [c for c in BIDI if c in text]
    assert "2024-BIDI" in flat                                                  # the label, its overrides gone
    # a 38-character GUID label wraps in its column: 审查意见 and 批复文号 stay on the page
    assert APPROVAL in text and "已认可例外" in text and "批复文号" in text
    words = pdf_words(output)
    assert [w for w in words if w[3] > w[1] - RIGHT_MARGIN_PT] == []
    labels = [guid(n) for n in range(len(expressions(listener.port)), 17)]      # the findings' GUID labels
    whole = [label for label in labels if label in flat]                        # whole, for search and copy
    assert len(whole) >= len(labels) - (pdf_engine == "text document")         # Qt's rich text may carry a
    # row on to the next page mid-label; QtWebKit keeps rows whole


@pytest.mark.parametrize("guard", ["policy", "settings alone"])
def test_active_html_is_inert_in_either_renderer(qgis_app, listener, tmp_path, pdf_engine, guard):
    """Were anything to slip through the escaping: the document's policy, and even without it QtWebKit's
    settings while the report is laid out (scripts, images) and a rich-text document that loads nothing,
    keep it from running or fetching."""
    from qgis.PyQt.QtGui import QColor, QImage

    from plugin.core.export import report_pdf
    from plugin.core.export.report_html import POLICY
    local = tmp_path / "local.html"
    local.write_text("<p>LOCALFILE</p>", encoding="utf-8")
    picture = tmp_path / "picture.png"
    image = QImage(40, 40, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 0, 0))
    image.save(str(picture))
    body = ("<p>start</p><script>document.write('JS'+'RAN')</script><img src='http://127.0.0.1:{0}/img'>"
            "<img src='{1}'><img src='file://{1}'>").format(listener.port, picture)
    if guard == "policy":                               # what only the policy stops in QtWebKit
        body += ("<iframe src='http://127.0.0.1:{0}/frame'></iframe><link rel=stylesheet href='http://127.0.0.1:{0}/css'>"
                 "<div style=\"background:url(http://127.0.0.1:{0}/bg)\">x</div><object data='http://127.0.0.1:{0}/obj'>"
                 "</object><iframe src='{1}'></iframe>").format(listener.port, local.as_uri())
    output = str(tmp_path / "active.pdf")
    report_pdf.write_report_pdf("<html><head>{}</head><body>{}</body></html>".format(
        POLICY if guard == "policy" else "", body), output)
    QCoreApplication.processEvents()
    text = pdf_text(output)
    assert "start" in text and "JSRAN" not in text and "LOCALFILE" not in text
    assert listener.received == [] and [size for size in pdf_images(output) if size != (1, 1)] == []
    settings = report_pdf.web_settings()
    if settings is not None:                           # QtWebKit's settings are as they were
        assert settings.globalSettings().testAttribute(settings.WebAttribute.JavascriptEnabled)


def test_html_and_xlsx_carry_hostile_text_as_text(hostile, listener, tmp_path):
    html = open(export(hostile, tmp_path / "report.html"), encoding="utf-8").read()
    lowered = html.lower()
    for tag in ("<script", "<img", "<iframe", "<link", "<object"):
        assert tag not in lowered, tag
    assert "Content-Security-Policy" in html and "[% @user_account_name %]" in html
    assert not [c for c in BIDI if c in html]
    workbook = export(hostile, tmp_path / "report.xlsx")
    issues = sheet_rows(workbook, "问题清单")
    labels = [row["图斑"] for row in issues]
    for label, _absent in expressions(listener.port)[:5]:
        assert any(label in text for text in labels), label            # as written, not evaluated
    record = {row["项目"]: row["内容"] for row in sheet_rows(workbook, "结论与记录")}
    for sheet in ("汇总", "问题清单", "指标", "结论与记录"):
        for row in sheet_rows(workbook, sheet):
            assert not [c for c in BIDI for value in row.values() if isinstance(value, str) and c in value]
    assert record["报告"].startswith("[% env(") and record["报告"].endswith("杜村村庄规划一张图核对报告")


def test_long_texts_are_cut_visibly(checked, tmp_path):
    """Every text of a findings file is cut at TEXT_MAX characters when it is read (the red team's 1 MB label
    took the PDF past 2.5 GB); a workbook cell, whatever it holds, at Excel's limit."""
    import shutil

    from plugin.core.export.xlsx import CELL_MAX, fit_cell
    from plugin.core.export.text import CUT
    from plugin.core.review.readback import TEXT_MAX
    path = str(tmp_path / "long.gpkg")
    shutil.copy(checked, path)
    dataset = ogr.Open(path, 1)
    findings = dataset.GetLayerByName("findings")
    long_ids = []
    for index, feature in enumerate(findings):
        if index < 2:
            feature.SetField("message", "界" * 40000 if index == 0 else "𠀀" * 20000)   # 40 000 UTF-16 units each
            findings.SetFeature(feature)
            long_ids.append(feature.GetField("finding_id"))
    dataset = None
    messages = {row["问题编号"]: row["问题说明"] for row in sheet_rows(export(path, tmp_path / "r.xlsx"), "问题清单")}
    plain, astral = messages[long_ids[0]], messages[long_ids[1]]
    assert plain == "界" * (TEXT_MAX - len(CUT)) + CUT
    assert astral == "𠀀" * (TEXT_MAX - len(CUT)) + CUT and "\ufffd" not in astral        # whole characters
    assert len(messages) == 17 and all(len(m) < 200 for i, m in messages.items() if i not in long_ids)
    cell = fit_cell("界" * 40000)
    assert len(cell) == CELL_MAX and cell.endswith(CUT) and cell.startswith("界界")
    cell = fit_cell("𠀀" * 20000)
    assert len(cell.encode("utf-16-le")) // 2 <= CELL_MAX and cell.endswith(CUT) and "\ufffd" not in cell


# -- issue 18 item 2: nothing a findings file names is opened
def test_no_export_opens_what_a_findings_file_names(checked, listener, tmp_path, monkeypatch):
    """The run record names a plan and a one map on a PostgreSQL server: no export connects to it."""
    import shutil

    from plugin.core.export.mapsheets import export_mapsheets
    from plugin.core.export.report_data import read_report
    assert read_report(checked).villages == ["杜村"]                  # recorded at check time
    path = str(tmp_path / "pointing.gpkg")
    shutil.copy(checked, path)
    point_run_record_at(path, listener.port)
    monkeypatch.setenv("PGPASSWORD", "pg-secret")
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "5")
    for extension in ("pdf", "html", "xlsx"):
        export(path, tmp_path / "report.{}".format(extension))
    assert "杜村村庄规划一张图核对报告" in pdf_text(tmp_path / "report.pdf")  # the findings' own village names
    sheets = export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"),
                              str(tmp_path / "sheets"), findings_path=path)
    assert sheets and listener.received == []


def test_the_live_recheck_opens_no_one_map_a_findings_file_names(qgis_iface, qgis_new_project, listener, tmp_path):
    """A findings file whose run record names the loaded plan but a one map on someone's server: an edit
    is not re-checked against it, and the browser says why."""
    import shutil

    from plugin.core.check.engine import verify
    from plugin.core.read.loading import PROPERTY_KEY, load_source
    from plugin.gui.findings_view import FindingsBrowser
    plan = str(tmp_path / "village_conflicts.gpkg")
    shutil.copy(sample("village_conflicts.gpkg"), plan)
    findings = str(tmp_path / "received.gpkg")
    verify(plan, sample("township_onemap.gpkg"), output=findings)
    dataset = ogr.Open(findings, 1)
    run = dataset.GetLayerByName("run")
    record = run.GetNextFeature()
    record.SetField("onemap_path", "PG:host=127.0.0.1 port={} dbname=onemap user=reviewer".format(listener.port))
    run.SetFeature(record)
    dataset = None
    load_source(plan, QgsProject.instance())
    browser = FindingsBrowser(qgis_iface)
    browser.add_result(findings, "杜村")
    layer = browser.live.layer
    assert layer is not None and layer.customProperty(PROPERTY_KEY) == "GHYDYH"
    layer.startEditing()
    layer.changeAttributeValue(1, layer.fields().indexOf("GHDLBM"), "0103")
    browser.live.flush()
    assert listener.received == []
    assert "实时核对不会打开" in browser.summary.text() or "does not open" in browser.summary.text()
    layer.rollBack()
    browser.deleteLater()


def test_a_recorded_network_path_is_never_looked_up(monkeypatch, tmp_path):
    """Comparing a findings file's plan with the chosen one asks the file system only about local paths
    (on Windows, looking up \\\\host\\share connects to the host)."""
    from plugin.core.review import decisions, recorded
    asked = []
    exists = os.path.exists
    monkeypatch.setattr(recorded.os.path, "exists", lambda path: asked.append(path) or exists(path))
    plan = tmp_path / "plan.gpkg"
    plan.write_bytes(b"")
    for label in ("\\\\127.0.0.1\\share\\plan.gpkg", "//127.0.0.1/share/plan.gpkg", "/vsicurl/http://127.0.0.1/p.gpkg",
                  "PG:host=127.0.0.1 dbname=plans"):
        assert not decisions.same_plan(label, str(plan))
    assert asked == [str(plan)] * 4
    assert decisions.same_plan(str(plan), str(tmp_path / "." / "plan.gpkg"))


# -- issue 22: counts as the panel counts them
def decide(path, rows):
    dataset = ogr.Open(path, 1)
    table = dataset.GetLayerByName("decisions")
    for finding_id, kind, approval, review in rows:
        row = ogr.Feature(table.GetLayerDefn())
        for name, value in (("finding_id", finding_id), ("decision", kind), ("reason", "理由"),
                            ("approval_no", approval), ("reviewer", "张工"), ("decided_at", "2026-12-01T10:00:00+08:00"),
                            ("resolved", 0), ("review", review)):
            row.SetField(name, value)
        table.CreateFeature(row)
    dataset = None


def finding_ids(path):
    dataset = ogr.Open(path)
    ids = {}
    for feature in dataset.GetLayerByName("findings"):
        ids.setdefault(feature.GetField("severity"), []).append(feature.GetField("finding_id"))
    return ids


@pytest.mark.parametrize("case", ["open errors", "every error decided"])
def test_every_export_counts_decisions_as_the_panel_does(checked, tmp_path, case):
    import shutil

    from plugin.core.review.reader import Review
    path = str(tmp_path / "decided.gpkg")
    shutil.copy(checked, path)
    ids = finding_ids(path)
    if case == "open errors":
        decide(path, [(ids["error"][0], "accepted", APPROVAL, 0), (ids["error"][1], "false_positive", "", 1),
                      (ids["warning"][0], "false_positive", "", 0)])
        verdict, basis = "不通过", "依据：尚有 10 个错误未认可为例外、也未判为误报（其中需复核 1 个）。"
        shown = {"已认可例外": 1, "需复核（误报）": 1, "误报": 1}
    else:
        decide(path, [(finding, "accepted", APPROVAL, 0) for finding in ids["error"][1:]] +
               [(ids["error"][0], "false_positive", "", 0)])
        verdict, basis = "通过", "依据：错误 11 个均已决定（已认可例外 10 个、误报 1 个）；全部规则均已执行完毕。"
        shown = {"已认可例外": 10, "误报": 1}
    summary = "问题：" + Review(path).summary()                       # the panel's words
    assert ("需复核 1 个" in summary) == (case == "open errors")
    pdf = compact(pdf_text(export(path, tmp_path / "r.pdf")))
    html = open(export(path, tmp_path / "r.html"), encoding="utf-8").read()
    workbook = export(path, tmp_path / "r.xlsx")
    record = [(row["项目"], row["内容"]) for row in sheet_rows(workbook, "结论与记录")]
    for line in ("核对结论：" + verdict, basis, summary):
        assert compact(line) in pdf and line.split("：", 1)[1] in html, line
    assert ("核对结论", verdict) in record and (None, summary) in record and any(basis in v for _k, v in record)
    counted = {}
    for row in sheet_rows(workbook, "问题清单"):
        if row["审查意见"]:
            counted[row["审查意见"]] = counted.get(row["审查意见"], 0) + 1
    assert counted == shown


def test_the_sheets_count_the_rows_they_list(checked, tmp_path):
    """A rules table whose counts disagree with its findings (an edited or damaged file): every export
    counts the findings it lists, as the panel does."""
    import shutil

    from plugin.core.review.reader import Review
    path = str(tmp_path / "edited.gpkg")
    shutil.copy(checked, path)
    dataset = ogr.Open(path, 1)
    rules = dataset.GetLayerByName("rules")
    for rule in rules:
        if rule.GetField("rule_id") == "CL-01":
            rule.SetField("findings", 99)
            rules.SetFeature(rule)
    dataset = None
    workbook = export(path, tmp_path / "r.xlsx")
    listed = sheet_rows(workbook, "问题清单")
    counted = {row["编号"]: row["问题数"] for row in sheet_rows(workbook, "汇总")}
    panel = {rule.rule_id: len(rule.findings) for rule in Review(path).rules}
    assert counted == panel and counted["CL-01"] == sum(1 for row in listed if row["规则编号"] == "CL-01") == 1
    assert sum(counted.values()) == len(listed) == 17


# -- issue 22: the run record and the signature block share the last page
@pytest.mark.parametrize("lines", range(14, 54, 3))
def test_the_signature_never_stands_alone_on_the_last_page(qgis_app, tmp_path, pdf_engine, lines):
    from plugin.core.export import report_pdf
    from plugin.core.export.report_html import RECORD, SIGNATURE, _table, css
    record = _table([("项目", 22, ""), ("内容", 78, "")], [["项目 {}".format(n), "内容 {}".format(n)] for n in range(12)])
    html = "<html><head><style>{}</style></head><body>{}{}{}{}</body></html>".format(
        css(), "".join("<p>第 {} 行</p>".format(n) for n in range(lines)), RECORD, record, SIGNATURE)
    path = str(tmp_path / "r.pdf")
    report_pdf.write_report_pdf(html, path)
    pages = pdf_page_texts(path)
    signed = [page for page in pages if "审查人" in page]
    assert len(signed) == 1 and "日期：" in signed[0] and "五、运行记录" in signed[0] and "项目 11" in signed[0]
    assert len([page for page in pages if "五、运行记录" in page]) == 1


@pytest.mark.parametrize("lines", range(30, 46, 2))
def test_a_heading_never_ends_a_page_without_what_it_heads(qgis_app, tmp_path, pdf_engine, lines):
    """QtWebKit ignores page-break-after: avoid: the 控规 report's "三、约束性指标" ended page 4 with its
    table on page 5 (3.22). Wherever the page ends near it, the heading shares its page with the table's
    header and first row, and so does a heading right above another (三 above 单元指标传导, then its table)."""
    from plugin.core.export import report_pdf
    from plugin.core.export.report_html import _table, css
    indicators = _table([("指标", 50, ""), ("数值", 50, "n")], [["指标 {}".format(n), str(n)] for n in range(6)])
    html = "<html><head><style>{}</style></head><body>{}<h2>三、约束性指标</h2><h3>单元指标传导</h3>{}" \
           "<h2>四、问题清单</h2><p>无。</p></body></html>".format(
               css(), "".join("<p>第 {} 行</p>".format(n) for n in range(lines)), indicators)
    path = str(tmp_path / "r.pdf")
    report_pdf.write_report_pdf(html, path)
    pages = pdf_page_texts(path)
    for heading, first in (("三、约束性指标", "指标 0"), ("四、问题清单", "无。")):
        assert [n for n, page in enumerate(pages) if heading in page] == \
            [n for n, page in enumerate(pages) if first in page], (heading, pages)


@pytest.mark.parametrize("lines", [0, 40])
def test_a_heading_over_a_row_taller_than_a_page_leaves_no_page_blank(qgis_app, tmp_path, pdf_engine, lines):
    """Moving such a heading cannot keep it with its row: it stays (red team: a 1 000-character message in
    the first row of 问题清单 left a page blank but for its footer)."""
    from plugin.core.export import report_pdf
    from plugin.core.export.report_html import Markup, _table, css
    tall = _table([("序号", 10, "n"), ("问题说明", 90, "")],
                  [["1", Markup("<br>".join("第{}行说明".format(n) for n in range(90)))], ["2", "短"]])
    html = "<html><head><style>{}</style></head><body>{}<h2>四、问题清单</h2>{}</body></html>".format(
        css(), "".join("<p>第 {} 段</p>".format(n) for n in range(lines)), tall)
    path = str(tmp_path / "r.pdf")
    report_pdf.write_report_pdf(html, path)
    pages = pdf_page_texts(path)
    assert all(len([line for line in page.splitlines() if line.strip()]) > 2 for page in pages), pages


# -- clean failures
@pytest.mark.parametrize("extension", ["pdf", "html", "xlsx"])
def test_a_folder_in_the_reports_place_is_a_clear_error(checked, tmp_path, extension):
    folder = tmp_path / "report.{}".format(extension)
    folder.mkdir()
    with pytest.raises(OneMapError) as error:
        export(checked, folder)
    assert str(folder) in error.value.zh and "文件夹" in error.value.zh
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OneMapError) as error:
        export(checked, blocker / "report.{}".format(extension))
    assert "report.{}".format(extension) in error.value.en
    assert [name for name in os.listdir(tmp_path) if name.startswith(".onemap-")] == []


def test_temporaries_of_killed_exports_are_swept(checked, tmp_path):
    old = time.time() - 2 * 86400
    dead = tmp_path / ".onemap-999999999-0a1b2c.part.pdf"          # a killed export's (no such process)
    live = tmp_path / ".onemap-{}-0a1b2d.part.xlsx".format(os.getppid())   # a running one's: kept
    earlier = tmp_path / ".onemap-k3x_9qaz.pdf"                     # OneMap 0.2.2's name, a day old
    recent = tmp_path / ".onemap-k3x_9qzz.html"                     # … and one that may still be written
    for path in (dead, live, earlier, recent):
        path.write_bytes(b"%PDF-")
    for path in (dead, earlier):
        os.utime(path, (old, old))
    os.utime(live, (time.time() - 3600,) * 2)
    export(checked, tmp_path / "report.html")
    assert sorted(name for name in os.listdir(tmp_path) if name.startswith(".onemap-")) == sorted(
        [live.name, recent.name])
