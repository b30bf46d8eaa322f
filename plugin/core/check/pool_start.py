"""The start of a pool process (pool.py): a headless QGIS, without QGIS's widgets.

A new process imports this module before anything of QGIS, so it imports nothing of QGIS at its top.
QGIS's own `qgis` package imports qgis.gui (every QGIS widget: 0.26 s of a pool process's start of
about 1 s) only so that forms can load custom widgets, and it goes on without it when that import
fails; a process that only checks plans never shows a widget, so the import is made to fail here.
"""
import os
import sys

_APP = None


def start_qgis():
    """A headless QGIS (no display) for the plans this process checks."""
    global _APP
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if "qgis" not in sys.modules:
        sys.modules.setdefault("qgis.gui", None)           # `import qgis.gui` raises ImportError
    from qgis.core import QgsApplication
    _APP = QgsApplication([], False)
    _APP.initQgis()
