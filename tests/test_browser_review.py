"""The findings browser as a county technician walks it in a panel of the default width: every status
and every row shown in full, the tree staying put through live edits, decisions and a re-check, the
summary line above it following along."""
import shutil

import pytest
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QCoreApplication, QModelIndex, Qt
from qgis.PyQt.QtWidgets import QStyle, QStyleOptionViewItem
from test_editing import checked_in_the_panel, landuse_layer, wait_up_to

from conftest import sample
from plugin.core.check.engine import verify
from plugin.core.review import decisions
from plugin.gui.findings_columns import wrapped

PANEL_TREE_WIDTH = 540           # the tree inside a panel of OneMapDock.preferred_width()


@pytest.fixture(autouse=True)
def desktop_font(qgis_app):
    """The font QGIS's desktop gives its widgets (Sans Serif 9; a bare test application has 12 pt)."""
    from qgis.PyQt.QtGui import QFont
    from qgis.PyQt.QtWidgets import QApplication
    before = QApplication.font()
    QApplication.setFont(QFont("Sans Serif", 9))
    yield
    QApplication.setFont(before)


@pytest.fixture
def panel(qgis_iface, qgis_new_project, tmp_path):
    """The panel at its default width after checking a copy of the conflicts plan."""
    from plugin.gui.dock import OneMapDock
    plan = str(tmp_path / "village_conflicts.gpkg")
    shutil.copy(sample("village_conflicts.gpkg"), plan)
    dock = checked_in_the_panel(qgis_iface, plan, tmp_path)
    dock.resize(OneMapDock.preferred_width(), 900)
    dock.browser.view.setMinimumHeight(300)
    dock.show()
    QCoreApplication.processEvents()
    yield dock
    landuse_layer().rollBack()
    dock.close()
    dock.deleteLater()


def rows(browser, parent=QModelIndex()):
    """Every proxy index of column 0, depth first."""
    for row in range(browser.proxy.rowCount(parent)):
        index = browser.proxy.index(row, 0, parent)
        yield index
        yield from rows(browser, index)


def rule_index(browser, rule_id):
    return next(i for i in rows(browser) if not i.parent().isValid() and i.data().startswith(rule_id + " "))


def cut_cells(browser):
    """Cells whose text the view cannot show whole: wrapped the way the style paints it, a line wider
    than the cell or more lines than the row is tall."""
    view, delegate = browser.view, browser.view.itemDelegate()
    style = view.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    cut = []
    for first in rows(browser):
        for column in range(browser.proxy.columnCount()):
            index = first.sibling(first.row(), column)
            view.scrollTo(index)
            option = QStyleOptionViewItem(view.viewOptions())   # what the view paints the cell with
            option.rect = view.visualRect(index)
            delegate.initStyleOption(option, index)
            text = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
            width = text.width() - 2 * margin                  # what the style paints the text into
            height, widest = wrapped(option.text, option.font, width)
            if option.text and (widest > width + 0.5 or height > text.height() + 0.5):
                cut.append((option.text, column))
    return cut


def test_a_decided_rules_status_is_shown_in_full_and_no_row_is_cut(panel):
    browser = panel.browser
    assert browser.view.viewport().width() <= PANEL_TREE_WIDTH
    finding = browser.finding_at(browser.proxy.index(0, 0, rule_index(browser, "CL-01")))
    browser.store(decisions.make(finding.finding_id, "accepted", "省重点项目", "晋政函〔2024〕12号", "张三"))
    browser.view.expandAll()
    QCoreApplication.processEvents()
    status = browser.proxy.index(rule_index(browser, "CL-01").row(), 1)
    assert status.data() in ("未通过\n已决定 1/1", "failed\n1 of 1 decided")
    assert cut_cells(browser) == []
    message = browser.view.visualRect(browser.proxy.index(0, 0, rule_index(browser, "CL-01")))
    assert message.width() >= browser.view.viewport().width() * 0.3          # the messages keep the room


