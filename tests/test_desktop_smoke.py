"""Real desktop: the packaged ZIP in a throw-away profile, QGIS under xvfb-run, the panel used.
QGIS is started as `qgis --lang zh-Hans` with no locale override: the panel must be Chinese too."""
import glob
import json
import os
import subprocess

import pytest
from qgis.PyQt.QtGui import QImage

from conftest import ROOT


def test_packaged_plugin_in_real_qgis(tmp_path):
    zips = sorted(glob.glob(os.path.join(ROOT, "dist", "onemap-*.zip")))
    if not zips:
        pytest.fail("run `make package` first (make test does)")
    out = tmp_path / "smoke"
    done = subprocess.run([os.path.join(ROOT, "tools", "desktop_smoke.sh"), zips[-1], str(out), "--lang=zh-Hans"],
                          capture_output=True, text=True, timeout=300)
    assert (out / "result.json").is_file(), done.stdout + done.stderr + (out / "qgis.log").read_text(errors="replace")
    result = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert result["plugin_loaded"] and result["provider"], result
    assert "exception" not in result and result["python_errors"] == [], result
    assert result["dock_title"] == "国土空间规划一张图 / OneMap" and result["load_button"] == "加载图层"
    assert result["layers"] >= 9 and result["summary"].startswith("错误 11 个")
    image = QImage(result["screenshot"])
    assert image.width() >= 800 and image.height() >= 600
