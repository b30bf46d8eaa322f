"""onemap:compareplans — two plans, or the one map at two versions or dates, compared (对比分析)."""
from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)

from ..core.compat import NO_THREADING
from ..core.errors import OneMapError
from ..core.lifecycle.compare import compare
from ..core.lifecycle.compare_report import export_sheet, write_xlsx
from ..i18n import tr
from .algorithm import OneMapAlgorithm
from .parameters import add_as_of_parameter, add_source_parameter


class ComparePlansAlgorithm(OneMapAlgorithm):
    GROUP = "lifecycle"

    def name(self):
        return "compareplans"

    def displayName(self):  # noqa: N802
        return tr("Compare two plans or one-map versions")

    def flags(self):
        return super().flags() | NO_THREADING     # the map sheet is a print layout: main thread

    def createInstance(self):  # noqa: N802
        return ComparePlansAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802
        add_source_parameter(self, "OLD", tr("Before: a plan, or the one map"))
        add_as_of_parameter(self, "OLD_AS_OF", tr("Before: the one map as of (version or date; empty: now)"))
        add_source_parameter(self, "NEW", tr("After: a plan, or the one map"))
        add_as_of_parameter(self, "NEW_AS_OF", tr("After: the one map as of (version or date; empty: now)"))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", tr("Comparison GeoPackage"),
                                                                "GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterFileDestination("REPORT", tr("Comparison workbook (.xlsx)"),
                                                                "Excel (*.xlsx)", optional=True,
                                                                createByDefault=False))
        self.addParameter(QgsProcessingParameterFileDestination("SHEET", tr("Map sheet 规划调整对比图 (.pdf, PNG beside)"),
                                                                "PDF (*.pdf)", optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterString("TITLE", tr("Title of the map sheet"), optional=True))
        self.addParameter(QgsProcessingParameterString("COMPILER", tr("Compiler (编制单位)"), optional=True))
        for name, label in (("CHANGES", tr("Pieces of change")), ("ADDED_M2", tr("Added (m²)")),
                            ("REMOVED_M2", tr("Removed (m²)")), ("CHANGED_M2", tr("Use changed (m²)"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        report = self.parameterAsFileOutput(parameters, "REPORT", context) if parameters.get("REPORT") else ""
        sheet = self.parameterAsFileOutput(parameters, "SHEET", context) if parameters.get("SHEET") else ""
        try:
            result = compare(self.parameterAsFile(parameters, "OLD", context),
                             self.parameterAsFile(parameters, "NEW", context), output,
                             self.parameterAsString(parameters, "OLD_AS_OF", context) or None,
                             self.parameterAsString(parameters, "NEW_AS_OF", context) or None,
                             context.transformContext())
            written = [result.output] + ([write_xlsx(result, report)] if report else []) + \
                (export_sheet(result, sheet, title=self.parameterAsString(parameters, "TITLE", context),
                              compiler=self.parameterAsString(parameters, "COMPILER", context)) if sheet else [])
        except OneMapError as exc:
            raise QgsProcessingException(str(exc))
        feedback.pushInfo(tr("{} — {}: added {:.2f} m², removed {:.2f} m², use changed {:.2f} m²").format(
            result.old.name, result.new.name, result.total("added"), result.total("removed"), result.total("changed")))
        for path in written:
            feedback.pushInfo(path)
        outputs = {"OUTPUT": result.output, "CHANGES": len(result.changes), "ADDED_M2": result.total("added"),
                   "REMOVED_M2": result.total("removed"), "CHANGED_M2": result.total("changed")}
        if report:
            outputs["REPORT"] = report
        if sheet:
            outputs["SHEET"] = sheet
        return outputs
