"""Rule sets as data: the shipped ones load; malformed ones name file, line and key; provinces extend."""
import textwrap

import pytest

from plugin.core.check.ruleset import RuleSet, available_rulesets, load_ruleset
from plugin.core.errors import OneMapError

GOOD_RULE = """
  - id: X-01
    kind: overlap
    severity: error
    title: {zh: 测试, en: test}
    params: {plan_layer: GHYDYH, control: YJJBNTBHTB, codes: [建设用地]}
"""


def write(tmp_path, text, name="province.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_shipped_rulesets_load_and_cite_their_clauses():
    shipped = available_rulesets()
    assert {"village-default", "detailed-default"} <= set(shipped)
    for ruleset_id in ("village-default", "detailed-default"):
        ruleset = load_ruleset(ruleset_id)
        assert ruleset.rules and len({r.id for r in ruleset.rules}) == len(ruleset.rules)
        for rule in ruleset.rules:
            assert rule.clause.get("text") and rule.clause.get("source"), rule.id
            # the clause text is printed in the report a reviewer signs: no working notes in it
            assert not any(note in rule.clause["text"] for note in ("seed", "fact sheet", "OneMap")), rule.id
    detailed = load_ruleset("detailed-default")
    ids = [r.id for r in detailed.rules]
    assert "DP-01" in ids and "CL-01" in ids and "IND-01" not in ids
    assert "0703" in detailed.codes(["建设用地"]) and "0703" not in load_ruleset("village-default").codes(["城镇建设用地"])
    assert "0799" not in detailed.codes(["建设用地"])        # unknown codes belong to no class
    farmland_like = load_ruleset("village-default").codes(["农用地"])
    assert "060201" in farmland_like and "1704" in farmland_like and "0703" not in farmland_like


@pytest.mark.parametrize("body, line, words", [
    ("id: p\ntitle: {zh: a, en: b}\nrules:\n  - id: [unclosed\n", 5, "opened at line 4"),
    ("id: p\ntitle: {zh: a, en: b}\nrules:\n  - id: X\n    kind: nonsense\n    severity: error\n    title: {zh: a, en: b}\n",
     5, "unknown kind 'nonsense'"),
    ("id: p\ntitle: {zh: a, en: b}\nrules:\n  - id: X\n    kind: crs\n    severity: fatal\n    title: {zh: a, en: b}\n",
     6, "severity"),
    ("id: p\ntitle: {zh: a, en: b}\nrules:\n  - id: X\n    kind: overlap\n    severity: error\n    title: {zh: a, en: b}\n"
     "    params: {plan_layer: GHYDYH}\n", 8, "missing parameter 'control'"),
    ("id: p\ntitle: {zh: a, en: b}\nrules:\n  - id: X\n    kind: geometry\n    severity: error\n    title: {zh: a, en: b}\n"
     "    params:\n      layer: GHYDYH\n      check: wobbly\n", 10, "check"),
    ("id: p\ntitle: {zh: a, en: b}\nrules:\n  - id: X\n    kind: overlap\n    severity: error\n    title: {zh: a, en: b}\n"
     "    params:\n      plan_layer: GHYDYH\n      control: STBHHX\n      codes: [宅基地]\n", 11, "宅基地"),
    ("title: {zh: a, en: b}\nrules: []\n", 1, "missing key 'id'"),
])
def test_malformed_rule_files_name_file_line_and_key(tmp_path, body, line, words):
    path = write(tmp_path, body)
    with pytest.raises(OneMapError) as error:
        RuleSet(path)
    assert path in error.value.en and "line {}".format(line) in error.value.en and words in str(error.value)


def test_a_province_extends_the_default_without_python(tmp_path, monkeypatch):
    folder = tmp_path / "rules"
    folder.mkdir()
    write(folder, textwrap.dedent("""\
        id: shanxi-village
        extends: village-default
        title: {zh: 山西省村庄规划核对, en: Shanxi village plans}
        tolerances: {noise_m2: 0.5}
        classes:
          建设用地: {codes: ["07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "06"], source: 省级口径, status: provisional}
        remove: [CL-06]
        rules:""") + GOOD_RULE, name="shanxi.yaml")
    monkeypatch.setenv("ONEMAP_RULESET_PATH", str(folder))
    ruleset = load_ruleset("shanxi-village")
    ids = [r.id for r in ruleset.rules]
    assert "X-01" in ids and "CL-06" not in ids and "CL-01" in ids
    assert ruleset.noise_m2 == 0.5 and "060101" in ruleset.codes(["建设用地"])
    assert ruleset.sha256 != load_ruleset("village-default").sha256


def test_unknown_ruleset_id_lists_the_available_ones():
    with pytest.raises(OneMapError) as error:
        load_ruleset("no-such-rules")
    assert "village-default" in error.value.en


def test_an_error_in_a_province_rule_names_its_own_line(tmp_path):
    path = write(tmp_path, textwrap.dedent("""\
        id: bad-province
        extends: village-default
        title: {zh: 坏, en: bad}
        rules:
          - id: P-01
            kind: overlap
            severity: eror
            title: {zh: a, en: b}
            params: {plan_layer: GHYDYH, control: STBHHX}
        """))
    with pytest.raises(OneMapError) as error:
        RuleSet(path)
    assert "line 7" in error.value.en and "rules/0/severity" in error.value.en
