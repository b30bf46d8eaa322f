"""What every rule kind shares: the rule definition, findings, and 'not applicable'."""
from types import MappingProxyType

from ..geomops import from_wkb

SEVERITIES = ("error", "warning", "info")
AREA_SLACK = 1e-6        # m²: a shape turned or densified computes a millionth off its area (a 1 m² piece as
                         # 0.99999999 m²); an area this close to a threshold counts as reaching it


def reaches(area, threshold):
    """Whether an area reaches a threshold (noise, tolerance, minimum), floating error allowed for."""
    return area >= threshold - AREA_SLACK
_NO_EXTRA = MappingProxyType({})
SIDE_ZH, SIDE_EN = {"plan": "规划成果", "onemap": "一张图"}, {"plan": "plan", "onemap": "one-map"}    # a run's two sides


class Finding:
    """One finding of a rule. A county run holds hundreds of thousands until they are written, so the
    conflicting part is kept as WKB (about a sixth of a QgsGeometry's memory) and `geometry` is a new
    QgsGeometry each time it is read: assign it back after changing it."""
    __slots__ = ("rule_id", "severity", "message", "plan_layer", "plan_fid", "plan_code", "control_layer",
                 "control_fid", "area_m2", "plan_label", "detail", "village", "extra", "_wkb", "place")

    def __init__(self, rule_id, severity, message, plan_layer="", plan_fid=None, plan_code="", control_layer="",
                 control_fid=None, area_m2=None, geometry=None, plan_label="", detail="", village="", extra=None):
        self.rule_id, self.severity = rule_id, severity
        self.message = message            # Chinese, with the figures (the rule's English title is written beside it)
        self.plan_layer, self.plan_fid, self.plan_code = plan_layer, plan_fid, plan_code
        self.control_layer, self.control_fid = control_layer, control_fid
        self.area_m2 = area_m2
        self.geometry = geometry          # the conflicting part (None: the finding has no place, e.g. an indicator)
        self.plan_label = plan_label      # the plan feature's BSM/TBBH (else fid), filled in by the engine
        self.detail = detail              # technical detail kept out of the Chinese message (e.g. GEOS's words)
        self.village = village            # the plan's village (村级调查区) it lies in, filled in by the engine
        self.extra = extra or _NO_EXTRA   # 'x', 'y': where to look when that is not on the geometry

    @property
    def geometry(self):
        if self._wkb is None:
            return None
        return from_wkb(self._wkb)

    @geometry.setter
    def geometry(self, geometry):
        self._wkb = None if geometry is None else bytes(geometry.asWkb()) if not geometry.isEmpty() else b""
        self.place = None             # (x, y) where to look, worked out once from the part (review.findings)

    @property
    def wkb(self):
        """The conflicting part as WKB bytes (b'' when empty, None when the finding has no place)."""
        return self._wkb

    def __repr__(self):
        return "Finding({} {} {}:{} {})".format(self.rule_id, self.severity, self.plan_layer, self.plan_fid, self.message)


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

    def prepare(self, ctx):
        """Start work that can go on beside the rules before this one (e.g. a database query); True when the
        rule is to run after the rules that return False, so that the work has their time to finish in."""

    def run(self, ctx):
        raise NotImplementedError

    def check_links(self, rules):
        """None, or why this rule's references to other rules of the set ({id: Rule}) cannot stand."""
        return None

    def answered(self, ctx, kind):
        """The shared PostGIS database's answer for this rule (`kind`: the postgis_overlay.Database method
        that gives it), its question sent first if prepare() did not send it ahead (the live re-check runs
        single rules); None when the rule runs in Python."""
        if ctx.database is None:
            return None
        if not ctx.database.asked(self.id):
            self.prepare(ctx)
        return getattr(ctx.database, kind)(self.id)

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
