"""The exports' Chinese font (issue 22): the first installed of a list, set on every layout; PDF text
searchable whichever is picked — also on a machine without WenQuanYi (a subprocess whose fontconfig
knows Noto CJK only), where Noto CJK is used and its radicals are written back as the ideographs they draw."""
import os
import subprocess
import sys

import pytest

from conftest import ROOT, sample
from export_helpers import pdf_fonts, pdf_text, radicals, render_page

# Only the Noto CJK folder (and DejaVu: QGIS 3.22 crashed without a Latin font). A <rejectfont> on top of
# the system's fonts.conf hid WenQuanYi from Qt on QGIS 3.22 but not on 3.40, which listed it all the same.
WITHOUT_WQY = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/opentype/noto</dir>
  <dir>/usr/share/fonts/truetype/dejavu</dir>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""
EXPORT = """
import sys
sys.path.insert(0, {root!r})
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
from qgis.PyQt.QtGui import QFontDatabase
from plugin.core.check.engine import verify
from plugin.core.export import fonts
from plugin.core.export.mapsheets import export_mapsheets
from plugin.core.export.report import export_report
print("installed:", [f for f in QFontDatabase().families() if "WenQuanYi" in f])
print("family:", fonts.family())
findings = {out!r} + "/findings.gpkg"
verify({plan!r}, {onemap!r}, output=findings)
export_mapsheets({plan!r}, {onemap!r}, {out!r} + "/sheets", findings)
export_report(findings, {out!r} + "/report.pdf")
app.exitQgis()
"""


def test_every_text_item_of_a_loaded_layout_takes_the_first_installed_candidate(qgis_app):
    from qgis.core import QgsLayoutItemLabel, QgsLayoutItemLegend, QgsLayoutItemScaleBar, QgsProject
    from qgis.PyQt.QtGui import QFontDatabase

    from plugin.core.export import fonts
    from plugin.core.export.report_pdf import load_template
    installed = {name.casefold() for name in QFontDatabase().families()}
    first = next(names[0] for names in fonts.CANDIDATES if any(n.casefold() in installed for n in names))
    assert fonts.family() == first
    project = QgsProject()
    layout = load_template("mapsheet_A3_landscape.qpt", project)
    families = []
    for item in layout.items():
        if isinstance(item, QgsLayoutItemLabel):
            families.append(item.textFormat().font().family() if hasattr(item, "textFormat") else item.font().family())
        elif isinstance(item, (QgsLayoutItemLegend,)):
            families += [fonts.legend_font(item, part).family() for part in fonts.LEGEND_PARTS]
        elif isinstance(item, QgsLayoutItemScaleBar):
            families.append(item.textFormat().font().family())
    assert families and set(families) == {first}


def test_legend_fonts_set_through_the_text_format_without_deprecation_warnings(qgis_app):
    """QGIS 3.30+ deprecates QgsLegendStyle.font()/setStyleFont() (a "Python警告" in the log per sheet):
    the legend's parts take the export family, at the template's sizes, through their text format there."""
    import warnings

    from qgis.core import QgsLegendStyle, QgsPrintLayout, QgsProject, QgsReadWriteContext
    from qgis.PyQt.QtXml import QDomDocument

    from plugin.core.export import fonts
    from plugin.core.export.report_pdf import load_template
    from plugin.core.export.sheet_layout import LegendFit
    document = QDomDocument()
    with open(os.path.join(ROOT, "resources", "mapsheet_A3_landscape.qpt"), encoding="utf-8") as handle:
        document.setContent(handle.read())
    project = QgsProject()
    template = QgsPrintLayout(project)
    template.loadFromTemplate(document, QgsReadWriteContext())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sizes = [fonts.legend_font(template.itemById("legend"), part).pointSizeF() for part in fonts.LEGEND_PARTS]
        layout = load_template("mapsheet_A3_landscape.qpt", project)         # kept: the legend is its item
        legend = layout.itemById("legend")
        LegendFit(legend)._set(2, 0.8)
    assert [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)] == []
    parts = [fonts.legend_font(legend, part) for part in fonts.LEGEND_PARTS]
    assert {font.family() for font in parts} == {fonts.family()}
    assert [font.pointSizeF() for font in parts[:3]] == sizes[:3] and min(sizes) >= 6
    assert parts[3].pointSizeF() == pytest.approx(sizes[3] * 0.8)                # LegendFit shrank the entries
    assert parts[0].bold() and legend.style(QgsLegendStyle.Style.Title) is not None


def test_radicals_in_a_pdf_text_layer_become_the_ideographs_they_draw(qgis_app, tmp_path, monkeypatch):
    from qgis.PyQt.QtGui import QFont, QPainter, QPdfWriter

    from plugin.core.export import fonts
    path = str(tmp_path / "noto.pdf")
    writer = QPdfWriter(path)
    painter = QPainter(writer)
    painter.setFont(QFont("Noto Sans CJK SC", 20))
    painter.drawText(100, 300, "第一页 见风 一张图核对成果图")
    painter.end()
    before = pdf_text(path)
    assert radicals(before)                                 # what Qt writes with Noto: ⼀ ⻚ ⻅ ⻛
    size = os.path.getsize(path)
    monkeypatch.setattr(fonts, "family", lambda: "Noto Sans CJK SC")
    assert fonts.fix_text_layer(path) >= 4
    after = pdf_text(path)
    assert radicals(after) == [] and "第一页 见风 一张图核对成果图" in after
    assert os.path.getsize(path) == size                    # entries rewritten in place: the xref still holds
    assert subprocess.run(["pdfinfo", path], capture_output=True).returncode == 0


def test_without_wenquanyi_the_exports_use_noto_and_stay_searchable(qgis_app, tmp_path):
    (tmp_path / "cache").mkdir()
    config = tmp_path / "fonts.conf"
    config.write_text(WITHOUT_WQY.format(cache=tmp_path / "cache"), encoding="utf-8")
    script = tmp_path / "export.py"
    script.write_text(EXPORT.format(root=ROOT, out=str(tmp_path), plan=sample("village_conflicts.gpkg"),
                                    onemap=sample("township_onemap.gpkg")), encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(config), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "installed: []" in done.stdout and "family: Noto Sans CJK SC" in done.stdout
    for path, words in ((tmp_path / "sheets" / "04_一张图核对成果图.pdf", "一张图核对成果图"),
                        (tmp_path / "sheets" / "01_国土空间用途规划图.pdf", "编制日期"),
                        (tmp_path / "report.pdf", "一张图核对报告")):
        fonts = pdf_fonts(path)
        assert any("NotoSansCJK" in name for name, _type, _embedded in fonts), fonts
        assert not any("WenQuanYi" in name for name, _type, _embedded in fonts)
        assert all(embedded for _name, _type, embedded in fonts)
        text = pdf_text(path)
        assert radicals(text) == [] and words in "".join(text.split()), path
    assert os.path.getsize(render_page(tmp_path / "sheets" / "04_一张图核对成果图.pdf", tmp_path / "look", dpi=40))
