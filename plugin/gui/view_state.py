"""What a reviewer is looking at in the findings tree — the open rules, the current row, the scroll
position — taken before the rows change (a live re-check, a decision, a re-check into the same file)
and given back after, so the tree never jumps back to the top."""
from dataclasses import dataclass, field

from qgis.PyQt.QtCore import QModelIndex

from .findings_model import RULE_ROLE


@dataclass
class ViewState:
    path: str
    expanded: set = field(default_factory=set)        # rule ids
    current: tuple = ()                               # ('finding', finding_id, rule_id, plan_layer, plan_fid) | ('rule', id)
    scroll: int = 0


def capture(browser):
    """The state of `browser`'s tree, or None when it shows nothing."""
    review, view, proxy = browser.review, browser.view, browser.proxy
    if review is None:
        return None
    expanded = {rule_id for rule_id, item in browser.model.rule_items.items()
                if view.isExpanded(proxy.mapFromSource(item.index()))}
    index = view.currentIndex()
    finding = browser.finding_at(index) if index.isValid() else None
    if finding is not None:
        current = ("finding", finding.finding_id, finding.rule_id, finding.plan_layer, finding.plan_fid)
    elif index.isValid():
        current = ("rule", proxy.mapToSource(index.sibling(index.row(), 0)).data(RULE_ROLE))
    else:
        current = ()
    return ViewState(review.path, expanded, current, view.verticalScrollBar().value())


def restore(browser, state):
    """Open the same rules, select the same finding (or the one that replaced it: same rule and parcel;
    else its rule) and scroll where the tree was."""
    view, proxy, model = browser.view, browser.proxy, browser.model
    for rule_id, item in model.rule_items.items():
        view.setExpanded(proxy.mapFromSource(item.index()), rule_id in state.expanded)
    index = _index_of(browser, state.current)
    if index.isValid():
        view.setCurrentIndex(index)
    view.doItemsLayout()                                  # the scroll range of the rows as they are now
    view.verticalScrollBar().setValue(state.scroll)


def _index_of(browser, current):
    if not current:
        return QModelIndex()
    model, findings = browser.model, browser.review.findings
    item = None
    if current[0] == "finding":
        _kind, finding_id, rule_id, plan_layer, plan_fid = current
        match = next((f for f in findings if f.finding_id == finding_id), None)
        if match is None and plan_fid is not None:
            match = next((f for f in findings if (f.rule_id, f.plan_layer, f.plan_fid) == (rule_id, plan_layer, plan_fid)),
                         None)
        item = model.finding_items.get(match.fid) if match is not None else model.rule_items.get(rule_id)
    else:
        item = model.rule_items.get(current[1])
    return browser.proxy.mapFromSource(item.index()) if item is not None else QModelIndex()
