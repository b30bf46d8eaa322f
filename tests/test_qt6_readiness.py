"""Qt6 / QGIS 4 readiness, checked instead of declared: metadata.txt says supportsQt6=True, so
every module the ZIP ships (plugin/) is scanned for what a Qt6 build of QGIS rejects.

No Qt6 QGIS exists on this machine, so this is a scan, not a run. It catches, with file:line:
- Qt imported other than through qgis.PyQt (PyQt5/PyQt4/bare sip), and modules Qt6/QGIS 4 drop
  (QtWebKit*, QtXmlPatterns, QtScript, the aggregated qgis.PyQt.Qt) unless the import is guarded
  by `except ImportError` (the code then works without them);
- classes Qt6 removed (QRegExp, QDesktopWidget, QTextCodec, …) and QVariant type constants;
- exec_()/print_() (PyQt6 has only exec()/print());
- unscoped enum members — Qt.AlignLeft, QMessageBox.Yes, QgsWkbTypes.PolygonGeometry — resolved
  against the running PyQt/PyQGIS, so `Qt.AlignmentFlag.AlignLeft` passes and an enum reached
  through `self` or a local variable is not seen. Names looked up with getattr (plugin/core/compat.py)
  are strings and pass: that is how an enum that moved after 3.22 is picked.
"""
import ast
import enum
import importlib
import os

from conftest import ROOT

DROPPED_MODULES = {"PyQt4", "PyQt5", "sip", "qgis.PyQt.Qt", "qgis.PyQt.QtWebKit", "qgis.PyQt.QtWebKitWidgets",
                   "qgis.PyQt.QtXmlPatterns", "qgis.PyQt.QtScript"}
REMOVED_NAMES = {"QRegExp": "QRegularExpression", "QRegExpValidator": "QRegularExpressionValidator",
                 "QDesktopWidget": "QScreen", "QTextCodec": "Python str/bytes", "QGLWidget": "QOpenGLWidget",
                 "QSound": "QSoundEffect", "QMatrix": "QTransform", "QStringRef": "str"}
RENAMED_METHODS = {"exec_": "exec", "print_": "print"}


def is_enum_type(value):
    return isinstance(value, enum.EnumMeta) or type(value).__name__ == "enumtype"      # Python or sip enum


def is_enum_member(value):
    return isinstance(value, enum.Enum) or type(type(value)).__name__ == "enumtype"


class Scanner(ast.NodeVisitor):
    """Collects 'path:line: problem' for one module; names are resolved through its own imports."""

    def __init__(self, path):
        self.path = os.path.relpath(path, ROOT)
        self.names = {}
        self.problems = []
        self.guarded = 0            # inside `try:` with `except ImportError`: an optional module, used only if there

    def visit_Try(self, node):  # noqa: N802
        catches = any(isinstance(handler.type, ast.Name) and handler.type.id in ("ImportError", "ModuleNotFoundError")
                      for handler in node.handlers)
        self.guarded += catches
        for statement in node.body:
            self.visit(statement)
        self.guarded -= catches
        for part in node.handlers + node.orelse + node.finalbody:
            self.visit(part)

    def report(self, node, text):
        self.problems.append("{}:{}: {}".format(self.path, node.lineno, text))

    def visit_Import(self, node):  # noqa: N802
        for alias in node.names:
            self.check_module(node, alias.name)

    def visit_ImportFrom(self, node):  # noqa: N802
        module = node.module or ""
        dropped = self.check_module(node, module)
        for alias in node.names:
            if not dropped:
                self.check_module(node, "{}.{}".format(module, alias.name))
            if alias.name in REMOVED_NAMES:
                self.report(node, "{} is gone in Qt6: use {}".format(alias.name, REMOVED_NAMES[alias.name]))
            if node.level == 0 and (module.startswith("qgis.PyQt") or module in ("qgis.core", "qgis.gui")):
                try:
                    self.names[alias.asname or alias.name] = getattr(importlib.import_module(module), alias.name)
                except (ImportError, AttributeError):
                    pass

    def check_module(self, node, name):
        """Report an import of a module Qt6/QGIS 4 does not have (unless guarded); True if reported."""
        if not self.guarded and any(name == dropped or name.startswith(dropped + ".") for dropped in DROPPED_MODULES):
            self.report(node, "imports {}: not available with Qt6/QGIS 4 (import Qt through qgis.PyQt)".format(name))
            return True
        return False

    def visit_Attribute(self, node):  # noqa: N802
        if node.attr in RENAMED_METHODS:
            self.report(node, "{}() does not exist in PyQt6: use {}()".format(node.attr, RENAMED_METHODS[node.attr]))
        owner = self.resolve(node.value)
        if isinstance(owner, type) and not is_enum_type(owner):
            value = getattr(owner, node.attr, None)
            if owner.__name__ == "QVariant" and is_enum_member(value):
                self.report(node, "QVariant.{} type constants are gone in Qt6".format(node.attr))
            elif is_enum_member(value):
                self.report(node, "unscoped enum {0}.{1}: write {0}.{2}.{1} (or pick it in core/compat.py if QGIS "
                                  "moved it)".format(owner.__name__, node.attr, type(value).__name__))
        self.generic_visit(node)

    def resolve(self, node):
        if isinstance(node, ast.Name):
            return self.names.get(node.id)
        if isinstance(node, ast.Attribute):
            owner = self.resolve(node.value)
            return None if owner is None else getattr(owner, node.attr, None)
        return None


def scan(path):
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    scanner = Scanner(path)
    scanner.visit(tree)
    return scanner.problems


def shipped_modules():
    for folder, _dirs, files in os.walk(os.path.join(ROOT, "plugin")):
        for name in sorted(files):
            if name.endswith(".py"):
                yield os.path.join(folder, name)


def test_shipped_code_has_nothing_qt6_rejects():
    problems = [problem for path in shipped_modules() for problem in scan(path)]
    assert problems == [], "\n".join(problems)


def test_scanner_catches_what_it_claims(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PyQt5.QtCore import QTimer\n"
                   "from qgis.PyQt.QtCore import Qt, QRegExp, QVariant\n"
                   "from qgis.PyQt.QtWidgets import QMessageBox\n"
                   "from qgis.core import QgsWkbTypes, Qgis\n"
                   "a = Qt.AlignLeft\n"
                   "b = QMessageBox.Yes\n"
                   "c = QgsWkbTypes.PolygonGeometry\n"
                   "d = QVariant.String\n"
                   "QMessageBox().exec_()\n"
                   "ok = (Qt.AlignmentFlag.AlignLeft, QMessageBox.StandardButton.Yes, Qgis.MessageLevel.Info,\n"
                   "      getattr(QgsWkbTypes, 'PolygonGeometry', None), Qt.AlignmentFlag)\n"
                   "try:\n"
                   "    from qgis.PyQt import QtWebKit\n"
                   "except ImportError:\n"
                   "    QtWebKit = None\n", encoding="utf-8")
    found = scan(str(bad))
    lines = sorted(int(problem.split(":")[1]) for problem in found)
    assert lines == [1, 2, 5, 6, 7, 8, 9], "\n".join(found)
    assert any("write Qt.AlignmentFlag.AlignLeft" in problem for problem in found)
