"""The one exception users see: a message in Chinese and English naming what is wrong and where."""


class OneMapError(Exception):
    """Bad input or an unusable source; never a traceback for the user."""

    def __init__(self, zh, en):
        super().__init__("{} ({})".format(zh, en))
        self.zh = zh
        self.en = en
