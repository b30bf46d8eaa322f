"""The panel's background work as QgsTasks: progress and cancel in QGIS's task bar, the work itself in core.

A task's work touches no widget and not the user's project (QGIS runs it on another thread); the panel
reads `result` or `error` once the task has finished.
"""
import traceback

from qgis.core import Qgis, QgsFeedback, QgsMessageLog, QgsProject, QgsTask

from ..core.check.engine import Cancelled, verify
from ..core.errors import OneMapError
from ..core.secrets import mask
from ..core.threads import keep_task_threads
from ..core.windows import in_use_error
from ..i18n import tr

INTERNAL_ERROR = ("内部错误：{}", "Internal error: {}")


class WorkTask(QgsTask):
    """Runs `work(feedback)` off the main thread; keeps its result, or the OneMapError to show (a
    cancelled run keeps neither)."""

    def __init__(self, title, work=None, failure=INTERNAL_ERROR):
        super().__init__(title, QgsTask.Flag.CanCancel)
        keep_task_threads()
        if work is not None:
            self.work = work
        self.failure = failure
        self.result = None
        self.error = None
        self.feedback = QgsFeedback()
        self.feedback.progressChanged.connect(self.setProgress)

    def run(self):
        try:
            self.result = self.work(self.feedback)
            return True
        except Cancelled:
            return False
        except OneMapError as exc:
            self.error = exc
            return False
        except PermissionError as exc:                 # Windows: the file is open in another program
            self.error = in_use_error(exc)
            return False
        except Exception as exc:  # noqa: BLE001 — an exception escaping run() would abort QGIS
            self.error = OneMapError(self.failure[0].format(exc), self.failure[1].format(exc))
            QgsMessageLog.logMessage(mask(traceback.format_exc()), "OneMap", Qgis.MessageLevel.Critical)
            return False

    def cancelled(self):
        return self.feedback.isCanceled()

    def cancel(self):
        self.feedback.cancel()
        super().cancel()


class VerifyTask(WorkTask):
    """core.check.engine.verify of one plan; a cancelled run writes nothing."""

    def __init__(self, plan, onemap, ruleset, output, kind=None, previous=None, as_of=None, change=""):
        super().__init__(tr("OneMap verification"),
                         failure=("核对中断（内部错误）：{}", "Verification stopped (internal error): {}"))
        self.args = dict(plan_path=plan, onemap_path=onemap, ruleset=ruleset, output=output, kind=kind,
                         transform_context=QgsProject.instance().transformContext(), previous=previous,
                         as_of=as_of, change=change)

    def work(self, feedback):
        return verify(feedback=feedback, **self.args)
