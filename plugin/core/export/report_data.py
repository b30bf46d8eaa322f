"""Everything a check report states, read back from a findings GeoPackage (and its `decisions`, if any).

The findings GeoPackage is the source of truth: the report never re-runs a rule. Village names come
from the plan's village boundary when the plan can still be opened, else from the indicator rows.
"""
import os
from dataclasses import asdict, dataclass, field

from osgeo import ogr

from ..errors import OneMapError
from ..read.schema import schema
from ..read.sources import source_title
from ..read.villages import read_villages
from ..review import decisions

MU_PER_M2 = 15.0 / 10000.0              # 1 亩 = 10000/15 m²
INDICATOR_STATUS_ZH = {"pass": "符合", "fail": "不符合", "not_applicable": "不适用",
                       "computed": "计算值"}        # a base-year change figure without an allocation to meet
COMPARE_ZH = {">=": "不少于", "<=": "不超过"}
# Reviewer decisions close a finding: an approved exception (with 批复文号) or a false positive; one
# carried onto a finding that changed since is 需复核 ('review') and closes nothing until confirmed.
DECISION_ZH = {kind: names[0] for kind, names in decisions.NAMES.items()}


@dataclass
class Report:
    path: str
    run: dict
    rules: list
    indicators: list
    findings: list
    decisions: dict = field(default_factory=dict)      # finding_id -> decision row
    villages: list = field(default_factory=list)       # village names (or codes) of the plan

    @property
    def plan_name(self):
        return source_title(self.run.get("plan_path") or self.path)

    @property
    def village(self):
        return "、".join(self.villages) or self.plan_name

    def decision(self, finding):
        return self.decisions.get(finding.get("finding_id"))

    def decision_zh(self, finding):
        row = self.decision(finding) or {}
        return DECISION_ZH.get(row.get("decision"), row.get("decision") or "")

    def count(self, severity, decision=None):
        """Findings of a severity; decision='' counts the open ones, 'accepted' … those so decided."""
        return sum(1 for f in self.findings if f["severity"] == severity and (
            decision is None or ((self.decision(f) or {}).get("decision") or "") == decision))

    @property
    def passed(self):
        """通过: every error finding decided (approved exception or false positive), no rule failed to run."""
        return (self.count("error", "") == self.count("error", "review") == 0
                and not any(r["status"] == "error" for r in self.rules))

    @property
    def verdict(self):
        return "通过" if self.passed else "不通过"

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
        label = finding.get("label") or finding.get("plan_label")
        layer = schema().layers.get(finding.get("plan_layer") or "")
        name = layer.zh if layer else (finding.get("plan_layer") or "")
        if label:
            return "{} {}".format(name, label).strip()
        if finding.get("plan_fid") is not None:
            return "{} 要素 {}".format(name, finding["plan_fid"]).strip()
        return name


def _rows(dataset, name):
    layer = dataset.GetLayerByName(name)
    if layer is None:
        return None
    rows = []
    for feature in layer:
        row = feature.items()
        geometry = feature.GetGeometryRef()
        if geometry is not None:
            row["_wkb"] = bytes(geometry.ExportToWkb())
        rows.append(row)
    return rows


def _villages(plan_path, indicators, kind=""):
    names = read_villages(plan_path)[0]
    if names or kind == "detailed":             # a detailed plan's indicator rows are keyed by 规划单元, not village
        return names
    return list(dict.fromkeys(row["village_code"] for row in indicators if row.get("village_code")))


def read_report(path):
    """Read a findings GeoPackage written by the verification; OneMapError if it is not one."""
    if not os.path.isfile(path):
        raise OneMapError("找不到核对结果文件：{}".format(path), "Findings file not found: {}".format(path))
    try:
        dataset = ogr.Open(path)
    except RuntimeError:
        dataset = None
    tables = {name: _rows(dataset, name) for name in ("findings", "rules", "indicators", "run")} \
        if dataset is not None else {}
    if not tables or any(tables[name] is None for name in ("findings", "rules", "run")) or not tables["run"]:
        raise OneMapError("{} 不是 OneMap 核对结果（缺少 findings/rules/run 表）".format(path),
                          "{} is not a OneMap findings GeoPackage (no findings/rules/run tables)".format(path))
    run = tables["run"][0]
    indicators = tables["indicators"] or []
    decided = {d.finding_id: dict(asdict(d), decision="review" if d.review else d.decision)
               for d in decisions.read(path) if not d.resolved and d.decision in decisions.KINDS}
    order = {"error": 0, "warning": 1, "info": 2}
    rule_order = {row["rule_id"]: index for index, row in enumerate(tables["rules"])}
    findings = sorted(tables["findings"], key=lambda f: (rule_order.get(f["rule_id"], 999),
                                                         order.get(f["severity"], 3), f.get("plan_fid") or 0))
    return Report(path=path, run=run, rules=tables["rules"], indicators=indicators, findings=findings,
                  decisions=decided, villages=_villages(run.get("plan_path") or "", indicators, run.get("plan_kind") or ""))
