"""The one exception users see: a message in Chinese and English naming what is wrong and where."""
from .secrets import mask


class OneMapError(Exception):
    """Bad input or an unusable source; never a traceback for the user, never a password."""

    def __init__(self, zh, en):
        zh, en = mask(zh), mask(en)
        super().__init__("{} ({})".format(zh, en))
        self.zh = zh
        self.en = en


class Cancelled(OneMapError):
    """The user cancelled the run (its QgsFeedback); nothing is written."""

    def __init__(self):
        super().__init__("核对已取消", "Verification cancelled")
