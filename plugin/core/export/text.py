"""Text from a findings file made fit to print: what the exports show is the data's text, nothing more.

A findings file may come from anyone, and its strings — parcel labels, messages, reasons, reviewer
names, 批复文号, village names — end up in the report and on the map sheets. `plain` removes what
would make a printed line lie about its own text: the bidirectional overrides and isolates
(U+202A–U+202E, U+2066–U+2069, which turn "2024" into "4202" on paper) and control characters
other than tab and line break. Escaping for HTML is the HTML writer's job (core.export.report_html).
"""
import re

UNPRINTABLE = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f]")


def plain(value):
    """`value` without bidi overrides and control characters; anything that is not a string unchanged."""
    return UNPRINTABLE.sub("", value) if isinstance(value, str) else value
