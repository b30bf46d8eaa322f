"""Where a printed line may end, for text that is mostly Chinese (a table cell, a title).

A line may end between two ideographs of a sentence, or at a space. It never ends inside a number or code
(2023, CL-07, 10,000), between a number and the word after it (2023 分类, 2035年, 10,000 m²), inside a short
word (已认可例外, 需复核: a run of WORD_MAX ideographs or fewer), after an opening bracket or before closing
punctuation (（需复核）stays one piece). Only a piece wider than the line itself is cut between characters.
"""
import re

WORD_MAX = 5                        # ideographs a word may have (已认可例外); a longer run is a sentence
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
MARKS = "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018-\u201f\u2026"   # CJK punctuation
OPENING = "（［｛〔〈《「『【〖〘〚‘“"
SPACES = " \t\u3000"
TOKEN = re.compile("(?P<space>[{s}]+)|(?P<han>[{h}]+)|(?P<mark>[{m}])|(?P<other>[^{s}{h}{m}]+)".format(
    s=SPACES, h=HAN, m=MARKS))
NUMBER = re.compile(r"[\d.,]*\d")


def _units(text):
    """(unit, joins the unit before, joins the unit after) for each run of `text`."""
    previous = ""
    for match in TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        after_digit = previous[-1:].isdigit()                       # '2035年' stays whole
        if kind == "han" and len(value) > WORD_MAX:
            yield value[0], after_digit, False
            yield from ((char, False, False) for char in value[1:])
        elif kind == "han":
            yield value, after_digit, False
        elif kind == "mark":
            yield value, value not in OPENING, value in OPENING
        elif kind == "space":
            yield value, True, value == " " and bool(NUMBER.fullmatch(previous))    # '2023 分类' stays whole
        else:
            yield value, False, False
        previous = value


def pieces(text):
    """`text` cut where a line may end; each piece keeps the spaces after it (''.join gives `text` back)."""
    result, glued = [], False
    for unit, joins_before, joins_after in _units(text):
        if result and (joins_before or glued):
            result[-1] += unit
        else:
            result.append(unit)
        glued = joins_after
    return result


def _by_characters(text, width_of, width):
    lines, line = [], ""
    for char in text:
        if line and width_of(line + char) > width:
            lines.append(line)
            line = ""
        line += char
    return lines + [line]


def break_lines(text, width_of, width, limit=None):
    """`text` in lines no wider than `width` (as `width_of` measures a text), broken only between pieces;
    with `limit`, only until there are more lines than that (a cell cut after `limit` lines)."""
    lines, line = [], ""
    for piece in pieces(text):
        if line and width_of((line + piece).rstrip()) > width:
            lines += _fitted(line.rstrip(), width_of, width)
            line = ""
            if limit is not None and len(lines) > limit:
                return lines
        line += piece
    return lines + _fitted(line.rstrip(), width_of, width)


def _fitted(line, width_of, width):
    """A line cut between characters where one piece is wider than `width`."""
    return _by_characters(line, width_of, width) if width_of(line) > width else [line]


def balanced_lines(text, width_of, width, steps=12):
    """break_lines at the narrowest width (within `steps` halvings) that takes no more lines: lines of even
    length rather than one full and a single ideograph left alone on the next."""
    lines = break_lines(text, width_of, width)
    low = min(width, max(width_of(piece.rstrip()) for piece in pieces(text)))   # narrower would cut a piece
    if len(lines) < 2 or low >= width:
        return lines
    high = width
    for _step in range(steps):
        middle = (low + high) / 2
        if len(break_lines(text, width_of, middle)) <= len(lines):
            high = middle
        else:
            low = middle
    return break_lines(text, width_of, high)
