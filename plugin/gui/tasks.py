"""The verification as a QgsTask: progress and cancel for the panel; the engine does the work."""
import traceback

from qgis.core import Qgis, QgsFeedback, QgsMessageLog, QgsProject, QgsTask

from ..core.check.engine import Cancelled, verify
from ..core.errors import OneMapError
from ..core.secrets import mask
from ..i18n import tr


class VerifyTask(QgsTask):
    """Runs core.check.engine.verify off the main thread; a cancelled run writes nothing."""

    def __init__(self, plan, onemap, ruleset, output, kind=None, previous=None, as_of=None, change=""):
        super().__init__(tr("OneMap verification"), QgsTask.Flag.CanCancel)
        self.args = dict(plan_path=plan, onemap_path=onemap, ruleset=ruleset, output=output, kind=kind,
                         transform_context=QgsProject.instance().transformContext(), previous=previous,
                         as_of=as_of, change=change)
        self.feedback = QgsFeedback()
        self.feedback.progressChanged.connect(self.setProgress)
        self.result = None
        self.error = None

    def run(self):
        try:
            self.result = verify(feedback=self.feedback, **self.args)
            return True
        except Cancelled:
            return False
        except OneMapError as exc:
            self.error = exc
            return False
        except Exception as exc:  # noqa: BLE001 — an exception escaping run() would abort QGIS
            self.error = OneMapError("核对中断（内部错误）：{}".format(exc), "Verification stopped (internal error): {}".format(exc))
            QgsMessageLog.logMessage(mask(traceback.format_exc()), "OneMap", Qgis.MessageLevel.Critical)
            return False

    def cancel(self):
        self.feedback.cancel()
        super().cancel()
