"""Rule sets (plugin/data/rulesets/*.yaml, or a province's own file): loading and validation.

A malformed file raises OneMapError naming the file, the line, the key and the fix: every value is held
to the type the loader or its rule kind declares (rules/params.py), lists and entries item by item, and
a code YAML read as a number (0701 is the octal 449 in YAML 1.1) is refused with "write it in quotes".
`extends` names a rule set's id, or a file beside this one; it never reaches outside the rule-set folders
and is followed without cycles. A file in a user folder that cannot be read, or that claims a shipped
id, is skipped with a warning.
"""
import glob
import hashlib
import math
import os

from qgis.core import Qgis, QgsMessageLog

from ..errors import OneMapError
from ..paths import data_path
from ..read import overrides
from ..read.codes import code_list, in_classes
from ..read.schema import schema
from ..regular_files import not_regular_error
from ..yamlfile import Marked, load_yaml
from .rules import RULE_KINDS
from .rules.base import SEVERITIES
from .rules.params import CODE, CODES, FINITE, LAYER, TEXTS, Entry, ListOf

RULESET_DIR = data_path("rulesets")
MAX_EXTENDS = 8                              # a province extends the national set: a few levels at most
STATUSES = ("verified", "likely", "provisional", "judgement")
LITERAL_CODE = "literal code"                # a code of the 2023 list itself (a class lists codes, not classes)
TITLE = Entry(zh=(str, True), en=(str, True))
CLASS = Entry(codes=(ListOf(LITERAL_CODE), True), source=(str, False), status=(str, False, STATUSES),
              **{"except": (ListOf(LITERAL_CODE), False)})
TOLERANCES = Entry(noise_m2=(FINITE, False), indicator_m2=(FINITE, False), area_relative=(FINITE, False),
                   area_m2=(FINITE, False), min_area_m2=(ListOf(Entry(codes=(CODES, True), area=(FINITE, True))), False))
FILE = Entry(id=(str, True), title=(TITLE, True), version=((int, str), False), description=(str, False),
             extends=(str, False), remove=(TEXTS, False), tolerances=((dict, type(None)), False),
             classes=((dict, type(None)), False), rules=((list, type(None)), False))
RULE = Entry(id=(str, True), kind=(str, True, tuple(RULE_KINDS)), severity=(str, True, SEVERITIES),
             title=(TITLE, True), clause=(Entry(text=(str, True), source=(str, False), status=(str, False, STATUSES)), False),
             params=((dict, type(None)), False))
