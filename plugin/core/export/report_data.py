"""Everything a check report states, read back from a findings GeoPackage (and its `decisions`, if any).

The findings GeoPackage is the source of truth: the report never re-runs a rule, and it never opens
or connects to anything the file names (its run record's plan, one map or rule set) — a findings file
may come from anyone. It is read by core.review.readback, as the browser reads it: refused when its
schema, a value's type, a severity or a geometry is not what OneMap writes, every text made plain and
bounded; where the file contradicts itself (a rule recorded as failed whose errors are not listed, run
counts that disagree with the rows) the verdict is 无法判定, never 通过. Village names come from the run
record (`villages`, written at check time), for older files from the findings' own `village` column,
else from the indicator rows.
"""
from dataclasses import dataclass, field

from ..read.schema import schema
from ..read.sources import source_title
from ..review import decisions, readback
from ..review.layout import NOTE_JOIN, SEVERITIES, SEVERITY_ZH, STATUS_ZH
from .text import clip, plain

MU_PER_M2 = 15.0 / 10000.0              # 1 亩 = 10000/15 m²
INDICATOR_STATUS_ZH = {"pass": "符合", "fail": "不符合", "not_applicable": "不适用",
                       "computed": "计算值"}        # a base-year change figure without an allocation to meet
COMPARE_ZH = {">=": "不少于", "<=": "不超过"}


def indicator_conclusion(row):
    """(word, qualifier) of an indicator row's 结论: 不符合 of a row whose finding is a warning or a note says
    so (IND-01's 村庄建设用地规模 is a warning in the default rule set, not an error); '' otherwise."""
    failed_lightly = row.get("status") == "fail" and row.get("severity") in ("warning", "info")
    return (INDICATOR_STATUS_ZH.get(row.get("status"), row.get("status") or ""),
            SEVERITY_ZH[row["severity"]] if failed_lightly else "")


def status_css(status):
    """The report's colour class of a rule's or an indicator row's status (report_html's CSS)."""
    return {"passed": "pass", "pass": "pass", "failed": "fail", "fail": "fail", "error": "fail"}.get(status, "na")


def indicator_css(row):
    """符合 green, 不符合 red, 不符合 of a warning or a note amber (indicator_conclusion), anything else grey."""
    return "warn" if indicator_conclusion(row)[1] else status_css(row.get("status"))


def indicator_conclusion_text(row):
    """The 结论 on one line: 不符合（警告）."""
    word, qualifier = indicator_conclusion(row)
    return "{}（{}）".format(word, qualifier) if qualifier else word
# Reviewer decisions close a finding: an approved exception (with 批复文号) or a false positive; one
# carried onto a finding that changed since is 需复核 ('review') and closes nothing until confirmed.
DECISION_ZH = {kind: names[0] for kind, names in decisions.NAMES.items()}
CLOSING = tuple(decisions.KINDS)          # the decisions that close a finding
UNDECIDED = "无法判定"                 # the verdict on a file that contradicts itself, or outdated by edits
STALE_ZH = "编辑前"                    # said of the outcome of a rule a live re-check did not run again


