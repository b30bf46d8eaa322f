"""The Chinese user guide: shipped in the ZIP as HTML with its screenshots, opened by the panel's
help button, every section a Processing help link or the table of contents points to present."""
import os
import re
import zipfile

from qgis.PyQt.QtCore import QUrl

from conftest import ROOT
from plugin.core.paths import plugin_version

GUIDE = os.path.join(ROOT, "docs", "guide", "index.md")


def guide_text():
    with open(GUIDE, encoding="utf-8") as handle:
        return handle.read()


def test_every_link_and_image_of_the_guide_resolves():
    text = guide_text()
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', text))
    assert {"install", "load", "verify", "findings", "rulesets", "processing"} <= anchors
    assert set(re.findall(r"\]\(#([^)]+)\)", text)) <= anchors
    images = re.findall(r"!\[[^\]]+\]\(([^)]+)\)", text)
    assert images and all(os.path.isfile(os.path.join(ROOT, "docs", "guide", image)) for image in images), images


def test_zip_ships_the_rendered_guide_with_its_images():
    with zipfile.ZipFile(os.path.join(ROOT, "dist", "onemap-{}.zip".format(plugin_version()))) as archive:
        names = set(archive.namelist())
        page = archive.read("onemap/docs/guide/index.html").decode("utf-8")
    assert '<a id="processing"></a>' in page and "<table>" in page and 'charset="utf-8"' in page
    for image in re.findall(r'<img[^>]* src="([^"]+)"', page):
        assert "onemap/docs/guide/" + image in names, image


def test_help_button_opens_the_guide(qgis_iface, monkeypatch):
    from plugin.gui import guide
    from plugin.gui.dock import OneMapDock
    opened = []

    class Browser:
        @staticmethod
        def openUrl(url):  # noqa: N802
            opened.append(QUrl(url))
            return True
    monkeypatch.setattr(guide, "QDesktopServices", Browser)
    dock = OneMapDock(qgis_iface)
    try:
        dock.help_button.click()
    finally:
        dock.deleteLater()
    assert len(opened) == 1 and opened[0].isLocalFile()
    assert os.path.samefile(opened[0].toLocalFile(), GUIDE)          # a checkout opens the Markdown source
