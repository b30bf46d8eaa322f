"""The plugin's own dialogs name their buttons in the panel's language. Qt's standard buttons read OK /
Cancel / Close in English wherever Qt's own translations are not installed (the desktop walk on QGIS 3.44 in
zh-Hans: the decision dialog said OK and Cancel); the plugin's translation gives 确定 / 取消 / 关闭 whatever
Qt has. Processing's dialog is QGIS's own: not ours to rename."""
import pytest
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox, QPushButton

from plugin.i18n import install_translator, remove_translator


@pytest.fixture
def chinese(qgis_app):
    """The plugin's Chinese translation installed, as the plugin does when QGIS runs in Chinese."""
    translator = install_translator("zh_CN")
    assert translator is not None, "run `make translations` (plugin/i18n/onemap_zh_CN.qm)"
    yield
    remove_translator(translator)


class Finding:
    finding_id, rule_id, rule_title, message = "f1", "CL-01", "永久基本农田内规划为非耕地", "规划0703 位于永久基本农田内"


def texts(dialog):
    return [button.text() for box in dialog.findChildren(QDialogButtonBox) for button in box.buttons()]


def test_the_decision_dialog_says_ok_and_cancel_in_chinese(chinese):
    from plugin.gui.decision_dialog import DecisionDialog
    assert texts(DecisionDialog(Finding())) == ["确定", "取消"]


def test_the_decision_dialog_says_ok_and_cancel_in_english(qgis_app):
    from plugin.gui.decision_dialog import DecisionDialog
    assert texts(DecisionDialog(Finding())) == ["OK", "Cancel"]


def test_the_merge_dialog_closes_in_chinese(chinese, tmp_path):
    from plugin.gui.lifecycle_panel import MergeDialog
    dialog = MergeDialog(str(tmp_path / "plan.gpkg"), str(tmp_path / "findings.gpkg"), str(tmp_path / "onemap.gpkg"))
    assert "关闭" in texts(dialog) and "Close" not in texts(dialog)


def answer_the_modal_dialog(seen, button_text):
    """Record the buttons of the dialog about to be shown modally, then press `button_text`."""
    def answer():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, answer)
            return
        buttons = [button for button in dialog.findChildren(QPushButton) if button.isVisible()]
        seen.extend(button.text() for button in buttons)
        next(button for button in buttons if button.text() == button_text).click()
    QTimer.singleShot(0, answer)


def test_a_message_and_a_choice_say_ok_and_cancel_in_chinese(chinese):
    from plugin.gui.dialogs import message, pick_item
    seen = []
    answer_the_modal_dialog(seen, "确定")
    message(None, "尚未保存 PostgreSQL 连接")
    assert seen == ["确定"]
    seen.clear()
    answer_the_modal_dialog(seen, "确定")
    assert pick_item(None, "PostGIS 连接", "连接", ["a", "b"]) == ("a", True)
    assert sorted(seen) == sorted(["确定", "取消"])
    seen.clear()
    answer_the_modal_dialog(seen, "取消")
    assert pick_item(None, "PostGIS 连接", "连接", ["a", "b"])[1] is False
