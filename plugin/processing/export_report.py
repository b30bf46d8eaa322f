"""onemap:exportreport — the check report (PDF, HTML or XLSX) from a findings GeoPackage."""
from qgis.core import (QgsProcessingException, QgsProcessingParameterFile,
                       QgsProcessingParameterFileDestination)

from ..core.compat import FILE_PARAMETER, NO_THREADING
from ..core.errors import OneMapError
from ..core.export.report import export_report
from ..i18n import tr
from .algorithm import OneMapAlgorithm


class ExportReportAlgorithm(OneMapAlgorithm):
    GROUP = "export"

    def name(self):
        return "exportreport"

    def displayName(self):  # noqa: N802
        return tr("Export check report")

    def flags(self):
        return super().flags() | NO_THREADING     # the PDF's HTML frame is rendered by Qt WebKit: main thread

    def createInstance(self):  # noqa: N802
        return ExportReportAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("FINDINGS", tr("Findings GeoPackage"), FILE_PARAMETER,
                                                     fileFilter="GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", tr("Report (.pdf, .html or .xlsx)"), "PDF (*.pdf);;HTML (*.html);;Excel (*.xlsx)"))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        findings = self.parameterAsFile(parameters, "FINDINGS", context)
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        try:
            report = export_report(findings, output)
        except OneMapError as exc:
            raise QgsProcessingException(str(exc))
        feedback.pushInfo("{}：{}".format(report.village, report.verdict))
        feedback.pushInfo(tr("Report written to {}").format(output))
        return {"OUTPUT": output}
