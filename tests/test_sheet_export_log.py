"""What the map-sheet export writes to QGIS's message log: nothing of its own. QGIS 3.22 logs "Cannot load HTML based
item label in background threads" (无法在后台线程中加载基于 HTML 的项标注) from the constructor of every layout label
made off the main thread, whatever the label's mode (qgslayoutitemlabel.cpp, 3.22; not in 3.40 or 3.44, whose
labels have no web page): the panel exports in a QgsTask, so each label of each template loaded logs it once. None of
OneMap's labels is HTML; Processing runs the export on the main thread, where nothing is logged."""
import glob
import os
import re

import pytest
from qgis.core import Qgis, QgsApplication

from conftest import ROOT, sample
from test_dock import wait_for

QGIS_LABEL_NOISE = "Cannot load HTML based item label in background threads"


@pytest.fixture
def log():
    messages = []

    def record(message, tag, level):
        messages.append((tag, message))
    QgsApplication.messageLog().messageReceived.connect(record)
    yield messages
    QgsApplication.messageLog().messageReceived.disconnect(record)


def export(folder):
    from plugin.core.export.mapsheets import export_mapsheets
    return export_mapsheets(sample("detailed_plan.gpkg"), sample("detailed_onemap.gpkg"), str(folder), compiler="x")


def test_no_label_in_the_templates_is_html():
    for template in glob.glob(os.path.join(ROOT, "resources", "*.qpt")):
        with open(template, encoding="utf-8") as handle:
            states = re.findall(r'htmlState="(\d)"', handle.read())
        assert states and set(states) == {"0"}, template


def test_exported_on_the_main_thread_nothing_is_logged(qgis_app, log, tmp_path):
    assert export(tmp_path / "out")
    QgsApplication.processEvents()
    assert log == []


def test_in_a_task_only_qgis_3_22_s_own_label_line_is_logged(qgis_app, log, tmp_path):
    """As the panel runs it (gui.tasks.WorkTask): every line logged is QGIS's, one per label made; none on 3.40+."""
    from plugin.gui.tasks import WorkTask
    task = WorkTask("sheets", lambda _feedback: export(tmp_path / "out"))
    QgsApplication.taskManager().addTask(task)
    wait_for(lambda: task.result is not None or task.error is not None, seconds=600)
    QgsApplication.processEvents()
    assert task.error is None and len(task.result) == 19               # 02, 03, 土地使用规划图 and 16 图则
    assert {message for _tag, message in log} <= {QGIS_LABEL_NOISE}
    if Qgis.QGIS_VERSION_INT < 34000:
        assert len(log) >= 20                                           # the 图则 template alone has 20 labels
    else:
        assert log == []
