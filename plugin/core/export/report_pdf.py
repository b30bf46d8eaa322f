"""The check report as PDF: the report's HTML flowed through the resources/report_a4.qpt print layout.

QGIS renders the HTML frame by frame, adding A4 pages until the text ends; fonts are embedded.
QGIS builds without QtWebKit (every Qt6 QGIS, Debian 13's 3.40, sid's 3.44) leave an HTML frame empty:
there the same HTML is laid out by Qt's own rich-text engine and paged by report_pages, with the same footer.

The findings file's text is data on both paths: the HTML frame evaluates no QGIS expressions, QtWebKit
runs no script and fetches nothing while it lays the report out (webkit_locked, and the document's
own Content-Security-Policy), and the rich-text document loads no resource.
"""
import contextlib
import math
import os
import re

from qgis.core import (Qgis, QgsExpressionContextUtils, QgsLayoutExporter, QgsLayoutItemHtml, QgsLayoutItemLabel,
                       QgsPrintLayout, QgsProject, QgsReadWriteContext)
from qgis.PyQt.QtXml import QDomDocument

from ..errors import OneMapError
from ..paths import RESOURCES_DIR
from . import fonts, report_pages
from .report_html import RECORD, SIGNATURE

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


def web_settings():
    """QtWebKit's QWebSettings, or None where this QGIS has no QtWebKit (Qt6 and some Qt5 builds)."""
    try:
        from qgis.PyQt.QtWebKit import QWebSettings
    except ImportError:
        return None
    return QWebSettings


def has_webkit():
    """True if this QGIS can render HTML frames (QtWebKit)."""
    return web_settings() is not None


# Switched off while the report is laid out, besides the document's own policy (report_html.POLICY).
LOCKED = ("JavascriptEnabled", "AutoLoadImages", "PluginsEnabled", "LocalContentCanAccessFileUrls",
          "LocalContentCanAccessRemoteUrls")


@contextlib.contextmanager
def webkit_locked():
    """QtWebKit runs no script and loads no image, plugin or file while the block runs; its global
    settings (which every page without its own follows, the HTML frame's included) are restored after."""
    settings = web_settings().globalSettings()
    attributes = [getattr(web_settings().WebAttribute, name) for name in LOCKED]
    before = [settings.testAttribute(attribute) for attribute in attributes]
    for attribute in attributes:
        settings.setAttribute(attribute, False)
    try:
        yield
    finally:
        for attribute, value in zip(attributes, before):
            settings.setAttribute(attribute, value)


def _tails(html):
    """The report's end to keep on one page, longest first: run record and signature, then the signature."""
    end = html.rindex("</body>") if "</body>" in html else len(html)
    return [html[html.index(marker):end] for marker in (RECORD, SIGNATURE) if marker in html]


def _load(item, html):
    item.setHtml(html)
    item.loadHtml()
    return item.totalSize().height()


HEADINGS = ("<h2", "<h3")


def _next_heading(html, start):
    """Where the first heading at or after `start` begins, or -1."""
    return min([found for found in (html.find(tag, start) for tag in HEADINGS) if found >= 0] or [-1])


def _kept_with(html, at):
    """The end of what the heading at `at` must share its page with: its table's header and first body
    row, else its first paragraph or table; a heading right above another keeps with what that heads."""
    following = _next_heading(html, at + 1)
    following = len(html) if following < 0 else following
    body = html.find("<tbody>", at, following)
    row = html.find("</tr>", body, following) if body >= 0 else -1
    if row >= 0:
        return row + len("</tr>")
    closes = {tag: html.find(tag, at, following) for tag in ("</p>", "</table>")}
    ends = [found + len(tag) for tag, found in closes.items() if found >= 0]
    if ends:
        return min(ends)
    return _kept_with(html, following) if following < len(html) else html.index(">", html.index("</h", at)) + 1


def _context_end(html, at):
    """Where CONTEXT_BLOCKS more rows or paragraphs after `at` end (or the end): the page's end, had it
    fallen below what a heading heads, would fall within these, and QGIS looks up from there for its break."""
    ends = [found.end() for _n, found in zip(range(CONTEXT_BLOCKS), BLOCK_END.finditer(html, at))]
    return ends[-1] if len(ends) == CONTEXT_BLOCKS else len(html)


CONTEXT_BLOCKS = 40                      # rows of at least 5 mm: more than the frame's break distance (45 mm)
BLOCK_END = re.compile(r"</(?:tr|p|table|h2|h3)>")


