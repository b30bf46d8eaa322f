"""Choosing plan features by land-use class, shared by the spatial rule kinds."""
import functools

from ..codes import code_list


def code_selector(rule):
    """A predicate on codes from the rule's `codes` / `codes_except` parameters.

    Codes not in the 2023 list are never selected: the attribute rule reports them.
    """
    ydyh = code_list("ydyh")
    include = rule.ruleset.codes(rule.args["codes"]) if "codes" in rule.args else None
    exclude = rule.ruleset.codes(rule.args["codes_except"]) if "codes_except" in rule.args else None

    @functools.lru_cache(maxsize=None)          # a plan has few distinct codes, many parcels
    def selected(code):
        return (code in ydyh and (include is None or code in include)
                and (exclude is None or code not in exclude))
    return selected


def describe(code):
    return "{} {}".format(code, code_list("ydyh").name(code)).strip()
