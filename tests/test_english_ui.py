"""The English panel's loose ends: whole rule titles, counted nouns, articles, no Chinese punctuation
around English words."""
import glob
import os

import pytest
import yaml
from qgis.PyQt.QtCore import QCoreApplication

from conftest import ROOT, sample
from plugin.core.check.engine import verify
from plugin.core.errors import OneMapError
from plugin.core.review import decisions


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(ROOT, "plugin", "data", "rulesets", "*.yaml"))))
def test_every_rule_title_is_whole_in_both_languages(path):
    """A comma in an unquoted flow mapping splits the English title: CL-07 read 'Business'."""
    with open(path, encoding="utf-8") as handle:
        rules = yaml.safe_load(handle).get("rules") or []
    for rule in rules:
        title = rule.get("title") or {}
        assert set(title) == {"zh", "en"}, (rule["id"], title)
        assert len(title["en"].split()) >= 2, (rule["id"], title)


def test_counts_are_singular_or_plural():
    assert decisions.summary({"error": 1, "warning": 1, "info": 1}, {}, chinese=False) == "1 error, 1 warning, 1 note"
    assert decisions.summary({"error": 12, "warning": 0, "info": 2}, {}, chinese=False) == \
        "12 errors, 0 warnings, 2 notes"


@pytest.mark.parametrize("kind,english", [("accepted", "An approved exception needs a reason"),
                                          ("false_positive", "A false positive needs a reason")])
def test_a_missing_reason_is_said_with_the_right_article(kind, english):
    with pytest.raises(OneMapError) as raised:
        decisions.validate(kind, " ", "")
    assert raised.value.en.split("; ")[0] == english          # an exception also lacks its 批复文号: said next


def test_the_english_browser_says_its_indicators_in_english(qgis_iface, qgis_new_project, tmp_path):
    from plugin.gui.findings_view import FindingsBrowser
    output = str(tmp_path / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=output)
    browser = FindingsBrowser(qgis_iface)
    browser.chinese = browser.model.chinese = False
    browser.add_result(output, "village")
    QCoreApplication.processEvents()
    rules = {browser.proxy.index(r, 0).data().split(" ")[0]: browser.proxy.index(r, 0) for r in range(browser.proxy.rowCount())}
    indicators = rules["IND-01"]
    rows = {browser.proxy.index(r, 0, indicators).data().split(": ")[0]:
            (browser.proxy.index(r, 0, indicators).data(), browser.proxy.index(r, 1, indicators).data())
            for r in range(browser.proxy.rowCount(indicators))}
    assert rows["村庄建设用地规模"][0] == ("村庄建设用地规模: allocated 8.50 ha (127.50 mu), planned 26.00 ha (389.96 mu), "
                                     "difference +17.50 ha (+262.46 mu)")
    assert rows["生态保护红线面积"][1] == "not applicable"             # the reason is in the row's text, not here
    assert not any("：" in text or "公顷" in text for text, _status in rows.values() if ":" in text)
    browser.deleteLater()
