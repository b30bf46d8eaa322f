"""usable: features whose geometry the check could not take as delivered (core.check.geomops.Screen).

Every feature of the plan and the one map is read through the screen; one finding per feature it
changed or left out, naming the side, the layer and the feature: polygon parts kept of a collection
(warning), curves measured as straight segments (info), nothing usable — invalid coordinates, lines or
points only, rings of too few points — (error: the feature took part in no rule).
"""
from ...read.schema import schema
from .base import SIDE_ZH, Rule


class UsableRule(Rule):
    kind = "usable"
    params = {}

    def run(self, ctx):
        ctx.load_all()
        severities = {"error": self.severity, "warning": "warning", "info": "info"}
        findings = []
        for note in ctx.screen.notes:
            data = ctx.plan_layer(note.key) if note.side == "plan" else ctx.onemap_layer(note.key)
            feature = data.by_fid.get(note.fid) if data is not None else None
            label = feature.label if feature is not None else str(note.fid)
            layer = "{}（{}）".format(schema().layers[note.key].zh, data.name if data is not None else note.key)
            on_plan = note.side == "plan"
            findings.append(self.finding(
                "{}图层 {} 要素 {}：{}".format(SIDE_ZH[note.side], layer, label, note.zh), severity=severities[note.level],
                plan_layer=note.key if on_plan else "", plan_fid=note.fid if on_plan else None,
                plan_code=feature.code if on_plan and feature is not None else "", plan_label=label if on_plan else "",
                control_layer="" if on_plan else note.key, control_fid=None if on_plan else note.fid, detail=note.en))
        return findings