@dataclass
class Report:
    path: str
    run: dict
    rules: list
    indicators: list
    findings: list
    decisions: dict = field(default_factory=dict)      # finding_id -> core.review.decisions.Decision (unresolved)
    villages: list = field(default_factory=list)       # village names (or codes) of the plan
    problems: list = field(default_factory=list)       # [(zh, en)] where the file contradicts itself
    stored: object = None                              # the core.review.readback.Stored read (its CRS)

    @property
    def crs(self):
        """The findings' CRS (map sheets draw them in it)."""
        return self.stored.crs

    @property
    def plan_name(self):
        return source_title(self.run.get("plan_path") or self.path)

    @property
    def village(self):
        """What the report is titled by: the plan's villages, a 控规's name from its data, else the file's name."""
        return clip("、".join(self.villages), readback.TEXT_MAX) or self.run.get("plan_name") or self.plan_name

    def decision(self, finding):
        """The decision on a finding (a row of the report, or a feature of the findings layer), or None."""
        return self.decisions.get(finding["finding_id"])

    def decision_kind(self, finding):
        """'accepted', 'false_positive', 'review' (需复核) or '' for a finding without a decision."""
        decision = self.decision(finding)
        return decision.state if decision is not None else ""

    def decision_zh(self, finding):
        """'已认可例外', '误报', or '需复核（已认可例外）' — as the panel's browser shows it; a stored row that
        is no valid decision says why: '需复核（已认可例外；记录无效：已认可例外须填写批复文号）'."""
        decision = self.decision(finding)
        kind = self.decision_kind(finding)
        if kind == "review":
            why = "；记录无效：{}".format(decision.problem) if decision.problem else ""
            return "{}（{}{}）".format(DECISION_ZH["review"], DECISION_ZH.get(decision.decision, plain(decision.decision)),
                                      why)
        return DECISION_ZH.get(kind, kind)

    @property
    def counts(self):
        return {severity: sum(1 for f in self.findings if f["severity"] == severity) for severity in SEVERITIES}

    @property
    def decided(self):
        """{severity: {kind: n}} counted by core.review.decisions, as the panel counts them."""
        return decisions.decided_counts({f["finding_id"]: f["severity"] for f in self.findings},
                                        list(self.decisions.values()))

    def count(self, severity, kind=None):
        """Findings of a severity; with `kind` ('accepted', 'false_positive', 'review') those so decided."""
        return self.counts[severity] if kind is None else self.decided.get(severity, {}).get(kind, 0)

    def open_count(self, severity):
        """Findings of a severity no decision closes (none, or 需复核)."""
        return self.counts[severity] - sum(self.count(severity, kind) for kind in CLOSING)

    def summary(self):
        """'错误 12 个（已认可例外 1 个、需复核 1 个），警告 5 个，提示 1 个' — the panel's words."""
        return decisions.summary(self.counts, self.decided)

    @property
    def failed_rules(self):
        """Rules that could not finish (status error): what they did not examine is not known."""
        return [rule["rule_id"] for rule in self.rules if rule["status"] == "error"]

    @property
    def stale_rules(self):
        """Rules not run again since the plan was edited (a live re-check runs only the parcel rules)."""
        return self.stored.stale_rules if self.stored is not None else []

    def status_zh(self, rule):
        """A rule's outcome in words: '通过', or '通过（编辑前）' for one not run again since an edit."""
        text, qualifier = STATUS_ZH.get(rule["status"], rule["status"] or ""), self.status_qualifier(rule)
        return "{}（{}）".format(text, qualifier) if qualifier else text

    def status_qualifier(self, rule):
        """What qualifies a rule's outcome: 编辑前 for one not run again since an edit, else ''."""
        return STALE_ZH if rule["rule_id"] in self.stale_rules else ""

    @property
    def passed(self):
        """通过: every error finding closed (approved exception or false positive), every rule finished, and
        the file does not contradict itself."""
        return self.open_count("error") == 0 and not self.failed_rules and not self.problems

    @property
    def verdict(self):
        if self.problems or self.stale_rules:
            return UNDECIDED
        return "通过" if self.passed else "不通过"

    def basis(self):
        """What the verdict rests on, in one sentence."""
        if self.problems:
            return "依据：核对结果文件前后不一致，可能被改动：{}。不能据此判定是否通过，请重新核对。".format(
                readback.contradictions_text(self.problems))
        if self.stale_rules:
            return ("依据：核对后规划已经编辑，实时核对只重新核对了逐个地块的规则，规则 {} 的结论是对编辑前的规划作出的"
                    "（表中标“{}”），不能据此判定是否通过。请重新完整核对后再出具报告。".format(
                        "、".join(self.stale_rules), STALE_ZH))
        errors, to_confirm = self.open_count("error"), self.count("error", "review")
        if self.passed:
            closed = "、".join("{} {} 个".format(DECISION_ZH[kind], self.count("error", kind))
                              for kind in CLOSING if self.count("error", kind))
            return "依据：{}；全部规则均已执行完毕。警告、提示不影响结论。".format(
                "错误 {} 个均已决定（{}）".format(self.counts["error"], closed) if closed else "无错误")
        reasons = []
        if errors:
            reasons.append("尚有 {} 个错误未认可为例外、也未判为误报{}".format(
                errors, "（其中需复核 {} 个）".format(to_confirm) if to_confirm else ""))
        if self.failed_rules:
            reasons.append("规则 {} 执行出错，未完成核对".format("、".join(self.failed_rules)))
        return "依据：{}。警告、提示不影响结论。".format("；".join(reasons))

    def shared_notes(self):
        """[(note, [rule ids])]: the 说明 that several rules which ran share — what a rule that ran says there is the
        parcels it could not examine (1 个用途无法识别的地块（代码 R2）未参与本规则核对，见 ATT-01), the same for every
        rule on the layer. A 说明 of several parts (joined by '；': the parcels left to a rule deferred to) shares
        part by part. Printed once under the rules table (注 1 …), each rule's 说明 referring to it."""
        rules = {}
        for rule in self.rules:
            if rule["status"] in ("passed", "failed"):
                for part in _parts(rule.get("reason")):
                    rules.setdefault(part, []).append(rule["rule_id"])
        return [(note, ids) for note, ids in rules.items() if len(ids) > 1]

    def rule_reason(self, rule, notes):
        """A rule's 说明 as printed: its own reason, each part of it that is the n-th of `notes` (shared_notes())
        said as '见注 n'."""
        numbers = {note: n for n, (note, ids) in enumerate(notes, 1) if rule["rule_id"] in ids}
        parts = _parts(rule.get("reason"))
        return NOTE_JOIN.join("见注 {}".format(numbers[part]) if part in numbers else part for part in parts) \
            if parts else rule.get("reason") or ""

    def rule_count(self, rule):
        """The findings of a rule listed in the report (counted from the rows, as the panel counts them)."""
        return sum(1 for f in self.findings if f["rule_id"] == rule["rule_id"])

    def rule_area_m2(self, rule):
        """Area the rule's findings cover; None for indicator rules (their 'area' is a difference)."""
        if rule.get("kind") == "indicator":
            return None
        areas = [self.finding_area_m2(f) for f in self.findings if f["rule_id"] == rule["rule_id"]]
        areas = [area for area in areas if area is not None]
        return sum(areas) if areas else None

    def finding_area_m2(self, finding):
        """The parcel area a finding concerns; None for indicator findings (theirs is a difference)."""
        kinds = {rule["rule_id"]: rule.get("kind") for rule in self.rules}
        area = finding.get("area_m2")
        return None if kinds.get(finding["rule_id"]) == "indicator" or not area or area <= 0 else area

    def parcel(self, finding):
        """How a reviewer finds the parcel: its label (BSM/TBBH) when the findings carry one, else the fid."""
        label = finding.get("plan_label")
        layer = schema().layers.get(finding.get("plan_layer") or "")
        name = layer.zh if layer else (finding.get("plan_layer") or "")
        if label:
            return "{} {}".format(name, label).strip()
        if finding.get("plan_fid") is not None:
            return "{} 要素 {}".format(name, finding["plan_fid"]).strip()
        return name


