"""onemap:exporttrail — the one map's versions and its trail (全过程留痕) as a workbook."""
from qgis.core import QgsProcessingException, QgsProcessingOutputNumber, QgsProcessingParameterFileDestination

from ..core.errors import OneMapError
from ..core.lifecycle.trail import export_trail
from ..i18n import tr
from .algorithm import OneMapAlgorithm
from .parameters import add_source_parameter


class ExportTrailAlgorithm(OneMapAlgorithm):
    GROUP = "lifecycle"

    def name(self):
        return "exporttrail"

    def displayName(self):  # noqa: N802
        return tr("Export the one map's trail")

    def createInstance(self):  # noqa: N802
        return ExportTrailAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802
        add_source_parameter(self, "ONEMAP", tr("One map"))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", tr("Trail workbook (.xlsx)"), "Excel (*.xlsx)"))
        for name, label in (("VERSIONS", tr("Versions")), ("EVENTS", tr("Trail entries"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        onemap = self.parameterAsFile(parameters, "ONEMAP", context)
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        try:
            versions, events = export_trail(onemap, output)
        except OneMapError as exc:
            raise QgsProcessingException(str(exc))
        feedback.pushInfo(tr("{} versions, {} trail entries written to {}").format(len(versions), len(events), output))
        return {"OUTPUT": output, "VERSIONS": len(versions), "EVENTS": len(events)}
