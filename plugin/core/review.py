"""A findings GeoPackage read back for review: rules with their findings and totals, indicators,
reviewer decisions. The panel's findings browser is a Qt model over this; nothing here needs a GUI.
"""
from dataclasses import dataclass, field

from osgeo import ogr
from qgis.core import QgsCoordinateReferenceSystem, QgsGeometry

from . import decisions as decisions_mod
from .errors import OneMapError
from .rules.indicator import M2_PER_HA, M2_PER_MU

ogr.UseExceptions()


@dataclass
class FindingRow:
    fid: int                          # the feature's fid in the `findings` layer
    values: dict                      # every attribute of the findings layer
    geometry: QgsGeometry             # empty for findings without geometry (indicators, CRS)

    def __getattr__(self, name):
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)

    @property
    def has_area(self):
        return not self.geometry.isEmpty()


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
    """Everything the browser shows, read from one findings GeoPackage."""

    def __init__(self, path):
        self.path = path
        try:
            dataset = ogr.Open(path)
        except RuntimeError:
            dataset = None
        layer = dataset.GetLayerByName("findings") if dataset is not None else None
        if layer is None:
            raise OneMapError("无法打开核对结果：{}".format(path), "Cannot open findings: {}".format(path))
        srs = layer.GetSpatialRef()
        self.crs = QgsCoordinateReferenceSystem.fromWkt(srs.ExportToWkt()) if srs is not None else \
            QgsCoordinateReferenceSystem()
        tables = {name: _rows(dataset.GetLayerByName(name)) for name in ("rules", "indicators", "run")}
        self.run = tables["run"][0] if tables["run"] else {}
        self.indicators = tables["indicators"]
        self.rules = [RuleRow(row) for row in tables["rules"]]
        by_rule = {rule.rule_id: rule for rule in self.rules}
        self.findings = []
        for feature in layer:
            reference = feature.GetGeometryRef()
            geometry = QgsGeometry()
            if reference is not None:
                geometry.fromWkb(bytes(reference.ExportToWkb()))
            row = FindingRow(feature.GetFID(), {key: feature.GetField(key) for key in feature.keys()}, geometry)
            self.findings.append(row)
            rule = by_rule.get(row.rule_id)
            if rule is None:                          # a finding of a rule the table lacks: still listed
                rule = by_rule[row.rule_id] = RuleRow({"rule_id": row.rule_id, "title": row.rule_title or "",
                                                       "status": "failed", "reason": "", "severity": row.severity})
                self.rules.append(rule)
            rule.findings.append(row)
        self.decisions = {}
        self.reload_decisions()

    def reload_decisions(self):
        self.decisions = {d.finding_id: d for d in decisions_mod.read(self.path) if not d.resolved}

    def decision(self, finding):
        return self.decisions.get(finding.finding_id)

    @property
    def resolved_decisions(self):
        return [d for d in decisions_mod.read(self.path) if d.resolved]

    def villages(self):
        return sorted({f.village for f in self.findings if f.village})

    def counts(self):
        return {level: sum(1 for f in self.findings if f.severity == level) for level in ("error", "warning", "info")}

    def summary(self, chinese=True):
        severity_by_id = {f.finding_id: f.severity for f in self.findings}
        return decisions_mod.summary(self.counts(), decisions_mod.decided_counts(
            severity_by_id, list(self.decisions.values())), chinese)


def _rows(layer):
    return [] if layer is None else [{key: feature.GetField(key) for key in feature.keys()} for feature in layer]


def ha_mu(m2, signed=False):
    """An area in 公顷 and 亩, 2 decimals each: '1.30 公顷（19.50 亩）'."""
    pattern = "{:+.2f} 公顷（{:+.2f} 亩）" if signed else "{:.2f} 公顷（{:.2f} 亩）"
    return pattern.format(m2 / M2_PER_HA, m2 / M2_PER_MU)


def mu(m2):
    return m2 / M2_PER_MU
