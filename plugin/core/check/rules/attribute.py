"""attribute: required fields present and filled; codes in the code list (2020 names accepted with a warning).

Mixed use (0701/0901) is valid when each use is listed; its name is free text (商住混合用地) and is not
compared. An old GB 50137 code (R2) is named as such, so the planner knows to recode it."""
from ...read.codes import code_list, looks_like_gb50137, mixed_parts
from .base import SEVERITIES, Rule
from .params import LAYER

LABEL = "\0"             # where a message names the feature (judged once per code and name, named per feature)


def empty(value):
    return value is None or str(value).strip() == ""


class AttributeRule(Rule):
    kind = "attribute"
    params = {"layer": (LAYER, True), "alias_severity": (str, False, SEVERITIES)}

    def run(self, ctx):
        data = self.plan_layer(ctx, self.args["layer"])
        found = ctx.plan.get(data.key)
        spec = found.spec
        findings = []
        required = [f for f in spec.fields.values() if f.required]
        for field in required:
            if field.name not in found.fields:
                findings.append(self.finding("图层 {} 缺少必填字段 {}（可用名称：{}）".format(
                    found.name, field.name, "、".join([field.name] + field.aliases)), plan_layer=data.key))
        code_spec, name_spec = spec.field_for("code"), spec.field_for("name")
        codes = code_list(code_spec.code_list) if code_spec is not None and code_spec.code_list else None
        table = data.features
        names = table.columns.get(name_spec.name) if name_spec is not None else None
        filled = [(field, table.columns.get(field.name)) for field in required if field.name in found.fields]
        judged = {}                                   # (code, name) -> what the code list says, once per pair
        for number in range(len(table)):              # columns only: a Feature is made for a finding
            problems = [field for field, values in filled if values is None or empty(values[number])]
            code = table.codes[number]
            verdict = None
            if codes is not None and code:
                name = str((names[number] if names is not None else None) or "").strip()
                if (code, name) not in judged:
                    judged[(code, name)] = self.judge(codes, code, name)
                verdict = judged[(code, name)]
            if not problems and verdict is None:
                continue
            feature = table[number]
            where = dict(plan_layer=data.key, plan_fid=feature.fid, plan_code=feature.code,
                         geometry=feature.geometry, area_m2=feature.shape.area() if not feature.shape.isEmpty() else None)
            for field in problems:
                findings.append(self.finding("要素 {} 的必填字段 {} 为空".format(feature.label, found.fields[field.name]),
                                             **where))
            if verdict is not None:
                message, severity = verdict
                findings.append(self.finding(message.replace(LABEL, feature.label), severity=severity or self.severity,
                                             **where))
        return findings

    def judge(self, codes, code, name):
        """(message with a LABEL where the feature is named, severity or None for the rule's) for a code and
        its name, or None when the code list has nothing to say."""
        if code not in codes:
            old = "（GB 50137 城市用地分类代码，应按 2023 年用地用海分类编码）" if looks_like_gb50137(code) else ""
            return "要素 {} 的代码 {} 不在{}代码表中{}".format(LABEL, code, codes.version, old), None
        if len(mixed_parts(code)) > 1:
            return None                                 # mixed use: every use listed, the name is free text
        severity = self.args.get("alias_severity", "warning")
        old_name = codes.collisions_2020.get(code)
        if old_name is not None and name in ("", old_name):
            return self.collision(codes, code, old_name, bool(name), severity)
        if not name or name == codes.name(code):
            return None
        if codes.is_2020_name_for(name, code):
            message = "要素 {} 使用 2020 年试行版名称“{}”，2023 年分类为“{}”".format(LABEL, name, codes.name(code))
        else:
            message = "要素 {} 的名称“{}”与代码 {}（{}）不符".format(LABEL, name, code, codes.name(code))
        return message, severity

    def collision(self, codes, code, old_name, named, severity):
        """A code that meant something else in the 2020 edition: an error with the 2020 name, else a warning."""
        if named:
            return "要素 {} 的代码 {} 配 2020 年试行版名称“{}”：2023 年分类中 {} 为“{}”，应按 2023 年分类重新编码".format(
                LABEL, code, old_name, code, codes.name(code)), None
        return "要素 {} 的代码 {} 在 2020 年试行版中为“{}”、2023 年分类中为“{}”；缺少名称，无法判断所用版本".format(
            LABEL, code, old_name, codes.name(code)), severity
