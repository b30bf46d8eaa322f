"""onemap:exportmapsheets — the styled map sheets of a plan (PDF and PNG) from the print-layout templates."""
from qgis.core import (QgsProcessingException, QgsProcessingOutputNumber,
                       QgsProcessingParameterEnum, QgsProcessingParameterFile, QgsProcessingParameterFolderDestination,
                       QgsProcessingParameterString)

from ..core.compat import FILE_PARAMETER, NO_THREADING
from ..core.errors import OneMapError
from ..core.export.mapsheets import PAPERS, export_mapsheets
from ..i18n import tr
from .algorithm import OneMapAlgorithm
from .parameters import add_source_parameter


class ExportMapSheetsAlgorithm(OneMapAlgorithm):
    GROUP = "export"

    def name(self):
        return "exportmapsheets"

    def displayName(self):  # noqa: N802
        return tr("Export map sheets")

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