KEY, PARAMETER = ("键", "key"), ("参数", "parameter")
WHAT = {list: ("列表", "a list"), dict: ("映射", "a mapping"), str: ("文字", "text"), bool: ("true 或 false", "true or false"),
        FINITE: ("有限数值", "a finite number")}


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
        self.files = [path]                  # this file and the ones it extends: all inputs of a run
        self._min_area = {}
        marked = Marked(path)
        self._lines, self._written = marked.lines, marked.written
        data = marked.data
        self.classes = None                  # known once `extends` is followed (codes are checked against them)
        self._check(isinstance(data, dict), (), "规则集应为映射 (a rule set is a mapping)")
        self._entry(data, FILE, ())
        self._check_parts(data)
        base_sha256 = ""
        self._own_rules = {id(rule): index for index, rule in enumerate(data.get("rules") or [])}   # for line numbers
        if "extends" in data:
            base = self._base(data["extends"])
            base_sha256 = base.sha256
            self.files += base.files
            data = merge(base.data, data)
        self.data = data
        for key in ("id", "title", "rules"):
            self._check(key in data, (), "缺少键 missing key '{}'".format(key))
        self.id = str(data["id"])
        self.title = data["title"]
        self.tolerances = data.get("tolerances") or {}
        self.classes = data.get("classes") or {}
        self._value(self.tolerances, TOLERANCES, ("tolerances",))       # class names now known
        self.noise_m2 = float(self.tolerances.get("noise_m2", 1.0))
        self.sha256 = hashlib.sha256(marked.raw + base_sha256.encode()).hexdigest()  # a base's hash counts too
        seen = set()
        self.rules = [self._rule(index, definition, seen) for index, definition in enumerate(data["rules"] or [])]
        by_id = {rule.id: rule for rule in self.rules}
        for index, (definition, rule) in enumerate(zip(data["rules"] or [], self.rules)):
            problem = rule.check_links(by_id)
            self._check(problem is None, ("rules", self._own_rules.get(id(definition), index), "params"), problem)

    def _check_parts(self, data):
        """This file's classes, tolerances and rule ids have the types merging relies on."""
        for name, entry in (data.get("classes") or {}).items():
            self._check(isinstance(name, str), ("classes", str(name)), _quote_hint(name, str(name)))
            self._value(entry, CLASS, ("classes", name))
        self._value(data.get("tolerances") or {}, TOLERANCES, ("tolerances",))
        for index, rule in enumerate(data.get("rules") or []):
            self._check(isinstance(rule, dict), ("rules", index), "规则应为映射 (a rule is a mapping)")
            self._check("id" in rule, ("rules", index), "缺少键 missing key 'id'")
            self._value(rule["id"], str, ("rules", index, "id"))

    def _base(self, spec):
        """The rule set `extends` names: a rule set's id, or a .yaml file named relative to this file's folder
        that lies in a rule-set folder (shipped, ONEMAP_RULESET_PATH / onemap/ruleset_path) or in the folder of
        the rule set being loaded — never /etc/passwd by way of '../..'."""
        if not spec.lower().endswith((".yaml", ".yml")) and not any(s in spec for s in ("/", "\\")):
            found, _warnings = scan_rulesets()
            self._check(spec in found, ("extends",), "找不到 extends 指定的规则集“{}”（可用：{}） (no rule set with that id)".format(
                spec, ", ".join(sorted(found))))
            return _load(found[spec], self._chain)
        path = os.path.join(os.path.dirname(os.path.abspath(self.path)), spec)
        folders = [os.path.realpath(f) for f in ruleset_dirs()] + [os.path.dirname(self._chain[0])]
        self._check(any(_inside(os.path.realpath(path), folder) for folder in folders), ("extends",),
                    "extends 指向规则集文件夹以外的文件 {}：只能是规则集 id，或内置规则集、ONEMAP_RULESET_PATH / onemap/ruleset_path "
                    "中、或本规则集所在文件夹中的文件 (extends may only name a rule set's id or a file in a rule-set "
                    "folder or in this rule set's own folder)".format(os.path.normpath(path)))
        self._check(os.path.exists(path), ("extends",), "extends 指定的文件不存在：{} (no such file)".format(path))
        self._check(os.path.isfile(path), ("extends",), "extends 指定的 {} 不是普通文件，未读取 (not a regular file)".format(path))
        return _load(path, self._chain)

    def _check(self, condition, trail, message):
        if not condition:
            line = self._line(trail)
            raise OneMapError("规则集 {} 第 {} 行（{}）：{}".format(self.path, line, "/".join(map(str, trail)) or "-", message),
                              "Rule set {} line {} ({}): {}".format(self.path, line, "/".join(map(str, trail)) or "-", message))

    def _line(self, trail):
        while trail and tuple(trail) not in self._lines:
            trail = trail[:-1]
        return self._lines.get(tuple(trail), 1)

    def _entry(self, value, entry, trail, noun=KEY):
        """A mapping holding the entry's keys, each of its type; no key the entry does not know."""
        self._check(isinstance(value, dict), trail, "应为映射，键为 {} (should be a mapping of {})".format(
            "/".join(entry.keys), ", ".join(entry.keys)))
        for name, (kind, required, *allowed) in entry.keys.items():
            self._check(not required or name in value, trail, "缺少{} missing {} '{}'".format(noun[0], noun[1], name))
            if name in value:
                self._value(value[name], kind, trail + (name,), allowed[0] if allowed else None)
        for name in value:
            self._check(name in entry.keys, trail + (str(name),), "不认识的{} unknown {} '{}' (known: {})".format(
                noun[0], noun[1], name, ", ".join(entry.keys)))
        given = [name for name in entry.one_of if name in value]
        self._check(not entry.one_of or len(given) == 1, trail, "应给出 {} 中的一项 (exactly one of them), 实为 {}".format(
            "/".join(entry.one_of), "/".join(given) or "-"))

    def _value(self, value, kind, trail, allowed=None):
        """`value` of the declared kind (see rules/params.py); OneMapError with file, line and fix otherwise."""
        written = self._written.get(tuple(trail), str(value))
        if isinstance(kind, Entry):
            self._entry(value, kind, trail)
        elif isinstance(kind, ListOf):
            text = isinstance(value, str)
            self._check(isinstance(value, list), trail, "应为列表{} (should be a list{})".format(
                "，如 [\"{}\"]，而不是文字“{}”".format(value, value) if text else "",
                ", e.g. [\"{}\"], not the text \"{}\"".format(value, value) if text else ""))
            self._check(kind.size is None or len(value) == kind.size, trail, "应有 {} 项 (should hold {} items)".format(
                kind.size, kind.size))
            for index, item in enumerate(value):
                self._value(item, kind.item, trail + (index,))
        elif kind is FINITE:
            self._check(isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value), trail,
                        "应为有限数值，实为 {} (should be a finite number)".format(written))
        elif kind in (str, CODE, LITERAL_CODE, LAYER):
            self._check(isinstance(value, str), trail, _quote_hint(value, written))
            self._code(value, kind, trail)
        else:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            names = [WHAT.get(k, (k.__name__, k.__name__)) for k in kinds if k is not type(None)]
            self._check(isinstance(value, kinds) and (bool in kinds or not isinstance(value, bool)), trail,
                        "应为{} (should be {})".format("或".join(n[0] for n in names), " or ".join(n[1] for n in names)))
        if allowed is not None:
            name = trail[-1] if trail else "-"
            self._check(value in allowed, trail, "未知的 {} “{}” (unknown {} '{}'; known: {})".format(
                name, value, name, value, ", ".join(allowed)))

    def _code(self, value, kind, trail):
        if kind is LAYER:
            self._check(value in schema().layers, trail, "未知图层 unknown layer key '{}' (known: {})".format(
                value, ", ".join(sorted(schema().layers))))
        elif kind is LITERAL_CODE:
            self._check(value.isdigit(), trail, "'{}' 不是代码 (not a code: a class lists codes such as \"0701\")".format(value))
        elif kind is CODE and self.classes is not None:
            self._check(value in self.classes or value.isdigit(), trail,
                        "'{}' 既不是类名也不是代码 (neither a class of this rule set nor a code)".format(value))

    def _rule(self, index, definition, seen):
        trail = ("rules", self._own_rules.get(id(definition), index))
        self._entry(definition, RULE, trail)
        kind = RULE_KINDS[definition["kind"]]
        self._entry(definition.get("params") or {}, Entry(**kind.params), trail + ("params",), PARAMETER)
        self._check(definition["id"] not in seen, trail + ("id",), "规则 id 重复 duplicate rule id '{}'".format(definition["id"]))
        seen.add(definition["id"])
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


