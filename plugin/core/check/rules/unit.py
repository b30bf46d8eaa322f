"""unit: what the one map hands down to each 规划单元 (指标传导), against the detailed plan inside it.

For every unit of the one map (GHDY) the plan reaches: `land` — the plan's 城镇建设用地 inside the unit,
ellipsoidal, not above its CZJSYDSX (公顷); `floor` — Σ area × 容积率上限 not above its JZMJSX
(万平方米) where the unit gives one; `facilities` — each facility the unit must provide (table DYSSPZ:
SSMC, SSDM, SL) present SL times, as facility points of that name or code or as parcels of that
用地用海 class (a point inside such a parcel is the same site). Each figure is a row of the run's
`indicators` table keyed by the unit's code, shown by the findings browser and the report.
"""
import math

from ...read.codes import code_list, in_classes, uses
from ...read.schema import schema
from ..geomops import Prepared
from ..measures import BASIS, M2_PER_HA, M2_PER_MU
from .base import NotApplicable, Rule
from .params import CODES, LAYER
from ..reading import label_text
from .parcel import BOUND, RANGE, Unreadable, reading

CHECKS = ("land", "floor", "facilities")
# a unit's caps: Unit attribute -> (schema role of its field, what it is in Chinese, in English, units written)
CAPS = {"land_cap": ("urban_land_cap", "城镇建设用地规模上限", "urban construction land cap", ("公顷", "ha")),
        "floor_cap": ("floor_area_cap", "总建筑面积上限", "floor area cap", ("万平方米", "万㎡", "万m²", "万m2"))}
COUNT_UNITS = ("处", "个")
M2_PER_WAN = 10000.0                   # 万平方米


def text(value):
    return str(value if value is not None else "").strip()


def number(value):
    value = reading(value)
    return None if value is None or isinstance(value, Unreadable) else value


def allocation(value, units=(), lower=False):
    """A unit's allocated figure: None when blank; the number when it is finite, not negative and written as
    a number — with one of `units` after it ('56公顷'), after ≤ (≥ with `lower`), or as a range read by its
    upper bound (its lower with `lower`: a count of '1-2' asks for 1); else an Unreadable of the value as
    written ('15%', '2m', '两处', -3, inf) — never taken as 0, nor in another unit."""
    if value is None:
        return None
    written = str(value).strip()
    if isinstance(value, bool):
        return Unreadable(written)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = next((written[:-len(unit)].strip() for unit in units if written.endswith(unit)), written)
        if not text:
            return None if not written else Unreadable(written)
        span, bound = RANGE.match(text), BOUND.match(text)
        if span:
            number = float(span.group(1) if lower else span.group(2))
        elif bound and (bound.group(1) or "") in (("", "≥", ">=") if lower else ("", "≤", "<=")):
            number = float(bound.group(2))
        else:
            return Unreadable(written)
    return number if math.isfinite(number) and number >= 0 else Unreadable(written)


def record(ctx, rule, row):
    """A row of the `indicators` table; one per unit and figure (rows are never merged across units). A row
    that fails carries the severity of the rule's finding about it."""
    row = dict({"rule_id": rule.id, "tolerance_m2": float(rule.ruleset.tolerances.get("indicator_m2", 0.0)),
                "severity": rule.severity if row.get("status") == "fail" else None}, **row)
    ctx.indicator_rows.append(row)
    return row


