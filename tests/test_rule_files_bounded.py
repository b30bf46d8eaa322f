"""Rule files (issue 10): bounded parsing, extends cycles, integrity of ids, types and layer keys."""
import os
import textwrap
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugin.core.check.ruleset import RuleSet, available_rulesets, load_ruleset, scan_rulesets
from plugin.core.errors import OneMapError
from plugin.core.yamlfile import MAX_BYTES, load_yaml

HEAD = "id: p\ntitle: {zh: 省, en: province}\n"
RULE = """
  - id: X-01
    kind: overlap
    severity: error
    title: {zh: 测试, en: test}
    params: {plan_layer: GHYDYH, control: YJJBNTBHTB, codes: [建设用地]}
"""


def write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_an_alias_bomb_is_refused_before_it_grows(tmp_path):
    bomb = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    bomb += ["a{}: &a{} [{}]".format(i, i, ", ".join(["*a{}".format(i - 1)] * 10)) for i in range(1, 9)]
    path = write(tmp_path, "bomb.yaml", HEAD + "rules: []\n" + "\n".join(bomb) + "\n")
    started = time.monotonic()
    with pytest.raises(OneMapError) as error:
        RuleSet(path)
    assert time.monotonic() - started < 5
    assert "aliases are not allowed" in error.value.en and "line 5" in error.value.en


def test_size_and_nesting_are_bounded(tmp_path):
    big = write(tmp_path, "big.yaml", HEAD + "rules: []\n#" + "x" * MAX_BYTES + "\n")
    with pytest.raises(OneMapError) as error:
        RuleSet(big)
    assert "too large" in error.value.en
    deep = write(tmp_path, "deep.yaml", HEAD + "rules: " + "[" * 50000 + "]" * 50000 + "\n")
    with pytest.raises(OneMapError) as error:
        RuleSet(deep)
    assert "deep" in error.value.en.lower() or "YAML" in error.value.en


def test_an_extends_cycle_names_the_chain(tmp_path):
    a = write(tmp_path, "a.yaml", "id: a\ntitle: {zh: a, en: a}\nextends: " + str(tmp_path / "b.yaml") + "\nrules: []\n")
    write(tmp_path, "b.yaml", "id: b\ntitle: {zh: b, en: b}\nextends: " + a + "\nrules: []\n")
    started = time.monotonic()
    with pytest.raises(OneMapError) as error:
        RuleSet(a)
    assert time.monotonic() - started < 5 and len(str(error.value)) < 1000
    assert "a.yaml -> b.yaml -> a.yaml" in error.value.en


@pytest.mark.parametrize("body, line, words", [
    (HEAD + "extends: village-default\nremove: CL-01\nrules: []\n", 4, "remove"),
    (HEAD + "tolerances: {noise_m2: big}\nrules: []\n", 3, "noise_m2"),
    (HEAD + "tolerances:\n  min_area_m2: [{codes: [0703], area: many}]\nrules: []\n", 4, "area"),
    (HEAD + "classes: [a, b]\nrules: []\n", 3, "classes"),
    (HEAD + "classes:\n  建设用地: 0703\nrules: []\n", 4, "codes"),
    (HEAD + "rules:" + RULE.replace("control: YJJBNTBHTB", "control: YJJBNTBTB"), 8, "unknown layer key 'YJJBNTBTB'"),
    (HEAD + "rules:" + RULE.replace("kind: overlap", "kind: coverage").replace(", codes: [建设用地]", ", area: CJDCQQ"), 8,
     "CJDCQQ"),
])
def test_wrong_types_and_unknown_layer_keys_name_file_line_and_key(tmp_path, body, line, words):
    path = write(tmp_path, "province.yaml", body)
    with pytest.raises(OneMapError) as error:
        RuleSet(path)
    assert path in error.value.en and "line {}".format(line) in error.value.en and words in str(error.value)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_bom_and_gbk_rule_files_are_read(tmp_path, encoding):
    path = write(tmp_path, "province.yaml", HEAD + "rules:" + RULE.replace("[建设用地]", "['0703']"), encoding)
    ruleset = RuleSet(path)
    assert ruleset.title["zh"] == "省" and ruleset.rules[0].title["zh"] == "测试"


def test_undecodable_rule_file_is_refused_clearly(tmp_path):
    path = write(tmp_path, "province.yaml", HEAD + "rules: []\n")
    with open(path, "ab") as handle:
        handle.write(b"# \xff\xfe\xff\n")
    with pytest.raises(OneMapError) as error:
        RuleSet(path)
    assert "UTF-8" in error.value.en


def test_user_folder_cannot_take_a_shipped_id_and_a_bad_file_is_skipped(tmp_path, monkeypatch):
    write(tmp_path, "fake.yaml", "id: village-default\ntitle: {zh: 假, en: fake}\nrules: []\n")
    write(tmp_path, "broken.yaml", "id: [unclosed\n")
    write(tmp_path, "good.yaml", HEAD.replace("id: p", "id: province-x") + "extends: village-default\nrules: []\n")
    monkeypatch.setenv("ONEMAP_RULESET_PATH", str(tmp_path))
    found, warnings = scan_rulesets()
    assert found["village-default"].endswith(os.path.join("rulesets", "village.yaml"))
    assert found["province-x"] == str(tmp_path / "good.yaml")
    assert any("fake.yaml" in w for w in warnings) and any("broken.yaml" in w for w in warnings)
    assert load_ruleset("village-default").title["zh"] != "假"
    assert load_ruleset(None, "village").rules and available_rulesets()["province-x"]


def test_a_plan_kind_without_a_rule_set_is_a_clear_error():
    with pytest.raises(OneMapError) as error:
        load_ruleset(None, "onemap")
    assert "onemap" in error.value.en


yaml_text = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=yaml_text, extra=st.dictionaries(st.sampled_from(["extends", "remove", "classes", "tolerances", "rules",
                                                               "title", "id"]), yaml_text, max_size=4))
def test_any_rule_file_loads_or_is_a_clear_error(tmp_path, data, extra):
    import yaml
    document = dict({"id": "p", "title": {"zh": "a", "en": "b"}, "rules": []}, **extra) if extra else data
    path = tmp_path / "any.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        RuleSet(str(path))
    except OneMapError as error:
        assert str(path) in str(error) or "YAML" in str(error) or "rule set" in error.en.lower()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_any_text_parses_or_is_a_clear_error(tmp_path, text):
    path = tmp_path / "any.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_yaml(str(path))
    except OneMapError:
        pass


def test_verifyplan_offers_only_kinds_with_a_rule_set(onemap_provider):
    from qgis.core import QgsApplication

    from plugin.core.read.schema import schema
    options = QgsApplication.processingRegistry().algorithmById("onemap:verifyplan").parameterDefinition("KIND").options()
    assert len(options) == 3 and not any(schema().kinds["onemap"]["en"] in option for option in options)
    describe = QgsApplication.processingRegistry().algorithmById("onemap:describesource").parameterDefinition("KIND")
    assert len(describe.options()) == 4                     # describing a one map is fine
