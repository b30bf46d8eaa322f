"""Findings are named after the village their point lies in: the first in layer order, whether placed by
the village's inside grid (many findings) or by GEOS (a few), points on a shared border included."""
from types import SimpleNamespace

import pytest
from qgis.core import QgsGeometry

from plugin.core.check.context import Feature, LayerData
from plugin.core.check.engine import place_in_villages
from plugin.core.check.inside import WORTH_IT
from plugin.core.check.rules.base import Finding

EAST = "POLYGON((0 0,100 0,100 100,0 100,0 0))"
WEST = "POLYGON((100 0,200 0,200 100,150 100,150 50,100 100,100 0))"     # concave: its notch is nobody's


def context(villages):
    features = [Feature(fid, QgsGeometry.fromWkt(wkt), {"ZLDWMC": name, "ZLDWDM": code})
                for fid, (name, code, wkt) in enumerate(villages, 1)]
    data = LayerData("CJDCQ", "CJDCQ", features)
    return SimpleNamespace(plan=SimpleNamespace(recognised={"CJDCQ"}),
                           placed=lambda side, key: data if key == "CJDCQ" else None)


def at(x, y):
    return Finding("CL-01", "error", "", extra={"x": x, "y": y})


@pytest.mark.parametrize("copies", [1, WORTH_IT])            # GEOS for each point; the inside grid
def test_each_point_is_named_after_the_first_village_holding_it(copies):
    points = {(50, 50): "东庄村", (150, 25): "西岭村", (100, 50): "东庄村",     # on the shared border: the first
              (100, 100): "东庄村", (160, 80): "西岭村", (140, 80): "", (300, 300): "", (0, 0): "东庄村"}
    findings = [at(x, y) for (x, y) in points for _ in range(copies)]
    findings.append(Finding("IND-01", "error", ""))          # an indicator: nowhere
    place_in_villages(findings, context([("东庄村", "1", EAST), ("西岭村", "2", WEST)]))
    named = {}
    for finding in findings[:-1]:
        named.setdefault((finding.extra["x"], finding.extra["y"]), set()).add(finding.village)
    assert named == {point: {name} for point, name in points.items()}
    assert findings[-1].village == ""


@pytest.mark.parametrize("copies", [1, WORTH_IT])
def test_a_point_on_a_villages_outermost_vertex_is_in_it(copies):
    """(red team) On the polygon's box edge, where the polygon has its vertex: the grid had called it beyond."""
    diamond = "POLYGON((100 50,150 0,200 50,150 100,100 50))"
    findings = [at(x, y) for x, y in [(100, 50), (200, 50), (150, 0)] for _ in range(copies)]
    place_in_villages(findings, context([("东庄村", "1", diamond), ("西岭村", "2", EAST)]))
    assert {finding.village for finding in findings} == {"东庄村"}


def test_a_village_without_a_name_is_named_by_its_code():
    findings = [at(10, 10)]
    place_in_villages(findings, context([("", "440101001", EAST)]))
    assert findings[0].village == "440101001"
