"""crs: inputs in the CGCS2000 family; a missing .prj read from zone-prefixed x; reprojection recorded."""
from ...review.layout import LIST_JOIN
from .base import SIDE_ZH, Rule


class CrsRule(Rule):
    kind = "crs"
    params = {}

    def run(self, ctx):
        """One finding per distinct note and side, naming every layer it concerns."""
        ctx.load_all()
        severities = {"error": self.severity, "warning": "warning", "info": "info"}
        grouped = {}
        for note in ctx.crs_notes:
            grouped.setdefault((note.side, note.level, note.text), []).append(note.layer)
        return [self.finding("{}（{}）：{}".format(SIDE_ZH[side], "、".join(layers), text),
                             severity=severities[level],
                             plan_layer=LIST_JOIN.join(layers) if side == "plan" else "",
                             control_layer=LIST_JOIN.join(layers) if side == "onemap" else "")
                for (side, level, text), layers in grouped.items()]
