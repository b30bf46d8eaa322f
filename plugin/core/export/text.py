"""Text that goes onto an export: no bidi overrides or control characters (they reorder or hide what is shown)."""
import re

# LRE RLE PDF LRO RLO (U+202A–U+202E), LRI RLI FSI PDI (U+2066–U+2069); C0/C1 controls except tab and newline.
UNSAFE = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text):
    """`text` without bidi embedding/override/isolate characters and control characters."""
    return UNSAFE.sub("", str(text or ""))
