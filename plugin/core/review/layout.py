"""The findings GeoPackage's layout: its tables and their columns, the values a few columns may hold, and
their Chinese names. Written by core.review.findings, read back by core.review.readback.
"""
from osgeo import ogr

FINDING_FIELDS = [
    ("finding_id", ogr.OFTString), ("rule_id", ogr.OFTString), ("severity", ogr.OFTString),
    ("message", ogr.OFTString), ("rule_title", ogr.OFTString), ("rule_title_en", ogr.OFTString),
    ("plan_layer", ogr.OFTString), ("plan_fid", ogr.OFTInteger64), ("plan_code", ogr.OFTString),
    ("control_layer", ogr.OFTString), ("control_fid", ogr.OFTInteger64), ("area_m2", ogr.OFTReal),
    ("x", ogr.OFTReal), ("y", ogr.OFTReal), ("plan_label", ogr.OFTString), ("detail", ogr.OFTString),
    ("village", ogr.OFTString),
]
RULE_FIELDS = [("rule_id", ogr.OFTString), ("kind", ogr.OFTString), ("severity", ogr.OFTString),
               ("title", ogr.OFTString), ("title_en", ogr.OFTString), ("clause", ogr.OFTString),
               ("clause_source", ogr.OFTString), ("status", ogr.OFTString), ("findings", ogr.OFTInteger),
               ("reason", ogr.OFTString), ("reason_en", ogr.OFTString), ("clause_status", ogr.OFTString)]
INDICATOR_FIELDS = [("village_code", ogr.OFTString), ("indicator", ogr.OFTString), ("compare", ogr.OFTString),
                    ("allocated_value", ogr.OFTReal), ("unit", ogr.OFTString), ("allocated_m2", ogr.OFTReal),
                    ("planned_m2", ogr.OFTReal), ("planned_ha", ogr.OFTReal), ("planned_mu", ogr.OFTReal),
                    ("difference_m2", ogr.OFTReal), ("tolerance_m2", ogr.OFTReal), ("status", ogr.OFTString),
                    ("note", ogr.OFTString),
                    # a figure not in m² (总建筑面积 万平方米, facilities 处, a share %) in the allocation's unit,
                    # and the rule that made the row (several rules record indicators in a detailed plan)
                    ("planned_value", ogr.OFTReal), ("rule_id", ogr.OFTString),
                    # a failed row: the severity of the finding about it (不符合 of a warning is no error)
                    ("severity", ogr.OFTString)]
RUN_FIELDS = [("run_id", ogr.OFTString), ("plugin_version", ogr.OFTString), ("qgis_version", ogr.OFTString),
              ("ruleset_id", ogr.OFTString), ("ruleset_path", ogr.OFTString), ("ruleset_sha256", ogr.OFTString),
              ("plan_kind", ogr.OFTString), ("plan_kind_reason", ogr.OFTString), ("plan_path", ogr.OFTString), ("plan_sha256", ogr.OFTString),
              ("onemap_path", ogr.OFTString), ("onemap_sha256", ogr.OFTString), ("crs", ogr.OFTString),
              ("plan_crs", ogr.OFTString), ("started", ogr.OFTString), ("finished", ogr.OFTString),
              ("errors", ogr.OFTInteger), ("warnings", ogr.OFTInteger), ("infos", ogr.OFTInteger),
              ("not_applicable", ogr.OFTInteger), ("rule_errors", ogr.OFTInteger),
              ("pushed_down", ogr.OFTString),          # the rules that ran as SQL in the PostGIS database
              ("villages", ogr.OFTString),             # the plan's village names, a JSON list (for the exports)
              ("plan_name", ogr.OFTString),            # a detailed plan's name from its data (core.read.plan_name)
              ("as_of", ogr.OFTString), ("change", ogr.OFTString),   # core.lifecycle: one map as of, plan declared as
              ("checked_by", ogr.OFTString),
              # rules a live re-check did not run again (core.check.recheck): their outcome is the one before the
              # plan was edited (a JSON list; empty until an edit is re-checked)
              ("stale_rules", ogr.OFTString)]

# Reviewer decisions (core.review.decisions): created empty by every run, filled from the panel or carried
# over from a previous run; `resolved` = 1 when the decided finding no longer occurs, `review` = 1 when
# it was carried onto a finding whose severity or wording changed (需复核 until the reviewer confirms).
DECISION_FIELDS = [("finding_id", ogr.OFTString), ("decision", ogr.OFTString), ("reason", ogr.OFTString),
                   ("approval_no", ogr.OFTString), ("reviewer", ogr.OFTString), ("decided_at", ogr.OFTString),
                   ("resolved", ogr.OFTInteger), ("rule_id", ogr.OFTString), ("message", ogr.OFTString),
                   ("review", ogr.OFTInteger)]
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_ZH = {"passed": "通过", "failed": "未通过", "not_applicable": "不适用", "error": "执行出错"}
LIST_JOIN = "、"             # several layers in one finding's plan_layer or control_layer (CRS-01)
NOTE_JOIN = "；"             # a rule's reason: its notes joined (check.rules.selection; the report cuts it there)
# Chinese field names: set on the loaded layer, and stored as GeoPackage field aliases where GDAL >= 3.7
# writes them (gpkg_data_columns).
ALIASES_ZH = {
    "finding_id": "问题编号", "rule_id": "规则编号", "severity": "级别", "message": "问题说明", "rule_title": "规则",
    "rule_title_en": "规则（英文）", "plan_layer": "规划图层", "plan_fid": "规划要素 FID", "plan_code": "用地用海代码",
    "control_layer": "对照图层", "control_fid": "对照要素 FID", "area_m2": "面积（平方米）", "x": "X 坐标",
    "y": "Y 坐标", "plan_label": "规划图斑（标识码/编号）", "detail": "技术细节", "village": "所在村", "decision": "审查决定",
    "reason": "理由", "approval_no": "批复文号", "reviewer": "审查人", "decided_at": "决定时间", "resolved": "已消除",
    "review": "需复核",
}
SEVERITIES = tuple(SEVERITY_ZH)                 # a finding's severity is exactly one of these
STATUSES = tuple(STATUS_ZH)                     # so is a rule's status
TABLES = {"findings": FINDING_FIELDS, "rules": RULE_FIELDS, "indicators": INDICATOR_FIELDS, "run": RUN_FIELDS,
          "decisions": DECISION_FIELDS}
