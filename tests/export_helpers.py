"""Reading exports back: PDF text and fonts (poppler-utils), page pixels, XLSX/GPKG sheets (GDAL)."""
import shutil
import subprocess
import zipfile
from xml.etree import ElementTree

import pytest
from osgeo import gdal

SPREADSHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATION = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _poppler(tool):
    if shutil.which(tool) is None:
        pytest.fail("{} missing: poppler-utils is installed by tools/bootstrap.sh (make deps)".format(tool))
    return tool


def pdf_text(path):
    """The PDF's text in drawing order, as a reader searching or copying it gets it."""
    done = subprocess.run([_poppler("pdftotext"), "-raw", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def pdf_layout_lines(path):
    """The PDF's lines as printed, columns side by side (pdftotext -layout): where a table cell's text broke."""
    done = subprocess.run([_poppler("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True)
    return done.stdout.decode("utf-8").splitlines()


def radicals(text):
    """Kangxi / CJK radicals in the text: a PDF font that maps 一 to ⼀ breaks search and copy."""
    return [c for c in text if 0x2E80 <= ord(c) <= 0x2FDF]


def chinese_fonts(fonts):
    return [name for name, _type, _embedded in fonts if "WenQuanYi" in name or "CJK" in name]


def pdf_fonts(path):
    """[(name, type, embedded)] from pdffonts."""
    done = subprocess.run([_poppler("pdffonts"), str(path)], capture_output=True, check=True, text=True)
    fonts = []
    for line in done.stdout.splitlines()[2:]:
        parts = line.split()
        emb_index = next(i for i, p in enumerate(parts) if p in ("yes", "no") and i > 1)
        fonts.append((parts[0], " ".join(parts[1:emb_index - 1]), parts[emb_index] == "yes"))
    return fonts


def pdf_page_texts(path):
    """The text of each page, in order."""
    return [subprocess.run([_poppler("pdftotext"), "-raw", "-f", str(n), "-l", str(n), str(path), "-"],
                           capture_output=True, check=True).stdout.decode("utf-8")
            for n in range(1, pdf_pages(path) + 1)]


def pdf_words(path):
    """[(page number, xMin, xMax, word)] with the page's width: where each word is drawn (pdftotext -bbox)."""
    done = subprocess.run([_poppler("pdftotext"), "-bbox", str(path), "-"], capture_output=True, check=True)
    words, page, width = [], 0, 0.0
    for line in done.stdout.decode("utf-8").splitlines():
        line = line.strip()
        if line.startswith("<page "):
            page += 1
            width = float(line.split('width="')[1].split('"')[0])
        elif line.startswith("<word "):
            x_min = float(line.split('xMin="')[1].split('"')[0])
            x_max = float(line.split('xMax="')[1].split('"')[0])
            words.append((page, width, x_min, x_max, line.split(">", 1)[1].rsplit("<", 1)[0]))
    return words


def pdf_images(path):
    """[(width, height)] of the images the PDF holds (pdfimages -list)."""
    done = subprocess.run([_poppler("pdfimages"), "-list", str(path)], capture_output=True, check=True, text=True)
    return [(int(line.split()[3]), int(line.split()[4])) for line in done.stdout.splitlines()[2:]]


def pdf_pages(path):
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(next(l.split()[-1] for l in done.stdout.splitlines() if l.startswith("Pages:")))


@pytest.fixture(params=["print layout", "text document"])
def pdf_engine(request, monkeypatch):
    """Both ways to the PDF: the print layout's HTML frame (QtWebKit) and, for QGIS builds without
    QtWebKit (Debian 13's 3.40, sid's 3.44), Qt's rich-text layout. Each runs where it can."""
    from plugin.core.export import report_pdf
    if request.param == "text document":
        monkeypatch.setattr(report_pdf, "has_webkit", lambda: False)
    elif not report_pdf.has_webkit():
        pytest.skip("this QGIS has no QtWebKit: the report takes the text-document path")
    return request.param


def render_page(path, target_stem, dpi=50, page=1):
    """Render one PDF page to PNG with pdftoppm; returns the PNG's path."""
    subprocess.run([_poppler("pdftoppm"), "-r", str(dpi), "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", str(path), str(target_stem)], check=True)
    return str(target_stem) + ".png"


def _open(path):
    """A GDAL dataset; an XLSX sheet's first row is always read as its header (GDAL 3.6 reads it lazily
    and only from the config option, so it stays set)."""
    gdal.SetConfigOption("OGR_XLSX_HEADERS", "FORCE")
    return gdal.OpenEx(str(path), gdal.OF_VECTOR)


def sheet_rows(path, sheet):
    """Rows of an XLSX sheet or GeoPackage layer as dicts (GDAL)."""
    dataset = _open(path)
    layer = dataset.GetLayerByName(sheet)
    assert layer is not None, "{} has no sheet/layer {}".format(path, sheet)
    return [feature.items() for feature in layer]


def column_widths(path, sheet):
    """{header: width in digits} of an XLSX sheet's columns as a spreadsheet opens them (its <col> elements,
    the last one that covers a column)."""
    with zipfile.ZipFile(str(path)) as book:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        relation = next(item.get(RELATION + "id") for item in workbook.iter(SPREADSHEET + "sheet")
                        if item.get("name") == sheet)
        targets = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
        target = next(item.get("Target") for item in targets if item.get("Id") == relation)
        columns = ElementTree.fromstring(book.read("xl/" + target)).iter(SPREADSHEET + "col")
        spans = [(int(col.get("min")), int(col.get("max")), float(col.get("width"))) for col in columns]
    dataset = _open(path)                          # kept while its layer is read (GDAL frees it with the dataset)
    definition = dataset.GetLayerByName(sheet).GetLayerDefn()
    headers = [definition.GetFieldDefn(index).GetName() for index in range(definition.GetFieldCount())]
    return {header: [width for low, high, width in spans if low <= number <= high][-1]
            for number, header in enumerate(headers, 1)}


def sheet_names(path):
    dataset = _open(path)
    return [dataset.GetLayer(i).GetName() for i in range(dataset.GetLayerCount())]
