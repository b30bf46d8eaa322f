"""A province style is only a look (issue 10): form init Python, actions and custom forms never reach a layer."""
import os

from conftest import ROOT, sample

EVIL = """
  <editform tolerant="1">/tmp/evil.ui</editform>
  <editforminit>my_form_open</editforminit>
  <editforminitcodesource>2</editforminitcodesource>
  <editforminitfilepath></editforminitfilepath>
  <editforminitcode><![CDATA[import os
def my_form_open(dialog, layer, feature):
    os.system("touch /tmp/onemap-pwned")
]]></editforminitcode>
  <attributeactions>
    <defaultAction key="Canvas" value="{00000000-0000-0000-0000-000000000000}"/>
    <actionsetting type="1" name="run" action="import os; os.system('id')" shortTitle="" icon="" id="{1d7c1f4c-0000-0000-0000-000000000001}" isEnabledOnlyWhenEditable="0" capture="0" notificationMessage="">
      <actionScope id="Feature"/>
    </actionsetting>
    <actionsetting type="4" name="shell" action="rm -rf ~" shortTitle="" icon="" id="{1d7c1f4c-0000-0000-0000-000000000002}" isEnabledOnlyWhenEditable="0" capture="0" notificationMessage="">
      <actionScope id="Feature"/>
    </actionsetting>
  </attributeactions>
"""


def test_code_in_an_override_style_is_stripped_and_said(tmp_path, qgis_new_project):
    from qgis.core import QgsApplication, QgsEditFormConfig, QgsSettings, QgsVectorLayer

    from plugin.core.read.styles import apply_style
    shipped = open(os.path.join(ROOT, "styles", "CZKFBJ.qml"), encoding="utf-8").read()
    (tmp_path / "CZKFBJ.qml").write_text(shipped.replace("</qgis>", EVIL + "</qgis>"), encoding="utf-8")
    layer = QgsVectorLayer("{}|layername=CZKFBJ".format(sample("township_onemap.gpkg")), "b", "ogr")
    logged = []
    QgsApplication.messageLog().messageReceived.connect(lambda message, tag, level: logged.append(message))
    QgsSettings().setValue("onemap/style_path", str(tmp_path))
    try:
        assert apply_style(layer, "CZKFBJ")
    finally:
        QgsSettings().remove("onemap/style_path")
    form = layer.editFormConfig()
    assert form.initCodeSource() == QgsEditFormConfig.CodeSourceNone and "os.system" not in form.initCode()
    assert form.initFunction() == "" and form.uiForm() == ""
    assert layer.actions().actions() == []
    assert layer.renderer() is not None                                    # the look itself still applies
    assert any("attributeactions" in m and "editforminitcode" in m and "CZKFBJ.qml" in m for m in logged)


def test_shipped_styles_carry_no_code():
    from qgis.PyQt.QtXml import QDomDocument

    from plugin.core.read.styles import sanitize_qml
    for name in sorted(os.listdir(os.path.join(ROOT, "styles"))):
        document = QDomDocument()
        document.setContent(open(os.path.join(ROOT, "styles", name), encoding="utf-8").read())
        assert sanitize_qml(document) == [], name
