"""zh_CN translation: complete, in step with the code, and used by the panel."""
import os
import re
import subprocess

import pytest

from qgis.PyQt.QtCore import QCoreApplication

from conftest import ROOT
from plugin.i18n import install_translator, remove_translator

TS = os.path.join(ROOT, "plugin", "i18n", "onemap_zh_CN.ts")


def sources(path):
    with open(path, encoding="utf-8") as handle:
        return set(re.findall(r"<source>(.*?)</source>", handle.read(), re.S))


def test_every_string_is_translated():
    with open(TS, encoding="utf-8") as handle:
        text = handle.read()
    assert 'type="unfinished"' not in text and "<translation></translation>" not in text


def test_ts_file_matches_the_tr_calls(tmp_path):
    fresh = str(tmp_path / "fresh.ts")
    files = sorted(os.path.join(d, f) for d, _s, names in os.walk(os.path.join(ROOT, "plugin"))
                   for f in names if f.endswith(".py"))
    subprocess.run(["pylupdate5", "-noobsolete"] + files + ["-ts", fresh], check=True, capture_output=True)
    assert sources(fresh) == sources(TS), "run tools/build_translations.sh --update and translate"


def test_chinese_locale_translates_the_panel(qgis_app):
    translator = install_translator("zh_CN")
    try:
        assert translator is not None
        assert QCoreApplication.translate("OneMapDock", "Verify") == "核对"
        assert QCoreApplication.translate("@default", "Verify plan against the one map") == "规划一张图核对"
    finally:
        remove_translator(translator)
    assert QCoreApplication.translate("OneMapDock", "Verify") == "Verify"


@pytest.fixture
def qgis_translation(qgis_app):
    """Run one test as if QGIS had started in a language (`qgis --lang X` sets this translation)."""
    from qgis.core import QgsApplication
    before = QgsApplication.instance().translation()
    yield QgsApplication.setTranslation
    QgsApplication.setTranslation(before)


@pytest.mark.parametrize("locale", ["zh-Hans", "zh-Hant", "zh_CN", "zh_TW", "zh_HK", "zh_SG", "zh_MO", "zh",
                                    "zh-CN", "zh_Hans_CN"])
def test_every_chinese_locale_qgis_runs_in_gets_the_chinese_panel(qgis_translation, locale):
    from plugin.i18n import chinese_ui
    qgis_translation(locale)
    assert chinese_ui()
    translator = install_translator()
    try:
        assert QCoreApplication.translate("OneMapDock", "Load layers") == "加载图层"
    finally:
        remove_translator(translator)


@pytest.mark.parametrize("locale", ["en_US", "en", "C", "de", "ja_JP", "zu", "zha"])
def test_other_locales_get_the_english_panel(qgis_translation, locale):
    from plugin.i18n import chinese_ui
    qgis_translation(locale)
    assert not chinese_ui()
    assert install_translator() is None


def test_the_language_qgis_started_in_wins_over_the_settings(qgis_translation):
    """`qgis --lang zh-Hans` with no override (the settings say English): QGIS is Chinese, so is the panel;
    without a running desktop's choice (tests, qgis_process) the settings decide."""
    from qgis.core import QgsSettings

    from plugin.i18n import chinese_ui
    settings = QgsSettings()
    before = {key: settings.value(key) for key in ("locale/overrideFlag", "locale/userLocale")}
    try:
        settings.setValue("locale/overrideFlag", False)
        settings.setValue("locale/userLocale", "en_US")
        qgis_translation("zh-Hans")
        assert chinese_ui()
        qgis_translation("")
        settings.setValue("locale/overrideFlag", True)
        settings.setValue("locale/userLocale", "zh-Hans")
        assert chinese_ui()
        settings.setValue("locale/userLocale", "en_US")
        assert not chinese_ui()
    finally:
        for key, value in before.items():
            settings.remove(key) if value is None else settings.setValue(key, value)
