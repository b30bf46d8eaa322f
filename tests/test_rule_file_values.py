"""Rule files (issue 18 red team): every value is the type its kind declares, codes are text, tolerances
finite, `extends` stays among the rule-set folders, and a FIFO is never opened for reading."""
import textwrap

import pytest

from fifo_helpers import watched_fifo
from plugin.core.check.ruleset import RuleSet, load_ruleset, scan_rulesets
from plugin.core.errors import OneMapError

PROVINCE = "id: province\ntitle: {zh: 某省, en: province}\nextends: village-default\n"
CL05 = """rules:
  - id: CL-05
    kind: outside
    severity: error
    title: {zh: 城镇开发边界外规划城镇居住用地, en: Urban housing outside the urban development boundary}
    params:
      plan_layer: GHYDYH
      boundary: CZKFBJ
      matrix:
"""


def refused(tmp_path, text, name="province.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OneMapError) as error:
        RuleSet(str(path))
    return error.value


def test_codes_written_as_numbers_are_refused_with_the_fix(tmp_path):
    """YAML 1.1 reads 0701 as the octal number 449: CL-05 then selected nothing and said 通过."""
    error = refused(tmp_path, PROVINCE + "classes:\n  城镇居住用地:\n    codes: [0701, 0702]\n")
    assert "line 6" in error.en and "classes/城镇居住用地/codes/0" in error.en
    assert 'write codes in quotes: "0701"' in error.en and "449" in error.en and "请加引号" in error.zh
    for body, line in ((CL05 + '        - {codes: [0701], new: error}\n', 13),
                       (PROVINCE.replace("extends: village-default\n", "") + "rules: []\ntolerances:\n"
                        "  min_area_m2: [{codes: [1001], area: 50}]\n", 5)):
        error = refused(tmp_path, (PROVINCE if body.startswith("rules") else "") + body)
        assert "line {}".format(line) in error.en and "write codes in quotes" in error.en


def test_a_string_where_a_list_is_expected_is_refused(tmp_path):
    """A matrix entry's `codes: "0701"` was split into characters: 15 findings instead of 1."""
    error = refused(tmp_path, PROVINCE + CL05 + '        - {codes: "0701", new: error}\n')
    assert "line 13" in error.en and "matrix/0/codes" in error.en and 'e.g. ["0701"]' in error.en


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "true"])
def test_tolerances_and_thresholds_are_finite_numbers(tmp_path, value):
    """`noise_m2: .nan` made every conflict noise: CL-01 said 通过 over 5000 m² of 永久基本农田."""
    error = refused(tmp_path, PROVINCE + "tolerances:\n  noise_m2: {}\n".format(value))
    assert "line 5" in error.en and "finite number" in error.en
    error = refused(tmp_path, PROVINCE + CL05.replace("      matrix:\n", "") .replace("kind: outside", "kind: share")
                    .replace("boundary: CZKFBJ", "boundary: CZKFBJ\n      codes: [建设用地]\n      max_share: {}".format(value)))
    assert "max_share" in error.en and "finite number" in error.en


@pytest.mark.parametrize("rule, line, words", [
    ("clause: 山西省村庄规划编制导则 第3.2条", 9, "rules/0/clause"),                 # was AttributeError in the engine
    ("clause: {text: x, source: y, status: official}", 9, "unknown status 'official'"),
    ("id2: x", 9, "unknown key 'id2'"),
])
def test_rule_keys_have_their_types(tmp_path, rule, line, words):
    error = refused(tmp_path, PROVINCE + textwrap.dedent("""\
        rules:
          - id: SX-01
            kind: attribute
            severity: warning
            title: {zh: 用地代码, en: Codes}
            %s
            params: {layer: GHYDYH}
        """) % rule)
    assert "line {}".format(line) in error.en and words in error.en


def test_a_rule_id_is_text(tmp_path):
    """`id: [a, b]` was a TypeError while merging onto the base rule set."""
    error = refused(tmp_path, PROVINCE + "rules:\n  - id: [a, b]\n    kind: crs\n    severity: error\n"
                                         "    title: {zh: a, en: b}\n")
    assert "line 5" in error.en and "rules/0/id" in error.en and "should be text" in error.en
    error = refused(tmp_path, PROVINCE + "rules:\n  - id: 12345\n    kind: crs\n    severity: error\n"
                                         "    title: {zh: a, en: b}\n")
    assert 'write codes in quotes: "12345"' in error.en


@pytest.mark.parametrize("entry, words", [
    ('{codes: ["0701"], new: fatal}', "unknown new 'fatal'"),
    ('{codes: ["0701"], new: error, exsting: none}', "unknown key 'exsting'"),
    ('{codes: ["0701"]}', "missing key 'new'"),
    ('{codes: [宅基地], new: error}', "neither a class of this rule set nor a code"),
    ('{codes: ["0701"], new: error, existing_if: 建设用地}', 'e.g. ["建设用地"]'),
    ('["0701", error]', "should be a mapping"),
])
def test_matrix_entries_are_checked_like_rule_parameters(tmp_path, entry, words):
    error = refused(tmp_path, PROVINCE + CL05 + "        - {}\n".format(entry))
    assert "line 13" in error.en and words in error.en


