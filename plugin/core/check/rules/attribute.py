"""attribute: required fields present and filled; codes in the code list (2020 names accepted with a warning).

Mixed use (0701/0901) is valid when each use is listed; its name is free text (商住混合用地) and is not
compared. An old GB 50137 code (R2) is named as such, so the planner knows to recode it."""
from ...read.codes import code_list, looks_like_gb50137, mixed_parts
from .base import Rule


def empty(value):
    return value is None or str(value).strip() == ""


class AttributeRule(Rule):
    kind = "attribute"
    params = {"layer": (str, True), "alias_severity": (str, False)}

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
        for feature in data.features:
            where = dict(plan_layer=data.key, plan_fid=feature.fid, plan_code=feature.code,
                         geometry=feature.geometry, area_m2=feature.shape.area() if not feature.shape.isEmpty() else None)
            for field in required:
                if field.name in found.fields and empty(feature.attrs.get(field.name)):
                    findings.append(self.finding("要素 {} 的必填字段 {} 为空".format(feature.label, found.fields[field.name]),
                                                 **where))
            if codes is None or not feature.code:
                continue
            if feature.code not in codes:
                old = "（GB 50137 城市用地分类代码，应按 2023 年用地用海分类编码）" if looks_like_gb50137(feature.code) else ""
                findings.append(self.finding("要素 {} 的代码 {} 不在{}代码表中{}".format(
                    feature.label, feature.code, codes.version, old), **where))
                continue
            if len(mixed_parts(feature.code)) > 1:
                continue                                      # mixed use: every use listed, the name is free text
            name = str(feature.attrs.get(name_spec.name) or "").strip() if name_spec is not None else ""
            severity = self.args.get("alias_severity", "warning")
            old_name = codes.collisions_2020.get(feature.code)
            if old_name is not None and name in ("", old_name):
                findings.append(self.collision(feature, codes, old_name, bool(name), severity, where))
                continue
            if not name or name == codes.name(feature.code):
                continue
            if codes.is_2020_name_for(name, feature.code):
                message = "要素 {} 使用 2020 年试行版名称“{}”，2023 年分类为“{}”".format(
                    feature.label, name, codes.name(feature.code))
            else:
                message = "要素 {} 的名称“{}”与代码 {}（{}）不符".format(feature.label, name, feature.code,
                                                                codes.name(feature.code))
            findings.append(self.finding(message, severity=severity, **where))
        return findings

    def collision(self, feature, codes, old_name, named, severity, where):
        """A code that meant something else in the 2020 edition: an error with the 2020 name, else a warning."""
        if named:
            return self.finding("要素 {} 的代码 {} 配 2020 年试行版名称“{}”：2023 年分类中 {} 为“{}”，应按 2023 年分类重新编码".format(
                feature.label, feature.code, old_name, feature.code, codes.name(feature.code)), **where)
        return self.finding("要素 {} 的代码 {} 在 2020 年试行版中为“{}”、2023 年分类中为“{}”；缺少名称，无法判断所用版本".format(
            feature.label, feature.code, old_name, codes.name(feature.code)), severity=severity, **where)
