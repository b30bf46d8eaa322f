"""A province style is only a look (issue 18): nothing in a QML fetches, reads or runs — shown against a
local listener — while its look still applies. Each vector is first shown to be real: the same QML
imported without sanitising does fetch (or draw the outside file)."""
import base64
import contextlib
from html import escape
import http.server
import threading

import pytest
from qgis.core import (QgsApplication, QgsCentroidFillSymbolLayer, QgsFeature, QgsFillSymbol, QgsGeometry, QgsMapLayer,
                       QgsMapRendererParallelJob, QgsMapSettings, QgsMarkerSymbol, QgsPalLayerSettings, QgsProperty,
                       QgsRasterFillSymbolLayer, QgsRectangle, QgsSimpleFillSymbolLayer, QgsSingleSymbolRenderer,
                       QgsSVGFillSymbolLayer,
                       QgsSvgMarkerSymbolLayer, QgsSymbolLayer, QgsTextBackgroundSettings, QgsTextFormat,
                       QgsVectorLayer, QgsVectorLayerSimpleLabeling)
from qgis.PyQt.QtCore import QCoreApplication, QSize
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtXml import QDomDocument

from conftest import sample

LOOK = (12, 34, 56)                  # the hostile style's own fill: it must still be drawn
RED = (255, 0, 0)                    # the SVG outside the style folder: it must not be drawn
FORM = """
  <editorlayout>tablayout</editorlayout>
  <attributeEditorForm>
   <attributeEditorContainer name="tab" showLabel="1" visibilityExpressionEnabled="0" columnCount="1" groupBox="0"
    visibilityExpression="">
    <attributeEditorHtmlElement name="html" showLabel="1">&lt;img src="@URL@/html.png"&gt;&lt;script&gt;var r = new
     XMLHttpRequest(); r.open("GET", "@URL@/script", false); r.send();&lt;/script&gt;</attributeEditorHtmlElement>
    <attributeEditorQmlElement name="qml" showLabel="1">import QtQuick 2.0
Item { Component.onCompleted: { var r = new XMLHttpRequest(); r.open("GET", "@URL@/qml"); r.send(); } }</attributeEditorQmlElement>
   </attributeEditorContainer>
  </attributeEditorForm>
  <fieldConfiguration><field name="BZ"><editWidget type="WebView"><config><Option/></config></editWidget></field>
  </fieldConfiguration>
  <mapTip>&lt;img src="@URL@/maptip.png"&gt;</mapTip>
  <previewExpression>env('HOME')</previewExpression>
  <expressionfields><field expression="sqlite_fetch_and_increment('@DB@','t','id','k','v',map())" name="v"
   type="2" typeName="integer" length="0" precision="0" comment="" subType="0"/></expressionfields>
"""


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.server.seen.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


