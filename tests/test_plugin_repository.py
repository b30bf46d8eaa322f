"""`make repo`'s plugins.xml: real QGIS, a throw-away profile pointed at it by file:// URL, installs
the plugin through pyplugin_installer — then a newer version published the same way upgrades it."""
import configparser
import glob
import json
import os
import signal
import subprocess
import zipfile
from xml.etree import ElementTree

import pytest

from conftest import ROOT
from plugin.core.paths import plugin_version
from tools.make_repo import make_repo


def packaged_zip():
    path = os.path.join(ROOT, "dist", "onemap-{}.zip".format(plugin_version()))
    if not os.path.isfile(path):
        pytest.fail("run `make package` first (make test does)")
    return path


def rebuilt_with_version(source, target, version):
    """A copy of the plugin ZIP whose metadata.txt says `version` (a release made later)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "onemap/metadata.txt":
                data = data.decode("utf-8").replace("version=" + plugin_version(), "version=" + version).encode("utf-8")
            new.writestr(item, data)
    return str(target)


def install_in_qgis(profiles, repo_url, out):
    """QGIS under xvfb with the profile folder `profiles`, running tools/repo_install.py."""
    (profiles / "profiles" / "default" / "QGIS").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, ONEMAP_REPO_URL=repo_url, ONEMAP_RESULT=str(out))
    env.pop("QT_QPA_PLATFORM", None)
    qgis = subprocess.Popen(["xvfb-run", "-a", "qgis", "--profiles-path", str(profiles), "--nologo", "--noversioncheck",
                             "--code", os.path.join(ROOT, "tools", "repo_install.py")],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        log, _ = qgis.communicate(timeout=180)
    except subprocess.TimeoutExpired:          # e.g. a Python error dialog waiting for a click
        os.killpg(qgis.pid, signal.SIGKILL)
        log, _ = qgis.communicate()
    assert out.is_file(), log
    return json.loads(out.read_text(encoding="utf-8"))


def test_plugins_xml_lists_the_zip_with_its_metadata(tmp_path):
    listing = make_repo(packaged_zip(), str(tmp_path / "repo"), "http://gis.bureau.local/qgis-plugins/")
    plugin = ElementTree.parse(listing).getroot().find("pyqgis_plugin")
    meta = configparser.ConfigParser(interpolation=None)
    meta.read(os.path.join(ROOT, "metadata.txt"), encoding="utf-8")
    meta = meta["general"]
    assert plugin.get("name") == meta["name"] and plugin.get("version") == meta["version"]
    assert plugin.findtext("file_name") == "onemap.{}.zip".format(meta["version"])      # id = text before the first dot
    assert plugin.findtext("download_url") == "http://gis.bureau.local/qgis-plugins/onemap.{}.zip".format(meta["version"])
    assert plugin.findtext("qgis_minimum_version") == meta["qgisMinimumVersion"]
    assert plugin.findtext("experimental") == meta["experimental"]
    with zipfile.ZipFile(tmp_path / "repo" / plugin.findtext("file_name")) as archive:
        assert "onemap/metadata.txt" in archive.namelist()
    assert sorted(os.listdir(tmp_path / "repo")) == ["onemap.{}.zip".format(meta["version"]), "onemap.svg", "plugins.xml"]


def test_fresh_profile_installs_and_then_upgrades_from_the_repository(tmp_path):
    profiles = tmp_path / "profiles"
    repo = tmp_path / "repo"
    url = "file://{}/plugins.xml".format(repo)
    make_repo(packaged_zip(), str(repo), "file://{}".format(repo))

    first = install_in_qgis(profiles, url, tmp_path / "first.json")
    assert "exception" not in first, first["exception"]
    assert first["available"]["zip_repository"] == "OneMap internal", first
    assert first["installed_version"] == plugin_version(), first
    assert first["active"] and first["enabled_setting"] and first["provider"], first
    installed = profiles / "profiles" / "default" / "python" / "plugins" / "onemap"
    assert (installed / "metadata.txt").is_file() and (installed / "__init__.py").is_file()

    newer = "{}.1".format(plugin_version())              # the bureau publishes an update into the same folder
    make_repo(rebuilt_with_version(packaged_zip(), tmp_path / "newer.zip", newer), str(repo), "file://{}".format(repo))
    second = install_in_qgis(profiles, url, tmp_path / "second.json")
    assert "exception" not in second, second["exception"]
    assert second["available"]["status_exp" if second["available"]["experimental"] else "status"] == "upgradeable"
    assert second["installed_version"] == newer and second["active"], second
    assert "version=" + newer in (installed / "metadata.txt").read_text(encoding="utf-8")
    assert len(glob.glob(str(repo / "onemap.*.zip"))) == 2              # the old ZIP may stay; plugins.xml moved on
