"""Install the plugin's Qt translator for QGIS's UI locale (zh_CN ships; English is the source)."""
import os

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

I18N_DIR = os.path.dirname(__file__)


def tr(text):
    """Translate a module-level string (pylupdate5 files these under the @default context)."""
    return QCoreApplication.translate("@default", text)


def ui_locale():
    """QGIS's UI locale: the user override if set, else the system locale (e.g. 'zh_CN')."""
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        return settings.value("locale/userLocale", "") or QLocale.system().name()
    return QLocale.system().name()


def chinese_ui():
    """True when QGIS runs in Chinese: the panel then shows schema names in Chinese."""
    return ui_locale().lower().startswith("zh")


def translation_locale(locale):
    """The shipped translation for a UI locale: every Chinese one (zh-Hans, QGIS's own 简体中文 since
    3.22, zh_CN, zh, zh_TW …) reads the simplified-Chinese file; others their own name."""
    return "zh_CN" if locale.lower().startswith("zh") else locale


def install_translator(locale=None):
    """Load onemap_<locale>.qm if it exists; return the installed translator or None."""
    locale = translation_locale(locale or ui_locale())
    path = os.path.join(I18N_DIR, "onemap_{}.qm".format(locale))
    if not os.path.isfile(path):
        path = os.path.join(I18N_DIR, "onemap_{}.qm".format(locale.replace("-", "_").split("_")[0]))
    translator = QTranslator()
    if os.path.isfile(path) and translator.load(path):
        QCoreApplication.installTranslator(translator)
        return translator
    return None


def remove_translator(translator):
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
