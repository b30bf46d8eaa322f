"""onemap:verifyfolder — check every plan in a folder against the one map; findings and a summary in OUTPUT."""
from qgis.core import (QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingOutputNumber,
                       QgsProcessingParameterFile, QgsProcessingParameterFolderDestination,
                       QgsProcessingParameterString)

from ..core.batch import verify_folder
from ..core.compat import FOLDER_PARAMETER
from ..core.errors import OneMapError
from ..i18n import tr
from .algorithm import GROUPS
from .parameters import add_source_parameter

HELP = (
    "<p>批量核对：逐个核对文件夹中的全部规划成果（GeoPackage、.gdb 文件夹、含两个 FileGDB 的成果文件夹、"
    "shapefile 文件夹；OneMap 自己写出的核对结果文件与 summary 汇总"
    "自动跳过），每个成果的核对结果写入输出文件夹（&lt;成果名&gt;_核对结果.gpkg），<b>从不写在成果旁边</b>。</p>"
    "<p>输出文件夹中另写 <b>summary.gpkg</b>（图层 plans：每个成果一行——路径、村庄、核对状态 ok/failed、"
    "核对结论 通过/不通过/失败、失败原因（中文）、错误/警告/提示数、核对结果文件、详细信息（GDAL 原文等），几何为村域范围）"
    "及中文表头的 <b>summary.xlsx</b>（核对结论列为 通过/不通过/失败）。输出文件夹不能是成果文件夹或其中的子文件夹。"
    "无法核对的成果记为“失败”并写明原因，其余照常核对；可查看进度、随时取消（已完成的成果保留在汇总中）。"
    "输入只读。</p>"
    "<p><i>Checks every plan in a folder; one findings GeoPackage per plan and summary.gpkg / summary.xlsx in the "
    "output folder. A broken plan is a failed row; the others go on.</i></p>")


class VerifyFolderAlgorithm(QgsProcessingAlgorithm):
    def name(self):
        return "verifyfolder"

    def displayName(self):  # noqa: N802
        return tr("Verify all plans in a folder")

    def group(self):
        return GROUPS["check"]

    def groupId(self):  # noqa: N802
        return "check"

    def shortHelpString(self):  # noqa: N802
        return HELP

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
        return {"OUTPUT": output, "PLANS": len(rows), "FAILED": sum(1 for row in rows if row["status"] == "failed")}
