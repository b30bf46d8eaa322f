"""Windows behaviour that cannot run here, simulated where it can be: a file held open cannot be replaced,
paths of 260 UTF-16 units fail, one file has several spellings, ZIP names need the UTF-8 flag.
README "Windows" lists what each case does and what is only reviewed."""
import os
import shutil
import zipfile

import pytest
from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QFileDialog

from conftest import ROOT, sample
from plugin.core import windows
from plugin.core.paths import plugin_version
from plugin.core.review.findings_layer import existing, load_findings
from test_dock import wait_for
from test_export_tasks import checked  # noqa: F401 (fixture)

PROC_FD = "/proc/self/fd"


def held_open(path):
    """Whether this process holds `path` open (Linux /proc)."""
    target = os.path.realpath(path)
    for fd in os.listdir(PROC_FD):
        try:
            if os.readlink(os.path.join(PROC_FD, fd)) == target:
                return True
        except OSError:
            continue
    return False


@pytest.fixture
def windows_replace(monkeypatch):
    """os.replace as Windows does it: refused while any handle of ours holds the target open."""
    real = os.replace
    refused = []

    def replace(source, target, *args, **kwargs):
        if os.path.exists(target) and held_open(target):
            refused.append(target)
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process", source, None, target)
        return real(source, target, *args, **kwargs)
    monkeypatch.setattr(os, "replace", replace)
    return refused


@pytest.fixture
def panel(checked):
    """The panel after its first check (test_export_tasks.checked)."""
    return checked.dock


def check(dock):
    dock.verify_button.click()
    wait_for(lambda: dock.task is None and dock.verify_button.isEnabled())


def findings_layers():
    return [layer for layer in QgsProject.instance().mapLayers().values()
            if layer.customProperty("onemap/key") == "findings"]


@pytest.mark.skipif(not os.path.isdir(PROC_FD), reason="needs Linux /proc to see open files")
def test_a_recheck_replaces_the_findings_file_the_project_shows(panel, windows_replace):
    layer = findings_layers()[0]
    assert layer.featureCount() == 17 and len(list(layer.getFeatures())) == 17     # drawn: QGIS holds the file
    assert held_open(panel.browser.review.path)
    check(panel)                                                   # the same file again
    assert windows_replace == [] and "写入失败" not in panel.summary.text()
    assert "writing failed" not in panel.summary.text()
    assert findings_layers() == [layer] and layer.isValid() and layer.providerType() == "ogr"
    assert layer.featureCount() == 17 and layer.renderer().type() == "RuleRenderer"


@pytest.mark.skipif(not os.path.isdir(PROC_FD), reason="needs Linux /proc to see open files")
def test_a_cancelled_recheck_shows_the_old_findings_again(panel, windows_replace):
    layer = findings_layers()[0]
    panel.verify_button.click()
    panel.cancel_button.click()
    wait_for(lambda: panel.task is None and panel.verify_button.isEnabled())
    assert layer.providerType() == "ogr" and layer.featureCount() == 17


def test_one_file_under_another_spelling_is_the_same_findings_layer(qgis_new_project, tmp_path):
    from plugin.core.check.engine import verify
    output = str(tmp_path / "a" / "findings.gpkg")
    os.makedirs(os.path.dirname(output))
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=output)
    layer = load_findings(output, QgsProject.instance(), "杜村")
    os.symlink(str(tmp_path / "a"), str(tmp_path / "b"))
    for spelling in (str(tmp_path / "a" / ".." / "a" / "findings.gpkg"), str(tmp_path / "b" / "findings.gpkg")):
        assert existing(QgsProject.instance(), spelling, "") is layer


