"""The exports' Chinese font: the first installed of a list, set on every layout when it is loaded.

The templates name one family (FONT, the Linux default); a Windows or macOS machine lacks it and Qt
would substitute a font of its own choosing, changing the layout's text metrics. `family()` picks the
first installed of CANDIDATES — Microsoft YaHei / SimHei on Windows, PingFang SC on macOS, WenQuanYi
Micro Hei / Noto Sans CJK SC on Linux — and `apply_to_layout` puts it on every text item.

PDF text stays searchable: Qt's PDF writer names each glyph in the text layer by the lowest code point
that maps to it in the font, so with a font whose Kangxi / CJK radicals share glyphs with ideographs
(Noto CJK) 一 页 见 风 come out as ⼀ ⻚ ⻅ ⻛. `fix_text_layer` rewrites those entries of the PDF's
ToUnicode maps to the ideographs the font draws with the same glyph (same length, nothing else moves).
"""
import functools
import re

from qgis.core import (Qgis, QgsLayoutItemLabel, QgsLayoutItemLegend, QgsLayoutItemScaleBar, QgsLayoutTable,
                       QgsLegendStyle, QgsMessageLog, QgsTextBufferSettings, QgsTextFormat)
from qgis.PyQt.QtGui import QColor, QFont, QFontDatabase, QRawFont

from . import FONT

# (family, its Chinese name as some systems list it), in order of preference.
CANDIDATES = (("Microsoft YaHei", "微软雅黑"), ("SimHei", "黑体"), ("PingFang SC", "苹方-简"),
              ("WenQuanYi Micro Hei", "文泉驿微米黑"), ("Noto Sans CJK SC", "思源黑体"),
              ("Source Han Sans SC", "思源黑体 CN"))
RADICALS = range(0x2E80, 0x2FE0)                       # CJK Radicals Supplement, Kangxi Radicals
IDEOGRAPHS = list(range(0x4E00, 0xA000)) + list(range(0x3400, 0x4DC0))
LEGEND_PARTS = (QgsLegendStyle.Style.Title, QgsLegendStyle.Style.Group, QgsLegendStyle.Style.Subgroup,
                QgsLegendStyle.Style.SymbolLabel)
SECTION = re.compile(rb"beginbf(char|range)(.*?)endbf", re.S)           # of a ToUnicode CMap
BFCHAR = re.compile(rb"^(\s*<[0-9A-Fa-f]+>\s+)(<[0-9A-Fa-f]+>)", re.M)      # <glyph> <code>
BFRANGE = re.compile(rb"^(\s*<([0-9A-Fa-f]+)>\s+<([0-9A-Fa-f]+)>\s+)(\[[^\]]*\]|<[0-9A-Fa-f]+>)", re.M)
HEX = re.compile(rb"<([0-9A-Fa-f]{4})>")


@functools.lru_cache(maxsize=None)
def _installed():
    return {name.casefold(): name for name in QFontDatabase().families()}


@functools.lru_cache(maxsize=None)
def family():
    """The family every export is set in: the first of CANDIDATES installed here."""
    installed = _installed()
    for names in CANDIDATES:
        found = next((installed[n.casefold()] for n in names if n.casefold() in installed), None)
        if found:
            return found
    QgsMessageLog.logMessage("未找到中文字体（{}），导出的文字由 Qt 代替 (no Chinese font installed)".format(
        "、".join(names[0] for names in CANDIDATES)), "OneMap", Qgis.MessageLevel.Warning)
    return FONT


def _ours(name):
    """True for a family the exports may replace: one of the candidates, or one not installed here."""
    candidates = {n.casefold() for names in CANDIDATES for n in names}
    return name.casefold() in candidates or name.casefold() not in _installed()


def font(size=None, bold=False):
    """A QFont in the export family."""
    value = QFont(family())
    if size is not None:
        value.setPointSizeF(size)
    value.setBold(bold)
    return value


def label_format(size, colour, buffer_mm):
    """A map label's text in the export family: `size` points, `colour` (r, g, b), a white halo `buffer_mm`
    wide that keeps it legible over any fill."""
    text = QgsTextFormat()
    text.setFont(font())
    text.setSize(size)
    text.setColor(QColor(*colour))
    buffer = QgsTextBufferSettings()
    buffer.setEnabled(True)
    buffer.setSize(buffer_mm)
    buffer.setColor(QColor(255, 255, 255))
    text.setBuffer(buffer)
    return text


