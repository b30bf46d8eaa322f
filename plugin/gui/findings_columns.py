"""How the findings tree uses its width: the status and figure columns as wide as their widest line of
text (a status gives each qualifier — 已决定 1/1, 编辑前 — a line of its own), the message column the rest
(a status wraps only where the messages would keep less than MESSAGE_SHARE), and rows as tall as their
text wrapped in every column — nothing is cut.
"""
import math

from qgis.PyQt.QtCore import QRect, QSize
from qgis.PyQt.QtGui import QTextLayout, QTextOption
from qgis.PyQt.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

SIZED_COLUMNS = range(1, 5)             # status, count, area m², area 亩
MESSAGE_SHARE = 0.4                     # the share of the tree the message column keeps at least
LINE_SEPARATOR = "\u2028"               # what a view item paints a "\n" of its text as


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their text wrapped the way the style paints it, at the cell's real width (a tree
    view asks for one line, and a longer text is elided: "+0.0…")."""

    def __init__(self, view):
        super().__init__(view)
        self.view = view

    def sizeHint(self, option, index):  # noqa: N802
        hint = super().sizeHint(option, index)
        width = self.view.columnWidth(index.column())
        if index.column() == 0:                               # the branch area of each level is not the cell's
            depth, parent = 1 if self.view.rootIsDecorated() else 0, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= self.view.indentation() * depth
        cell = QStyleOptionViewItem(option)
        self.initStyleOption(cell, index)
        cell.rect = QRect(0, 0, width, hint.height())
        style = self.view.style()
        text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, cell, self.view)
        height, _widest = wrapped(cell.text, cell.font, text.width() - text_margin(self.view, air=0))
        return QSize(hint.width(), max(hint.height(), math.ceil(height) + 4))


def wrapped(text, font, width):
    """(height, widest line) of `text` laid out in lines of `width` px, breaking between words as a view
    item does (a word wider than the line stays whole: the view would elide it)."""
    if not text or width <= 0:
        return 0.0, 0.0
    layout = QTextLayout(text.replace("\n", LINE_SEPARATOR), font)      # as the view paints a line break
    wrap = QTextOption()
    wrap.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(wrap)
    layout.beginLayout()
    height = widest = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        height, widest = height + line.height(), max(widest, line.naturalTextWidth())
    layout.endLayout()
    return height, widest


def text_margin(view, air=6):
    """What the style puts around a cell's text (both sides), plus a little air."""
    return 2 * (view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1) + air


def widest_word(metrics, texts):
    """The widest run of a text without a space: a column narrower than it cuts that word."""
    return max([metrics.horizontalAdvance(word) for text in texts for word in text.split()] + [0])


def fit_columns(view, model, rows=None):
    """Size the status and figure columns to their widest text (the header's too). `rows`: the rule
    rows a live re-check touched — then the columns only grow, so the tree does not twitch."""
    header, metrics = view.header(), view.fontMetrics()
    widths, status_texts = {}, ()
    for column in SIZED_COLUMNS:
        texts = set(model.column_texts(column, rows))
        width = max([metrics.horizontalAdvance(line) for text in texts for line in text.split("\n") if line] + [0]) \
            + text_margin(view)
        widths[column] = max(width, header.sectionSizeHint(column),
                             header.sectionSize(column) if rows is not None else 0)
        status_texts = texts if column == 1 else status_texts
    excess = sum(widths.values()) - int(view.viewport().width() * (1 - MESSAGE_SHARE))
    if view.viewport().width() > 0 and excess > 0:             # e.g. a long English status: it wraps
        narrowest = widest_word(metrics, status_texts) + text_margin(view)
        widths[1] = max(header.sectionSizeHint(1), narrowest, widths[1] - excess)
    for column, width in widths.items():
        header.resizeSection(column, width)
