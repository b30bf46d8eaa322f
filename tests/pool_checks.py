"""What a pool process runs per plan in tests/test_pool.py (importable there: the pool starts new Pythons)."""
import os

from plugin.core.check import pool


def crash_on_broken_names(task):
    """A process dies outright on a plan whose file name says so (as a crash in GEOS would end it)."""
    job = task[0]
    if "crash" in os.path.basename(job.plan):
        os._exit(11)
    return pool._check(task)


def widgets_loaded(task):
    """Whether QGIS's widgets (qgis.gui) were imported in this process, as the outcome's `internal`."""
    import sys
    return pool.Outcome(internal=str(sys.modules.get("qgis.gui") is not None))
