"""parcel: a detailed plan's parcels one by one — the 地块编号 present, unique and continuous within each
街区, and the parcel indicators (容积率, 建筑密度, 绿地率, 建筑限高) present by class, in order and plausible.

Indicator values are read as numbers; text such as '≤2.5', '35%' and a range in one field ('1.5-2.0': the
lower and the upper bound) is understood, anything else is reported as unreadable. A parcel whose use
cannot be read is left to ATT-01; mixed use needs what any of its uses needs.
"""
import re
from collections import defaultdict

from ...read.codes import uses
from .base import SEVERITIES, NotApplicable, Rule
from .params import CODES, FINITE, LAYER, TEXTS, Entry, ListOf
from .selection import code_selector, describe

CHECKS = ("number", "sequence", "required", "order", "range")
RANGES = ListOf(Entry(field=(str, True), codes=(CODES, False), codes_except=(CODES, False), min=(FINITE, False),
                      max=(FINITE, False), fraction=(bool, False), severity=(str, False, SEVERITIES),
                      note=(str, False)))
NUMBER = r"-?\d+(?:\.\d+)?"
RANGE = re.compile(r"^({0})\s*[-~～—至]\s*({0})$".format(NUMBER))
BOUND = re.compile(r"^(≤|<=|<|≥|>=|>)?\s*({0})$".format(NUMBER))
UNITS = re.compile(r"(%|％|米|m|M)$")


class Unreadable(str):
    """An indicator value that is neither blank nor a number (e.g. '待定'): reported as such."""


