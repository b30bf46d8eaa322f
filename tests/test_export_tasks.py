"""The export box's exports run as tasks, as the check does: QGIS stays usable, the box shows progress
and a cancel button, a cancelled export says what it wrote and leaves no half-written file."""
import os

import pytest
from qgis.PyQt.QtWidgets import QFileDialog

from conftest import sample
from plugin.core.export.report_pdf import has_webkit
from test_dock import wait_for


@pytest.fixture
def checked(qgis_iface, qgis_new_project, tmp_path):
    """The panel after a check of the conflicts plan, its export box ready."""
    from plugin.gui.dock import OneMapDock
    dock = OneMapDock(qgis_iface)
    dock.onemap_picker.set_path(sample("township_onemap.gpkg"))
    dock.plan_picker.set_path(sample("village_conflicts.gpkg"))
    dock.output_widget.setFilePath(str(tmp_path / "findings.gpkg"))
    dock.verify_button.click()
    wait_for(lambda: dock.task is None and dock.verify_button.isEnabled())
    yield dock.export_panel
    dock.deleteLater()


def test_map_sheets_are_written_by_a_task_with_progress(checked, tmp_path, monkeypatch):
    folder = tmp_path / "sheets"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    seen = []
    checked.sheets_button.click()
    task = checked.task
    assert task is not None and checked.progress.isVisibleTo(checked) and checked.cancel_button.isVisibleTo(checked)
    assert not checked.sheets_button.isEnabled()                 # the click came back before the work ended
    task.progressChanged.connect(seen.append)
    wait_for(lambda: checked.task is None)
    assert len(seen) >= 3 and max(seen) > 50                     # a step per sheet reached the bar
    written = sorted(os.listdir(folder))
    assert len([n for n in written if n.endswith(".pdf")]) == 4 and len([n for n in written if n.endswith(".png")]) == 4
    assert checked.status.text().splitlines() == [str(folder / n) for n in sorted(written, key=lambda n: (n[:2], n[-3:] != "pdf"))]
    assert not checked.progress.isVisibleTo(checked) and checked.sheets_button.isEnabled()


def test_a_cancelled_export_says_what_it_wrote_and_leaves_no_part_file(checked, tmp_path, monkeypatch):
    folder = tmp_path / "sheets"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    checked.sheets_button.click()
    checked.task.progressChanged.connect(lambda _value: checked.cancel_button.click())   # after the first sheet
    wait_for(lambda: checked.task is None)
    written = sorted(os.listdir(folder)) if folder.exists() else []
    assert len(written) < 8 and all(n.endswith((".pdf", ".png")) for n in written)
    first = checked.status.text().splitlines()[0]
    assert first in ("已取消：已写出 {} 个文件".format(len(written)), "Cancelled: {} files written".format(len(written)))
    assert checked.sheets_button.isEnabled() and checked.report_button.isEnabled()


@pytest.mark.parametrize("extension", [".xlsx", ".html", ".pdf"])
def test_the_report_is_written_by_a_task_except_a_pdf_laid_out_by_qtwebkit(checked, tmp_path, monkeypatch, extension):
    path = tmp_path / ("report" + extension)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    checked.report_button.click()
    on_main_thread = extension == ".pdf" and has_webkit()           # QtWebKit lives on the GUI thread only
    assert (checked.task is None) == on_main_thread
    wait_for(lambda: checked.task is None)
    assert path.is_file() and path.stat().st_size > 1000, checked.status.text()
    assert checked.status.text() == str(path)
