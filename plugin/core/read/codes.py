"""Code lists (用地用海 2023, 规划分区): lookup, hierarchy and 2020-edition aliases."""
import functools

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
        return normalize_code(code) in self.names

    def name(self, code):
        return self.names.get(normalize_code(code), "")

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


def normalize_code(code):
    """Codes are strings; a numeric field may have lost a leading zero (101 -> '0101')."""
    if code is None:
        return ""
    if isinstance(code, float) and code.is_integer():
        code = int(code)
    text = str(code).strip()
    if text.isdigit() and len(text) % 2 == 1:
        text = "0" + text
    return text


def in_classes(code, prefixes):
    """True when the code is one of the listed classes or below one of them."""
    code = normalize_code(code)
    return any(code.startswith(str(prefix)) for prefix in prefixes)


@functools.lru_cache(maxsize=None)
def code_list(name):
    """The named code list shipped in plugin/data/codes ('ydyh' or 'ghfq')."""
    files = {"ydyh": "ydyh_2023.yaml", "ghfq": "ghfq.yaml", "gkbj": "gkbj.yaml"}
    return CodeList(load_data(data_path("codes", files[name])))
