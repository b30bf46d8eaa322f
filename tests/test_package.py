"""The ZIP that `make package` builds installs through Plugins ▸ Install from ZIP."""
import glob
import os
import zipfile

import pytest

from conftest import ROOT
from plugin.core.paths import plugin_version


def test_zip_unpacks_to_one_onemap_folder():
    path = os.path.join(ROOT, "dist", "onemap-{}.zip".format(plugin_version()))
    if not os.path.isfile(path):
        pytest.fail("run `make package` first (make test does)")
    names = zipfile.ZipFile(path).namelist()
    assert {n.split("/")[0] for n in names} == {"onemap"}
    for required in ("onemap/metadata.txt", "onemap/__init__.py", "onemap/LICENSE", "onemap/resources/icon.svg",
                     "onemap/styles/GHYDYH.qml", "onemap/i18n/onemap_zh_CN.qm", "onemap/data/schema.yaml",
                     "onemap/data/rulesets/village.yaml", "onemap/resources/sample/township_onemap.gpkg"):
        assert required in names, required
    assert not [n for n in names if "__pycache__" in n or n.endswith((".ts", ".pyc", ".stamp"))]
    assert len(glob.glob(os.path.join(ROOT, "dist", "onemap-*.zip"))) >= 1
