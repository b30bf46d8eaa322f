"""Open the Chinese user guide in the user's browser: the panel's help button and the plugin menu."""
from qgis.PyQt.QtCore import QUrl
from qgis.PyQt.QtGui import QDesktopServices

from ..core.paths import guide_url


def open_guide(anchor=None):
    """Open the guide (at a section's anchor, e.g. "verify"); False if no browser took it."""
    return QDesktopServices.openUrl(QUrl(guide_url(anchor)))
