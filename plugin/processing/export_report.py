"""onemap:exportreport — the check report (PDF, HTML or XLSX) from a findings GeoPackage."""
from qgis.core import (QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingParameterFile,
                       QgsProcessingParameterFileDestination)

from ..core.compat import FILE_PARAMETER, NO_THREADING
from ..core.errors import OneMapError
from ..core.export.report import export_report
from ..i18n import tr
from .algorithm import GROUPS

HELP = (
    "<p>由核对结果 GeoPackage（onemap:verifyplan 或面板“核对”写出）生成中文核对报告，格式由输出文件扩展名决定："
    "<b>.pdf</b>（A4，字体嵌入，可直接打印签字）、<b>.html</b>、<b>.xlsx</b>（工作表“汇总”“问题清单”“指标”“结论与记录”）。</p>"
    "<p>报告内容：标题（村庄与规划名称）；核对结论（通过/不通过及错误、警告、提示数）；逐条规则的依据条款、结论"
    "（含不适用及原因）、问题数、面积（平方米、亩）；约束性指标（下达与规划，公顷、亩）；问题清单（规则、图斑、面积、"
    "说明，及审查意见与批复文号——若核对结果中有 decisions 表）；运行记录（版本、输入与规则集哈希）；审查人签字栏。"
    "核对结果文件只读不改；报告先写入临时文件再替换，失败时不留残缺文件。</p>"
    "<p><i>Writes the check report in Chinese from a findings GeoPackage as PDF, HTML or XLSX (chosen by the "
    "extension): conclusion, every rule with its clause and status, indicators, every finding with the "
    "reviewer's decision, run record and signature block.</i></p>")


class ExportReportAlgorithm(QgsProcessingAlgorithm):
    def name(self):
        return "exportreport"

    def displayName(self):  # noqa: N802
        return tr("Export check report")

    def group(self):
        return GROUPS["export"]

    def groupId(self):  # noqa: N802
        return "export"

    def shortHelpString(self):  # noqa: N802
        return HELP

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
