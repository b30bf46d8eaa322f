"""One parcel outside 城镇开发边界, one finding: DP-05 (零星城镇建设用地, a warning asking for a siting justification)
and DP-03 (roads, utilities, green: a warning asking for an explanation) leave a parcel that DP-01 (城镇居住用地,
mixed use with it) or DP-04 (marked as 开发区) reports as an error to that error — forbidden whatever its siting —,
say so in their outcome, and still report every parcel no error rule reports."""
import pytest
from qgis.core import QgsVectorLayer

from helpers import gpkg, outcome, square
from plugin.core.check.engine import verify
from plugin.core.check.recheck import Recheck
from plugin.core.check.ruleset import load_ruleset
from plugin.core.errors import OneMapError
from test_detailed_rules import X, Y, cell, check, named, parcels

OUTSIDE_RULES = ("DP-01", "DP-03", "DP-04", "DP-05")
BOUNDARY = {"CZKFBJ": named((square(X - 5000, Y - 5000, X - 4000, Y - 4000), "城镇集中建设区", "0401"))}   # far off


def reported(result, rule_id):
    return sorted((f.plan_label, f.plan_code, f.severity) for f in result.findings if f.rule_id == rule_id)


def test_each_parcel_outside_is_reported_once_by_the_strictest_rule(tmp_path):
    inside = {"CZKFBJ": named((square(X + 1390, Y - 10, X + 1510, Y + 110), "城镇集中建设区", "0401"))}   # holds cell 7
    result = check(tmp_path, {"GHDK": parcels(
        ("0701/0901", cell(0)),                        # A01-01 housing with shops: DP-01
        ("0901/0701", cell(1)),                        # A01-02 shops with housing: DP-01 (its strictest use)
        ("0901", cell(2)),                             # A01-03 shops alone: DP-05
        ("1001", cell(3), {"KFQ": "新材料产业园"}),     # A01-04 an industrial park's parcel: DP-04
        ("1001", cell(4)),                             # A01-05 a scattered works: DP-05
        ("0701/1402", cell(5)),                        # A01-06 housing with a green strip: DP-01, not DP-03
        ("1402", cell(6)),                             # A01-07 a green strip: DP-03
        ("0701/0901", cell(7)))}, inside)              # A01-08 inside the boundary: nothing
    assert reported(result, "DP-01") == [("A01-01", "0701/0901", "error"), ("A01-02", "0901/0701", "error"),
                                         ("A01-06", "0701/1402", "error")]
    assert reported(result, "DP-04") == [("A01-04", "1001", "error")]
    assert reported(result, "DP-05") == [("A01-03", "0901", "warning"), ("A01-05", "1001", "warning")]
    assert reported(result, "DP-03") == [("A01-07", "1402", "warning")]
    labels = [f.plan_label for f in result.findings if f.rule_id in OUTSIDE_RULES]
    assert sorted(labels) == ["A01-0{}".format(n) for n in range(1, 8)]        # each once; A01-08 not at all
    assert outcome(result, "DP-05")["reason"] == ("2 个地块（A01-01、A01-02）已由 DP-01 报告，本规则不重复列出；"
                                                  "1 个地块（A01-04）已由 DP-04 报告，本规则不重复列出")
    assert outcome(result, "DP-03")["reason"] == "1 个地块（A01-06）已由 DP-01 报告，本规则不重复列出"
    assert outcome(result, "DP-01")["reason"] == ""


def test_a_parcel_no_error_rule_examined_is_still_the_warnings(tmp_path):
    """Without a KFQ field DP-04 examines nothing (not applicable): the 1001 parcel is DP-05's again."""
    fields, rows = parcels(("1001", cell(0)), ("0901", cell(1)))
    fields = [field for field in fields if field[0] != "KFQ"]
    result = check(tmp_path, {"GHDK": (fields, [(wkt, {k: v for k, v in values.items() if k != "KFQ"})
                                                for wkt, values in rows])}, BOUNDARY)
    assert outcome(result, "DP-04")["status"] == "not_applicable"
    assert reported(result, "DP-05") == [("A01-01", "1001", "warning"), ("A01-02", "0901", "warning")]
    assert outcome(result, "DP-05")["reason"] == ""


def test_a_rule_set_without_the_error_rule_gives_its_parcels_back(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "no_dp01.yaml").write_text("id: no-dp01\nextends: detailed-default\ntitle: {zh: 无 DP-01, en: without DP-01}\n"
                                        "remove: [DP-01]\nrules: []\n", encoding="utf-8")
    result = check(tmp_path, {"GHDK": parcels(("0701/0901", cell(0)))}, BOUNDARY, ruleset=str(rules / "no_dp01.yaml"))
    assert reported(result, "DP-05") == [("A01-01", "0701/0901", "warning")]
    assert "DP-01" not in {o["rule_id"] for o in result.outcomes}


@pytest.mark.parametrize("params, why", [
    ("{plan_layer: GHYDYH, boundary: GHFW, codes: [\"09\"], defer_to: [DP-01]}", "another boundary"),
    ("{plan_layer: GHYDYH, boundary: CZKFBJ, codes: [\"09\"], defer_to: [DP-02]}", "an overlap rule"),
    ("{plan_layer: GHYDYH, boundary: CZKFBJ, codes: [\"09\"], defer_to: [DP-05]}", "a rule deferring in turn"),
    ("{plan_layer: GHYDYH, boundary: CZKFBJ, codes: [\"09\"], defer_to: [DP-07]}", "itself")])
def test_a_rule_deferred_to_must_report_the_same_parcels(tmp_path, params, why):
    path = tmp_path / "bad.yaml"
    path.write_text("id: bad\nextends: detailed-default\ntitle: {zh: 坏, en: bad}\nrules:\n"
                    "  - id: DP-07\n    kind: outside\n    severity: warning\n    title: {zh: 七, en: seven}\n"
                    "    clause: {text: 七, source: none, status: judgement}\n"
                    "    params: " + params + "\n", encoding="utf-8")
    with pytest.raises(OneMapError) as raised:
        load_ruleset(str(path))
    assert "第 10 行" in raised.value.zh and "defer_to 的规则" in raised.value.zh and "须是另一条 outside 规则" in raised.value.zh, why


def test_the_live_recheck_leaves_the_parcel_to_the_error_rule_too(tmp_path):
    result = check(tmp_path, {"GHDK": parcels(("0701/0901", cell(0)), ("0901", cell(1)))}, BOUNDARY)
    plan, onemap = result.record["plan_path"], result.record["onemap_path"]
    checker = Recheck(plan, onemap)
    layer = QgsVectorLayer(plan + "|layername=GHDK", "parcels", "ogr")
    by_number = {feature["DKBH"]: feature for feature in layer.getFeatures()}
    assert sorted(f.rule_id for f in checker.check(by_number["A01-01"]) if f.rule_id in OUTSIDE_RULES) == ["DP-01"]
    assert sorted(f.rule_id for f in checker.check(by_number["A01-02"]) if f.rule_id in OUTSIDE_RULES) == ["DP-05"]


def test_the_sample_plan_reports_its_mixed_use_and_park_parcels_once(tmp_path):
    from conftest import sample
    result = verify(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"))
    repeated = [f.plan_label for f in result.findings if f.rule_id == "DP-05"]
    assert sorted(repeated) == ["A08-01", "A08-02"]           # A07-02 is DP-01's, B07-01 DP-04's
    assert result.record["errors"] == 17 and result.record["warnings"] == 30