class Unit:
    """A unit of the one map with the plan's parcels inside it: (parcel, its part in the unit) pairs."""

    def __init__(self, feature, fields, pieces, covered):
        self.feature, self.pieces = feature, pieces
        self.code = label_text(feature.attrs.get(fields["unit_code"])) or str(feature.fid)
        self.name = text(feature.attrs.get(fields["name"])) if fields["name"] else ""
        self.fields = fields
        for attribute, (role, _zh, _en, units) in CAPS.items():
            setattr(self, attribute, allocation(feature.attrs.get(fields[role]), units) if fields[role] else None)
        self.population = number(feature.attrs.get(fields["population"])) if fields["population"] else None
        self.covered = covered           # share of the unit the plan's parcels cover

    @property
    def title(self):
        return "单元 {}{}".format(self.code, "（{}）".format(self.name) if self.name else "")

    def anchor(self):
        point = self.feature.shape.pointOnSurface().asPoint()
        return {"x": point.x(), "y": point.y()}

    def coverage_note(self):
        notes = []
        if self.covered < 0.995:
            notes.append("规划范围覆盖单元 {:.1f}%".format(100.0 * self.covered))
        if self.population is not None:
            notes.append("单元规划人口 {:g} 万人".format(self.population))
        return "；".join(notes)