def _inside(path, folder):
    return path.startswith(folder.rstrip(os.sep) + os.sep)


def _quote_hint(value, written):
    """Why a value is not text, with the fix: YAML reads 0701 as the octal number 449, 12.10 as 12.1."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        read = "" if written == str(value) else "，YAML 读成了 {}".format(value)
        return "{} 是数字{}：代码和名称请加引号书写，如 \"{}\" (YAML read {} as a number{}: write codes in quotes: \"{}\")".format(
            written, read, written, written, "" if not read else " ({})".format(value), written)
    return "应为文字，实为 {} (should be text)".format(written)


def merge(base, data):
    """A rule set's data onto its base's: classes and tolerances by key, rules by id; `remove` drops ids."""
    removed = set(data.get("remove") or [])
    own = {r["id"]: r for r in data.get("rules") or []}
    rules = [own.pop(r["id"], r) for r in base["rules"] if r["id"] not in removed]
    merged = dict(base, **{k: v for k, v in data.items() if k not in ("rules", "classes", "tolerances")})
    merged["classes"] = dict(base.get("classes") or {}, **(data.get("classes") or {}))
    merged["tolerances"] = dict(base.get("tolerances") or {}, **(data.get("tolerances") or {}))
    merged["rules"] = rules + [r for r in data.get("rules") or [] if r["id"] in own]
    return merged


def scan_rulesets():
    """({id: path}, [warning]) of the rule sets found: shipped first, then the extra folders.

    A file that cannot be read (a FIFO named x.yaml included: never opened for reading), has no id, or
    claims an id already taken (a shipped one included) is skipped with a warning: it never breaks other
    runs, nor silently replaces another rule set.
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


def load_ruleset(spec=None, plan_kind="village"):
    """A RuleSet from a path, an id, or the default for the plan kind."""
    if spec and not isinstance(spec, str):
        raise OneMapError("规则集应以 id 或路径给出：{!r}".format(spec), "A rule set is given by id or path: {!r}".format(spec))
    if spec and os.path.isfile(spec):
        path = spec
    elif spec and os.path.exists(spec):
        raise not_regular_error(spec)
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
    return _load(path)


def _load(path, chain=()):
    """The RuleSet of a file (`chain`: the files extending it): no cycle, a few levels at most."""
    if os.path.realpath(path) in chain:
        names = [os.path.basename(p) for p in chain + (os.path.realpath(path),)]
        raise OneMapError("规则集 extends 形成循环：{}".format(" → ".join(names)),
                          "Rule set extends form a cycle: {}".format(" -> ".join(names)))
    if len(chain) >= MAX_EXTENDS:
        raise OneMapError("规则集 extends 层级过多（{}）".format(len(chain)), "Too many extends levels ({})".format(len(chain)))
    return RuleSet(path, chain)
