"""Severity by land-use code and by base-year state, for the overlap and outside rule kinds.

A rule's `matrix:` lists entries; the first whose codes hold the parcel's code decides. A conflicting
piece is split into the part that already was of the entry's `existing_if` classes in the base year
(JQDLTB) and the new part; each takes the entry's `existing` / `new` severity, `none` meaning no
finding. Without a base year the piece is one 'unknown' part: what cannot be determined is not an
established error, so it takes the entry's `unknown` severity, by default its `new` severity lowered
from error to warning; an entry that keeps an error without a base year says `unknown: error` (and
why, in `unknown_note`). The message says new and existing could not be told apart, with the entry's
`unknown_note` (else its `note`).
"""
from ..geomops import polygonal
from .params import CODES, Entry, ListOf, SEVERITY_OR_NONE
from .selection import strictest_entry

NONE = "none"
STATES = {"new": "新增", "existing": "基期已有", "unknown": "无基期数据，未区分新增与现状"}
MATRIX = ListOf(Entry(codes=(CODES, True), new=(str, True, SEVERITY_OR_NONE), existing=(str, False, SEVERITY_OR_NONE),
                      unknown=(str, False, SEVERITY_OR_NONE), existing_if=(CODES, False), note=(str, False),
                      unknown_note=(str, False)))


def undetermined_severity(entry):
    """An entry's severity for a part whose base-year state is unknown."""
    if "unknown" in entry:
        return entry["unknown"]
    return "warning" if entry["new"] == "error" else entry["new"]


class Matrix:
    def __init__(self, rule):
        self.rule = rule
        self.entries = [(rule.ruleset.codes(entry["codes"]), entry) for entry in rule.args.get("matrix", [])]
        self._entry = {}                          # code -> its deciding entry (a run meets few codes, many pieces)

    def parts(self, ctx, code, piece):
        """[(severity, geometry, state note)] for a conflicting piece of a parcel coded `code`."""
        if code not in self._entry:
            self._entry[code] = strictest_entry(self.rule, self.entries, code)      # mixed use: its strictest use
        entry = self._entry[code]
        if entry is None:
            return [(self.rule.severity, piece, "")]
        note = "；{}".format(entry["note"]) if entry.get("note") else ""
        base = ctx.base_year()
        if not base.available:
            unknown_note = "；{}".format(entry["unknown_note"]) if entry.get("unknown_note") else note
            return [(undetermined_severity(entry), piece, "（{}）{}".format(STATES["unknown"], unknown_note))]
        existing = base.part_of(piece, self.rule.ruleset.codes(entry.get("existing_if", entry["codes"])))
        new = polygonal(piece.difference(existing)) if not existing.isEmpty() else piece
        return [(entry["new"], new, "（{}）{}".format(STATES["new"], note)),
                (entry.get("existing", entry["new"]), existing, "（{}）{}".format(STATES["existing"], note))]
