"""onemap:exportmapsheets — the styled map sheets of a plan (PDF and PNG) from the print-layout templates."""
from qgis.core import (QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingOutputNumber,
                       QgsProcessingParameterEnum, QgsProcessingParameterFile, QgsProcessingParameterFolderDestination,
                       QgsProcessingParameterString)

from ..core.compat import FILE_PARAMETER, NO_THREADING
from ..core.errors import OneMapError
from ..core.export.mapsheets import PAPERS, export_mapsheets
from ..i18n import tr
from .algorithm import GROUPS
from .parameters import add_source_parameter

HELP = (
    "<p>按出图模板（resources/ 中的 .qpt，A3 或 A1，横竖版按规划范围形状自动选择）为规划成果输出成套图件，"
    "每幅同时写出 PDF 与 PNG：</p><ul><li>01 国土空间用途规划图（用地用海，附录B 配色）；</li>"
    "<li>02 三条控制线图（控制线叠加村域范围与淡化的用地底图；规划自带控制线时用规划的，否则用一张图的）；</li>"
    "<li>03 规划分区图（规划或一张图有规划分区时）；</li>"
    "<li>04 一张图核对成果图（给出核对结果时：问题图斑标注规则编号与面积）。</li></ul>"
    "<p>每幅图含图名、图框、图例（只列本图出现的类别，按代码顺序，不列“代码未列出”，不出现文件名）、数字比例尺与"
    "以“米”为单位的直线比例尺、指北针、“2000国家大地坐标系”注记、编制单位与日期；中文字体嵌入 PDF。"
    "规划含多个村时，每村一套（文件名以村名开头）。暂定符号只在脚注中说明一次；设置了省级样式目录时不再注明。"
    "输入只读；每个文件先写入临时文件再替换。</p>"
    "<p>图幅 PAPER：0 = A3（默认），1 = A1（qgis_process 中写 PAPER=0 或 PAPER=1）。</p>"
    "<p><i>PAPER: 0 = A3 (default), 1 = A1 (qgis_process: PAPER=0 or PAPER=1). Writes the plan's map sheets (land use, control lines, planning zones, check results) as PDF and "
    "PNG per village from the A3/A1 templates, with a legend of the classes on the sheet, scales, north "
    "arrow, CGCS2000 note, compiler and date.</i></p>")


class ExportMapSheetsAlgorithm(QgsProcessingAlgorithm):
    def name(self):
        return "exportmapsheets"

    def displayName(self):  # noqa: N802
        return tr("Export map sheets")

    def group(self):
        return GROUPS["export"]

    def groupId(self):  # noqa: N802
        return "export"

    def shortHelpString(self):  # noqa: N802
        return HELP

    def flags(self):
        return super().flags() | NO_THREADING     # print layouts are rendered on the main thread

    def createInstance(self):  # noqa: N802
        return ExportMapSheetsAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802
        add_source_parameter(self, "PLAN", tr("Plan under review (village or detailed plan)"))
        add_source_parameter(self, "ONEMAP", tr("One map (master plan)"))
        self.addParameter(QgsProcessingParameterFile("FINDINGS", tr("Findings GeoPackage"), FILE_PARAMETER,
                                                     fileFilter="GeoPackage (*.gpkg)", optional=True))
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", tr("Output folder")))
        self.addParameter(QgsProcessingParameterEnum("PAPER", tr("Paper size"), list(PAPERS), defaultValue=0))
        self.addParameter(QgsProcessingParameterString("TITLE", tr("Title (default: village name and plan kind)"),
                                                       optional=True))
        self.addParameter(QgsProcessingParameterString("COMPILER", tr("Compiler (编制单位)"), optional=True))
        self.addParameter(QgsProcessingParameterString("DATE", tr("Date"), optional=True))
        self.addOutput(QgsProcessingOutputNumber("SHEETS", tr("Sheets written")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        output = self.parameterAsString(parameters, "OUTPUT", context)
        try:
            written = export_mapsheets(
                self.parameterAsFile(parameters, "PLAN", context), self.parameterAsFile(parameters, "ONEMAP", context),
                output, self.parameterAsFile(parameters, "FINDINGS", context) or None,
                PAPERS[self.parameterAsEnum(parameters, "PAPER", context)],
                self.parameterAsString(parameters, "TITLE", context),
                self.parameterAsString(parameters, "COMPILER", context),
                self.parameterAsString(parameters, "DATE", context), feedback)
        except OneMapError as exc:
            raise QgsProcessingException(str(exc))
        for sheet in written:
            for path in sheet.files:
                feedback.pushInfo(path)
        return {"OUTPUT": output, "SHEETS": len(written)}
