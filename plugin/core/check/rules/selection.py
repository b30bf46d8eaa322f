"""Choosing plan features by land-use class, shared by the spatial rule kinds."""
import functools

from ...read.codes import code_list


def code_selector(rule):
    """A predicate on codes from the rule's `codes` / `codes_except` parameters.

    A use that cannot be read (NULL, blank, not in the 2023 list) is always selected: no rule can
    tell whether such a parcel complies, so every control rule it touches reports it (and the
    attribute rule reports the code itself). Unknown codes belong to no class.
    """
    ydyh = code_list("ydyh")
    include = rule.ruleset.codes(rule.args["codes"]) if "codes" in rule.args else None
    exclude = rule.ruleset.codes(rule.args["codes_except"]) if "codes_except" in rule.args else None

    @functools.lru_cache(maxsize=None)          # a plan has few distinct codes, many parcels
    def selected(code):
        return code not in ydyh or ((include is None or code in include)
                                    and (exclude is None or code not in exclude))
    return selected


def describe(code):
    """'0703 农村宅基地' for a listed code; an unreadable one says so."""
    if code not in code_list("ydyh"):
        return "用途无法识别的地块（{}）".format("代码“{}”不在用地用海分类中".format(code) if code else "无用途代码")
    return "{} {}".format(code, code_list("ydyh").name(code)).strip()
