"""onemap:mergeplan — an approved plan into the one map (批复后纳入一张图), with its history."""
from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
)

from ..core.compat import DATE_PARAMETER, FILE_PARAMETER
from ..core.errors import OneMapError
from ..core.lifecycle.changes import CHANGES
from ..core.lifecycle.merge import merge_plan
from ..i18n import tr
from .algorithm import OneMapAlgorithm
from .parameters import add_source_parameter


class MergePlanAlgorithm(OneMapAlgorithm):
    GROUP = "lifecycle"

    def name(self):
        return "mergeplan"

    def displayName(self):  # noqa: N802
        return tr("Merge an approved plan into the one map")

    def createInstance(self):  # noqa: N802
        return MergePlanAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802
        add_source_parameter(self, "PLAN", tr("Approved plan (as checked)"))
        self.addParameter(QgsProcessingParameterFile("FINDINGS", tr("Findings GeoPackage of its check (passed)"),
                                                     FILE_PARAMETER, fileFilter="GeoPackage (*.gpkg)"))
        add_source_parameter(self, "ONEMAP", tr("One map (GeoPackage or PostGIS schema, updated in place)"))
        self.addParameter(QgsProcessingParameterString("APPROVAL_NO", tr("Approval document number (批复文号)")))
        self.addParameter(QgsProcessingParameterDateTime("APPROVED_ON", tr("Approval date"), DATE_PARAMETER))
        self.addParameter(QgsProcessingParameterEnum("CHANGE", tr("Kind of change"), list(CHANGES)))
        self.addParameter(QgsProcessingParameterBoolean("DRY_RUN", tr("Dry run: report what would change, write "
                                                                      "nothing"), defaultValue=False))
        self.addParameter(QgsProcessingParameterString("REVIEWER", tr("Merged by (default: the system user)"),
                                                       optional=True))
        for name, label in (("VERSION", tr("Version")), ("ADDED", tr("Parcels added")),
                            ("CLOSED", tr("Approved parcels ended"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))
        self.addOutput(QgsProcessingOutputString("REPORT", tr("Report")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        try:
            result = merge_plan(
                self.parameterAsFile(parameters, "PLAN", context), self.parameterAsFile(parameters, "FINDINGS", context),
                self.parameterAsFile(parameters, "ONEMAP", context),
                self.parameterAsString(parameters, "APPROVAL_NO", context),
                self.parameterAsDateTime(parameters, "APPROVED_ON", context).date(),
                self.parameterAsEnum(parameters, "CHANGE", context),
                dry_run=self.parameterAsBool(parameters, "DRY_RUN", context),
                reviewer=self.parameterAsString(parameters, "REVIEWER", context), feedback=feedback,
                transform_context=context.transformContext())
        except OneMapError as exc:
            raise QgsProcessingException(str(exc))
        lines = result.lines()
        for line in lines:
            feedback.pushInfo(line)
        return {"VERSION": result.version, "ADDED": len(result.added), "CLOSED": len(result.replaced),
                "REPORT": "\n".join(lines)}
