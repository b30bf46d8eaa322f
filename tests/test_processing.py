"""The onemap Processing algorithms, in process and through qgis_process (as batch users run them)."""
import os
import subprocess

import pytest
from qgis.core import QgsProcessingException

from conftest import ROOT, sample

BUILD = os.path.join(ROOT, "build")        # `make build` assembles build/onemap, exactly as zipped


def test_verifyplan_in_process_matches_the_engine(onemap_provider, tmp_path):
    import processing
    output = str(tmp_path / "findings.gpkg")
    result = processing.run("onemap:verifyplan", {"PLAN": sample("village_conflicts.gpkg"),
                                                  "ONEMAP": sample("township_onemap.gpkg"), "OUTPUT": output})
    assert result["OUTPUT"] == output and os.path.isfile(output)
    assert (result["ERRORS"], result["WARNINGS"], result["INFOS"]) == (11, 5, 1)    # the 0799 parcel: ATT-01 only (issue 19)


def test_verifyplan_bad_input_is_a_processing_exception(onemap_provider, tmp_path):
    import processing
    with pytest.raises(QgsProcessingException) as error:
        processing.run("onemap:verifyplan", {"PLAN": str(tmp_path / "missing.gpkg"),
                                             "ONEMAP": sample("township_onemap.gpkg"),
                                             "OUTPUT": str(tmp_path / "f.gpkg")})
    assert "missing.gpkg" in str(error.value)
    assert not (tmp_path / "f.gpkg").exists()


def test_describesource_reports_recognition(onemap_provider):
    import processing
    result = processing.run("onemap:describesource", {"SOURCE": sample("township_onemap.gpkg")})
    assert result["KIND_DETECTED"] == "onemap" and result["RECOGNISED"] == 6
    assert "缺少 missing: STBHHX" in result["REPORT"]


def qgis_process(tmp_path, *args):
    if not os.path.isfile(os.path.join(BUILD, "onemap", "metadata.txt")):
        pytest.fail("run `make build` first (build/onemap is what qgis_process loads)")
    env = dict(os.environ, QGIS_CUSTOM_CONFIG_PATH=str(tmp_path / "profile"), QGIS_PLUGINPATH=BUILD,
               QT_QPA_PLATFORM="offscreen")
    if not (tmp_path / "profile").exists():           # a throw-away profile with the plugin enabled
        subprocess.run(["/usr/bin/qgis_process.bin", "plugins", "enable", "onemap"], env=env, check=True,
                       capture_output=True, timeout=300)
    return subprocess.run(["/usr/bin/qgis_process.bin"] + list(args), env=env, capture_output=True, text=True,
                          timeout=300)


def test_qgis_process_runs_verifyplan_and_fails_cleanly(tmp_path):
    output = tmp_path / "out" / "findings.gpkg"
    done = qgis_process(tmp_path, "run", "onemap:verifyplan", "--", "PLAN=" + sample("village_conflicts.gpkg"),
                        "ONEMAP=" + sample("township_onemap.gpkg"), "OUTPUT=" + str(output))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ERRORS:\t11" in done.stdout and output.is_file()
    bad = qgis_process(tmp_path, "run", "onemap:verifyplan", "--", "PLAN=" + str(tmp_path / "nope.gpkg"),
                       "ONEMAP=" + sample("township_onemap.gpkg"), "OUTPUT=" + str(tmp_path / "bad.gpkg"))
    assert bad.returncode != 0
    text = bad.stdout + bad.stderr
    assert "nope.gpkg" in text and "Traceback" not in text
    assert not (tmp_path / "bad.gpkg").exists()
