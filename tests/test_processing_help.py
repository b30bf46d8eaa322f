"""The onemap algorithms sit in named toolbox groups, are found by Chinese search words and carry
Chinese help that documents every parameter and output they really have."""
import re

import pytest
from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QUrl

from plugin.processing.algorithm import GROUPS, OneMapAlgorithm

ALGORITHMS = ["describesource", "loadplan", "verifyplan", "exportreport", "exportmapsheets", "verifyfolder",
              "mergeplan", "compareplans", "exporttrail"]


@pytest.fixture
def ui_locale():
    """Set QGIS's UI locale override for one test, restored afterwards."""
    settings = QgsSettings()
    before = (settings.value("locale/overrideFlag"), settings.value("locale/userLocale"))

    def _set(locale):
        settings.setValue("locale/overrideFlag", True)
        settings.setValue("locale/userLocale", locale)
    yield _set
    for key, value in zip(("locale/overrideFlag", "locale/userLocale"), before):
        settings.remove(key) if value is None else settings.setValue(key, value)


@pytest.mark.parametrize("name", ALGORITHMS)
def test_every_algorithm_has_group_tags_and_complete_chinese_help(onemap_provider, ui_locale, name):
    ui_locale("zh_CN")
    algorithm = onemap_provider.algorithm(name)
    assert isinstance(algorithm, OneMapAlgorithm)
    assert algorithm.group() in GROUPS.values() and algorithm.groupId() in GROUPS
    assert any(re.search("[\u4e00-\u9fff]", tag) for tag in algorithm.tags())
    text = algorithm.shortHelpString()
    assert "参数" in text and "输出" in text and "qgis_process run onemap:" + name in text
    assert "Parameters" not in text                                  # Chinese UI: Chinese only
    for parameter in algorithm.parameterDefinitions():
        assert "<code>{}</code>".format(parameter.name()) in text, parameter.name()
        assert parameter.description() in text
    for output in algorithm.outputDefinitions():
        assert "<code>{}</code>".format(output.name()) in text, output.name()
    url = QUrl(algorithm.helpUrl())
    assert url.isLocalFile() and url.fragment() == "processing"


def test_other_locales_get_english_then_chinese(onemap_provider, ui_locale):
    ui_locale("en_US")
    text = onemap_provider.algorithm("verifyplan").shortHelpString()
    assert text.index("Parameters") < text.index("中文说明") < text.index("参数")


def test_toolbox_search_word_finds_the_check(onemap_provider):
    assert "永久基本农田" in onemap_provider.algorithm("verifyplan").tags()
    assert onemap_provider.algorithm("verifyplan").group() == "一张图核对 One-map check"


def test_no_algorithm_is_left_outside_a_group(onemap_provider):
    for algorithm in onemap_provider.algorithms():
        assert algorithm.groupId() in GROUPS and algorithm.group() == GROUPS[algorithm.groupId()], algorithm.id()
