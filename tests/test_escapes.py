"""Our own Python has no invalid escape sequences (conftest ignores the one in QGIS 3.22's qgis.core)."""
import os
import warnings

from conftest import ROOT


def test_plugin_tools_and_tests_compile_without_escape_warnings():
    found = []
    for top in ("plugin", "tools", "tests"):
        for folder, _dirs, files in os.walk(os.path.join(ROOT, top)):
            for name in files:
                if not name.endswith(".py"):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as handle:
                    source = handle.read()
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    compile(source, path, "exec")
                found += ["{}:{}: {}".format(path, w.lineno, w.message) for w in caught]
    assert found == []

