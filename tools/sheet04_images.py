#!/usr/bin/env python3
"""`make sheet04-images`: sheet 04 一张图核对成果图 as handed in, for the README and the user guide.

Three cases, each checked and exported as onemap:exportmapsheets does (A3, 150 dpi PNG beside the PDF):
the sample plan with conflicts (village_conflicts.gpkg), the plan in the real database structure
(village_realdb) — both against the sample township one map —, and the dense case of
tests/test_mapsheet_findings.py (ten findings within 100 m: numbered markers keyed to the 问题清单 beside
the map; the test's own dense_case builds it). Each sheet's PNG is copied to docs/sheet04-<case>.png and
to the user guide's images.
    usage: tools/sheet04_images.py [DOCS [WORK]]      (defaults: docs, out/sheet04)
"""
import os
import pathlib
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [ROOT, os.path.join(ROOT, "tests"), os.path.join(ROOT, "tools")]

from qgis.core import QgsApplication  # noqa: E402

SAMPLE = os.path.join(ROOT, "resources", "sample")
COMPILER = "OneMap 示例（虚构数据）"
GUIDE = {"village_conflicts": "sheet04.png", "dense": "sheet04-dense.png"}     # docs/guide/images/


def cases(work):
    """(case, plan, one map, findings file) for the three cases, checked into `work`."""
    from plugin.core.check.engine import verify
    from test_mapsheet_findings import dense_case
    onemap = os.path.join(SAMPLE, "township_onemap.gpkg")
    for case, plan in (("village_conflicts", "village_conflicts.gpkg"), ("village_realdb", "village_realdb")):
        findings = os.path.join(work, case + "_findings.gpkg")
        verify(os.path.join(SAMPLE, plan), onemap, output=findings)
        yield case, os.path.join(SAMPLE, plan), onemap, findings
    yield ("dense",) + dense_case(pathlib.Path(work))


def main(docs, work):
    app = QgsApplication([], False)
    app.initQgis()
    from plugin.core.export.mapsheets import export_mapsheets
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    for case, plan, onemap, findings in list(cases(work)):
        sheets = export_mapsheets(plan, onemap, os.path.join(work, case), findings, compiler=COMPILER)
        png = next(path for sheet in sheets for path in sheet.files
                   if "04_一张图核对成果图" in os.path.basename(path) and path.endswith(".png"))
        targets = [os.path.join(docs, "sheet04-{}.png".format(case))]
        if case in GUIDE:
            targets.append(os.path.join(docs, "guide", "images", GUIDE[case]))
        for target in targets:
            shutil.copyfile(png, target)
            print(target)
    app.exitQgis()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "docs"),
         sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "out", "sheet04"))
