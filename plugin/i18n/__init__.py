"""Install the plugin's Qt translator for QGIS's UI locale (zh_CN ships; English is the source).

The plugin speaks the language QGIS itself runs in. QGIS's main() picks it once at start-up:
`qgis --lang zh-Hans`, else the override of Settings ▸ Options ▸ General, else the system locale,
and keeps it as QgsApplication.translation(). QgsApplication.locale() cannot stand in for it: under
`qgis --lang zh-Hans` (no override) it answers the system's 'C'. Every Chinese locale QGIS may run
in — zh-Hans, zh-Hant (its own two translations), zh_CN, zh_TW, zh_HK, zh_SG, zh_MO, zh … — gets the
Chinese panel (the simplified-Chinese file: users of this plugin work on mainland plans).
"""
import os

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

I18N_DIR = os.path.dirname(__file__)


def tr(text):
    """Translate a module-level string (pylupdate5 files these under the @default context)."""
    return QCoreApplication.translate("@default", text)


def ui_locale():
    """QGIS's UI locale (e.g. 'zh-Hans'): the translation the running desktop chose; without one (tests,
    qgis_process) the same choice from the settings: the user override if set, else the system locale."""
    app = QgsApplication.instance()
    translation = app.translation() if isinstance(app, QgsApplication) and hasattr(app, "translation") else ""
    if translation:
        return translation
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        return settings.value("locale/userLocale", "") or QLocale.system().name()
    return QLocale.system().name()


def chinese_ui():
    """True when QGIS runs in Chinese: the panel then shows schema names in Chinese."""
    return is_chinese(ui_locale())


def translation_locale(locale):
    """The shipped translation for a UI locale: every Chinese one reads the simplified-Chinese file;
    others their own name."""
    return "zh_CN" if is_chinese(locale) else locale


def is_chinese(locale):
    """'zh-Hans', 'zh_TW', 'zh' … but not 'C', 'en_US' or 'zu' (Zulu)."""
    return locale.replace("-", "_").lower().split("_")[0] == "zh"


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
