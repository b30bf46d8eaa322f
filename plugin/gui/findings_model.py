"""The findings browser's Qt model: rules (title, status, count, area in m² and 亩) with their findings
or indicator rows beneath, roles carrying what the view needs, and a filter proxy (severity, decision,
village). Built from a core.review.reader.Review; the GeoPackage stays the source of truth.
"""
import functools

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QSortFilterProxyModel, Qt
from qgis.PyQt.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap, QStandardItem, QStandardItemModel

from ..core.read.styles import color_table
from ..core.review.decisions import NAMES
from ..core.review.layout import SEVERITY_ZH, STATUS_ZH
from ..core.review.places import locates
from ..core.review.reader import ha_mu, mu
from ..i18n import tr

INDICATOR_KINDS = ("indicator", "unit", "share")   # rules whose figures are rows of the `indicators` table
KIND_ROLE = Qt.ItemDataRole.UserRole + 1         # 'rule', 'finding', 'indicator', 'reason' or 'note'
FID_ROLE = Qt.ItemDataRole.UserRole + 2          # fid in the findings layer (None: no finding)
SEVERITY_ROLE = Qt.ItemDataRole.UserRole + 3
DECISION_ROLE = Qt.ItemDataRole.UserRole + 4     # '', 'accepted', 'false_positive', 'review' (需复核)
VILLAGE_ROLE = Qt.ItemDataRole.UserRole + 5
RULE_ROLE = Qt.ItemDataRole.UserRole + 6
FINDING_ID_ROLE = Qt.ItemDataRole.UserRole + 7
AREA_ROLE = Qt.ItemDataRole.UserRole + 8         # an indicator row's area code (规划单元, village; core.review.places)
SEVERITY_EN = {"error": "error", "warning": "warning", "info": "note"}
STATUS_EN = {"passed": "passed", "failed": "failed", "not_applicable": "not applicable", "error": "rule error"}
# an indicator row without a finding: met, not applicable, or a base-year change figure with no allocation
INDICATOR_ZH = {"pass": STATUS_ZH["passed"], "not_applicable": STATUS_ZH["not_applicable"], "computed": "计算值"}
INDICATOR_EN = {"pass": "passed", "not_applicable": "not applicable", "computed": "computed"}
GREY = QColor(120, 120, 120)
ORANGE = QColor(196, 98, 0)                     # a carried-over decision to confirm again


@functools.lru_cache(maxsize=None)               # one pixmap per severity, not one per row
def icon(name):
    """A severity as a dot in its map colour (the findings style), 'passed' as QGIS's tick."""
    if name in SEVERITY_ZH:
        rgb = color_table()["findings"]["classes"][name]["rgb"]
        pixmap = QPixmap(16, 16)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QColor(rgb[0], rgb[1], rgb[2]).darker(130))
        painter.setBrush(QColor(rgb[0], rgb[1], rgb[2]))
        painter.drawEllipse(2, 2, 12, 12)
        painter.end()
        return QIcon(pixmap)
    return QgsApplication.getThemeIcon("/mIconSuccess.svg") if name == "passed" else None


def number(value):
    return "" if value is None else "{:,.2f}".format(value)


