"""The report's A4 pages where QGIS has no QtWebKit (every Qt6 QGIS, Debian's 3.40 and 3.44): Qt's own
rich-text engine lays out the report's HTML, and the pages are made here.

Qt pages a long document by cutting it wherever a page ends — through a table row, under a heading. So the
body is cut into what must stay whole (a paragraph, a table row), each heading bound to what follows it and
the report's end (run record and signature) to one page where it fits; pages are filled with these in turn,
each page its own document, measured as Qt lays it out. A table continued on a further page repeats its
header row. Under each page the footer of the print layout (report_a4.qpt): the title and 第 i 页 共 n 页.

The document loads no resource (TextDocument): the findings file's text stays text.
"""
import re
from dataclasses import dataclass

from qgis.PyQt.QtCore import QMarginsF, QRectF, QSizeF, Qt
from qgis.PyQt.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument, QTextOption

from ..errors import OneMapError
from . import fonts

# The print layout's geometry (resources/report_a4.qpt, mm): the text from 15 mm to 282 mm, 15 mm either
# side; the footer's line from 285 mm to 291 mm, right-aligned in 8 pt.
MARGIN_MM, TEXT_HEIGHT_MM, FOOTER_TOP_MM, FOOTER_HEIGHT_MM, FOOTER_PT = 15.0, 267.0, 270.0, 6.0, 8
HEADINGS = ("h1", "h2", "h3", "h4")
VOID = ("br", "hr", "img", "meta", "col", "wbr")
RULE = "<hr style='margin:0'/>"     # the line under a section heading (Qt draws no border under a block)
NOTE = re.compile(r"<p\s+class=.small\b")
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")


class TextDocument(QTextDocument):
    """Qt's rich-text document that loads nothing: no image or style sheet, local or remote. An image
    is one transparent pixel (given nothing, Qt would read the <img> source as a file name itself)."""

    def loadResource(self, kind, url):  # noqa: N802
        if kind != QTextDocument.ResourceType.ImageResource:
            return None
        blank = QImage(1, 1, QImage.Format.Format_ARGB32)
        blank.fill(0)
        return blank


@dataclass
class Piece:
    """What a page break never cuts: a body element, or one row of a table (`table`: the table's opening
    tag and header, which a page holding the row repeats)."""
    html: str
    table: tuple = None
    heading: bool = False
    note: bool = False          # a note under a table (class "small"): kept with the table's last row


def _elements(body):
    """The top-level elements of `body` as (tag, start, end) offsets; text between them is dropped."""
    depth, start, found = 0, None, []
    for match in TAG.finditer(body):
        closing, tag = match.group(1), match.group(2).lower()
        if tag in VOID or match.group(3):
            if depth == 0:
                found.append((tag, match.start(), match.end()))
            continue
        if not closing:
            if depth == 0:
                start, top = match.start(), tag
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                found.append((top, start, match.end()))
    return found


def _children(element):
    """The (tag, html) of one element's top-level children."""
    opening = TAG.match(element).group(0)
    inside = element[len(opening):element.rindex("</")]
    return [(tag, inside[start:end]) for tag, start, end in _elements(inside)]


def _rows(table):
    """A table's (opening tag, header html, [row html]): the header is its <thead>, or else none."""
    head, rows = "", []
    for tag, html in _children(table):
        if tag == "thead":
            head = html
        elif tag == "tbody":
            rows += [row for _tag, row in _children(html)]
        elif tag == "tr":
            rows.append(html)
    return TAG.match(table).group(0), head, rows


def pieces(body):
    """The body cut into Pieces, in order."""
    found = []
    for tag, start, end in _elements(body):
        element = body[start:end]
        if tag == "table":
            opening, head, rows = _rows(element)
            found += [Piece(row, (opening, head)) for row in rows] or [Piece(element)]
        else:
            note = bool(found) and (found[-1].table is not None or found[-1].note) and NOTE.match(element) is not None
            found.append(Piece(element, heading=tag in HEADINGS, note=note))
    return found


def page_html(head, page):
    """One page's document: the report's <head>, then its pieces, a table's rows inside their table."""
    parts, table = [head], None
    for piece in page:
        if piece.table != table and table is not None:
            parts.append("</tbody></table>")
        if piece.table is not None and piece.table != table:
            parts.append("{}{}<tbody>".format(*piece.table))
        table = piece.table
        parts.append(piece.html + (RULE if piece.html.startswith("<h2") else ""))
    if table is not None:
        parts.append("</tbody></table>")
    return "".join(parts) + "</body></html>"


