"""The sources a findings file names — the plan, the one map, the rule set of its run — are a record of
what was checked, not something to open. A findings file may come from anyone: opening the
`PG:host=… port=…` or the network path (\\\\host\\share, //host/share) it names would connect there
with the user's credentials (PGPASSWORD, ~/.pgpass, the Windows logon). Exports never open them
(core.export.report_data); the panel's live re-check opens only what `may_open` allows: a source the
user opened in the project, or a file or folder on this machine.
"""
import os

from ..read import postgis
from ..read.layer_source import CHECKED_AS
from ..read.layer_tree import PROPERTY_SOURCE

NETWORK_PREFIXES = ("//",)          # UNC paths, backslashes read as slashes
VIRTUAL_PREFIX = "/vsi"             # GDAL's virtual file systems (/vsicurl/, /vsis3/ …) fetch from servers


def is_local(label):
    """Whether `label` is an existing file or folder on this machine; decided without touching the
    network (a UNC path is never looked up)."""
    text = str(label or "")
    slashed = text.replace("\\", "/")
    if not text or postgis.is_postgis(text) or slashed.startswith(NETWORK_PREFIXES) or \
            slashed.lower().startswith(VIRTUAL_PREFIX):
        return False
    return os.path.exists(text)


def opened_in(label, project):
    """Whether a layer of `project` was loaded from the source `label`, or checked as it."""
    return bool(label) and any(label in (layer.customProperty(PROPERTY_SOURCE), layer.customProperty(CHECKED_AS))
                               for layer in project.mapLayers().values())


def may_open(label, project):
    """Whether a source a findings file names may be opened: the user opened it in `project`, or it is local."""
    return opened_in(label, project) or is_local(label)
