"""Fitting a map sheet's parts into its template: the legend's columns, the title, sheet 04's 问题清单.

The templates (resources/mapsheet_*.qpt) place every item for the common case; here items give room to
what the data brings — a long legend or table takes columns from the map, a long title shrinks, then
wraps onto two lines, and is refused with a message when even that does not fit. A legend whose box
cannot grow (the 图则's) goes into two columns, then smaller text and symbols (LegendFit). The 问题清单's
columns share the template's width by what they hold, and its cells break only where a line may end
(line_breaks: never inside 2023 分类 or 已认可例外).
"""
import functools

from qgis.core import (
    QgsLayoutFrame,
    QgsLayoutItemManualTable,
    QgsLayoutItemPicture,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsLayoutUtils,
    QgsLegendRenderer,
    QgsLegendStyle,
    QgsTableCell,
    QgsTextFormat,
    QgsTextRenderer,
)
from qgis.PyQt.QtCore import QRectF, Qt
from qgis.PyQt.QtGui import QColor, QFont

from ..compat import MILLIMETERS
from ..errors import OneMapError
from . import fonts
from .line_breaks import balanced_lines, break_lines, pieces

TABLE_ID = "findings_table"
WIDEST_SHARE = 2.0                  # a 问题清单 column is given at most this times its template width
TITLE_SHRINK = 0.6                  # the smallest title size, as a share of the template's
GAP_MM = 3.0                        # between the map and a column beside it (× k)
MAP_KEEPS = 0.6                     # legend and table never take more than 40 % of the map's width or height


def scale_factor(legend):
    """1 on A3, 2 on A1: the templates' symbol is 5 mm × k."""
    return legend.symbolHeight() / 5.0


def north_arrow(layout):
    return next((item for item in layout.items() if isinstance(item, QgsLayoutItemPicture)), None)


def _shrink_map_left(layout, map_item, width):
    """The map gives `width` mm on its right; the north arrow moves with the map's right edge."""
    map_item.attemptResize(QgsLayoutSize(map_item.rect().width() - width, map_item.rect().height()))
    north = north_arrow(layout)
    if north is not None and width:
        north.attemptMove(QgsLayoutPoint(north.positionWithUnits().x() - width, north.positionWithUnits().y()))


def _legend_metrics(legend):
    """(row, column width, heading) of the templates' legend, in mm."""
    k = scale_factor(legend)
    return legend.symbolHeight() + 2.6 * k, 58.0 * k, 12.0 * k


def legend_height(legend, lines):
    """The height `lines` legend entries take in one column."""
    row, _width, heading = _legend_metrics(legend)
    return heading + lines * row


