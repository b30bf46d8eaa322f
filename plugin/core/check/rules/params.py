"""What a rule kind's parameters hold, for the rule-set loader to check before any rule runs (ruleset.py).

Each kind's `params` maps a name to (type, required[, allowed values]). A type is a Python type (or a
tuple of them) or one of the types below; lists and entries are checked item by item, so a matrix entry's
codes are held to what a rule's codes are.
"""
from .base import SEVERITIES


class ListOf:
    """A list of items of one type (`size`: exactly that many)."""

    def __init__(self, item, size=None):
        self.item, self.size = item, size


class Entry:
    """A mapping with these keys: name -> (type, required[, allowed values]); `one_of`: exactly one of
    these keys is given."""

    def __init__(self, one_of=(), **keys):
        self.keys, self.one_of = keys, tuple(one_of)


CODE = "code"          # a code of the 2023 list written as text ("0701", never 0701) or a class of the rule set
LAYER = "layer"        # a layer key of the schema (GHYDYH, CZKFBJ …)
FINITE = "finite"      # a finite number (not true/false, not .nan or .inf)
CODES = ListOf(CODE)
TEXTS = ListOf(str)    # names or codes compared as text (control lines' 建设控制地带, field names)
SEVERITY_OR_NONE = SEVERITIES + ("none",)