def test_the_real_structure_plans_indicators_are_shown_whole_and_in_chinese(qgis_iface, qgis_new_project, tmp_path):
    from plugin.gui.findings_view import FindingsBrowser
    output = str(tmp_path / "realdb.gpkg")
    verify(sample("village_realdb"), sample("township_onemap.gpkg"), output=output)
    browser = FindingsBrowser(qgis_iface)
    browser.chinese = browser.model.chinese = True
    browser.resize(PANEL_TREE_WIDTH, 700)
    browser.show()
    browser.add_result(output, "杜村")
    browser.view.expandAll()
    QCoreApplication.processEvents()
    indicators = rule_index(browser, "IND-01")
    cells = {browser.proxy.index(r, 0, indicators).data().split("：")[0]: browser.proxy.index(r, 1, indicators).data()
             for r in range(browser.proxy.rowCount(indicators))}
    assert [cells[name] for name in ("新增建设用地", "建设占用耕地", "耕地转入", "耕地转出")] == ["计算值"] * 4
    assert cells["生态保护红线面积"] == "通过"
    assert cut_cells(browser) == []
    browser.close()
    browser.deleteLater()


def test_a_live_edit_keeps_the_selection_and_the_scroll_position(panel):
    browser = panel.browser
    view = browser.view
    index = browser.proxy.index(0, 0, rule_index(browser, "GEO-04"))
    view.setCurrentIndex(index)
    view.scrollTo(index, view.ScrollHint.PositionAtCenter)
    QCoreApplication.processEvents()
    scroll = view.verticalScrollBar().value()
    assert scroll > 0
    layer = landuse_layer()
    layer.startEditing()
    layer.changeAttributeValue(1, layer.fields().indexOf("GHDLBM"), "0103")        # clears CL-01
    assert wait_up_to(lambda: not any(f.rule_id == "CL-01" for f in browser.review.findings), 2000)
    QCoreApplication.processEvents()
    assert view.currentIndex().data() == "要素 7（0103 旱地）面积 300.00 平方米，小于最小上图面积 400 平方米"
    assert view.verticalScrollBar().value() == scroll


def test_the_finding_edited_away_leaves_its_rule_selected_and_a_replaced_one_stays_selected(panel):
    browser = panel.browser
    view = browser.view
    view.setCurrentIndex(browser.proxy.index(0, 0, rule_index(browser, "CL-05")))
    layer = landuse_layer()
    layer.startEditing()
    parcel = browser.finding_at(view.currentIndex()).plan_fid
    geometry = layer.getFeature(parcel).geometry()
    geometry.translate(1, 0)                                # moved: its finding is written again, new id
    layer.changeGeometry(parcel, geometry)
    assert wait_up_to(lambda: browser.finding_at(view.currentIndex()) is not None and
                      browser.finding_at(view.currentIndex()).plan_fid == parcel and
                      browser.finding_at(view.currentIndex()).rule_id == "CL-05" and
                      not browser.view.currentIndex().parent().data() is None, 2000)
    view.setCurrentIndex(browser.proxy.index(0, 0, rule_index(browser, "CL-01")))
    layer.changeAttributeValue(1, layer.fields().indexOf("GHDLBM"), "0103")
    assert wait_up_to(lambda: view.currentIndex().data() is not None and
                      view.currentIndex().data().startswith("CL-01 "), 2000)


def test_a_recheck_into_the_same_file_keeps_the_tree_where_it_was(panel):
    browser = panel.browser
    view = browser.view
    view.collapse(rule_index(browser, "GEO-03"))
    index = browser.proxy.index(0, 0, rule_index(browser, "CL-03"))
    view.setCurrentIndex(index)
    view.scrollTo(index, view.ScrollHint.PositionAtCenter)
    QCoreApplication.processEvents()
    scroll = view.verticalScrollBar().value()
    panel.verify_button.click()
    assert wait_up_to(lambda: panel.task is None, 60000)
    QCoreApplication.processEvents()
    assert view.currentIndex().data().startswith("规划0703 农村宅基地（要素 5）位于历史文化保护线内")
    assert not view.isExpanded(rule_index(browser, "GEO-03"))
    assert view.verticalScrollBar().value() == scroll


