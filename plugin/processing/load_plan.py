"""onemap:loadplan — load a plan source into the project, exactly as the panel's Load button does."""
from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
)

from ..core.compat import NO_THREADING
from ..core.errors import OneMapError
from ..core.read.loading import load_source
from ..i18n import tr
from .algorithm import OneMapAlgorithm
from .parameters import add_as_of_parameter, add_kind_parameter, add_source_parameter, kind_value


class LoadPlanAlgorithm(OneMapAlgorithm):
    GROUP = "data"

    def name(self):
        return "loadplan"

    def displayName(self):  # noqa: N802
        return tr("Load plan with official styles")

    def flags(self):
        return super().flags() | NO_THREADING     # it changes the project

    def createInstance(self):  # noqa: N802
        return LoadPlanAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802
        add_source_parameter(self, "SOURCE", tr("Plan source"))
        add_kind_parameter(self)
        self.addParameter(QgsProcessingParameterBoolean("LABELS", tr("Label codes and names"), defaultValue=False))
        add_as_of_parameter(self)
        self.addOutput(QgsProcessingOutputNumber("LOADED", tr("Layers loaded")))
        self.addOutput(QgsProcessingOutputNumber("FAILED", tr("Layers that failed to open")))
        self.addOutput(QgsProcessingOutputString("GROUP", tr("Layer group")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        project = context.project()
        if project is None:
            raise QgsProcessingException(tr("Loading layers needs a QGIS project."))
        try:
            report = load_source(self.parameterAsFile(parameters, "SOURCE", context), project,
                                 kind_value(self, parameters, context),
                                 self.parameterAsBool(parameters, "LABELS", context),
                                 self.parameterAsString(parameters, "AS_OF", context) or None)
        except OneMapError as exc:
            raise QgsProcessingException(str(exc))
        for name, error in report.failed:
            feedback.reportError("{}: {}".format(name, error))
        for layer in report.source.unknown:
            feedback.pushInfo(tr("Not loaded: {} — {}").format(layer.name, layer.problem))
        return {"LOADED": len(report.loaded), "FAILED": len(report.failed), "GROUP": report.group_name}
