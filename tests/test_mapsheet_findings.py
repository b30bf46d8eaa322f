"""Sheet 04 一张图核对成果图 (issue 22): every finding on the sheet labelled and none overprinted — rule and
area where they fit, numbers keyed to a 问题清单 beside the map where the map is dense — coloured by
severity, numbered as the report numbers them, decided ones marked, nothing clipped by the village."""
import dataclasses
import itertools
import re

import pytest
from osgeo import ogr
from qgis.core import QgsGeometry, QgsLayoutExporter

from conftest import sample
from export_helpers import pdf_layout_lines, pdf_text
from helpers import gpkg, square

X, Y = 560000.0, 4100000.0           # EPSG:4546


def dense_case(folder, count=10, width=2000.0, height=1400.0, per_row=4, unknown=0):
    """`count` homes of 12 m × 12 m in 永久基本农田, `per_row` a row 30 m apart (rows 35 m), in a village of
    `width` × `height` m: `count` CL-01 errors and KEEP-01 (the farmland is not in the plan); the first
    `unknown` homes coded 9999 instead (ATT-01 errors, not CL-01). (plan, one map, findings)."""
    from plugin.core.check.engine import verify
    cx, cy = X + width / 2, Y + height / 2
    homes = [square(cx + (i % per_row) * 30, cy + (i // per_row) * 35, cx + (i % per_row) * 30 + 12,
                    cy + (i // per_row) * 35 + 12) for i in range(count)]
    village = square(X, Y, X + width, Y + height)
    rest = QgsGeometry.fromWkt(village)
    for home in homes:
        rest = rest.difference(QgsGeometry.fromWkt(home))
    parcels = [("0103", rest.asWkt())] + [("9999" if i < unknown else "0703", home) for i, home in enumerate(homes)]
    plan = gpkg(folder / "dense.gpkg", 4546, {
        "GHYDYH": ([("YDYHFLDM", ogr.OFTString)], [(wkt, {"YDYHFLDM": code}) for code, wkt in parcels]),
        "CJDCQ": ([("XZQDM", ogr.OFTString), ("XZQMC", ogr.OFTString)], [(village, {"XZQDM": "1", "XZQMC": "密集村"})])})
    onemap = gpkg(folder / "dense_onemap.gpkg", 4546, {
        "YJJBNTBHTB": ([("BZ", ogr.OFTString)], [(square(cx - 150, cy - 150, cx + 250, cy + 250), {"BZ": "t"})]),
        "XZQ": ([("XZQDM", ogr.OFTString)], [(village, {"XZQDM": "1"})])})
    findings = str(folder / "dense_findings.gpkg")
    verify(plan, onemap, output=findings)
    return plan, onemap, findings


def findings_sheet(plan, onemap, findings, pdf):
    """Sheet 04 of the plan's first village exported to `pdf` as exportmapsheets does; the Sheet."""
    from plugin.core.export.findings_sheet import LABELS
    from plugin.core.export.mapsheets import SheetData, export_findings_sheet, make_sheet
    data = SheetData(plan, onemap, findings)
    village = data.villages()[0]

    def build(form=LABELS):
        return make_sheet(data, "findings", "一张图核对成果图", village, "A3", "测试", form=form)
    sheet = export_findings_sheet(build(), build, str(pdf))
    sheet.data = data                      # the layout's project lives in it
    return sheet


def assert_every_anchor_labelled_once_without_overlap(sheet, exporter):
    from plugin.core.export.mapsheets import anchor_labels
    labels = anchor_labels(sheet, exporter)
    assert not [label.featureId for label in labels if label.isUnplaced]
    assert sorted(label.featureId for label in labels) == sorted(f.id() for f in sheet.marks.getFeatures())
    extent = sheet.map_item.extent()
    for label in labels:
        assert extent.contains(label.labelRect)                 # inside the map frame
    for one, other in itertools.combinations(labels, 2):
        overlap = one.labelRect.intersect(other.labelRect)
        assert overlap.isEmpty() or overlap.area() < 1e-9, (one.labelText, other.labelText)
    return labels


@pytest.fixture(scope="module")
def dense(tmp_path_factory, qgis_app):
    folder = tmp_path_factory.mktemp("dense")
    return folder, dense_case(folder)


def test_ten_findings_within_100_m_are_numbered_and_no_two_labels_overlap(dense):
    from plugin.core.export.findings_sheet import NUMBERS
    from plugin.core.export.report_pdf import export_pdf
    folder, case = dense
    sheet = findings_sheet(*case, folder / "04.pdf")
    assert sheet.form == NUMBERS and sheet.listed == 11
    labels = assert_every_anchor_labelled_once_without_overlap(sheet, export_pdf(sheet.layout, str(folder / "again.pdf")))
    assert sorted(int(label.labelText) for label in labels) == list(range(1, 12))
    png = QgsLayoutExporter(sheet.layout)                         # the PNG shows them where the PDF does
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = 150
    assert png.exportToImage(str(folder / "04.png"), settings) == QgsLayoutExporter.ExportResult.Success
    in_png = {label.featureId: label.labelRect.center() for label in
              assert_every_anchor_labelled_once_without_overlap(sheet, png)}
    for label in labels:
        assert in_png[label.featureId].distance(label.labelRect.center()) < sheet.map_item.scale() * 0.0003  # 0.3 mm
    text = pdf_text(folder / "04.pdf")
    rows = re.findall(r"^(\d+) (CL-01|KEEP-01)\b", text, re.M)     # the 问题清单 beside the map
    assert [int(number) for number, _rule in rows] == list(range(1, 12)) and rows[-1][1] == "KEEP-01"
    assert "图中编号为核对报告问题清单的序号" in "".join(text.split())


def test_a_denser_portrait_sheet_takes_its_table_beside_the_map(tmp_path, qgis_app):
    from plugin.core.export.findings_sheet import NUMBERS
    from plugin.core.export.report_pdf import export_pdf
    case = dense_case(tmp_path, count=24, width=1400.0, height=2000.0)
    sheet = findings_sheet(*case, tmp_path / "04.pdf")
    assert sheet.form == NUMBERS
    assert_every_anchor_labelled_once_without_overlap(sheet, export_pdf(sheet.layout, str(tmp_path / "again.pdf")))
    table = sheet.layout.itemById("findings_table")
    page = sheet.layout.pageCollection().page(0).rect()
    map_rect = sheet.map_item.sceneBoundingRect()
    assert page.contains(table.sceneBoundingRect()) and not map_rect.intersects(table.sceneBoundingRect())


def test_a_table_in_several_columns_reads_from_left_to_right(tmp_path, qgis_app):
    """A 问题清单 too long for one column takes further columns from the map; the first rows are in the
    leftmost column (each new column was placed left of the others: rows 25–46 read before 1–24)."""
    case = dense_case(tmp_path, count=48, per_row=8)                 # landscape: the first column under the legend
    sheet = findings_sheet(*case, tmp_path / "04.pdf")
    frames = sheet.layout.itemById("findings_table").multiFrame().frames()
    assert len(frames) >= 2
    xs = [frame.pos().x() for frame in frames]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)


def test_the_table_breaks_its_lines_between_words_never_inside_one(tmp_path, qgis_app):
    """A desktop walk: '用地用海代码须符合 2023 分类' was printed '…20' / '23 分类' and 已认可例外 as '已认可例' / '外'.
    The 问题清单's columns take their widths from what they hold, and a line ends between words only."""
    from plugin.core.export.findings_sheet import NUMBERS
    from plugin.core.review import decisions
    plan, onemap, findings = dense_case(tmp_path, unknown=1)
    dataset = ogr.Open(findings)
    ids = [f["finding_id"] for f in dataset.GetLayerByName("findings") if f["rule_id"] == "CL-01"]
    dataset = None
    decisions.save(findings, decisions.make(ids[0], "accepted", "设施农业", "晋政函〔2024〕1号", reviewer="张工"))
    carried = decisions.make(ids[1], "false_positive", "田坎", reviewer="张工")
    decisions.save(findings, decisions.Decision(**dict(dataclasses.asdict(carried), review=1)))
    sheet = findings_sheet(plan, onemap, findings, tmp_path / "04.pdf")
    assert sheet.form == NUMBERS
    lines = pdf_layout_lines(tmp_path / "04.pdf")
    for whole, part in (("已认可例外", "已认可例"), ("（需复核）", "需复"), ("2023 分类", "分类")):
        cut = [line for line in lines if part in line and whole not in line]
        assert not cut and any(whole in line for line in lines), (whole, cut)


@pytest.fixture(scope="module")
def realdb(tmp_path_factory, qgis_app):
    from plugin.core.check.engine import verify
    folder = tmp_path_factory.mktemp("realdb")
    findings = str(folder / "findings.gpkg")
    verify(sample("village_realdb"), sample("township_onemap.gpkg"), output=findings)
    return folder, (sample("village_realdb"), sample("township_onemap.gpkg"), findings)


def test_the_real_structure_plan_is_labelled_by_rule_and_area_in_severity_colours(realdb):
    from plugin.core.export.findings_sheet import LABELS, MARK_COLOURS
    from plugin.core.export.report_pdf import export_pdf
    folder, case = realdb
    sheet = findings_sheet(*case, folder / "04.pdf")
    assert sheet.form == LABELS
    labels = assert_every_anchor_labelled_once_without_overlap(sheet, export_pdf(sheet.layout, str(folder / "2.pdf")))
    texts = [" ".join(label.labelText.split()) for label in labels]
    assert "CL-03 10,000 m²" in texts and "CL-08 10,000 m²" in texts         # on one parcel, both readable
    colours = {f["rule_id"]: f["colour"] for f in sheet.marks.getFeatures()}
    assert colours["CL-03"] == "{},{},{}".format(*MARK_COLOURS["error"])
    assert colours["BASE-01"] == "{},{},{}".format(*MARK_COLOURS["info"])       # notes are not in the error red
    assert colours["CL-07"] == "{},{},{}".format(*MARK_COLOURS["warning"])
    labeling = sheet.marks.labeling().settings()
    assert labeling.dataDefinedProperties().property(labeling.Property.Color).field() == "colour"


def report_numbers(findings):
    """{number: rule} of the check report's 问题清单, as the report writes it."""
    from plugin.core.export.report_data import read_report
    from plugin.core.export.report_html import report_html
    html = report_html(read_report(findings))
    return {int(n): rule for n, rule in re.findall(r'<tr><td class="n">(\d+)</td><td>([A-Z]+-\d+) ', html)}


def test_numbers_are_the_report_s_and_decided_findings_say_so(tmp_path, qgis_app):
    import shutil

    from plugin.core.check.engine import verify
    from plugin.core.export.findings_sheet import NUMBERS
    from plugin.core.export.mapsheets import SheetData
    from plugin.core.review import decisions
    findings = str(tmp_path / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=findings)
    dataset = ogr.Open(findings)
    ids = {f["rule_id"]: f["finding_id"] for f in dataset.GetLayerByName("findings")}
    dataset = None
    decisions.save(findings, decisions.make(ids["GEO-04"], "false_positive", "田坎，非碎片", reviewer="张工"))
    carried = decisions.make(ids["KEEP-01"], "accepted", "补划", "晋政函〔2024〕1号", reviewer="张工")
    decisions.save(findings, decisions.Decision(**dict(dataclasses.asdict(carried), review=1)))
    data = SheetData(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), findings)
    expected = report_numbers(findings)
    assert {one.number: one.finding["rule_id"] for one in data.marked}.items() <= expected.items()
    shutil.copy(findings, tmp_path / "copy.gpkg")
    sheet = findings_sheet(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), findings,
                           tmp_path / "04.pdf")
    marks = {f["rule_id"]: f for f in sheet.marks.getFeatures()}
    assert marks["GEO-04"]["mark"] == "false_positive" and "（误报）" in marks["GEO-04"]["label"]
    assert marks["KEEP-01"]["mark"] == "error" and "（需复核）" in marks["KEEP-01"]["label"]   # open until confirmed
    polygons = {f["rule_id"]: f["decision"] for f in sheet.data.findings.getFeatures()}
    assert polygons["KEEP-01"] == "" and polygons["GEO-04"] == "false_positive"       # drawn as open / decided
    if sheet.form == NUMBERS:
        text = "".join(pdf_text(tmp_path / "04.pdf").split())
        assert "误报" in text and "需复核" in text


def test_findings_and_their_labels_are_not_clipped_to_the_village(realdb):
    folder, case = realdb
    sheet = findings_sheet(*case, folder / "clip.pdf")
    clipping = sheet.map_item.atlasClippingSettings()
    assert clipping.enabled() and clipping.restrictToLayers()
    clipped = {layer.id() for layer in clipping.layersToClip()}
    assert sheet.marks.id() not in clipped and sheet.data.findings.id() not in clipped
    assert sheet.data.muted.id() in clipped
