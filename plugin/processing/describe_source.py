"""onemap:describesource — what a plan source holds, as the schema sees it."""
from qgis.core import QgsProcessingException, QgsProcessingOutputNumber, QgsProcessingOutputString

from ..core.errors import OneMapError
from ..core.lifecycle.trail import history_lines
from ..core.read.history import AsOf
from ..core.read.sources import open_source, recognition_lines
from ..i18n import chinese_ui, tr
from .algorithm import OneMapAlgorithm
from .parameters import add_as_of_parameter, add_kind_parameter, add_source_parameter, kind_value


def open_or_fail(path, as_of=None):
    """open_source with the error turned into a QgsProcessingException (clean message, exit 1)."""
    try:
        return open_source(path, as_of)
    except OneMapError as exc:
        raise QgsProcessingException(str(exc))


class DescribeSourceAlgorithm(OneMapAlgorithm):
    GROUP = "data"

    def name(self):
        return "describesource"

    def displayName(self):  # noqa: N802
        return tr("Describe plan source")

    def createInstance(self):  # noqa: N802
        return DescribeSourceAlgorithm()

    def initAlgorithm(self, config=None):  # noqa: N802
        add_source_parameter(self, "SOURCE", tr("Plan source"))
        add_kind_parameter(self)
        add_as_of_parameter(self)
        self.addOutput(QgsProcessingOutputString("KIND_DETECTED", tr("Plan kind")))
        self.addOutput(QgsProcessingOutputNumber("RECOGNISED", tr("Recognised layers")))
        self.addOutput(QgsProcessingOutputString("REPORT", tr("Report")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        as_of = self.parameterAsString(parameters, "AS_OF", context) or None
        source = open_or_fail(self.parameterAsFile(parameters, "SOURCE", context), as_of)
        kind = kind_value(self, parameters, context) or source.guess_kind()
        try:
            lines = recognition_lines(source, kind, chinese_ui()) + history_lines(source, AsOf.parse(as_of))
        except OneMapError as exc:
            raise QgsProcessingException(str(exc))
        for line in lines:
            feedback.pushInfo(line)
        return {"KIND_DETECTED": kind, "RECOGNISED": len(source.recognised), "REPORT": "\n".join(lines)}
