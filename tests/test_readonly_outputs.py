"""Exports into a folder that cannot be written (read-only, no permission): a Chinese message naming the file
asked for and the reason — not OneMap's hidden temporary file, not "No such file", no traceback — and the
folder left as it was."""
import contextlib
import os
import subprocess

import pytest

from conftest import sample


@contextlib.contextmanager
def unwritable(folder):
    """`folder` made unwritable for this process: immutable when running as root (chmod binds no root), else
    mode 555; skipped where neither works."""
    os.makedirs(folder, exist_ok=True)
    root = os.geteuid() == 0
    if root and _chattr("+i", folder) != 0:
        pytest.skip("running as root without chattr +i (no e2fsprogs, or a file system without it): "
                    "no folder is read-only to us")
    if not root:
        os.chmod(folder, 0o555)
    try:
        yield folder
    finally:
        if root:
            assert _chattr("-i", folder) == 0
        else:
            os.chmod(folder, 0o755)


def _chattr(flag, folder):
    """chattr's exit status (127 when there is no chattr)."""
    try:
        return subprocess.run(["chattr", flag, folder], capture_output=True).returncode
    except OSError:
        return 127


@pytest.fixture(scope="module")
def findings(tmp_path_factory, qgis_app):
    from plugin.core.check.engine import verify
    path = str(tmp_path_factory.mktemp("readonly") / "findings.gpkg")
    verify(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), output=path)
    return path


@pytest.mark.parametrize("name", ["报告.pdf", "报告.xlsx", "报告.html"])
def test_a_report_into_a_read_only_folder_names_the_file_and_the_reason(findings, tmp_path, capfd, name):
    from plugin.core.errors import OneMapError
    from plugin.core.export.report import export_report
    folder = str(tmp_path / "只读文件夹")
    target = os.path.join(folder, name)
    with unwritable(folder):
        capfd.readouterr()
        with pytest.raises(OneMapError) as error:
            export_report(findings, target)
        assert os.listdir(folder) == []
    message = error.value.zh
    assert target in message and "没有写入权限" in message and "只读" in message, message
    assert ".onemap-" not in message and ".part" not in message and "No such file" not in message
    assert "Traceback" not in capfd.readouterr().err                 # GDAL's error did not escape as a traceback
    assert target in error.value.en and "read-only" in error.value.en


def test_map_sheets_into_a_read_only_folder_say_why(qgis_app, tmp_path):
    from plugin.core.errors import OneMapError
    from plugin.core.export.mapsheets import export_mapsheets
    folder = str(tmp_path / "只读文件夹")
    with unwritable(folder):
        with pytest.raises(OneMapError) as error:
            export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), folder)
        assert os.listdir(folder) == []
    assert folder in error.value.zh and "没有写入权限（文件夹只读或权限不足）" in error.value.zh, error.value.zh
