"""The Processing provider "onemap": every capability of the panel as an algorithm."""
import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..core.paths import RESOURCES_DIR, plugin_version
from .compare_plans import ComparePlansAlgorithm
from .describe_source import DescribeSourceAlgorithm
from .export_mapsheets import ExportMapSheetsAlgorithm
from .export_report import ExportReportAlgorithm
from .export_trail import ExportTrailAlgorithm
from .load_plan import LoadPlanAlgorithm
from .merge_plan import MergePlanAlgorithm
from .verify_folder import VerifyFolderAlgorithm
from .verify_plan import VerifyPlanAlgorithm


class OneMapProvider(QgsProcessingProvider):
    def id(self):
        return "onemap"

    def name(self):
        return "OneMap 国土空间规划一张图"

    def longName(self):  # noqa: N802
        return "{} {}".format(self.name(), plugin_version())

    def icon(self):
        return QIcon(os.path.join(RESOURCES_DIR, "icon.svg"))

    def loadAlgorithms(self):  # noqa: N802
        for algorithm in (DescribeSourceAlgorithm(), LoadPlanAlgorithm(), VerifyPlanAlgorithm(),
                          ExportReportAlgorithm(), ExportMapSheetsAlgorithm(), VerifyFolderAlgorithm(),
                          MergePlanAlgorithm(), ComparePlansAlgorithm(), ExportTrailAlgorithm()):
            self.addAlgorithm(algorithm)
