"""A findings GeoPackage read back for review: rules with their findings and totals, indicators,
reviewer decisions. The panel's findings browser is a Qt model over this; nothing here needs a GUI.
"""
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from urllib.request import pathname2url

from osgeo import ogr
from qgis.core import QgsCoordinateReferenceSystem, QgsGeometry

from ..check.rules.indicator import M2_PER_HA, M2_PER_MU
from ..errors import OneMapError
from . import decisions as decisions_mod
from .findings import open_findings

ogr.UseExceptions()


class FindingRow:
    """One row of the `findings` layer: its attributes, its geometry read when first asked for."""

    def __init__(self, fid, values, has_geometry, path):
        self.__dict__.update(values)                  # finding.rule_id, finding.message … (read very often)
        self.fid, self.values, self.has_geometry, self._path = fid, values, has_geometry, path
        self.has_area = has_geometry      # or an area figure without a part (GEO-06's difference): Review._add
        self._geometry = None

    @property
    def geometry(self):
        """The conflicting part (empty for findings without geometry: indicators, CRS)."""
        if self._geometry is None:
            self._geometry = QgsGeometry()
            if self.has_geometry:
                dataset = ogr.Open(self._path)           # held while the feature is read
                feature = dataset.GetLayerByName("findings").GetFeature(self.fid)
                reference = feature.GetGeometryRef() if feature is not None else None
                if reference is not None:
                    self._geometry.fromWkb(bytes(reference.ExportToWkb()))
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
    """Everything the browser shows, read from one findings GeoPackage."""

    def __init__(self, path):
        self.path = path
        dataset = open_findings(path)
        layer = dataset.GetLayerByName("findings")
        if layer is None:
            raise OneMapError("无法打开核对结果：{}".format(path), "Cannot open findings: {}".format(path))
        srs = layer.GetSpatialRef()
        self.crs = QgsCoordinateReferenceSystem.fromWkt(srs.ExportToWkt()) if srs is not None else \
            QgsCoordinateReferenceSystem()
        geometry_column = layer.GetGeometryColumn()
        names = [layer.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(layer.GetLayerDefn().GetFieldCount())]
        dataset = None
        self._names = names
        self._select = 'SELECT fid, "{}" IS NOT NULL AS has_geometry, {} FROM findings'.format(
            geometry_column, ", ".join('"{}"'.format(n) for n in names))
        with self._connect() as db:
            tables = {name: _rows(db, name) for name in ("rules", "indicators", "run")}
            rows = db.execute(self._select + " ORDER BY fid").fetchall()
        self.run = tables["run"][0] if tables["run"] else {}
        self.indicators = tables["indicators"]
        self.rules = [RuleRow(row) for row in tables["rules"]]
        self.by_rule = {rule.rule_id: rule for rule in self.rules}
        self.findings, self.by_fid = [], {}
        for row in rows:
            self._add(row)
        self.decisions = {}
        self.reload_decisions()

    def _connect(self):
        """Attributes through SQLite directly: tens of thousands of rows in a fraction of a second."""
        db = sqlite3.connect("file:{}?mode=ro".format(pathname2url(os.path.abspath(self.path))), uri=True)
        db.row_factory = sqlite3.Row
        return closing(db)

    def _add(self, row):
        finding = FindingRow(row["fid"], {name: row[name] for name in self._names}, bool(row["has_geometry"]),
                             self.path)
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
        marks = ",".join("?" * len(rule_ids))
        with self._connect() as db:
            rows = db.execute(self._select + " WHERE plan_layer = ? AND plan_fid = ? AND rule_id IN ({}) ORDER BY fid"
                              .format(marks), [plan_layer, plan_fid] + sorted(rule_ids)).fetchall()
            rules = {row["rule_id"]: dict(row) for row in _rows(db, "rules") if row["rule_id"] in rule_ids}
        for rule_id, values in rules.items():
            if rule_id in self.by_rule:
                self.by_rule[rule_id].values = values
        return removed, [self._add(row) for row in rows]

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


def _rows(db, table):
    if not db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone():
        return []
    return [dict(row) for row in db.execute('SELECT * FROM "{}" ORDER BY fid'.format(table))]


def ha_mu(m2, signed=False, chinese=True):
    """An area in 公顷 and 亩, 2 decimals each: '1.30 公顷（19.50 亩）' ('1.30 ha (19.50 mu)')."""
    pattern = "{0} 公顷（{0} 亩）" if chinese else "{0} ha ({0} mu)"
    return pattern.format("{:+.2f}" if signed else "{:.2f}").format(m2 / M2_PER_HA, m2 / M2_PER_MU)


def mu(m2):
    return m2 / M2_PER_MU
