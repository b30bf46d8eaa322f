"""Choosing plan features by land-use class, shared by the spatial rule kinds.

A use that cannot be read (NULL, blank, a code outside the 2023 list such as GB 50137's R2) is never
selected: the attribute rule (ATT-01) alone reports it, and every rule that chooses parcels by code
says in its outcome how many it could not examine (unexamined_note), so none claims to have judged
them. Mixed use (0701/0901) is selected when any of its uses is, and judged by the strictest of them.
"""
import functools
import weakref
from collections import Counter

from ...read.codes import code_list, looks_like_gb50137, uses
from ...review.layout import NOTE_JOIN

RANK = {"none": 0, "info": 1, "warning": 2, "error": 3}
SELECTING_KINDS = ("overlap", "outside")     # rule kinds that choose parcels by code
_UNREADABLE = weakref.WeakKeyDictionary()    # LayerData -> Counter of its unreadable codes (counted once)


def code_selector(rule):
    """A predicate on codes from the rule's `codes` / `codes_except` parameters: a readable code whose
    use (for mixed use: any of its uses) is among `codes` and not among `codes_except`. Made once per rule."""
    selected = getattr(rule, "_code_selector", None)
    if selected is None:
        include = rule.ruleset.codes(rule.args["codes"]) if "codes" in rule.args else None
        exclude = rule.ruleset.codes(rule.args["codes_except"]) if "codes_except" in rule.args else None

        @functools.lru_cache(maxsize=None)          # a plan has few distinct codes, many parcels
        def selected(code):
            if not by_code(rule):
                return True                         # a rule of every parcel (e.g. outside the plan's extent)
            return any((include is None or use in include) and (exclude is None or use not in exclude)
                       for use in uses(code))
        rule._code_selector = selected
    return selected


def by_code(rule):
    """True when the rule chooses parcels by their use (it has `codes` or `codes_except`)."""
    return "codes" in rule.args or "codes_except" in rule.args


def strictest_entry(rule, entries, code):
    """The `matrix:` entry that decides a parcel: the first entry holding its code; for mixed use the
    strictest of its selected uses' entries (an error for one use is an error for the parcel). None
    when the deciding use has no entry (the rule's own severity applies)."""
    if not entries:
        return None
    selected = code_selector(rule)
    found = [next((entry for codes, entry in entries if use in codes), None)
             for use in uses(code) if selected(use)] or [next((entry for codes, entry in entries if code in codes), None)]

    def strictness(entry):
        if entry is None:
            return RANK[rule.severity]
        return max(RANK[entry.get(state, entry["new"])] for state in ("new", "existing", "unknown"))
    return max(found, key=strictness)          # the first of equally strict ones


@functools.lru_cache(maxsize=4096)
def describe(code):
    """'0703 农村宅基地', '混合用地 0701/0901 城镇住宅用地/商业用地' for a listed code; an unreadable one says so."""
    ydyh = code_list("ydyh")
    if code not in ydyh:
        return "用途无法识别的地块（{}）".format(unreadable_reason(code))
    parts = uses(code)
    return "{}{} {}".format("混合用地 " if len(parts) > 1 else "", code, ydyh.name(code)).strip()


def unreadable_reason(code):
    """Why a code cannot be read, in Chinese."""
    if not code:
        return "无用途代码"
    if looks_like_gb50137(code):
        return "代码“{}”为 GB 50137《城市用地分类与规划建设用地标准》的旧分类，应按 2023 年用地用海分类编码".format(code)
    return "代码“{}”不在用地用海分类中".format(code)


def unexamined_note(rule, ctx):
    """'' or the outcome note of a rule that chooses parcels by code: the parcels of its plan layer whose
    use cannot be read were not examined by it (ATT-01 reports them), nor those it leaves to a rule it
    defers to (OutsideRule.deferred_note)."""
    notes = [unreadable_note(rule, ctx)]
    if hasattr(rule, "deferred_note"):
        notes.append(rule.deferred_note(ctx))
    return NOTE_JOIN.join(note for note in notes if note)


def unreadable_note(rule, ctx):
    """'' or how many parcels of the rule's plan layer have a use it cannot read, with their codes."""
    if rule.kind not in SELECTING_KINDS or "plan_layer" not in rule.args or not by_code(rule):
        return ""
    layer = ctx.placed("plan", rule.args["plan_layer"])
    if layer is None:
        return ""
    if layer not in _UNREADABLE:
        _UNREADABLE[layer] = Counter(code for code in layer.features.codes if not uses(code))
    unreadable = _UNREADABLE[layer]
    if not unreadable:
        return ""
    codes = sorted(unreadable)
    shown = "、".join(code or "空" for code in codes[:5]) + ("等" if len(codes) > 5 else "")
    return "{} 个用途无法识别的地块（代码 {}）未参与本规则核对，见 ATT-01".format(sum(unreadable.values()), shown)
