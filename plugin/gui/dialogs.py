"""The plugin's dialogs name their buttons in the plugin's own language: Qt's standard buttons (OK,
Cancel, Close …) read in English wherever Qt's own translations are not installed, as on many Linux
machines, even when QGIS runs in Chinese. Dialogs QGIS itself opens (Processing's) keep QGIS's texts."""
from qgis.PyQt.QtWidgets import QDialogButtonBox, QInputDialog, QMessageBox

from ..i18n import tr

Button = QDialogButtonBox.StandardButton


def button_texts():
    """{standard button: its text}, translated when asked (the UI language is known by then)."""
    return {Button.Ok: tr("OK"), Button.Cancel: tr("Cancel"), Button.Close: tr("Close")}


def name_buttons(widget):
    """Give the standard buttons of the button boxes in `widget` (or `widget` itself) the plugin's texts."""
    boxes = widget.findChildren(QDialogButtonBox) + ([widget] if isinstance(widget, QDialogButtonBox) else [])
    for box in boxes:
        for which, text in button_texts().items():
            button = box.button(which)
            if button is not None:
                button.setText(text)


def message(parent, text, warning=False):
    """A message box titled OneMap with an OK button."""
    box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information, "OneMap", text,
                      QMessageBox.StandardButton.Ok, parent)
    name_buttons(box)
    box.exec()


def pick_item(parent, title, label, items):
    """One of `items` chosen in a list (QInputDialog.getItem with the plugin's button texts): (item, ok)."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setComboBoxItems(items)
    dialog.setComboBoxEditable(False)
    dialog.setOkButtonText(tr("OK"))
    dialog.setCancelButtonText(tr("Cancel"))
    ok = bool(dialog.exec())
    return dialog.textValue(), ok
