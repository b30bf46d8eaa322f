"""zh_CN translation: complete, in step with the code, and used by the panel."""
import os
import re
import subprocess

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