class FindingsModel(QStandardItemModel):
    """Columns: rule or finding | status | count | area m² | area 亩."""

    def __init__(self, parent=None, chinese=True):
        super().__init__(parent)
        self.chinese = chinese
        self.review = None
        self.rule_items, self.finding_items = {}, {}
        self.setHorizontalHeaderLabels([tr("Rule / finding"), tr("Status"), tr("Count"), tr("m²"), tr("mu")])
        for column, tip in ((3, tr("Area in square metres")), (4, tr("Area in mu (亩)"))):
            self.horizontalHeaderItem(column).setToolTip(tip)

    def severity_name(self, severity):
        return (SEVERITY_ZH if self.chinese else SEVERITY_EN).get(severity, severity or "")

    def decision_name(self, decision):
        return NAMES[decision][0 if self.chinese else 1] if decision in NAMES else ""

    def one_line(self, verdict, qualifiers):
        """A status as one line — 未通过（编辑前，已决定 1/1） — for its tooltip and a copied row. The cell
        shows the verdict and each qualifier on a line of its own: the status column is then as wide as the
        longest of them, not of the whole, and the rule titles keep their room (findings_columns)."""
        if not qualifiers:
            return verdict
        return ("{}（{}）" if self.chinese else "{} ({})").format(verdict, ("，" if self.chinese else ", ").join(qualifiers))

    def set_review(self, review):
        """Show a core.review.reader.Review (None: empty)."""
        self.review = review
        self.rule_items, self.finding_items = {}, {}          # rule id / findings fid -> column-0 item
        self.removeRows(0, self.rowCount())
        if review is None:
            return
        for rule in review.rules:
            self.appendRow(self._rule_row(rule))

    # -- rows
    def _rule_row(self, rule):
        title = rule.title if self.chinese or not rule.values.get("title_en") else rule.title_en
        head = QStandardItem("{} {}".format(rule.rule_id, title))
        head.setData("rule", KIND_ROLE)
        head.setData(rule.rule_id, RULE_ROLE)
        font = QFont()
        font.setBold(True)
        head.setFont(font)
        head.setToolTip("{}\n{}".format(head.text(), rule.values.get("clause") or ""))
        cells = [head] + [QStandardItem() for _c in range(4)]
        self.rule_items[rule.rule_id] = head
        self._rule_figures(cells, rule)
        reason = self._reason(rule)
        unexamined = rule.status in ("not_applicable", "error")
        if unexamined and reason:
            head.appendRow(self._note_row("原因：" if self.chinese else "Reason: ", reason, "reason"))
        if rule.values.get("kind") in INDICATOR_KINDS:
            self._indicator_rows(head, rule)
        else:
            for finding in rule.findings:
                head.appendRow(self._finding_row(finding, finding.message))
        if not unexamined and reason:                 # parcels it left to ATT-01 or to a stricter rule: after its findings
            head.appendRow(self._note_row("说明：" if self.chinese else "Note: ", reason, "note"))
        return self._finish(cells)

    def _note_row(self, label, text, kind):
        """A grey row under a rule: why it did not run ('reason'), or which parcels it did not judge ('note',
        the last row) — in full, wrapped."""
        note = QStandardItem(label + text)
        note.setData(kind, KIND_ROLE)
        note.setForeground(QBrush(GREY))
        return self._finish([note] + [QStandardItem("") for _c in range(4)])

    def _reason(self, rule):
        return rule.reason if self.chinese else (rule.values.get("reason_en") or rule.reason)

    def _rule_figures(self, cells, rule):
        """Status, icon, count and area of a rule row (set again after a live re-check)."""
        head, status = cells[0], cells[1]
        verdict = (STATUS_ZH if self.chinese else STATUS_EN).get(rule.status, rule.status)
        qualifiers = []
        reason = self._reason(rule)
        tip = ""                                      # the reason in full: its own row beneath, and the tooltip
        stale = rule.rule_id in self.review.stale_rules
        if stale:                                     # not run again by the live re-check
            qualifiers.append("编辑前" if self.chinese else "before the edit")
            tip = ("规划编辑后未重新核对：此结论是编辑前的，请重新核对" if self.chinese else
                   "not run again since the plan was edited: this is the outcome before the edit; check again")
        if rule.status == "not_applicable" and reason:
            tip = ("{}：{}" if self.chinese else "{}: {}").format(self.one_line(verdict, qualifiers), reason)
        decided = [self.review.decision(f) for f in rule.findings]
        decided = [d for d in decided if d is not None]
        to_confirm = sum(1 for d in decided if d.review)
        if decided:                                   # e.g. 未通过 / 已决定 1/1, 未通过 / 已决定 0/1 / 需复核 1
            qualifiers.append(("已决定 {}/{}" if self.chinese else "{} of {} decided").format(
                len(decided) - to_confirm, len(rule.findings)))
            if to_confirm:
                qualifiers.append(("{} {}" if self.chinese else "{1} {0}").format(self.decision_name("review"),
                                                                                to_confirm))
        status.setText("\n".join([verdict] + qualifiers))
        status.setToolTip(tip or self.one_line(verdict, qualifiers))
        worst = next((s for s in ("error", "warning", "info") if any(f.severity == s for f in rule.findings)), None)
        head.setIcon(icon(worst or ("passed" if rule.status == "passed" and not stale else "")) or QIcon())
        if rule.status == "not_applicable":
            for item in (head, status):
                item.setForeground(QBrush(GREY))
        has_area = any(f.has_area for f in rule.findings)
        cells[2].setText(str(len(rule.findings)) if rule.findings else "")
        cells[3].setText(number(rule.area_m2) if has_area else "")
        cells[4].setText(number(mu(rule.area_m2)) if has_area else "")

    def apply_update(self, removed, added):
        """Show a live re-check (core.review.reader.Review.update): rows out, rows in, rule figures updated;
        returns the rule rows touched."""
        touched = set()
        for finding in removed:
            item = self.finding_items.pop(finding.fid, None)
            if item is not None:
                item.parent().removeRow(item.row())
            touched.add(finding.rule_id)
        for finding in added:
            head = self.rule_items.get(finding.rule_id)
            if head is not None:                      # a rule's note row stays last
                last = head.child(head.rowCount() - 1) if head.rowCount() else None
                noted = last is not None and last.data(KIND_ROLE) == "note"
                head.insertRow(head.rowCount() - noted, self._finding_row(finding, finding.message))
            touched.add(finding.rule_id)
        by_id = {rule.rule_id: rule for rule in self.review.rules}
        rows = []
        for rule_id in touched | self.review.stale_rules:     # (those now said to be from before the edit too)
            head = self.rule_items.get(rule_id)
            if head is not None and rule_id in by_id:
                rows.append(head.row())
                self._rule_figures([self.item(rows[-1], c) for c in range(self.columnCount())], by_id[rule_id])
        return rows

    def _indicator_rows(self, head, rule):
        """One row per indicator: allocated / planned / difference in 公顷 and 亩, linked to its finding."""
        unlinked = list(rule.findings)
        area = locates(rule.values.get("kind"))
        for row in self.review.indicators:
            if row.get("rule_id") not in (None, "", rule.rule_id):      # a detailed plan's rows name their rule
                continue
            name = row.get("indicator") or ""
            finding = next((f for f in unlinked if "“{}”".format(name) in (f.message or "")), None)
            if finding is not None:
                unlinked.remove(finding)
            text = ("{}：{}" if self.chinese else "{}: {}").format(name, self._figures(row))
            if finding is not None:
                cells = self._finding_row(finding, text, kind="indicator")
                if area:                              # a click shows the unit or village, not a point in it
                    cells[0].setData(row.get("village_code") or "", AREA_ROLE)
                head.appendRow(cells)
                continue
            status = row.get("status") or ""
            label = QStandardItem((INDICATOR_ZH if self.chinese else INDICATOR_EN).get(status, status))
            item = QStandardItem(text)
            item.setData("indicator", KIND_ROLE)
            item.setData(rule.rule_id, RULE_ROLE)
            if area:
                item.setData(row.get("village_code") or "", AREA_ROLE)
            item.setToolTip(text)
            item.setIcon(icon("passed") if status == "pass" else item.icon())
            if row.get("note"):                           # the reason: in the row's text or its tooltip
                label.setToolTip(("{}：{}" if self.chinese else "{}: {}").format(label.text(), row["note"]))
            cells = [item, label, QStandardItem(""), QStandardItem(""), QStandardItem("")]
            if status != "pass":
                for cell in cells:
                    cell.setForeground(QBrush(GREY))
            head.appendRow(self._finish(cells))
        for finding in unlinked:
            head.appendRow(self._finding_row(finding, finding.message))

    def _figures(self, row):
        """'下达 8.50 公顷（127.50 亩），规划 …，差 …' — or the row's note when it has no figures; a unit's
        figure in the allocation's own unit (万平方米, 处, %)."""
        words = ("下达", "规划", "差") if self.chinese else ("allocated", "planned", "difference")
        parts = ["{} {}".format(word, ha_mu(row[key], key == "difference_m2", self.chinese))
                 for word, key in zip(words, ("allocated_m2", "planned_m2", "difference_m2")) if row.get(key) is not None]
        if row.get("planned_value") is not None:
            unit = row.get("unit") or ""
            parts = ["{} {:g} {}".format(words[0], row["allocated_value"], unit)] \
                if row.get("allocated_value") is not None else []
            parts.append("{} {:.4g} {}".format(words[1], row["planned_value"], unit))
        return ("，" if self.chinese else ", ").join(parts) or (row.get("note") or "")

    def _finding_row(self, finding, text, kind="finding"):
        item = QStandardItem(text)
        self.finding_items[finding.fid] = item
        item.setData(kind, KIND_ROLE)
        item.setData(finding.fid, FID_ROLE)
        item.setData(finding.severity, SEVERITY_ROLE)
        item.setData(finding.village or "", VILLAGE_ROLE)
        item.setData(finding.rule_id, RULE_ROLE)
        item.setData(finding.finding_id, FINDING_ID_ROLE)
        item.setIcon(icon(finding.severity) or item.icon())
        status = QStandardItem()
        cells = [item, status,
                 QStandardItem(""), QStandardItem(number(finding.area_m2) if finding.has_area else ""),
                 QStandardItem(number(mu(finding.area_m2)) if finding.has_area and finding.area_m2 else "")]
        self._show_decision(cells, finding)
        return self._finish(cells)

    def _show_decision(self, cells, finding):
        decision = self.review.decision(finding)
        kind = decision.decision if decision is not None else ""
        to_confirm = decision is not None and decision.review
        cells[0].setData("review" if to_confirm else kind, DECISION_ROLE)
        verdict = self.severity_name(finding.severity)
        qualifiers = [self.decision_name(name) for name in (("review", kind) if to_confirm else (kind,)) if name]
        cells[1].setText("\n".join([verdict] + qualifiers))     # e.g. 错误 / 需复核 / 已认可例外
        cells[1].setToolTip(self.one_line(verdict, qualifiers))
        tip = [cells[0].text(), finding.message if finding.message != cells[0].text() else ""]
        if finding.detail:
            tip.append(("技术细节：" if self.chinese else "Detail: ") + finding.detail)
        if decision is not None:
            separator = "，" if self.chinese else ", "
            tip.append(("{}：{}{}（{}，{}）" if self.chinese else "{}: {}{} ({}, {})").format(
                self.decision_name(kind), decision.reason,
                separator + decision.approval_no if decision.approval_no else "", decision.reviewer, decision.decided_at))
        if to_confirm:
            tip.append(("需复核：决定作出后该问题的级别或说明已变化，请确认或修改决定。决定时的说明：{}" if self.chinese else
                        "To confirm again: the finding's severity or wording changed since the decision. "
                        "It read: {}").format(decision.message))
            for cell in cells:
                cell.setForeground(QBrush(ORANGE))
        cells[0].setToolTip("\n".join(t for t in tip if t))
        if kind and not to_confirm:                   # decided: grey and italic
            for cell in cells:
                cell.setForeground(QBrush(GREY))
            font = QFont()
            font.setItalic(True)
            cells[0].setFont(font)
        elif not to_confirm and cells[0].data(Qt.ItemDataRole.ForegroundRole) is not None:   # withdrawn
            for cell in cells:
                cell.setData(None, Qt.ItemDataRole.ForegroundRole)
            cells[0].setData(None, Qt.ItemDataRole.FontRole)

    @staticmethod
    def _finish(cells):
        for cell in cells[2:]:
            cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return cells

    # -- lookups for the view
    def column_texts(self, column, rows=None):
        """Every text of a column: of the rule rows `rows` (default: all) and their findings."""
        for row in range(self.rowCount()) if rows is None else rows:
            yield self.item(row, column).text()
            head = self.item(row, 0)
            for child in range(head.rowCount()):
                yield head.child(child, column).text()

    def finding(self, index):
        """The core.review.reader.FindingRow behind a row (any column), or None."""
        if self.review is None or not index.isValid():
            return None
        fid = index.sibling(index.row(), 0).data(FID_ROLE)
        return self.review.by_fid.get(fid) if fid is not None else None

    def refresh_decisions(self):
        """Re-read the decisions and update the finding rows in place."""
        self.review.reload_decisions()
        by_fid, by_rule = self.review.by_fid, self.review.by_rule
        for row in range(self.rowCount()):
            head = self.item(row, 0)
            for child in range(head.rowCount()):
                fid = head.child(child, 0).data(FID_ROLE)
                if fid in by_fid:
                    self._show_decision([head.child(child, c) for c in range(self.columnCount())], by_fid[fid])
            rule = by_rule.get(head.data(RULE_ROLE))
            if rule is not None:
                self._rule_figures([self.item(row, c) for c in range(self.columnCount())], rule)