def test_the_summary_line_follows_decisions_and_live_edits(panel):
    browser = panel.browser

    def line():
        return "{} — {}".format(browser.review.summary(browser.chinese), browser.review.path)
    assert panel.summary.text() == line()
    finding = browser.finding_at(browser.proxy.index(0, 0, rule_index(browser, "CL-05")))
    browser.store(decisions.make(finding.finding_id, "false_positive", "园区已调整", "", "李四"))
    assert panel.summary.text() == line()
    assert "误报 1 个" in line() or "1 false positive" in line()
    layer = landuse_layer()
    layer.startEditing()
    layer.changeAttributeValue(1, layer.fields().indexOf("GHDLBM"), "0103")
    assert wait_up_to(lambda: panel.summary.text().startswith(("错误 11 个", "11 errors")), 2000)
    assert panel.summary.text() == line()


def test_no_empty_village_filter_before_the_first_check(qgis_iface, qgis_new_project):
    from plugin.gui.dock import OneMapDock
    dock = OneMapDock(qgis_iface)
    dock.show()
    QCoreApplication.processEvents()
    assert not dock.browser.village_combo.isVisible()
    assert QgsProject.instance().mapLayers() == {}
    dock.close()
    dock.deleteLater()


def test_a_decided_or_edited_rule_leaves_the_rule_titles_their_room(panel):
    """Desktop walk on QGIS 3.44: once a rule was decided (未通过（已决定 1/1）) or edited (通过（编辑前）) its status
    set the status column's width — 124 of a 526 px tree, 52 before — and rule titles wrapped to two lines,
    through the live re-check and the next full check. A qualifier now has a line of its own: the column is as
    wide as the longest line (已决定 1/1, 已认可例外), and the titles keep nine tenths of their room."""
    from plugin.gui.findings_columns import text_margin
    browser = panel.browser
    browser.chinese = browser.model.chinese = True
    browser.show_selected_result()
    QCoreApplication.processEvents()
    view, header = browser.view, browser.view.header()

    def longest_status_line():
        lines = [line for text in browser.model.column_texts(1) for line in text.split("\n")]
        return max(view.fontMetrics().horizontalAdvance(line) for line in lines) + text_margin(view)
    narrow, room = header.sectionSize(1), header.sectionSize(0)
    finding = browser.finding_at(browser.proxy.index(0, 0, rule_index(browser, "CL-01")))
    browser.store(decisions.make(finding.finding_id, "accepted", "省重点项目", "晋政函〔2024〕12号", "张三",
                                 finding.rule_id, finding.message))
    status = browser.proxy.index(rule_index(browser, "CL-01").row(), 1)
    assert status.data() == "未通过\n已决定 1/1" and status.data(Qt.ItemDataRole.ToolTipRole) == "未通过（已决定 1/1）"
    assert browser.row_text(rule_index(browser, "CL-01")).split("\t")[1] == "未通过（已决定 1/1）"   # copied as one line
    layer = landuse_layer()
    layer.startEditing()
    layer.changeAttributeValue(3, layer.fields().indexOf("GHDLBM"), "0701")           # live: rules 编辑前
    assert wait_up_to(lambda: "通过\n编辑前" in set(browser.model.column_texts(1)), 3000)
    QCoreApplication.processEvents()
    for moment in ("live re-check", "full check"):
        assert header.sectionSize(1) == max(longest_status_line(), header.sectionSizeHint(1)), moment
        assert header.sectionSize(1) < narrow + 30 and header.sectionSize(0) >= room * 0.9, moment
        layer.rollBack()
        panel.verify_button.click()
        assert wait_up_to(lambda: panel.task is None, 60000)
        QCoreApplication.processEvents()
    assert cut_cells(browser) == []
