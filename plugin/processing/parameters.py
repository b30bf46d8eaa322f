"""Parameters the onemap algorithms share: a plan source and the plan kind."""
from qgis.core import QgsProcessingParameterEnum, QgsProcessingParameterFile, QgsProcessingParameterString

from ..core.compat import FILE_PARAMETER
from ..core.lifecycle.changes import CHANGES
from ..core.read.schema import schema
from ..i18n import tr

KIND_CHOICES = ["", "onemap", "village", "detailed"]     # index 0: detect from the layers


def add_source_parameter(algorithm, name, description, optional=False):
    """A plan source: a .gpkg, a .gdb folder, a shapefile folder (type the path), or a PG:/pgconn: string."""
    algorithm.addParameter(QgsProcessingParameterFile(
        name, description, FILE_PARAMETER, fileFilter="GeoPackage (*.gpkg);;Shapefile (*.shp);;All files (*)",
        optional=optional))


def add_kind_parameter(algorithm, kinds=KIND_CHOICES):
    """The KIND enum over `kinds` (index 0: detect); kind_value reads it back through the same list."""
    algorithm.kind_choices = list(kinds)
    labels = [tr("Detect from the layers")] + [
        "{} / {}".format(schema().kinds[k]["zh"], schema().kinds[k]["en"]) for k in kinds[1:]]
    algorithm.addParameter(QgsProcessingParameterEnum("KIND", tr("Plan kind"), labels, defaultValue=0, optional=True))


def kind_value(algorithm, parameters, context):
    """The chosen plan kind, or None to detect it from the layers."""
    return algorithm.kind_choices[algorithm.parameterAsEnum(parameters, "KIND", context)] or None


def add_as_of_parameter(algorithm, name="AS_OF", description=None):
    """The one map as of a version (3, v3) or a date (2024-05-01); empty: as it is now (core.read.history)."""
    algorithm.addParameter(QgsProcessingParameterString(
        name, description or tr("One map as of (version or date; empty: now)"), optional=True))


def add_change_parameter(algorithm, description):
    """What a plan declares itself (新编, 修改 …): an optional enum over lifecycle.changes.CHANGES."""
    algorithm.addParameter(QgsProcessingParameterEnum("CHANGE", description, list(CHANGES), optional=True))


def change_value(algorithm, parameters, context):
    """The declared change, or '' when the parameter is not given."""
    if parameters.get("CHANGE") in (None, ""):
        return ""
    return CHANGES[algorithm.parameterAsEnum(parameters, "CHANGE", context)]
