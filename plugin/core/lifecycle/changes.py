"""The kinds of change a plan is approved as (批复类型), in the order the Processing enums offer them.

A public 控规入库 workflow names 新增 / 重大调整（整体更新、地块调整）/ 一般调整 / 技术修正 / 局部新增
(detailed-plans.md #14, verified public code); OneMap keeps four that decide what a merge replaces:
a 新编 or 修改 replaces the approved plans inside its extent, a 局部调整 only inside its changed parcels,
a 技术修正 corrects (the same extent, no change of use expected).
"""
from ..errors import OneMapError

CHANGES = ("新编", "修改", "局部调整", "技术修正")
NEW, REVISION, PARTIAL, CORRECTION = CHANGES
UNDECLARED = "未声明"          # a check whose plan did not say what it is


def change_name(value):
    """The change kind from its name or its index in CHANGES; '' (undeclared) for None or ''."""
    if value is None or value == "":
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(CHANGES):
        return CHANGES[value]
    if str(value).strip() in CHANGES:
        return str(value).strip()
    raise OneMapError("未知的变更类型“{}”：应为 {}".format(value, "、".join(CHANGES)),
                      "Unknown kind of change '{}': one of {}".format(value, ", ".join(CHANGES)))
