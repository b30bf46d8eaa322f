"""Rule sets (plugin/data/rulesets/*.yaml, or a province's own file): loading and validation.

A malformed file raises OneMapError naming the file, the line and the key: wrong types and
layer keys the schema does not know included. `extends` chains are followed without cycles. A
file in a user folder that cannot be read, or that claims a shipped id, is skipped with a warning.
"""
import glob
import hashlib
import os

from qgis.core import Qgis, QgsMessageLog

from ..errors import OneMapError
from ..paths import data_path
from ..read import overrides
from ..read.codes import code_list, in_classes
from ..read.schema import schema
from ..yamlfile import key_lines, load_yaml
from .rules import RULE_KINDS
from .rules.base import SEVERITIES

RULESET_DIR = data_path("rulesets")
MAX_EXTENDS = 8                              # a province extends the national set: a few levels at most
LAYER_PARAMS = ("layer", "plan_layer", "control", "boundary", "area", "allocation", "village", "units", "facilities",
                "points")
NUMBER = (int, float)


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
    def __init__(self, path, chain=()):
        self.path = path
        self._chain = tuple(chain) + (os.path.realpath(path),)     # the files extending this one, for cycles
        self._base_sha256 = ""
        self.files = [path]                  # this file and the ones it extends: all inputs of a run
        self._min_area = {}
        data = load_yaml(path)
        self._lines = key_lines(path)
        self._check(isinstance(data, dict), (), "规则集应为映射 (a rule set is a mapping)")
        self._check_types(data)
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

    def _check_types(self, data):
        """The top-level keys of this file have the types the loader relies on."""
        def number(value):
            return isinstance(value, NUMBER) and not isinstance(value, bool)
        self._check(isinstance(data.get("extends", ""), str), ("extends",), "extends 应为规则集 id 或路径 (a string)")
        remove = data.get("remove") or []
        self._check(isinstance(remove, list) and all(isinstance(r, str) for r in remove), ("remove",),
                    "remove 应为规则 id 的列表 (a list of rule ids)")
        self._check(isinstance(data.get("rules") or [], list), ("rules",), "rules 应为列表 (a list)")
        classes = data.get("classes") or {}
        self._check(isinstance(classes, dict), ("classes",), "classes 应为映射 (a mapping of class names)")
        for name, entry in classes.items():
            self._check(isinstance(entry, dict) and isinstance(entry.get("codes"), list)
                        and isinstance(entry.get("except", []), list), ("classes", name),
                        "类 {} 需要 codes 列表（except 也应为列表） (class needs a codes list)".format(name))
        tolerances = data.get("tolerances") or {}
        self._check(isinstance(tolerances, dict), ("tolerances",), "tolerances 应为映射 (a mapping)")
        self._check(number(tolerances.get("noise_m2", 1.0)), ("tolerances", "noise_m2"),
                    "noise_m2 应为数值 (a number of square metres)")
        minimum = tolerances.get("min_area_m2", [])
        self._check(isinstance(minimum, list), ("tolerances", "min_area_m2"), "min_area_m2 应为列表 (a list)")
        for index, entry in enumerate(minimum):
            self._check(isinstance(entry, dict) and isinstance(entry.get("codes"), list) and number(entry.get("area")),
                        ("tolerances", "min_area_m2", index), "每项需要 codes 列表与数值 area (codes list and area number)")

    def _extend(self, data):
        """Merge onto the base rule set: classes and tolerances by key, rules by id; `remove` drops ids."""
        base = load_ruleset(data["extends"], chain=self._chain)
        self._base_sha256 = base.sha256
        self.files += base.files
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
        self._check(isinstance(params, dict), trail + ("params",), "params 应为映射 (a mapping)")
        layers = [(name, params[name]) for name in LAYER_PARAMS if name in params]
        layers += [(("indicators", i, "layer"), item["layer"]) for i, item in enumerate(params.get("indicators") or [])
                   if isinstance(item, dict) and "layer" in item]
        for name, value in layers:
            where = trail + ("params",) + (name if isinstance(name, tuple) else (name,))
            self._check(str(value) in schema().layers, where, "未知图层 unknown layer key '{}' (known: {})".format(
                value, ", ".join(sorted(schema().layers))))
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
        for number, entry in enumerate(params.get("ranges", [])):          # parcel rules' plausible ranges
            where = "ranges/{}".format(number)
            self._check(isinstance(entry, dict) and "field" in entry and entry.get("severity", "error") in SEVERITIES,
                        trail + ("params", "ranges"), "{} 需要 field，severity 应为 error/warning/info".format(where))
            lists += [(where, entry.get("codes", [])), (where, entry.get("codes_except", []))]
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


