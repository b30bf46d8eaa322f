"""approved: the plan against the plans already approved into the one map (its approved plans' layer,
core.lifecycle), within the plan's extent, as now or as of an earlier state (the engine's `as_of`).

`check` says which question the rule asks:
- exists: a plan that is not declared a change (新编, or undeclared) where an approved plan already
  holds ground — one finding per approved plan (批复文号) with the area; a plan declared 修改, 局部调整 or
  技术修正 where none exists;
- use:    each piece whose use differs from the approved plan's, naming its 批复文号, the old and the new
  use and the area; the severity by what the plan declares (`severity_by_change`: for a 修改 the list is
  its content, notes);
- public: public-interest land (`public`: classes, e.g. 08, 13, 14) of an approved plan given another use;
  the rule's severity when the public-interest land within the shared ground shrinks by more than the
  indicator tolerance, a note when it only moves.
"""
from ...errors import OneMapError
from ...lifecycle import overlay
from ...lifecycle.changes import CHANGES, NEW, UNDECLARED
from ...read.history import iso_date
from ..geomops import union
from .base import SEVERITIES, NotApplicable, Rule
from .params import CODES, LAYER
from .selection import describe


class ApprovedRule(Rule):
    kind = "approved"
    params = {"plan_layer": (LAYER, True), "approved": (LAYER, True), "check": (str, True, ("exists", "use", "public")),
              "severity_by_change": (dict, False), "public": (CODES, False)}

    def __init__(self, definition, ruleset):
        super().__init__(definition, ruleset)
        by_change = self.args.get("severity_by_change") or {}
        wrong = {k: v for k, v in by_change.items() if k not in CHANGES + (UNDECLARED,) or v not in SEVERITIES + ("none",)}
        if wrong:
            raise OneMapError("规则 {} 的 severity_by_change 有误：{}（键为 {}，值为 error/warning/info/none）".format(
                                  self.id, wrong, "、".join(CHANGES + (UNDECLARED,))),
                              "Rule {}: wrong severity_by_change {}".format(self.id, wrong))
        public = [str(item) for item in self.args.get("public") or []]
        if self.args["check"] == "public" and not public:
            raise OneMapError("规则 {} 缺少参数 public（公益性用地的类或代码）".format(self.id),
                              "Rule {} needs the parameter public (classes or codes)".format(self.id))
        unknown = [item for item in public if item not in ruleset.classes and not item.isdigit()]
        if unknown:
            raise OneMapError("规则 {} 的 public 中 {} 既不是类名也不是代码".format(self.id, "、".join(unknown)),
                              "Rule {}: {} in public is neither a class nor a code".format(self.id, ", ".join(unknown)))

    def run(self, ctx):
        approved = ctx.onemap_layer(self.args["approved"])
        if approved is None:
            raise NotApplicable("一张图中没有已批规划用地图层（{}），尚无规划入库".format(self.args["approved"]),
                                "the one map has no approved plans ({}): nothing was merged yet".format(self.args["approved"]))
        plan = self.plan_layer(ctx, self.args["plan_layer"])
        when = "（对照一张图：{}）".format(ctx.as_of.zh) if ctx.as_of else ""
        declared = ctx.declared_change or UNDECLARED
        pieces = list(overlay.pieces(plan.features, approved, self.ruleset.noise_m2))
        if self.args["check"] == "exists":
            return self.exists(pieces, declared, when)
        if not pieces:
            raise NotApplicable("规划范围内没有已批规划{}".format(when), "no approved plan within the plan's extent")
        return self.use(pieces, declared, when) if self.args["check"] == "use" else self.public(pieces, when)

    def _finding(self, message, severity, feature, other, piece, area):
        return self.finding(message, severity=severity, plan_layer=self.args["plan_layer"], plan_fid=feature.fid,
                            plan_code=feature.code, control_layer=self.args["approved"], control_fid=other.fid,
                            area_m2=area, geometry=piece)

    def exists(self, pieces, declared, when):
        if not pieces:
            if declared in (UNDECLARED, NEW):
                return []
            return [self.finding("本规划声明为{}，但规划范围内没有已批规划{}".format(declared, when),
                                 plan_layer=self.args["plan_layer"])]
        if declared not in (UNDECLARED, NEW):
            return []
        plans = {}
        for _feature, other, piece, area in pieces:
            plans.setdefault(other.attrs.get("PFWH") or "", []).append((other, piece, area))
        doing = ("本规划声明为新编，入库将使其重叠部分失效：请确认是否应按修改报批" if declared == NEW else
                 "本规划未声明为新编、修改、局部调整或技术修正，请说明")
        findings = []
        for approval_no, shared in plans.items():
            first = shared[0][0]
            findings.append(self.finding(
                "规划范围内已有已批规划《{}》（批复文号 {}，批复日期 {}）{}，重叠 {:.2f} 平方米；{}".format(
                    first.attrs.get("GHMC") or "", approval_no, iso_date(first.attrs.get("PFRQ")), when,
                    sum(area for _o, _p, area in shared), doing),
                plan_layer=self.args["plan_layer"], control_layer=self.args["approved"], control_fid=first.fid,
                area_m2=sum(area for _o, _p, area in shared), geometry=union([piece for _o, piece, _a in shared])))
        return findings

    def use(self, pieces, declared, when):
        severity = (self.args.get("severity_by_change") or {}).get(declared, self.severity)
        if severity == "none":
            return []
        content = "（{}内容）".format(declared) if declared not in (UNDECLARED, NEW) and severity == "info" else ""
        return [self._finding("已批规划（批复文号 {}）地块 {} 为 {}，本规划地块 {} 为 {}，面积 {:.2f} 平方米{}{}".format(
                    other.attrs.get("PFWH") or "", other.label, describe(other.code), feature.label,
                    describe(feature.code), area, when, content), severity, feature, other, piece, area)
                for feature, other, piece, area in pieces if feature.code != other.code]

    def public(self, pieces, when):
        public = self.ruleset.codes(self.args["public"])
        before = sum(area for feature, other, _p, area in pieces if other.code in public)
        after = sum(area for feature, other, _p, area in pieces if feature.code in public)
        lost = [(f, o, p, a) for f, o, p, a in pieces if o.code in public and f.code not in public]
        tolerance = float(self.ruleset.tolerances.get("indicator_m2", 0.0))
        shrinks = after < before - tolerance
        balance = ("净减少 {:.2f} 平方米".format(before - after) if shrinks else "总量未减少，为位置调整")
        severity = self.severity if shrinks else "info"
        return [self._finding("已批规划（批复文号 {}）的公益性用地 {} 在本规划中为 {}，面积 {:.2f} 平方米{}；与已批规划重叠范围内"
                              "公益性用地已批 {:.2f} 平方米、本规划 {:.2f} 平方米（{}）".format(
                                  other.attrs.get("PFWH") or "", describe(other.code), describe(feature.code), area,
                                  when, before, after, balance),
                              severity, feature, other, piece, area)
                for feature, other, piece, area in lost]