def headings_kept(item, html):
    """`html` with a blank before each heading that a page break would part from the start of what it
    heads, so that the heading starts the next page (QtWebKit ignores `page-break-after: avoid`). A
    prefix of the report lays out as the report does down to the prefix's end, and QGIS breaks a page
    where it finds the fewest colours in a pixel row up to the frame's break distance above the page's end:
    each heading is judged on the prefix before it, the prefix down to the first row it heads and the
    breaks of a prefix reaching well below. The report's end (the run record and the signature,
    keep_together) is not looked at here: its prefixes would be the whole report. A heading that starts
    its page already, or whose first row is taller than a page, stays where it is."""
    end = min([html.find(tail) for tail in (RECORD, SIGNATURE) if tail in html] or [len(html)])
    at = _next_heading(html, 0)
    while 0 <= at < end:
        kept = _kept_with(html, at)
        top, bottom = _load(item, html[:at]), _load(item, html[:kept])
        _load(item, html[:_context_end(html, kept)])
        page = item.frame(0).rect().height()
        parted = [item.frame(index).extent() for index in range(item.frameCount() - 1)
                  if top + 0.5 < item.frame(index).extent().bottom() < bottom - 0.5]
        if parted and parted[0].top() < top - 1.0 and bottom - top < page:
            moved = _past_page(item, html, at, parted[0], top)
            at, end = at + len(moved) - len(html), end + len(moved) - len(html)
            html = moved
        at = _next_heading(html, at + 1)
    return html


PAST_MM = 3.0                     # how far past a page's latest end a moved block starts


def _past_page(item, html, at, frame, top):
    """`html` with a blank at `at` (`top` mm down the HTML) that moves what follows past the latest end of
    the page `frame` shows (QGIS breaks HTML frames where the rendered rows are plain: the blank takes the
    break). The blank's px are measured in mm as the frame renders them; it also stops the margins
    around it collapsing, which only moves what follows a little further."""
    mm = frame.top() + item.frame(0).rect().height() - top + PAST_MM
    low, high = (_load(item, '<div style="height:{}px"></div>'.format(px)) for px in (1, 201))
    per_px = (high - low) / 200
    return html[:at] + '<div style="height:{}px"></div>'.format(math.ceil(1 + mm / per_px) if per_px > 0 else 1) + html[at:]


def keep_together(item, html):
    """Load `html` into the frame, its headings kept with what they head (headings_kept). Where a page
    break would fall inside the report's end — the run record with the signature block, or, if that is
    longer than a page, the signature block alone — move that end past the page (_past_page): a
    signature never stands alone on the last page."""
    html = headings_kept(item, html)
    after = _load(item, html)
    page = item.frame(0).rect().height()
    extents = [item.frame(index).extent() for index in range(item.frameCount() - 1)]   # (y in the HTML, mm)
    for tail in _tails(html):
        before = _load(item, html.replace(tail, ""))
        if after - before > page:
            continue                                    # longer than a page: try the shorter end
        inside = [extent for extent in extents if before - 1.0 < extent.bottom() < after]
        if inside:
            html = _past_page(item, html, html.index(tail), inside[0], before)
        break
    _load(item, html)


FOOTER_TITLE_MAX = 40            # characters of the title the page footer's one line has room for


def footer_title(title):
    """The report title as the footer prints it: shortened with "…" where it would not fit one line."""
    return title if len(title) <= FOOTER_TITLE_MAX else title[:FOOTER_TITLE_MAX - 1] + "…"


def write_report_pdf(html, path, title=""):
    """The report's HTML as an A4 PDF: through the print layout where QtWebKit is there, else QTextDocument.
    The HTML frame evaluates no expressions: `[% … %]` in the data is printed as it stands."""
    if not has_webkit():
        report_pages.write_pdf(html, path, footer_title(title), (RECORD, SIGNATURE))
        return
    with webkit_locked():
        layout = load_template(TEMPLATE)
        QgsExpressionContextUtils.setLayoutVariable(layout, "onemap_report_title", footer_title(title))
        frames = [item for item in layout.multiFrames() if isinstance(item, QgsLayoutItemHtml)]
        if not frames:
            raise OneMapError("版式模板 {} 中没有 HTML 框".format(TEMPLATE), "Template {} has no HTML frame".format(TEMPLATE))
        item = frames[0]
        item.setContentMode(QgsLayoutItemHtml.ContentMode.ManualHtml)
        item.setEvaluateExpressions(False)
        keep_together(item, html)
        footer = layout.itemById("footer")
        if isinstance(footer, QgsLayoutItemLabel):
            repeat_on_every_page(layout, footer)
        export_pdf(layout, path)
