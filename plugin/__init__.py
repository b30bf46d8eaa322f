"""OneMap 国土空间规划一张图 — QGIS plugin entry point."""


def classFactory(iface):  # noqa: N802 (QGIS API name)
    """Return the plugin instance; QGIS calls this with its iface (None under qgis_process)."""
    from .plugin import OneMapPlugin
    return OneMapPlugin(iface)
