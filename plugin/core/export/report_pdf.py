"""The check report as PDF: the report's HTML flowed through the resources/report_a4.qpt print layout.

QGIS renders the HTML frame by frame, adding A4 pages until the text ends; fonts are embedded.
QGIS builds without QtWebKit (Debian 13's 3.40, sid's 3.44) leave an HTML frame empty: there the
same HTML is laid out by Qt's own rich-text engine onto A4 pages with the same footer.
"""
import os

from qgis.core import (Qgis, QgsExpressionContextUtils, QgsLayoutExporter, QgsLayoutItemHtml, QgsLayoutItemLabel,
                       QgsPrintLayout, QgsProject, QgsReadWriteContext)
from qgis.PyQt.QtXml import QDomDocument

from ..errors import OneMapError
from ..paths import RESOURCES_DIR
from . import fonts

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
    return fonts.apply_to_layout(layout)


def export_pdf(layout, path):
    """Export a layout to PDF (text as text, fonts embedded); OneMapError on failure. Returns the exporter."""
    settings = QgsLayoutExporter.PdfExportSettings()
    settings.dpi = 300
    settings.rasterizeWholeImage = False
    settings.forceVectorOutput = True
    settings.textRenderFormat = Qgis.TextRenderFormat.AlwaysText      # searchable, fonts embedded
    exporter = QgsLayoutExporter(layout)
    if exporter.exportToPdf(path, settings) != QgsLayoutExporter.ExportResult.Success:
        raise OneMapError("导出 PDF 失败：{}".format(path), "PDF export failed: {}".format(path))
    fonts.fix_text_layer(path)
    return exporter                   # its labelingResults() say where the map items' labels went


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


def has_webkit():
    """True if this QGIS can render HTML frames (QtWebKit; Qt6 and some Qt5 builds have none)."""
    try:
        from qgis.PyQt import QtWebKit  # noqa: F401
        return True
    except ImportError:
        return False


def write_text_document_pdf(html, path, margin_mm=18.0):
    """The HTML laid out by QTextDocument on A4 pages, "第 i 页 共 n 页" under each; text stays text."""
    from qgis.PyQt.QtCore import QMarginsF, QRectF, QSizeF
    from qgis.PyQt.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

    from . import FONT
    writer = QPdfWriter(path)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(margin_mm, margin_mm, margin_mm, margin_mm), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDefaultFont(QFont(FONT, 10))
    document.setHtml(html)
    footer_height = writer.resolution() * 10 / 25.4               # 10 mm under the text
    page = QSizeF(writer.width(), writer.height() - footer_height)
    document.setPageSize(page)
    pages = document.pageCount()
    footer = QTextDocument()
    footer.documentLayout().setPaintDevice(writer)
    footer.setDefaultFont(QFont(FONT, 9))
    footer.setTextWidth(page.width())
    painter = QPainter(writer)
    for index in range(pages):
        if index:
            writer.newPage()
        painter.save()
        painter.translate(0, -index * page.height())
        document.drawContents(painter, QRectF(0, index * page.height(), page.width(), page.height()))
        painter.restore()
        footer.setHtml('<p align="center">第 {} 页 共 {} 页</p>'.format(index + 1, pages))
        painter.save()
        painter.translate(0, writer.height() - footer.size().height())
        footer.drawContents(painter)
        painter.restore()
    if not painter.end():
        raise OneMapError("导出 PDF 失败：{}".format(path), "PDF export failed: {}".format(path))


def _load(item, html):
    item.setHtml(html)
    item.loadHtml()
    return item.totalSize().height()


def keep_signature_together(item, html):
    """Load `html` into the frame; when a page break would fall inside the signature block, push the
    block to the next page with a blank spacer (QGIS breaks HTML frames where the rendered rows are
    plain, so the spacer takes the break)."""
    from .report_html import SIGNATURE
    before = _load(item, html.replace(SIGNATURE, "")) if SIGNATURE in html else None
    after = _load(item, html)
    if before is None:
        return
    breaks = [item.frame(index).extent().bottom() for index in range(item.frameCount() - 1)]
    inside = [bottom for bottom in breaks if before - 1.0 < bottom < after]
    if not inside:
        return
    px = 200
    spacer = '<div style="height:{}px"></div>'
    per_px = (_load(item, html.replace(SIGNATURE, spacer.format(px) + SIGNATURE)) - after) / px   # mm per px
    needed = (inside[0] - before + 3.0) / per_px if per_px > 0 else 0
    _load(item, html.replace(SIGNATURE, spacer.format(int(needed) + 1) + SIGNATURE))


def write_report_pdf(html, path, title=""):
    if not has_webkit():
        write_text_document_pdf(html, path)
        return
    layout = load_template(TEMPLATE)
    QgsExpressionContextUtils.setLayoutVariable(layout, "onemap_report_title", title)
    frames = [item for item in layout.multiFrames() if isinstance(item, QgsLayoutItemHtml)]
    if not frames:
        raise OneMapError("版式模板 {} 中没有 HTML 框".format(TEMPLATE), "Template {} has no HTML frame".format(TEMPLATE))
    item = frames[0]
    item.setContentMode(QgsLayoutItemHtml.ContentMode.ManualHtml)
    keep_signature_together(item, html)
    footer = layout.itemById("footer")
    if isinstance(footer, QgsLayoutItemLabel):
        repeat_on_every_page(layout, footer)
    export_pdf(layout, path)