class FindingsFilter(QSortFilterProxyModel):
    """Shows findings of the chosen severities, decision state and village; a rule shows while any of
    its findings does (and always when no filter is set)."""

    DECISION_MODES = ("all", "open", "decided", "accepted", "false_positive", "review")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.severities = {"error", "warning", "info"}
        self.decision_mode = "all"
        self.village = ""
        self.setRecursiveFilteringEnabled(True)

    def active(self):
        return self.severities != {"error", "warning", "info"} or self.decision_mode != "all" or bool(self.village)

    def set_filter(self, severities=None, decision_mode=None, village=None):
        if severities is not None:
            self.severities = set(severities)
        if decision_mode is not None:
            self.decision_mode = decision_mode
        if village is not None:
            self.village = village
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row, source_parent):  # noqa: N802
        index = self.sourceModel().index(source_row, 0, source_parent)
        if index.data(FID_ROLE) is None:                  # a rule, or an indicator without a finding
            return not self.active()
        if index.data(SEVERITY_ROLE) not in self.severities:
            return False
        if self.village and index.data(VILLAGE_ROLE) != self.village:
            return False
        decision = index.data(DECISION_ROLE) or ""
        return {"all": True, "open": not decision, "decided": bool(decision)}.get(
            self.decision_mode, decision == self.decision_mode)