def groups(found, end_markers):
    """(groups, ends): the pieces bound into groups, a heading with what follows it (a table's first row), a
    table's notes with its last row, and the indexes of the groups each of the report's ends starts with (`end_markers`: the html each
    starts with, longest end first)."""
    bound, group = [], []
    for piece in found:
        if piece.note and bound and not group:
            bound[-1].append(piece)
            continue
        group.append(piece)
        if not piece.heading:
            bound.append(group)
            group = []
    if group:
        bound.append(group)
    ends = []
    for marker in end_markers:
        index = next((i for i, g in enumerate(bound) if marker.startswith(g[0].html)), None)
        if index is not None:
            ends.append(index)
    return bound, ends


class Pager:
    """Lays page documents out on `writer` at the text area's size. Whether a page fits is measured on one
    document kept for the purpose: a document made and dropped for each try (hundreds a report) let
    sip hand a new document's layout the wrapper of a deleted one in a worker thread (QGIS 3.40: "wrapped
    C/C++ object of type QAbstractTextDocumentLayout has been deleted", one export in two)."""

    def __init__(self, writer, head):
        self.writer, self.head = writer, head
        self.size = QSizeF(writer.width(), writer.resolution() * TEXT_HEIGHT_MM / 25.4)
        self._measure = self._new()

    def _new(self):
        document = TextDocument()
        document.documentLayout().setPaintDevice(self.writer)
        document.setDefaultFont(fonts.font(10))
        document.setPageSize(self.size)
        return document

    def document(self, page):
        """A document of its own for `page` (kept by the caller while it is drawn)."""
        document = self._new()
        document.setHtml(page_html(self.head, page))
        return document

    def fits(self, page):
        self._measure.setHtml(page_html(self.head, page))
        return self._measure.pageCount() == 1

    def pages(self, bound, ends):
        """[[Piece]] per page: groups added in turn, a new page where the next one would not fit — but not
        for a group taller than a page (a row of a 1 000-character message), which runs on from where it
        is, as Qt pages it: a new page would leave this one blank and part the group anyway. The end
        from ends[k] on goes as one group when it fits on a page, else the next shorter end is tried."""
        for index in ends:
            end = [piece for group in bound[index:] for piece in group]
            if self.fits(end):
                bound = bound[:index] + [end]
                break
        pages, page = [], []
        for group in bound:
            if page and not self.fits(page + group) and self.fits(group):
                pages.append(page)
                page = []
            page = page + group
        return pages + [page]


def _split(html):
    """(everything up to and including <body …>, the body)."""
    match = re.search(r"<body\b[^>]*>", html)
    if match is None:
        return "<html><body>", html
    body = html[match.end():]
    return html[:match.end()], body[:body.rindex("</body>")] if "</body>" in body else body


def write_pdf(html, path, title="", end_markers=()):
    """The report's HTML on A4 pages as a PDF at `path`; text stays text, fonts are embedded. `title` leads
    the footer; `end_markers`: the headings (as html) of the report's ends to keep on one page, longest first."""
    writer = QPdfWriter(path)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    bottom = 297.0 - MARGIN_MM - FOOTER_TOP_MM - FOOTER_HEIGHT_MM
    writer.setPageMargins(QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, bottom), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    head, body = _split(html)
    pager = Pager(writer, head)
    bound, ends = groups(pieces(body), end_markers)
    documents = [pager.document(page) for page in pager.pages(bound, ends)]
    sheets = [(document, index) for document in documents for index in range(document.pageCount())]
    height = pager.size.height()
    mm = writer.resolution() / 25.4
    footer = QRectF(0, FOOTER_TOP_MM * mm, writer.width(), FOOTER_HEIGHT_MM * mm)
    painter = QPainter(writer)
    painter.setFont(fonts.font(FOOTER_PT))
    align = QTextOption(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    for number, (document, index) in enumerate(sheets, 1):
        if number > 1:
            writer.newPage()
        painter.save()
        painter.translate(0, -index * height)      # a piece longer than a page runs on as Qt pages it
        document.drawContents(painter, QRectF(0, index * height, pager.size.width(), height))
        painter.restore()
        painter.drawText(footer, footer_text(title, number, len(sheets)), align)
    if not painter.end():
        raise OneMapError("导出 PDF 失败：{}".format(path), "PDF export failed: {}".format(path))
    fonts.fix_text_layer(path)


def footer_text(title, number, pages):
    """'杜村村庄规划一张图核对报告　　第 2 页 共 5 页', as the print layout's footer reads."""
    return "{}第 {} 页 共 {} 页".format(title + "　　" if title else "", number, pages)