class Listener:
    """A local HTTP server recording the paths asked for."""

    def __init__(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.seen = self.seen = []
        self.url = "http://127.0.0.1:{}".format(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def settle(self, until=None, rounds=150):
        """Let queued requests arrive: events processed until the paths `until` came, or — to show that
        nothing comes — until our own /canary request was answered and QGIS's task manager is idle."""
        from qgis.core import QgsNetworkAccessManager
        from qgis.PyQt.QtCore import QUrl
        from qgis.PyQt.QtNetwork import QNetworkRequest
        if until is None:
            QgsNetworkAccessManager.instance().blockingGet(QNetworkRequest(QUrl(self.url + "/canary")))
        for _ in range(rounds):
            QCoreApplication.processEvents()
            if until is not None and until <= set(self.seen):
                return
            if until is None and not QgsApplication.taskManager().countActiveTasks():
                return
            threading.Event().wait(0.02)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def counter_db(path):
    """A SQLite file that sqlite_fetch_and_increment() would write to; returns its rows."""
    import sqlite3
    with contextlib.closing(sqlite3.connect(str(path))) as db:
        db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, k TEXT, v INTEGER)")
        db.commit()
        return db.execute("SELECT * FROM t").fetchall()


def square_layer():
    layer = QgsVectorLayer("Polygon?crs=EPSG:4546&field=BZ:string", "p", "memory")
    feature = QgsFeature(layer.fields())
    feature.setGeometry(QgsGeometry.fromWkt("POLYGON((0 0,100 0,100 100,0 100,0 0))"))
    feature["BZ"] = "x"
    layer.dataProvider().addFeatures([feature])
    return layer


def hostile_qml(folder, url):
    """A QML whose look is a (12,34,56) fill, carrying every vector: remote SVG and raster fills, a
    data-defined SVG name, an SVG outside the folder, an embedded SVG linking out, a label with env(),
    HTML (an <img> there with a URL hangs QGIS 3.22's render: not put here) and a remote SVG background, a data-defined colour writing a SQLite file, forms with HTML and
    QML, a web-view widget, a map tip, a display expression and a virtual field. Written with placeholders
    (QGIS fetches as soon as a symbol layer names a URL), then filled in."""
    outside = folder.parent / "outside"
    outside.mkdir(exist_ok=True)
    (outside / "red.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                     '<rect width="10" height="10" fill="#ff0000"/></svg>', encoding="utf-8")
    embedded = base64.b64encode('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
                                ' width="10" height="10"><image xlink:href="{}/embedded.png" width="10" '
                                'height="10"/></svg>'.format(url).encode()).decode()
    layer = square_layer()
    symbol = QgsFillSymbol.createSimple({"color": "{},{},{}".format(*LOOK), "outline_style": "no"})
    writer = QgsSimpleFillSymbolLayer(QColor(0, 0, 0, 0))
    writer.setDataDefinedProperty(QgsSymbolLayer.PropertyFillColor, QgsProperty.fromExpression(
        "sqlite_fetch_and_increment('@DB@','t','id','k','v',map())"))
    centroid = QgsCentroidFillSymbolLayer()
    marker = QgsSvgMarkerSymbolLayer("@MARKER@")
    marker.setDataDefinedProperty(QgsSymbolLayer.PropertyName, QgsProperty.fromExpression("'@URL@/dd.svg'"))
    centroid.setSubSymbol(QgsMarkerSymbol([marker]))
    for extra in (QgsSVGFillSymbolLayer("@SVG@", 5), QgsRasterFillSymbolLayer("@PNG@"), QgsSVGFillSymbolLayer(
            "@OUTSIDE@", 20), QgsSVGFillSymbolLayer("@EMBEDDED@", 5), centroid, writer):
        symbol.appendSymbolLayer(extra)
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    settings = QgsPalLayerSettings()
    settings.fieldName = "env('HOME') || '@LABEL@'"
    settings.isExpression = True
    text = QgsTextFormat()
    text.setAllowHtmlFormatting(True)
    background = QgsTextBackgroundSettings()
    background.setEnabled(True)
    background.setType(QgsTextBackgroundSettings.ShapeType.ShapeSVG)
    background.setSvgFile("@BACKGROUND@")
    text.setBackground(background)
    settings.setFormat(text)
    layer.setLabeling(QgsVectorLayerSimpleLabeling(settings))
    layer.setLabelsEnabled(True)
    path = folder / "CJDCQ.qml"
    layer.saveNamedStyle(str(path), categories=QgsMapLayer.StyleCategory.Symbology |
                         QgsMapLayer.StyleCategory.Labeling)
    qml = path.read_text(encoding="utf-8").replace("</qgis>", FORM + "</qgis>")
    for placeholder, value in (("@SVG@", "@URL@/fill.svg"), ("@PNG@", "@URL@/fill.png"),
                               ("@MARKER@", "@URL@/marker.svg"), ("@BACKGROUND@", "@URL@/label.svg"),
                               ("@OUTSIDE@", str(outside / "red.svg")), ("@EMBEDDED@", "base64:" + embedded),
                               ("@LABEL@", escape("<b>@URL@</b>")), ("@DB@", str(folder / "w.sqlite")),
                               ("@URL@", url)):
        qml = qml.replace(placeholder, value)
    path.write_text(qml, encoding="utf-8")
    return path


def render(layer):
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(QgsRectangle(-10, -10, 110, 110))
    settings.setOutputSize(QSize(120, 120))
    job = QgsMapRendererParallelJob(settings)       # the main thread keeps serving events: a render thread
    job.start()                                     # waiting for a download does not block it
    while job.isActive():
        QCoreApplication.processEvents()
    image = job.renderedImage()
    return {QColor(image.pixel(x, y)).getRgb()[:3] for x in range(0, 120, 2) for y in range(0, 120, 2)}


def open_form(layer):
    from qgis.gui import QgsAttributeForm, QgsGui
    QgsGui.editorWidgetRegistry().initEditors()
    form = QgsAttributeForm(layer, next(layer.getFeatures()))
    form.show()
    return form


def _has_webkit():
    with contextlib.suppress(ImportError):
        from qgis.PyQt import QtWebKit  # noqa: F401
        return True
    return False


def without_qml_element(path):
    """The same style without its QtQuick element (QtQuick cannot start on the offscreen platform)."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index("<attributeEditorQmlElement"), text.index("</attributeEditorQmlElement>")
    return text[:start] + text[end + len("</attributeEditorQmlElement>"):]


def test_each_vector_is_real_without_sanitising(qgis_app, tmp_path, listener):
    folder = tmp_path / "province"
    folder.mkdir()
    path = hostile_qml(folder, listener.url)
    assert counter_db(folder / "w.sqlite") == []
    layer = square_layer()
    document = QDomDocument()
    document.setContent(without_qml_element(path))
    assert layer.importNamedStyle(document)[0]
    colours = render(layer)
    fetched = {"/fill.svg", "/fill.png", "/dd.svg", "/label.svg"}
    listener.settle(fetched)
    assert fetched <= set(listener.seen)
    assert RED in colours                                   # the file outside the folder was read and drawn
    assert counter_db(folder / "w.sqlite") != []            # the colour expression wrote into the file
    if _has_webkit():
        form = open_form(layer)
        listener.settle({"/html.png"})
        assert "/html.png" in listener.seen                 # the form's HTML was loaded
        form.close()


def test_a_hostile_province_style_fetches_reads_and_runs_nothing_and_keeps_its_look(
        qgis_app, tmp_path, listener, monkeypatch):
    from plugin.core.read.styles import apply_style
    folder = tmp_path / "province"
    folder.mkdir()
    hostile_qml(folder, listener.url)
    counter_db(folder / "w.sqlite")
    monkeypatch.setenv("ONEMAP_STYLE_PATH", str(folder))
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda message, tag, level: logged.append(message))
    layer = square_layer()
    assert apply_style(layer, "CJDCQ") == "provisional"
    colours = render(layer)
    form = open_form(layer) if _has_webkit() else None
    listener.settle()
    assert listener.seen == ["/canary"]                      # nothing but the test's own request
    assert LOOK in colours and RED not in colours            # the look applies; the outside file is not read
    assert counter_db(folder / "w.sqlite") == []             # the expression that writes a file never ran
    assert layer.editFormConfig().tabs() == [] and layer.editFormConfig().uiForm() == ""
    assert layer.mapTipTemplate() == "" and layer.actions().actions() == [] and layer.displayExpression() != \
        "env('HOME')"
    assert layer.fields().names() == ["BZ"]                  # no virtual field
    labeling = layer.labeling().settings()
    assert "env(" not in labeling.fieldName and not labeling.format().allowHtmlFormatting()
    assert labeling.format().background().svgFile() == ""
    message = next(m for m in logged if "CJDCQ.qml" in m)
    for vector in ("attributeEditorForm", "mapTip", "fill.svg", "fill.png", "red.svg", "base64", "data-defined name",
                   "sqlite_fetch_and_increment", "env", "HTML in labels", "label.svg", "expressionfields"):
        assert vector in message, vector
    if form is not None:
        form.close()


def test_exporting_sheets_with_a_hostile_province_style_fetches_nothing(qgis_app, tmp_path, listener, monkeypatch):
    from plugin.core.export.mapsheets import export_mapsheets
    from export_helpers import render_page
    from qgis.PyQt.QtGui import QImage
    folder = tmp_path / "province"
    folder.mkdir()
    hostile_qml(folder, listener.url)
    monkeypatch.setenv("ONEMAP_STYLE_PATH", str(folder))
    export_mapsheets(sample("village_conflicts.gpkg"), sample("township_onemap.gpkg"), str(tmp_path / "out"))
    listener.settle()
    assert listener.seen == ["/canary"]
    image = QImage(render_page(tmp_path / "out" / "01_国土空间用途规划图.pdf", tmp_path / "page", dpi=20))
    assert any(QColor(image.pixel(x, y)).getRgb()[:3] == LOOK for x in range(image.width())
               for y in range(image.height()))                # the village drawn in the province's look


def test_the_province_s_own_svg_beside_its_style_is_drawn(qgis_app, tmp_path, monkeypatch):
    from plugin.core.read.styles import apply_style
    folder = tmp_path / "province"
    folder.mkdir()
    (folder / "hatch.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                      '<rect width="10" height="10" fill="#00ff00"/></svg>', encoding="utf-8")
    layer = square_layer()
    symbol = QgsFillSymbol.createSimple({"style": "no", "outline_style": "no"})
    symbol.appendSymbolLayer(QgsSVGFillSymbolLayer("@HATCH@", 20))
    layer.setRenderer(QgsSingleSymbolRenderer(symbol))
    layer.saveNamedStyle(str(folder / "CJDCQ.qml"), categories=QgsMapLayer.StyleCategory.Symbology)
    qml = (folder / "CJDCQ.qml").read_text(encoding="utf-8").replace("@HATCH@", "hatch.svg")
    (folder / "CJDCQ.qml").write_text(qml, encoding="utf-8")
    monkeypatch.setenv("ONEMAP_STYLE_PATH", str(folder))
    target = square_layer()
    apply_style(target, "CJDCQ")
    assert (0, 255, 0) in render(target)
