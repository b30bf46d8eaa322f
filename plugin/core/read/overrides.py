"""Folders a province (or a user) adds: extra rule sets and style overrides.

Set in QGIS (Settings ▸ Advanced: onemap/ruleset_path, onemap/style_path) or, for batch runs,
in the environment (ONEMAP_RULESET_PATH, ONEMAP_STYLE_PATH); several folders are separated by
the platform's path separator. Environment folders come first.
"""
import os

from qgis.core import QgsSettings

RULESETS = ("ONEMAP_RULESET_PATH", "onemap/ruleset_path")
STYLES = ("ONEMAP_STYLE_PATH", "onemap/style_path")


def folders(which):
    env_name, setting = which
    values = [os.environ.get(env_name, ""), QgsSettings().value(setting, "") or ""]
    return [folder for value in values for folder in str(value).split(os.pathsep) if folder]