def _villages(stored):
    """The plan's villages as the check recorded them; older files: the villages findings lie in, else
    the allocation's village codes (not for a detailed plan, whose indicator rows are keyed by 规划单元)."""
    names = stored.villages or [f["village"] for f in stored.findings if f.get("village")]
    if not names and stored.run.get("plan_kind") != "detailed":
        names = [row["village_code"] for row in stored.indicators if row.get("village_code")]
    return list(dict.fromkeys(names))


def read_report(path):
    """Read a findings GeoPackage written by the verification (core.review.readback, with every finding's
    part for the map sheets); OneMapError if it is not one or is refused."""
    stored = readback.read(path, geometry=True)
    order = {severity: index for index, severity in enumerate(SEVERITIES)}
    rule_order = {row["rule_id"]: index for index, row in enumerate(stored.rules)}
    findings = sorted(stored.findings, key=lambda f: (rule_order.get(f["rule_id"], 999), order[f["severity"]],
                                                      f.get("plan_fid") or 0))
    return Report(path=path, run=stored.run, rules=stored.rules, indicators=stored.indicators, findings=findings,
                  decisions=decisions.open_decisions(path),          # as the panel
                  villages=_villages(stored), problems=stored.problems, stored=stored)


def _parts(reason):
    """A rule's 说明 cut into the notes it joins (selection.unexamined_note)."""
    return [part for part in (reason or "").split(NOTE_JOIN) if part]