class UnitRule(Rule):
    kind = "unit"
    params = {"units": (LAYER, True), "plan_layer": (LAYER, True), "check": (str, True, CHECKS),
              "codes": (CODES, False), "facilities": (LAYER, False), "points": (LAYER, False)}

    def run(self, ctx):
        parcels = self.plan_layer(ctx, self.args["plan_layer"])            # a detailed plan's GHDK
        return getattr(self, "_" + self.args["check"])(ctx, parcels, self.units(ctx, parcels))

    def units(self, ctx, plan):
        """The one map's units the plan's parcels reach (by at least the noise area), with their pieces."""
        layer = self.onemap_layer(ctx, self.args["units"])
        spec = schema().layers[layer.key]
        fields = {role: (spec.field_for(role).name if spec.field_for(role) else None)
                  for role in ("unit_code", "name", "urban_land_cap", "floor_area_cap", "population")}
        noise = self.ruleset.noise_m2
        found = []
        for feature in layer.features:
            if feature.shape.isEmpty():
                continue
            prepared, pieces = Prepared(feature.shape), []
            for parcel in plan.overlapping(feature.box):
                piece = parcel.shape if prepared.contains(parcel.shape) else prepared.common(parcel.shape)
                if not piece.isEmpty() and piece.area() >= noise:
                    pieces.append((parcel, piece))
            if pieces:
                covered = sum(piece.area() for _p, piece in pieces) / max(feature.shape.area(), 1e-9)
                found.append(Unit(feature, fields, pieces, min(covered, 1.0)))
        if not found:
            raise NotApplicable("规划地块不在一张图的任何规划单元（{}）内".format(layer.key),
                                "the plan's parcels lie in no unit of the one map ({})".format(layer.key))
        return sorted(found, key=lambda unit: unit.code)

    @staticmethod
    def row(unit, indicator, **values):
        """An `indicators` row of a unit: keyed by its code (village_code), named with it (城镇建设用地规模（A01）)."""
        return dict({"village_code": unit.code, "indicator": "{}（{}）".format(indicator, unit.code)}, **values)

    # -- 城镇建设用地规模
    def _land(self, ctx, parcels, units):
        codes = self.ruleset.codes(self.args.get("codes", []))
        figures = ctx.measures()
        tolerance = float(self.ruleset.tolerances.get("indicator_m2", 0.0))
        findings = []
        for unit in units:
            planned = figures.weighted([(piece, 1.0) for parcel, piece in unit.pieces if parcel.code in codes])
            note = "；".join(n for n in (BASIS, unit.coverage_note()) if n)
            row = self.row(unit, "城镇建设用地规模", compare="<=", planned_m2=planned, planned_ha=planned / M2_PER_HA,
                           planned_mu=planned / M2_PER_MU)
            if not self.has_cap(ctx, unit, row, "land_cap", parcels, findings):
                continue
            allowed = unit.land_cap * M2_PER_HA
            passed = planned - tolerance <= allowed
            record(ctx, self, dict(row, allocated_value=unit.land_cap, unit="公顷", allocated_m2=allowed,
                                   difference_m2=planned - allowed, status="pass" if passed else "fail", note=note))
            if not passed:
                findings.append(self.finding(
                    "{} 指标“{}”：规划城镇建设用地 {:.4f} 公顷（{:.2f} 平方米，{}），超过单元上限 {:g} 公顷，超出 {:.2f} 平方米".format(
                        unit.title, row["indicator"], planned / M2_PER_HA, planned, BASIS, unit.land_cap,
                        planned - allowed), plan_layer=parcels.key, control_layer=self.args["units"],
                    control_fid=unit.feature.fid, extra=unit.anchor()))
        return self.examined(units, "land_cap", findings)

    # -- 总建筑面积
    def _floor(self, ctx, parcels, units):
        figures = ctx.measures()
        spec = schema().layers[parcels.key].field_for("far_max")
        if spec is None or ctx.plan.get(parcels.key).fields.get(spec.name) is None:
            raise NotApplicable("规划地块没有容积率上限字段（RJLSX），无法计算总建筑面积",
                                "the parcels have no upper floor-area ratio (RJLSX)")
        findings = []
        for unit in units:
            floors, without = [], []
            for parcel, piece in unit.pieces:
                ratio = number(parcel.attrs.get(spec.name))
                if ratio is None:
                    if parcel.code in self.ruleset.codes(self.args.get("codes", [])):
                        without.append(parcel.label)
                    continue
                floors.append((piece, ratio))
            total = figures.weighted(floors)
            notes = ["地块椭球面积 × 容积率上限"] + (["{} 个地块无容积率上限，未计入（{}）".format(
                len(without), "、".join(without[:5]) + ("等" if len(without) > 5 else ""))] if without else [])
            note = "；".join(notes + [n for n in (unit.coverage_note(),) if n])
            row = dict(self.row(unit, "总建筑面积", compare="<=", planned_value=total / M2_PER_WAN), unit="万平方米")
            if not self.has_cap(ctx, unit, row, "floor_cap", parcels, findings, note):
                continue
            passed = total <= unit.floor_cap * M2_PER_WAN + 1e-6
            record(ctx, self, dict(row, allocated_value=unit.floor_cap, status="pass" if passed else "fail", note=note))
            if not passed:
                findings.append(self.finding(
                    "{} 指标“{}”：规划总建筑面积 {:.4f} 万平方米（{}），超过单元上限 {:g} 万平方米".format(
                        unit.title, row["indicator"], total / M2_PER_WAN, notes[0], unit.floor_cap),
                    plan_layer=parcels.key, control_layer=self.args["units"], control_fid=unit.feature.fid,
                    extra=unit.anchor()))
        return self.examined(units, "floor_cap", findings)

    def has_cap(self, ctx, unit, row, attribute, parcels, findings, note=""):
        """Whether the unit gives a usable cap (`attribute`, see CAPS); if not, its row says why (not_applicable)
        and an unreadable one is a warning naming the unit and the value as written."""
        role, what, _english, _units = CAPS[attribute]
        cap, field = getattr(unit, attribute), unit.fields[role]
        if cap is None:
            record(ctx, self, dict(row, status="not_applicable", note="单元未给出{}（{}）{}".format(
                what, field, "；" + note if note else "")))
            return False
        if isinstance(cap, Unreadable):
            record(ctx, self, dict(row, status="not_applicable", note="单元的{}（{}）“{}”无法读作数字，未核对".format(
                what, field, cap)))
            findings.append(self.finding("{} 指标“{}”：{}（{}）“{}”无法读作数字（应为不小于 0 的数值），未核对".format(
                unit.title, row["indicator"], what, field, cap), severity="warning", plan_layer=parcels.key,
                control_layer=self.args["units"], control_fid=unit.feature.fid, extra=unit.anchor()))
            return False
        return True

    @staticmethod
    def examined(units, attribute, findings):
        """The findings, or NotApplicable when no unit gave this cap (`attribute`, see CAPS) at all."""
        if all(getattr(unit, attribute) is None for unit in units):
            _role, what, english, _units = CAPS[attribute]
            raise NotApplicable("一张图的规划单元均未给出{}".format(what), "no unit of the one map gives its {}".format(english))
        return findings

    # -- 配套设施
    def _facilities(self, ctx, parcels, units):
        table = self.onemap_layer(ctx, self.args["facilities"])
        spec = schema().layers[table.key]
        field = {role: spec.field_for(role).name for role in ("unit_code", "name", "facility_code", "count")}
        points = ctx.plan_layer(self.args["points"]) if "points" in self.args else None
        point_spec = schema().layers[points.key] if points is not None else None
        point_name = point_spec.field_for("name").name if point_spec and point_spec.field_for("name") else None
        findings, listed = [], False
        for unit in units:
            wanted = [row for row in table.features if label_text(row.attrs.get(field["unit_code"])) == unit.code]
            listed |= bool(wanted)
            inside = Prepared(unit.feature.shape)
            for row in wanted:
                name, code = text(row.attrs.get(field["name"])), text(row.attrs.get(field["facility_code"]))
                indicator = "{}（{}）".format(name or code, unit.code)
                required = self.count(ctx, unit, row, field["count"], indicator, parcels, findings)
                if required is None:
                    continue
                holding = [parcel for parcel, _piece in unit.pieces if code and code in code_list("ydyh")
                           and any(in_classes(use, [code]) for use in uses(parcel.code))
                           and inside.intersects(parcel.shape.pointOnSurface())]
                sites = ["地块 " + parcel.label for parcel in holding]
                for point in (points.features if points is not None else []):
                    if point.shape.isEmpty() or not inside.intersects(point.shape):
                        continue
                    named = text(point.attrs.get(point_name)) if point_name else ""
                    if not ((name and name in named) or (code and point.code == code)):
                        continue
                    if any(parcel.prepared.intersects(point.shape) for parcel in holding):
                        continue                           # the parcel already counts this site
                    sites.append("设施点 {}".format(named or point.label))
                passed = len(sites) >= required
                note = "需配置 {} 处，规划 {} 处{}".format(required, len(sites), "：" + "、".join(sites) if sites else "")
                record(ctx, self, {"village_code": unit.code, "indicator": indicator, "compare": ">=",
                                   "allocated_value": required, "unit": "处", "planned_value": len(sites),
                                   "status": "pass" if passed else "fail", "note": note})
                if not passed:
                    findings.append(self.finding("{} 指标“{}”：{}".format(unit.title, indicator, note),
                                                 plan_layer=parcels.key, control_layer=table.key,
                                                 control_fid=row.fid, extra=unit.anchor()))
        if not listed:                    # nothing compared: no row names a unit the plan reaches
            codes = "、".join(unit.code for unit in units)
            raise NotApplicable("一张图的单元设施配置（{}）中没有规划所在单元（{}）的记录".format(table.key, codes),
                                "the one map's {} lists no facility for the plan's units ({})".format(table.key, codes))
        return findings

    def count(self, ctx, unit, row, field, indicator, parcels, findings):
        """How many sites a DYSSPZ row requires, or None when it does not say in a whole number (blank, '两处',
        -3, 2.5): its row is then not_applicable and a warning names the unit, the facility and the value."""
        written = row.attrs.get(field)
        required = allocation(written, COUNT_UNITS, lower=True)
        if required is not None and not isinstance(required, Unreadable) and float(required).is_integer():
            return int(required)
        what = "“{}”无法读作处数".format(written) if required is not None else "未给出"
        record(ctx, self, {"village_code": unit.code, "indicator": indicator, "compare": ">=", "unit": "处",
                           "status": "not_applicable", "note": "配置数量（{}）{}，未核对".format(field, what)})
        findings.append(self.finding("{} 指标“{}”：配置数量（{}）{}（应为不小于 0 的整数），未核对".format(
            unit.title, indicator, field, what), severity="warning", plan_layer=parcels.key,
            control_layer=self.args["facilities"], control_fid=row.fid, extra=unit.anchor()))
        return None
