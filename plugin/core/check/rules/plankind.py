"""plankind: doubts about the two inputs (a one map that looks like a plan, or the reverse) as warnings.

The detected kind and its reason are said in the run record (plan_kind_reason), the task log and
the panel's load report; only doubts become findings, so a clean plan stays without findings."""
from .base import Rule


class PlanKindRule(Rule):
    kind = "plankind"
    params = {}

    def run(self, ctx):
        decision = ctx.plan_kind
        if decision is None:                      # a context made outside verify() (e.g. a live re-check)
            return []
        return [self.finding("{}。{}".format(zh, decision.reason), plan_layer="GHYDYH") for zh, _en in decision.doubts]
