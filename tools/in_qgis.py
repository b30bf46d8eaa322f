"""What the scripts run inside real QGIS by tools/desktop_smoke.sh share (desktop_smoke, review_screenshots,
lifecycle_walk, detailed_screenshots, guide_shots): the folders, result.json, steps run later on QGIS's event
loop, waiting for a task, the window, the OneMap panel, its findings browser and decision dialog, screenshots.

desktop_smoke.sh puts tools/ on PYTHONPATH, so the scripts `from in_qgis import …`.
"""
import json
import os
import traceback

import qgis.utils
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QRect, QTimer
from qgis.PyQt.QtWidgets import QDockWidget

OUT = os.environ["ONEMAP_SMOKE_OUT"]            # the work folder: result.json, screenshots, findings
SAMPLE = os.environ["ONEMAP_SAMPLE"]
result = {}                                     # what the walk saw, written to result.json by finish()


def finish():
    """Write result.json and quit QGIS."""
    with open(os.path.join(OUT, "result.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle, ensure_ascii=False, indent=1)
    QgsApplication.instance().exit(0)


def later(milliseconds, step):
    """Run `step` on the event loop after `milliseconds`; an exception is recorded and QGIS quits."""
    def guarded():
        try:
            step()
        except Exception:                    # recorded, then QGIS exits
            result["exception"] = traceback.format_exc()
            finish()
    QTimer.singleShot(milliseconds, guarded)


def wait_then(condition, step, pause=1500, tries=150):
    """`step` once `condition` holds (at most `tries` × 0.2 s), after `pause` ms for QGIS to draw."""
    if not condition() and tries > 0:
        later(200, lambda: wait_then(condition, step, pause, tries - 1))
        return
    later(pause, step)


def desktop(hide_browser=True):
    """The main window as maximised on a 1600x1000 screen (xvfb has no window manager: QGIS 3.40+ opens at
    its last-saved, smaller size); the Browser panels hidden to give the layer tree room."""
    window = qgis.utils.iface.mainWindow()
    window.setGeometry(0, 0, 1600, 1000)
    if hide_browser:
        for panel in window.findChildren(QDockWidget):
            if panel.objectName() in ("Browser", "Browser2"):
                panel.setVisible(False)


def dock():
    """The OneMap panel."""
    return qgis.utils.plugins["onemap"].dock


def shoot(name, widget=None, height=None, folder=OUT):
    """Save `widget` (the main window unless given; its top `height` pixels if given) as folder/name.png,
    listed in result["shots"]; returns the path."""
    widget = widget or qgis.utils.iface.mainWindow()
    path = os.path.join(folder, name + ".png")
    widget.grab(QRect(0, 0, widget.width(), height or widget.height())).save(path)
    result.setdefault("shots", []).append(path)
    return path


def rule_row(rule_id):
    """The findings browser's row of a rule (as the user sees it, sorted and filtered)."""
    proxy = dock().browser.proxy
    for row in range(proxy.rowCount()):
        index = proxy.index(row, 0)
        if index.data().startswith(rule_id + " "):
            return index
    raise KeyError(rule_id)


def first_finding(rule_id):
    """The browser's first finding of a rule."""
    return dock().browser.proxy.index(0, 0, rule_row(rule_id))


def exception_dialog(rule_id, reason, reviewer, approval_no=""):
    """The decision dialog of a rule's first finding, filled in as an approved exception (已认可例外) and shown."""
    from onemap.gui.decision_dialog import DecisionDialog      # the installed plugin package
    browser = dock().browser
    dialog = DecisionDialog(browser.finding_at(first_finding(rule_id)), None, browser)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("accepted"))
    dialog.reason_edit.setPlainText(reason)
    dialog.approval_edit.setText(approval_no)
    dialog.reviewer_edit.setText(reviewer)
    dialog.show()
    return dialog