def swap(value):
    """`value` (a QFont) in the export family, size and weight kept; other installed families are left."""
    if not _ours(value.family()):
        return value
    copy = QFont(value)
    copy.setFamily(family())
    return copy


def _swap_format(text_format):
    text_format.setFont(swap(text_format.font()))
    return text_format


def legend_font(legend, part):
    """The font of a legend part (QgsLegendStyle.Style): from its text format where QGIS has one (3.30+;
    QgsLegendStyle.font() is deprecated there), else its font."""
    style = legend.style(part)
    return style.textFormat().toQFont() if hasattr(style, "textFormat") else style.font()


def set_legend_font(legend, part, font):
    """Set a legend part's font, its size in points: through the text format where QGIS has one (3.30+)."""
    style = legend.style(part)
    if not hasattr(style, "setTextFormat"):
        legend.setStyleFont(part, font)
        return
    text_format = style.textFormat()
    text_format.setFont(font)
    text_format.setSize(font.pointSizeF())
    text_format.setSizeUnit(Qgis.RenderUnit.Points)                 # 3.30+, as setTextFormat
    style.setTextFormat(text_format)
    legend.setStyle(part, style)


def apply_to_layout(layout):
    """Set the export family on the layout's labels, legend, scale bars and tables."""
    for item in layout.items():
        if isinstance(item, QgsLayoutItemLabel):
            if hasattr(item, "textFormat"):
                item.setTextFormat(_swap_format(item.textFormat()))
            else:
                item.setFont(swap(item.font()))
        elif isinstance(item, QgsLayoutItemLegend):
            for part in LEGEND_PARTS:
                set_legend_font(item, part, swap(legend_font(item, part)))
        elif isinstance(item, QgsLayoutItemScaleBar):
            item.setTextFormat(_swap_format(item.textFormat()))
    for table in layout.multiFrames():
        if isinstance(table, QgsLayoutTable):
            table.setHeaderTextFormat(_swap_format(table.headerTextFormat()))
            table.setContentTextFormat(_swap_format(table.contentTextFormat()))
    return layout


@functools.lru_cache(maxsize=None)
def radical_map(name):
    """{radical code point: ideograph} where the font `name` draws both with one glyph (empty for most fonts)."""
    raw = QRawFont.fromFont(QFont(name))
    by_glyph = {}
    for code, glyph in zip(IDEOGRAPHS, raw.glyphIndexesForString("".join(map(chr, IDEOGRAPHS)))):
        if glyph:
            by_glyph.setdefault(glyph, code)
    glyphs = raw.glyphIndexesForString("".join(map(chr, RADICALS)))
    return {code: by_glyph[glyph] for code, glyph in zip(RADICALS, glyphs) if glyph in by_glyph}


def fix_text_layer(path):
    """Rewrite radicals in the PDF's ToUnicode maps to the ideographs drawn with the same glyph; returns
    how many entries changed. Each entry keeps its length, so offsets and the xref table stay valid."""
    mapping = radical_map(family())
    if not mapping:
        return 0
    with open(path, "rb") as handle:
        data = handle.read()
    changed = 0

    def destination(token):
        nonlocal changed
        code = int(token.group(1), 16)
        if code not in mapping:
            return token.group(0)
        changed += 1
        return b"<%04X>" % mapping[code]

    def codes(text):
        return HEX.sub(destination, text)

    def bfrange(match):        # <a> <b> [<code> …], or <a> <a> <code>; <a> <b> <first code> is left as it is
        single = match.group(4).startswith(b"[") or match.group(2) == match.group(3)
        return match.group(1) + codes(match.group(4)) if single else match.group(0)

    def section(match):
        body = BFCHAR.sub(lambda m: m.group(1) + codes(m.group(2)), match.group(2)) if match.group(1) == b"char" \
            else BFRANGE.sub(bfrange, match.group(2))
        return b"beginbf" + match.group(1) + body + b"endbf"

    fixed = SECTION.sub(section, data)
    if changed and len(fixed) == len(data):
        with open(path, "wb") as handle:
            handle.write(fixed)
    return changed
