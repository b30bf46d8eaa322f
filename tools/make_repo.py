"""`make repo`: an internal QGIS plugin repository — plugins.xml plus the plugin ZIP — in the format
QGIS's plugin manager (pyplugin_installer) reads from a file:// or intranet http(s):// URL.

    usage: python3 tools/make_repo.py dist/onemap-X.zip OUT_DIR BASE_URL

BASE_URL is where OUT_DIR's files will be served from (e.g. http://gis.bureau.local/qgis-plugins);
download_url and icon in plugins.xml are absolute URLs under it, as the plugin manager needs. Every
field comes from the metadata.txt inside the ZIP, so the listing cannot disagree with the plugin.
"""
import configparser
import os
import shutil
import sys
import tempfile
import zipfile
from datetime import datetime, timezone
from xml.etree import ElementTree

PLUGIN = "onemap"           # the folder in the ZIP; pyplugin_installer takes it from file_name up to the first dot


def zip_metadata(path):
    """The [general] section of the ZIP's metadata.txt and the bytes of its icon (or None)."""
    with zipfile.ZipFile(path) as archive:
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(archive.read("{}/metadata.txt".format(PLUGIN)).decode("utf-8"))
        meta = parser["general"]
        icon = archive.read("{}/{}".format(PLUGIN, meta["icon"])) if meta.get("icon") else None
    return meta, icon


def plugins_xml(meta, file_name, base_url, icon_name, stamp):
    root = ElementTree.Element("plugins")
    plugin = ElementTree.SubElement(root, "pyqgis_plugin", name=meta["name"], version=meta["version"])
    fields = {
        "description": meta.get("description"), "about": meta.get("about"), "version": meta["version"],
        "qgis_minimum_version": meta.get("qgisMinimumVersion"), "qgis_maximum_version": meta.get("qgisMaximumVersion"),
        "homepage": meta.get("homepage"), "tracker": meta.get("tracker"), "repository": meta.get("repository"),
        "file_name": file_name, "download_url": "{}/{}".format(base_url, file_name),
        "icon": "{}/{}".format(base_url, icon_name) if icon_name else None,
        "author_name": meta.get("author"), "author_email": meta.get("email"), "uploaded_by": meta.get("author"),
        "create_date": stamp, "update_date": stamp, "category": meta.get("category"), "tags": meta.get("tags"),
        "changelog": meta.get("changelog"), "experimental": meta.get("experimental", "False"),
        "deprecated": meta.get("deprecated", "False"), "trusted": "False", "server": "False",
    }
    for tag, value in fields.items():
        if value:
            ElementTree.SubElement(plugin, tag).text = value
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_atomically(path, data):
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def make_repo(zip_path, out_dir, base_url):
    meta, icon = zip_metadata(zip_path)
    base_url = base_url.rstrip("/")
    os.makedirs(out_dir, exist_ok=True)
    file_name = "{}.{}.zip".format(PLUGIN, meta["version"])
    shutil.copyfile(zip_path, os.path.join(out_dir, ".tmp-" + file_name))
    os.replace(os.path.join(out_dir, ".tmp-" + file_name), os.path.join(out_dir, file_name))
    icon_name = None
    if icon is not None:
        icon_name = PLUGIN + os.path.splitext(meta["icon"])[1]
        write_atomically(os.path.join(out_dir, icon_name), icon)
    stamp = datetime.fromtimestamp(os.path.getmtime(zip_path), timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    xml = plugins_xml(meta, file_name, base_url, icon_name, stamp)
    write_atomically(os.path.join(out_dir, "plugins.xml"), xml.encode("utf-8"))   # last: the listing goes live
    return os.path.join(out_dir, "plugins.xml")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    print(make_repo(*sys.argv[1:]))
