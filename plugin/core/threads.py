"""Keep QGIS's task threads alive: a check run in a fresh task thread can be handed stale PROJ objects.

Measured on QGIS 3.40.6 (Debian trixie) and 3.44.15 (sid), not on 3.22: once a task thread has ended
(QgsTaskManager's pool lets an idle thread go after 30 s), a check started in a new task thread found
every transform of the plan's CRS to EPSG:4490 and to the one map's zone returning its input unchanged —
valid, not short-circuited, no exception — even after both of QGIS's transform and CRS caches were
cleared. The village plan in EPSG:4525 was then checked in zone 45 (EPSG:4554), areas ~11 % too large and
six spurious errors. With the pool's threads kept, the same sequence gave the right answers every time.
Reported against PROJ 9.5+ with GDAL/QGIS as a corrupt PROJ context in multi-threaded use (OSGeo/PROJ
#4466, OSGeo/gdal #12155). crs.working_crs also refuses an implausible answer rather than use it.
"""
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QThreadPool


def task_pool():
    """The thread pool QGIS runs tasks in: the task manager's own (3.40+), else Qt's global pool (3.22)."""
    manager = QgsApplication.taskManager()
    return manager.threadPool() if hasattr(manager, "threadPool") else QThreadPool.globalInstance()


def keep_task_threads():
    """Let no thread of QGIS's task pool expire (idempotent; idle threads cost a little memory)."""
    pool = task_pool()
    if pool.expiryTimeout() >= 0:
        pool.setExpiryTimeout(-1)