def reading(value, lower=False):
    """The number an indicator field gives: None when blank; for a range ('1.5-2.0') its upper bound, or
    with `lower` its lower bound; an Unreadable for text that is no number."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = UNITS.sub("", str(value).strip()).strip()
    if not text:
        return None
    found = RANGE.match(text)
    if found:
        return float(found.group(1) if lower else found.group(2))
    found = BOUND.match(text)
    if found:
        return float(found.group(2))
    return Unreadable(str(value).strip())


def shown(raw, value):
    """A value as the plan writes it ('9.0', '≤2.5'), else as read."""
    return raw.strip() if isinstance(raw, str) and raw.strip() else "{:g}".format(value)


def is_lower(spec):
    """A lower-bound indicator (容积率下限, 绿地率下限): a range in it is read by its lower bound."""
    return spec.role.endswith("_min")


def _first_missing(present, limit):
    """The first `limit` numbers from 1 up that the ascending list `present` lacks."""
    missing, expected = [], 1
    for number in present:
        missing.extend(range(expected, min(number, expected + limit - len(missing))))
        if len(missing) >= limit:
            break
        expected = number + 1
    return missing


class ParcelRule(Rule):
    kind = "parcel"
    params = {"layer": (LAYER, True), "check": (str, True, CHECKS), "codes": (CODES, False),
              "codes_except": (CODES, False), "fields": (TEXTS, False), "pairs": (ListOf(ListOf(str, size=2)), False),
              "ranges": (RANGES, False)}

    def run(self, ctx):
        check = ParcelCheck(self, self.plan_layer(ctx, self.args["layer"]), ctx)
        return getattr(check, "_" + self.args["check"])()


class ParcelCheck:
    """One run of a parcel rule over one layer (kept apart from the rule, which outlives the run)."""

    def __init__(self, rule, data, ctx):
        self.rule, self.args, self.severity = rule, rule.args, rule.severity
        self.layer, self.found = data, ctx.plan.get(data.key)
        self.spec = self.found.spec

    def finding(self, message, **values):
        return self.rule.finding(message, **values)

    # -- helpers
    def field(self, canonical):
        """(spec, actual name) of a canonical field of the layer's spec; the actual name is None when the
        layer lacks it."""
        spec = self.spec.fields.get(canonical)
        if spec is None:
            raise NotApplicable("图层 {} 的结构中没有字段 {}".format(self.found.name, canonical),
                                "layer {} has no field {} in its schema".format(self.found.name, canonical))
        return spec, self.found.fields.get(canonical)

    def zh(self, canonical):
        spec = self.spec.fields.get(canonical)
        return (spec.zh if spec is not None and spec.zh else canonical)

    def where(self, feature):
        return dict(plan_layer=self.layer.key, plan_fid=feature.fid, plan_code=feature.code, geometry=feature.geometry,
                    area_m2=None if feature.shape.isEmpty() else feature.shape.area())

    def name(self, feature):
        return "地块 {}（{}）".format(feature.label, describe(feature.code))

    def absent(self, canonicals):
        """A layer-level finding for fields the layer does not have at all (listed once, not per parcel)."""
        missing = [c for c in canonicals if self.found.fields.get(c) is None]
        if not missing:
            return []
        names = "、".join("{}（{}）".format(self.zh(c), "、".join([c] + self.spec.fields[c].aliases)) for c in missing)
        return [self.finding("图层 {} 没有字段 {}，无法核对".format(self.found.name, names), plan_layer=self.layer.key)]

    def readable(self, feature):
        return bool(uses(feature.code))

    def parcels(self):
        return [f for f in self.layer.features if not f.shape.isEmpty()]

    # -- 地块编号
    def number_field(self):
        spec = self.spec.field_for("parcel_number")
        if spec is None:
            raise NotApplicable("图层 {} 没有地块编号字段".format(self.found.name),
                                "layer {} has no parcel number field".format(self.found.name))
        return spec.name

    def number_of(self, feature, field):
        return str(feature.attrs.get(field) or "").strip()

    def _number(self):
        field = self.number_field()
        findings = self.absent([field])
        if findings:
            return findings
        first = {}
        for feature in self.parcels():
            number = self.number_of(feature, field)
            if not number:
                findings.append(self.finding("要素 {}（{}）缺少地块编号".format(feature.fid, describe(feature.code)),
                                             **self.where(feature)))
            elif number in first:
                findings.append(self.finding("地块编号 {} 重复：要素 {} 与要素 {} 同号".format(
                    number, feature.fid, first[number].fid), **self.where(feature)))
            else:
                first[number] = feature
        return findings

    def _sequence(self):
        """Within each 街区 (JQBH, else the number's part before its last '-') the numbers run 01, 02 … with
        none missing (public checkers' rule, bxgis 地块编号检查)."""
        field = self.number_field()
        if self.found.fields.get(field) is None:
            raise NotApplicable("图层 {} 没有地块编号字段".format(self.found.name),
                                "layer {} has no parcel number field".format(self.found.name))
        block_spec = self.spec.field_for("block_code")
        blocks = defaultdict(dict)
        for feature in self.parcels():
            number = self.number_of(feature, field)
            block, _dash, serial = number.rpartition("-")
            if block_spec is not None and str(feature.attrs.get(block_spec.name) or "").strip():
                block = str(feature.attrs.get(block_spec.name)).strip()
            if block and serial.isascii() and serial.isdigit():
                blocks[block].setdefault(int(serial), feature)
        findings = []
        for block in sorted(blocks):
            serials = blocks[block]
            present = sorted(n for n in serials if n >= 1)
            missing = present[-1] - len(present) if present else 0      # counted: a serial may be 200000000
            if not missing:
                continue
            width = max(2, max(len(self.number_of(f, field).rpartition("-")[2]) for f in serials.values()))
            first = _first_missing(present, 10)
            shown = "、".join("{}-{:0{}d}".format(block, n, width) for n in first) + ("等" if missing > 10 else "")
            anchor = serials[min(serials)].shape.pointOnSurface().asPoint()
            findings.append(self.finding("街区 {} 的地块编号不连续：缺少 {}（共 {} 个）".format(block, shown, missing),
                                         plan_layer=self.layer.key, extra={"x": anchor.x(), "y": anchor.y()}))
        return findings

    # -- indicators
    def _required(self):
        fields = [str(f) for f in self.args.get("fields", [])]
        for canonical in fields:
            self.field(canonical)
        findings = self.absent(fields)
        present = [c for c in fields if self.found.fields.get(c) is not None]
        selected = code_selector(self.rule)
        for feature in self.parcels():
            if not self.readable(feature) or not selected(feature.code):
                continue
            values = {c: reading(feature.attrs.get(c)) for c in present}
            missing = [self.zh(c) for c, value in values.items() if value is None]
            unreadable = ["{}“{}”".format(self.zh(c), value) for c, value in values.items() if isinstance(value, Unreadable)]
            if missing or unreadable:
                parts = (["缺少" + "、".join(missing)] if missing else []) + \
                    (["无法读取" + "、".join(unreadable)] if unreadable else [])
                findings.append(self.finding("{}的控制指标{}".format(self.name(feature), "，".join(parts)),
                                             **self.where(feature)))
        return findings

    def _order(self):
        """Each pair [lower, upper]: the lower bound does not exceed the upper (a range in the upper field
        counts as both)."""
        findings = []
        for lower, upper in self.args.get("pairs", []):
            (_low_spec, low_name), (_high_spec, high_name) = self.field(lower), self.field(upper)
            if high_name is None:
                continue
            for feature in self.parcels():
                high = reading(feature.attrs.get(upper))
                low = reading(feature.attrs.get(lower), lower=True) if low_name else None
                if low is None:
                    low = reading(feature.attrs.get(upper), lower=True)
                if None in (low, high) or isinstance(low, Unreadable) or isinstance(high, Unreadable):
                    continue
                if low > high:
                    findings.append(self.finding("{}的{} {:g} 大于{} {:g}".format(
                        self.name(feature), self.zh(lower), low, self.zh(upper), high), **self.where(feature)))
        return findings

    def _range(self):
        """Each entry {field, codes?, codes_except?, min?, max?, fraction?, severity?, note}: a value outside
        [min, max] (or, with `fraction`, a percentage written as a fraction: 0 < v ≤ 1) is a finding."""
        findings = []
        for entry in self.args.get("ranges", []):
            canonical = str(entry["field"])
            spec, actual = self.field(canonical)
            if actual is None:
                continue
            selected = code_selector(_EntryRule(self.rule, entry)) if "codes" in entry or "codes_except" in entry else None
            for feature in self.parcels():
                if selected is not None and (not self.readable(feature) or not selected(feature.code)):
                    continue
                value = reading(feature.attrs.get(canonical), lower=is_lower(spec))
                if value is None or isinstance(value, Unreadable):
                    continue
                if entry.get("fraction"):
                    wrong = 0 < value <= 1
                else:
                    wrong = ("min" in entry and value < float(entry["min"])) or ("max" in entry and value > float(entry["max"]))
                if wrong:
                    findings.append(self.finding("{}的{} {}{}".format(
                        self.name(feature), self.zh(canonical), shown(feature.attrs.get(canonical), value),
                        "：" + entry["note"] if entry.get("note") else ""),
                        severity=entry.get("severity", self.severity), **self.where(feature)))
        return findings


class _EntryRule:
    """A range entry's `codes` / `codes_except` seen as a rule's parameters (for code_selector)."""

    def __init__(self, rule, entry):
        self.ruleset, self.severity = rule.ruleset, rule.severity
        self.args = {key: entry[key] for key in ("codes", "codes_except") if key in entry}

