"""Exports: the check report (PDF/HTML/XLSX) and the styled map sheets (PDF/PNG).

Headless like the rest of plugin/core: used by the Processing algorithms, the panel and `make demo`.
Print layouts come from the .qpt templates in resources/; this package only fills them in.
"""

# The family the templates (resources/*.qpt, tools/make_layouts.py) are written with. What an export is set
# in is fonts.family(): the first installed of a list (Microsoft YaHei … Noto Sans CJK SC), put on every
# layout as it is loaded, with the PDF text layer kept searchable (see fonts.py).
FONT = "WenQuanYi Micro Hei"