def test_an_export_onto_a_file_open_elsewhere_names_it(panel, tmp_path, monkeypatch):
    report = tmp_path / "报告.xlsx"
    report.write_bytes(b"open in Excel")
    real = os.replace

    def locked(source, target, *args, **kwargs):
        if os.path.abspath(target) == str(report):
            raise PermissionError(13, "Permission denied", source, None, target)
        return real(source, target, *args, **kwargs)
    monkeypatch.setattr(os, "replace", locked)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(report), ""))
    panel.export_panel.report_button.click()
    wait_for(lambda: panel.export_panel.task is None)
    text = panel.export_panel.status.text()
    assert str(report) in text and ("正被其他程序使用" in text or "in use by another program" in text)
    assert report.read_bytes() == b"open in Excel"
    assert [n for n in os.listdir(tmp_path) if n.startswith(".onemap-")] == []


def test_paths_windows_finds_too_long_are_said_before_writing(tmp_path):
    chinese = "C:\\Users\\王工\\" + "\\".join(["村庄规划成果汇总"] * 24) + "\\杜村_核对结果.gpkg"
    assert len(chinese) < 260 < len(chinese.encode("utf-8"))          # fits in characters, not in bytes
    assert windows.units(chinese) == len(chinese)
    assert not windows.too_long("C:\\Users\\王工\\杜村_核对结果.gpkg")
    folder = "D:\\" + "规划" * 110                                       # 223: the target fits, its temporary not
    assert windows.units(folder + "\\杜村.gpkg") < 260 and windows.too_long(folder + "\\杜村.gpkg")
    zh, en = windows.long_path_warning(folder + "\\杜村.gpkg", windows=True)
    assert "260" in zh and "260" in en
    assert windows.long_path_warning(folder + "\\杜村.gpkg", windows=False) is None


def test_the_plugin_zip_carries_its_chinese_names_as_utf8(tmp_path):
    """QGIS's Install from ZIP reads names through Python's zipfile: without the UTF-8 flag the sample's
    村庄规划数据库.gdb unpacked as µ¥æσ║äΦºäσêÆµò░µì«σ║ô.gdb."""
    import sys
    from qgis.core import QgsApplication
    sys.path.append(os.path.join(QgsApplication.pkgDataPath(), "python"))      # QGIS's own Python packages
    from pyplugin_installer.unzip import unzip
    path = os.path.join(ROOT, "dist", "onemap-{}.zip".format(plugin_version()))
    if not os.path.isfile(path):
        pytest.fail("run `make package` first (make test does)")
    names = zipfile.ZipFile(path).infolist()
    assert [info.filename for info in names if not info.filename.isascii() and not info.flag_bits & 0x800] == []
    unzip(path, str(tmp_path))
    realdb = tmp_path / "onemap" / "resources" / "sample" / "village_realdb"
    assert sorted(os.listdir(realdb)) == ["村庄规划数据库.gdb", "规划表格.gdb"]
    shutil.rmtree(tmp_path / "onemap")


def test_a_dead_runs_temporary_never_signals_a_process_on_windows(tmp_path, monkeypatch):
    """On Windows os.kill(pid, 0) is TerminateProcess: cleaning up a temporary of a killed run must not
    touch whatever process now has its pid (another QGIS, any program)."""
    import time
    import types

    from plugin.core import outputs
    stale = tmp_path / ".onemap-4242-0123456789ab.part.gpkg"
    stale.write_bytes(b"")
    old = time.time() - outputs.STALE_DEAD_S - 60                   # a dead run's, but not a day old
    os.utime(stale, (old, old))
    signalled = []
    windows_os = types.SimpleNamespace(**{name: getattr(os, name) for name in dir(os) if not name.startswith("__")})
    windows_os.name, windows_os.kill = "nt", lambda pid, signal: signalled.append((pid, signal))
    monkeypatch.setattr(outputs, "os", windows_os)                 # outputs.py as it runs on Windows
    outputs.remove_stale_temporaries(str(tmp_path))
    assert signalled == [] and stale.exists()
    day_old = time.time() - outputs.STALE_ANY_S - 60
    os.utime(stale, (day_old, day_old))
    outputs.remove_stale_temporaries(str(tmp_path))
    assert not stale.exists()
