"""The check report as PDF: the report's HTML flowed through the resources/report_a4.qpt print layout.

QGIS renders the HTML frame by frame, adding A4 pages until the text ends; fonts are embedded.
"""
import os

from qgis.core import (Qgis, QgsExpressionContextUtils, QgsLayoutExporter, QgsLayoutItemHtml, QgsLayoutItemLabel,
                       QgsPrintLayout, QgsProject, QgsReadWriteContext)
from qgis.PyQt.QtXml import QDomDocument

from ..errors import OneMapError
from ..paths import RESOURCES_DIR

TEMPLATE = "report_a4.qpt"


def load_template(name, project=None):
    """A print layout from resources/<name> (a .qpt template)."""
    path = os.path.join(RESOURCES_DIR, name)
    document = QDomDocument()
    with open(path, encoding="utf-8") as handle:
        document.setContent(handle.read())
    layout = QgsPrintLayout(project or QgsProject.instance())
    _items, ok = layout.loadFromTemplate(document, QgsReadWriteContext())
    if not ok:
        raise OneMapError("无法读取版式模板 {}".format(path), "Cannot read the layout template {}".format(path))
    return layout


def export_pdf(layout, path):
    """Export a layout to PDF (text as text, fonts embedded); OneMapError on failure."""
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = 300
    settings.rasterizeWholeImage = False
    settings.forceVectorOutput = True
    settings.textRenderFormat = Qgis.TextRenderFormat.AlwaysText      # searchable, fonts embedded
    result = QgsLayoutExporter(layout).exportToPdf(path, settings)
    if result != QgsLayoutExporter.ExportResult.Success:
        raise OneMapError("导出 PDF 失败：{}".format(path), "PDF export failed: {}".format(path))


def repeat_on_every_page(layout, item):
    """A copy of a page-1 label (the footer) at the same place on every further page."""
    for page in range(1, layout.pageCollection().pageCount()):
        copy = QgsLayoutItemLabel(layout)
        copy.setText(item.text())
        if hasattr(item, "textFormat"):
            copy.setTextFormat(item.textFormat())
        else:
            copy.setFont(item.font())
        copy.setHAlign(item.hAlign())
        copy.setVAlign(item.vAlign())
        layout.addLayoutItem(copy)
        copy.attemptResize(item.sizeWithUnits())
        copy.attemptMove(item.positionWithUnits(), True, False, page)


def write_report_pdf(html, path, title=""):
    layout = load_template(TEMPLATE)
    QgsExpressionContextUtils.setLayoutVariable(layout, "onemap_report_title", title)
    frames = [item for item in layout.multiFrames() if isinstance(item, QgsLayoutItemHtml)]
    if not frames:
        raise OneMapError("版式模板 {} 中没有 HTML 框".format(TEMPLATE), "Template {} has no HTML frame".format(TEMPLATE))
    item = frames[0]
    item.setContentMode(QgsLayoutItemHtml.ContentMode.ManualHtml)
    item.setHtml(html)
    item.loadHtml()
    footer = layout.itemById("footer")
    if isinstance(footer, QgsLayoutItemLabel):
        repeat_on_every_page(layout, footer)
    export_pdf(layout, path)
