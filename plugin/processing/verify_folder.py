"""onemap:verifyfolder — check every plan in a folder against the one map; findings and a summary in OUTPUT."""
import os

from qgis.core import (
    QgsProcessing,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputVectorLayer,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
)

from ..core.check.batch import SUMMARY_FILE, SUMMARY_LAYER, check_batch, present_summary, verify_folder
from ..core.compat import FOLDER_PARAMETER
from ..core.errors import OneMapError
from ..core.read.sources import ogr_uri
from ..i18n import chinese_ui, tr
from .algorithm import OneMapAlgorithm
from .parameters import add_source_parameter


class SummaryPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Shows the loaded summary as the panel's folder check does (batch.present_summary)."""
    instance = None             # Processing does not own post-processors: keep the last one alive

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        layer.dataProvider().reloadData()             # a layer of this file already on the map is reused as
        layer.reload()                                # it was: it shows the run just made
        present_summary(layer, chinese_ui())

    @staticmethod
    def create():
        SummaryPostProcessor.instance = SummaryPostProcessor()
        return SummaryPostProcessor.instance


class VerifyFolderAlgorithm(OneMapAlgorithm):
    GROUP = "check"

    def name(self):
        return "verifyfolder"

    def displayName(self):  # noqa: N802
        return tr("Verify all plans in a folder")

    def createInstance(self):  # noqa: N802
        return VerifyFolderAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("FOLDER", tr("Folder of plans"), FOLDER_PARAMETER))
        add_source_parameter(self, "ONEMAP", tr("One map (master plan)"))
        self.addParameter(QgsProcessingParameterString(
            "RULESET", tr("Rule set (id or .yaml path; empty: default for the plan kind)"), optional=True))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("Output folder")))
        for name, label in (("PLANS", tr("Plans")), ("FAILED", tr("Plans that could not be checked"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))
        self.addOutput(QgsProcessingOutputVectorLayer("SUMMARY", tr("Batch check summary")))

    def checkParameterValues(self, parameters, context):  # noqa: N802
        """What would fail every plan (folder, one map, rule set, output folder) is refused here, before the
        run: qgis_process then says it once and exits 1, the dialog shows it before anything starts."""
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        output = self.parameterAsString(parameters, "OUTPUT", context)
        try:
            check_batch(self.parameterAsFile(parameters, "FOLDER", context),
                        self.parameterAsFile(parameters, "ONEMAP", context),
                        output if output and output != QgsProcessing.TEMPORARY_OUTPUT else None,
                        self.parameterAsString(parameters, "RULESET", context) or None)
        except OneMapError as exc:
            return False, str(exc)
        return True, ""

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        output = self.parameterAsString(parameters, "OUTPUT", context)
        try:
            rows = verify_folder(self.parameterAsFile(parameters, "FOLDER", context),
                                 self.parameterAsFile(parameters, "ONEMAP", context), output,
                                 self.parameterAsString(parameters, "RULESET", context) or None,
                                 feedback, feedback.pushInfo)
        except OneMapError as exc:
            raise QgsProcessingException(str(exc))
        if feedback.isCanceled():
            feedback.reportError(tr("Cancelled: the summary lists the plans checked so far."))
        summary = ogr_uri(os.path.join(output, SUMMARY_FILE), SUMMARY_LAYER)
        if context.project() is not None:             # toolbox: on the map, as the panel's folder check puts it
            details = QgsProcessingContext.LayerDetails(tr("Batch check summary"), context.project(), "SUMMARY")
            details.forceName = True                  # not the file's layer name, `plans`
            details.setPostProcessor(SummaryPostProcessor.create())
            context.addLayerToLoadOnCompletion(summary, details)
        return {"OUTPUT": output, "SUMMARY": summary, "PLANS": sum(1 for row in rows if row["status"] != "skipped"),
                "FAILED": sum(1 for row in rows if row["status"] == "failed")}