def scan_rulesets():
    """({id: path}, [warning]) of the rule sets found: shipped first, then the extra folders.

    A file that cannot be read, has no id, or claims an id already taken (a shipped one included)
    is skipped with a warning: it never breaks other runs, nor silently replaces another rule set.
    """
    found, warnings = {}, []
    for folder in ruleset_dirs():
        for path in sorted(glob.glob(os.path.join(folder, "*.yaml"))):
            try:
                data = load_yaml(path)
            except OneMapError as exc:
                warnings.append("已跳过规则集文件 {}：{} (skipped: {})".format(path, exc.zh, exc.en))
                continue
            if not isinstance(data, dict) or "id" not in data:
                warnings.append("已跳过 {}：没有 id (skipped: no id)".format(path))
            elif str(data["id"]) in found:
                warnings.append("已跳过 {}：id“{}”已由 {} 使用 (skipped: id already used by {})".format(
                    path, data["id"], found[str(data["id"])], found[str(data["id"])]))
            else:
                found[str(data["id"])] = path
    return found, warnings


def available_rulesets():
    """{id: path} of every usable rule set; skipped files are reported in the QGIS log."""
    found, warnings = scan_rulesets()
    for warning in warnings:
        QgsMessageLog.logMessage(warning, "OneMap", Qgis.MessageLevel.Warning)
    return found


def default_ruleset_path(plan_kind):
    return os.path.join(RULESET_DIR, "{}.yaml".format(plan_kind))


def has_default_ruleset(plan_kind):
    """Only kinds with a shipped rule set can be verified (the one map itself is not checked)."""
    return os.path.isfile(default_ruleset_path(plan_kind))


def load_ruleset(spec=None, plan_kind="village", chain=()):
    """A RuleSet from a path, an id, or the default for the plan kind (`chain`: the files extending it)."""
    if spec and not isinstance(spec, str):
        raise OneMapError("规则集应以 id 或路径给出：{!r}".format(spec), "A rule set is given by id or path: {!r}".format(spec))
    if spec and os.path.isfile(spec):
        path = spec
    elif spec:
        found, warnings = scan_rulesets()
        if spec not in found:
            skipped = "".join("；" + w for w in warnings)
            raise OneMapError("找不到规则集 {}（可用：{}）{}".format(spec, ", ".join(sorted(found)), skipped),
                              "Rule set not found: {} (available: {}){}".format(spec, ", ".join(sorted(found)), skipped))
        path = found[spec]
    else:
        path = default_ruleset_path(plan_kind)
        if not has_default_ruleset(plan_kind):
            raise OneMapError("规划类型 {} 没有默认规则集".format(plan_kind), "No rule set for plan kind {}".format(plan_kind))
    if os.path.realpath(path) in chain:
        names = [os.path.basename(p) for p in chain + (os.path.realpath(path),)]
        raise OneMapError("规则集 extends 形成循环：{}".format(" → ".join(names)),
                          "Rule set extends form a cycle: {}".format(" -> ".join(names)))
    if len(chain) >= MAX_EXTENDS:
        raise OneMapError("规则集 extends 层级过多（{}）".format(len(chain)), "Too many extends levels ({})".format(len(chain)))
    return RuleSet(path, chain)
