"""onemap:verifyplan — the one-map verification as a Processing algorithm (same engine as the panel)."""

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsProcessingParameterVectorLayer,
    QgsProject,
)

from ..core.check.engine import Cancelled, verify
from ..core.check.ruleset import has_default_ruleset
from ..core.compat import FILE_PARAMETER, POLYGON_SOURCE
from ..core.errors import OneMapError
from ..core.read.layer_source import layer_source
from ..core.read.sources import source_title
from ..core.review import findings_layer
from ..core.review.decisions import run_summary
from ..core.review.layout import STATUS_ZH
from ..i18n import chinese_ui, tr
from .algorithm import OneMapAlgorithm
from .parameters import (KIND_CHOICES, add_as_of_parameter, add_change_parameter, add_kind_parameter,
                         add_source_parameter, change_value, kind_value)


def plan_title(plan, layer_name=""):
    return layer_name or source_title(plan)


class FindingsPostProcessor(QgsProcessingLayerPostProcessorInterface):
    """Makes the loaded result the plan's one findings layer (the earlier one's style and place)."""
    instance = None             # Processing does not own post-processors: keep the last one alive

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        findings_layer.adopt(layer, context.project(), chinese_ui())

    @staticmethod
    def create():
        FindingsPostProcessor.instance = FindingsPostProcessor()
        return FindingsPostProcessor.instance


class VerifyPlanAlgorithm(OneMapAlgorithm):
    GROUP = "check"

    def name(self):
        return "verifyplan"

    def displayName(self):  # noqa: N802
        return tr("Verify plan against the one map")

    def createInstance(self):  # noqa: N802
        return VerifyPlanAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802
        add_source_parameter(self, "PLAN", tr("Plan under review (village or detailed plan)"), optional=True)
        self.addParameter(QgsProcessingParameterVectorLayer(
            "PLAN_LAYER", tr("…or its land-use layer in the project (unsaved edits are checked)"),
            [POLYGON_SOURCE], optional=True))
        add_source_parameter(self, "ONEMAP", tr("One map (master plan)"))
        self.addParameter(QgsProcessingParameterString(
            "RULESET", tr("Rule set (id or .yaml path; empty: default for the plan kind)"), optional=True))
        add_kind_parameter(self, [kind for kind in KIND_CHOICES if not kind or has_default_ruleset(kind)])
        self.addParameter(QgsProcessingParameterFile(
            "PREVIOUS", tr("Previous findings GeoPackage (its reviewer decisions carry over)"),
            FILE_PARAMETER, extension="gpkg", optional=True))
        add_as_of_parameter(self, "AS_OF", tr("Approved plans in the one map as of (version or date; empty: now)"))
        add_change_parameter(self, tr("The plan is a (新编, 修改 …: for the approved-plans rules)"))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", tr("Findings GeoPackage"), "GeoPackage (*.gpkg)"))
        for name, label in (("ERRORS", tr("Errors")), ("WARNINGS", tr("Warnings")), ("INFOS", tr("Notes"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))
        self.addOutput(QgsProcessingOutputString("RUN_ID", tr("Run id")))

    def checkParameterValues(self, parameters, context):  # noqa: N802
        if not parameters.get("PLAN") and not parameters.get("PLAN_LAYER"):
            return False, tr("Give the plan: a source (PLAN) or a project layer (PLAN_LAYER).")
        return super().checkParameterValues(parameters, context)

    def prepareAlgorithm(self, parameters, context, feedback):  # noqa: N802
        """A project layer is copied here, on the main thread, edits included (see core.read.layer_source)."""
        self.plan_source = None
        layer = self.parameterAsVectorLayer(parameters, "PLAN_LAYER", context)
        if layer is not None:
            try:
                self.plan_source = layer_source(layer, context.project() or QgsProject.instance())
            except OneMapError as exc:
                raise QgsProcessingException(str(exc))
        return True

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        plan = self.plan_source or self.parameterAsFile(parameters, "PLAN", context)
        onemap = self.parameterAsFile(parameters, "ONEMAP", context)
        ruleset = self.parameterAsString(parameters, "RULESET", context) or None
        kind = kind_value(self, parameters, context)
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        previous = self.parameterAsFile(parameters, "PREVIOUS", context) or None
        layer_name = self.plan_source.label if self.plan_source is not None else ""
        try:
            result = verify(plan, onemap, ruleset=ruleset, output=output, kind=kind, feedback=feedback,
                            previous=previous, as_of=self.parameterAsString(parameters, "AS_OF", context) or None,
                            change=change_value(self, parameters, context))
        except Cancelled:
            feedback.reportError(tr("Cancelled: nothing was written."))
            return {}
        except OneMapError as exc:
            raise QgsProcessingException(str(exc))
        for outcome in result.outcomes:
            feedback.pushInfo("{} {}（{} 项）{} {}".format(outcome["rule_id"], STATUS_ZH[outcome["status"]],
                                                         outcome["findings"], outcome["title"], outcome["reason"]))
        feedback.pushInfo(run_summary(result, chinese_ui()))
        feedback.pushInfo(tr("Findings written to {}").format(output))
        if context.project() is not None:             # toolbox: load it as the plan's one findings layer
            details = QgsProcessingContext.LayerDetails(findings_layer.layer_name(plan_title(plan, layer_name)),
                                                        context.project(), "findings")
            details.setPostProcessor(FindingsPostProcessor.create())
            context.addLayerToLoadOnCompletion(findings_layer.uri(output), details)
        return {"OUTPUT": output, "ERRORS": result.counts["error"], "WARNINGS": result.counts["warning"],
                "INFOS": result.counts["info"], "RUN_ID": result.record["run_id"]}