def test_nested_parameters_of_every_kind_are_checked(tmp_path):
    indicator = PROVINCE + textwrap.dedent("""\
        rules:
          - id: IND-09
            kind: indicator
            severity: error
            title: {zh: 指标, en: indicators}
            params:
              allocation: CJZBFJ
              village: CJDCQ
              indicators:
                - {name: 耕地保有量, compare: ">="}
        """)
    assert "exactly one of them" in refused(tmp_path, indicator).en
    ranges = indicator.replace("kind: indicator", "kind: parcel").replace(
        "      allocation: CJZBFJ\n      village: CJDCQ\n      indicators:\n        - {name: 耕地保有量, compare: \">=\"}\n",
        "      layer: GHDK\n      check: range\n      ranges:\n        - {field: RJLSX, max: .inf}\n")
    error = refused(tmp_path, ranges)
    assert "line 13" in error.en and "ranges/0/max" in error.en and "finite number" in error.en
    pairs = ranges.replace("check: range\n      ranges:\n        - {field: RJLSX, max: .inf}", "check: order\n      pairs: [[RJLXX]]")
    assert "should hold 2 items" in refused(tmp_path, pairs).en


def test_an_unknown_tolerance_is_refused_not_ignored(tmp_path):
    error = refused(tmp_path, PROVINCE + "tolerances:\n  noise_m: 0.5\n")
    assert "line 5" in error.en and "unknown key 'noise_m'" in error.en


def test_extends_is_resolved_beside_the_file_and_stays_in_rule_set_folders(tmp_path, monkeypatch):
    """`extends: ../../../../etc/passwd` was resolved against the working directory and opened /etc/passwd."""
    province = tmp_path / "province"
    province.mkdir()
    (province / "base.yaml").write_text("id: shanxi-base\ntitle: {zh: 基础, en: base}\nextends: village-default\n"
                                        "tolerances: {noise_m2: 0.5}\n", encoding="utf-8")
    (province / "county.yaml").write_text("id: county\ntitle: {zh: 县, en: county}\nextends: base.yaml\n", encoding="utf-8")
    monkeypatch.chdir("/")                                     # resolved beside the file, not here
    assert RuleSet(str(province / "county.yaml")).noise_m2 == 0.5
    climbing = "../" * 12 + "etc/passwd"
    for spec in (climbing, "/etc/passwd", "/proc/self/environ", "../outside.yaml"):
        (tmp_path / "outside.yaml").write_text("id: outside\ntitle: {zh: a, en: b}\nrules: []\n", encoding="utf-8")
        error = refused(province, "id: x\ntitle: {zh: a, en: b}\nextends: %s\n" % spec, "x.yaml")
        assert "line 3" in error.en and "extends may only name" in error.en and "root:" not in str(error)
    monkeypatch.setenv("ONEMAP_RULESET_PATH", str(tmp_path))  # a rule-set folder: its files may be extended
    assert RuleSet(str(province / "county.yaml")).files[-1].endswith("village.yaml")
    (province / "x.yaml").write_text("id: x\ntitle: {zh: a, en: b}\nextends: ../outside.yaml\n", encoding="utf-8")
    assert RuleSet(str(province / "x.yaml")).files[1] == str(province / ".." / "outside.yaml")


def test_a_fifo_in_the_rule_set_folder_is_skipped_not_opened(tmp_path, monkeypatch):
    """A FIFO named x.yaml in ONEMAP_RULESET_PATH hung every run naming a rule set by id (and the panel's list)."""
    (tmp_path / "good.yaml").write_text("id: province-x\ntitle: {zh: a, en: b}\nextends: village-default\n",
                                        encoding="utf-8")
    monkeypatch.setenv("ONEMAP_RULESET_PATH", str(tmp_path))
    with watched_fifo(str(tmp_path / "x.yaml"), b"id: fifo\ntitle: {zh: a, en: b}\nrules: []\n") as opened:
        found, warnings = scan_rulesets()
        assert load_ruleset("province-x").id == "province-x"
        with pytest.raises(OneMapError) as error:
            load_ruleset(str(tmp_path / "x.yaml"))
        extending = refused(tmp_path, "id: y\ntitle: {zh: a, en: b}\nextends: x.yaml\n", "y.yaml")
    assert not opened and "fifo" not in found and "province-x" in found
    assert any("x.yaml" in w and "not a regular file" in w for w in warnings)
    assert "not a regular file" in error.value.en
    assert "line 3" in extending.en and "not a regular file" in extending.en


def test_the_shipped_rule_sets_write_every_code_as_text():
    for ruleset_id in ("village-default", "detailed-default"):
        ruleset = load_ruleset(ruleset_id)
        for name, entry in ruleset.classes.items():
            assert all(isinstance(code, str) and code.isdigit() for code in entry["codes"]), name
