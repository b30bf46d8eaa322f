"""A reviewer's decision on one finding: approved exception (reason + 批复文号) or false positive (reason)."""
from qgis.core import QgsSettings
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from ..core.errors import OneMapError
from ..core.review import decisions
from ..i18n import chinese_ui
from .dialogs import name_buttons

REVIEWER_KEY = "onemap/reviewer"


class DecisionDialog(QDialog):
    def __init__(self, finding, current=None, parent=None):
        super().__init__(parent)
        self.finding = finding
        self.decision = None
        zh = chinese_ui()
        self.setWindowTitle(self.tr("Reviewer decision"))
        layout = QVBoxLayout(self)
        message = QLabel("{} {}\n{}".format(finding.rule_id, finding.rule_title or "", finding.message))
        message.setWordWrap(True)
        layout.addWidget(message)
        if current is not None and current.review:         # carried onto a finding that changed since
            changed = QLabel(self.tr("To confirm again: when decided the finding read “{}”. OK keeps the "
                                     "decision for the finding as it reads now.").format(current.message))
            changed.setWordWrap(True)
            changed.setStyleSheet("color: #c46200")
            layout.addWidget(changed)
        form = QFormLayout()
        self.kind_combo = QComboBox()
        for kind, names in decisions.KINDS.items():
            self.kind_combo.addItem(names[0] if zh else names[1], kind)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setMaximumHeight(70)
        self.approval_edit = QLineEdit()
        self.approval_edit.setPlaceholderText(self.tr("e.g. 晋政函〔2024〕12号"))
        self.reviewer_edit = QLineEdit(QgsSettings().value(REVIEWER_KEY, "") or "")
        form.addRow(self.tr("Decision"), self.kind_combo)
        form.addRow(self.tr("Reason"), self.reason_edit)
        form.addRow(self.tr("Approval document no."), self.approval_edit)
        form.addRow(self.tr("Reviewer"), self.reviewer_edit)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c00000")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        name_buttons(buttons)
        layout.addWidget(buttons)
        self.kind_combo.currentIndexChanged.connect(self.kind_changed)
        if current is not None:
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(current.decision)))
            self.reason_edit.setPlainText(current.reason)
            self.approval_edit.setText(current.approval_no)
            self.reviewer_edit.setText(current.reviewer)
        self.kind_changed()
        self.resize(440, self.sizeHint().height())

    def kind_changed(self, *_args):
        self.approval_edit.setEnabled(self.kind_combo.currentData() == "accepted")

    def accept(self):
        """Validate (a missing reason or 批复文号 is said, the dialog stays open), then close."""
        try:
            self.decision = decisions.make(
                self.finding.finding_id, self.kind_combo.currentData(), self.reason_edit.toPlainText(),
                self.approval_edit.text(), self.reviewer_edit.text(), self.finding.rule_id, self.finding.message)
        except OneMapError as exc:
            self.error.setText(exc.zh if chinese_ui() else exc.en)
            return
        if self.reviewer_edit.text().strip():
            QgsSettings().setValue(REVIEWER_KEY, self.reviewer_edit.text().strip())
        super().accept()
