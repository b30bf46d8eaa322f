"""Exports: the check report (PDF/HTML/XLSX) and the styled map sheets (PDF/PNG).

Headless like the rest of plugin/core: used by the Processing algorithms, the panel and `make demo`.
Print layouts come from the .qpt templates in resources/; this package only fills them in.
"""

# The exports' Chinese font. WenQuanYi Micro Hei (fonts-wqy-microhei) keeps PDF text searchable and
# copyable: with Noto CJK, whose radicals share glyphs with ideographs, Qt's PDF writer maps 一 页 见 风 …
# back to the Kangxi radicals ⼀ ⻚ ⻅ ⻛. Where it is missing Qt falls back to another CJK font.
FONT = "WenQuanYi Micro Hei"
