"""Shared fixtures: the repository's plugin package and tools/ on the path, the generated sample plans, the
provider."""
import os
import shutil
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for folder in (ROOT, os.path.join(ROOT, "tools")):         # the plugin package; the generators and geodesic
    if folder not in sys.path:
        sys.path.insert(0, folder)

SAMPLE = os.path.join(ROOT, "resources", "sample")


def pytest_configure(config):
    # QGIS 3.22's own qgis/core/__init__.py line 321 has "\\deprecated" in a plain string; the
    # warning is QGIS's, not ours (tests/test_escapes.py keeps ours clean).
    config.addinivalue_line("filterwarnings", r"ignore:invalid escape sequence '\\d':DeprecationWarning")


def sample(name):
    path = os.path.join(SAMPLE, name)
    if not os.path.exists(path):
        pytest.fail("sample data missing: run `make sample` ({})".format(path))
    return path


@pytest.fixture
def sample_copy(tmp_path):
    """Copy a sample source into tmp_path, so a test can prove inputs are never modified."""
    def _copy(name):
        target = tmp_path / name
        shutil.copy(sample(name), target)
        return str(target)
    return _copy


@pytest.fixture
def onemap_provider(qgis_app, qgis_processing):
    """Register the onemap provider for one test (pytest-qgis does not) and remove it afterwards."""
    from qgis.core import QgsApplication

    from plugin.processing.provider import OneMapProvider
    registry = QgsApplication.processingRegistry()
    existing = registry.providerById("onemap")
    provider = None
    if existing is None:
        provider = OneMapProvider()
        registry.addProvider(provider)
    yield registry.providerById("onemap")
    if provider is not None:
        registry.removeProvider(provider)
