"""A finding's text does not depend on the language of the process that wrote it: the same plans
checked in a QGIS running in Chinese (QGIS's own zh-Hans translator, as `qgis --lang zh-Hans` installs
it) and in one running in English give the same findings and rule reasons, word for word.

Each check runs in a process of its own: QGIS translates GEOS's validity reasons once per process
(the first time it validates a geometry), so the language must be set before anything is checked."""
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, sample

CHECK = r"""
import json, os, sqlite3, sys
sys.path.insert(0, {root!r})
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator
app = QgsApplication([], False)
app.initQgis()
translators = []
if {chinese!r}:
    QLocale.setDefault(QLocale("zh_CN"))
    QgsApplication.setTranslation("zh-Hans")
    translator = QTranslator()
    assert translator.load(os.path.join(QgsApplication.i18nPath(), "qgis_zh-Hans.qm"))
    QCoreApplication.installTranslator(translator)
    translators.append(translator)
from plugin.core.check.engine import verify
from plugin.i18n import install_translator
translators.append(install_translator())
out = {{"geos_error_translated": QCoreApplication.translate("QObject", "Self-intersection", "GEOS Error")}}
for name, (plan, onemap) in {plans!r}.items():
    output = os.path.join({work!r}, name + ".gpkg")
    verify(plan, onemap, output=output)
    db = sqlite3.connect(output)
    out[name] = {{
        "findings": db.execute("SELECT rule_id, severity, message, detail, plan_label FROM findings ORDER BY fid").fetchall(),
        "rules": db.execute("SELECT rule_id, status, reason FROM rules ORDER BY fid").fetchall()}}
    db.close()
print("RESULT" + json.dumps(out, ensure_ascii=False))
app.exitQgis()
"""


def check_in(language, work):
    plans = {"conflicts": (sample("village_conflicts.gpkg"), sample("township_onemap.gpkg")),
             "realdb": (sample("village_realdb"), sample("township_onemap.gpkg"))}
    os.makedirs(work, exist_ok=True)
    code = CHECK.format(root=ROOT, chinese=language == "zh", plans=plans, work=work)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT")]
    assert lines, done.stdout + done.stderr
    return json.loads(lines[0][len("RESULT"):])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("language")
    return {language: check_in(language, str(base / language)) for language in ("zh", "en")}


def test_the_chinese_process_really_runs_in_chinese(runs):
    assert runs["zh"]["geos_error_translated"] == "自相交"              # QGIS hands GEOS's reasons over in Chinese
    assert runs["en"]["geos_error_translated"] == "Self-intersection"


def test_findings_and_reasons_are_the_same_in_either_language(runs):
    for plan in ("conflicts", "realdb"):
        assert runs["zh"][plan] == runs["en"][plan], plan


def test_geo01_says_self_intersection_in_chinese_and_keeps_geos_english_in_detail(runs):
    for language in ("zh", "en"):
        invalid = [f for f in runs[language]["conflicts"]["findings"] if f[0] == "GEO-01"]
        assert [(message.split("，")[0], detail) for _rule, _severity, message, detail, _label in invalid] == [
            ("要素 14 几何无效（自相交）", "Self-intersection")], language


def test_geo06_names_the_layer_as_the_panel_does(runs):
    for language in ("zh", "en"):
        messages = [f[2] for f in runs[language]["realdb"]["findings"] if f[0] == "GEO-06"]
        per_parcel = [m for m in messages if "的面积字段" in m]
        assert per_parcel and all(m.startswith("规划用地用海 要素 ") for m in per_parcel), messages
        assert not any("GHYDYH" in m for m in messages)
