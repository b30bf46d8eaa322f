"""What every rule kind shares: the rule definition, findings, and 'not applicable'."""
from dataclasses import dataclass, field
from typing import Optional

from qgis.core import QgsGeometry

SEVERITIES = ("error", "warning", "info")


@dataclass
class Finding:
    rule_id: str
    severity: str
    message: str                      # Chinese, with the figures (the rule's English title is written beside it)
    plan_layer: str = ""
    plan_fid: Optional[int] = None
    plan_code: str = ""
    control_layer: str = ""
    control_fid: Optional[int] = None
    area_m2: Optional[float] = None
    geometry: Optional[QgsGeometry] = None
    plan_label: str = ""              # the plan feature's BSM/TBBH (else fid), filled in by the engine
    detail: str = ""                  # technical detail kept out of the Chinese message (e.g. GEOS's words)
    village: str = ""                 # the plan's village (村级调查区) it lies in, filled in by the engine
    extra: dict = field(default_factory=dict)     # 'x', 'y': where to look when that is not on the geometry


class NotApplicable(Exception):
    """The rule's inputs are absent (e.g. no 生态保护红线 in the one map): recorded, not an error."""

    def __init__(self, zh, en):
        super().__init__("{} / {}".format(zh, en))
        self.zh, self.en = zh, en


class Rule:
    """A rule of the rule set bound to its kind. Subclasses set `kind`, `params` and implement run()."""
    kind = ""
    params = {}       # name -> (type or tuple of types, required[, allowed values])

    def __init__(self, definition, ruleset):
        self.id = definition["id"]
        self.severity = definition["severity"]
        self.title = definition["title"]
        self.clause = definition.get("clause", {})
        self.args = definition.get("params") or {}
        self.ruleset = ruleset

    def run(self, ctx):
        raise NotImplementedError

    def finding(self, message, **values):
        return Finding(rule_id=self.id, severity=values.pop("severity", self.severity), message=message, **values)

    def plan_layer(self, ctx, key):
        layer = ctx.plan_layer(key)
        if layer is None:
            raise NotApplicable("规划成果中没有图层 {}".format(key), "the plan has no {} layer".format(key))
        return layer

    def onemap_layer(self, ctx, key):
        layer = ctx.onemap_layer(key)
        if layer is None:
            raise NotApplicable("一张图中没有图层 {}".format(key), "the one map has no {} layer".format(key))
        return layer
