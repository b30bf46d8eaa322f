"""Base of the onemap algorithms: toolbox group, search tags, help text and the link to the guide.

The text lives in plugin/data/processing_help.yaml. A Chinese QGIS shows the Chinese help; any
other locale shows the English help followed by the Chinese, since most users read Chinese first.
Parameter and output labels are taken from the algorithm itself, so they always match the dialog.
"""
import html
import re

from qgis.core import QgsProcessingAlgorithm

from ..core.paths import data_path, guide_url
from ..core.yamlfile import load_data
from ..i18n import chinese_ui

# Toolbox groups, in both languages like the provider's name, so a planner finds them in either UI.
GROUPS = {"data": "规划数据 Plan data", "check": "一张图核对 One-map check", "export": "成果导出 Export",
          "lifecycle": "一张图更新 One-map updates"}
HEADINGS = {"zh": {"parameters": "参数", "outputs": "输出", "example": "命令行", "guide": "用户指南：Processing 工具"},
            "en": {"parameters": "Parameters", "outputs": "Outputs", "example": "Command line",
                   "guide": "User guide (Chinese): Processing tools"}}


def _inline(text):
    """Escape text and turn `code` into <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


def _definition_list(entries, describe):
    items = "".join("<dt><b>{}</b> <code>{}</code></dt><dd>{}</dd>".format(html.escape(describe(name)), name,
                                                                          _inline(text))
                    for name, text in entries.items())
    return "<dl>{}</dl>".format(items)


class OneMapAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set GROUP (a key of GROUPS) and have an entry under their name() in the help data."""
    GROUP = "check"

    def group(self):
        return GROUPS[self.GROUP]

    def groupId(self):  # noqa: N802
        return self.GROUP

    def _help(self):
        return load_data(data_path("processing_help.yaml"))[self.name()]

    def tags(self):
        return list(self._help().get("tags", []))

    def helpUrl(self):  # noqa: N802
        return guide_url("processing")

    def shortHelpString(self):  # noqa: N802
        entry = self._help()
        languages = ["zh"] if chinese_ui() else ["en", "zh"]
        parts = []
        for language in languages:
            text, headings = entry[language], HEADINGS[language]
            if language == "zh" and len(languages) > 1:
                parts.append("<h2>中文说明</h2>")
            parts.append("<p>{}</p>".format(_inline(text["summary"])))
            parts.append("<h3>{}</h3>".format(headings["parameters"]))
            parts.append(_definition_list(text["parameters"], self._parameter_label))
            parts.append("<h3>{}</h3>".format(headings["outputs"]))
            parts.append(_definition_list(text["outputs"], self._output_label))
        headings = HEADINGS[languages[0]]
        parts.append("<h3>{}</h3><pre>{}</pre>".format(headings["example"], html.escape(entry["example"])))
        parts.append('<p><a href="{}">{}</a></p>'.format(html.escape(self.helpUrl()), headings["guide"]))
        return "".join(parts)

    def _parameter_label(self, name):
        definition = self.parameterDefinition(name)
        return definition.description() if definition is not None else name

    def _output_label(self, name):
        definition = self.outputDefinition(name)
        return definition.description() if definition is not None else name
