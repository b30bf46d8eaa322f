"""Rule sets (plugin/data/rulesets/*.yaml, or a province's own file): loading and validation.

A malformed file raises OneMapError naming the file, the line and the key.
"""
import glob
import hashlib
import os

from . import overrides
from .codes import code_list, in_classes
from .errors import OneMapError
from .paths import data_path
from .rules import RULE_KINDS
from .rules.base import SEVERITIES
from .yamlfile import key_lines, load_yaml

RULESET_DIR = data_path("rulesets")


class CodeSet:
    """Codes selected by class names of the rule set and/or literal codes, minus exceptions.

    Only codes of the 2023 list belong to any set: an unknown code is the attribute rule's finding,
    never counted as, say, construction land.
    """

    def __init__(self, include, exclude=()):
        self.include, self.exclude = list(include), list(exclude)
        self._known = {}                 # code -> member? (a plan has few distinct codes, many parcels)

    def __contains__(self, code):
        if code not in self._known:
            self._known[code] = (code in code_list("ydyh") and in_classes(code, self.include)
                                 and not in_classes(code, self.exclude))
        return self._known[code]


class RuleSet:
    def __init__(self, path):
        self.path = path
        self._base_sha256 = ""
        self._min_area = {}
        data = load_yaml(path)
        self._lines = key_lines(path)
        self._check(isinstance(data, dict), (), "规则集应为映射 (a rule set is a mapping)")
        self._own_rules = data.get("rules") or []     # this file's rules, for line numbers after merging
        if "extends" in data:
            data = self._extend(data)
        self.data = data
        for key in ("id", "title", "rules"):
            self._check(key in data, (), "缺少键 missing key '{}'".format(key))
        self.id = str(data["id"])
        self.title = data["title"]
        self.tolerances = data.get("tolerances") or {}
        self.noise_m2 = float(self.tolerances.get("noise_m2", 1.0))
        self.classes = data.get("classes") or {}
        for name in self.classes:
            self._check("codes" in (self.classes[name] or {}), ("classes", name), "类 {} 缺少 codes (class needs codes)".format(name))
        with open(path, "rb") as handle:       # an extended rule set's hash covers its base too
            self.sha256 = hashlib.sha256(handle.read() + self._base_sha256.encode()).hexdigest()
        self.rules = [self._rule(index, definition) for index, definition in enumerate(data["rules"] or [])]

    def _extend(self, data):
        """Merge onto the base rule set: classes and tolerances by key, rules by id; `remove` drops ids."""
        base = load_ruleset(str(data["extends"]))
        self._base_sha256 = base.sha256
        base = base.data
        removed = set(data.get("remove") or [])
        own = {r.get("id"): r for r in data.get("rules") or [] if isinstance(r, dict)}
        rules = [own.pop(r["id"], r) for r in base["rules"] if r["id"] not in removed]
        merged = dict(base, **{k: v for k, v in data.items() if k not in ("rules", "classes", "tolerances")})
        merged["classes"] = dict(base.get("classes") or {}, **(data.get("classes") or {}))
        merged["tolerances"] = dict(base.get("tolerances") or {}, **(data.get("tolerances") or {}))
        merged["rules"] = rules + [r for r in data.get("rules") or [] if not isinstance(r, dict) or r.get("id") in own]
        return merged

    def _check(self, condition, trail, message):
        if not condition:
            line = self._line(trail)
            raise OneMapError("规则集 {} 第 {} 行（{}）：{}".format(self.path, line, "/".join(map(str, trail)) or "-", message),
                              "Rule set {} line {} ({}): {}".format(self.path, line, "/".join(map(str, trail)) or "-", message))

    def _line(self, trail):
        while trail and tuple(trail) not in self._lines:
            trail = trail[:-1]
        return self._lines.get(tuple(trail), 1)

    def _rule(self, index, definition):
        own = [i for i, rule in enumerate(self._own_rules) if rule is definition]
        trail = ("rules", own[0] if own else index)
        self._check(isinstance(definition, dict), trail, "规则应为映射 (a rule is a mapping)")
        for key in ("id", "kind", "severity", "title"):
            self._check(key in definition, trail, "缺少键 missing key '{}'".format(key))
        self._check(definition["kind"] in RULE_KINDS, trail + ("kind",),
                    "未知规则类型 unknown kind '{}' (known: {})".format(definition["kind"], ", ".join(sorted(RULE_KINDS))))
        self._check(definition["severity"] in SEVERITIES, trail + ("severity",),
                    "severity 应为 error/warning/info，实为 '{}'".format(definition["severity"]))
        title = definition["title"]
        self._check(isinstance(title, dict) and "zh" in title and "en" in title, trail + ("title",),
                    "title 需要 zh 与 en (title needs zh and en)")
        kind = RULE_KINDS[definition["kind"]]
        params = definition.get("params") or {}
        for name, (types, required, *choices) in kind.params.items():
            if required:
                self._check(name in params, trail + ("params",), "缺少参数 missing parameter '{}'".format(name))
            if name in params:
                self._check(isinstance(params[name], types), trail + ("params", name),
                            "参数 {} 类型错误 (wrong type for parameter '{}')".format(name, name))
                self._check(not choices or params[name] in choices[0], trail + ("params", name),
                            "参数 {} 应为 {} 之一 (must be one of them)".format(name, "/".join(choices[0]) if choices else ""))
        for name in params:
            self._check(name in kind.params, trail + ("params", name),
                        "规则类型 {} 不认识参数 '{}' (unknown parameter)".format(definition["kind"], name))
        lists = [(name, params.get(name, [])) for name in ("codes", "codes_except")]
        for number, entry in enumerate(params.get("matrix", [])):
            where = "matrix/{}".format(number)
            self._check(isinstance(entry, dict) and "codes" in entry and "new" in entry, trail + ("params", "matrix"),
                        "{} 需要 codes 与 new (a matrix entry needs codes and new)".format(where))
            for key in ("new", "existing", "unknown"):
                self._check(entry.get(key, "none") in SEVERITIES + ("none",), trail + ("params", "matrix"),
                            "{}/{} 应为 error/warning/info/none".format(where, key))
            lists += [(where, entry["codes"]), (where, entry.get("existing_if", []))]
        for name, items in lists:
            for item in items:
                self._check(str(item) in self.classes or str(item).isdigit(), trail + ("params", name.split("/")[0]),
                            "'{}' 既不是类名也不是代码 (neither a class of this rule set nor a code)".format(item))
        ids = [r.get("id") for r in self.data["rules"][:index] if isinstance(r, dict)]
        self._check(definition["id"] not in ids, trail + ("id",), "规则 id 重复 duplicate rule id '{}'".format(definition["id"]))
        return kind(definition, self)

    def codes(self, names):
        """CodeSet for class names and/or literal codes; class exceptions carried along."""
        include, exclude = [], []
        for name in names or []:
            entry = self.classes.get(str(name))
            if entry is None:
                include.append(str(name))
            else:
                include += [str(c) for c in entry["codes"]]
                exclude += [str(c) for c in entry.get("except", [])]
        return CodeSet(include, exclude)

    def min_area(self, code):
        """Minimum mapped area for a code (the first matching entry), or None; looked up once per code."""
        if code not in self._min_area:
            self._min_area[code] = next((float(entry["area"]) for entry in self.tolerances.get("min_area_m2", [])
                                         if code in self.codes(entry["codes"])), None)
        return self._min_area[code]


def ruleset_dirs():
    return [RULESET_DIR] + overrides.folders(overrides.RULESETS)


def available_rulesets():
    """{id: path} of every rule set found (shipped first, then extra folders; later ids override)."""
    found = {}
    for folder in ruleset_dirs():
        for path in sorted(glob.glob(os.path.join(folder, "*.yaml"))):
            data = load_yaml(path) or {}
            if isinstance(data, dict) and "id" in data:
                found[str(data["id"])] = path
    return found


def load_ruleset(spec=None, plan_kind="village"):
    """A RuleSet from a path, an id, or the default for the plan kind."""
    if spec and os.path.isfile(spec):
        return RuleSet(spec)
    available = available_rulesets()
    if spec:
        if spec not in available:
            raise OneMapError("找不到规则集 {}（可用：{}）".format(spec, ", ".join(sorted(available))),
                              "Rule set not found: {} (available: {})".format(spec, ", ".join(sorted(available))))
        return RuleSet(available[spec])
    return RuleSet(os.path.join(RULESET_DIR, "{}.yaml".format(plan_kind)))
