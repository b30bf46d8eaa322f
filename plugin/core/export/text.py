"""Text from a findings file made fit to print: what the exports show is the data's text, nothing more.

A findings file may come from anyone, and its strings — parcel labels, messages, reasons, reviewer
names, 批复文号, village names — end up in the browser, the report and the map sheets.
- `plain` removes what would make a printed line lie about its own text: every invisible format
  character (Unicode's Cf: the bidi overrides, isolates and marks — U+202A–U+202E, U+2066–U+2069,
  U+200E/U+200F, U+061C — which turn "2024" into "4202" on paper, zero-width spaces and joiners, the
  interlinear annotation marks that hide text, tags …) and control characters other than tab and
  line break.
- `one_line` makes a text one line (a title): control characters — line breaks, tabs — become a space.
- `clip` bounds a text (a 1 MB label would take gigabytes to lay out), ending it with CUT.
- `shows` tells whether a text prints anything at all: a reason or 批复文号 of zero-width spaces,
  Hangul fillers (U+3164, U+115F, U+1160, U+FFA0) or blanks is no reason.
Escaping for HTML is the HTML writer's job (core.export.report_html).
"""
import re
import unicodedata

# Unicode's format characters (category Cf, as of Unicode 15), C0 and C1 controls but tab and line break
UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")
CUT = "…（截断）"
LINE_BREAKS = re.compile("[ \t]*[\x00-\x1f\x7f-\x9f\u2028\u2029]+[ \t]*")   # controls and the spaces beside them
# categories that put nothing on paper: controls, format, surrogates, private use, unassigned, spaces,
# line/paragraph separators and combining marks (nothing to combine with when alone)
BLANK_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"}
FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}     # letters (Lo) or a symbol drawn as blank


def plain(value):
    """`value` without invisible format and control characters; anything that is not a string unchanged."""
    return UNPRINTABLE.sub("", value) if isinstance(value, str) else value


def clip(value, limit):
    """`value` cut to `limit` characters, ending with CUT when cut; anything that is not a string unchanged."""
    if not isinstance(value, str) or len(value) <= limit:
        return value
    return value[:limit - len(CUT)] + CUT


def shows(value):
    """Whether `value` has at least one character that prints."""
    return any(unicodedata.category(c) not in BLANK_CATEGORIES and c not in FILLERS for c in value or "")


def one_line(value):
    """`value` as one printed line: each run of control characters (line breaks, tabs …) made one space, then
    `plain`; anything that is not a string unchanged."""
    return plain(LINE_BREAKS.sub(" ", value)).strip() if isinstance(value, str) else value