def make_room_for_legend(layout, legend, map_item, lines, orientation):
    """Columns for `lines` legend entries; when the template's box is too small the legend grows into
    the map (leftwards on landscape sheets, upwards on portrait ones) so nothing is cut off."""
    row, column_width, heading = _legend_metrics(legend)
    box = legend.sizeWithUnits()
    position = legend.positionWithUnits()
    if orientation == "landscape":
        columns = max(1, -(-lines // max(1, int((box.height() - heading) / row))))
        grow = min(max(0.0, columns * column_width - box.width()), map_item.rect().width() * (1 - MAP_KEEPS))
        legend.attemptMove(QgsLayoutPoint(position.x() - grow, position.y()))
        legend.attemptResize(QgsLayoutSize(box.width() + grow, box.height()))
        _shrink_map_left(layout, map_item, grow)
    else:
        columns = max(1, int(box.width() / column_width))
        needed = -(-lines // columns) * row + heading
        grow = min(max(0.0, needed - box.height()), map_item.rect().height() * (1 - MAP_KEEPS))
        legend.attemptMove(QgsLayoutPoint(position.x(), position.y() - grow))
        legend.attemptResize(QgsLayoutSize(box.width(), box.height() + grow))
        map_item.attemptResize(QgsLayoutSize(map_item.rect().width(), map_item.rect().height() - grow))
        columns = min(columns, max(1, lines))
    legend.setColumnCount(columns)
    legend.setSplitLayer(columns > 1)
    legend.setEqualColumnWidth(columns > 1)


class LegendFit:
    """A legend fitted into its template box as it stands (its content measured as the export draws it):
    STEPS in turn — (columns, share of the template's text and symbol size) — until one fits."""
    STEPS = ((1, 1.0), (2, 1.0), (2, 0.9), (2, 0.8))   # 0.8: 6 pt text on the 图则 (7.5 pt), still legible

    def __init__(self, legend):
        self.legend = legend
        self.font = fonts.legend_font(legend, QgsLegendStyle.Style.SymbolLabel)
        self.symbol = (legend.symbolWidth(), legend.symbolHeight())

    def content_size(self):
        """(width, height) in mm the legend's content takes."""
        renderer = QgsLegendRenderer(self.legend.model(), self.legend.legendSettings())
        size = renderer.minimumSize(QgsLayoutUtils.createRenderContextForLayout(self.legend.layout(), None))
        return size.width(), size.height()

    def fit(self):
        """True when the content fits the box at one of STEPS (the first that does is kept; else the last)."""
        box = self.legend.rect()
        for columns, share in self.STEPS:
            self._set(columns, share)
            width, height = self.content_size()
            if width <= box.width() + 0.01 and height <= box.height() + 0.01:
                return True
        return False

    def _set(self, columns, share):
        font = QFont(self.font)
        font.setPointSizeF(self.font.pointSizeF() * share)
        fonts.set_legend_font(self.legend, QgsLegendStyle.Style.SymbolLabel, font)
        self.legend.setSymbolWidth(self.symbol[0] * share)
        self.legend.setSymbolHeight(self.symbol[1] * share)
        self.legend.setColumnCount(columns)
        self.legend.setSplitLayer(columns > 1)


def set_label_font(label, font):
    if hasattr(label, "setTextFormat"):
        text_format = QgsTextFormat.fromQFont(font)
        text_format.setSize(font.pointSizeF())
        label.setTextFormat(text_format)
    else:
        label.setFont(font)


def label_font(label):
    return label.textFormat().toQFont() if hasattr(label, "textFormat") else label.font()


def text_lines(text, font, width):
    """`text` broken into lines no wider than `width` mm: at its ideographic space first, else where a line
    may end (line_breaks)."""
    def width_of(part):
        return QgsLayoutUtils.textWidthMM(font, part)
    if width_of(text) <= width:
        return [text]
    head, _space, tail = text.rpartition("\u3000")
    if head and width_of(head) <= width and width_of(tail) <= width:
        return [head, tail]
    return break_lines(text, width_of, width)


def fit_title(label, title, suffix=""):
    """Set `title` + `suffix` on the title label: at the template's size if it fits on one line, else
    smaller, then on two lines; OneMapError, naming how long `title` may be, when it does not fit at
    TITLE_SHRINK of the size on two lines. Returns the text (lines joined by newlines)."""
    text = title + suffix
    font = label_font(label)
    size = font.pointSizeF()
    width, height = label.rect().width() - 4.0, label.rect().height()
    points = size
    while points >= size * TITLE_SHRINK:
        font.setPointSizeF(points)
        for count in (1, 2):
            lines = text_lines(text, font, width)
            if len(lines) <= count and count * QgsLayoutUtils.fontHeightMM(font) * 1.1 <= height:
                set_label_font(label, font)
                return "\n".join(lines)
        points -= 1.0
    room = 2 * int(width / max(QgsLayoutUtils.textWidthMM(font, "国"), 0.1)) - len(suffix)
    raise OneMapError("图名过长（标题 {} 字），图名栏只容纳约 {} 字；请缩短标题（TITLE）".format(len(title), room),
                      "The title is too long ({} characters); the title box holds about {}: shorten TITLE".format(
                          len(title), room))


def fits_one_line(label, text):
    """True when `text` fits on one line of the label at its size."""
    return QgsLayoutUtils.textWidthMM(label_font(label), text) <= label.rect().width()


def findings_table(layout):
    """The template's 问题清单 (QgsLayoutItemManualTable) and its frame, or (None, None)."""
    frame = layout.itemById(TABLE_ID)
    if not isinstance(frame, QgsLayoutFrame) or not isinstance(frame.multiFrame(), QgsLayoutItemManualTable):
        return None, None
    return frame.multiFrame(), frame


def table_width(table):
    """The width the table's columns take, with cell margins and grid lines."""
    widths = table.columnWidths()
    return sum(widths) + len(widths) * 2 * table.cellMargin() + (len(widths) + 1) * table.gridStrokeWidth()


def remove_findings_table(layout):
    table, _frame = findings_table(layout)
    if table is not None:
        layout.removeMultiFrame(table)


def _cells(table, rows, colours):
    """Table contents aligned as the template's headers; the first cell of a row with a colour is that
    colour, its number white."""
    aligns = [header.hAlignment() for header in table.headers()]
    contents = []
    for row, colour in zip(rows, colours):
        cells = [QgsTableCell(value) for value in row]
        for cell, align in zip(cells, aligns):
            cell.setHorizontalAlignment(align)
            cell.setVerticalAlignment(Qt.AlignmentFlag.AlignVCenter)
        if colour is not None:
            cells[0].setBackgroundColor(QColor(*colour))
            cells[0].setForegroundColor(QColor(255, 255, 255))
        contents.append(cells)
    return contents


def _line_mm(text_format):
    """The height a table line takes (measured: 0.95 of the font's height)."""
    return QgsLayoutUtils.fontHeightMM(text_format.toQFont()) * 0.95


def _measure(layout, text_format):
    """A text's width in mm as a layout table measures its cells (QgsTextRenderer, not the QFont's)."""
    context = QgsLayoutUtils.createRenderContextForLayout(layout, None)
    mm = context.convertToPainterUnits(1, MILLIMETERS)
    return lambda text: QgsTextRenderer.textWidth(context, text_format, [text]) / mm


def share_width(narrowest, widest, total):
    """Column widths adding up to `total`: each column its `narrowest` (its longest piece), then, the columns
    wanting least first, its `widest` (its texts on one line) while the rest allows — the column left short
    (a sentence's, wrapped anyway) takes what remains; all whole, the rest is shared as they are wide."""
    if sum(narrowest) >= total:
        return [width * total / sum(narrowest) for width in narrowest]
    widths, rest = list(narrowest), total - sum(narrowest)
    for index in sorted(range(len(widths)), key=lambda index: widest[index] - narrowest[index]):
        grant = min(rest, widest[index] - narrowest[index])
        widths[index] += grant
        rest -= grant
    return [width * total / sum(widths) for width in widths]


def fit_columns(table, rows):
    """The template's table width shared among its columns by what `rows` put in them (share_width); a
    header stays on one line. A column asks for its longest piece up to its width in the template, and for
    its texts whole up to WIDEST_SHARE times that: a URL or a long rule id of one's own is cut or wrapped
    rather than squeeze the 问题 column."""
    content = functools.lru_cache(maxsize=None)(_measure(table.layout(), table.contentTextFormat()))
    header = _measure(table.layout(), table.headerTextFormat())
    template = table.columnWidths()
    narrowest, widest = [], []
    for index, column in enumerate(table.headers()):
        texts = {row[index] for row in rows if row[index]}
        heading = header(column.heading())
        longest = max([0.0] + [content(piece.rstrip()) for text in texts for piece in pieces(text)])
        narrowest.append(max(heading, min(longest, template[index])))
        widest.append(max(narrowest[-1], min(max([heading] + [content(text) for text in texts]),
                                             WIDEST_SHARE * template[index])))
    table.setColumnWidths(share_width(narrowest, widest, sum(template)))


def wrap_cells(table, rows, max_lines=2):
    """Rows with each cell broken into lines that fit its column where a line may end (line_breaks: QGIS
    wraps only at spaces, and Chinese has none); a cell longer than `max_lines` ends in …."""
    width_of = functools.lru_cache(maxsize=None)(_measure(table.layout(), table.contentTextFormat()))

    @functools.lru_cache(maxsize=None)                # a rule's title is in many rows
    def wrapped(text, width):
        lines = break_lines(text, width_of, width, limit=max_lines)
        if len(lines) > max_lines:                    # as much as fits, then …
            lines = lines[:max_lines]
            while lines[-1] and width_of(lines[-1] + "…") > width:
                lines[-1] = lines[-1][:-1]
            lines[-1] += "…"
        elif len(lines) > 1:
            lines = balanced_lines(text, width_of, width)
        return "\n".join(lines)
    return [[wrapped(text, width) if text else text for text, width in zip(row, table.columnWidths())]
            for row in rows]


def _heights(table, rows):
    """(header height, [height of each row]) in mm, as QGIS lays them out (cell margins, grid, lines)."""
    extra = 2 * table.cellMargin() + table.gridStrokeWidth() + 0.2
    header = _line_mm(table.headerTextFormat()) + extra
    line = _line_mm(table.contentTextFormat())
    return header, [max(cell.count("\n") + 1 for cell in row) * line + extra for row in rows]


def _fitting(header, heights, frames):
    """How many rows the frames show, each frame holding the header and whole rows."""
    shown = 0
    for frame in frames:
        room = frame.rect().height() - header
        while shown < len(heights) and heights[shown] <= room:
            room -= heights[shown]
            shown += 1
    return shown


def _left_to_right(frames):
    """Give the table's frames their places from left to right in the order they fill (each new one was
    placed at the map's new right edge, left of the others: rows 25–46 read before 1–24)."""
    rects = sorted((QRectF(frame.pos().x(), frame.pos().y(), frame.rect().width(), frame.rect().height())
                    for frame in frames), key=lambda rect: rect.x())
    for frame, rect in zip(frames, rects):
        frame.attemptSetSceneRect(rect)


def place_findings_table(layout, legend, legend_lines, map_item, rows, colours, orientation, more_text):
    """Fill the 问题清单 with `rows` (first cell coloured by `colours`) and place it: under the legend on a
    landscape sheet, beside the map on a portrait one, taking further columns from the map while it keeps
    MAP_KEEPS of its width. When rows still do not fit, the last shown says `more_text(n)` (the report
    lists them). Returns the number of findings listed."""
    table, frame = findings_table(layout)
    fit_columns(table, rows)
    k = scale_factor(legend)
    gap, width = GAP_MM * k, table_width(table)
    top, bottom = map_item.pos().y(), map_item.pos().y() + map_item.rect().height()
    if orientation == "landscape":
        height = legend_height(legend, legend_lines)
        legend.attemptResize(QgsLayoutSize(legend.rect().width(), height))
        first = QRectF(legend.pos().x(), legend.pos().y() + height + gap, width, bottom - legend.pos().y() - height - gap)
    else:
        _shrink_map_left(layout, map_item, width + gap)
        first = QRectF(map_item.pos().x() + map_item.rect().width() + gap, top, width, bottom - top)
    frame.attemptSetSceneRect(first)
    frames = [frame]
    rows = wrap_cells(table, rows)
    header, heights = _heights(table, rows)
    limit = map_item.rect().width() * MAP_KEEPS
    while _fitting(header, heights, frames) < len(rows) and map_item.rect().width() - width - gap >= limit:
        _shrink_map_left(layout, map_item, width + gap)
        extra = QgsLayoutFrame(layout, table)
        extra.attemptSetSceneRect(QRectF(map_item.pos().x() + map_item.rect().width() + gap, top, width, bottom - top))
        table.addFrame(extra)
        frames.append(extra)
        _left_to_right(frames)
    shown = _fitting(header, heights, frames)
    if shown < len(rows):
        more = wrap_cells(table, [["", "", more_text(len(rows)), "", ""]])
        while shown and _fitting(header, heights[:shown] + _heights(table, more)[1], frames) <= shown:
            shown -= 1
        more = wrap_cells(table, [["", "", more_text(len(rows) - shown), "", ""]])
        rows, colours = rows[:shown] + more, colours[:shown] + [None]
    table.setTableContents(_cells(table, rows, colours))
    return shown
