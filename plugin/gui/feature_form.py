"""A feature's attribute form (QGIS's own, QgsAttributeDialog) opened the way a technician reads it: tall
enough for a finding's fields, wide enough that no value runs past the form (widened once laid out, when
its fields need more than FORM_SIZE), and with the plugin's button texts."""
from qgis.core import QgsFeature
from qgis.gui import QgsAttributeDialog, QgsAttributeEditorContext
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import QApplication, QComboBox, QScrollArea

from ..i18n import tr
from .dialogs import name_buttons

FORM_SIZE = (620, 680)                  # px: a finding's 18 fields, its message wrapped, at QGIS's 9 pt
SCREEN_SHARE = 0.85                     # never more of the screen than this
COMBO_CHARACTERS = 12                   # a value map's box asks for this much, then takes the form's width
COMBO_FRAME_PX = 40                     # a box's frame and arrow beside its text


def open_feature_form(iface, layer, feature, parent):
    """Show `feature` of `layer` in an attribute form (editable as the layer is); returns the dialog."""
    context = QgsAttributeEditorContext()
    context.setFormMode(QgsAttributeEditorContext.FormMode.StandaloneDialog)
    if iface is not None:
        context.setMapCanvas(iface.mapCanvas())
    shown = QgsFeature(feature)
    dialog = QgsAttributeDialog(layer, shown, False, parent, True, context)
    dialog.shown_feature = shown                      # the dialog keeps a pointer to it, not a copy
    dialog.setWindowTitle(tr("{} — feature attributes").format(layer.name()))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    name_buttons(dialog)
    for combo in dialog.findChildren(QComboBox):     # a value map's list (CRS-01's five layer names) widens no form
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(COMBO_CHARACTERS)
    room = QApplication.primaryScreen().availableGeometry()
    width, height = (min(size, int(limit * SCREEN_SHARE)) for size, limit in zip(FORM_SIZE, (room.width(), room.height())))
    dialog.resize(width, height)
    dialog.show()
    fit = QTimer(dialog)                              # once laid out: the fields' own width
    fit.setSingleShot(True)
    fit.timeout.connect(lambda: widen(dialog, int(room.width() * SCREEN_SHARE)))
    fit.start(0)
    return dialog


def widen(dialog, limit):
    """Widen `dialog` (up to `limit` px) by what its fields need beyond the scroll area's view."""
    scroll = dialog.findChild(QScrollArea)
    if scroll is None or scroll.widget() is None:
        return
    missing = max([scroll.widget().minimumSizeHint().width() - scroll.viewport().width()] +
                  [combo.fontMetrics().horizontalAdvance(combo.currentText()) + COMBO_FRAME_PX - combo.width()
                   for combo in dialog.findChildren(QComboBox)])       # the value shown, not the longest listed
    if missing > 0:
        dialog.resize(min(dialog.width() + missing, limit), dialog.height())
