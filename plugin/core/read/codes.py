"""Code lists (用地用海 2023, 规划分区): lookup, hierarchy and 2020-edition aliases; mixed use.

A detailed plan writes mixed use (混合用地) as `0701/0901` or `0701+0901`, the first code being the
leading use (主导用途) and the rest compatible uses; a mixed code is in a code list when each of its uses
is, it belongs to a class by its leading use, and the control rules judge it by each use (uses()).
"""
import functools
import re

from ..paths import data_path
from ..yamlfile import load_data


class CodeList:
    """A hierarchical code list flattened to code -> (name, parent)."""

    def __init__(self, data):
        self.version = str(data.get("version", ""))
        self.names = {}
        self.parents = {}
        self._add(data.get("classes") or {}, None)
        self.aliases_2020 = {name: [str(c) for c in (code if isinstance(code, list) else [code])]
                             for name, code in (data.get("aliases_2020") or {}).items()}
        self.collisions_2020 = {str(code): name for code, name in (data.get("collisions_2020") or {}).items()}
        self._code_by_name = {name: code for code, name in self.names.items()}

    def _add(self, classes, parent):
        for code, entry in classes.items():
            code = str(code)
            if isinstance(entry, dict):
                self.names[code] = entry.get("name", "")
                self._add(entry.get("children") or {}, code)
            else:
                self.names[code] = str(entry)
            self.parents[code] = parent

    def __contains__(self, code):
        parts = mixed_parts(normalize_code(code))
        return bool(parts) and all(part in self.names for part in parts)

    def name(self, code):
        """The class name; for mixed use the names of its uses joined as the code is ('城镇住宅用地/商业用地')."""
        code = normalize_code(code)
        parts = mixed_parts(code)
        if len(parts) > 1:
            return mixed_separator(code).join(self.names.get(part, "") for part in parts)
        return self.names.get(code, "")

    def lineage(self, code):
        """The code and its ancestors, most specific first ('070101' -> 070101, 0701, 07)."""
        code = normalize_code(code)
        chain = []
        while code:
            chain.append(code)
            if code in self.parents:
                code = self.parents[code]
            else:
                code = code[:-2] if len(code) > 2 else None
        return chain

    def code_for_name(self, name):
        """(code, is_2020_alias) for a class name, or (None, False); a disputed 2020 name gives its first code."""
        name = (name or "").strip()
        if name in self._code_by_name:
            return self._code_by_name[name], False
        if name in self.aliases_2020:
            return self.aliases_2020[name][0], True
        return None, False

    def is_2020_name_for(self, name, code):
        """True when `name` is a 2020-edition name that maps to `code` (any of a disputed name's codes)."""
        return normalize_code(code) in self.aliases_2020.get((name or "").strip(), [])


MIXED = re.compile(r"\s*([/+])\s*")            # 0701/0901, 0701 + 0901
GB50137 = re.compile(r"^[A-Z]{1,2}\d{0,3}[a-z]?$")   # R2, B1, M1, U12, A33, H14 … (城市用地分类 GB 50137-2011)


def normalize_code(code):
    """Codes are strings; a numeric field may have lost a leading zero (101 -> '0101'); mixed use keeps
    its separator, each use normalised ('701 / 901' -> '0701/0901')."""
    if code is None:
        return ""
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    text = str(code).strip()
    if MIXED.search(text):
        separator = MIXED.search(text).group(1)
        return separator.join(normalize_code(part) for part in MIXED.split(text)[::2])
    if text.isdigit() and len(text) % 2 == 1:
        text = "0" + text
    return text


def mixed_parts(code):
    """The uses a (normalised) code names: ('0701', '0901') for '0701/0901', (code,) for one use, () for none."""
    if not code:
        return ()
    return tuple(MIXED.split(code)[::2]) if MIXED.search(code) else (code,)


def mixed_separator(code):
    found = MIXED.search(code or "")
    return found.group(1) if found else ""


@functools.lru_cache(maxsize=65536)
def uses(code):
    """The uses of a parcel's code when every one is in the 用地用海 list, else () (unreadable: the
    attribute rule reports it and no other rule judges it)."""
    code = normalize_code(code)
    return mixed_parts(code) if code in code_list("ydyh") else ()


def looks_like_gb50137(code):
    """True for an old 城市用地分类 code (GB 50137-2011: R2, B1, M1 …), common in 控规 data before 2023."""
    return bool(GB50137.match(normalize_code(code)))


def in_classes(code, prefixes):
    """True when the code is one of the listed classes or below one of them (mixed use: its leading use)."""
    code = normalize_code(code)
    return any(code.startswith(str(prefix)) for prefix in prefixes)


@functools.lru_cache(maxsize=None)
def code_list(name):
    """The named code list shipped in plugin/data/codes ('ydyh' or 'ghfq')."""
    files = {"ydyh": "ydyh_2023.yaml", "ghfq": "ghfq.yaml", "gkbj": "gkbj.yaml"}
    return CodeList(load_data(data_path("codes", files[name])))
