"""Exports: the check report (PDF/HTML/XLSX) and the styled map sheets (PDF/PNG).

Headless like the rest of plugin/core: used by the Processing algorithms, the panel and `make demo`.
Print layouts come from the .qpt templates in resources/; this package only fills them in.
"""
