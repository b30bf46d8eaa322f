"""Where the plugin's files are, in a repository checkout and in the installed ZIP alike.

The ZIP (``make package``) puts ``resources/`` and ``styles/`` inside the plugin folder; in the
repository they sit beside ``plugin/``. Every lookup goes through here.
"""
import os

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(PLUGIN_DIR, "data")


def _beside_or_inside(name):
    inside = os.path.join(PLUGIN_DIR, name)
    return inside if os.path.isdir(inside) else os.path.join(os.path.dirname(PLUGIN_DIR), name)


RESOURCES_DIR = _beside_or_inside("resources")
STYLES_DIR = _beside_or_inside("styles")
GUIDE_DIR = os.path.join(_beside_or_inside("docs"), "guide")


def guide_url(anchor=None):
    """file:// URL of the Chinese user guide (at a section's anchor): the HTML `make build` renders
    into the ZIP, or in a checkout its Markdown source."""
    from qgis.PyQt.QtCore import QUrl
    html = os.path.join(GUIDE_DIR, "index.html")
    url = QUrl.fromLocalFile(html if os.path.isfile(html) else os.path.join(GUIDE_DIR, "index.md"))
    if anchor:
        url.setFragment(anchor)
    return url.toString()


def data_path(*parts):
    return os.path.join(DATA_DIR, *parts)


def metadata_path():
    inside = os.path.join(PLUGIN_DIR, "metadata.txt")
    return inside if os.path.isfile(inside) else os.path.join(os.path.dirname(PLUGIN_DIR), "metadata.txt")


def plugin_version():
    """The version from metadata.txt (one source of truth for the run record and the ZIP name)."""
    import configparser
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(metadata_path(), encoding="utf-8")
    return parser.get("general", "version", fallback="0")
