"""Passwords out of everything shown or recorded: the run record, messages and the log.

`mask` knows every form libpq, OGR and QGIS accept: key=value (blanks around '=', quoted values with
escapes, an unterminated quote), URIs (scheme://user:password@host) and query parameters. An
authcfg reference is not a secret (it names an entry of QGIS's encrypted store) and is kept.
"""
import re

MASK = "***"
_KEY = r"(?i)(\b[\w.]*(?:password|passwd|pwd)\b\s*=\s*)"
_VALUE = (r"('(?:[^'\\]|\\.)*'"           # 'quoted, with \' escapes'
          r'|"(?:[^"\\]|\\.)*"'           # "double quoted"
          r"|['\"].*"                     # an unterminated quote: the rest is the secret
          r"|\S+)")                        # a bare value ends at a blank (a URL's later parameters go too)
_KEY_VALUE = re.compile(_KEY + _VALUE, re.DOTALL)
_URI_USERINFO = re.compile(r"(?i)([a-z][a-z0-9+.-]*://[^/\s:@]*:)(\S*)(@)")    # up to the last @


def mask(text):
    """`text` with every password replaced by ***; anything else, authcfg included, unchanged."""
    if text is None:
        return text
    text = _KEY_VALUE.sub(lambda m: m.group(1) + MASK, str(text))
    return _URI_USERINFO.sub(lambda m: m.group(1) + MASK + m.group(3), text)
