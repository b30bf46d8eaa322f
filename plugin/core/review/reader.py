"""A findings GeoPackage read back for review: rules with their findings and totals, indicators,
reviewer decisions. The panel's findings browser is a Qt model over this; nothing here needs a GUI.
Everything is read through core.review.readback, which checks it, as the report's reader does.
"""
from dataclasses import dataclass, field

from ..check.geomops import from_wkb
from ..check.rules.indicator import M2_PER_HA, M2_PER_MU
from . import decisions as decisions_mod
from . import readback


class FindingRow:
    """One row of the `findings` layer: its attributes, its geometry read when first asked for."""

    def __init__(self, values, review):
        self.__dict__.update(values)                  # finding.rule_id, finding.message … (read very often)
        self.fid, self._review = values["fid"], review
        self.has_area = self.has_geometry  # or an area figure without a part (GEO-06's difference): Review._add
        self._geometry = None

    @property
    def geometry(self):
        """The conflicting part (empty for findings without geometry: indicators, CRS); OneMapError when the
        file was replaced since it was opened or the part is damaged."""
        if self._geometry is None:
            self._geometry = readback.finding_geometry(self._review.path, self._review.run_id, self.fid,
                                                       self.finding_id) if self.has_geometry else from_wkb(None)
        return self._geometry


@dataclass
class RuleRow:
    values: dict                      # the `rules` table row: rule_id, title, status, reason …
    findings: list = field(default_factory=list)

    def __getattr__(self, name):
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    @property
    def area_m2(self):
        """Total area of the conflicting parts (findings without geometry carry no area)."""
        return sum(f.area_m2 or 0.0 for f in self.findings if f.has_area)


class Review:
    """Everything the browser shows, read from one findings GeoPackage (OneMapError if it is refused)."""

    def __init__(self, path):
        self.path = path
        stored = readback.read(path)
        self.crs = stored.crs
        self.run, self.run_id, self.indicators, self.problems = stored.run, stored.run_id, stored.indicators, \
            stored.problems
        self.rules = [RuleRow(row) for row in stored.rules]
        self.by_rule = {rule.rule_id: rule for rule in self.rules}
        self.stale_rules = set(stored.stale_rules)         # not run again since the plan was edited
        self.findings, self.by_fid = [], {}
        for row in stored.findings:
            self._add(row)
        self.decisions = {}
        self.reload_decisions()

    def _add(self, row):
        finding = FindingRow(row, self)
        self.findings.append(finding)
        self.by_fid[finding.fid] = finding
        rule = self.by_rule.get(finding.rule_id)
        if rule is None:                              # a finding of a rule the table lacks: still listed
            rule = self.by_rule[finding.rule_id] = RuleRow({"rule_id": finding.rule_id, "status": "failed",
                                                            "title": finding.rule_title or "", "reason": "",
                                                            "severity": finding.severity})
            self.rules.append(rule)
        rule.findings.append(finding)
        if rule.values.get("kind") != "indicator" and (finding.area_m2 or 0) > 0:   # as the check report shows it
            finding.has_area = True
        return finding

    def update(self, plan_layer, plan_fid, rule_ids):
        """Read one plan feature's findings of `rule_ids` again (after core.check.recheck wrote them), and
        those rules' rows; returns (removed, added) FindingRows."""
        rule_ids = set(rule_ids)
        removed = [f for f in self.findings
                   if f.plan_layer == plan_layer and f.plan_fid == plan_fid and f.rule_id in rule_ids]
        for finding in removed:
            self.findings.remove(finding)
            del self.by_fid[finding.fid]
            self.by_rule[finding.rule_id].findings.remove(finding)
        rows, rules, stale = readback.parcel(self.path, self.run_id, plan_layer, plan_fid, rule_ids)
        for values in rules:
            if values["rule_id"] in self.by_rule:
                self.by_rule[values["rule_id"]].values = values
        self.stale_rules = set(stale) & set(self.by_rule)
        return removed, [self._add(row) for row in rows]

    def reload_decisions(self):
        self.decisions = decisions_mod.open_decisions(self.path)

    def decision(self, finding):
        return self.decisions.get(finding.finding_id)

    def villages(self):
        return sorted({f.village for f in self.findings if f.village})

    def counts(self):
        return {level: sum(1 for f in self.findings if f.severity == level) for level in ("error", "warning", "info")}

    def summary(self, chinese=True):
        """The counts as the panel shows them; first, where the file contradicts itself."""
        severity_by_id = {f.finding_id: f.severity for f in self.findings}
        text = decisions_mod.summary(self.counts(), decisions_mod.decided_counts(
            severity_by_id, list(self.decisions.values())), chinese)
        if self.stale_rules:
            text = ("规划已编辑：{} 条规则的结论是编辑前的，请重新核对。{}" if chinese else
                    "The plan was edited: {} rules give their outcome before the edit; check again. {}").format(
                len(self.stale_rules), text)
        if self.problems:
            text = ("核对结果文件前后不一致（可能被改动）：{}。{}" if chinese else
                    "The findings file contradicts itself (it may have been altered): {}. {}").format(
                readback.contradictions_text(self.problems, chinese), text)
        return text


def ha_mu(m2, signed=False, chinese=True):
    """An area in 公顷 and 亩, 2 decimals each: '1.30 公顷（19.50 亩）' ('1.30 ha (19.50 mu)')."""
    pattern = "{0} 公顷（{0} 亩）" if chinese else "{0} ha ({0} mu)"
    return pattern.format("{:+.2f}" if signed else "{:.2f}").format(m2 / M2_PER_HA, m2 / M2_PER_MU)


def mu(m2):
    return m2 / M2_PER_MU
